// SPDX-License-Identifier: GPL-2.0
/*
 * The shrinker glue: a memcg- and NUMA-aware shrinker over groups of pools
 * (include/lrupool/shrinker.h). Reclaim in a memcg on a node reaches
 * exactly that memcg's list on that node in each pool, group after group,
 * each group's pools in their order.
 *
 * Set-up order, as the kernels require: on 6.7+ the shrinker's memcg id
 * exists once it is allocated, and it is registered at once; pools'
 * lists are initialised against it afterwards, before their group is
 * added. On 6.1 the id is assigned when it is registered, which
 * compat_shrinker_alloc() does. Either way the callbacks see only groups
 * whose lists exist.
 *
 * Locking: &lrupool_shrinker.lock (a rw_semaphore) protects the groups:
 * the callbacks read it; adding and removing a group write it around the
 * list operation alone. The callbacks then take only list_lru's locks, one
 * at a time (see the pool core).
 */

#include <linux/memcontrol.h>
#include <linux/rwsem.h>
#include <linux/sched/mm.h>
#include <linux/shrinker.h>

#include <lrupool/pool.h>
#include <lrupool/shrinker.h>

#include "compat.h"

static unsigned long lrupool_shrinker_count(struct shrinker *shrinker,
					    struct shrink_control *sc)
{
	struct lrupool_shrinker *s = compat_shrinker_private(shrinker);
	struct lrupool_shrinker_group *g;
	unsigned long count = 0;
	struct lrupool *pool;
	unsigned int i;

	down_read(&s->lock);
	list_for_each_entry(g, &s->groups, link) {
		for (i = 0; i < g->nr_pools; i++) {
			pool = g->pools[i];
			count += lrupool_count_one(pool, sc->nid, sc->memcg) *
				 pool->weight;
		}
	}
	up_read(&s->lock);
	return count ?: SHRINK_EMPTY;
}

static unsigned long lrupool_shrinker_scan_cb(struct shrinker *shrinker,
					      struct shrink_control *sc)
{
	struct lrupool_shrinker *s = compat_shrinker_private(shrinker);
	unsigned long freed = 0, scanned = 0, one;
	struct lrupool_shrinker_group *g;

	down_read(&s->lock);
	list_for_each_entry(g, &s->groups, link) {
		if (scanned >= sc->nr_to_scan)
			break;
		freed += lrupool_shrink(g->pools, g->nr_pools, sc->memcg,
					sc->nid, sc->nr_to_scan - scanned,
					&one);
		scanned += one;
	}
	up_read(&s->lock);
	sc->nr_scanned = scanned;
	return freed ?: SHRINK_STOP;
}

int lrupool_shrinker_init(struct lrupool_shrinker *s, const char *name)
{
	init_rwsem(&s->lock);
	INIT_LIST_HEAD(&s->groups);
	s->shrinker = compat_shrinker_alloc(SHRINKER_MEMCG_AWARE |
					    SHRINKER_NUMA_AWARE, name,
					    lrupool_shrinker_count,
					    lrupool_shrinker_scan_cb, s);
	if (!s->shrinker)
		return -ENOMEM;
	compat_shrinker_register(s->shrinker);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lrupool_shrinker_init, LRUPOOL_NS);

void lrupool_shrinker_fini(struct lrupool_shrinker *s)
{
	WARN_ON_ONCE(!list_empty(&s->groups));
	compat_shrinker_free(s->shrinker);
	s->shrinker = NULL;
}
EXPORT_SYMBOL_NS_GPL(lrupool_shrinker_fini, LRUPOOL_NS);

struct shrinker *lrupool_shrinker_get(struct lrupool_shrinker *s)
{
	return s->shrinker;
}
EXPORT_SYMBOL_NS_GPL(lrupool_shrinker_get, LRUPOOL_NS);

void lrupool_shrinker_add(struct lrupool_shrinker *s,
			  struct lrupool_shrinker_group *group)
{
	down_write(&s->lock);
	list_add_tail(&group->link, &s->groups);
	up_write(&s->lock);
}
EXPORT_SYMBOL_NS_GPL(lrupool_shrinker_add, LRUPOOL_NS);

void lrupool_shrinker_del(struct lrupool_shrinker *s,
			  struct lrupool_shrinker_group *group)
{
	down_write(&s->lock);
	list_del(&group->link);
	up_write(&s->lock);
}
EXPORT_SYMBOL_NS_GPL(lrupool_shrinker_del, LRUPOOL_NS);

unsigned long lrupool_shrinker_scan(struct lrupool_shrinker *s,
				    struct mem_cgroup *memcg, int nid,
				    unsigned long nr_to_scan)
{
	struct shrink_control sc = {
		.gfp_mask = GFP_KERNEL,
		.nid = nid,
		.memcg = memcg,
		.nr_to_scan = nr_to_scan,
	};
	unsigned int noreclaim;
	unsigned long freed;

	fs_reclaim_acquire(GFP_KERNEL);
	noreclaim = memalloc_noreclaim_save();
	freed = s->shrinker->scan_objects(s->shrinker, &sc);
	memalloc_noreclaim_restore(noreclaim);
	fs_reclaim_release(GFP_KERNEL);
	return freed == SHRINK_STOP ? 0 : freed;
}
EXPORT_SYMBOL_NS_GPL(lrupool_shrinker_scan, LRUPOOL_NS);
