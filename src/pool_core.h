/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the pool core shares with the page pool in the same module: its
 * give, inline for the page pool's free (include/lrupool/pool.h has the
 * exported API).
 */
#ifndef _LRUPOOL_POOL_CORE_H
#define _LRUPOOL_POOL_CORE_H

#include <linux/bug.h>
#include <linux/list.h>
#include <linux/preempt.h>

#include <lrupool/pool.h>

#include "compat.h"

/* lrupool_give_memcg() itself. */
static __always_inline void __lrupool_give_memcg(struct lrupool *pool,
						 struct list_head *node,
						 int nid,
						 struct mem_cgroup *memcg)
{
	/* list_lru's lock is a plain spinlock: no interrupt context. */
	WARN_ON_ONCE(!in_task());
	INIT_LIST_HEAD(node);
	compat_list_lru_add(&pool->lru, node, nid, memcg);
}

#endif /* _LRUPOOL_POOL_CORE_H */
