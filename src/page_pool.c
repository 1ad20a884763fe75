// SPDX-License-Identifier: GPL-2.0
/*
 * The GPU-style page pool, a client of the pool core modelled on DRM TTM's
 * pool (include/lrupool/page_pool.h for the API): pages are pooled per
 * caching mode (write-back, write-combined, uncached) and per order,
 * because switching a page's caching costs a cross-CPU TLB flush and a
 * cache flush, which a pooled page skips.
 *
 * An instance (&struct lrupool_page_pool) is embedded by its user, as
 * &struct ttm_pool is; what every instance shares, the chunk descriptors'
 * cache and the "lrupool-pages" shrinker, is set up once by
 * lrupool_page_pool_mgr_init(), as ttm_pool_mgr_init() does for TTM.
 *
 * Allocation goes largest order first, as TTM does: at each order the
 * chunks come from the pool, with the child-to-root lookup on the
 * requested node, and otherwise are freshly allocated on that node,
 * zeroed, charged to the allocating memcg and switched to the caching in
 * batches. When a fresh chunk of order > 0 is not to be had cheaply, the
 * order drops by one.
 *
 * Every chunk has a descriptor, an entry of the pool core, charged to the
 * same memcg as its pages and allocated with them. The descriptor decides
 * the list a chunk joins, so a chunk always returns to the list of the
 * memcg its pages are charged to, and when a cgroup is removed the kernel
 * moves descriptor, list entry and the pages' charge to the parent
 * together. (A give names that list from the pages' charge, which is the
 * descriptor's and cheaper to read: lrupool_chunk_give().) The charge
 * model and the one place a charge would move: lrupool_chunk_borrow().
 * The descriptor is a list link and a page pointer; the chunk's order
 * and caching live in its first page's page_private(), where TTM keeps
 * the order.
 *
 * Clean pages: a chunk is cleared when it is given back to the pool, as
 * TTM does, not when it is taken. Every row of the pool's work then costs
 * what TTM's does (the clear is in the free, a hit does no clearing), a
 * pooled page never holds a previous user's data however long it stays,
 * and what the shrinker frees was cleared for nothing, which reclaim pays
 * for rarely. Fresh pages come zeroed from the page allocator, before
 * their caching is switched, so the zeroing writes go through the cache.
 *
 * Freeing: an allocation's chunks go back to the pool unless the instance
 * holds its limit; then they go back to the system, after their caching
 * is restored to write-back. So do the chunks the shrinker frees.
 *
 * Shrink order (an instance's shrink_order): write-back pools first, then
 * uncached, then write-combined; in each, the highest order first. A
 * pooled write-back page saves only an allocation, while a pooled wc/uc
 * page also saves a caching switch, and freeing a write-back page needs no
 * flush: reclaim gets its memory for the least future and present cost.
 * Uncached goes before write-combined because drivers ask for it far less
 * often. High orders go first because a chunk returns 2^order pages for
 * one descriptor and one flush, and gives the buddy allocator back the
 * contiguous blocks that compaction would otherwise have to rebuild.
 *
 * Locking: none of its own. The pools' lists are list_lru's; the
 * shrinker's groups are the shrinker glue's; an allocation being made or
 * freed belongs to its caller. ->release() runs with no lock held.
 */

#include <linux/build_bug.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/log2.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <lrupool/page_pool.h>

#include "compat.h"
#include "page_pool_mgr.h"
#include "pool_core.h"

/* Descriptors: charged; fail rather than OOM-kill or warn. */
#define LRUPOOL_META_GFP \
	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/* Pages per caching switch of fresh chunks: one flush for each batch. */
#define LRUPOOL_SWITCH_BATCH	BIT(LRUPOOL_PAGES_MAX_ORDER)
/* Pages per restore of small chunks, on the stack of reclaim. */
#define LRUPOOL_RESTORE_BATCH	64
/* Chunks per batch of frees, on the stack of reclaim too. */
#define LRUPOOL_FREE_BATCH	32

