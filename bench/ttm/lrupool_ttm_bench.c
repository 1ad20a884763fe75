// SPDX-License-Identifier: GPL-2.0
/*
 * The peer of lrupool's benchmark: DRM TTM's page pool timed the way
 * bench/pool/ times lrupool's page pool (its buffer case), so that
 * scripts/bench can put the two side by side in one guest run.
 *
 * TTM's pool needs no GPU: module init creates a root device and a
 * ttm_device on it (which sets up TTM's global pools). A round fills iters
 * ttm_tts, each of a zeroed buffer object of the requested size, with
 * ttm_pool_alloc(), then empties them all with ttm_pool_free(), as a
 * driver's populate and unpopulate do; every call is timed. No page is
 * DMA-mapped (the tts have no DMA addresses) and none is charged to a memcg
 * (TTM does not charge). Holding the tts of a round at once lets a pool
 * limited to one page (ttm.ko's page_pool_size=1 at load) make all but one
 * alloc of a round miss.
 *
 * /sys/kernel/debug/lrupool_ttm_bench, 0600: write one line
 *
 *	alloc [caching=wc|uc|wb] [pages=N] [iters=I] [rounds=R]
 *
 * (defaults wc, 1, 64, 9); the write returns when the run is over. Read:
 *
 *	ttm_alloc caching=C size=N rounds=R pages=P median=X min=Y max=Z
 *	ttm_free ...
 *
 * X, Y and Z in nanoseconds per page over R timed rounds of I allocs and
 * frees (P = I * N pages), after one round that is not timed. Errors:
 * EINVAL for a bad line, ENOMEM.
 *
 * The command line, the figures' format and the last result are
 * bench/bench.h's, shared with lrupool's benchmark.
 *
 * Locking: ttm_bench_last.lock serialises runs and guards the last result.
 */

#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <drm/drm_vma_manager.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_device.h>
#include <drm/ttm/ttm_pool.h>
#include <drm/ttm/ttm_tt.h>

#include "bench.h"

#define TTM_BENCH_MAX_ROUNDS	63
#define TTM_BENCH_MAX_ITERS	4096UL
#define TTM_BENCH_MAX_PAGES	262144UL

/**
 * struct ttm_bench - one run
 * @caching: the tt's caching
 * @pages: the tt's size in pages
 * @iters: alloc/free pairs per round
 * @rounds: timed rounds
 * @ps: per figure (alloc, free) and round, picoseconds per page
 * @bo: the zeroed buffer object the tts are made for (its size only)
 * @tts: @iters tts
 */
struct ttm_bench {
	enum ttm_caching caching;
	unsigned long pages;
	unsigned long iters;
	unsigned int rounds;
	u64 ps[2][TTM_BENCH_MAX_ROUNDS];
	struct ttm_buffer_object *bo;
	struct ttm_tt *tts;
};

static const char * const ttm_bench_caching_names[] = {
	[ttm_uncached] = "uc",
	[ttm_write_combined] = "wc",
	[ttm_cached] = "wb",
};

static struct device *ttm_bench_dev;
static struct drm_vma_offset_manager ttm_bench_vma;
static struct ttm_device ttm_bench_bdev;
static struct dentry *ttm_bench_file;
static struct lrupool_bench_result ttm_bench_last = {
	.lock = __MUTEX_INITIALIZER(ttm_bench_last.lock),
};

static const struct ttm_device_funcs ttm_bench_funcs = {
};

/* One "key=value": 0 or -EINVAL. */
static int ttm_bench_parse_opt(struct ttm_bench *b, char *opt)
{
	char *key = strsep(&opt, "=");
	unsigned long v;
	int i;

	if (!opt || !*opt)
		return -EINVAL;
	if (!strcmp(key, "caching")) {
		i = match_string(ttm_bench_caching_names,
				 ARRAY_SIZE(ttm_bench_caching_names), opt);
		if (i < 0)
			return -EINVAL;
		b->caching = i;
		return 0;
	}
	if (kstrtoul(opt, 10, &v) || !v)
		return -EINVAL;
	if (!strcmp(key, "pages") && v <= TTM_BENCH_MAX_PAGES)
		b->pages = v;
	else if (!strcmp(key, "iters") && v <= TTM_BENCH_MAX_ITERS)
		b->iters = v;
	else if (!strcmp(key, "rounds") && v <= TTM_BENCH_MAX_ROUNDS)
		b->rounds = v;
	else
		return -EINVAL;
	return 0;
}

/* "alloc [key=value...]" into @b: 0 or -EINVAL. */
static int ttm_bench_parse(struct ttm_bench *b, char *line)
{
	char *field;
	int err;

	b->caching = ttm_write_combined;
	b->pages = 1;
	b->iters = 64;
	b->rounds = 9;
	field = strsep(&line, " ");
	if (strcmp(field, "alloc"))
		return -EINVAL;
	while ((field = strsep(&line, " "))) {
		if (!*field)
			continue;
		err = ttm_bench_parse_opt(b, field);
		if (err)
			return err;
	}
	return 0;
}

