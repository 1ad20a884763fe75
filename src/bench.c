// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark of the pool paths, timed in the kernel so that what is
 * measured is the path and not a system call: /sys/kernel/debug/lrupool/bench.
 *
 * A run is one line written to the file, "<case> [<key>=<value> ...]". It
 * runs in the writing task, for the writer's memcg, on the node of the CPU
 * the writer is on when it writes (pin the writer, e.g. with taskset), and
 * the write returns when the run is over. Reading the file gives the
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
 * Cases, with their keys and defaults (caching=wc order=0 pages=512
 * batch=1 iters=512, 1 for buffer, rounds=9):
 *
 *	baseline caching= order= pages= rounds=
 *		a driver without a pool, per 512 pages: alloc_pages_node()
 *		charged to the memcg as the pool's fresh chunks are, one
 *		set_pages_array_wc() (or _uc()) and one set_pages_array_wb()
 *		over them (the pool's batch), then __free_pages()
 *	free order= pages= rounds=
 *		__free_pages() of charged chunks; only that is timed
 *	hit caching= order= batch= iters= rounds=
 *		iters lrupool_take() calls of batch chunks each from the page
 *		pool (the memcg's own list, then, with fallback=ancestors,
 *		each ancestor's), then one lrupool_give() per chunk: figures
 *		"hit" (both), "hit_take" and "hit_give", with local= and
 *		ancestor=, the chunks taken from each. ENODATA when the pool
 *		holds fewer than iters * batch chunks for the writer.
 *	objhit batch= iters= rounds=
 *		the same on the objects pool ("objhit", "objhit_take",
 *		"objhit_give")
 *	levels caching= order= iters= rounds=
 *		the checks of iters child-to-root lookups in the page pool and
 *		nothing else: lrupool_count_one() of the memcg's own list, then
 *		(with fallback=ancestors) of each ancestor's, up to the first
 *		level with entries or the root; nothing is taken. Figure
 *		"levels" in ns per lookup, with levels=, the checks per lookup,
 *		and found=, the lookups that reached a level with entries.
 *	buffer caching= order= pages= iters= rounds=
 *		iters pairs of lrupool_buffer_alloc() (order is the largest
 *		chunk) and lrupool_buffer_free() of one buffer, timed apart:
 *		"buffer_alloc" with the hit= and miss= pages and "buffer_free"
 *		with the given= and released= pages of the timed rounds (with
 *		pool_limit_pages 0 they miss and release)
 *	shrink caching= order= pages= rounds=
 *		per round, a buffer made and freed fills the memcg's pool (not
 *		timed), then the shrinker's scan of the memcg's lists on the
 *		node runs as reclaim runs it, %LRUPOOL_BENCH_SCAN_BATCH pages
 *		per call, until it has freed as many pages (in its own order:
 *		run it in a memcg that pools nothing else); adds freed=.
 *		ENODATA when nothing was pooled.
 *	fill cgroup= caching= order= pages= objects=
 *		not timed, a set-up step: every online child of cgroup-id
 *		cgroup whose pool of that caching and order is empty on the
 *		node gets pages pooled pages (a buffer made and freed for it)
 *		and objects pooled objects (default 0); prints "fill
 *		cgroup=<id> filled=<n> skipped=<n>". ENOENT for an unknown or
 *		offline cgroup-id; EBUSY when a child's pool stays empty (an
 *		ancestor's pages served it, or the pool is at
 *		pool_limit_pages).
 *
 * Errors: EINVAL a malformed line, an unknown case or key, a key the case
 * does not take, a bad value, pages not a multiple of the chunk; E2BIG more
 * than max_request_pages pages in one request; ENODATA, ENOENT, EBUSY see
 * above; ENOMEM;
 * EINTR on a fatal signal; EEXIST when a buffer is named "lrupool-bench".
 *
 * Locking: lrupool_bench_last.lock serialises runs and guards the last
 * result; it is held across a run, never inside the pool's locks.
 */

#include <linux/cgroup.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/stdarg.h>
#include <linux/string.h>

#include "bench.h"
#include "compat.h"
#include "internal.h"

