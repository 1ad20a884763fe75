/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lrupool's files share inside the module: the module parameters, the
 * shrinker glue, the generic-objects pool and the debugfs control plane.
 * The pool core's API is include/lrupool.h.
 */
#ifndef _LRUPOOL_INTERNAL_H
#define _LRUPOOL_INTERNAL_H

#include <linux/types.h>

#include "lrupool.h"

struct mem_cgroup;
struct shrinker;

/* main.c: module parameters, read with READ_ONCE() */
extern int lrupool_fallback;			/* enum lrupool_fallback */
extern unsigned long lrupool_max_request_pages;
extern unsigned long lrupool_pool_limit_pages;

/* shrinker.c: one shrinker serving every pool of the module */
#define LRUPOOL_SHRINKER_MAX_POOLS	32
int lrupool_shrinker_init(void);
struct shrinker *lrupool_shrinker(void);
void lrupool_shrinker_add_pool(struct lrupool *pool);
void lrupool_shrinker_start(void);
void lrupool_shrinker_exit(void);

/* objects.c: generic slab objects, standing for any cached kernel object */
#define LRUPOOL_OBJECT_SIZE	256

/**
 * struct lrupool_objects_stats - a snapshot of the objects pool's counters
 * @entries: objects in the pool now
 * @added: objects given to the pool by lrupool_objects_add()
 * @taken_local: objects taken from the taker's own list
 * @taken_ancestor: objects taken from an ancestor's list
 * @shrink_freed: objects freed by the shrinker (reclaim or scan)
 *
 * The counters are updated without a common lock: a snapshot taken while
 * the pool is busy need not add up.
 */
struct lrupool_objects_stats {
	unsigned long entries;
	unsigned long added;
	unsigned long taken_local;
	unsigned long taken_ancestor;
	unsigned long shrink_freed;
};

int lrupool_objects_init(struct shrinker *shrinker);
void lrupool_objects_exit(void);
struct lrupool *lrupool_objects_pool(void);
int lrupool_objects_add(struct mem_cgroup *memcg, int nid, unsigned long nr);
unsigned long lrupool_objects_take(struct mem_cgroup *memcg, int nid,
				   unsigned long nr);
void lrupool_objects_read_stats(struct lrupool_objects_stats *stats);

/* pages.c: the GPU-style page pool, per caching mode and order */
#define LRUPOOL_PAGES_MAX_ORDER		9	/* 2 MiB chunks with 4 KiB pages */
#define LRUPOOL_PAGES_NR_ORDERS		(LRUPOOL_PAGES_MAX_ORDER + 1)
#define LRUPOOL_BUFFER_NAME_MAX		32

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

/**
 * struct lrupool_buffer_info - what the control plane shows of a buffer
 * @name: the buffer's name
 * @owner: the cgroup id of the memcg that allocated it
 * @nr_pages: its size in pages
 * @caching: its pages' caching mode
 * @borrowed: pages that came from an ancestor's list
 */
struct lrupool_buffer_info {
	const char *name;
	u64 owner;
	unsigned long nr_pages;
	enum lrupool_caching caching;
	unsigned long borrowed;
};

/**
 * struct lrupool_pages_stats - a snapshot of the page pool's counters
 * @pooled: pages in the pool now
 * @in_use: pages in buffers
 * @hit_local: pages taken from the allocating memcg's own lists
 * @hit_ancestor: pages taken from an ancestor's lists
 * @miss: pages freshly allocated
 * @given: pages returned into the pool by a free
 * @released: pages a free returned to the system (pool at its limit)
 * @caching_changes: pages whose caching mode was switched, either way
 * @shrink_freed: pages freed by the shrinker (reclaim or scan)
 * @buffers: buffers now
 *
 * hit_local, hit_ancestor, miss, given and released count the pages of
 * commands that succeeded. The counters are updated without a common lock:
 * a snapshot taken while the pool is busy need not add up.
 */
struct lrupool_pages_stats {
	unsigned long pooled;
	unsigned long in_use;
	unsigned long hit_local;
	unsigned long hit_ancestor;
	unsigned long miss;
	unsigned long given;
	unsigned long released;
	unsigned long caching_changes;
	unsigned long shrink_freed;
	unsigned long buffers;
};

int lrupool_pages_init(struct shrinker *shrinker);
void lrupool_pages_exit(void);
struct lrupool *lrupool_page_pool(enum lrupool_caching caching,
				  unsigned int order);
struct lrupool *const *lrupool_page_pools_by_shrink_order(unsigned int *nr);
const char *lrupool_caching_name(enum lrupool_caching caching);
int lrupool_caching_parse(const char *name);
bool lrupool_buffer_name_valid(const char *name);
int lrupool_buffer_alloc(const char *name, struct mem_cgroup *memcg,
			 unsigned long nr_pages, enum lrupool_caching caching,
			 unsigned int max_order, int nid);
int lrupool_buffer_free(const char *name);
void lrupool_buffers_walk(void (*fn)(void *arg,
				     const struct lrupool_buffer_info *info),
			  void *arg);
void lrupool_pages_read_stats(struct lrupool_pages_stats *stats);

/* debugfs.c: the control plane */
void lrupool_debugfs_init(void);
void lrupool_debugfs_exit(void);
struct mem_cgroup *lrupool_memcg_get_from_id(u64 id);

#endif /* _LRUPOOL_INTERNAL_H */
