// SPDX-License-Identifier: GPL-2.0
/*
 * lrupool's benchmark: a module of its own that uses lrupool.ko's exports
 * as a driver does. It embeds its own page-pool instance and its own
 * objects pool on the pool core, and times their paths in the kernel, so
 * that what is measured is the path and not a system call. Its trigger is
 * /sys/kernel/debug/lrupool/bench, in lrupool's debugfs directory; while
 * it is loaded lrupool.ko cannot be unloaded.
 *
 * A run is one line written to the file, "<case> [<key>=<value> ...]". It
 * runs in the writing task, for the writer's memcg, on the node of the CPU
 * the writer is on when it writes (the nearest node with memory, if that
 * one has none; pin the writer, e.g. with taskset), and the write returns
 * when the run is over. Reading the file gives the
 * figures of the last run that succeeded, one line each:
 *
 *	<figure> <key>=<value> ... rounds=R pages=P median=M min=m max=x
 *
 * M, m and x are nanoseconds per page, with three decimals, over R timed
 * rounds of P pages each (a round's own page count where a round frees what
 * it finds, as the shrinker's does). Every case first runs one round that
 * is not timed: it warms the caches and puts the pool in its steady state.
 *
 * Timing: ktime_get_ns() around each timed part, in process context, never
 * inside a lock; the paths timed may sleep, and the run yields between
 * rounds and every %LRUPOOL_BENCH_YIELD_EVERY iterations.
 *
 * The pools: the bench's page-pool instance ("the instance"), whose limit
 * and lookup are the module parameters pool_limit_pages and fallback, and
 * beside it a second instance that pools nothing (limit 0), which is what
 * a driver without a pool amounts to; the objects pool, 256-byte objects
 * from a SLAB_ACCOUNT cache, which no shrinker reaches. The page
 * instances join the page pools' shrinker, as every instance does.
 *
 * Cases, with their keys and defaults (caching=wc order=0 pages=512
 * batch=1 iters=512, 1 for buffer, rounds=9):
 *
 *	baseline caching= order= pages= rounds=
 *		a driver without a pool: lrupool_page_pool_alloc() of as
 *		many pages as pages= says (order is the largest chunk) from
 *		the instance that pools nothing, so that every page is fresh
 *		(zeroed, charged, switched to the caching in batches), then
 *		lrupool_page_pool_free(), which gives every page back to the
 *		system (caching restored); both timed together
 *	free order= pages= rounds=
 *		a plain __free_pages() of chunks a driver without a pool
 *		allocated charged to the memcg (alloc_pages_node() with
 *		GFP_KERNEL_ACCOUNT); only the free is timed: what the
 *		shrinker's cost per page is held against
 *	hit caching= order= batch= iters= rounds=
 *		iters lrupool_take() calls of batch chunks each from the
 *		instance's pool core of that caching and order
 *		(lrupool_page_pool_core(): the memcg's own list, then, with
 *		fallback=ancestors, each ancestor's), then one lrupool_give()
 *		per chunk: figures "hit" (both), "hit_take" and "hit_give",
 *		with local= and ancestor=, the chunks taken from each.
 *		ENODATA when the pool holds fewer than iters * batch chunks
 *		for the writer.
 *	objhit batch= iters= rounds=
 *		the same on the objects pool ("objhit", "objhit_take",
 *		"objhit_give")
 *	levels caching= order= iters= rounds=
 *		the checks of iters child-to-root lookups in that pool core
 *		and nothing else: lrupool_count_one() of the memcg's own list,
 *		then (with fallback=ancestors) of each ancestor's, up to the
 *		first level with entries or the root; nothing is taken. Figure
 *		"levels" in ns per lookup, with levels=, the checks per lookup,
 *		and found=, the lookups that reached a level with entries.
 *	buffer caching= order= pages= iters= rounds=
 *		iters pairs of lrupool_page_pool_alloc() (order is the largest
 *		chunk) and lrupool_page_pool_free() of one &struct
 *		lrupool_pages on the instance, timed apart: "buffer_alloc"
 *		with the hit= and miss= pages and "buffer_free" with the
 *		given= and released= pages of the timed rounds (with
 *		pool_limit_pages 0 they miss and release)
 *	shrink caching= order= pages= rounds=
 *		per round, pages pooled for the memcg (an allocation made and
 *		freed, not timed), then lrupool_page_pool_scan(), the page
 *		pools' shrinker's own scan, of the memcg's lists on the node,
 *		%LRUPOOL_BENCH_SCAN_BATCH pages per call, until it has freed as
 *		many pages. The scan goes over every page-pool instance in its
 *		own order: run it in a memcg that pools nothing else. Adds
 *		freed=. ENODATA when nothing was pooled.
 *
 * Set-up cases, not timed, each printing one line:
 *
 *	pool caching= order= pages=
 *		pools as many pages as pages= says for the writer in the
 *		instance (an allocation made and freed); prints "pool
 *		caching=C order=O pages=P given=G released=R", the pages the
 *		free gave to the pool and to the system
 *	objadd objects=
 *		gives objects (at least 1) new objects charged to the writer
 *		to the objects pool; prints "objadd objects=N"
 *	fill cgroup= caching= order= pages= objects=
 *		every online child of cgroup-id cgroup whose pool of that
 *		caching and order is empty on the node gets pages pooled
 *		pages (an allocation made and freed for it) and objects pooled
 *		objects (default 0); prints "fill cgroup=<id> filled=<n>
 *		skipped=<n>". ENOENT for an unknown or offline cgroup-id;
 *		EBUSY when a child's pool stays empty (an ancestor's pages
 *		served it, or the instance is at pool_limit_pages).
 *	drop
 *		empties the writer's lists on the node: the page pools'
 *		shrinker scans them until the instance holds nothing for the
 *		writer there (what other instances hold for it goes first),
 *		and the objects pool releases every object; prints "drop
 *		pages=<freed> objects=<freed>"
 *	stats cgroup= caching= order=
 *		prints "stats cgroup=<id> caching=C order=O pages=<n>
 *		objects=<n> pooled=<n> in_use=<n> miss=<n>
 *		objects_pooled=<n>": the pages in the pool core of that
 *		caching and order and the objects that cgroup (default: the
 *		writer's) holds on the node, then the instance's pooled and
 *		in-use pages, the pages it ever allocated fresh, and the
 *		objects in the objects pool. ENOENT for an unknown or offline
 *		cgroup-id.
 *
 * Errors: EINVAL a malformed line, an unknown case or key, a key the case
 * does not take, a bad value, pages not a multiple of the chunk; E2BIG more
 * than max_request_pages pages or objects in one request; ENODATA, ENOENT,
 * EBUSY see above; ENOMEM; EINTR on a fatal signal.
 *
 * Locking: lrupool_bench_last.lock serialises runs and guards the last
 * result; it is held across a run, never inside the pools' locks.
 * lrupool_bench_params_lock orders a parameter's change against the
 * instance's set-up and teardown.
 */

