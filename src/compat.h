/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference lrupool meets, in one place.
 *
 * Each block is named after the feature it covers and, where the kernel
 * lacks the newest shape of an API, supplies that shape, so that the rest of
 * the module reads like code for the newest kernel. The HAVE_<feature>
 * macros come from probes of the kernel's headers in Kbuild, so a backport
 * is recognised as such; no file tests a kernel version.
 *
 * Supported: 6.1 LTS, 6.12 LTS, 7.2 (and, for the caching block at the
 * end, architectures without x86's page attributes).
 */
#ifndef _LRUPOOL_COMPAT_H
#define _LRUPOOL_COMPAT_H

#include <linux/export.h>
#include <linux/highmem.h>
#include <linux/list_lru.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/vmstat.h>

/*
 * HAVE_EXPORT_NS_STRING (6.13): a symbol namespace is a string literal, no
 * longer an identifier that EXPORT_SYMBOL_NS_GPL() stringifies. lrupool
 * exports its API with EXPORT_SYMBOL_NS_GPL(sym, LRUPOOL_NS), namespace
 * "LRUPOOL" either way; importers declare LRUPOOL_MODULE_IMPORT_NS()
 * (lrupool/pool.h), which stores the same modinfo string on every kernel.
 */
#ifdef HAVE_EXPORT_NS_STRING
#define LRUPOOL_NS	"LRUPOOL"
#else
#define LRUPOOL_NS	LRUPOOL
#endif

/*
 * HAVE_MEMCG_KMEM_ONLINE (6.5): memcg_kmem_enabled() became
 * memcg_kmem_online(). Either says whether a memcg other than the root has
 * had kmem accounting switched on: with cgroup.memory=nokmem none ever
 * does.
 */
#ifndef HAVE_MEMCG_KMEM_ONLINE
#define memcg_kmem_online()	memcg_kmem_enabled()
#endif

/*
 * HAVE_NR_GPU_ACTIVE (7.1): the node counters GPU drivers keep their pages
 * in, nr_gpu_active (in use) and nr_gpu_reclaim (pooled, reclaimable), as
 * TTM does. The node variant: the lruvec one warns for a memcg-charged
 * page until memcg tracks these items. Elsewhere there is nothing to count.
 *
 * A call applies its changes once, with compat_gpu_mod(): every chunk a
 * call handles is on one node (an allocation's are on its node, a list's
 * on the list's), so each counter changes at most once per call.
 */
#ifdef HAVE_NR_GPU_ACTIVE
static inline void compat_gpu_mod(int nid, long active, long reclaim)
{
	struct pglist_data *pgdat = NODE_DATA(nid);

	if (active)
		mod_node_page_state(pgdat, NR_GPU_ACTIVE, active);
	if (reclaim)
		mod_node_page_state(pgdat, NR_GPU_RECLAIM, reclaim);
}
#else
static inline void compat_gpu_mod(int nid, long active, long reclaim)
{
}
#endif

/*
 * HAVE_CLEAR_PAGES (in 7.2 and 7.3, not in 6.12; probed by the batch
 * limit that came with it): clear_pages() clears a range of contiguous pages
 * in one call, which x86 makes one string operation. Before, a chunk is
 * cleared a page at a time; so is highmem, which has no linear address.
 */
#if defined(HAVE_CLEAR_PAGES) && !defined(CONFIG_HIGHMEM)
static inline void compat_clear_pages(struct page *page, unsigned int nr)
{
	clear_pages(page_address(page), nr);
}
#else
static inline void compat_clear_pages(struct page *page, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		clear_highpage(page + i);
}
#endif

/*
 * HAVE_SHRINKER_ALLOC (6.7): shrinker_alloc()/shrinker_register()/
 * shrinker_free() replaced register_shrinker(). On 6.7+ the memcg shrinker
 * id exists after shrinker_alloc(), so lists are initialised between alloc
 * and register. 6.1 assigns the id inside register_shrinker(), so there
 * compat_shrinker_alloc() registers at once and the callbacks must cope
 * with lists that do not exist yet (lrupool's shrinker sees a pool only
 * once the pool is published to it).
 */
typedef unsigned long (*lrupool_shrink_fn)(struct shrinker *,
					   struct shrink_control *);

#ifdef HAVE_SHRINKER_ALLOC
static inline struct shrinker *
compat_shrinker_alloc(unsigned int flags, const char *name,
		      lrupool_shrink_fn count, lrupool_shrink_fn scan,
		      void *private_data)
{
	struct shrinker *s = shrinker_alloc(flags, "%s", name);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->private_data = private_data;
	return s;
}

static inline void *compat_shrinker_private(struct shrinker *s)
{
	return s->private_data;
}

static inline void compat_shrinker_register(struct shrinker *s)
{
	shrinker_register(s);
}

static inline void compat_shrinker_free(struct shrinker *s)
{
	shrinker_free(s);
}
#else
/* Before 6.7 a shrinker has no private_data: keep it beside. */
struct compat_shrinker {
	struct shrinker shrinker;
	void *private_data;
};

static inline struct shrinker *
compat_shrinker_alloc(unsigned int flags, const char *name,
		      lrupool_shrink_fn count, lrupool_shrink_fn scan,
		      void *private_data)
{
	struct compat_shrinker *cs = kzalloc(sizeof(*cs), GFP_KERNEL);
	struct shrinker *s;

	if (!cs)
		return NULL;
	cs->private_data = private_data;
	s = &cs->shrinker;
	s->flags = flags;
	s->seeks = DEFAULT_SEEKS;
	s->count_objects = count;
	s->scan_objects = scan;
	if (register_shrinker(s, "%s", name)) {
		kfree(cs);
		return NULL;
	}
	return s;
}

static inline void *compat_shrinker_private(struct shrinker *s)
{
	return container_of(s, struct compat_shrinker, shrinker)->private_data;
}

static inline void compat_shrinker_register(struct shrinker *s)
{
}

static inline void compat_shrinker_free(struct shrinker *s)
{
	unregister_shrinker(s);
	kfree(container_of(s, struct compat_shrinker, shrinker));
}
#endif

/*
 * HAVE_LIST_LRU_ADD_OBJ (6.8): list_lru_add() took explicit nid and memcg;
 * the address-derived form became list_lru_add_obj(). 6.13-7.0 export only
 * the _obj form, so lrupool uses it everywhere.
 */
#ifndef HAVE_LIST_LRU_ADD_OBJ
static inline bool list_lru_add_obj(struct list_lru *lru,
				    struct list_head *item)
{
	return list_lru_add(lru, item);
}
#endif

/*
 * HAVE_LIST_LRU_ADD_MEMCG: list_lru_add() takes the node and the memcg of
 * the list and is exported (6.8-6.12, 7.1+; 6.13-7.0 declare it without
 * exporting it). A caller that knows the memcg an object is charged to
 * saves list_lru_add_obj()'s lookup of it. Elsewhere the address-derived
 * form, which finds the same list.
 */
#ifdef HAVE_LIST_LRU_ADD_MEMCG
static inline bool compat_list_lru_add(struct list_lru *lru,
				       struct list_head *item, int nid,
				       struct mem_cgroup *memcg)
{
	return list_lru_add(lru, item, nid, memcg);
}
#else
static inline bool compat_list_lru_add(struct list_lru *lru,
				       struct list_head *item, int nid,
				       struct mem_cgroup *memcg)
{
	return list_lru_add_obj(lru, item);
}
#endif

/*
 * HAVE_LIST_LRU_WALK_CB_LOCK (before 6.13): walk callbacks received the
 * list's spinlock. Declare callbacks as
 * "static enum lru_status fn(LRUPOOL_WALK_CB_ARGS)" and use item, list and
 * arg; the lock is never dropped.
 */
#ifdef HAVE_LIST_LRU_WALK_CB_LOCK
#define LRUPOOL_WALK_CB_ARGS						\
	struct list_head *item, struct list_lru_one *list,		\
	spinlock_t *lock __always_unused, void *arg
#else
#define LRUPOOL_WALK_CB_ARGS						\
	struct list_head *item, struct list_lru_one *list, void *arg
#endif

/*
 * Page caching attributes are an x86 (PAT) matter; elsewhere, as in TTM,
 * the pages keep their caching and the pool only saves allocations.
 */
#ifdef CONFIG_X86
#include <asm/set_memory.h>
#else
static inline int set_pages_array_wc(struct page **pages, int numpages)
{
	return 0;
}

static inline int set_pages_array_uc(struct page **pages, int numpages)
{
	return 0;
}

static inline int set_pages_array_wb(struct page **pages, int numpages)
{
	return 0;
}

static inline int set_pages_wb(struct page *page, int numpages)
{
	return 0;
}
#endif

#endif /* _LRUPOOL_COMPAT_H */
