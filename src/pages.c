// SPDX-License-Identifier: GPL-2.0
/*
 * The GPU-style page pool, a client of the pool core modelled on DRM TTM's
 * pool: pages are pooled per caching mode (write-back, write-combined,
 * uncached) and per order, because switching a page's caching costs a
 * cross-CPU TLB flush and a cache flush, which a pooled page skips.
 *
 * A buffer is a named set of chunks (2^order contiguous pages each) owned by
 * the memcg that allocated it. Allocation goes largest order first, as TTM
 * does: at each order the chunks come from the pool, with the child-to-root
 * lookup on the requested node, and otherwise are freshly allocated on that
 * node, charged to the allocating memcg and switched to the buffer's caching
 * in batches. When a fresh chunk of order > 0 is not to be had cheaply, the
 * order drops by one.
 *
 * Every chunk has a descriptor, an entry of the pool core, charged to the
 * same memcg as its pages and allocated with them. The descriptor decides
 * the list a chunk joins, so a chunk always returns to the list of the memcg
 * its pages are charged to, and when a cgroup is removed the kernel moves
 * descriptor, list entry and the pages' charge to the parent together. The
 * charge model and the one place a charge would move: lrupool_chunk_borrow().
 *
 * Freeing: a buffer's chunks go back to the pool unless the pool holds
 * pool_limit_pages; then they go back to the system, after their caching is
 * restored to write-back. So do the chunks the shrinker frees.
 *
 * Shrink order (lrupool_page_pools_by_shrink_order()): write-back pools
 * first, then uncached, then write-combined; in each, the highest order
 * first. A pooled write-back page saves only an allocation, while a pooled
 * wc/uc page also saves a caching switch, and freeing a write-back page
 * needs no flush: reclaim gets its memory for the least future and present
 * cost. Uncached goes before write-combined because drivers ask for it far
 * less often. High orders go first because a chunk returns 2^order pages for
 * one descriptor and one flush, and gives the buddy allocator back the
 * contiguous blocks that compaction would otherwise have to rebuild.
 *
 * Locking: lrupool_buffers_lock (a mutex) protects the list of buffers, the
 * names in it and each buffer's @live flag. It is taken alone: never
 * together with a list_lru lock, and never around an allocation or a
 * caching switch. A buffer that is not live (being made) or off the list
 * (being freed) belongs to the one command working on it, so its chunks
 * need no lock. The pools' lists are list_lru's; the shrinker's ->release()
 * runs with no lock held.
 */

#include <linux/build_bug.h>
#include <linux/cgroup.h>
#include <linux/gfp.h>
#include <linux/log2.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "compat.h"
#include "internal.h"

/* Descriptors and buffers: charged; fail rather than OOM-kill or warn. */
#define LRUPOOL_META_GFP \
	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/* Pages per caching switch of fresh chunks: one flush for each batch. */
#define LRUPOOL_SWITCH_BATCH	BIT(LRUPOOL_PAGES_MAX_ORDER)
/* Pages per restore of small chunks, on the stack of reclaim. */
#define LRUPOOL_RESTORE_BATCH	64
/* Chunks per batch of frees, on the stack of reclaim too. */
#define LRUPOOL_FREE_BATCH	32

/**
 * struct lrupool_chunk - 2^order contiguous pages and their pool entry
 * @node: link in a pool's list, in a buffer, or in a private list
 * @page: the first page
 * @order: the chunk's order
 * @caching: the pages' caching now (enum lrupool_caching)
 */
struct lrupool_chunk {
	struct list_head node;
	struct page *page;
	u8 order;
	u8 caching;
};

/**
 * struct lrupool_buffer - a named set of chunks owned by one memcg
 * @link: in lrupool_buffers, under lrupool_buffers_lock
 * @chunks: the chunks; see "Locking" above
 * @name: NUL-terminated, valid per lrupool_buffer_name_valid()
 * @owner: cgroup id of the memcg that allocated the buffer
 * @nr_pages: size in pages
 * @borrowed: pages that came from an ancestor's list
 * @caching: of every chunk once made
 * @live: made and not being freed; under lrupool_buffers_lock
 */
