/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lrupool.ko's control plane shares, on top of the library: the module
 * parameters, the named buffers on the module's page-pool instance, the
 * generic-objects pool and the debugfs files. The library's API is
 * include/lrupool/.
 */
#ifndef _LRUPOOL_INTERNAL_H
#define _LRUPOOL_INTERNAL_H

#include <linux/types.h>

#include <lrupool/page_pool.h>
#include <lrupool/pool.h>

#include "page_pool_mgr.h"

struct mem_cgroup;

/* main.c: module parameters, read with READ_ONCE() by the control plane */
extern int lrupool_fallback;			/* enum lrupool_fallback */
extern unsigned long lrupool_max_request_pages;

/* buffers.c: the module's page-pool instance and its named buffers */
#define LRUPOOL_BUFFER_NAME_MAX		32

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

int lrupool_buffers_init(unsigned long limit_pages,
			 enum lrupool_fallback fallback);
void lrupool_buffers_exit(void);
struct lrupool_page_pool *lrupool_buffers_pool(void);
bool lrupool_buffer_name_valid(const char *name);
int lrupool_buffer_alloc(const char *name, struct mem_cgroup *memcg,
			 unsigned long nr_pages, enum lrupool_caching caching,
			 unsigned int max_order, int nid);
int lrupool_buffer_free(const char *name);
void lrupool_buffers_walk(void (*fn)(void *arg,
				     const struct lrupool_buffer_info *info),
			  void *arg);
unsigned long lrupool_buffers_count(void);

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

int lrupool_objects_init(void);
void lrupool_objects_exit(void);
struct lrupool *lrupool_objects_pool(void);
int lrupool_objects_add(struct mem_cgroup *memcg, int nid, unsigned long nr);
unsigned long lrupool_objects_take(struct mem_cgroup *memcg, int nid,
				   unsigned long nr,
				   enum lrupool_fallback fallback);
unsigned long lrupool_objects_scan(struct mem_cgroup *memcg, int nid,
				   unsigned long nr_to_scan);
void lrupool_objects_read_stats(struct lrupool_objects_stats *stats);

/* debugfs.c: the control plane's files */
void lrupool_debugfs_init(void);
void lrupool_debugfs_exit(void);

#endif /* _LRUPOOL_INTERNAL_H */
