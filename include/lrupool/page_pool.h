/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lrupool's page pool: a GPU-style pool of pages per caching mode
 * (write-back, write-combined, uncached) and order, modelled on DRM TTM's,
 * with one list per (memory cgroup, NUMA node) and a child-to-root lookup.
 * A driver embeds &struct lrupool_page_pool as it would embed a
 * &struct ttm_pool:
 *
 *	struct my_device {
 *		struct lrupool_page_pool pool;
 *		...
 *	};
 *
 *	err = lrupool_page_pool_init(&dev->pool, "my_device", limit,
 *				     LRUPOOL_FALLBACK_ANCESTORS);
 *	...
 *	memcg = lrupool_memcg_get_current();
 *	err = lrupool_page_pool_alloc(&dev->pool, &bo->pages, memcg, nr,
 *				      LRUPOOL_CACHING_WC,
 *				      LRUPOOL_PAGES_MAX_ORDER,
 *				      lrupool_mem_node(numa_node_id()));
 *	mem_cgroup_put(memcg);
 *	...use bo->pages (lrupool_pages_for_each_chunk())...
 *	lrupool_page_pool_free(&dev->pool, &bo->pages);
 *	...
 *	lrupool_page_pool_fini(&dev->pool);
 *
 * What the pool guarantees:
 * - Every page handed out reads as zero: fresh pages are allocated zeroed,
 *   pooled pages were cleared when they were given back.
 * - Fresh pages and their descriptors are charged to the memcg the caller
 *   names. A chunk returns to the list of the memcg it is charged to (a
 *   chunk borrowed from an ancestor's list returns there); when a cgroup is
 *   removed, the kernel moves its lists and their charge to the parent.
 * - Allocation goes largest order first, as TTM does; at each order the
 *   caller's own list is asked first, then (with
 *   %LRUPOOL_FALLBACK_ANCESTORS) each ancestor's up to the root's, on the
 *   requested node, and only then the page allocator. Fresh pages are
 *   switched to the caching mode in batches. All or nothing: a failed
 *   allocation gives back what it took and frees what it allocated.
 * - Freeing past the instance's limit returns pages to the system, their
 *   caching restored to write-back. So does reclaim: every instance joins
 *   one memcg- and NUMA-aware shrinker, "lrupool-pages".
 * - On kernels with the GPU memory counters (7.1+), pages in use count in
 *   their node's nr_gpu_active and pooled pages in nr_gpu_reclaim, as
 *   TTM's do.
 *
 * Locking: an instance adds no lock of its own; its lists are list_lru's
 * (see lrupool/pool.h), and the shrinker's group list is the shrinker
 * glue's (see lrupool/shrinker.h). A &struct lrupool_pages belongs to its
 * caller, who serialises calls on it.
 */
#ifndef _LRUPOOL_PAGE_POOL_H
#define _LRUPOOL_PAGE_POOL_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mm_types.h>
#include <linux/types.h>

#include <lrupool/pool.h>
#include <lrupool/shrinker.h>

#define LRUPOOL_PAGES_MAX_ORDER		9	/* 2 MiB chunks with 4 KiB pages */
#define LRUPOOL_PAGES_NR_ORDERS		(LRUPOOL_PAGES_MAX_ORDER + 1)

/**
 * enum lrupool_caching - the caching mode of a page pool's pages
 * @LRUPOOL_CACHING_WB: write-back, the kernel's default ("cached")
 * @LRUPOOL_CACHING_WC: write-combined
 * @LRUPOOL_CACHING_UC: uncached (UC-)
 * @LRUPOOL_NR_CACHING: the number of modes
 */
enum lrupool_caching {
	LRUPOOL_CACHING_WB,
	LRUPOOL_CACHING_WC,
	LRUPOOL_CACHING_UC,
	LRUPOOL_NR_CACHING,
};

#define LRUPOOL_PAGE_POOL_NR_POOLS	(LRUPOOL_NR_CACHING * LRUPOOL_PAGES_NR_ORDERS)

/**
 * struct lrupool_chunk - 2^order contiguous pages and their pool entry
 * @node: link in a pool's list, in a &struct lrupool_pages, or in a
 *	private list
 * @page: the first page; its page_private() holds the chunk's order and
 *	caching (see lrupool_chunk_order()), as TTM keeps the order there
 *
 * The pages are not a compound page: map them by PFN, and take no
 * reference on a tail page.
 */
struct lrupool_chunk {
	struct list_head node;
	struct page *page;
};

/**
 * lrupool_chunk_order() - a chunk's order
 * @chunk: the chunk
 *
 * Return: 0 to %LRUPOOL_PAGES_MAX_ORDER.
 */
static inline unsigned int lrupool_chunk_order(const struct lrupool_chunk *chunk)
{
	return page_private(chunk->page) & 0xff;
}

/**
 * lrupool_chunk_caching() - the caching its pages have now
 * @chunk: the chunk
 *
 * Return: an &enum lrupool_caching.
 */
