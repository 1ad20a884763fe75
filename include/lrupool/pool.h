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
 * Entries leave a pool only through lrupool_take(), lrupool_shrink() and
 * lrupool_drain(): the last two hand them to the pool's ->release().
 *
 * Locking: the pool adds no lock of its own; every list is protected by
 * list_lru's internal lock (per node before 6.13, per memcg and node after),
 * a plain spinlock: every call that touches a list is for process context
 * only, never from an interrupt or softirq. Walks isolate entries under
 * that lock without sleeping and process them after the walk. ->release()
 * runs with no lock held and may sleep.
 *
 * lrupool.ko exports this API (GPL, symbol namespace LRUPOOL): a module
 * that uses it says LRUPOOL_MODULE_IMPORT_NS() once and links against
 * lrupool.ko's Module.symvers (KBUILD_EXTRA_SYMBOLS).
 */
#ifndef _LRUPOOL_POOL_H
#define _LRUPOOL_POOL_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/list_lru.h>
#include <linux/memcontrol.h>
#include <linux/module.h>
#include <linux/types.h>

/*
 * What a module using lrupool's exports declares. MODULE_IMPORT_NS() took
 * an identifier before 6.13 and takes a string literal since; both store
 * this same modinfo string, which is what modpost and the loader check.
 */
#define LRUPOOL_MODULE_IMPORT_NS()	MODULE_INFO(import_ns, "LRUPOOL")

struct kmem_cache;
struct shrinker;
struct lrupool;

/* Entries lrupool_drain() hands to ->release() at a time. */
#define LRUPOOL_DRAIN_BATCH	1024

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
 * @release: free every entry on @entries, which left the pool through the
 *	shrinker or a drain, emptying the list. Called with no lock held; may
 *	sleep. Getting them as one list lets the client batch costly work
 *	(a page pool restores the caching of many pages with one flush).
 */
struct lrupool_ops {
	void (*release)(struct lrupool *pool, struct list_head *entries);
};

/**
 * struct lrupool - one pool
 * @lru: the lists, one per (memcg, node); entries are linked through a
 *	&struct list_head inside a descriptor from @cache.
 * @cache: the SLAB_ACCOUNT cache descriptors are allocated from. Owned by
 *	the client; several pools may share one.
 * @ops: the client's callbacks.
 * @name: for messages.
 * @weight: what one entry counts for in the shrinker's units (1 for an
 *	object, 2^order for a chunk of pages counted in pages); constant.
 * @shrink_freed: units released by lrupool_shrink_one(); racy read.
 * @private: the client's, e.g. for ->release(); the pool does not use it
 */
struct lrupool {
	struct list_lru lru;
	struct kmem_cache *cache;
	const struct lrupool_ops *ops;
	const char *name;
	unsigned int weight;
	atomic_long_t shrink_freed;
	void *private;
};

/**
 * lrupool_init() - initialise a pool
 * @pool: the pool
 * @name: for messages; must outlive the pool
 * @cache: a cache created with SLAB_ACCOUNT whose objects embed the
 *	&struct list_head that links an entry
 * @ops: the client's callbacks
 * @weight: what one entry counts for in the shrinker's units, at least 1
 * @shrinker: a %SHRINKER_MEMCG_AWARE shrinker whose callbacks reach this
 *	pool (see lrupool_count_one() and lrupool_shrink()), or NULL
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int lrupool_init(struct lrupool *pool, const char *name,
		 struct kmem_cache *cache, const struct lrupool_ops *ops,
		 unsigned int weight, struct shrinker *shrinker);

/**
 * lrupool_destroy() - release every entry and free the lists
 * @pool: the pool; nothing may use it concurrently, and its shrinker must
 *	no longer reach it
 *
 * Context: process context, may sleep.
 */
void lrupool_destroy(struct lrupool *pool);

/**
 * lrupool_entry_alloc() - allocate an entry descriptor for @memcg on @nid
 * @pool: the pool the entry will be given to (and to no other)
 * @memcg: the memcg to charge, whose list the entry will join (the root's
 *	for the root memcg, which is not charged). The caller holds a
 *	reference. NULL, when memcg is disabled, charges nothing.
 * @nid: the node of the entry's list, or %NUMA_NO_NODE for any
 * @gfp: allocation flags, e.g. %GFP_KERNEL_ACCOUNT; add
 *	%__GFP_RETRY_MAYFAIL to fail rather than OOM-kill at @memcg's limit
 *
 * Creates @memcg's lists (and its ancestors') in @pool if they do not exist
 * yet, through kmem_cache_alloc_lru() under set_active_memcg(@memcg), then
 * places the descriptor on @nid, since the list an entry joins is the one
 * of the node its descriptor's memory is on. A descriptor that slab put on
 * another node is freed: the entry would be counted on the wrong node.
 *
 * Context: process context, may sleep if @gfp allows.
 * Return: the descriptor, uninitialised, or NULL.
 */
