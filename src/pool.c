// SPDX-License-Identifier: GPL-2.0
/*
 * The pool core: a memcg-aware, NUMA-aware pool of entries on list_lru,
 * with a child-to-root lookup. It knows nothing of what entries describe
 * and has no user interface; see include/lrupool/pool.h for the API.
 *
 * Why descriptors: a memcg-aware list_lru creates a memcg's lists lazily,
 * and the only exported way to have them created is a slab allocation
 * through kmem_cache_alloc_lru() charged to that memcg. Adding an item for a
 * memcg without lists oopses on 6.1/6.12 and misfiles it on 6.13+. Every
 * entry is therefore a SLAB_ACCOUNT descriptor allocated by
 * lrupool_entry_alloc(), and entries are added with the address-derived
 * list_lru_add_obj(), which files each under the node of the descriptor's
 * memory and the memcg it is charged to. That is also what the kernel uses
 * when it reparents the lists of a removed cgroup, so the two always agree.
 * lrupool_give_memcg() lets a client that knows that node and memcg name
 * them, where the kernel exports list_lru_add() with them.
 *
 * Entries never leave a list through list_lru_del(): take, shrink and drain
 * all walk a list and isolate into a private list, which needs no exported
 * delete and no knowledge of which memcg an entry currently resolves to.
 *
 * Locking: only list_lru's own lock, taken by list_lru for each walk. The
 * walk callback neither sleeps nor drops it. No memcg reference outlives
 * the call that takes it; ancestors are reached with parent_mem_cgroup(),
 * kept alive by the caller's reference on the descendant.
 */

#include <linux/cgroup.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/topology.h>

#include <lrupool/pool.h>

#include "compat.h"
#include "pool_core.h"

/* Passes of a drain that release nothing before it gives up on a node. */
#define LRUPOOL_DRAIN_MAX_IDLE	16

/* Walk callback: move every entry visited onto the private list @arg. */
static enum lru_status lrupool_isolate(LRUPOOL_WALK_CB_ARGS)
{
	list_lru_isolate_move(list, item, arg);
	return LRU_REMOVED;
}

int lrupool_init(struct lrupool *pool, const char *name,
		 struct kmem_cache *cache, const struct lrupool_ops *ops,
		 unsigned int weight, struct shrinker *shrinker)
{
	pool->name = name;
	pool->cache = cache;
	pool->ops = ops;
	pool->weight = max(weight, 1U);
	atomic_long_set(&pool->shrink_freed, 0);
	return list_lru_init_memcg(&pool->lru, shrinker);
}
EXPORT_SYMBOL_NS_GPL(lrupool_init, LRUPOOL_NS);

void lrupool_destroy(struct lrupool *pool)
{
	lrupool_drain(pool);
	list_lru_destroy(&pool->lru);
}
EXPORT_SYMBOL_NS_GPL(lrupool_destroy, LRUPOOL_NS);

/* The node of the memory a descriptor lives in: the list it will join. */
static int lrupool_entry_nid(const void *entry)
{
	return page_to_nid(virt_to_page(entry));
}

void *lrupool_entry_alloc(struct lrupool *pool, struct mem_cgroup *memcg,
			  int nid, gfp_t gfp)
{
	struct mem_cgroup *old;
	void *entry, *local;

	old = set_active_memcg(memcg);
	/* Charged to @memcg; creates its lists (and its ancestors'). */
	entry = kmem_cache_alloc_lru(pool->cache, &pool->lru, gfp);
	if (entry && nid != NUMA_NO_NODE && lrupool_entry_nid(entry) != nid) {
		/* The lists exist now: place the descriptor on @nid. */
		local = kmem_cache_alloc_node(pool->cache, gfp | __GFP_THISNODE,
					      nid);
		kmem_cache_free(pool->cache, entry);
		entry = local;
		/* Slab may fall back to another node: that list is wrong. */
		if (entry && lrupool_entry_nid(entry) != nid) {
			kmem_cache_free(pool->cache, entry);
			entry = NULL;
		}
	}
	set_active_memcg(old);
	return entry;
}
EXPORT_SYMBOL_NS_GPL(lrupool_entry_alloc, LRUPOOL_NS);

