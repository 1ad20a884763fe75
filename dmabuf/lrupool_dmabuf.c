// SPDX-License-Identifier: GPL-2.0
/*
 * lrupool_dmabuf: /dev/lrupool, dma-bufs whose pages come from a page pool.
 *
 * A consumer of lrupool's page pool, written as a driver would write one:
 * it embeds its own &struct lrupool_page_pool and hands its pages to user
 * space as dma-bufs (see include/uapi/linux/lrupool.h for the request).
 *
 * The pool's rules, as this driver follows them:
 *
 * - Whose memcg: the calling task's own, looked up at the ioctl. Its lists
 *   are asked first, then each ancestor's, then the page allocator, whose
 *   fresh pages are charged to it. No memcg reference outlives the ioctl:
 *   every chunk carries its own charge, so a buffer may outlive its cgroup.
 * - Which node: LRUPOOL_ALLOC_NODE's node, which must have memory, or the
 *   node with memory nearest to the calling CPU (lrupool_mem_node()).
 * - What happens at release: when the last reference to the dma-buf goes,
 *   whoever drops it and from whichever cgroup, every chunk returns to the
 *   list of the memcg it is charged to (the parent's once that cgroup is
 *   gone, the ancestor's for a borrowed chunk), or to the system once the
 *   instance pools its limit. Release runs from the last fput() of the
 *   dma-buf's file, in process context (task work, or the kernel's
 *   delayed-fput worker), as lrupool_page_pool_free() requires.
 * - Mappings: an order > 0 chunk is not a compound page, so user mappings
 *   are made by PFN, with the pgprot of the pages' caching mode, which the
 *   pool has already given the kernel's linear map (x86 PAT wants both the
 *   same).
 *
 * Every dma-buf holds a reference on this module (its .owner): rmmod is
 * refused while a buffer lives. No dma-buf heap is registered, since a
 * heap can never be removed.
 *
 * /sys/kernel/debug/lrupool_dmabuf/ shows the instance as lrupool's
 * pages/ does: "stats" (key-value counters, plus "borrowed" and "buffers")
 * and "count" (pooled pages per cgroup-id, caching, order and node).
 *
 * Locking: dmabuf_params_lock orders a change of pool_limit_pages against
 * init and exit. A buffer's pages are set at the ioctl and read-only until
 * release; the dma-buf core serialises vmap and vunmap.
 */

#include <linux/cgroup.h>
#include <linux/debugfs.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iosys-map.h>
#include <linux/memcontrol.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/topology.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <lrupool/page_pool.h>
/*
 * After lrupool/page_pool.h: the uAPI's LRUPOOL_CACHING_* macros name the
 * values of the pool's &enum lrupool_caching, so a request's caching is
 * the pool's as it stands.
 */
#include <uapi/linux/lrupool.h>

static_assert(LRUPOOL_CACHING_UC + 1 == LRUPOOL_NR_CACHING);

LRUPOOL_MODULE_IMPORT_NS();
/*
 * The dma-buf exports' namespace, declared as LRUPOOL_MODULE_IMPORT_NS()
 * declares lrupool's: the same modinfo string whether MODULE_IMPORT_NS()
 * takes an identifier (before 6.13) or a string literal.
 */
MODULE_INFO(import_ns, "DMA_BUF");

/* Bookkeeping is charged to the caller too, and fails rather than OOM. */
#define DMABUF_GFP	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/**
 * struct dmabuf_buffer - one dma-buf's pages
 * @pages: from the instance; set at the ioctl, given back at release
 * @nr_chunks: chunks in @pages, the entries of an sg table
 */
struct dmabuf_buffer {
	struct lrupool_pages pages;
	unsigned int nr_chunks;
};

/**
 * struct dmabuf_device - the driver: a misc device and its page pool
 * @pool: the embedded page-pool instance
 * @misc: /dev/lrupool
 * @dir: the debugfs directory
 * @buffers: live buffers
 * @borrowed: pages of live buffers that came from an ancestor's list
 * @ready: the instance exists (dmabuf_params_lock)
 */