/**
 * struct lrupool_alloc - an allocation being made
 * @pp: the instance
 * @pages: the caller's; @pages->chunks holds what the pool gave
 * @memcg: the allocating memcg, referenced by the caller
 * @nid: the node every chunk comes from
 * @fallback: the instance's lookup, read once
 * @fresh: freshly allocated chunks, switched to the caching
 * @pending: freshly allocated chunks still write-back, pages in @batch
 * @batch: the pages of @pending, up to @batch_size; allocated with the
 *	first fresh chunk to switch
 * @nr_batch: how many are in @batch
 * @batch_size: the pages @batch holds: the request's, at most
 *	%LRUPOOL_SWITCH_BATCH (one switch for a request up to that size)
 * @hit_local: pages from @memcg's own lists
 * @hit_ancestor: pages from an ancestor's lists
 * @miss: pages freshly allocated
 *
 * The pages from the pool leave the GPU node counters' nr_gpu_reclaim when
 * the allocation is handed out, not before: an undone one changes nothing.
 */
struct lrupool_alloc {
	struct lrupool_page_pool *pp;
	struct lrupool_pages *pages;
	struct mem_cgroup *memcg;
	int nid;
	enum lrupool_fallback fallback;
	struct list_head fresh;
	struct list_head pending;
	struct page **batch;
	unsigned int nr_batch;
	unsigned int batch_size;
	unsigned long hit_local;
	unsigned long hit_ancestor;
	unsigned long miss;
};

static const char * const lrupool_caching_names[LRUPOOL_NR_CACHING] = {
	[LRUPOOL_CACHING_WB] = "wb",
	[LRUPOOL_CACHING_WC] = "wc",
	[LRUPOOL_CACHING_UC] = "uc",
};

/* What every instance shares: set up by lrupool_page_pool_mgr_init(). */
static struct kmem_cache *lrupool_chunk_cache;
static struct lrupool_shrinker lrupool_page_shrinker;

const char *lrupool_caching_name(enum lrupool_caching caching)
{
	return lrupool_caching_names[caching];
}
EXPORT_SYMBOL_NS_GPL(lrupool_caching_name, LRUPOOL_NS);

int lrupool_caching_parse(const char *name)
{
	return match_string(lrupool_caching_names, LRUPOOL_NR_CACHING, name);
}
EXPORT_SYMBOL_NS_GPL(lrupool_caching_parse, LRUPOOL_NS);

struct lrupool *lrupool_page_pool_core(struct lrupool_page_pool *pp,
				       enum lrupool_caching caching,
				       unsigned int order)
{
	return &pp->pools[caching][order];
}
EXPORT_SYMBOL_NS_GPL(lrupool_page_pool_core, LRUPOOL_NS);

/*
 * The pool of @caching and @order, caller-checked: one flat index, where
 * the two-level one is bounds-checked again on kernels with UBSAN_BOUNDS.
 */
static struct lrupool *lrupool_pool(struct lrupool_page_pool *pp,
				    enum lrupool_caching caching,
				    unsigned int order)
{
	return &pp->pools[0][0] + caching * LRUPOOL_PAGES_NR_ORDERS + order;
}

/* The pool a chunk belongs in. */
static struct lrupool *lrupool_chunk_pool(struct lrupool_page_pool *pp,
					  const struct lrupool_chunk *chunk)
{
	return lrupool_pool(pp, lrupool_chunk_caching(chunk),
			    lrupool_chunk_order(chunk));
}

/* Record a chunk's order and caching in its first page. */
static void lrupool_chunk_set(struct lrupool_chunk *chunk, unsigned int order,
			      enum lrupool_caching caching)
{
	set_page_private(chunk->page, order | caching << 8);
}

static unsigned long lrupool_chunk_pages(const struct lrupool_chunk *chunk)
{
	return 1UL << lrupool_chunk_order(chunk);
}