void lrupool_entry_free(struct lrupool *pool, void *entry)
{
	kmem_cache_free(pool->cache, entry);
}
EXPORT_SYMBOL_NS_GPL(lrupool_entry_free, LRUPOOL_NS);

void lrupool_entries_free(struct lrupool *pool, size_t nr, void **entries)
{
	kmem_cache_free_bulk(pool->cache, nr, entries);
}
EXPORT_SYMBOL_NS_GPL(lrupool_entries_free, LRUPOOL_NS);

void lrupool_give(struct lrupool *pool, struct list_head *node)
{
	/* list_lru's lock is a plain spinlock: no interrupt context. */
	WARN_ON_ONCE(!in_task());
	INIT_LIST_HEAD(node);
	list_lru_add_obj(&pool->lru, node);
}
EXPORT_SYMBOL_NS_GPL(lrupool_give, LRUPOOL_NS);

void lrupool_give_memcg(struct lrupool *pool, struct list_head *node, int nid,
			struct mem_cgroup *memcg)
{
	__lrupool_give_memcg(pool, node, nid, memcg);
}
EXPORT_SYMBOL_NS_GPL(lrupool_give_memcg, LRUPOOL_NS);

/* Take up to @nr entries from the list of exactly (@memcg, @nid). */
static unsigned long lrupool_take_one(struct lrupool *pool,
				      struct mem_cgroup *memcg, int nid,
				      unsigned long nr, struct list_head *out)
{
	unsigned long nr_to_walk = nr;

	return list_lru_walk_one(&pool->lru, nid, memcg, lrupool_isolate, out,
				 &nr_to_walk);
}

/*
 * The same from an ancestor's list. Most levels above a taker are empty:
 * skip them with list_lru_count_one(), which takes no lock.
 */
static unsigned long lrupool_take_ancestor(struct lrupool *pool,
					   struct mem_cgroup *memcg, int nid,
					   unsigned long nr,
					   struct list_head *out)
{
	if (!mem_cgroup_online(memcg) ||
	    !list_lru_count_one(&pool->lru, nid, memcg))
		return 0;
	return lrupool_take_one(pool, memcg, nid, nr, out);
}

unsigned long lrupool_take(struct lrupool *pool, struct mem_cgroup *memcg,
			   int nid, unsigned long nr,
			   enum lrupool_fallback fallback,
			   struct list_head *out,
			   unsigned long *nr_from_ancestors)
{
	struct mem_cgroup *level = memcg;
	unsigned long local = 0, taken;

	/*
	 * The taker's own list is walked at once: it is the one that serves
	 * most takes, and a walk of an empty list finds nothing. An offline
	 * memcg's entries went to its parent with its lists: it has no list
	 * of its own. Kernels differ in what its lists report (the parent's
	 * before 6.13, nothing since), so it is not asked.
	 */
	if (!memcg || mem_cgroup_online(memcg))
		local = lrupool_take_one(pool, memcg, nid, nr, out);
	taken = local;
	if (fallback == LRUPOOL_FALLBACK_ANCESTORS && memcg) {
		while (taken < nr && (level = parent_mem_cgroup(level)))
			taken += lrupool_take_ancestor(pool, level, nid,
						       nr - taken, out);
	}
	*nr_from_ancestors = taken - local;
	return taken;
}
EXPORT_SYMBOL_NS_GPL(lrupool_take, LRUPOOL_NS);

unsigned long lrupool_count_one(struct lrupool *pool, int nid,
				struct mem_cgroup *memcg)
{
	return list_lru_count_one(&pool->lru, nid, memcg);
}
EXPORT_SYMBOL_NS_GPL(lrupool_count_one, LRUPOOL_NS);