struct lrupool_buffer {
	struct list_head link;
	struct list_head chunks;
	char name[LRUPOOL_BUFFER_NAME_MAX + 1];
	u64 owner;
	unsigned long nr_pages;
	unsigned long borrowed;
	enum lrupool_caching caching;
	bool live;
};

/**
 * struct lrupool_alloc - a buffer being made
 * @buf: the buffer, not live yet; @buf->chunks holds what the pool gave
 * @memcg: the allocating memcg, referenced by the caller
 * @nid: the node every chunk comes from
 * @fresh: freshly allocated chunks, switched to @buf's caching
 * @pending: freshly allocated chunks still write-back, pages in @pages
 * @pages: the pages of @pending, up to %LRUPOOL_SWITCH_BATCH
 * @nr_pages: how many are in @pages
 * @hit_local: pages from @memcg's own lists
 * @hit_ancestor: pages from an ancestor's lists
 * @miss: pages freshly allocated
 */
struct lrupool_alloc {
	struct lrupool_buffer *buf;
	struct mem_cgroup *memcg;
	int nid;
	struct list_head fresh;
	struct list_head pending;
	struct page **pages;
	unsigned int nr_pages;
	unsigned long hit_local;
	unsigned long hit_ancestor;
	unsigned long miss;
};

static const char * const lrupool_caching_names[LRUPOOL_NR_CACHING] = {
	[LRUPOOL_CACHING_WB] = "wb",
	[LRUPOOL_CACHING_WC] = "wc",
	[LRUPOOL_CACHING_UC] = "uc",
};

static struct kmem_cache *lrupool_chunk_cache;
static struct lrupool
	lrupool_page_pools[LRUPOOL_NR_CACHING][LRUPOOL_PAGES_NR_ORDERS];
static struct lrupool *
	lrupool_shrink_order[LRUPOOL_NR_CACHING * LRUPOOL_PAGES_NR_ORDERS];

static DEFINE_MUTEX(lrupool_buffers_lock);
static LIST_HEAD(lrupool_buffers);		/* under lrupool_buffers_lock */
static unsigned long lrupool_nr_buffers;	/* live ones, same lock */

/* Statistics in pages; racy, see struct lrupool_pages_stats. */
static atomic_long_t lrupool_pages_in_use;
static atomic_long_t lrupool_pages_hit_local;
static atomic_long_t lrupool_pages_hit_ancestor;
static atomic_long_t lrupool_pages_miss;
static atomic_long_t lrupool_pages_given;
static atomic_long_t lrupool_pages_released;
static atomic_long_t lrupool_pages_caching_changes;

/**
 * lrupool_page_pool() - the pool of one caching mode and order
 * @caching: the mode
 * @order: 0 to %LRUPOOL_PAGES_MAX_ORDER
 *
 * Return: the pool.
 */
struct lrupool *lrupool_page_pool(enum lrupool_caching caching,
				  unsigned int order)
{
	return &lrupool_page_pools[caching][order];
}

/**
 * lrupool_page_pools_by_shrink_order() - the page pools as reclaim sees them
 * @nr: set to the number of pools
 *
 * Return: the pools in the order they give up chunks (see the top of this
 * file for why).
 */
struct lrupool *const *lrupool_page_pools_by_shrink_order(unsigned int *nr)
{
	*nr = ARRAY_SIZE(lrupool_shrink_order);
	return lrupool_shrink_order;
}

/**
 * lrupool_caching_name() - the name of a caching mode, as the contract
 *	spells it
 * @caching: the mode
 *
 * Return: "wb", "wc" or "uc".
 */
const char *lrupool_caching_name(enum lrupool_caching caching)
{
	return lrupool_caching_names[caching];
}

/**
 * lrupool_caching_parse() - a caching mode from its name
 * @name: "wb", "wc" or "uc"
 *
 * Return: the &enum lrupool_caching, or -EINVAL.
 */
int lrupool_caching_parse(const char *name)
{
	return match_string(lrupool_caching_names, LRUPOOL_NR_CACHING, name);
}

/**
 * lrupool_buffer_name_valid() - is @name a valid buffer name?
 * @name: NUL-terminated
 *
 * Return: true for 1 to %LRUPOOL_BUFFER_NAME_MAX characters of
 * [A-Za-z0-9_.-].
 */
