// SPDX-License-Identifier: GPL-2.0
/*
 * Generic objects: fixed-size slab objects charged to the memcg that made
 * them, standing for any cached kernel object (think dentries). Each object
 * is its own pool entry. "add" makes objects and gives them to the pool;
 * "take" takes them back with the child-to-root lookup and frees them, as a
 * cache would on a hit; their own shrinker, "lrupool-objects", frees them
 * under pressure.
 *
 * Locking: none of its own; see the pool core and the shrinker glue.
 */

#include <linux/build_bug.h>
#include <linux/memcontrol.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include <lrupool/shrinker.h>

#include "internal.h"

/*
 * Charged to the caller's memcg; fail instead of invoking the OOM killer or
 * warning when the memcg (or the system) cannot provide the memory.
 */
#define LRUPOOL_OBJECT_GFP \
	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/**
 * struct lrupool_object - one generic object
 * @node: link in the pool, or in a private list while in flight
 * @payload: stands for the object's contents
 */
struct lrupool_object {
	struct list_head node;
	u8 payload[LRUPOOL_OBJECT_SIZE - sizeof(struct list_head)];
};

static struct kmem_cache *lrupool_object_cache;
static struct lrupool_shrinker lrupool_objects_shrinker;
static struct lrupool lrupool_objects;
static struct lrupool *const lrupool_objects_pools[] = { &lrupool_objects };
static struct lrupool_shrinker_group lrupool_objects_group = {
	.pools = lrupool_objects_pools,
	.nr_pools = ARRAY_SIZE(lrupool_objects_pools),
};

static atomic_long_t lrupool_objects_added;
static atomic_long_t lrupool_objects_taken_local;
static atomic_long_t lrupool_objects_taken_ancestor;

/* Free every object on @list. */
static void lrupool_objects_free_list(struct list_head *list)
{
	struct lrupool_object *obj, *next;

	list_for_each_entry_safe(obj, next, list, node)
		lrupool_entry_free(&lrupool_objects, obj);
	INIT_LIST_HEAD(list);
}

static void lrupool_object_release(struct lrupool *pool,
				   struct list_head *entries)
{
	lrupool_objects_free_list(entries);
}

static const struct lrupool_ops lrupool_object_ops = {
	.release = lrupool_object_release,
};

/**
 * lrupool_objects_add() - make objects and give them to the pool
 * @memcg: the memcg to charge and whose list receives them
 * @nid: the node the objects are allocated on, and whose list they join
 * @nr: how many
 *
 * All or nothing: if one allocation fails, the objects made so far are
 * freed and nothing joins the pool.
 *
 * Context: process context, may sleep.
 * Return: 0, -ENOMEM when @memcg or @nid cannot provide the memory, or
 * -EINTR on a fatal signal.
 */
int lrupool_objects_add(struct mem_cgroup *memcg, int nid, unsigned long nr)
{
	struct lrupool_object *obj, *next;
	LIST_HEAD(batch);
	unsigned long i;
	int err = 0;

	for (i = 0; i < nr; i++) {
		obj = lrupool_entry_alloc(&lrupool_objects, memcg, nid,
					  LRUPOOL_OBJECT_GFP);
		if (!obj) {
			err = -ENOMEM;
			break;
		}
		list_add_tail(&obj->node, &batch);
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		cond_resched();
	}
	if (err) {
		lrupool_objects_free_list(&batch);
		return err;
	}

	list_for_each_entry_safe(obj, next, &batch, node)
		lrupool_give(&lrupool_objects, &obj->node);
	atomic_long_add(nr, &lrupool_objects_added);
	return 0;
}

/**
 * lrupool_objects_take() - take objects for @memcg on @nid and free them
 * @memcg: the taker's memcg
 * @nid: the node whose lists are searched
 * @nr: how many at most
 * @fallback: %LRUPOOL_FALLBACK_ANCESTORS to look in each ancestor's list
 *	up to the root's after @memcg's own
 *
 * Context: process context, may sleep.
 * Return: the number of objects taken, possibly 0.
 */