unsigned long lrupool_count(struct lrupool *pool)
{
	unsigned long count = 0;
	int nid;

	for_each_node(nid)
		count += list_lru_count_node(&pool->lru, nid);
	return count;
}
EXPORT_SYMBOL_NS_GPL(lrupool_count, LRUPOOL_NS);

/*
 * Walk up to @nr_to_walk entries of (@memcg, @nid) and hand them to the
 * client's ->release() in one list.
 * Return: the number of entries released.
 */
static unsigned long lrupool_release_one(struct lrupool *pool,
					 struct mem_cgroup *memcg, int nid,
					 unsigned long nr_to_walk)
{
	unsigned long isolated;
	LIST_HEAD(dispose);

	/*
	 * Reclaim asks every pool of every instance in turn: skip the empty
	 * ones unlocked, those with nothing on the node at all by the node's
	 * count alone, which costs a fraction of a memcg list's.
	 */
	if (!list_lru_count_node(&pool->lru, nid) ||
	    !list_lru_count_one(&pool->lru, nid, memcg))
		return 0;
	isolated = list_lru_walk_one(&pool->lru, nid, memcg, lrupool_isolate,
				     &dispose, &nr_to_walk);
	if (isolated)
		pool->ops->release(pool, &dispose);
	return isolated;
}

unsigned long lrupool_shrink_one(struct lrupool *pool,
				 struct mem_cgroup *memcg, int nid,
				 unsigned long nr_to_scan,
				 unsigned long *nr_scanned)
{
	unsigned long freed;

	/* Entries are whole: round up, and report what was really seen. */
	freed = lrupool_release_one(pool, memcg, nid,
				    DIV_ROUND_UP(nr_to_scan, pool->weight));
	freed *= pool->weight;
	*nr_scanned = freed;
	atomic_long_add(freed, &pool->shrink_freed);
	return freed;
}
EXPORT_SYMBOL_NS_GPL(lrupool_shrink_one, LRUPOOL_NS);

unsigned long lrupool_shrink(struct lrupool *const *pools,
			     unsigned int nr_pools, struct mem_cgroup *memcg,
			     int nid, unsigned long nr_to_scan,
			     unsigned long *nr_scanned)
{
	unsigned long freed = 0, scanned = 0, one;
	unsigned int i;

	for (i = 0; i < nr_pools && scanned < nr_to_scan; i++) {
		freed += lrupool_shrink_one(pools[i], memcg, nid,
					    nr_to_scan - scanned, &one);
		scanned += one;
	}
	*nr_scanned = scanned;
	return freed;
}
EXPORT_SYMBOL_NS_GPL(lrupool_shrink, LRUPOOL_NS);

/*
 * Release every entry on @nid's lists, a batch at a time. A cgroup removed
 * during the walk may splice entries into a list already walked, so go
 * round again while the node's count is not 0; a list that stays full
 * while walks find nothing is reported rather than looped on.
 */
static unsigned long lrupool_drain_node(struct lrupool *pool, int nid)
{
	unsigned long nr_to_walk, isolated, freed = 0;
	unsigned int idle = 0;
	LIST_HEAD(dispose);

	while (list_lru_count_node(&pool->lru, nid)) {
		nr_to_walk = LRUPOOL_DRAIN_BATCH;
		isolated = list_lru_walk_node(&pool->lru, nid, lrupool_isolate,
					      &dispose, &nr_to_walk);
		if (isolated)
			pool->ops->release(pool, &dispose);
		freed += isolated;
		cond_resched();
		if (isolated)
			idle = 0;
		else if (++idle == LRUPOOL_DRAIN_MAX_IDLE)
			break;
	}
	if (idle == LRUPOOL_DRAIN_MAX_IDLE)
		pr_err("lrupool: %s: %lu entries on node %d cannot be drained\n",
		       pool->name, list_lru_count_node(&pool->lru, nid), nid);
	return freed;
}