#include <linux/cgroup.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/stdarg.h>
#include <linux/string.h>
#include <linux/topology.h>

#include <lrupool/page_pool.h>

#include "bench.h"

LRUPOOL_MODULE_IMPORT_NS();

#define LRUPOOL_BENCH_MAX_ROUNDS	63
#define LRUPOOL_BENCH_MAX_ITERS		10000000UL
/* Chunks one take asks for at most. */
#define LRUPOOL_BENCH_MAX_BATCH		512
/* Pages per scan call: the kernel's SHRINK_BATCH, reclaim's default. */
#define LRUPOOL_BENCH_SCAN_BATCH	128
#define LRUPOOL_BENCH_YIELD_EVERY	256
/* Figures one case reports. */
#define LRUPOOL_BENCH_FIGURES		3
/* Bytes of one object of the objects pool, its list link included. */
#define LRUPOOL_BENCH_OBJECT_SIZE	256

enum lrupool_bench_case {
	LRUPOOL_BENCH_BASELINE,
	LRUPOOL_BENCH_FREE,
	LRUPOOL_BENCH_HIT,
	LRUPOOL_BENCH_OBJHIT,
	LRUPOOL_BENCH_LEVELS,
	LRUPOOL_BENCH_BUFFER,
	LRUPOOL_BENCH_SHRINK,
	LRUPOOL_BENCH_POOL,
	LRUPOOL_BENCH_OBJADD,
	LRUPOOL_BENCH_FILL,
	LRUPOOL_BENCH_DROP,
	LRUPOOL_BENCH_STATS,
};

static const char * const lrupool_bench_cases[] = {
	[LRUPOOL_BENCH_BASELINE] = "baseline",
	[LRUPOOL_BENCH_FREE] = "free",
	[LRUPOOL_BENCH_HIT] = "hit",
	[LRUPOOL_BENCH_OBJHIT] = "objhit",
	[LRUPOOL_BENCH_LEVELS] = "levels",
	[LRUPOOL_BENCH_BUFFER] = "buffer",
	[LRUPOOL_BENCH_SHRINK] = "shrink",
	[LRUPOOL_BENCH_POOL] = "pool",
	[LRUPOOL_BENCH_OBJADD] = "objadd",
	[LRUPOOL_BENCH_FILL] = "fill",
	[LRUPOOL_BENCH_DROP] = "drop",
	[LRUPOOL_BENCH_STATS] = "stats",
};

enum lrupool_bench_key {
	LRUPOOL_BENCH_CACHING,
	LRUPOOL_BENCH_ORDER,
	LRUPOOL_BENCH_PAGES,
	LRUPOOL_BENCH_BATCH,
	LRUPOOL_BENCH_ITERS,
	LRUPOOL_BENCH_ROUNDS,
	LRUPOOL_BENCH_CGROUP,
	LRUPOOL_BENCH_OBJECTS,
};

static const char * const lrupool_bench_keys[] = {
	[LRUPOOL_BENCH_CACHING] = "caching",
	[LRUPOOL_BENCH_ORDER] = "order",
	[LRUPOOL_BENCH_PAGES] = "pages",
	[LRUPOOL_BENCH_BATCH] = "batch",
	[LRUPOOL_BENCH_ITERS] = "iters",
	[LRUPOOL_BENCH_ROUNDS] = "rounds",
	[LRUPOOL_BENCH_CGROUP] = "cgroup",
	[LRUPOOL_BENCH_OBJECTS] = "objects",
};

#define K(key)	BIT(LRUPOOL_BENCH_##key)
/* The keys each case takes. */
static const unsigned int lrupool_bench_case_keys[] = {
	[LRUPOOL_BENCH_BASELINE] = K(CACHING) | K(ORDER) | K(PAGES) | K(ROUNDS),
	[LRUPOOL_BENCH_FREE] = K(ORDER) | K(PAGES) | K(ROUNDS),
	[LRUPOOL_BENCH_HIT] = K(CACHING) | K(ORDER) | K(BATCH) | K(ITERS) |
			      K(ROUNDS),
	[LRUPOOL_BENCH_OBJHIT] = K(BATCH) | K(ITERS) | K(ROUNDS),
	[LRUPOOL_BENCH_LEVELS] = K(CACHING) | K(ORDER) | K(ITERS) | K(ROUNDS),
	[LRUPOOL_BENCH_BUFFER] = K(CACHING) | K(ORDER) | K(PAGES) | K(ITERS) |
				 K(ROUNDS),
	[LRUPOOL_BENCH_SHRINK] = K(CACHING) | K(ORDER) | K(PAGES) | K(ROUNDS),
	[LRUPOOL_BENCH_POOL] = K(CACHING) | K(ORDER) | K(PAGES),
	[LRUPOOL_BENCH_OBJADD] = K(OBJECTS),
	[LRUPOOL_BENCH_FILL] = K(CGROUP) | K(CACHING) | K(ORDER) | K(PAGES) |
			       K(OBJECTS),
	[LRUPOOL_BENCH_DROP] = 0,
	[LRUPOOL_BENCH_STATS] = K(CGROUP) | K(CACHING) | K(ORDER),
};

#undef K

/**
 * struct lrupool_bench - one run
 * @kind: the case, an &enum lrupool_bench_case
 * @caching: caching= (an &enum lrupool_caching)
 * @order: order=
 * @pages: pages=, a multiple of 2^@order
 * @batch: batch=, chunks per take
 * @iters: iters=
 * @rounds: rounds=, timed
 * @cgroup: cgroup=, a cgroup id (fill, stats)
 * @objects: objects= (objadd, fill)
 * @seen: the keys given, a bit per &enum lrupool_bench_key
 * @memcg: the writer's memcg, referenced (NULL without memcg)
 * @nid: the writer's node (the nearest with memory)
 * @ps: per figure and timed round, picoseconds per page
 * @nr_pages: per figure and timed round, the pages timed
 * @count: what a case counts besides time (local/ancestor chunks, hit/miss
 *	pages...), summed over the timed rounds
 * @chunks: room for @pages >> @order chunks (free)
 * @out: the figures, as the file shows them
 * @out_len: bytes in @out
 */
