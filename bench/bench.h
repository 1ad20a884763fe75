/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmark modules share: lrupool's (bench/pool/,
 * /sys/kernel/debug/lrupool/bench) and its DRM TTM peer's (bench/ttm/,
 * /sys/kernel/debug/lrupool_ttm_bench). Each has a trigger file: a run is
 * one line written to it, and reading it gives the figures of the last run
 * that succeeded, in one format. Kernel headers only, so that either
 * module can include it without the rest of lrupool.
 */
#ifndef _LRUPOOL_BENCH_H
#define _LRUPOOL_BENCH_H

#include <linux/err.h>
#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/types.h>

/* Bytes of a trigger's line, its newline and NUL included, at most. */
#define LRUPOOL_BENCH_LINE_MAX	128

/* Bytes of figures one run reports at most. */
#define LRUPOOL_BENCH_OUT_MAX	1024

/**
 * struct lrupool_bench_result - the figures of a trigger's last run
 * @lock: serialises runs and guards @buf and @len
 * @buf: the figures, as the trigger file shows them
 * @len: bytes in @buf; 0 until a run succeeds, and after a run fails
 */
struct lrupool_bench_result {
	struct mutex lock;	/* serialises runs; guards buf and len */
	char buf[LRUPOOL_BENCH_OUT_MAX];
	size_t len;
};

/**
 * lrupool_bench_line() - the line a write to a trigger file carries
 * @ubuf: the write's buffer
 * @len: the write's length
 * @ppos: the write's position
 *
 * A run is asked for by one write, at offset 0, of one line shorter than
 * %LRUPOOL_BENCH_LINE_MAX bytes. The line may end with a newline, which is
 * not part of it; an empty line, a line holding a NUL and a write of more
 * than one line are refused.
 *
 * Context: process context; may fault and sleep.
 * Return: the line, NUL-terminated, for the caller to kfree(); or
 * ERR_PTR(-EINVAL), ERR_PTR(-EFAULT) or ERR_PTR(-ENOMEM).
 */
static inline char *lrupool_bench_line(const char __user *ubuf, size_t len,
				       loff_t *ppos)
{
	size_t n;
	char *line;

	if (*ppos != 0 || len == 0 || len >= LRUPOOL_BENCH_LINE_MAX)
		return ERR_PTR(-EINVAL);
	line = memdup_user_nul(ubuf, len);
	if (IS_ERR(line))
		return line;
	n = strcspn(line, "\n");
	/* Nothing may follow the first newline but the end of the write. */
	if (n == 0 || n < len - 1 || (n == len - 1 && line[n] != '\n')) {
		kfree(line);
		return ERR_PTR(-EINVAL);
	}
	line[n] = '\0';
	return line;
}

static inline int lrupool_bench_cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/**
 * lrupool_bench_format() - the end of a figure's line
 * @buf: where to write
 * @size: bytes left in @buf
 * @ps: picoseconds per page of each timed round; sorted in place
 * @rounds: how many, at least 1
 * @pages: pages per round
 *
 * Writes " rounds=R pages=P median=M min=m max=x" and a newline, the times
 * in nanoseconds per page with three decimals.
 *
 * Context: any context.
 * Return: the bytes written.
 */
static inline size_t lrupool_bench_format(char *buf, size_t size, u64 *ps,
					  unsigned int rounds,
					  unsigned long pages)
{
	u64 median, lo, hi;

	sort(ps, rounds, sizeof(*ps), lrupool_bench_cmp_u64, NULL);
	median = rounds & 1 ? ps[rounds / 2] :
		 (ps[rounds / 2 - 1] + ps[rounds / 2]) / 2;
	lo = ps[0];
	hi = ps[rounds - 1];
	return scnprintf(buf, size,
			 " rounds=%u pages=%lu median=%llu.%03llu min=%llu.%03llu max=%llu.%03llu\n",
			 rounds, pages, median / 1000, median % 1000,
			 lo / 1000, lo % 1000, hi / 1000, hi % 1000);
}

/**
 * lrupool_bench_result_read() - read handler of a trigger file
 * @res: the trigger's last result
 * @ubuf: the read's buffer
 * @len: the read's length
 * @ppos: the read's position
 *
 * Context: process context; takes @res->lock, killable.
 * Return: the bytes read, or -EINTR.
 */
static inline ssize_t lrupool_bench_result_read(struct lrupool_bench_result *res,
						char __user *ubuf, size_t len,
						loff_t *ppos)
{
	ssize_t ret;

	if (mutex_lock_killable(&res->lock))
		return -EINTR;
	ret = simple_read_from_buffer(ubuf, len, ppos, res->buf, res->len);
	mutex_unlock(&res->lock);
	return ret;
}

#endif /* _LRUPOOL_BENCH_H */
