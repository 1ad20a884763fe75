// SPDX-License-Identifier: GPL-2.0
/*
 * The shrinker glue: one memcg- and NUMA-aware shrinker for every pool of
 * the module. Reclaim in a memcg on a node reaches exactly that memcg's
 * list on that node in each pool (the kernel walks the descendants itself),
 * so pressure in one cgroup frees that cgroup's pooled memory only.
 *
 * Units: a pool counts and scans in units of its &lrupool.weight, so the
 * generic objects count one each and the page pools count pages.
 *
 * Order: the pools give up entries in the order they were added: the
 * objects pool, then the page pools in the order pages.c chose for them
 * (see lrupool_pages_init()).
 *
 * Set-up order, as the kernels require: create the shrinker, initialise
 * each pool's lists against it and add the pool here, then start the
 * shrinker. On 6.7+ "start" registers it. On 6.1 the shrinker is registered
 * at creation (that is where 6.1 assigns its memcg id), so the callbacks can
 * run before a pool is added: they only ever see the pools added so far.
 * Teardown: the shrinker is freed, which waits for running callbacks,
 * before any pool's lists are destroyed.
 *
 * Locking: lrupool_shrinker_lock serialises adding. The callbacks take no
 * lock of this file: a slot of the table is written before the count that
 * publishes it (release/acquire), and slots never change afterwards.
 */

#include <linux/mutex.h>
#include <linux/shrinker.h>

#include "compat.h"
#include "internal.h"

static struct shrinker *lrupool_shrinker_ptr;
static DEFINE_MUTEX(lrupool_shrinker_lock);	/* serialises adding */
/* The pools, in shrink order; slots below the count are immutable. */
static struct lrupool *lrupool_shrinker_pools[LRUPOOL_SHRINKER_MAX_POOLS];
static unsigned int lrupool_shrinker_nr_pools;

static unsigned int lrupool_shrinker_published(void)
{
	/* Pairs with the release in lrupool_shrinker_add_pool(). */
	return smp_load_acquire(&lrupool_shrinker_nr_pools);
}

static unsigned long lrupool_shrinker_count(struct shrinker *shrinker,
					    struct shrink_control *sc)
{
	unsigned int i, nr_pools = lrupool_shrinker_published();
	unsigned long count = 0;
	struct lrupool *pool;

	for (i = 0; i < nr_pools; i++) {
		pool = lrupool_shrinker_pools[i];
		count += lrupool_count_one(pool, sc->nid, sc->memcg) *
			 pool->weight;
	}
	return count ?: SHRINK_EMPTY;
}

static unsigned long lrupool_shrinker_scan(struct shrinker *shrinker,
					   struct shrink_control *sc)
{
	unsigned long freed;

	freed = lrupool_shrink(lrupool_shrinker_pools,
			       lrupool_shrinker_published(), sc->memcg,
			       sc->nid, sc->nr_to_scan, &sc->nr_scanned);
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
 * The pool gives up entries after every pool added before it. The table
 * holds %LRUPOOL_SHRINKER_MAX_POOLS pools, which the callers check at
 * build time.
 *
 * Context: process context, may sleep. @pool must stay initialised until
 * lrupool_shrinker_exit() has returned.
 */
void lrupool_shrinker_add_pool(struct lrupool *pool)
{
	unsigned int n;

	mutex_lock(&lrupool_shrinker_lock);
	n = lrupool_shrinker_nr_pools;
	if (!WARN_ON_ONCE(n >= ARRAY_SIZE(lrupool_shrinker_pools))) {
		lrupool_shrinker_pools[n] = pool;
		/* The slot is written before the count that publishes it. */
		smp_store_release(&lrupool_shrinker_nr_pools, n + 1);
	}
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
	lrupool_shrinker_nr_pools = 0;
}