/* Pages on the instance's lists now, counted there; racy. */
static unsigned long lrupool_page_pool_pooled(struct lrupool_page_pool *pp)
{
	unsigned long pooled = 0;
	unsigned int c, order;

	for (c = 0; c < LRUPOOL_NR_CACHING; c++)
		for (order = 0; order < LRUPOOL_PAGES_NR_ORDERS; order++)
			pooled += lrupool_count(&pp->pools[c][order]) << order;
	return pooled;
}

/* Switch @nr write-back pages to @caching, one flush; 0 or -ENOMEM. */
static int lrupool_pages_set_caching(struct lrupool_page_pool *pp,
				     struct page **pages, unsigned int nr,
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
	atomic_long_add(nr, &pp->caching_changes);
	return 0;
}

/*
 * Restore write-back caching of @nr pages. As in TTM, failure is not
 * handled: the caching code fails only when it cannot split a kernel
 * mapping, and the switch away from write-back already split it.
 */
static void lrupool_pages_restore_array(struct lrupool_page_pool *pp,
					struct page **pages, unsigned int nr)
{
	if (!nr)
		return;
	set_pages_array_wb(pages, nr);
	atomic_long_add(nr, &pp->caching_changes);
}

/*
 * Restore write-back caching of every chunk on @chunks, in batches. Not
 * inlined into lrupool_chunks_release(): the two batches share no stack.
 */
static noinline_for_stack void
lrupool_chunks_restore(struct lrupool_page_pool *pp, struct list_head *chunks)
{
	struct page *batch[LRUPOOL_RESTORE_BATCH];
	struct lrupool_chunk *chunk;
	unsigned int i, n, nr = 0;

	list_for_each_entry(chunk, chunks, node) {
		if (lrupool_chunk_caching(chunk) == LRUPOOL_CACHING_WB)
			continue;
		n = lrupool_chunk_pages(chunk);
		if (n > ARRAY_SIZE(batch)) {
			/* Contiguous: one call, one flush. */
			set_pages_wb(chunk->page, n);
			atomic_long_add(n, &pp->caching_changes);
			cond_resched();
		} else {
			if (nr + n > ARRAY_SIZE(batch)) {
				lrupool_pages_restore_array(pp, batch, nr);
				nr = 0;
				cond_resched();
			}
			for (i = 0; i < n; i++)
				batch[nr++] = chunk->page + i;
		}
		lrupool_chunk_set(chunk, lrupool_chunk_order(chunk),
				  LRUPOOL_CACHING_WB);
	}
	lrupool_pages_restore_array(pp, batch, nr);
}

/* Free a batch: @nr_pages order-0 pages, then @nr descriptors. */
static void lrupool_chunks_free(struct page **pages, unsigned int nr_pages,
				void **descs, unsigned int nr)
{
	/* One memcg uncharge and one per-CPU list lock for the batch. */
	if (nr_pages)
		release_pages(pages, nr_pages);
	kmem_cache_free_bulk(lrupool_chunk_cache, nr, descs);
}

/* Is a chunk on @chunks not write-back? */
static bool lrupool_chunks_switched(struct list_head *chunks)
{
	struct lrupool_chunk *chunk;

	list_for_each_entry(chunk, chunks, node)
		if (lrupool_chunk_caching(chunk) != LRUPOOL_CACHING_WB)
			return true;
	return false;
}

/*
 * Give every chunk on @chunks back to the system: restore write-back
 * caching, then free the pages and the descriptors, in batches: the
 * shrinker frees order-0 chunks by the hundred. Empties the list.
 */
static void lrupool_chunks_release(struct lrupool_page_pool *pp,
				   struct list_head *chunks)
{
	struct page *pages[LRUPOOL_FREE_BATCH];
	void *descs[LRUPOOL_FREE_BATCH];
	struct lrupool_chunk *chunk, *next;
	unsigned int order, nr_pages = 0, nr = 0;