struct lrupool_bench {
	unsigned int kind;
	unsigned int caching;
	unsigned int order;
	unsigned long pages;
	unsigned long batch;
	unsigned long iters;
	unsigned int rounds;
	u64 cgroup;
	unsigned long objects;
	unsigned int seen;
	struct mem_cgroup *memcg;
	int nid;
	u64 ps[LRUPOOL_BENCH_FIGURES][LRUPOOL_BENCH_MAX_ROUNDS];
	unsigned long nr_pages[LRUPOOL_BENCH_FIGURES][LRUPOOL_BENCH_MAX_ROUNDS];
	unsigned long count[4];
	struct page **chunks;
	char out[LRUPOOL_BENCH_OUT_MAX];
	size_t out_len;
};

/**
 * struct lrupool_bench_object - one object of the bench's objects pool
 * @node: link in the pool, or in a private list
 * @payload: stands for the object's contents
 */
struct lrupool_bench_object {
	struct list_head node;
	u8 payload[LRUPOOL_BENCH_OBJECT_SIZE - sizeof(struct list_head)];
};

/* The pools: see the top of this file. */
static struct lrupool_page_pool lrupool_bench_pp;
static struct lrupool_page_pool lrupool_bench_nopool;
static struct kmem_cache *lrupool_bench_object_cache;
static struct lrupool lrupool_bench_objects;

static struct dentry *lrupool_bench_file;
static struct lrupool_bench_result lrupool_bench_last = {
	.lock = __MUTEX_INITIALIZER(lrupool_bench_last.lock),
};

/* ------------------------------------------------------------------------
 * Parameters
 */

static DEFINE_MUTEX(lrupool_bench_params_lock);
/* The values, read with READ_ONCE(); changed under the lock. */
static int lrupool_bench_fallback = LRUPOOL_FALLBACK_ANCESTORS;
static unsigned long lrupool_bench_limit;	/* half of RAM unless given */
static unsigned long lrupool_bench_max_request = 262144;
/* Under the lock: pool_limit_pages was given; the instance exists. */
static bool lrupool_bench_limit_given;
static bool lrupool_bench_pp_live;

static const char * const lrupool_bench_fallback_names[] = {
	[LRUPOOL_FALLBACK_NONE] = "none",
	[LRUPOOL_FALLBACK_ANCESTORS] = "ancestors",
};

/**
 * lrupool_bench_param_set() - set a parameter and push it into the instance
 * @val: the value written
 * @kp: the parameter; its ->arg is the variable it sets
 *
 * fallback takes "ancestors" or "none"; pool_limit_pages any count;
 * max_request_pages a count from 1 to the pages of RAM (a request for more
 * cannot succeed, and its sizes could overflow). The instance gets the new
 * fallback and limit at once if it exists (otherwise at module init).
 *
 * Context: process context; takes lrupool_bench_params_lock.
 * Return: 0 or -EINVAL.
 */
static int lrupool_bench_param_set(const char *val,
				   const struct kernel_param *kp)
{
	unsigned long v;
	int i;

	if (kp->arg == &lrupool_bench_fallback) {
		i = sysfs_match_string(lrupool_bench_fallback_names, val);
		if (i < 0)
			return -EINVAL;
		v = i;
	} else if (kstrtoul(val, 10, &v) ||
		   (kp->arg == &lrupool_bench_max_request &&
		    (!v || v > totalram_pages()))) {
		return -EINVAL;
	}

	mutex_lock(&lrupool_bench_params_lock);
	if (kp->arg == &lrupool_bench_fallback)
		WRITE_ONCE(lrupool_bench_fallback, v);
	else
		WRITE_ONCE(*(unsigned long *)kp->arg, v);
	if (kp->arg == &lrupool_bench_limit)
		lrupool_bench_limit_given = true;
	if (lrupool_bench_pp_live) {
		lrupool_page_pool_set_limit(&lrupool_bench_pp,
					    lrupool_bench_limit);
		lrupool_page_pool_set_fallback(&lrupool_bench_pp,
					       lrupool_bench_fallback);
	}
	mutex_unlock(&lrupool_bench_params_lock);
	return 0;
}

static int lrupool_bench_fallback_get(char *buf, const struct kernel_param *kp)
{
	int i = READ_ONCE(lrupool_bench_fallback);

	return sysfs_emit(buf, "%s\n", lrupool_bench_fallback_names[i]);
}

static const struct kernel_param_ops lrupool_bench_fallback_ops = {
	.set = lrupool_bench_param_set,
	.get = lrupool_bench_fallback_get,
};

static const struct kernel_param_ops lrupool_bench_count_ops = {
	.set = lrupool_bench_param_set,
	.get = param_get_ulong,
};

module_param_cb(fallback, &lrupool_bench_fallback_ops,
		&lrupool_bench_fallback, 0644);
MODULE_PARM_DESC(fallback,
		 "The bench's instance's lookup: \"ancestors\" (the memcg's own list, then each ancestor's up to the root's; default) or \"none\" (its own list only)");
module_param_cb(pool_limit_pages, &lrupool_bench_count_ops,
		&lrupool_bench_limit, 0644);
MODULE_PARM_DESC(pool_limit_pages,
		 "Pages the bench's instance may pool (default: half of RAM, as TTM; 0 pools nothing)");
module_param_cb(max_request_pages, &lrupool_bench_count_ops,
		&lrupool_bench_max_request, 0644);
MODULE_PARM_DESC(max_request_pages,
		 "The most pages or objects one run may ask for at a time (default 262144 = 1 GiB of pages; 1 to the pages of RAM)");

/* ------------------------------------------------------------------------
 * Parsing
 */

/* One "key=value": 0 or -EINVAL; b->seen collects the keys given. */
static int lrupool_bench_parse_opt(struct lrupool_bench *b, char *opt)
{
	char *key = strsep(&opt, "=");
	int k = match_string(lrupool_bench_keys,
			     ARRAY_SIZE(lrupool_bench_keys), key);
	unsigned long v;

	if (k < 0 || !opt || !*opt || (b->seen & BIT(k)) ||
	    !(lrupool_bench_case_keys[b->kind] & BIT(k)))
		return -EINVAL;
	b->seen |= BIT(k);
	if (k == LRUPOOL_BENCH_CACHING) {
		k = lrupool_caching_parse(opt);
		if (k < 0)
			return -EINVAL;
		b->caching = k;
		return 0;
	}
	/* Zero is a good value for order and objects only. */
	if (kstrtoul(opt, 10, &v) ||
	    (!v && k != LRUPOOL_BENCH_ORDER && k != LRUPOOL_BENCH_OBJECTS))
		return -EINVAL;
	switch (k) {
	case LRUPOOL_BENCH_ORDER:
		b->order = min_t(unsigned long, v, UINT_MAX);
		break;
	case LRUPOOL_BENCH_PAGES:
		b->pages = v;
		break;
	case LRUPOOL_BENCH_BATCH:
		b->batch = v;
		break;
	case LRUPOOL_BENCH_ITERS:
		b->iters = v;
		break;
	case LRUPOOL_BENCH_CGROUP:
		b->cgroup = v;
		break;
	case LRUPOOL_BENCH_OBJECTS:
		b->objects = v;
		break;
	default:
		b->rounds = min_t(unsigned long, v, UINT_MAX);
		break;
	}
	return 0;
}