static inline enum lrupool_caching
lrupool_chunk_caching(const struct lrupool_chunk *chunk)
{
	return page_private(chunk->page) >> 8;
}

/**
 * struct lrupool_pages - the pages of one allocation, the role &struct
 *	ttm_tt plays for TTM
 * @chunks: the chunks, &struct lrupool_chunk, largest order first
 * @nr_pages: pages in @chunks
 * @borrowed: of those, pages that came from an ancestor's list (they stay
 *	charged to that ancestor and return to its list)
 * @caching: the caching mode of every page
 *
 * Filled by lrupool_page_pool_alloc(), emptied by lrupool_page_pool_free();
 * the caller owns it and may embed it.
 */
struct lrupool_pages {
	struct list_head chunks;
	unsigned long nr_pages;
	unsigned long borrowed;
	enum lrupool_caching caching;
};

/**
 * lrupool_pages_for_each_chunk - iterate over the chunks of an allocation
 * @chunk: a &struct lrupool_chunk pointer, the cursor
 * @pages: the &struct lrupool_pages
 */
#define lrupool_pages_for_each_chunk(chunk, pages) \
	list_for_each_entry(chunk, &(pages)->chunks, node)

/**
 * struct lrupool_page_pool_stats - a snapshot of an instance's counters
 * @pooled: pages in the pool now
 * @in_use: pages handed out and not freed yet
 * @hit_local: pages taken from the allocating memcg's own lists
 * @hit_ancestor: pages taken from an ancestor's lists
 * @miss: pages freshly allocated
 * @given: pages returned into the pool by a free
 * @released: pages a free returned to the system (pool at its limit)
 * @caching_changes: pages whose caching mode was switched, either way
 * @shrink_freed: pages freed by the shrinker (reclaim or scan)
 *
 * hit_local, hit_ancestor, miss, given and released count the pages of
 * calls that succeeded. The counters are updated without a common lock: a
 * snapshot taken while the pool is busy need not add up.
 */
struct lrupool_page_pool_stats {
	unsigned long pooled;
	unsigned long in_use;
	unsigned long hit_local;
	unsigned long hit_ancestor;
	unsigned long miss;
	unsigned long given;
	unsigned long released;
	unsigned long caching_changes;
	unsigned long shrink_freed;
};

/**
 * struct lrupool_page_pool - a page pool instance, embedded by its user
 * @pools: one pool core per caching mode and order
 * @shrink_order: the pools in the order reclaim empties them: write-back,
 *	uncached, write-combined, each from the highest order down
 * @group: the instance's membership of the "lrupool-pages" shrinker
 * @name: for messages
 * @limit_pages: pages the instance may pool; READ_ONCE()/WRITE_ONCE()
 * @fallback: an &enum lrupool_fallback; READ_ONCE()/WRITE_ONCE()
 * @pooled: pages on the lists, kept beside them for the limit's check on
 *	every free (the lists' own counts are summed for the statistics)
 * @in_use: see &struct lrupool_page_pool_stats, as are the counters below
 * @hit_local: pages
 * @hit_ancestor: pages
 * @miss: pages
 * @given: pages
 * @released: pages
 * @caching_changes: pages
 *
 * Every member is the page pool's own: set it up with
 * lrupool_page_pool_init() and change it only through the functions below.
 */
struct lrupool_page_pool {
	struct lrupool pools[LRUPOOL_NR_CACHING][LRUPOOL_PAGES_NR_ORDERS];
	struct lrupool *shrink_order[LRUPOOL_PAGE_POOL_NR_POOLS];
	struct lrupool_shrinker_group group;
	const char *name;
	unsigned long limit_pages;
	int fallback;
	atomic_long_t pooled;
	atomic_long_t in_use;
	atomic_long_t hit_local;
	atomic_long_t hit_ancestor;
	atomic_long_t miss;
	atomic_long_t given;
	atomic_long_t released;
	atomic_long_t caching_changes;
};

/**
 * lrupool_page_pool_init() - set up a page pool instance
 * @pp: the instance, embedded by the caller
 * @name: for messages; must outlive the instance
 * @limit_pages: pages the instance may hold in its pool (TTM's default is
 *	half of RAM); 0 pools nothing
 * @fallback: %LRUPOOL_FALLBACK_ANCESTORS for the child-to-root lookup,
 *	%LRUPOOL_FALLBACK_NONE for a memcg's own lists only
 *
 * The instance joins the page pools' shrinker at once.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a bad @fallback, or -ENOMEM.
 */
int lrupool_page_pool_init(struct lrupool_page_pool *pp, const char *name,
			   unsigned long limit_pages,
			   enum lrupool_fallback fallback);

/**
 * lrupool_page_pool_fini() - free every pooled page of an instance
 * @pp: the instance; every allocation from it has been freed, and nothing
 *	uses it concurrently
 *
 * Leaves the shrinker (waiting for reclaim in progress), then restores
 * every pooled page's caching and frees it, in bounded batches.
 *
 * Context: process context, may sleep.
 */