	/* Write-back chunks need no restore: skip its batch's set-up. */
	if (lrupool_chunks_switched(chunks))
		lrupool_chunks_restore(pp, chunks);
	list_for_each_entry_safe(chunk, next, chunks, node) {
		order = lrupool_chunk_order(chunk);
		set_page_private(chunk->page, 0);
		/* Not compound: a put of the head would free one page. */
		if (order)
			__free_pages(chunk->page, order);
		else
			pages[nr_pages++] = chunk->page;
		descs[nr++] = chunk;
		if (nr == ARRAY_SIZE(descs)) {
			lrupool_chunks_free(pages, nr_pages, descs, nr);
			nr_pages = 0;
			nr = 0;
			cond_resched();
		}
	}
	if (nr)
		lrupool_chunks_free(pages, nr_pages, descs, nr);
	INIT_LIST_HEAD(chunks);
}

/* The pools' ->release(): pooled chunks freed by the shrinker or a drain. */
static void lrupool_chunk_pool_release(struct lrupool *pool,
				       struct list_head *entries)
{
	struct lrupool_page_pool *pp = pool->private;
	struct lrupool_chunk *chunk;
	unsigned long nr = 0;

	if (list_empty(entries))
		return;
	list_for_each_entry(chunk, entries, node)
		nr += lrupool_chunk_pages(chunk);
	/* From one list: on one node. */
	chunk = list_first_entry(entries, struct lrupool_chunk, node);
	compat_gpu_mod(page_to_nid(chunk->page), 0, -(long)nr);
	atomic_long_sub(nr, &pp->pooled);
	lrupool_chunks_release(pp, entries);
}

static const struct lrupool_ops lrupool_chunk_ops = {
	.release = lrupool_chunk_pool_release,
};

/* Page allocation flags: zeroed; only order 0 tries hard, as in TTM. */
static gfp_t lrupool_chunk_gfp(unsigned int order)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_THISNODE | __GFP_NOWARN |
		    __GFP_ZERO;

	if (order)
		return gfp | __GFP_NORETRY | __GFP_NOMEMALLOC;
	return gfp | __GFP_RETRY_MAYFAIL;
}

/*
 * A fresh chunk of @order on @nid for the pool of @caching, zeroed, pages
 * and descriptor charged to @memcg; its pages are still write-back. The
 * descriptor comes from that pool, which creates @memcg's lists there: a
 * chunk can only be given to the pool it was allocated for.
 * Return: the chunk or NULL.
 */
static struct lrupool_chunk *lrupool_chunk_alloc(struct lrupool_page_pool *pp,
						 struct mem_cgroup *memcg,
						 int nid,
						 enum lrupool_caching caching,
						 unsigned int order)
{
	struct lrupool *pool = lrupool_pool(pp, caching, order);
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
	lrupool_chunk_set(chunk, order, LRUPOOL_CACHING_WB);
	return chunk;
}

/*
 * Put a clean chunk into the pool it belongs in (the GPU node counters are
 * the caller's to change). Its list is the one of the memcg its
 * pages are charged to, on their node: the descriptor's, since both were
 * charged to one obj_cgroup on that node and a removed cgroup's charges
 * move to its parent together. The pages' charge is read inline, where the
 * descriptor's would be a lookup in slab.
 */
static __always_inline void lrupool_chunk_give(struct lrupool_page_pool *pp,
					       struct lrupool_chunk *chunk)
{
	struct page *page = chunk->page;

	atomic_long_add(lrupool_chunk_pages(chunk), &pp->pooled);
	rcu_read_lock();
	__lrupool_give_memcg(lrupool_chunk_pool(pp, chunk), &chunk->node,
			     page_to_nid(page), folio_memcg(page_folio(page)));
	rcu_read_unlock();
}

/**
 * lrupool_chunk_borrow() - a chunk from an ancestor's list joins an
 *	allocation
 * @pages: the allocation of the memcg that took the chunk
 * @chunk: the chunk, charged to that ancestor (or to the root: nobody)
 *
 * This is the one place where a kernel with a charge-moving API would move
 * the charge of the chunk's pages and descriptor from the ancestor to the
 * taker's memcg; the chunk would then return to the taker's list when
 * freed. No released kernel exports such a function (memcg charges move
 * only when a cgroup is removed), so the chunk stays charged to the
 * ancestor while it is borrowed, counts in the ancestor's memory.current,
 * and returns to the ancestor's list when freed, because its descriptor's
 * charge decides the list. The taker pays nothing for it: the ancestor
 * made the pages and still pays for them, as with a page-cache page read
 * by a second cgroup.
 *
 * Context: the allocation is the caller's own (not handed out yet).
 */