unsigned long lrupool_drain(struct lrupool *pool)
{
	unsigned long freed = 0;
	int nid;

	for_each_node(nid)
		freed += lrupool_drain_node(pool, nid);
	return freed;
}
EXPORT_SYMBOL_NS_GPL(lrupool_drain, LRUPOOL_NS);

int lrupool_mem_node(int nid)
{
	int n, best = NUMA_NO_NODE, dist, best_dist = INT_MAX;

	/*
	 * numa_mem_id() would say it, but kernels without
	 * CONFIG_HAVE_MEMORYLESS_NODES (x86) make it numa_node_id().
	 */
	if (node_state(nid, N_MEMORY))
		return nid;
	for_each_node_state(n, N_MEMORY) {
		dist = node_distance(nid, n);
		if (dist < best_dist) {
			best_dist = dist;
			best = n;
		}
	}
	return best;
}
EXPORT_SYMBOL_NS_GPL(lrupool_mem_node, LRUPOOL_NS);

bool lrupool_memcg_aware(struct lrupool *pool)
{
	struct mem_cgroup *memcg, *root;
	bool child;

	/* 6.12+ files everything under the root when kmem is off. */
	if (mem_cgroup_disabled() || !pool->lru.memcg_aware)
		return false;
	if (memcg_kmem_online())
		return true;
	/* No memcg has kmem accounting on: fine while only the root exists. */
	memcg = lrupool_memcg_get_current();
	for (root = memcg; parent_mem_cgroup(root); )
		root = parent_mem_cgroup(root);
	rcu_read_lock();
	child = css_next_descendant_pre(&root->css, &root->css);
	rcu_read_unlock();
	mem_cgroup_put(memcg);
	return !child;
}
EXPORT_SYMBOL_NS_GPL(lrupool_memcg_aware, LRUPOOL_NS);

int lrupool_memcg_check(struct mem_cgroup *memcg)
{
	/*
	 * A memcg other than the root turns kmem accounting on when it comes
	 * online, before a task can join it, unless it is off for all.
	 */
	if (likely(memcg_kmem_online()) || !memcg || !parent_mem_cgroup(memcg))
		return 0;
	pr_err_once("lrupool: kmem accounting is off (cgroup.memory=nokmem): every cgroup's lists are the root's; requests for cgroups other than the root are refused\n");
	return -EOPNOTSUPP;
}
EXPORT_SYMBOL_NS_GPL(lrupool_memcg_check, LRUPOOL_NS);

struct mem_cgroup *lrupool_memcg_get_current(void)
{
	struct mem_cgroup *memcg;

	if (mem_cgroup_disabled())
		return NULL;
	rcu_read_lock();
	do {
		memcg = mem_cgroup_from_task(current);
	} while (!css_tryget(&memcg->css));
	rcu_read_unlock();
	return memcg;
}
EXPORT_SYMBOL_NS_GPL(lrupool_memcg_get_current, LRUPOOL_NS);

struct mem_cgroup *lrupool_memcg_get_from_id(u64 id)
{
	struct cgroup_subsys_state *css;
	struct cgroup *cgrp;

	if (mem_cgroup_disabled())
		return NULL;
	cgrp = cgroup_get_from_id(id);
	if (IS_ERR(cgrp))
		return NULL;
	css = cgroup_get_e_css(cgrp, &memory_cgrp_subsys);
	if (css && (css->cgroup != cgrp ||
		    !mem_cgroup_online(mem_cgroup_from_css(css)))) {
		css_put(css);
		css = NULL;
	}
	cgroup_put(cgrp);
	return css ? mem_cgroup_from_css(css) : NULL;
}
EXPORT_SYMBOL_NS_GPL(lrupool_memcg_get_from_id, LRUPOOL_NS);
