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

/* shrinker.c: one shrinker serving every pool of the module */
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

/* debugfs.c: the control plane */
void lrupool_debugfs_init(void);
void lrupool_debugfs_exit(void);

#endif /* _LRUPOOL_INTERNAL_H */