#define LRUPOOL_BENCH_CMD_MAX		128
#define LRUPOOL_BENCH_MAX_ROUNDS	63
#define LRUPOOL_BENCH_MAX_ITERS		10000000UL
/* Pages per caching switch, as the pool's batches of fresh chunks. */
#define LRUPOOL_BENCH_SWITCH_BATCH	512
/* Pages per scan call: the kernel's SHRINK_BATCH, reclaim's default. */
#define LRUPOOL_BENCH_SCAN_BATCH	128
#define LRUPOOL_BENCH_YIELD_EVERY	256
#define LRUPOOL_BENCH_BUFFER		"lrupool-bench"
/* Figures one case reports. */
#define LRUPOOL_BENCH_FIGURES		3

enum lrupool_bench_case {
	LRUPOOL_BENCH_BASELINE,
	LRUPOOL_BENCH_FREE,
	LRUPOOL_BENCH_HIT,
	LRUPOOL_BENCH_OBJHIT,
	LRUPOOL_BENCH_LEVELS,
	LRUPOOL_BENCH_BUFFER_CASE,
	LRUPOOL_BENCH_SHRINK,
	LRUPOOL_BENCH_FILL,
};

static const char * const lrupool_bench_cases[] = {
	[LRUPOOL_BENCH_BASELINE] = "baseline",
	[LRUPOOL_BENCH_FREE] = "free",
	[LRUPOOL_BENCH_HIT] = "hit",
	[LRUPOOL_BENCH_OBJHIT] = "objhit",
	[LRUPOOL_BENCH_LEVELS] = "levels",
	[LRUPOOL_BENCH_BUFFER_CASE] = "buffer",
	[LRUPOOL_BENCH_SHRINK] = "shrink",
	[LRUPOOL_BENCH_FILL] = "fill",
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
	[LRUPOOL_BENCH_BUFFER_CASE] = K(CACHING) | K(ORDER) | K(PAGES) |
				      K(ITERS) | K(ROUNDS),
	[LRUPOOL_BENCH_SHRINK] = K(CACHING) | K(ORDER) | K(PAGES) | K(ROUNDS),
	[LRUPOOL_BENCH_FILL] = K(CGROUP) | K(CACHING) | K(ORDER) | K(PAGES) |
			       K(OBJECTS),
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
 * @cgroup: cgroup=, a cgroup id (fill)
 * @objects: objects= (fill)
 * @memcg: the writer's memcg, referenced (NULL without memcg)
 * @nid: the writer's node
 * @ps: per figure and timed round, picoseconds per page
 * @nr_pages: per figure and timed round, the pages timed
 * @count: what a case counts besides time (local/ancestor chunks, hit/miss
 *	pages...), summed over the timed rounds
 * @chunks: room for @pages chunk pointers (baseline, free)
 * @page_array: room for %LRUPOOL_BENCH_SWITCH_BATCH page pointers
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
	struct mem_cgroup *memcg;
	int nid;
	u64 ps[LRUPOOL_BENCH_FIGURES][LRUPOOL_BENCH_MAX_ROUNDS];
	unsigned long nr_pages[LRUPOOL_BENCH_FIGURES][LRUPOOL_BENCH_MAX_ROUNDS];
	unsigned long count[4];
	struct page **chunks;
	struct page **page_array;
	char out[LRUPOOL_BENCH_OUT_MAX];
	size_t out_len;
};

static struct lrupool_bench_result lrupool_bench_last = {
	.lock = __MUTEX_INITIALIZER(lrupool_bench_last.lock),
};

/* ------------------------------------------------------------------------
 * Parsing
 */