bool lrupool_buffer_name_valid(const char *name)
{
	size_t len = strnlen(name, LRUPOOL_BUFFER_NAME_MAX + 1);
	char c;

	if (!len || len > LRUPOOL_BUFFER_NAME_MAX)
		return false;
	while ((c = *name++)) {
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* Pages in the pool now, racy. */
static unsigned long lrupool_pages_pooled(void)
{
	unsigned long pooled = 0;
	unsigned int c, order;

	for (c = 0; c < LRUPOOL_NR_CACHING; c++)
		for (order = 0; order < LRUPOOL_PAGES_NR_ORDERS; order++)
			pooled += lrupool_count(lrupool_page_pool(c, order))
				  << order;
	return pooled;
}

/* Switch @nr write-back pages to @caching, one flush; 0 or -ENOMEM. */
static int lrupool_pages_set_caching(struct page **pages, unsigned int nr,
				     enum lrupool_caching caching)
{
	int err;

	if (caching == LRUPOOL_CACHING_WC)
		err = set_pages_array_wc(pages, nr);
	else if (caching == LRUPOOL_CACHING_UC)
		err = set_pages_array_uc(pages, nr);
	else
		return 0;
	if (err)
		return -ENOMEM;
	atomic_long_add(nr, &lrupool_pages_caching_changes);
	return 0;
}

/*
 * Restore write-back caching of @nr pages. As in TTM, failure is not
 * handled: the caching code fails only when it cannot split a kernel
 * mapping, and the switch away from write-back already split it.
 */
static void lrupool_pages_restore_array(struct page **pages, unsigned int nr)
{
	if (!nr)
		return;
	set_pages_array_wb(pages, nr);
	atomic_long_add(nr, &lrupool_pages_caching_changes);
}

/* The same for @nr contiguous pages from @page. */
static void lrupool_pages_restore_range(struct page *page, unsigned int nr)
{
	set_pages_wb(page, nr);
	atomic_long_add(nr, &lrupool_pages_caching_changes);
}

/*
 * Restore write-back caching of every chunk on @chunks, in batches. Not
 * inlined into lrupool_chunks_release(): the two batches share no stack.
 */
static noinline_for_stack void lrupool_chunks_restore(struct list_head *chunks)
{
	struct page *batch[LRUPOOL_RESTORE_BATCH];
	struct lrupool_chunk *chunk;
	unsigned int i, n, nr = 0;

	list_for_each_entry(chunk, chunks, node) {
		if (chunk->caching == LRUPOOL_CACHING_WB)
			continue;
		n = 1U << chunk->order;
		if (n > ARRAY_SIZE(batch)) {
			/* Contiguous: one call, one flush. */
			lrupool_pages_restore_range(chunk->page, n);
		} else {
			if (nr + n > ARRAY_SIZE(batch)) {
				lrupool_pages_restore_array(batch, nr);
				nr = 0;
			}
			for (i = 0; i < n; i++)
				batch[nr++] = chunk->page + i;
		}
		chunk->caching = LRUPOOL_CACHING_WB;
	}
	lrupool_pages_restore_array(batch, nr);
}

/* Free a batch: @nr_pages order-0 pages, then @nr descriptors. */
static void lrupool_chunks_free(struct page **pages, unsigned int nr_pages,
				void **descs, unsigned int nr)
{
	/* One memcg uncharge and one per-CPU list lock for the batch. */
	if (nr_pages)
		release_pages(pages, nr_pages);
	/* Every page pool shares the one descriptor cache. */
	lrupool_entries_free(lrupool_page_pool(LRUPOOL_CACHING_WB, 0), nr,
			     descs);
}

/*
 * Give every chunk on @chunks back to the system: restore write-back
 * caching, then free the pages and the descriptors, in batches: the
 * shrinker frees order-0 chunks by the hundred. Empties the list.
 */
static void lrupool_chunks_release(struct list_head *chunks)
{
	struct page *pages[LRUPOOL_FREE_BATCH];
	void *descs[LRUPOOL_FREE_BATCH];
	struct lrupool_chunk *chunk, *next;
	unsigned int nr_pages = 0, nr = 0;

	lrupool_chunks_restore(chunks);
	list_for_each_entry_safe(chunk, next, chunks, node) {
		/* Not compound: a put of the head would free one page. */
		if (chunk->order)
			__free_pages(chunk->page, chunk->order);
		else
			pages[nr_pages++] = chunk->page;
		descs[nr++] = chunk;
		if (nr == ARRAY_SIZE(descs)) {
			lrupool_chunks_free(pages, nr_pages, descs, nr);
			nr_pages = 0;
			nr = 0;
		}
	}
	if (nr)
		lrupool_chunks_free(pages, nr_pages, descs, nr);
	INIT_LIST_HEAD(chunks);
}

/* The pools' ->release(): chunks freed by the shrinker or a drain. */
static void lrupool_chunk_pool_release(struct lrupool *pool,
				       struct list_head *entries)
{
	lrupool_chunks_release(entries);
}

static const struct lrupool_ops lrupool_chunk_ops = {
	.release = lrupool_chunk_pool_release,
};

/* Page allocation flags: only order 0 tries hard, as in TTM. */
static gfp_t lrupool_chunk_gfp(unsigned int order)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_THISNODE | __GFP_NOWARN;

	if (order)
		return gfp | __GFP_NORETRY | __GFP_NOMEMALLOC;
	return gfp | __GFP_RETRY_MAYFAIL;
}

/*
 * A fresh chunk of @order on @nid for the pool of @caching, pages and
 * descriptor charged to @memcg; its pages are still write-back.
 * Return: the chunk or NULL.
 */
static struct lrupool_chunk *lrupool_chunk_alloc(struct mem_cgroup *memcg,
						 int nid,
						 enum lrupool_caching caching,
						 unsigned int order)
{
	struct lrupool *pool = lrupool_page_pool(caching, order);
	struct lrupool_chunk *chunk;
	struct mem_cgroup *old;
	struct page *page;

	chunk = lrupool_entry_alloc(pool, memcg, nid, LRUPOOL_META_GFP);
	if (!chunk)
		return NULL;
	old = set_active_memcg(memcg);
	page = alloc_pages_node(nid, lrupool_chunk_gfp(order), order);
	set_active_memcg(old);
	if (!page) {
		lrupool_entry_free(pool, chunk);
		return NULL;
	}
	chunk->page = page;
	chunk->order = order;
	chunk->caching = LRUPOOL_CACHING_WB;
	return chunk;
}

/**
 * lrupool_chunk_borrow() - a chunk from an ancestor's list joins a buffer
 * @buf: the buffer of the memcg that took the chunk
 * @chunk: the chunk, charged to that ancestor (or to the root: nobody)
 *
 * This is the one place where a kernel with a charge-moving API would move
 * the charge of the chunk's pages and descriptor from the ancestor to the
 * buffer's memcg; the chunk would then return to the taker's list when
 * freed. No released kernel exports such a function (memcg charges move
 * only when a cgroup is removed), so the chunk stays charged to the
 * ancestor while it is borrowed, counts in the ancestor's memory.current,
 * and returns to the ancestor's list when freed, because its descriptor's
 * charge decides the list. The taker pays nothing for it: the ancestor
 * made the pages and still pays for them, as with a page-cache page read
 * by a second cgroup.
 *
 * Context: the buffer is the caller's own (not live yet).
 */
static void lrupool_chunk_borrow(struct lrupool_buffer *buf,
				 struct lrupool_chunk *chunk)
{
	buf->borrowed += 1UL << chunk->order;
}

/*
 * Take up to @nr chunks of @order from the pool for @a's buffer: the
 * memcg's own list first, then the ancestors' (with fallback=ancestors).
 * Return: how many were taken.
 */
static unsigned long lrupool_alloc_take(struct lrupool_alloc *a,
					unsigned int order, unsigned long nr)
{
	struct lrupool *pool = lrupool_page_pool(a->buf->caching, order);
	unsigned long taken, from_ancestors, own;
	struct lrupool_chunk *chunk;
	LIST_HEAD(got);

	taken = lrupool_take(pool, a->memcg, a->nid, nr,
			     READ_ONCE(lrupool_fallback), &got,
			     &from_ancestors);
	/* The memcg's own chunks come first on @got, borrowed ones last. */
	own = taken - from_ancestors;
	list_for_each_entry(chunk, &got, node) {
		if (own)
			own--;
		else
			lrupool_chunk_borrow(a->buf, chunk);
	}
	list_splice_tail(&got, &a->buf->chunks);
	a->hit_local += (taken - from_ancestors) << order;
	a->hit_ancestor += from_ancestors << order;
	return taken;
}

/* Switch the pending fresh chunks to the buffer's caching: 0 or -ENOMEM. */
static int lrupool_alloc_flush(struct lrupool_alloc *a)
{
	struct lrupool_chunk *chunk;
	int err;

	if (!a->nr_pages)
		return 0;
	err = lrupool_pages_set_caching(a->pages, a->nr_pages,
					a->buf->caching);
	a->nr_pages = 0;
	if (err)
		return err;	/* @pending stays write-back */
	list_for_each_entry(chunk, &a->pending, node)
		chunk->caching = a->buf->caching;
	list_splice_tail_init(&a->pending, &a->fresh);
	return 0;
}

/* Add a fresh chunk to @a, batching its caching switch: 0 or -ENOMEM. */
static int lrupool_alloc_add_fresh(struct lrupool_alloc *a,
				   struct lrupool_chunk *chunk)
{
	unsigned int i, n = 1U << chunk->order;
	int err = 0;

	a->miss += n;
	if (a->buf->caching == LRUPOOL_CACHING_WB) {
		list_add_tail(&chunk->node, &a->fresh);
		return 0;
	}
	if (a->nr_pages + n > LRUPOOL_SWITCH_BATCH)
		err = lrupool_alloc_flush(a);
	list_add_tail(&chunk->node, &a->pending);
	if (err)
		return err;
	for (i = 0; i < n; i++)
		a->pages[a->nr_pages++] = chunk->page + i;
	return 0;
}

/*
 * Fill @a's buffer, largest order first, as TTM does: at each order, take
 * what the pool has, then allocate fresh chunks; when a fresh chunk cannot
 * be had, drop to the next order down.
 * Return: 0, -ENOMEM or -EINTR; on error, @a holds what it got so far.
 */
static int lrupool_alloc_fill(struct lrupool_alloc *a, unsigned int order)
{
	unsigned long remaining = a->buf->nr_pages;
	unsigned int looked_up = UINT_MAX;	/* order the pool was asked */
	struct lrupool_chunk *chunk;
	int err;

	while (remaining) {
		order = min_t(unsigned int, order, ilog2(remaining));
		if (order != looked_up) {
			looked_up = order;
			remaining -= lrupool_alloc_take(a, order,
							remaining >> order)
				     << order;
			continue;
		}
		chunk = lrupool_chunk_alloc(a->memcg, a->nid, a->buf->caching,
					    order);
		if (!chunk) {
			if (!order)
				return -ENOMEM;
			order--;
			continue;
		}
		err = lrupool_alloc_add_fresh(a, chunk);
		if (err)
			return err;
		remaining -= 1UL << order;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return lrupool_alloc_flush(a);
}

/* Undo a failed fill: pool chunks go back, fresh ones to the system. */
static void lrupool_alloc_undo(struct lrupool_alloc *a)
{
	struct lrupool_chunk *chunk, *next;

	list_for_each_entry_safe(chunk, next, &a->buf->chunks, node) {
		list_del(&chunk->node);
		lrupool_give(lrupool_page_pool(chunk->caching, chunk->order),
			     &chunk->node);
	}
	list_splice_tail_init(&a->pending, &a->fresh);
	lrupool_chunks_release(&a->fresh);
}

/* A filled buffer becomes visible, and its pages count. */
static void lrupool_alloc_commit(struct lrupool_alloc *a)
{
	list_splice_tail_init(&a->fresh, &a->buf->chunks);
	atomic_long_add(a->buf->nr_pages, &lrupool_pages_in_use);
	atomic_long_add(a->hit_local, &lrupool_pages_hit_local);
	atomic_long_add(a->hit_ancestor, &lrupool_pages_hit_ancestor);
	atomic_long_add(a->miss, &lrupool_pages_miss);

	mutex_lock(&lrupool_buffers_lock);
	a->buf->live = true;
	lrupool_nr_buffers++;
	mutex_unlock(&lrupool_buffers_lock);
}

/* The buffer named @name, live or not. Caller holds lrupool_buffers_lock. */
static struct lrupool_buffer *__lrupool_buffer_find(const char *name)
{
	struct lrupool_buffer *buf;

	lockdep_assert_held(&lrupool_buffers_lock);
	list_for_each_entry(buf, &lrupool_buffers, link)
		if (!strcmp(buf->name, name))
			return buf;
	return NULL;
}

/* Claim @buf's name by putting it on the list, not live: 0 or -EEXIST. */
static int lrupool_buffer_reserve(struct lrupool_buffer *buf)
{
	int err = 0;

	mutex_lock(&lrupool_buffers_lock);
	if (__lrupool_buffer_find(buf->name))
		err = -EEXIST;
	else
		list_add_tail(&buf->link, &lrupool_buffers);
	mutex_unlock(&lrupool_buffers_lock);
	return err;
}

static void lrupool_buffer_unreserve(struct lrupool_buffer *buf)
{
	mutex_lock(&lrupool_buffers_lock);
	list_del(&buf->link);
	mutex_unlock(&lrupool_buffers_lock);
}

/* A new, empty buffer owned by @memcg, or NULL. */
static struct lrupool_buffer *lrupool_buffer_new(const char *name,
						 struct mem_cgroup *memcg,
						 unsigned long nr_pages,
						 enum lrupool_caching caching)
{
	struct lrupool_buffer *buf;
	struct mem_cgroup *old;

	old = set_active_memcg(memcg);
	buf = kzalloc(sizeof(*buf), LRUPOOL_META_GFP);
	set_active_memcg(old);
	if (!buf)
		return NULL;
	INIT_LIST_HEAD(&buf->chunks);
	strscpy(buf->name, name, sizeof(buf->name));
	buf->owner = memcg ? cgroup_ino(memcg->css.cgroup) : 1;
	buf->nr_pages = nr_pages;
	buf->caching = caching;
	return buf;
}

/**
 * lrupool_buffer_alloc() - make a buffer of pages
 * @name: its name, unique among buffers
 * @memcg: the memcg that owns it and is charged for fresh pages, with a
 *	reference held by the caller
 * @nr_pages: its size, at least 1
 * @caching: the caching mode of its pages
 * @max_order: the largest chunk, 0 to %LRUPOOL_PAGES_MAX_ORDER
 * @nid: the node every page comes from
 *
 * Chunks come largest order first, from the pool when it has them (own
 * list, then the ancestors' up to the root's, on @nid), otherwise freshly
 * allocated. All or nothing: on failure every chunk taken from the pool is
 * given back and every fresh one is released.
 *
 * Context: process context, may sleep; takes lrupool_buffers_lock.
 * Return: 0, -EINVAL for a bad argument, -EEXIST when @name is in use,
 * -ENOMEM when @memcg or @nid cannot provide the memory, or -EINTR on a
 * fatal signal.
 */
int lrupool_buffer_alloc(const char *name, struct mem_cgroup *memcg,
			 unsigned long nr_pages, enum lrupool_caching caching,
			 unsigned int max_order, int nid)
{
	struct lrupool_alloc a = {
		.memcg = memcg,
		.nid = nid,
		.fresh = LIST_HEAD_INIT(a.fresh),
		.pending = LIST_HEAD_INIT(a.pending),
	};
	int err;

	if (!lrupool_buffer_name_valid(name) || !nr_pages ||
	    caching >= LRUPOOL_NR_CACHING ||
	    max_order > LRUPOOL_PAGES_MAX_ORDER)
		return -EINVAL;
	a.buf = lrupool_buffer_new(name, memcg, nr_pages, caching);
	if (!a.buf)
		return -ENOMEM;
	err = lrupool_buffer_reserve(a.buf);
	if (err)
		goto err_free_buf;
	if (caching != LRUPOOL_CACHING_WB) {
		a.pages = kmalloc_array(LRUPOOL_SWITCH_BATCH, sizeof(*a.pages),
					GFP_KERNEL);
		if (!a.pages) {
			err = -ENOMEM;
			goto err_unreserve;
		}
	}

	err = lrupool_alloc_fill(&a, max_order);
	kfree(a.pages);
	if (err)
		goto err_undo;
	lrupool_alloc_commit(&a);
	return 0;

err_undo:
	lrupool_alloc_undo(&a);
err_unreserve:
	lrupool_buffer_unreserve(a.buf);
err_free_buf:
	kfree(a.buf);
	return err;
}

/*
 * Return every chunk of @buf to the pool, to the list of the memcg it is
 * charged to, or to the system once the pool holds pool_limit_pages.
 * The limit is racy against concurrent frees, as TTM's is.
 */
static void lrupool_buffer_return(struct lrupool_buffer *buf)
{
	unsigned long limit = READ_ONCE(lrupool_pool_limit_pages);
	unsigned long pooled = lrupool_pages_pooled();
	unsigned long n, given = 0, released = 0;
	struct lrupool_chunk *chunk, *next;
	LIST_HEAD(release);

	list_for_each_entry_safe(chunk, next, &buf->chunks, node) {
		n = 1UL << chunk->order;
		list_del(&chunk->node);
		if (pooled + n > limit) {
			list_add_tail(&chunk->node, &release);
			released += n;
			continue;
		}
		lrupool_give(lrupool_page_pool(chunk->caching, chunk->order),
			     &chunk->node);
		pooled += n;
		given += n;
	}
	lrupool_chunks_release(&release);
	atomic_long_add(given, &lrupool_pages_given);
	atomic_long_add(released, &lrupool_pages_released);
}

/**
 * lrupool_buffer_free() - free a buffer, returning its pages to the pool
 * @name: the buffer's name
 *
 * Each chunk returns to the list of the memcg it is charged to (a borrowed
 * chunk to the ancestor's), or, when the pool holds pool_limit_pages, to
 * the system after its caching is restored to write-back.
 *
 * Context: process context, may sleep; takes lrupool_buffers_lock.
 * Return: 0, or -ENOENT when no live buffer has that name.
 */
int lrupool_buffer_free(const char *name)
{
	struct lrupool_buffer *buf;

	mutex_lock(&lrupool_buffers_lock);
	buf = __lrupool_buffer_find(name);
	if (buf && buf->live) {
		list_del(&buf->link);
		lrupool_nr_buffers--;
	} else {
		buf = NULL;
	}
	mutex_unlock(&lrupool_buffers_lock);
	if (!buf)
		return -ENOENT;

	lrupool_buffer_return(buf);
	atomic_long_sub(buf->nr_pages, &lrupool_pages_in_use);
	kfree(buf);
	return 0;
}

/**
 * lrupool_buffers_walk() - call @fn for every live buffer, oldest first
 * @fn: the callback; it must not call back into the page pool
 * @arg: passed to @fn
 *
 * Context: process context; @fn runs under lrupool_buffers_lock.
 */
void lrupool_buffers_walk(void (*fn)(void *arg,
				     const struct lrupool_buffer_info *info),
			  void *arg)
{
	struct lrupool_buffer_info info;
	struct lrupool_buffer *buf;

	mutex_lock(&lrupool_buffers_lock);
	list_for_each_entry(buf, &lrupool_buffers, link) {
		if (!buf->live)
			continue;
		info.name = buf->name;
		info.owner = buf->owner;
		info.nr_pages = buf->nr_pages;
		info.caching = buf->caching;
		info.borrowed = buf->borrowed;
		fn(arg, &info);
	}
	mutex_unlock(&lrupool_buffers_lock);
}

/**
 * lrupool_pages_read_stats() - snapshot the page pool's counters
 * @stats: filled in
 *
 * Context: process context; takes lrupool_buffers_lock.
 */
void lrupool_pages_read_stats(struct lrupool_pages_stats *stats)
{
	unsigned int i;

	stats->pooled = lrupool_pages_pooled();
	stats->in_use = atomic_long_read(&lrupool_pages_in_use);
	stats->hit_local = atomic_long_read(&lrupool_pages_hit_local);
	stats->hit_ancestor = atomic_long_read(&lrupool_pages_hit_ancestor);
	stats->miss = atomic_long_read(&lrupool_pages_miss);
	stats->given = atomic_long_read(&lrupool_pages_given);
	stats->released = atomic_long_read(&lrupool_pages_released);
	stats->caching_changes =
		atomic_long_read(&lrupool_pages_caching_changes);
	stats->shrink_freed = 0;
	for (i = 0; i < ARRAY_SIZE(lrupool_shrink_order); i++)
		stats->shrink_freed +=
			atomic_long_read(&lrupool_shrink_order[i]->shrink_freed);
	mutex_lock(&lrupool_buffers_lock);
	stats->buffers = lrupool_nr_buffers;
	mutex_unlock(&lrupool_buffers_lock);
}

/* Destroy the first @nr pools of lrupool_page_pools, last first. */
static void lrupool_page_pools_destroy(unsigned int nr)
{
	struct lrupool *pools = &lrupool_page_pools[0][0];

	while (nr--)
		lrupool_destroy(&pools[nr]);
}

/* Fill lrupool_shrink_order (see the top of this file) and publish it. */
static void lrupool_page_pools_publish(void)
{
	static const enum lrupool_caching by_cost[] = {
		LRUPOOL_CACHING_WB, LRUPOOL_CACHING_UC, LRUPOOL_CACHING_WC,
	};
	unsigned int c, order, i = 0;

	BUILD_BUG_ON(ARRAY_SIZE(by_cost) != LRUPOOL_NR_CACHING);
	BUILD_BUG_ON(ARRAY_SIZE(lrupool_shrink_order) + 1 >
		     LRUPOOL_SHRINKER_MAX_POOLS);
	for (c = 0; c < ARRAY_SIZE(by_cost); c++) {
		for (order = LRUPOOL_PAGES_NR_ORDERS; order--; ) {
			lrupool_shrink_order[i] =
				lrupool_page_pool(by_cost[c], order);
			lrupool_shrinker_add_pool(lrupool_shrink_order[i++]);
		}
	}
}

/**
 * lrupool_pages_init() - create the descriptor cache and the page pools
 * @shrinker: the shrinker the pools' lists are initialised against
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int lrupool_pages_init(struct shrinker *shrinker)
{
	struct lrupool *pools = &lrupool_page_pools[0][0];
	unsigned int i;
	int err;

	lrupool_chunk_cache = kmem_cache_create("lrupool_chunk",
						sizeof(struct lrupool_chunk),
						0, SLAB_ACCOUNT, NULL);
	if (!lrupool_chunk_cache)
		return -ENOMEM;

	for (i = 0; i < LRUPOOL_NR_CACHING * LRUPOOL_PAGES_NR_ORDERS; i++) {
		err = lrupool_init(&pools[i],
				   lrupool_caching_names[i / LRUPOOL_PAGES_NR_ORDERS],
				   lrupool_chunk_cache, &lrupool_chunk_ops,
				   1U << (i % LRUPOOL_PAGES_NR_ORDERS), shrinker);
		if (err)
			goto err_destroy_pools;
	}
	lrupool_page_pools_publish();
	return 0;

err_destroy_pools:
	lrupool_page_pools_destroy(i);
	kmem_cache_destroy(lrupool_chunk_cache);
	return err;
}

/**
 * lrupool_pages_exit() - free every buffer and every pooled page
 *
 * Every page's caching is restored to write-back before it is freed.
 *
 * Context: module exit, after the control plane and the shrinker are gone.
 */
void lrupool_pages_exit(void)
{
	struct lrupool_buffer *buf, *next;

	list_for_each_entry_safe(buf, next, &lrupool_buffers, link) {
		list_del(&buf->link);
		lrupool_chunks_release(&buf->chunks);
		kfree(buf);
	}
	lrupool_nr_buffers = 0;
	atomic_long_set(&lrupool_pages_in_use, 0);
	lrupool_page_pools_destroy(LRUPOOL_NR_CACHING *
				   LRUPOOL_PAGES_NR_ORDERS);
	kmem_cache_destroy(lrupool_chunk_cache);
}