struct dmabuf_device {
	struct lrupool_page_pool pool;
	struct miscdevice misc;
	struct dentry *dir;
	atomic_long_t buffers;
	atomic_long_t borrowed;
	bool ready;
};

static struct dmabuf_device dmabuf_dev;
static DEFINE_MUTEX(dmabuf_params_lock);

/* --- parameters ---------------------------------------------------------- */

static ushort dev_mode = 0600;
static unsigned long pool_limit_pages;	/* set at init unless given */
static bool pool_limit_given;
static unsigned long max_buffer_pages = 262144;

static int dmabuf_dev_mode_set(const char *val, const struct kernel_param *kp)
{
	u16 mode;

	/* Read and write bits only: a device node is never executable. */
	if (kstrtou16(val, 8, &mode) || (mode & ~0666))
		return -EINVAL;
	dev_mode = mode;
	return 0;
}

static int dmabuf_dev_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%04o\n", dev_mode);
}

static const struct kernel_param_ops dmabuf_dev_mode_ops = {
	.set = dmabuf_dev_mode_set,
	.get = dmabuf_dev_mode_get,
};
module_param_cb(dev_mode, &dmabuf_dev_mode_ops, NULL, 0444);
MODULE_PARM_DESC(dev_mode,
		 "Mode of /dev/lrupool, octal, read and write bits only (default 0600: root only; 0666 lets every user allocate, charged to its own cgroup)");

static int dmabuf_pool_limit_set(const char *val,
				 const struct kernel_param *kp)
{
	unsigned long nr;

	if (kstrtoul(val, 10, &nr))
		return -EINVAL;
	mutex_lock(&dmabuf_params_lock);
	WRITE_ONCE(pool_limit_pages, nr);
	pool_limit_given = true;
	if (dmabuf_dev.ready)
		lrupool_page_pool_set_limit(&dmabuf_dev.pool, nr);
	mutex_unlock(&dmabuf_params_lock);
	return 0;
}

static const struct kernel_param_ops dmabuf_pool_limit_ops = {
	.set = dmabuf_pool_limit_set,
	.get = param_get_ulong,
};
module_param_cb(pool_limit_pages, &dmabuf_pool_limit_ops, &pool_limit_pages,
		0644);
MODULE_PARM_DESC(pool_limit_pages,
		 "Pages the instance may pool; a release beyond it returns pages to the system (default: half of RAM, as TTM; 0 pools nothing; lowering it stops growth, it does not trim)");

static int dmabuf_max_buffer_set(const char *val,
				 const struct kernel_param *kp)
{
	unsigned long nr;

	/* More than RAM cannot succeed. */
	if (kstrtoul(val, 10, &nr) || !nr || nr > totalram_pages())
		return -EINVAL;
	WRITE_ONCE(max_buffer_pages, nr);
	return 0;
}

static const struct kernel_param_ops dmabuf_max_buffer_ops = {
	.set = dmabuf_max_buffer_set,
	.get = param_get_ulong,
};
module_param_cb(max_buffer_pages, &dmabuf_max_buffer_ops, &max_buffer_pages,
		0644);
MODULE_PARM_DESC(max_buffer_pages,
		 "The largest buffer, in pages; larger requests fail with E2BIG (default 262144 = 1 GiB, at most the pages of RAM; 1 to the pages of RAM)");

/* --- the dma-buf ----------------------------------------------------------- */

/* The pgprot of @caching's pages, on top of @prot. */
static pgprot_t dmabuf_pgprot(enum lrupool_caching caching, pgprot_t prot)
{
	switch (caching) {
	case LRUPOOL_CACHING_WC:
		return pgprot_writecombine(prot);
	case LRUPOOL_CACHING_UC:
		return pgprot_noncached(prot);
	default:
		return prot;
	}
}

/*
 * Map the buffer from the vma's offset on, chunk by chunk, by PFN: tail
 * pages of a chunk have no reference of their own to take.
 */
