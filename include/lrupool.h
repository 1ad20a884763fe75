/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lrupool: a memcg-aware, NUMA-aware pool of entries on list_lru.
 *
 * A pool keeps one list per (memory cgroup, NUMA node). Entries are small
 * descriptors allocated from a SLAB_ACCOUNT cache, charged to the memcg that
 * owns them; the list an entry sits on is derived from the descriptor's own
 * memory (its node and its memcg charge), so the kernel moves entries to the
 * parent's list, together with their charge, when a cgroup is removed, and
 * no entry pins a memcg.
 *
 * Lifetime of an entry:
 *
 *	e = lrupool_entry_alloc(pool, memcg, nid, gfp);  // charged to memcg
 *	...fill in the client's part of e...
 *	lrupool_give(pool, &e->node);        // into memcg's list on nid
 *	n = lrupool_take(pool, memcg, nid, nr, fallback, &out, &from_ancestors);
 *	...entries on @out belong to the caller again...
 *	lrupool_entry_free(pool, e);
 *
 * Entries leave a pool only through lrupool_take(), lrupool_shrink_one() and
 * lrupool_drain(): the last two hand them to the pool's ->release().
 *
 * Locking: the pool adds no lock of its own; every list is protected by
 * list_lru's internal lock (per node before 6.13, per memcg and node after).
 * Walks isolate entries under that lock without sleeping and process them
 * after the walk. ->release() runs with no lock held and may sleep.
 */
#ifndef _LRUPOOL_H
#define _LRUPOOL_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/list_lru.h>
#include <linux/memcontrol.h>
#include <linux/types.h>

struct kmem_cache;
struct shrinker;
struct lrupool;

/**
 * enum lrupool_fallback - where lrupool_take() may look
 * @LRUPOOL_FALLBACK_NONE: only the memcg's own list
 * @LRUPOOL_FALLBACK_ANCESTORS: the memcg's own list, then its parent's, and
 *	so on up to the root's
 */
enum lrupool_fallback {
	LRUPOOL_FALLBACK_NONE,
	LRUPOOL_FALLBACK_ANCESTORS,
};

/**
 * struct lrupool_ops - what a client tells the pool
 * @release: free an entry that left the pool through the shrinker or a
 *	drain. Called with no lock held; may sleep.
 */
struct lrupool_ops {
	void (*release)(struct lrupool *pool, struct list_head *node);
};

/**
 * struct lrupool - one pool
 * @lru: the lists, one per (memcg, node); entries are linked through a
 *	&struct list_head inside a descriptor from @cache.
 * @cache: the SLAB_ACCOUNT cache descriptors are allocated from. Owned by
 *	the client; several pools may share one.
 * @ops: the client's callbacks.
 * @name: for messages.
 * @shrink_freed: entries released by lrupool_shrink_one(); racy read.
 * @shrinker_node: link in the shrinker's list of pools (see shrinker.c).
 */
struct lrupool {
	struct list_lru lru;
	struct kmem_cache *cache;
	const struct lrupool_ops *ops;
	const char *name;
	atomic_long_t shrink_freed;
	struct list_head shrinker_node;
};

int lrupool_init(struct lrupool *pool, const char *name,
		 struct kmem_cache *cache, const struct lrupool_ops *ops,
		 struct shrinker *shrinker);
void lrupool_destroy(struct lrupool *pool);

void *lrupool_entry_alloc(struct lrupool *pool, struct mem_cgroup *memcg,
			  int nid, gfp_t gfp);
void lrupool_entry_free(struct lrupool *pool, void *entry);

void lrupool_give(struct lrupool *pool, struct list_head *node);
unsigned long lrupool_take(struct lrupool *pool, struct mem_cgroup *memcg,
			   int nid, unsigned long nr,
			   enum lrupool_fallback fallback,
			   struct list_head *out,
			   unsigned long *nr_from_ancestors);

unsigned long lrupool_count_one(struct lrupool *pool, int nid,
				struct mem_cgroup *memcg);
unsigned long lrupool_count(struct lrupool *pool);

unsigned long lrupool_shrink_one(struct lrupool *pool,
				 struct mem_cgroup *memcg, int nid,
				 unsigned long nr_to_scan,
				 unsigned long *nr_scanned);
unsigned long lrupool_drain(struct lrupool *pool);

#endif /* _LRUPOOL_H */