static void lrupool_chunk_borrow(struct lrupool_pages *pages,
				 struct lrupool_chunk *chunk)
{
	pages->borrowed += lrupool_chunk_pages(chunk);
}

/*
 * Take up to @nr chunks of @order from the pool for @a: the memcg's own
 * list first, then the ancestors' (with the ancestors fallback).
 * Return: how many were taken.
 */
static unsigned long lrupool_alloc_take(struct lrupool_alloc *a,
					unsigned int order, unsigned long nr)
{
	struct lrupool *pool = lrupool_pool(a->pp, a->pages->caching, order);
	unsigned long taken, from_ancestors, own;
	struct lrupool_chunk *chunk;
	LIST_HEAD(got);

	taken = lrupool_take(pool, a->memcg, a->nid, nr, a->fallback, &got,
			     &from_ancestors);
	if (!taken)
		return 0;
	/* The memcg's own chunks come first on @got, borrowed ones last. */
	if (from_ancestors) {
		own = taken - from_ancestors;
		list_for_each_entry(chunk, &got, node) {
			if (own)
				own--;
			else
				lrupool_chunk_borrow(a->pages, chunk);
		}
	}
	list_splice_tail(&got, &a->pages->chunks);
	atomic_long_sub(taken << order, &a->pp->pooled);
	a->hit_local += (taken - from_ancestors) << order;
	a->hit_ancestor += from_ancestors << order;
	return taken;
}

/* Switch the pending fresh chunks to the caching: 0 or -ENOMEM. */
static int lrupool_alloc_flush(struct lrupool_alloc *a)
{
	enum lrupool_caching caching = a->pages->caching;
	struct lrupool_chunk *chunk;
	int err;

	if (!a->nr_batch)
		return 0;
	err = lrupool_pages_set_caching(a->pp, a->batch, a->nr_batch, caching);
	a->nr_batch = 0;
	if (err)
		return err;	/* @pending stays write-back */
	list_for_each_entry(chunk, &a->pending, node)
		lrupool_chunk_set(chunk, lrupool_chunk_order(chunk), caching);
	list_splice_tail_init(&a->pending, &a->fresh);
	return 0;
}

/* Add a fresh chunk to @a, batching its caching switch: 0 or -ENOMEM. */
static int lrupool_alloc_add_fresh(struct lrupool_alloc *a,
				   struct lrupool_chunk *chunk)
{
	unsigned int i, n = lrupool_chunk_pages(chunk);
	struct page *page = chunk->page, **batch;
	int err = 0;

	a->miss += n;
	if (a->pages->caching == LRUPOOL_CACHING_WB) {
		list_add_tail(&chunk->node, &a->fresh);
		return 0;
	}
	if (!a->batch) {
		/*
		 * Sized to the request: slab zeroes what it hands out
		 * (init_on_alloc), 4 KiB for a batch of 512 pages.
		 */
		a->batch_size = min_t(unsigned long, a->pages->nr_pages,
				      LRUPOOL_SWITCH_BATCH);
		a->batch = kmalloc_array(a->batch_size, sizeof(*a->batch),
					 GFP_KERNEL);
		if (!a->batch)
			err = -ENOMEM;
	} else if (a->nr_batch + n > a->batch_size) {
		err = lrupool_alloc_flush(a);
	}
	list_add_tail(&chunk->node, &a->pending);
	if (err)
		return err;
	batch = a->batch + a->nr_batch;
	for (i = 0; i < n; i++)
		batch[i] = page + i;
	a->nr_batch += n;
	return 0;
}

/*
 * Fill @a, largest order first, as TTM does: at each order, take what the
 * pool has, then allocate fresh chunks; when a fresh chunk cannot be had,
 * drop to the next order down.
 * Return: 0, -ENOMEM or -EINTR; on error, @a holds what it got so far.
 */