static int dmabuf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct dmabuf_buffer *buf = dmabuf->priv;
	unsigned long addr = vma->vm_start, skip = vma->vm_pgoff, n, len;
	struct lrupool_chunk *chunk;
	int err;

	/* A private (copy-on-write) mapping of PFNs cannot be made. */
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	vma->vm_page_prot = dmabuf_pgprot(buf->pages.caching,
					  vma->vm_page_prot);
	/* The dma-buf core has checked that the vma fits in the buffer. */
	lrupool_pages_for_each_chunk(chunk, &buf->pages) {
		n = 1UL << lrupool_chunk_order(chunk);
		if (skip >= n) {
			skip -= n;
			continue;
		}
		len = min((n - skip) << PAGE_SHIFT, vma->vm_end - addr);
		err = remap_pfn_range(vma, addr, page_to_pfn(chunk->page) + skip,
				      len, vma->vm_page_prot);
		if (err)
			return err;
		addr += len;
		skip = 0;
		if (addr == vma->vm_end)
			break;
		cond_resched();
	}
	return 0;
}

/*
 * A kernel mapping of the whole buffer, with the caching's pgprot. The
 * dma-buf core counts vmaps: this runs for the first, vunmap for the last.
 */
static int dmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dmabuf_buffer *buf = dmabuf->priv;
	unsigned long i, n, nr = buf->pages.nr_pages, k = 0;
	struct lrupool_chunk *chunk;
	struct page **pages;
	void *vaddr;

	pages = kvmalloc_array(nr, sizeof(*pages), GFP_KERNEL | __GFP_NOWARN);
	if (!pages)
		return -ENOMEM;
	lrupool_pages_for_each_chunk(chunk, &buf->pages) {
		n = 1UL << lrupool_chunk_order(chunk);
		for (i = 0; i < n; i++)
			pages[k++] = chunk->page + i;
	}
	vaddr = vmap(pages, nr, VM_MAP,
		     dmabuf_pgprot(buf->pages.caching, PAGE_KERNEL));
	kvfree(pages);
	if (!vaddr)
		return -ENOMEM;
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static void dmabuf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	vunmap(map->vaddr);
}

/* An sg table for an importer's device: one entry per chunk. */
static struct sg_table *dmabuf_map(struct dma_buf_attachment *attach,
				   enum dma_data_direction dir)
{
	struct dmabuf_buffer *buf = attach->dmabuf->priv;
	struct lrupool_chunk *chunk;
	struct scatterlist *sg;
	struct sg_table *sgt;
	int err;

	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	err = sg_alloc_table(sgt, buf->nr_chunks, GFP_KERNEL | __GFP_NOWARN);
	if (err)
		goto err_free_sgt;
	sg = sgt->sgl;
	lrupool_pages_for_each_chunk(chunk, &buf->pages) {
		sg_set_page(sg, chunk->page,
			    PAGE_SIZE << lrupool_chunk_order(chunk), 0);
		sg = sg_next(sg);
	}
	err = dma_map_sgtable(attach->dev, sgt, dir, 0);
	if (err)
		goto err_free_table;
	return sgt;

err_free_table:
	sg_free_table(sgt);
err_free_sgt:
	kfree(sgt);
	return ERR_PTR(err);
}

static void dmabuf_unmap(struct dma_buf_attachment *attach,
			 struct sg_table *sgt, enum dma_data_direction dir)
{
	dma_unmap_sgtable(attach->dev, sgt, dir, 0);
	sg_free_table(sgt);
	kfree(sgt);
}

/*
 * The last reference is gone, from whichever process and cgroup: every
 * chunk returns to the list of the memcg it is charged to, or to the
 * system past the limit. Process context (the last fput()'s task work or
 * the delayed-fput worker), as lrupool_page_pool_free() requires.
 */
static void dmabuf_release(struct dma_buf *dmabuf)
{
	struct dmabuf_buffer *buf = dmabuf->priv;

	atomic_long_sub(buf->pages.borrowed, &dmabuf_dev.borrowed);
	lrupool_page_pool_free(&dmabuf_dev.pool, &buf->pages);
	kfree(buf);
	atomic_long_dec(&dmabuf_dev.buffers);
}

