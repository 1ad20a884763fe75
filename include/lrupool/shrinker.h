/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lrupool's shrinker glue: one memcg- and NUMA-aware shrinker over a set of
 * pools that may grow and shrink while it is registered.
 *
 * Pools join a shrinker in groups (a page-pool instance is one group of
 * pools, in the order they give up entries). Reclaim in a memcg on a node
 * reaches exactly that memcg's list on that node in each pool (the kernel
 * walks the descendants itself), so pressure in one cgroup frees that
 * cgroup's pooled memory only. A pool counts and scans in units of its
 * &lrupool.weight.
 *
 * Set-up: lrupool_shrinker_init() creates and registers the shrinker; a
 * pool's lists are initialised against lrupool_shrinker_get() before its
 * group is added. Teardown: remove every group (which waits for callbacks
 * in progress), then lrupool_shrinker_fini().
 *
 * Locking: &lrupool_shrinker.lock, a rw_semaphore, protects the groups.
 * The callbacks take it for reading; adding and removing a group take it
 * for writing around the list operation alone, never around an
 * allocation, so reclaim entered under it cannot come back to it.
 */
#ifndef _LRUPOOL_SHRINKER_H
#define _LRUPOOL_SHRINKER_H

#include <linux/list.h>
#include <linux/rwsem.h>
#include <linux/types.h>

struct lrupool;
struct mem_cgroup;
struct shrinker;

/**
 * struct lrupool_shrinker - a shrinker over groups of pools
 * @shrinker: the kernel's shrinker
 * @lock: protects @groups (see the top of this file)
 * @groups: &struct lrupool_shrinker_group, oldest first
 */
struct lrupool_shrinker {
	struct shrinker *shrinker;
	struct rw_semaphore lock;
	struct list_head groups;
};

/**
 * struct lrupool_shrinker_group - pools that join a shrinker together
 * @link: in &lrupool_shrinker.groups, under its lock
 * @pools: the pools, in the order they give up entries
 * @nr_pools: how many
 */
struct lrupool_shrinker_group {
	struct list_head link;
	struct lrupool *const *pools;
	unsigned int nr_pools;
};

/**
 * lrupool_shrinker_init() - create and register a shrinker
 * @s: the shrinker glue, embedded by the caller
 * @name: the shrinker's name, as the kernel's shrinker debugfs shows it
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int lrupool_shrinker_init(struct lrupool_shrinker *s, const char *name);

/**
 * lrupool_shrinker_fini() - unregister and free a shrinker
 * @s: a shrinker with no group left
 *
 * Waits for callbacks in progress.
 *
 * Context: process context, may sleep.
 */
void lrupool_shrinker_fini(struct lrupool_shrinker *s);

/**
 * lrupool_shrinker_get() - what a pool's lists are initialised against
 * @s: the shrinker glue
 *
 * Return: the kernel's shrinker, to pass to lrupool_init().
 */
struct shrinker *lrupool_shrinker_get(struct lrupool_shrinker *s);

/**
 * lrupool_shrinker_add() - let reclaim reach a group of pools
 * @s: the shrinker the pools' lists were initialised against
 * @group: the group, with @pools and @nr_pools set; its pools stay
 *	initialised until lrupool_shrinker_del() has returned
 *
 * The group gives up entries after every group added before it.
 *
 * Context: process context, may sleep.
 */
void lrupool_shrinker_add(struct lrupool_shrinker *s,
			  struct lrupool_shrinker_group *group);

/**
 * lrupool_shrinker_del() - take a group of pools away from reclaim
 * @s: the shrinker
 * @group: a group added to @s
 *
 * Waits for callbacks in progress; afterwards the pools may be destroyed.
 *
 * Context: process context, may sleep.
 */
void lrupool_shrinker_del(struct lrupool_shrinker *s,
			  struct lrupool_shrinker_group *group);

/**
 * lrupool_shrinker_scan() - run the shrinker's scan once, as reclaim does
 * @s: the shrinker
 * @memcg: the memcg whose lists are scanned, kept alive by the caller;
 *	NULL for the root
 * @nid: the node
 * @nr_to_scan: how many units to scan
 *
 * Calls the shrinker's own ->scan_objects() with a shrink_control for
 * (@memcg, @nid), under the reclaim lockdep map and with PF_MEMALLOC, as
 * the kernel's shrinker debugfs scan file does.
 *
 * Context: process context, may sleep.
 * Return: the number of units freed.
 */
unsigned long lrupool_shrinker_scan(struct lrupool_shrinker *s,
				    struct mem_cgroup *memcg, int nid,
				    unsigned long nr_to_scan);

#endif /* _LRUPOOL_SHRINKER_H */