static int lrupool_alloc_fill(struct lrupool_alloc *a, unsigned int order)
{
	unsigned long remaining = a->pages->nr_pages;
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
		chunk = lrupool_chunk_alloc(a->pp, a->memcg, a->nid,
					    a->pages->caching, order);
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
	return a->nr_batch ? lrupool_alloc_flush(a) : 0;
}

/* Undo a failed fill: pool chunks go back unused, fresh ones to the system. */
static void lrupool_alloc_undo(struct lrupool_alloc *a)
{
	struct lrupool_chunk *chunk, *next;

	list_for_each_entry_safe(chunk, next, &a->pages->chunks, node) {
		list_del(&chunk->node);
		lrupool_chunk_give(a->pp, chunk);
	}
	list_splice_tail_init(&a->pending, &a->fresh);
	lrupool_chunks_release(a->pp, &a->fresh);
	a->pages->nr_pages = 0;
	a->pages->borrowed = 0;
}

/*
 * A filled allocation is handed out: its pages count as in use, and those
 * from the pool no longer as reclaimable. They are all on @a->nid.
 */
static void lrupool_alloc_commit(struct lrupool_alloc *a)
{
	struct lrupool_page_pool *pp = a->pp;

	list_splice_tail_init(&a->fresh, &a->pages->chunks);
	compat_gpu_mod(a->nid, a->pages->nr_pages,
		       -(long)(a->hit_local + a->hit_ancestor));
	atomic_long_add(a->pages->nr_pages, &pp->in_use);
	atomic_long_add(a->hit_local, &pp->hit_local);
	atomic_long_add(a->hit_ancestor, &pp->hit_ancestor);
	atomic_long_add(a->miss, &pp->miss);
}

/* Is @nid a node pages can be allocated on? */
static bool lrupool_nid_valid(int nid)
{
	return nid >= 0 && nid < nr_node_ids && node_state(nid, N_MEMORY);
}

int lrupool_page_pool_alloc(struct lrupool_page_pool *pp,
			    struct lrupool_pages *pages,
			    struct mem_cgroup *memcg, unsigned long nr_pages,
			    enum lrupool_caching caching,
			    unsigned int max_order, int nid)
{
	struct lrupool_alloc a = {
		.pp = pp,
		.pages = pages,
		.memcg = memcg,
		.nid = nid,
		.fallback = READ_ONCE(pp->fallback),
		.fresh = LIST_HEAD_INIT(a.fresh),
		.pending = LIST_HEAD_INIT(a.pending),
	};
	int err;

	might_sleep();
	INIT_LIST_HEAD(&pages->chunks);
	pages->nr_pages = 0;
	pages->borrowed = 0;
	if (!nr_pages || caching >= LRUPOOL_NR_CACHING ||
	    max_order > LRUPOOL_PAGES_MAX_ORDER || !lrupool_nid_valid(nid))
		return -EINVAL;
	/* A no-op jump unless kmem accounting is off for all. */
	if (unlikely(!memcg_kmem_online())) {
		err = lrupool_memcg_check(memcg);
		if (err)
			return err;
	}
	pages->nr_pages = nr_pages;
	pages->caching = caching;

	err = lrupool_alloc_fill(&a, max_order);
	/* Only fresh chunks have a caching switch batch. */
	if (a.miss)
		kfree(a.batch);
	if (err) {
		lrupool_alloc_undo(&a);
		return err;
	}
	lrupool_alloc_commit(&a);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lrupool_page_pool_alloc, LRUPOOL_NS);

/*
 * Clear a chunk's pages, contiguous, in one call where the kernel has one:
 * nothing of its user's stays in the pool.
 */
static void lrupool_chunk_clear(struct lrupool_chunk *chunk)
{
	compat_clear_pages(chunk->page, lrupool_chunk_pages(chunk));
}