/*
 * No begin/end_cpu_access: the CPU sees the pages through their own
 * caching mode, and x86's DMA is coherent with the CPU's caches. An
 * exporter for a non-coherent architecture would sync each attachment's
 * mapped table there, as the system heap does.
 */
static const struct dma_buf_ops dmabuf_ops = {
	.map_dma_buf = dmabuf_map,
	.unmap_dma_buf = dmabuf_unmap,
	.release = dmabuf_release,
	.mmap = dmabuf_mmap,
	.vmap = dmabuf_vmap,
	.vunmap = dmabuf_vunmap,
};

/* --- the ioctl ------------------------------------------------------------- */

/*
 * Check a request; on success @nr_pages and @nid say what to allocate.
 * Return: 0, -EINVAL, -E2BIG, or -ENOMEM when no node has memory.
 */
static int dmabuf_request_check(const struct lrupool_alloc *req,
				unsigned long *nr_pages, int *nid)
{
	if (req->reserved[0] || req->reserved[1] ||
	    (req->flags & ~LRUPOOL_ALLOC_FLAGS) ||
	    req->caching >= LRUPOOL_NR_CACHING)
		return -EINVAL;
	if (!req->size || !PAGE_ALIGNED(req->size))
		return -EINVAL;
	/* In u64: a size need not fit in an unsigned long. */
	if (req->size >> PAGE_SHIFT >
	    min(READ_ONCE(max_buffer_pages), totalram_pages()))
		return -E2BIG;
	*nr_pages = req->size >> PAGE_SHIFT;
	if (!(req->flags & LRUPOOL_ALLOC_NODE)) {
		if (req->node)
			return -EINVAL;
		/* The node with memory nearest to the calling CPU. */
		*nid = lrupool_mem_node(numa_node_id());
		return *nid == NUMA_NO_NODE ? -ENOMEM : 0;
	}
	/* As lrupool's control plane: a node that exists and has memory. */
	if (req->node < 0 || req->node >= nr_node_ids ||
	    !node_state(req->node, N_MEMORY))
		return -EINVAL;
	*nid = req->node;
	return 0;
}

/*
 * Fill @buf, which a dma-buf already owns, with @nr_pages pages on @nid
 * for the calling task's memcg. All or nothing: on failure @buf stays
 * empty.
 */
static int dmabuf_buffer_fill(struct dmabuf_buffer *buf,
			      unsigned long nr_pages,
			      enum lrupool_caching caching, int nid)
{
	struct lrupool_chunk *chunk;
	struct mem_cgroup *memcg;
	int err;

	/*
	 * The caller's own memcg: its lists first, then its ancestors';
	 * fresh pages are charged to it. The chunks carry their charge, so
	 * the reference goes as soon as the pages are there.
	 */
	memcg = lrupool_memcg_get_current();
	err = lrupool_page_pool_alloc(&dmabuf_dev.pool, &buf->pages, memcg,
				      nr_pages, caching,
				      LRUPOOL_PAGES_MAX_ORDER, nid);
	mem_cgroup_put(memcg);
	if (err)
		return err;
	lrupool_pages_for_each_chunk(chunk, &buf->pages)
		buf->nr_chunks++;
	atomic_long_add(buf->pages.borrowed, &dmabuf_dev.borrowed);
	return 0;
}

/* A new dma-buf for @buf, empty yet, of @size bytes, read-write. */
static struct dma_buf *dmabuf_export(struct dmabuf_buffer *buf, u64 size)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);	/* .owner: THIS_MODULE */
	struct dma_buf *dmabuf;

	exp_info.ops = &dmabuf_ops;
	exp_info.size = size;
	exp_info.flags = O_RDWR;
	exp_info.priv = buf;
	dmabuf = dma_buf_export(&exp_info);
	if (!IS_ERR(dmabuf))
		atomic_long_inc(&dmabuf_dev.buffers);
	return dmabuf;
}

