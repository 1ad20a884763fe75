/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/lrupool: dma-bufs whose pages come from lrupool's page pool.
 *
 * A process opens /dev/lrupool and asks for a buffer with
 * LRUPOOL_IOCTL_ALLOC. The answer is a dma-buf file descriptor
 * (O_CLOEXEC, O_RDWR): mmap() it to use the pages, pass it to another
 * process or driver like any dma-buf, close it to give the pages back.
 *
 * The pages come from the calling task's memory cgroup's lists, then each
 * ancestor's, then the page allocator; fresh pages are charged to the
 * calling task's cgroup. Every page reads as zero when the buffer is made.
 * When the last reference to the buffer goes, whoever drops it, its pages
 * return to the lists of the cgroup they are charged to (the parent's if
 * that cgroup is gone), or to the system once the pool is full.
 *
 * The request is versioned by its size, as kernel uAPIs are: a newer
 * program may pass a longer struct whose extra bytes are zero; an older
 * kernel refuses non-zero extra bytes with E2BIG, and a struct shorter
 * than the first version with EINVAL.
 */
#ifndef _UAPI_LINUX_LRUPOOL_H
#define _UAPI_LINUX_LRUPOOL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Caching modes, struct lrupool_alloc.caching */
#define LRUPOOL_CACHING_WB	0	/* write-back, "cached" */
#define LRUPOOL_CACHING_WC	1	/* write-combined */
#define LRUPOOL_CACHING_UC	2	/* uncached */

/* struct lrupool_alloc.flags */
/* Take every page from .node; without it, .node must be 0 and the pages
 * come from the node with memory nearest to the calling CPU.
 */
#define LRUPOOL_ALLOC_NODE	(1U << 0)
#define LRUPOOL_ALLOC_FLAGS	(LRUPOOL_ALLOC_NODE)

/**
 * struct lrupool_alloc - LRUPOOL_IOCTL_ALLOC's request and answer
 * @size: in: bytes, a non-zero multiple of the page size
 * @caching: in: LRUPOOL_CACHING_*
 * @node: in: a NUMA node with memory, with LRUPOOL_ALLOC_NODE
 * @flags: in: LRUPOOL_ALLOC_*
 * @fd: out: the dma-buf's file descriptor
 * @reserved: must be zero
 */
struct lrupool_alloc {
	__u64 size;
	__u32 caching;
	__s32 node;
	__u32 flags;
	__s32 fd;
	__u64 reserved[2];
};

#define LRUPOOL_ALLOC_SIZE_VER0	40	/* sizeof the first published struct */

#define LRUPOOL_IOCTL_BASE	'l'
#define LRUPOOL_IOCTL_ALLOC	_IOWR(LRUPOOL_IOCTL_BASE, 0x40, struct lrupool_alloc)

#endif /* _UAPI_LINUX_LRUPOOL_H */
