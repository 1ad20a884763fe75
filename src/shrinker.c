// SPDX-License-Identifier: GPL-2.0
/*
 * The shrinker glue: one memcg- and NUMA-aware shrinker for every pool of
 * the module. Reclaim in a memcg on a node reaches exactly that memcg's
 * list on that node in each pool (the kernel walks the descendants itself),
 * so pressure in one cgroup frees that cgroup's pooled memory only.
 *
 * Set-up order, as the kernels require: create the shrinker, initialise
 * each pool's lists against it and publish the pool here, then start the
 * shrinker. On 6.7+ "start" registers it. On 6.1 the shrinker is registered
 * at creation (that is where 6.1 assigns its memcg id), so the callbacks can
 * run before a pool is published: they only ever see published pools.
 * Teardown: the shrinker is freed, which waits for running callbacks,
 * before any pool's lists are destroyed.
 *
 * Locking: lrupool_shrinker_lock serialises publishing. The callbacks take
 * no lock of this file: pools are added with list_add_tail_rcu() and never
 * removed while the shrinker exists, so the list can be read without a lock
 * and a reader may sleep between pools.
 */

#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/shrinker.h>

#include "compat.h"
#include "internal.h"

static struct shrinker *lrupool_shrinker_ptr;
static LIST_HEAD(lrupool_shrinker_pools);	/* published pools */
static DEFINE_MUTEX(lrupool_shrinker_lock);	/* serialises publishing */

/* Pools leave the list only once the shrinker is gone: see above. */
#define for_each_shrinker_pool(pool)					\
	list_for_each_entry_rcu(pool, &lrupool_shrinker_pools,		\
				shrinker_node, true)

static unsigned long lrupool_shrinker_count(struct shrinker *shrinker,
					    struct shrink_control *sc)
{
	unsigned long count = 0;
	struct lrupool *pool;

	for_each_shrinker_pool(pool)
		count += lrupool_count_one(pool, sc->nid, sc->memcg);
	return count ?: SHRINK_EMPTY;
}

static unsigned long lrupool_shrinker_scan(struct shrinker *shrinker,
					   struct shrink_control *sc)
{
	unsigned long freed = 0, scanned;
	struct lrupool *pool;

	sc->nr_scanned = 0;
	for_each_shrinker_pool(pool) {
		if (sc->nr_scanned >= sc->nr_to_scan)
			break;
		freed += lrupool_shrink_one(pool, sc->memcg, sc->nid,
					    sc->nr_to_scan - sc->nr_scanned,
					    &scanned);
		sc->nr_scanned += scanned;
	}
	return freed ?: SHRINK_STOP;
}

/**
 * lrupool_shrinker_init() - create the module's shrinker
 *
 * Context: process context, may sleep.
 * Return: 0 or -ENOMEM.
 */
int lrupool_shrinker_init(void)
{
	lrupool_shrinker_ptr =
		compat_shrinker_alloc(SHRINKER_MEMCG_AWARE |
				      SHRINKER_NUMA_AWARE, "lrupool",
				      lrupool_shrinker_count,
				      lrupool_shrinker_scan);
	return lrupool_shrinker_ptr ? 0 : -ENOMEM;
}

/**
 * lrupool_shrinker() - the shrinker a pool's lists are initialised against
 *
 * Return: the shrinker created by lrupool_shrinker_init().
 */
struct shrinker *lrupool_shrinker(void)
{
	return lrupool_shrinker_ptr;
}

/**
 * lrupool_shrinker_add_pool() - let the shrinker reclaim from @pool
 * @pool: a pool whose lists were initialised against lrupool_shrinker()
 *
 * Context: process context, may sleep. @pool must stay initialised until
 * lrupool_shrinker_exit() has returned.
 */
void lrupool_shrinker_add_pool(struct lrupool *pool)
{
	mutex_lock(&lrupool_shrinker_lock);
	list_add_tail_rcu(&pool->shrinker_node, &lrupool_shrinker_pools);
	mutex_unlock(&lrupool_shrinker_lock);
}

/**
 * lrupool_shrinker_start() - make the shrinker visible to reclaim
 *
 * Context: process context; call after every pool has been added.
 */
void lrupool_shrinker_start(void)
{
	compat_shrinker_register(lrupool_shrinker_ptr);
}

/**
 * lrupool_shrinker_exit() - free the shrinker
 *
 * Waits for running callbacks; afterwards the pools may be destroyed.
 *
 * Context: process context, may sleep.
 */
void lrupool_shrinker_exit(void)
{
	compat_shrinker_free(lrupool_shrinker_ptr);
	lrupool_shrinker_ptr = NULL;
	INIT_LIST_HEAD(&lrupool_shrinker_pools);
}