/* Range checks once every key is known: 0, -EINVAL or -E2BIG. */
static int lrupool_bench_check(const struct lrupool_bench *b)
{
	unsigned long max = READ_ONCE(lrupool_bench_max_request);
	bool takes = b->kind == LRUPOOL_BENCH_HIT ||
		     b->kind == LRUPOOL_BENCH_OBJHIT;

	if (b->order > LRUPOOL_PAGES_MAX_ORDER ||
	    b->rounds > LRUPOOL_BENCH_MAX_ROUNDS ||
	    b->iters > LRUPOOL_BENCH_MAX_ITERS ||
	    b->batch > LRUPOOL_BENCH_MAX_BATCH)
		return -EINVAL;
	if (b->kind == LRUPOOL_BENCH_FILL &&
	    !(b->seen & BIT(LRUPOOL_BENCH_CGROUP)))
		return -EINVAL;
	if (b->kind == LRUPOOL_BENCH_OBJADD && !b->objects)
		return -EINVAL;
	/* These take and allocate nothing: no size to check. */
	if (b->kind == LRUPOOL_BENCH_LEVELS || b->kind == LRUPOOL_BENCH_DROP ||
	    b->kind == LRUPOOL_BENCH_STATS)
		return 0;
	if (!takes && (b->pages & ((1UL << b->order) - 1)))
		return -EINVAL;
	if ((takes ? b->batch << b->order : b->pages) > max ||
	    b->objects > max)
		return -E2BIG;
	return 0;
}

/* "<case> [key=value ...]" into @b: 0, -EINVAL or -E2BIG. */
static int lrupool_bench_parse(struct lrupool_bench *b, char *line)
{
	char *field, *name;
	int kind, err;

	name = strsep(&line, " ");
	kind = match_string(lrupool_bench_cases, ARRAY_SIZE(lrupool_bench_cases),
			    name);
	if (kind < 0)
		return -EINVAL;
	b->kind = kind;
	b->caching = LRUPOOL_CACHING_WC;
	b->pages = 512;
	b->batch = 1;
	b->iters = kind == LRUPOOL_BENCH_BUFFER ? 1 : 512;
	b->rounds = 9;
	while ((field = strsep(&line, " "))) {
		if (!*field)
			continue;
		err = lrupool_bench_parse_opt(b, field);
		if (err)
			return err;
	}
	return lrupool_bench_check(b);
}

/* ------------------------------------------------------------------------
 * Figures
 */

/* Record a timed part of round @r of figure @fig: @ns for @nr pages. */
static void lrupool_bench_record(struct lrupool_bench *b, unsigned int fig,
				 unsigned int r, u64 ns, unsigned long nr)
{
	b->nr_pages[fig][r] = nr;
	b->ps[fig][r] = nr ? div64_u64(ns * 1000, nr) : 0;
}

static __printf(2, 3) void lrupool_bench_printf(struct lrupool_bench *b,
						const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	b->out_len += vscnprintf(b->out + b->out_len,
				 sizeof(b->out) - b->out_len, fmt, args);
	va_end(args);
}

/*
 * Append figure @fig: "@name<extra> rounds=R pages=P median=M min=m
 * max=x"; @extra starts with a space or is empty.
 */
static void lrupool_bench_report(struct lrupool_bench *b, unsigned int fig,
				 const char *name, const char *extra)
{
	lrupool_bench_printf(b, "%s%s", name, extra);
	b->out_len += lrupool_bench_format(b->out + b->out_len,
					   sizeof(b->out) - b->out_len,
					   b->ps[fig], b->rounds,
					   b->nr_pages[fig][0]);
}

/* " caching=wc order=0", the keys most figures repeat. */
static void lrupool_bench_keys_str(const struct lrupool_bench *b, char *buf,
				   size_t len)
{
	snprintf(buf, len, " caching=%s order=%u",
		 lrupool_caching_name(b->caching), b->order);
}

/* Yield now and then in a long loop; -EINTR on a fatal signal. */
static int lrupool_bench_yield(unsigned long i)
{
	if (i % LRUPOOL_BENCH_YIELD_EVERY)
		return 0;
	if (fatal_signal_pending(current))
		return -EINTR;
	cond_resched();
	return 0;
}

/* ------------------------------------------------------------------------
 * The pools
 */

/* The pool core of @b's caching and order in the instance. */
static struct lrupool *lrupool_bench_core(const struct lrupool_bench *b)
{
	return lrupool_page_pool_core(&lrupool_bench_pp, b->caching, b->order);
}

/* Pages the instance pools for @memcg on @nid, every caching and order. */
static unsigned long lrupool_bench_pooled(struct mem_cgroup *memcg, int nid)
{
	unsigned long nr = 0;
	unsigned int c, order;
	struct lrupool *core;

	for (c = 0; c < LRUPOOL_NR_CACHING; c++) {
		for (order = 0; order < LRUPOOL_PAGES_NR_ORDERS; order++) {
			core = lrupool_page_pool_core(&lrupool_bench_pp, c,
						      order);
			nr += lrupool_count_one(core, nid, memcg) << order;
		}
	}
	return nr;
}

/*
 * Pool @nr pages for @memcg in the instance: an allocation made and
 * freed. @given and @released, if not NULL, get what the free gave to the
 * pool and to the system. Return: 0 or the allocation's error.
 */