void lrupool_page_pool_fini(struct lrupool_page_pool *pp);

/**
 * lrupool_page_pool_set_limit() - change how many pages an instance pools
 * @pp: the instance
 * @limit_pages: the new limit; lowering it stops growth, it does not trim
 *
 * Context: any context.
 */
void lrupool_page_pool_set_limit(struct lrupool_page_pool *pp,
				 unsigned long limit_pages);

/**
 * lrupool_page_pool_set_fallback() - change where an instance's lookup goes
 * @pp: the instance
 * @fallback: an &enum lrupool_fallback
 *
 * Context: any context.
 * Return: 0 or -EINVAL.
 */
int lrupool_page_pool_set_fallback(struct lrupool_page_pool *pp,
				   enum lrupool_fallback fallback);

/**
 * lrupool_page_pool_alloc() - fill @pages with zeroed pages
 * @pp: the instance
 * @pages: the caller's, not in use; filled on success, left empty on
 *	failure
 * @memcg: the memcg that is charged for fresh pages and whose lists are
 *	looked up first, with a reference held by the caller; NULL when
 *	memory cgroups are disabled
 * @nr_pages: how many pages, at least 1
 * @caching: their caching mode
 * @max_order: the largest chunk, 0 to %LRUPOOL_PAGES_MAX_ORDER
 * @nid: the node every page comes from; it must have memory
 *
 * Chunks come largest order first: at each order from the pool (the own
 * list, then each ancestor's up to the root's, on @nid), then freshly
 * allocated there, zeroed, charged to @memcg and switched to @caching in
 * batches; when a fresh chunk of order > 0 is not to be had cheaply, the
 * order drops by one. All or nothing.
 *
 * Context: process context, may sleep.
 * Return: 0, -EINVAL for a bad argument, -ENOMEM when @memcg or @nid
 * cannot provide the memory, -EOPNOTSUPP for a memcg other than the root
 * while kmem accounting is off (lrupool_memcg_check()), or -EINTR on a
 * fatal signal.
 */
int lrupool_page_pool_alloc(struct lrupool_page_pool *pp,
			    struct lrupool_pages *pages,
			    struct mem_cgroup *memcg, unsigned long nr_pages,
			    enum lrupool_caching caching,
			    unsigned int max_order, int nid);

/**
 * lrupool_page_pool_free() - give the pages of an allocation back
 * @pp: the instance they came from
 * @pages: filled by lrupool_page_pool_alloc(); emptied
 *
 * Each chunk is cleared and returns to the list of the memcg it is charged
 * to (a borrowed chunk to the ancestor's), or, once the instance pools
 * its limit, goes back to the system with its caching restored to
 * write-back.
 *
 * Context: process context, may sleep.
 */
void lrupool_page_pool_free(struct lrupool_page_pool *pp,
			    struct lrupool_pages *pages);

/**
 * lrupool_page_pool_read_stats() - snapshot an instance's counters
 * @pp: the instance
 * @stats: filled in
 *
 * Context: any context.
 */
void lrupool_page_pool_read_stats(struct lrupool_page_pool *pp,
				  struct lrupool_page_pool_stats *stats);

/**
 * lrupool_page_pool_core() - the pool core of one caching mode and order
 * @pp: the instance
 * @caching: the mode
 * @order: 0 to %LRUPOOL_PAGES_MAX_ORDER
 *
 * For counting (lrupool_count_one() counts chunks; times 2^@order is
 * pages) and for timing the core under the instance. Entries taken from it
 * with lrupool_take() must be given back to it unchanged.
 *
 * Return: the pool.
 */
struct lrupool *lrupool_page_pool_core(struct lrupool_page_pool *pp,
				       enum lrupool_caching caching,
				       unsigned int order);

/**
 * lrupool_page_pool_scan() - run the page pools' shrinker once
 * @memcg: the memcg whose lists are scanned, kept alive by the caller;
 *	NULL for the root
 * @nid: the node
 * @nr_to_scan: how many pages to scan
 *
 * The shrinker's own scan, as reclaim and the kernel's shrinker debugfs
 * call it, over every instance in the order they were set up; chunks are
 * freed whole.
 *
 * Context: process context, may sleep.
 * Return: the number of pages freed.
 */
unsigned long lrupool_page_pool_scan(struct mem_cgroup *memcg, int nid,
				     unsigned long nr_to_scan);

/**
 * lrupool_caching_name() - a caching mode's name
 * @caching: the mode
 *
 * Return: "wb", "wc" or "uc".
 */
const char *lrupool_caching_name(enum lrupool_caching caching);

/**
 * lrupool_caching_parse() - a caching mode from its name
 * @name: "wb", "wc" or "uc"
 *
 * Return: the &enum lrupool_caching, or -EINVAL.
 */
int lrupool_caching_parse(const char *name);

#endif /* _LRUPOOL_PAGE_POOL_H */