void *lrupool_entry_alloc(struct lrupool *pool, struct mem_cgroup *memcg,
			  int nid, gfp_t gfp);

/**
 * lrupool_entry_free() - free an entry descriptor not in the pool
 * @pool: the pool it was allocated for
 * @entry: from lrupool_entry_alloc()
 *
 * Context: any context kmem_cache_free() allows.
 */
void lrupool_entry_free(struct lrupool *pool, void *entry);

/**
 * lrupool_entries_free() - free several entry descriptors not in the pool
 * @pool: the pool they were allocated for
 * @nr: how many
 * @entries: from lrupool_entry_alloc()
 *
 * One kmem_cache_free_bulk() instead of @nr calls: what a ->release()
 * uses to free the descriptors of a batch.
 *
 * Context: any context kmem_cache_free_bulk() allows.
 */
void lrupool_entries_free(struct lrupool *pool, size_t nr, void **entries);

/**
 * lrupool_give() - put an entry into the pool
 * @pool: the pool the entry was allocated for
 * @node: the &struct list_head inside the entry; not on any list
 *
 * The entry joins the list of the memcg its descriptor is charged to (or,
 * if that cgroup was removed, the nearest live ancestor's) on the node of
 * the descriptor's memory.
 *
 * Context: process context; takes the list's lock (a plain spinlock).
 */
void lrupool_give(struct lrupool *pool, struct list_head *node);

/**
 * lrupool_give_memcg() - put an entry into the pool, naming its list
 * @pool: the pool the entry was allocated for
 * @node: the &struct list_head inside the entry; not on any list
 * @nid: the node of the entry's descriptor
 * @memcg: the memcg the descriptor is charged to (NULL for none), kept
 *	alive by the caller, e.g. under rcu_read_lock()
 *
 * lrupool_give() for a caller that knows the list lrupool_give() would
 * find, e.g. from the charge of memory allocated with the descriptor and
 * charged with it to one obj_cgroup. Where the kernel exports
 * list_lru_add() with a node and a memcg (6.8-6.12, 7.1 on), that saves
 * the lookup of the descriptor's charge; elsewhere it is lrupool_give().
 *
 * Context: process context; takes the list's lock (a plain spinlock).
 */
void lrupool_give_memcg(struct lrupool *pool, struct list_head *node, int nid,
			struct mem_cgroup *memcg);

/**
 * lrupool_take() - take entries for @memcg on @nid, child to root
 * @pool: the pool
 * @memcg: the taker's memcg, with a reference held by the caller; NULL
 *	for the root
 * @nid: the node whose lists are searched
 * @nr: how many entries at most
 * @fallback: %LRUPOOL_FALLBACK_ANCESTORS to go on to the parent's list,
 *	then the grandparent's, up to the root's, while @nr is not reached;
 *	%LRUPOOL_FALLBACK_NONE for @memcg's own list only
 * @out: the entries taken are moved onto this list, own list first
 * @nr_from_ancestors: set to how many of them came from an ancestor's list
 *
 * @memcg's own list is walked at once; an ancestor's is skipped, before
 * its lock is taken, when list_lru_count_one() finds it empty. An
 * offline @memcg has no list of its own (the kernel moved its entries to
 * its parent): its lookup starts at the nearest online ancestor, and
 * whatever it takes counts as from ancestors; offline ancestors are
 * passed over the same way. Entries taken from an ancestor
 * stay charged to that ancestor: no exported kernel function moves a
 * charge.
 *
 * Context: process context; takes each list's lock in turn, never two.
 * Return: the number of entries moved onto @out, possibly 0.
 */
unsigned long lrupool_take(struct lrupool *pool, struct mem_cgroup *memcg,
			   int nid, unsigned long nr,
			   enum lrupool_fallback fallback,
			   struct list_head *out,
			   unsigned long *nr_from_ancestors);

/**
 * lrupool_count_one() - entries on the list of (@memcg, @nid)
 * @pool: the pool
 * @nid: the node
 * @memcg: the memcg, kept alive by the caller (reference or RCU); NULL for
 *	the root. What an offline memcg reports depends on the kernel (its
 *	parent's list before 6.13, nothing since).
 *
 * A shrinker's count_objects() returns this times &lrupool.weight.
 *
 * Context: any context.
 * Return: the number of entries, racy by nature.
 */
unsigned long lrupool_count_one(struct lrupool *pool, int nid,
				struct mem_cgroup *memcg);

/**
 * lrupool_count() - entries in the whole pool
 * @pool: the pool
 *
 * Context: any context.
 * Return: the sum over every memcg and node, racy by nature.
 */
unsigned long lrupool_count(struct lrupool *pool);