void lrupool_page_pool_free(struct lrupool_page_pool *pp,
			    struct lrupool_pages *pages)
{
	unsigned long limit = READ_ONCE(pp->limit_pages);
	long pooled = atomic_long_read(&pp->pooled);
	unsigned long n, given = 0, released = 0, cleared = 0;
	struct lrupool_chunk *chunk, *next;
	int nid = NUMA_NO_NODE;
	LIST_HEAD(release);

	might_sleep();
	/* Each chunk leaves @pages, emptied as a whole at the end. */
	list_for_each_entry_safe(chunk, next, &pages->chunks, node) {
		n = lrupool_chunk_pages(chunk);
		/* An allocation's chunks are all on its node. */
		nid = page_to_nid(chunk->page);
		/* The limit is racy against concurrent frees, as TTM's is. */
		if (pooled + n > limit) {
			list_add_tail(&chunk->node, &release);
			released += n;
			continue;
		}
		lrupool_chunk_clear(chunk);
		lrupool_chunk_give(pp, chunk);
		pooled += n;
		given += n;
		/* Clearing is the work: reschedule every batch of pages. */
		cleared += n;
		if (cleared >= LRUPOOL_FREE_BATCH) {
			cleared = 0;
			cond_resched();
		}
	}
	INIT_LIST_HEAD(&pages->chunks);
	if (nid != NUMA_NO_NODE)
		compat_gpu_mod(nid, -(long)(given + released), given);
	if (!list_empty(&release))
		lrupool_chunks_release(pp, &release);
	atomic_long_sub(pages->nr_pages, &pp->in_use);
	atomic_long_add(given, &pp->given);
	atomic_long_add(released, &pp->released);
	pages->nr_pages = 0;
	pages->borrowed = 0;
}
EXPORT_SYMBOL_NS_GPL(lrupool_page_pool_free, LRUPOOL_NS);

void lrupool_page_pool_read_stats(struct lrupool_page_pool *pp,
				  struct lrupool_page_pool_stats *stats)
{
	unsigned int i;

	stats->pooled = lrupool_page_pool_pooled(pp);
	stats->in_use = atomic_long_read(&pp->in_use);
	stats->hit_local = atomic_long_read(&pp->hit_local);
	stats->hit_ancestor = atomic_long_read(&pp->hit_ancestor);
	stats->miss = atomic_long_read(&pp->miss);
	stats->given = atomic_long_read(&pp->given);
	stats->released = atomic_long_read(&pp->released);
	stats->caching_changes = atomic_long_read(&pp->caching_changes);
	stats->shrink_freed = 0;
	for (i = 0; i < ARRAY_SIZE(pp->shrink_order); i++)
		stats->shrink_freed +=
			atomic_long_read(&pp->shrink_order[i]->shrink_freed);
}
EXPORT_SYMBOL_NS_GPL(lrupool_page_pool_read_stats, LRUPOOL_NS);

void lrupool_page_pool_set_limit(struct lrupool_page_pool *pp,
				 unsigned long limit_pages)
{
	WRITE_ONCE(pp->limit_pages, limit_pages);
}
EXPORT_SYMBOL_NS_GPL(lrupool_page_pool_set_limit, LRUPOOL_NS);

int lrupool_page_pool_set_fallback(struct lrupool_page_pool *pp,
				   enum lrupool_fallback fallback)
{
	if (fallback != LRUPOOL_FALLBACK_NONE &&
	    fallback != LRUPOOL_FALLBACK_ANCESTORS)
		return -EINVAL;
	WRITE_ONCE(pp->fallback, fallback);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lrupool_page_pool_set_fallback, LRUPOOL_NS);

/* Fill @pp's shrink order (see the top of this file). */
static void lrupool_page_pool_order(struct lrupool_page_pool *pp)
{
	static const enum lrupool_caching by_cost[] = {
		LRUPOOL_CACHING_WB, LRUPOOL_CACHING_UC, LRUPOOL_CACHING_WC,
	};
	unsigned int c, order, i = 0;

	BUILD_BUG_ON(ARRAY_SIZE(by_cost) != LRUPOOL_NR_CACHING);
	for (c = 0; c < ARRAY_SIZE(by_cost); c++)
		for (order = LRUPOOL_PAGES_NR_ORDERS; order--; )
			pp->shrink_order[i++] = &pp->pools[by_cost[c]][order];
}