/* One round: fill b->iters tts, then empty them, every call timed. */
static int ttm_bench_round(struct ttm_bench *b, u64 *ns)
{
	struct ttm_operation_ctx ctx = { .interruptible = true };
	unsigned long i, n;
	int err = 0;
	u64 t0;

	for (n = 0; n < b->iters; n++) {
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		t0 = ktime_get_ns();
		err = ttm_pool_alloc(&ttm_bench_bdev.pool, &b->tts[n], &ctx);
		ns[0] += ktime_get_ns() - t0;
		if (err)
			break;	/* the failed one holds nothing */
	}
	for (i = 0; i < n; i++) {
		t0 = ktime_get_ns();
		ttm_pool_free(&ttm_bench_bdev.pool, &b->tts[i]);
		ns[1] += ktime_get_ns() - t0;
	}
	cond_resched();
	return err;
}

/* Append figure @fig of @b: "@name caching=C size=N rounds=R ...". */
static size_t ttm_bench_report(struct ttm_bench *b, int fig, const char *name,
			       char *out, size_t len)
{
	size_t n;

	n = scnprintf(out, len, "%s caching=%s size=%lu", name,
		      ttm_bench_caching_names[b->caching], b->pages);
	return n + lrupool_bench_format(out + n, len - n, b->ps[fig], b->rounds,
					b->iters * b->pages);
}

/* Make @b's buffer object and tts: 0 or an error. */
static int ttm_bench_tts_init(struct ttm_bench *b)
{
	unsigned long i;
	int err;

	b->bo = kzalloc(sizeof(*b->bo), GFP_KERNEL);
	b->tts = kvcalloc(b->iters, sizeof(*b->tts), GFP_KERNEL);
	if (!b->bo || !b->tts)
		return -ENOMEM;
	b->bo->base.size = b->pages << PAGE_SHIFT;
	b->bo->bdev = &ttm_bench_bdev;
	b->bo->type = ttm_bo_type_kernel;
	for (i = 0; i < b->iters; i++) {
		err = ttm_tt_init(&b->tts[i], b->bo, 0, b->caching, 0);
		if (err) {
			while (i--)
				ttm_tt_fini(&b->tts[i]);
			return err;
		}
	}
	return 0;
}

/* Run @b: the untimed round, then the timed ones; 0 or an error. */
static int ttm_bench_run(struct ttm_bench *b)
{
	unsigned long i, nr = b->iters * b->pages;
	unsigned int r;
	u64 ns[2];
	int err;

	err = ttm_bench_tts_init(b);
	if (err)
		goto out_free;
	for (r = 0; r <= b->rounds && !err; r++) {
		ns[0] = 0;
		ns[1] = 0;
		err = ttm_bench_round(b, ns);
		if (err || !r)
			continue;
		b->ps[0][r - 1] = div64_u64(ns[0] * 1000, nr);
		b->ps[1][r - 1] = div64_u64(ns[1] * 1000, nr);
	}
	for (i = 0; i < b->iters; i++)
		ttm_tt_fini(&b->tts[i]);
out_free:
	kvfree(b->tts);
	kfree(b->bo);
	return err;
}

static ssize_t ttm_bench_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	struct ttm_bench *b;
	char *line;
	size_t out;
	int err;

	line = lrupool_bench_line(ubuf, len, ppos);
	if (IS_ERR(line))
		return PTR_ERR(line);
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b) {
		kfree(line);
		return -ENOMEM;
	}
	err = ttm_bench_parse(b, line);
	kfree(line);
	if (!err)
		err = mutex_lock_killable(&ttm_bench_last.lock);
	if (!err) {
		err = ttm_bench_run(b);
		ttm_bench_last.len = 0;
		if (!err) {
			out = ttm_bench_report(b, 0, "ttm_alloc",
					       ttm_bench_last.buf,
					       sizeof(ttm_bench_last.buf));
			out += ttm_bench_report(b, 1, "ttm_free",
						ttm_bench_last.buf + out,
						sizeof(ttm_bench_last.buf) - out);
			ttm_bench_last.len = out;
		}
		mutex_unlock(&ttm_bench_last.lock);
	}
	kfree(b);
	return err ?: len;
}

static ssize_t ttm_bench_read(struct file *file, char __user *ubuf,
			      size_t len, loff_t *ppos)
{
	return lrupool_bench_result_read(&ttm_bench_last, ubuf, len, ppos);
}

static const struct file_operations ttm_bench_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.read = ttm_bench_read,
	.write = ttm_bench_write,
	.llseek = default_llseek,
};

static int __init ttm_bench_init(void)
{
	int err;

	ttm_bench_dev = root_device_register("lrupool_ttm_bench");
	if (IS_ERR(ttm_bench_dev))
		return PTR_ERR(ttm_bench_dev);
	drm_vma_offset_manager_init(&ttm_bench_vma, 1, 1);
	err = ttm_device_init(&ttm_bench_bdev, &ttm_bench_funcs, ttm_bench_dev,
			      NULL, &ttm_bench_vma, 0);
	if (err)
		goto err_unregister;
	ttm_bench_file = debugfs_create_file("lrupool_ttm_bench", 0600, NULL,
					     NULL, &ttm_bench_fops);
	return 0;

err_unregister:
	drm_vma_offset_manager_destroy(&ttm_bench_vma);
	root_device_unregister(ttm_bench_dev);
	return err;
}

static void __exit ttm_bench_exit(void)
{
	debugfs_remove(ttm_bench_file);
	ttm_device_fini(&ttm_bench_bdev);
	drm_vma_offset_manager_destroy(&ttm_bench_vma);
	root_device_unregister(ttm_bench_dev);
}

module_init(ttm_bench_init);
module_exit(ttm_bench_exit);

MODULE_DESCRIPTION("DRM TTM's page pool timed as lrupool's benchmark times lrupool");
MODULE_LICENSE("GPL");