/**
 * lrupool_shrink_one() - release entries from the list of (@memcg, @nid)
 * @pool: the pool
 * @memcg: the memcg, kept alive by the caller; NULL for the root
 * @nid: the node
 * @nr_to_scan: how many units to look at (see &lrupool.weight); entries
 *	are taken whole, so one more entry than fits may be looked at
 * @nr_scanned: set to how many units were looked at
 *
 * The entries are isolated under the list's lock and handed to ->release()
 * after the walk.
 *
 * Context: process context; may sleep if ->release() does.
 * Return: the number of units released.
 */
unsigned long lrupool_shrink_one(struct lrupool *pool,
				 struct mem_cgroup *memcg, int nid,
				 unsigned long nr_to_scan,
				 unsigned long *nr_scanned);

/**
 * lrupool_shrink() - release entries of (@memcg, @nid) from several pools
 * @pools: the pools, in the order they should give up entries
 * @nr_pools: how many
 * @memcg: the memcg, kept alive by the caller; NULL for the root
 * @nid: the node
 * @nr_to_scan: how many units to look at in all
 * @nr_scanned: set to how many units were looked at
 *
 * What a shrinker's scan_objects() does: lrupool_shrink_one() on each pool
 * in turn until @nr_to_scan units have been looked at.
 *
 * Context: process context; may sleep if a ->release() does.
 * Return: the number of units released.
 */
unsigned long lrupool_shrink(struct lrupool *const *pools,
			     unsigned int nr_pools, struct mem_cgroup *memcg,
			     int nid, unsigned long nr_to_scan,
			     unsigned long *nr_scanned);

/**
 * lrupool_drain() - release every entry of every memcg and node
 * @pool: the pool
 *
 * Walks each node's lists in batches of %LRUPOOL_DRAIN_BATCH entries,
 * handing each batch to ->release() and rescheduling between batches, and
 * goes round again while the node's count is not 0, so that entries a
 * removed cgroup's lists bring into a list already walked are released
 * too. Entries given concurrently may remain.
 *
 * Context: process context, may sleep.
 * Return: the number of entries released.
 */
unsigned long lrupool_drain(struct lrupool *pool);

/**
 * lrupool_mem_node() - the node with memory nearest to @nid
 * @nid: a node, e.g. numa_node_id() of the calling CPU
 *
 * The node to allocate on for a caller on @nid: @nid itself if it has
 * memory, otherwise the nearest node that has (a CPU-only node's). Not
 * numa_mem_id(), which is numa_node_id() on kernels without
 * CONFIG_HAVE_MEMORYLESS_NODES, x86 among them.
 *
 * Context: any context.
 * Return: the node, or %NUMA_NO_NODE if no node has memory.
 */
int lrupool_mem_node(int nid);

/**
 * lrupool_memcg_aware() - does @pool keep a list per memcg?
 * @pool: an initialised pool
 *
 * Not when memory cgroups are disabled, nor when kmem accounting is off
 * (cgroup.memory=nokmem): then every memcg's lists are the root's, nothing
 * is charged and reclaim in a memcg does not reach the pool. 6.12+ says so
 * in the list_lru; on older kernels it shows as memcgs besides the root
 * none of which has kmem accounting on, so with the root alone it cannot
 * be told yet and the answer is yes: lrupool_memcg_check() then refuses
 * each request for a memcg made since.
 *
 * Context: process context.
 * Return: true if entries are kept and charged per memcg.
 */
bool lrupool_memcg_aware(struct lrupool *pool);

/**
 * lrupool_memcg_check() - may entries be made for @memcg?
 * @memcg: the memcg a request is for (NULL when memcg is disabled)
 *
 * Not for a memcg other than the root while no memcg has kmem accounting
 * on (cgroup.memory=nokmem): its lists would be the root's and nothing
 * would be charged to it. That is what lrupool_memcg_aware() cannot yet
 * tell on kernels before 6.12 when only the root exists; a request for a
 * cgroup that exists since says it. Logs why, once.
 *
 * Context: any context.
 * Return: 0, or -EOPNOTSUPP.
 */
int lrupool_memcg_check(struct mem_cgroup *memcg);

/**
 * lrupool_memcg_get_current() - the current task's own memcg
 *
 * The memcg of the task itself, not of its mm's owner, so that a thread or
 * a CLONE_VM child that moved to another cgroup acts for that cgroup.
 *
 * Context: process context.
 * Return: the memcg with a reference (mem_cgroup_put() it), or NULL when
 * memory cgroups are disabled.
 */
struct mem_cgroup *lrupool_memcg_get_current(void);

/**
 * lrupool_memcg_get_from_id() - the online memcg of a cgroup id
 * @id: the cgroup id, as stat -c %i prints it for a cgroup v2 directory
 *	and the kernel's shrinker debugfs names memcgs
 *
 * A cgroup without a memory controller of its own does not count.
 *
 * Context: process context.
 * Return: the memcg with a reference (mem_cgroup_put() it), or NULL.
 */
struct mem_cgroup *lrupool_memcg_get_from_id(u64 id);

#endif /* _LRUPOOL_POOL_H */
