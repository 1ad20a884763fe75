/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What lrupool.ko's init and exit call in the page pool: the state every
 * instance shares (the descriptor cache, the "lrupool-pages" shrinker).
 * Not exported: drivers use the instances (include/lrupool/page_pool.h).
 */
#ifndef _LRUPOOL_PAGE_POOL_MGR_H
#define _LRUPOOL_PAGE_POOL_MGR_H

int lrupool_page_pool_mgr_init(void);
void lrupool_page_pool_mgr_fini(void);

#endif /* _LRUPOOL_PAGE_POOL_MGR_H */