static int lrupool_bench_pool_pages(const struct lrupool_bench *b,
				    struct mem_cgroup *memcg, unsigned long nr,
				    unsigned long *given,
				    unsigned long *released)
{
	struct lrupool_page_pool_stats before, after;
	struct lrupool_pages pages;
	int err;

	lrupool_page_pool_read_stats(&lrupool_bench_pp, &before);
	err = lrupool_page_pool_alloc(&lrupool_bench_pp, &pages, memcg, nr,
				      b->caching, b->order, b->nid);
	if (err)
		return err;
	lrupool_page_pool_free(&lrupool_bench_pp, &pages);
	lrupool_page_pool_read_stats(&lrupool_bench_pp, &after);
	if (given)
		*given = after.given - before.given;
	if (released)
		*released = after.released - before.released;
	return 0;
}

/* The objects pool's ->release(): free every object on @entries. */
static void lrupool_bench_objects_release(struct lrupool *pool,
					  struct list_head *entries)
{
	struct lrupool_bench_object *obj;

	while (!list_empty(entries)) {
		obj = list_first_entry(entries, struct lrupool_bench_object,
				       node);
		list_del(&obj->node);
		lrupool_entry_free(pool, obj);
	}
}

static const struct lrupool_ops lrupool_bench_objects_ops = {
	.release = lrupool_bench_objects_release,
};

/**
 * lrupool_bench_objects_add() - give new objects to the objects pool
 * @memcg: the memcg they are charged to, whose list they join
 * @nid: their node
 * @nr: how many
 *
 * All or nothing: the objects join the pool once every one is made.
 *
 * Context: process context, may sleep.
 * Return: 0, -ENOMEM or -EINTR.
 */