/* One "key=value": 0 or -EINVAL; *seen collects the keys given. */
static int lrupool_bench_parse_opt(struct lrupool_bench *b, char *opt,
				   unsigned int *seen)
{
	char *key = strsep(&opt, "=");
	int k = match_string(lrupool_bench_keys,
			     ARRAY_SIZE(lrupool_bench_keys), key);
	unsigned long v;

	if (k < 0 || !opt || !*opt || (*seen & BIT(k)) ||
	    !(lrupool_bench_case_keys[b->kind] & BIT(k)))
		return -EINVAL;
	*seen |= BIT(k);
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
	unsigned long max = READ_ONCE(lrupool_max_request_pages);

	bool takes = b->kind == LRUPOOL_BENCH_HIT ||
		     b->kind == LRUPOOL_BENCH_OBJHIT;

	if (b->order > LRUPOOL_PAGES_MAX_ORDER ||
	    b->rounds > LRUPOOL_BENCH_MAX_ROUNDS ||
	    b->iters > LRUPOOL_BENCH_MAX_ITERS ||
	    b->batch > LRUPOOL_BENCH_SWITCH_BATCH)
		return -EINVAL;
	/* levels takes and allocates nothing: no size to check. */
	if (b->kind == LRUPOOL_BENCH_LEVELS)
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
	unsigned int seen = 0;
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
	b->rounds = 9;
	while ((field = strsep(&line, " "))) {
		if (!*field)
			continue;
		err = lrupool_bench_parse_opt(b, field, &seen);
		if (err)
			return err;
	}
	if (!(seen & BIT(LRUPOOL_BENCH_ITERS)))
		b->iters = kind == LRUPOOL_BENCH_BUFFER_CASE ? 1 : 512;
	if (kind == LRUPOOL_BENCH_FILL && !(seen & BIT(LRUPOOL_BENCH_CGROUP)))
		return -EINVAL;
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
static const char *lrupool_bench_keys_str(const struct lrupool_bench *b,
					  char *buf, size_t len)
{
	snprintf(buf, len, " caching=%s order=%u",
		 lrupool_caching_name(b->caching), b->order);
	return buf;
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
 * Without a pool: baseline and free
 */

/* Allocation flags of the pool's fresh chunks: only order 0 tries hard. */
static gfp_t lrupool_bench_gfp(unsigned int order)
{
	gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_THISNODE | __GFP_NOWARN;

	if (order)
		return gfp | __GFP_NORETRY | __GFP_NOMEMALLOC;
	return gfp | __GFP_RETRY_MAYFAIL;
}

/* A chunk charged to the bench's memcg, as the pool allocates one. */
static struct page *lrupool_bench_chunk_alloc(const struct lrupool_bench *b)
{
	struct mem_cgroup *old = set_active_memcg(b->memcg);
	struct page *page;

	page = alloc_pages_node(b->nid, lrupool_bench_gfp(b->order), b->order);
	set_active_memcg(old);
	return page;
}

static void lrupool_bench_chunks_free(struct lrupool_bench *b,
				      unsigned long nr)
{
	while (nr--)
		__free_pages(b->chunks[nr], b->order);
}

/* Switch @nr write-back pages to @caching and back: 0 or -ENOMEM. */
static int lrupool_bench_switch(struct page **pages, unsigned int nr,
				unsigned int caching)
{
	int err;

	if (caching == LRUPOOL_CACHING_WB)
		return 0;
	if (caching == LRUPOOL_CACHING_WC)
		err = set_pages_array_wc(pages, nr);
	else
		err = set_pages_array_uc(pages, nr);
	if (err)
		return -ENOMEM;
	set_pages_array_wb(pages, nr);
	return 0;
}

/* Allocate @nr chunks into b->chunks and their pages into b->page_array. */
static int lrupool_bench_batch_alloc(struct lrupool_bench *b, unsigned long nr)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < nr; i++) {
		b->chunks[i] = lrupool_bench_chunk_alloc(b);
		if (!b->chunks[i]) {
			lrupool_bench_chunks_free(b, i);
			return -ENOMEM;
		}
		for (j = 0; j < 1U << b->order; j++)
			b->page_array[n++] = b->chunks[i] + j;
	}
	return 0;
}

/* A driver without a pool, one round: alloc, switch, switch back, free. */
static int lrupool_bench_baseline_round(struct lrupool_bench *b, u64 *ns)
{
	unsigned long per = max(1UL, LRUPOOL_BENCH_SWITCH_BATCH >> b->order);
	unsigned long left = b->pages >> b->order, n;
	u64 t0 = ktime_get_ns();
	int err;

	while (left) {
		n = min(left, per);
		err = lrupool_bench_batch_alloc(b, n);
		if (err)
			return err;
		err = lrupool_bench_switch(b->page_array, n << b->order,
					   b->caching);
		lrupool_bench_chunks_free(b, n);
		if (err)
			return err;
		left -= n;
		err = lrupool_bench_yield(0);
		if (err)
			return err;
	}
	*ns = ktime_get_ns() - t0;
	return 0;
}