/*
 * LRUPOOL_IOCTL_ALLOC for a checked @req: make the buffer and answer with
 * its fd. The dma-buf comes first, empty: its file and the bookkeeping are
 * small, charged as any open() is; the pages, the large part, come last,
 * so that a full memory.max fails here, with ENOMEM, and nothing else.
 * The fd is installed only once the answer has reached the caller.
 */
static int dmabuf_alloc(struct lrupool_alloc *req,
			struct lrupool_alloc __user *uarg,
			unsigned long nr_pages, int nid)
{
	struct dmabuf_buffer *buf;
	struct dma_buf *dmabuf;
	int fd, err;

	buf = kzalloc(sizeof(*buf), DMABUF_GFP);
	if (!buf)
		return -ENOMEM;
	INIT_LIST_HEAD(&buf->pages.chunks);
	dmabuf = dmabuf_export(buf, req->size);
	if (IS_ERR(dmabuf)) {
		kfree(buf);
		return PTR_ERR(dmabuf);
	}
	/* From here dma_buf_put() undoes everything, through release. */
	err = dmabuf_buffer_fill(buf, nr_pages, req->caching, nid);
	if (err)
		goto err_put;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto err_put;
	}
	req->fd = fd;
	if (copy_to_user(uarg, req, sizeof(*req))) {
		err = -EFAULT;
		goto err_put_fd;
	}
	fd_install(fd, dmabuf->file);
	return 0;

err_put_fd:
	put_unused_fd(fd);
err_put:
	dma_buf_put(dmabuf);
	return err;
}

static long dmabuf_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct lrupool_alloc __user *uarg = (void __user *)arg;
	struct lrupool_alloc req;
	unsigned long nr_pages;
	size_t usize = _IOC_SIZE(cmd);
	int nid, err;

	/* One ioctl, versioned by its size: any size but the same command. */
	if (_IOC_TYPE(cmd) != _IOC_TYPE(LRUPOOL_IOCTL_ALLOC) ||
	    _IOC_NR(cmd) != _IOC_NR(LRUPOOL_IOCTL_ALLOC) ||
	    _IOC_DIR(cmd) != _IOC_DIR(LRUPOOL_IOCTL_ALLOC))
		return -ENOTTY;
	if (usize < LRUPOOL_ALLOC_SIZE_VER0)
		return -EINVAL;
	/* A longer struct from a newer program: E2BIG unless its tail is 0. */
	err = copy_struct_from_user(&req, sizeof(req), uarg, usize);
	if (err)
		return err;
	err = dmabuf_request_check(&req, &nr_pages, &nid);
	if (err)
		return err;
	return dmabuf_alloc(&req, uarg, nr_pages, nid);
}

static const struct file_operations dmabuf_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = dmabuf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/* --- debugfs --------------------------------------------------------------- */

static int dmabuf_stats_show(struct seq_file *m, void *unused)
{
	struct lrupool_page_pool_stats st;

	lrupool_page_pool_read_stats(&dmabuf_dev.pool, &st);
	seq_printf(m, "pooled %lu\nin_use %lu\n", st.pooled, st.in_use);
	seq_printf(m, "borrowed %ld\n", atomic_long_read(&dmabuf_dev.borrowed));
	seq_printf(m, "hit_local %lu\nhit_ancestor %lu\nmiss %lu\n",
		   st.hit_local, st.hit_ancestor, st.miss);
	seq_printf(m, "given %lu\nreleased %lu\n", st.given, st.released);
	seq_printf(m, "caching_changes %lu\nshrink_freed %lu\n",
		   st.caching_changes, st.shrink_freed);
	seq_printf(m, "max_order %d\n", LRUPOOL_PAGES_MAX_ORDER);
	seq_printf(m, "buffers %ld\n", atomic_long_read(&dmabuf_dev.buffers));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dmabuf_stats);

/*
 * @memcg's lines, "<cgroup-id> <caching> <order> <pages on node 0> ...",
 * for each non-empty list, as lrupool's pages/count prints them.
 */
