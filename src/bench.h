/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-kernel benchmark of the pool paths (src/bench.c), reached through
 * /sys/kernel/debug/lrupool/bench, and what its trigger shares with the
 * control plane (src/debugfs.c: reading a command line) and with the TTM
 * peer (bench/ttm/, a module of its own: the command line, the figures'
 * format and the last result). Kernel headers only, so that bench/ttm can
 * include it without the rest of lrupool.
 */
#ifndef _LRUPOOL_BENCH_H
#define _LRUPOOL_BENCH_H

#include <linux/errno.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/types.h>
#include <linux/uaccess.h>

struct dentry;

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
 * lrupool_cmd_copy() - copy one command line from user space
 * @buf: where to put it, NUL-terminated
 * @size: bytes in @buf
 * @ubuf: the write's buffer
 * @len: the write's length
 * @ppos: the write's position
 *
 * A command is one write at offset 0 of fewer than @size bytes; a trailing
 * newline is dropped, and any other newline or a NUL refuses the line.
 *
 * Context: process context; may fault.
 * Return: the length of the line in @buf (0 for an empty line), -EINVAL
 * or -EFAULT.
 */
static inline int lrupool_cmd_copy(char *buf, size_t size,
				   const char __user *ubuf, size_t len,
				   loff_t *ppos)
{
	if (*ppos || !len || len >= size)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (strlen(buf) != len || strchr(buf, '\n'))
		return -EINVAL;
	return len;
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

/**
 * lrupool_bench_debugfs_init() - create the benchmark's trigger file
 * @dir: lrupool's debugfs directory; an error pointer or NULL creates
 *	nothing
 *
 * The file goes away with @dir (debugfs_remove() of the directory waits
 * for a run in progress).
 *
 * Context: module init, after the pools exist.
 */
void lrupool_bench_debugfs_init(struct dentry *dir);

#endif /* _LRUPOOL_BENCH_H */