/* A plain free of b->pages charged pages, one round; the free is timed. */
static int lrupool_bench_free_round(struct lrupool_bench *b, u64 *ns)
{
	unsigned long i, nr = b->pages >> b->order;
	u64 t0;

	for (i = 0; i < nr; i++) {
		b->chunks[i] = lrupool_bench_chunk_alloc(b);
		if (!b->chunks[i]) {
			lrupool_bench_chunks_free(b, i);
			return -ENOMEM;
		}
	}
	t0 = ktime_get_ns();
	lrupool_bench_chunks_free(b, nr);
	*ns = ktime_get_ns() - t0;
	return 0;
}

/* ------------------------------------------------------------------------
 * Through the pool: hit, objhit, buffer, shrink
 */

/* The pool a hit case takes from. */
static struct lrupool *lrupool_bench_pool(const struct lrupool_bench *b)
{
	if (b->kind == LRUPOOL_BENCH_OBJHIT)
		return lrupool_objects_pool();
	return lrupool_page_pool(b->caching, b->order);
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
	struct lrupool *pool = lrupool_bench_pool(b);
	unsigned long i, n, from_ancestors;
	LIST_HEAD(taken);
	int err = 0;
	u64 t0, t1;

	t0 = ktime_get_ns();
	for (i = 0; i < b->iters && !err; i++) {
		n = lrupool_take(pool, b->memcg, b->nid, b->batch,
				 READ_ONCE(lrupool_fallback), &taken,
				 &from_ancestors);
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
	bool ancestors = READ_ONCE(lrupool_fallback) ==
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

/* Allocate and free the bench's buffer b->iters times, timed apart. */
static int lrupool_bench_buffer_round(struct lrupool_bench *b, u64 *ns)
{
	unsigned long i;
	u64 t0, t1;
	int err;

	for (i = 0; i < b->iters; i++) {
		t0 = ktime_get_ns();
		err = lrupool_buffer_alloc(LRUPOOL_BENCH_BUFFER, b->memcg,
					   b->pages, b->caching, b->order,
					   b->nid);
		t1 = ktime_get_ns();
		if (err)
			return err;
		ns[0] += t1 - t0;
		err = lrupool_buffer_free(LRUPOOL_BENCH_BUFFER);
		ns[1] += ktime_get_ns() - t1;
		if (err)
			return err;
		err = lrupool_bench_yield(0);
		if (err)
			return err;
	}
	return 0;
}

/* Pages in the memcg's page pools on the node. */
static unsigned long lrupool_bench_pooled(const struct lrupool_bench *b)
{
	struct lrupool *const *pools;
	unsigned long nr = 0;
	unsigned int i, n;

	pools = lrupool_page_pools_by_shrink_order(&n);
	for (i = 0; i < n; i++)
		nr += lrupool_count_one(pools[i], b->nid, b->memcg) *
		      pools[i]->weight;
	return nr;
}

/*
 * Scan the memcg's page pools on the node as reclaim does, under the
 * reclaim lockdep map and PF_MEMALLOC, until @target pages are freed or a
 * call frees nothing; no call asks for more than what is left of @target,
 * so pages the memcg pooled besides stay. Return: the pages freed.
 */
static unsigned long lrupool_bench_scan(struct lrupool_bench *b,
					unsigned long target, u64 *ns)
{
	unsigned long freed = 0, one, scanned;
	struct lrupool *const *pools;
	unsigned int nr_pools, noreclaim;
	u64 t0;

	pools = lrupool_page_pools_by_shrink_order(&nr_pools);
	fs_reclaim_acquire(GFP_KERNEL);
	noreclaim = memalloc_noreclaim_save();
	t0 = ktime_get_ns();
	do {
		one = lrupool_shrink(pools, nr_pools, b->memcg, b->nid,
				     min(target - freed,
					 (unsigned long)LRUPOOL_BENCH_SCAN_BATCH),
				     &scanned);
		freed += one;
	} while (one && freed < target);
	*ns = ktime_get_ns() - t0;
	memalloc_noreclaim_restore(noreclaim);
	fs_reclaim_release(GFP_KERNEL);
	return freed;
}

/* Fill the memcg's pool with a buffer's pages, then time the scan. */
static int lrupool_bench_shrink_round(struct lrupool_bench *b, u64 *ns,
				      unsigned long *freed)
{
	int err;

	err = lrupool_buffer_alloc(LRUPOOL_BENCH_BUFFER, b->memcg, b->pages,
				   b->caching, b->order, b->nid);
	if (err)
		return err;
	err = lrupool_buffer_free(LRUPOOL_BENCH_BUFFER);
	if (err)
		return err;
	*freed = lrupool_bench_scan(b, min(b->pages, lrupool_bench_pooled(b)),
				    ns);
	return 0;
}

/* ------------------------------------------------------------------------
 * Setting up: fill
 */

/*
 * Give @memcg b->pages pooled pages (a buffer made and freed for it) and
 * b->objects pooled objects, unless its page pool already holds some.
 * Return: 1 if filled, 0 if skipped, or an error.
 */
static int lrupool_bench_fill_one(struct lrupool_bench *b,
				  struct mem_cgroup *memcg)
{
	struct lrupool *pool = lrupool_page_pool(b->caching, b->order);
	int err;

	if (lrupool_count_one(pool, b->nid, memcg))
		return 0;
	err = lrupool_buffer_alloc(LRUPOOL_BENCH_BUFFER, memcg, b->pages,
				   b->caching, b->order, b->nid);
	if (!err)
		err = lrupool_buffer_free(LRUPOOL_BENCH_BUFFER);
	if (!err && b->objects)
		err = lrupool_objects_add(memcg, b->nid, b->objects);
	/* An ancestor's pages served it, or the pool is at its limit. */
	if (!err && !lrupool_count_one(pool, b->nid, memcg))
		err = -EBUSY;
	return err ?: 1;
}

/*
 * Fill every online child of cgroup b->cgroup whose page pool is empty:
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
	case LRUPOOL_BENCH_BUFFER_CASE:
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
	struct lrupool_pages_stats st;

	lrupool_pages_read_stats(&st);
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

/* Run @b: the untimed round, then the timed ones; 0 or an error. */
static int lrupool_bench_run(struct lrupool_bench *b)
{
	bool buffer = b->kind == LRUPOOL_BENCH_BUFFER_CASE;
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

/* The arrays the baseline and free cases use; 0 or -ENOMEM. */
static int lrupool_bench_arrays_alloc(struct lrupool_bench *b)
{
	if (b->kind != LRUPOOL_BENCH_BASELINE && b->kind != LRUPOOL_BENCH_FREE)
		return 0;
	b->chunks = kvmalloc_array(max(b->pages >> b->order,
				       (unsigned long)LRUPOOL_BENCH_SWITCH_BATCH),
				   sizeof(*b->chunks), GFP_KERNEL);
	b->page_array = kvmalloc_array(LRUPOOL_BENCH_SWITCH_BATCH,
				       sizeof(*b->page_array), GFP_KERNEL);
	if (!b->chunks || !b->page_array)
		return -ENOMEM;
	return 0;
}

/* Run @b for the writer and keep its figures; 0 or an error. */
static int lrupool_bench_start(struct lrupool_bench *b)
{
	int err;

	err = lrupool_bench_arrays_alloc(b);
	if (err)
		goto out_free;
	err = mutex_lock_killable(&lrupool_bench_last.lock);
	if (err)
		goto out_free;
	b->memcg = get_mem_cgroup_from_mm(current->mm);
	b->nid = numa_node_id();
	if (b->kind == LRUPOOL_BENCH_FILL)
		err = lrupool_bench_fill(b);
	else
		err = lrupool_bench_run(b);
	mem_cgroup_put(b->memcg);
	lrupool_bench_last.len = 0;
	if (!err) {
		memcpy(lrupool_bench_last.buf, b->out, b->out_len);
		lrupool_bench_last.len = b->out_len;
	}
	mutex_unlock(&lrupool_bench_last.lock);
out_free:
	kvfree(b->page_array);
	kvfree(b->chunks);
	return err;
}

/* ------------------------------------------------------------------------
 * The file
 */

static ssize_t lrupool_bench_write(struct file *file, const char __user *ubuf,
				   size_t len, loff_t *ppos)
{
	char line[LRUPOOL_BENCH_CMD_MAX];
	struct lrupool_bench *b;
	int err;

	err = lrupool_cmd_copy(line, sizeof(line), ubuf, len, ppos);
	if (err <= 0)
		return err ?: -EINVAL;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	err = lrupool_bench_parse(b, line);
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

void lrupool_bench_debugfs_init(struct dentry *dir)
{
	if (IS_ERR_OR_NULL(dir))
		return;
	debugfs_create_file("bench", 0600, dir, NULL, &lrupool_bench_fops);
}