unsigned long lrupool_objects_take(struct mem_cgroup *memcg, int nid,
				   unsigned long nr,
				   enum lrupool_fallback fallback)
{
	unsigned long taken, from_ancestors;
	LIST_HEAD(out);

	taken = lrupool_take(&lrupool_objects, memcg, nid, nr, fallback, &out,
			     &from_ancestors);
	lrupool_objects_free_list(&out);
	atomic_long_add(taken - from_ancestors, &lrupool_objects_taken_local);
	atomic_long_add(from_ancestors, &lrupool_objects_taken_ancestor);
	return taken;
}

/**
 * lrupool_objects_read_stats() - snapshot the objects pool's counters
 * @stats: filled in
 */
void lrupool_objects_read_stats(struct lrupool_objects_stats *stats)
{
	stats->entries = lrupool_count(&lrupool_objects);
	stats->added = atomic_long_read(&lrupool_objects_added);
	stats->taken_local = atomic_long_read(&lrupool_objects_taken_local);
	stats->taken_ancestor =
		atomic_long_read(&lrupool_objects_taken_ancestor);
	stats->shrink_freed = atomic_long_read(&lrupool_objects.shrink_freed);
}

/**
 * lrupool_objects_scan() - run the objects' shrinker once
 * @memcg: the memcg whose list is scanned, referenced by the caller
 * @nid: the node
 * @nr_to_scan: how many objects to scan
 *
 * Context: process context, may sleep.
 * Return: the number of objects freed.
 */
unsigned long lrupool_objects_scan(struct mem_cgroup *memcg, int nid,
				   unsigned long nr_to_scan)
{
	return lrupool_shrinker_scan(&lrupool_objects_shrinker, memcg, nid,
				     nr_to_scan);
}

/**
 * lrupool_objects_pool() - the objects pool, for counting
 *
 * Return: the pool.
 */
struct lrupool *lrupool_objects_pool(void)
{
	return &lrupool_objects;
}

/**
 * lrupool_objects_init() - create the object cache, its shrinker and the
 *	objects pool
 *
 * Context: module init.
 * Return: 0 or -ENOMEM.
 */
int lrupool_objects_init(void)
{
	int err;

	BUILD_BUG_ON(sizeof(struct lrupool_object) != LRUPOOL_OBJECT_SIZE);
	lrupool_object_cache = kmem_cache_create("lrupool_object",
						 sizeof(struct lrupool_object),
						 0, SLAB_ACCOUNT, NULL);
	if (!lrupool_object_cache)
		return -ENOMEM;
	err = lrupool_shrinker_init(&lrupool_objects_shrinker,
				    "lrupool-objects");
	if (err)
		goto err_destroy_cache;
	err = lrupool_init(&lrupool_objects, "objects", lrupool_object_cache,
			   &lrupool_object_ops, 1,
			   lrupool_shrinker_get(&lrupool_objects_shrinker));
	if (err)
		goto err_free_shrinker;
	lrupool_shrinker_add(&lrupool_objects_shrinker, &lrupool_objects_group);
	return 0;

err_free_shrinker:
	lrupool_shrinker_fini(&lrupool_objects_shrinker);
err_destroy_cache:
	kmem_cache_destroy(lrupool_object_cache);
	return err;
}

/**
 * lrupool_objects_exit() - free every pooled object, the shrinker and the
 *	cache
 *
 * Context: module exit.
 */
void lrupool_objects_exit(void)
{
	lrupool_shrinker_del(&lrupool_objects_shrinker, &lrupool_objects_group);
	lrupool_destroy(&lrupool_objects);
	lrupool_shrinker_fini(&lrupool_objects_shrinker);
	kmem_cache_destroy(lrupool_object_cache);
}