static void dmabuf_count_memcg(struct seq_file *m, struct mem_cgroup *memcg,
			       u64 id)
{
	unsigned long total, weight;
	struct lrupool *core;
	unsigned int c, order;
	int nid;

	for (c = 0; c < LRUPOOL_NR_CACHING; c++) {
		for (order = 0; order < LRUPOOL_PAGES_NR_ORDERS; order++) {
			core = lrupool_page_pool_core(&dmabuf_dev.pool, c,
						      order);
			weight = core->weight;
			total = 0;
			for (nid = 0; nid < nr_node_ids; nid++)
				total += lrupool_count_one(core, nid, memcg);
			if (!total)
				continue;
			seq_printf(m, "%llu %s %u", id,
				   lrupool_caching_name(c), order);
			for (nid = 0; nid < nr_node_ids; nid++)
				seq_printf(m, " %lu", weight *
					   lrupool_count_one(core, nid, memcg));
			seq_putc(m, '\n');
		}
	}
}

/* Every online memcg, root first; an offline one's lists are its parent's. */
static int dmabuf_count_show(struct seq_file *m, void *unused)
{
	struct mem_cgroup *memcg, *root, *parent;
	struct cgroup_subsys_state *css;

	memcg = lrupool_memcg_get_current();
	if (!memcg) {
		dmabuf_count_memcg(m, NULL, 1);
		return 0;
	}
	/* The root memcg is never freed. */
	for (root = memcg; (parent = parent_mem_cgroup(root)); )
		root = parent;
	mem_cgroup_put(memcg);
	rcu_read_lock();
	css_for_each_descendant_pre(css, &root->css) {
		memcg = mem_cgroup_from_css(css);
		if (mem_cgroup_online(memcg))
			dmabuf_count_memcg(m, memcg, cgroup_ino(css->cgroup));
	}
	rcu_read_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dmabuf_count);

/* --- init and exit --------------------------------------------------------- */

static int dmabuf_pool_init(void)
{
	int err;

	mutex_lock(&dmabuf_params_lock);
	if (!pool_limit_given)
		pool_limit_pages = totalram_pages() / 2;
	err = lrupool_page_pool_init(&dmabuf_dev.pool, KBUILD_MODNAME,
				     pool_limit_pages,
				     LRUPOOL_FALLBACK_ANCESTORS);
	dmabuf_dev.ready = !err;
	mutex_unlock(&dmabuf_params_lock);
	return err;
}

static void dmabuf_pool_exit(void)
{
	mutex_lock(&dmabuf_params_lock);
	dmabuf_dev.ready = false;
	mutex_unlock(&dmabuf_params_lock);
	/* Every buffer is gone: each held a reference on the module. */
	lrupool_page_pool_fini(&dmabuf_dev.pool);
}

static int __init dmabuf_init(void)
{
	int err;

	err = dmabuf_pool_init();
	if (err)
		return err;
	dmabuf_dev.dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_file("stats", 0400, dmabuf_dev.dir, NULL,
			    &dmabuf_stats_fops);
	debugfs_create_file("count", 0400, dmabuf_dev.dir, NULL,
			    &dmabuf_count_fops);
	/* Last: from here on, user space can allocate. */
	dmabuf_dev.misc.minor = MISC_DYNAMIC_MINOR;
	dmabuf_dev.misc.name = "lrupool";
	dmabuf_dev.misc.fops = &dmabuf_fops;
	dmabuf_dev.misc.mode = dev_mode;
	err = misc_register(&dmabuf_dev.misc);
	if (err)
		goto err_remove_debugfs;
	return 0;

err_remove_debugfs:
	debugfs_remove(dmabuf_dev.dir);
	dmabuf_pool_exit();
	return err;
}

static void __exit dmabuf_exit(void)
{
	misc_deregister(&dmabuf_dev.misc);
	debugfs_remove(dmabuf_dev.dir);
	dmabuf_pool_exit();
}

module_init(dmabuf_init);
module_exit(dmabuf_exit);

MODULE_DESCRIPTION("/dev/lrupool: dma-bufs from a memcg-aware page pool");
MODULE_LICENSE("GPL");