/* Destroy the first @nr pools of @pp, last first. */
static void lrupool_page_pool_destroy(struct lrupool_page_pool *pp,
				      unsigned int nr)
{
	struct lrupool *pools = &pp->pools[0][0];

	while (nr--)
		lrupool_destroy(&pools[nr]);
}

int lrupool_page_pool_init(struct lrupool_page_pool *pp, const char *name,
			   unsigned long limit_pages,
			   enum lrupool_fallback fallback)
{
	struct shrinker *shrinker = lrupool_shrinker_get(&lrupool_page_shrinker);
	struct lrupool *pools = &pp->pools[0][0];
	unsigned int i;
	int err;

	memset(pp, 0, sizeof(*pp));
	pp->name = name;
	pp->limit_pages = limit_pages;
	err = lrupool_page_pool_set_fallback(pp, fallback);
	if (err)
		return err;
	for (i = 0; i < LRUPOOL_PAGE_POOL_NR_POOLS; i++) {
		err = lrupool_init(&pools[i], name, lrupool_chunk_cache,
				   &lrupool_chunk_ops,
				   1U << (i % LRUPOOL_PAGES_NR_ORDERS),
				   shrinker);
		if (err)
			goto err_destroy_pools;
		pools[i].private = pp;
	}
	lrupool_page_pool_order(pp);
	pp->group.pools = pp->shrink_order;
	pp->group.nr_pools = ARRAY_SIZE(pp->shrink_order);
	lrupool_shrinker_add(&lrupool_page_shrinker, &pp->group);
	return 0;

err_destroy_pools:
	lrupool_page_pool_destroy(pp, i);
	return err;
}
EXPORT_SYMBOL_NS_GPL(lrupool_page_pool_init, LRUPOOL_NS);

void lrupool_page_pool_fini(struct lrupool_page_pool *pp)
{
	lrupool_shrinker_del(&lrupool_page_shrinker, &pp->group);
	WARN_ON_ONCE(atomic_long_read(&pp->in_use));
	lrupool_page_pool_destroy(pp, LRUPOOL_PAGE_POOL_NR_POOLS);
}
EXPORT_SYMBOL_NS_GPL(lrupool_page_pool_fini, LRUPOOL_NS);

unsigned long lrupool_page_pool_scan(struct mem_cgroup *memcg, int nid,
				     unsigned long nr_to_scan)
{
	return lrupool_shrinker_scan(&lrupool_page_shrinker, memcg, nid,
				     nr_to_scan);
}
EXPORT_SYMBOL_NS_GPL(lrupool_page_pool_scan, LRUPOOL_NS);

/**
 * lrupool_page_pool_mgr_init() - set up what every instance shares
 *
 * The chunk descriptors' cache and the "lrupool-pages" shrinker.
 *
 * Context: module init, before any instance.
 * Return: 0 or -ENOMEM.
 */
int lrupool_page_pool_mgr_init(void)
{
	int err;

	lrupool_chunk_cache = kmem_cache_create("lrupool_chunk",
						sizeof(struct lrupool_chunk),
						0, SLAB_ACCOUNT, NULL);
	if (!lrupool_chunk_cache)
		return -ENOMEM;
	err = lrupool_shrinker_init(&lrupool_page_shrinker, "lrupool-pages");
	if (err)
		goto err_destroy_cache;
	return 0;

err_destroy_cache:
	kmem_cache_destroy(lrupool_chunk_cache);
	return err;
}

/**
 * lrupool_page_pool_mgr_fini() - free what every instance shared
 *
 * Context: module exit, after every instance is gone.
 */
void lrupool_page_pool_mgr_fini(void)
{
	lrupool_shrinker_fini(&lrupool_page_shrinker);
	kmem_cache_destroy(lrupool_chunk_cache);
}