static int lrupool_bench_objects_add(struct mem_cgroup *memcg, int nid,
				     unsigned long nr)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN;
	struct lrupool_bench_object *obj;
	LIST_HEAD(made);
	unsigned long n;
	int err = 0;

	for (n = 0; n < nr && !err; n++) {
		obj = lrupool_entry_alloc(&lrupool_bench_objects, memcg, nid,
					  gfp);
		if (!obj) {
			err = -ENOMEM;
			break;
		}
		list_add(&obj->node, &made);
		err = lrupool_bench_yield(n + 1);
	}
	if (err) {
		lrupool_bench_objects_release(&lrupool_bench_objects, &made);
		return err;
	}
	while (!list_empty(&made)) {
		obj = list_first_entry(&made, struct lrupool_bench_object,
				       node);
		list_del(&obj->node);
		lrupool_give(&lrupool_bench_objects, &obj->node);
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Without a pool: baseline and free
 */

/*
 * A driver without a pool, one round: the instance that pools nothing
 * allocates fresh pages and gives them back to the system.
 */
static int lrupool_bench_baseline_round(struct lrupool_bench *b, u64 *ns)
{
	struct lrupool_pages pages;
	u64 t0 = ktime_get_ns();
	int err;

	err = lrupool_page_pool_alloc(&lrupool_bench_nopool, &pages, b->memcg,
				      b->pages, b->caching, b->order, b->nid);
	if (err)
		return err;
	lrupool_page_pool_free(&lrupool_bench_nopool, &pages);
	*ns = ktime_get_ns() - t0;
	return 0;
}

/*
 * A plain free of b->pages charged pages, one round: a driver without a
 * pool allocates them for the memcg; the free alone is timed.
 */
static int lrupool_bench_free_round(struct lrupool_bench *b, u64 *ns)
{
	unsigned long i, nr = b->pages >> b->order;
	struct mem_cgroup *old;
	struct page *page;
	int err = 0;
	u64 t0;

	old = set_active_memcg(b->memcg);
	for (i = 0; i < nr; i++) {
		page = alloc_pages_node(b->nid, GFP_KERNEL_ACCOUNT, b->order);
		if (!page) {
			err = -ENOMEM;
			break;
		}
		b->chunks[i] = page;
	}
	set_active_memcg(old);
	t0 = ktime_get_ns();
	while (i--)
		__free_pages(b->chunks[i], b->order);
	*ns = ktime_get_ns() - t0;
	return err;
}

/* ------------------------------------------------------------------------
 * Through the pools: hit, objhit, levels, buffer, shrink
 */

/* The pool a hit or levels case looks up. */
static struct lrupool *lrupool_bench_pool(const struct lrupool_bench *b)
{
	if (b->kind == LRUPOOL_BENCH_OBJHIT)
		return &lrupool_bench_objects;
	return lrupool_bench_core(b);
}

/* Give back every entry on @list. */
static void lrupool_bench_give_all(struct lrupool *pool, struct list_head *list)
{
	struct list_head *pos, *next;

	list_for_each_safe(pos, next, list) {
		list_del(pos);
		lrupool_give(pool, pos);
	}
}

/*
 * Take b->batch entries b->iters times, one lrupool_take() each, then give
 * every one back, one lrupool_give() each; the two are timed apart.
 */
static int lrupool_bench_hit_round(struct lrupool_bench *b, u64 *ns)
{
	enum lrupool_fallback fallback = READ_ONCE(lrupool_bench_fallback);
	struct lrupool *pool = lrupool_bench_pool(b);
	unsigned long i, n, from_ancestors;
	LIST_HEAD(taken);
	int err = 0;
	u64 t0, t1;

	t0 = ktime_get_ns();
	for (i = 0; i < b->iters && !err; i++) {
		n = lrupool_take(pool, b->memcg, b->nid, b->batch, fallback,
				 &taken, &from_ancestors);
		b->count[0] += n - from_ancestors;
		b->count[1] += from_ancestors;
		if (n < b->batch)
			err = -ENODATA;
		else
			err = lrupool_bench_yield(i + 1);
	}
	t1 = ktime_get_ns();
	lrupool_bench_give_all(pool, &taken);
	ns[1] = ktime_get_ns() - t1;
	ns[0] = t1 - t0;
	return err;
}

/*
 * The checks of b->iters lookups, as lrupool_take() makes them before it
 * takes: own list, then each ancestor's, up to the first with entries.
 */
static int lrupool_bench_levels_round(struct lrupool_bench *b, u64 *ns)
{
	bool ancestors = READ_ONCE(lrupool_bench_fallback) ==
			 LRUPOOL_FALLBACK_ANCESTORS;
	struct lrupool *pool = lrupool_bench_pool(b);
	struct mem_cgroup *level;
	unsigned long i;
	int err = 0;
	u64 t0;

	t0 = ktime_get_ns();
	for (i = 0; i < b->iters && !err; i++) {
		level = b->memcg;
		do {
			b->count[0]++;
			if (lrupool_count_one(pool, b->nid, level)) {
				b->count[1]++;
				break;
			}
		} while (ancestors && level &&
			 (level = parent_mem_cgroup(level)));
		err = lrupool_bench_yield(i + 1);
	}
	*ns = ktime_get_ns() - t0;
	return err;
}

/* Allocate and free one &struct lrupool_pages b->iters times, timed apart. */
static int lrupool_bench_buffer_round(struct lrupool_bench *b, u64 *ns)
{
	struct lrupool_pages pages;
	unsigned long i;
	u64 t0, t1;
	int err;

	for (i = 0; i < b->iters; i++) {
		t0 = ktime_get_ns();
		err = lrupool_page_pool_alloc(&lrupool_bench_pp, &pages,
					      b->memcg, b->pages, b->caching,
					      b->order, b->nid);
		t1 = ktime_get_ns();
		if (err)
			return err;
		ns[0] += t1 - t0;
		lrupool_page_pool_free(&lrupool_bench_pp, &pages);
		ns[1] += ktime_get_ns() - t1;
		err = lrupool_bench_yield(0);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Run the page pools' shrinker's scan on the memcg's lists on the node, as
 * reclaim does, until @target pages are freed or a call frees nothing; no
 * call asks for more than what is left of @target.
 * Return: the pages freed.
 */
static unsigned long lrupool_bench_scan(struct lrupool_bench *b,
					unsigned long target, u64 *ns)
{
	unsigned long freed = 0, one;
	u64 t0;

	t0 = ktime_get_ns();
	do {
		one = lrupool_page_pool_scan(b->memcg, b->nid,
					     min(target - freed,
						 (unsigned long)LRUPOOL_BENCH_SCAN_BATCH));
		freed += one;
	} while (one && freed < target);
	*ns = ktime_get_ns() - t0;
	return freed;
}

/* Pool pages for the memcg, then time the shrinker's scan of them. */
static int lrupool_bench_shrink_round(struct lrupool_bench *b, u64 *ns,
				      unsigned long *freed)
{
	unsigned long pooled;
	int err;

	err = lrupool_bench_pool_pages(b, b->memcg, b->pages, NULL, NULL);
	if (err)
		return err;
	pooled = lrupool_bench_pooled(b->memcg, b->nid);
	*freed = pooled ? lrupool_bench_scan(b, min(b->pages, pooled), ns) : 0;
	return 0;
}

/* ------------------------------------------------------------------------
 * Setting up: pool, objadd, fill, drop, stats
 */

/* "pool": pool b->pages pages for the writer. */
static int lrupool_bench_pool_case(struct lrupool_bench *b)
{
	unsigned long given, released;
	int err;

	err = lrupool_bench_pool_pages(b, b->memcg, b->pages, &given,
				       &released);
	if (err)
		return err;
	lrupool_bench_printf(b, "pool caching=%s order=%u pages=%lu given=%lu released=%lu\n",
			     lrupool_caching_name(b->caching), b->order,
			     b->pages, given, released);
	return 0;
}

/* "objadd": give b->objects objects to the writer's list. */
static int lrupool_bench_objadd_case(struct lrupool_bench *b)
{
	int err = lrupool_bench_objects_add(b->memcg, b->nid, b->objects);

	if (!err)
		lrupool_bench_printf(b, "objadd objects=%lu\n", b->objects);
	return err;
}

/*
 * Give @memcg b->pages pooled pages and b->objects pooled objects, unless
 * its pool core of b's caching and order already holds some.
 * Return: 1 if filled, 0 if skipped, or an error.
 */
static int lrupool_bench_fill_one(struct lrupool_bench *b,
				  struct mem_cgroup *memcg)
{
	struct lrupool *pool = lrupool_bench_core(b);
	int err;

	if (lrupool_count_one(pool, b->nid, memcg))
		return 0;
	err = lrupool_bench_pool_pages(b, memcg, b->pages, NULL, NULL);
	if (!err && b->objects)
		err = lrupool_bench_objects_add(memcg, b->nid, b->objects);
	/* An ancestor's pages served it, or the pool is at its limit. */
	if (!err && !lrupool_count_one(pool, b->nid, memcg))
		err = -EBUSY;
	return err ?: 1;
}

/*
 * "fill": fill every online child of cgroup b->cgroup whose pool is empty:
 * what the sibling cases need, made in the kernel because a task moving
 * into each of 10,000 cgroups in turn takes minutes under TCG. Walks the
 * children with a reference on the current one, outside the RCU section
 * while it fills.
 */
static int lrupool_bench_fill(struct lrupool_bench *b)
{
	struct cgroup_subsys_state *root, *pos, *next;
	unsigned long filled = 0, skipped = 0;
	struct mem_cgroup *parent;
	int ret = 0;

	parent = lrupool_memcg_get_from_id(b->cgroup);
	if (!parent)
		return -ENOENT;
	root = &parent->css;
	rcu_read_lock();
	for (pos = css_next_descendant_pre(root, root); pos && ret >= 0;
	     pos = next) {
		if (pos->parent != root || !css_tryget_online(pos)) {
			next = css_next_descendant_pre(pos, root);
			continue;
		}
		rcu_read_unlock();
		ret = lrupool_bench_fill_one(b, mem_cgroup_from_css(pos));
		if (ret > 0)
			filled++;
		else if (!ret)
			skipped++;
		if (ret >= 0 && fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
		rcu_read_lock();
		next = css_next_descendant_pre(pos, root);
		css_put(pos);
	}
	rcu_read_unlock();
	mem_cgroup_put(parent);
	if (ret < 0)
		return ret;
	lrupool_bench_printf(b, "fill cgroup=%llu filled=%lu skipped=%lu\n",
			     b->cgroup, filled, skipped);
	return 0;
}

/*
 * "drop": the shrinker's scan of the writer's lists on the node until the
 * instance holds nothing there for the writer (or a call frees nothing),
 * then a release of every object the writer holds there.
 */
static int lrupool_bench_drop(struct lrupool_bench *b)
{
	unsigned long pages = 0, objects = 0, one, scanned;
	int err = 0;

	while (!err && lrupool_bench_pooled(b->memcg, b->nid)) {
		one = lrupool_page_pool_scan(b->memcg, b->nid,
					     LRUPOOL_BENCH_SCAN_BATCH);
		if (!one)
			break;
		pages += one;
		err = lrupool_bench_yield(0);
	}
	while (!err && lrupool_count_one(&lrupool_bench_objects, b->nid,
					 b->memcg)) {
		one = lrupool_shrink_one(&lrupool_bench_objects, b->memcg,
					 b->nid, LRUPOOL_DRAIN_BATCH, &scanned);
		if (!one)
			break;
		objects += one;
		err = lrupool_bench_yield(0);
	}
	if (!err)
		lrupool_bench_printf(b, "drop pages=%lu objects=%lu\n", pages,
				     objects);
	return err;
}

/* "stats": what a cgroup (the writer by default) and the pools hold. */
static int lrupool_bench_stats(struct lrupool_bench *b)
{
	bool by_id = b->seen & BIT(LRUPOOL_BENCH_CGROUP);
	struct lrupool_page_pool_stats st;
	struct mem_cgroup *memcg = b->memcg;
	u64 id = 1;	/* the root's, also without memcg */

	if (by_id) {
		memcg = lrupool_memcg_get_from_id(b->cgroup);
		if (!memcg)
			return -ENOENT;
		id = b->cgroup;
	} else if (memcg) {
		id = cgroup_ino(memcg->css.cgroup);
	}
	lrupool_page_pool_read_stats(&lrupool_bench_pp, &st);
	lrupool_bench_printf(b, "stats cgroup=%llu caching=%s order=%u pages=%lu objects=%lu",
			     id, lrupool_caching_name(b->caching), b->order,
			     lrupool_count_one(lrupool_bench_core(b), b->nid,
					       memcg) << b->order,
			     lrupool_count_one(&lrupool_bench_objects, b->nid,
					       memcg));
	lrupool_bench_printf(b, " pooled=%lu in_use=%lu miss=%lu objects_pooled=%lu\n",
			     st.pooled, st.in_use, st.miss,
			     lrupool_count(&lrupool_bench_objects));
	if (by_id)
		mem_cgroup_put(memcg);
	return 0;
}

/* ------------------------------------------------------------------------
 * Running a case
 */

/* One round of @b's case; @r < 0 is the round that is not timed. */
static int lrupool_bench_round(struct lrupool_bench *b, int r)
{
	unsigned long nr = b->pages, freed = 0;
	u64 ns[LRUPOOL_BENCH_FIGURES] = { 0 };
	int err;

	switch (b->kind) {
	case LRUPOOL_BENCH_BASELINE:
		err = lrupool_bench_baseline_round(b, ns);
		break;
	case LRUPOOL_BENCH_FREE:
		err = lrupool_bench_free_round(b, ns);
		break;
	case LRUPOOL_BENCH_HIT:
	case LRUPOOL_BENCH_OBJHIT:
		err = lrupool_bench_hit_round(b, ns);
		nr = b->iters * (b->batch << b->order);
		break;
	case LRUPOOL_BENCH_LEVELS:
		err = lrupool_bench_levels_round(b, ns);
		nr = b->iters;
		break;
	case LRUPOOL_BENCH_BUFFER:
		err = lrupool_bench_buffer_round(b, ns);
		nr = b->iters * b->pages;
		break;
	default:
		err = lrupool_bench_shrink_round(b, ns, &freed);
		nr = freed;
		if (!err && !freed)
			err = -ENODATA;	/* nothing was pooled */
		break;
	}
	if (err || r < 0)
		return err;
	lrupool_bench_record(b, 0, r, ns[0], nr);
	lrupool_bench_record(b, 1, r, ns[1], nr);
	lrupool_bench_record(b, 2, r, ns[0] + ns[1], nr);
	return 0;
}

/* The buffer case's counters now: hit, miss, given, released pages. */
static void lrupool_bench_pages_count(unsigned long *count)
{
	struct lrupool_page_pool_stats st;

	lrupool_page_pool_read_stats(&lrupool_bench_pp, &st);
	count[0] = st.hit_local + st.hit_ancestor;
	count[1] = st.miss;
	count[2] = st.given;
	count[3] = st.released;
}

/* Append @b's figures to b->out. */
static void lrupool_bench_figures(struct lrupool_bench *b)
{
	const char *name = lrupool_bench_cases[b->kind];
	char keys[40], extra[96];
	unsigned long freed = 0;
	unsigned int r;

	lrupool_bench_keys_str(b, keys, sizeof(keys));
	switch (b->kind) {
	case LRUPOOL_BENCH_BASELINE:
		lrupool_bench_report(b, 0, name, keys);
		return;
	case LRUPOOL_BENCH_SHRINK:
		for (r = 0; r < b->rounds; r++)
			freed += b->nr_pages[0][r];
		snprintf(extra, sizeof(extra), "%s freed=%lu", keys, freed);
		lrupool_bench_report(b, 0, name, extra);
		return;
	case LRUPOOL_BENCH_FREE:
		snprintf(extra, sizeof(extra), " order=%u", b->order);
		lrupool_bench_report(b, 0, name, extra);
		return;
	case LRUPOOL_BENCH_LEVELS:
		/* Checks per lookup: each round makes the same ones. */
		snprintf(extra, sizeof(extra), "%s levels=%lu found=%lu", keys,
			 b->count[0] / (b->rounds * b->iters), b->count[1]);
		lrupool_bench_report(b, 0, name, extra);
		return;
	case LRUPOOL_BENCH_HIT:
	case LRUPOOL_BENCH_OBJHIT:
		snprintf(extra, sizeof(extra), "%s batch=%lu local=%lu ancestor=%lu",
			 b->kind == LRUPOOL_BENCH_HIT ? keys : "", b->batch,
			 b->count[0], b->count[1]);
		lrupool_bench_report(b, 2, name, extra);
		snprintf(keys, sizeof(keys), "%s_take", name);
		lrupool_bench_report(b, 0, keys, extra);
		snprintf(keys, sizeof(keys), "%s_give", name);
		lrupool_bench_report(b, 1, keys, extra);
		return;
	default:
		snprintf(extra, sizeof(extra), "%s hit=%lu miss=%lu", keys,
			 b->count[0], b->count[1]);
		lrupool_bench_report(b, 0, "buffer_alloc", extra);
		snprintf(extra, sizeof(extra), "%s given=%lu released=%lu",
			 keys, b->count[2], b->count[3]);
		lrupool_bench_report(b, 1, "buffer_free", extra);
		return;
	}
}

/* Run a timed case: the untimed round, then the timed ones; 0 or an error. */
static int lrupool_bench_run(struct lrupool_bench *b)
{
	bool buffer = b->kind == LRUPOOL_BENCH_BUFFER;
	unsigned long before[ARRAY_SIZE(b->count)];
	unsigned int r, i;
	int err;

	err = lrupool_bench_round(b, -1);
	memset(b->count, 0, sizeof(b->count));
	if (buffer)
		lrupool_bench_pages_count(before);
	for (r = 0; r < b->rounds && !err; r++) {
		err = lrupool_bench_round(b, r);
		if (!err && fatal_signal_pending(current))
			err = -EINTR;
		cond_resched();
	}
	if (err)
		return err;
	if (buffer) {
		lrupool_bench_pages_count(b->count);
		for (i = 0; i < ARRAY_SIZE(b->count); i++)
			b->count[i] -= before[i];
	}
	lrupool_bench_figures(b);
	return 0;
}

/* Run @b's case, timed or set-up; 0 or an error. */
static int lrupool_bench_case(struct lrupool_bench *b)
{
	switch (b->kind) {
	case LRUPOOL_BENCH_POOL:
		return lrupool_bench_pool_case(b);
	case LRUPOOL_BENCH_OBJADD:
		return lrupool_bench_objadd_case(b);
	case LRUPOOL_BENCH_FILL:
		return lrupool_bench_fill(b);
	case LRUPOOL_BENCH_DROP:
		return lrupool_bench_drop(b);
	case LRUPOOL_BENCH_STATS:
		return lrupool_bench_stats(b);
	default:
		return lrupool_bench_run(b);
	}
}

/* Run @b for the writer and keep its output; 0 or an error. */
static int lrupool_bench_start(struct lrupool_bench *b)
{
	int err;

	if (b->kind == LRUPOOL_BENCH_FREE) {
		b->chunks = kvmalloc_array(b->pages >> b->order,
					   sizeof(*b->chunks), GFP_KERNEL);
		if (!b->chunks)
			return -ENOMEM;
	}
	err = mutex_lock_killable(&lrupool_bench_last.lock);
	if (err)
		goto out_free;
	b->memcg = lrupool_memcg_get_current();
	/* The writer's node, or the nearest with memory. */
	b->nid = lrupool_mem_node(numa_node_id());
	err = lrupool_bench_case(b);
	mem_cgroup_put(b->memcg);
	lrupool_bench_last.len = 0;
	if (!err) {
		memcpy(lrupool_bench_last.buf, b->out, b->out_len);
		lrupool_bench_last.len = b->out_len;
	}
	mutex_unlock(&lrupool_bench_last.lock);
out_free:
	kvfree(b->chunks);
	return err;
}

/* ------------------------------------------------------------------------
 * The file and the module
 */

static ssize_t lrupool_bench_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	struct lrupool_bench *b;
	char *line;
	int err;

	line = lrupool_bench_line(ubuf, len, ppos);
	if (IS_ERR(line))
		return PTR_ERR(line);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b) {
		kfree(line);
		return -ENOMEM;
	}
	err = lrupool_bench_parse(b, line);
	kfree(line);
	if (!err)
		err = lrupool_bench_start(b);
	kfree(b);
	return err ?: len;
}

static ssize_t lrupool_bench_read(struct file *file, char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	return lrupool_bench_result_read(&lrupool_bench_last, ubuf, len, ppos);
}

static const struct file_operations lrupool_bench_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = lrupool_bench_read,
	.write = lrupool_bench_write,
	.llseek = default_llseek,
};

/* The objects pool and its cache: 0 or -ENOMEM. */
static int lrupool_bench_objects_init(void)
{
	int err;

	BUILD_BUG_ON(sizeof(struct lrupool_bench_object) !=
		     LRUPOOL_BENCH_OBJECT_SIZE);
	lrupool_bench_object_cache =
		kmem_cache_create("lrupool_bench_object",
				  sizeof(struct lrupool_bench_object), 0,
				  SLAB_ACCOUNT, NULL);
	if (!lrupool_bench_object_cache)
		return -ENOMEM;
	err = lrupool_init(&lrupool_bench_objects, "lrupool_bench objects",
			   lrupool_bench_object_cache,
			   &lrupool_bench_objects_ops, 1, NULL);
	if (err)
		kmem_cache_destroy(lrupool_bench_object_cache);
	return err;
}

static void lrupool_bench_objects_fini(void)
{
	lrupool_destroy(&lrupool_bench_objects);
	kmem_cache_destroy(lrupool_bench_object_cache);
}

/* The instance, with the parameters' fallback and limit: 0 or an error. */
static int lrupool_bench_pp_init(void)
{
	int err;

	mutex_lock(&lrupool_bench_params_lock);
	if (!lrupool_bench_limit_given)
		lrupool_bench_limit = totalram_pages() / 2;
	err = lrupool_page_pool_init(&lrupool_bench_pp, "lrupool_bench",
				     lrupool_bench_limit,
				     lrupool_bench_fallback);
	lrupool_bench_pp_live = !err;
	mutex_unlock(&lrupool_bench_params_lock);
	return err;
}

static void lrupool_bench_pp_fini(void)
{
	mutex_lock(&lrupool_bench_params_lock);
	lrupool_bench_pp_live = false;
	mutex_unlock(&lrupool_bench_params_lock);
	lrupool_page_pool_fini(&lrupool_bench_pp);
}

static int __init lrupool_bench_init(void)
{
	struct dentry *dir;
	int err;

	/* lrupool's directory: lrupool.ko stays while this module is in. */
	dir = debugfs_lookup("lrupool", NULL);
	if (IS_ERR_OR_NULL(dir))
		return -ENOENT;
	err = lrupool_bench_objects_init();
	if (err)
		goto err_dput;
	err = lrupool_bench_pp_init();
	if (err)
		goto err_objects;
	err = lrupool_page_pool_init(&lrupool_bench_nopool,
				     "lrupool_bench nopool", 0,
				     LRUPOOL_FALLBACK_NONE);
	if (err)
		goto err_pp;
	lrupool_bench_file = debugfs_create_file("bench", 0600, dir, NULL,
						 &lrupool_bench_fops);
	if (IS_ERR(lrupool_bench_file)) {
		err = PTR_ERR(lrupool_bench_file);
		goto err_nopool;
	}
	dput(dir);
	return 0;

err_nopool:
	lrupool_page_pool_fini(&lrupool_bench_nopool);
err_pp:
	lrupool_bench_pp_fini();
err_objects:
	lrupool_bench_objects_fini();
err_dput:
	dput(dir);
	return err;
}

static void __exit lrupool_bench_exit(void)
{
	/* Waits for a run in progress. */
	debugfs_remove(lrupool_bench_file);
	lrupool_page_pool_fini(&lrupool_bench_nopool);
	lrupool_bench_pp_fini();
	lrupool_bench_objects_fini();
}

module_init(lrupool_bench_init);
module_exit(lrupool_bench_exit);

MODULE_DESCRIPTION("lrupool's benchmark: its page pool and pool core timed in the kernel, through lrupool.ko's exports");
MODULE_LICENSE("GPL");
