// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs control plane, /sys/kernel/debug/lrupool/: commands to drive
 * the pools and files to observe them, in the formats of the kernel's
 * shrinker debugfs. The contract is the README below (and the project's
 * control-plane document); every command is parsed into a bounded buffer
 * with an exact field count and succeeds whole or changes nothing.
 *
 * The module works without debugfs: nothing here is checked for failure.
 *
 * Locking: none of its own. A memcg reference is held only for the length
 * of one command; counting walks the memcg tree under rcu_read_lock().
 */

#include <linux/cgroup.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/memcontrol.h>
#include <linux/nodemask.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/stdarg.h>
#include <linux/uaccess.h>

#include "internal.h"

#define LRUPOOL_CMD_MAX		128	/* bytes in one command line */

static struct dentry *lrupool_debugfs_root;

static const char lrupool_readme[] =
"lrupool: a memcg-aware LRU pool, driven from debugfs\n"
"\n"
"Directories are 0700; files are 0400 (read), 0200 (write) or 0600.\n"
"A command is one line of space-separated fields, written in one write.\n"
"The writer's memcg is the memory cgroup of the writing task; a cgroup-id\n"
"is what 'stat -c %i /sys/fs/cgroup/<path>' prints (the root is 1); a nid\n"
"is a NUMA node with memory; when omitted, the writer's node or, if it\n"
"has none, the nearest node with memory. Errors: EINVAL\n"
"malformed line, unknown key, bad nid, caching or order, zero count;\n"
"ENOENT unknown or offline cgroup-id, unknown buffer; EEXIST buffer name in\n"
"use; E2BIG a count above max_request_pages; ENOMEM memory not available.\n"
"\n"
"README        r  this text\n"
"\n"
"objects/      generic slab objects charged to the memcg that made them\n"
"  add         w  <nr> [<nid>]: allocate nr objects charged to the writer's\n"
"                 memcg on node nid and give them to the pool\n"
"  take        w  <nr> [<nid>]: take up to nr objects for the writer's memcg\n"
"                 on node nid, from its own list, then its parent's, up to\n"
"                 the root's (fallback=none: its own list only), and free\n"
"                 them\n"
"  count       r  <cgroup-id> <n_node0> <n_node1> ... per memcg holding any\n"
"  scan        w  <cgroup-id> <nid> <nr_to_scan>: run the shrinker's scan\n"
"                 once on that memcg's list on that node\n"
"  stats       r  entries, added, taken_local, taken_ancestor, shrink_freed,\n"
"                 object_size\n"
"\n"
"pages/        a GPU-style page pool per caching mode (wb, wc, uc) and\n"
"              order (0 to 9); counts are in pages\n"
"  alloc       w  <name> <nr_pages> [caching=wb|wc|uc] [order=<max order>]\n"
"                 [nid=<nid>]: make buffer name (1-32 of [A-Za-z0-9_.-])\n"
"                 owned by the writer's memcg; defaults wc, 9, the writer's\n"
"                 node. Chunks go largest order first, each from the pool\n"
"                 (own list, then each ancestor's up to the root's, on that\n"
"                 node) or freshly allocated, charged to the writer's memcg\n"
"                 and switched to the caching mode. EEXIST: name in use\n"
"  free        w  <name>: pages return to the list of the memcg they are\n"
"                 charged to, or to the system (as write-back) once the\n"
"                 pool holds pool_limit_pages. ENOENT: no such buffer\n"
"  buffers     r  <name> <owner-cgroup-id> <nr_pages> <caching> <borrowed>\n"
"  count       r  <cgroup-id> <caching> <order> <n_node0> <n_node1> ...\n"
"  scan        w  <cgroup-id> <nid> <nr_to_scan>: run the shrinker's scan of\n"
"                 the page pools once on that memcg's lists on that node:\n"
"                 wb, then uc, then wc, highest order first, whole chunks\n"
"  stats       r  pooled, in_use, hit_local, hit_ancestor, miss, given,\n"
"                 released, caching_changes, shrink_freed, max_order,\n"
"                 buffers\n"
"\n"
"Module parameters (/sys/module/lrupool/parameters/):\n"
"  fallback           ancestors (child-to-root lookup) or none\n"
"  pool_limit_pages   pages the page pool may hold (default: half of RAM)\n"
"  max_request_pages  the largest count one command may ask for\n";

/*
 * Copy one command line from user space into @buf of @size bytes,
 * NUL-terminated. A command is one write at offset 0 of fewer than @size
 * bytes; a trailing newline is dropped, and any other newline or a NUL
 * refuses the line.
 * Return: the length of the line (0 for an empty line), -EINVAL or -EFAULT.
 */
static int lrupool_cmd_copy(char *buf, size_t size, const char __user *ubuf,
			    size_t len, loff_t *ppos)
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

/*
 * Copy one command from user space into @buf (of LRUPOOL_CMD_MAX bytes) and
 * split it into at most @max fields. A trailing newline is accepted, any
 * other control of the line structure is not.
 * Return: the number of fields, or -EINVAL.
 */
static int lrupool_cmd_split(const char __user *ubuf, size_t len,
			     loff_t *ppos, char *buf, char **argv, int max)
{
	char *cur = buf, *field;
	int argc = 0, err;

	err = lrupool_cmd_copy(buf, LRUPOOL_CMD_MAX, ubuf, len, ppos);
	if (err < 0)
		return err;
	while ((field = strsep(&cur, " "))) {
		if (!*field)
			continue;
		if (argc == max)
			return -EINVAL;
		argv[argc++] = field;
	}
	return argc;
}

/* A count: 1 to max_request_pages. */
static int lrupool_parse_count(const char *s, unsigned long *nr)
{
	int err = kstrtoul(s, 10, nr);

	if (err == -ERANGE)
		return -E2BIG;
	if (err || !*nr)
		return -EINVAL;
	if (*nr > READ_ONCE(lrupool_max_request_pages))
		return -E2BIG;
	return 0;
}

/* A node id: a node with memory. */
static int lrupool_parse_nid(const char *s, int *nid)
{
	if (kstrtoint(s, 10, nid))
		return -EINVAL;
	if (*nid < 0 || *nid >= nr_node_ids || !node_state(*nid, N_MEMORY))
		return -EINVAL;
	return 0;
}

/* "<nr> [<nid>]", the nid defaulting to the writer's node. */
static int lrupool_parse_count_nid(const char __user *ubuf, size_t len,
				   loff_t *ppos, unsigned long *nr, int *nid)
{
	char buf[LRUPOOL_CMD_MAX], *argv[2];
	int argc, err;

	argc = lrupool_cmd_split(ubuf, len, ppos, buf, argv, ARRAY_SIZE(argv));
	if (argc < 0)
		return argc;
	if (argc < 1)
		return -EINVAL;
	err = lrupool_parse_count(argv[0], nr);
	if (err)
		return err;
	if (argc < 2) {
		/* The writer's node, or its nearest with memory. */
		*nid = lrupool_mem_node(numa_node_id());
		return 0;
	}
	return lrupool_parse_nid(argv[1], nid);
}

/* The writer's memcg, with a reference (NULL if memcg is disabled). */
static struct mem_cgroup *lrupool_writer_memcg_get(void)
{
	return lrupool_memcg_get_current();
}

/* The root memcg, which is never freed (NULL if memcg is disabled). */
static struct mem_cgroup *lrupool_root_memcg(void)
{
	struct mem_cgroup *memcg, *root, *parent;

	memcg = lrupool_writer_memcg_get();
	if (!memcg)
		return NULL;
	root = memcg;
	while ((parent = parent_mem_cgroup(root)))
		root = parent;
	mem_cgroup_put(memcg);
	return root;
}

/*
 * One "count" line of @pool for @memcg, if its lists hold anything: the
 * line's key from @fmt, then one count per node in the shrinker's units.
 */
static __printf(4, 5) void lrupool_seq_count_one(struct seq_file *m,
						 struct lrupool *pool,
						 struct mem_cgroup *memcg,
						 const char *fmt, ...)
{
	unsigned long total = 0;
	va_list args;
	int nid;

	for (nid = 0; nid < nr_node_ids; nid++)
		total += lrupool_count_one(pool, nid, memcg);
	if (!total)
		return;
	va_start(args, fmt);
	seq_vprintf(m, fmt, args);
	va_end(args);
	for (nid = 0; nid < nr_node_ids; nid++)
		seq_printf(m, " %lu",
			   lrupool_count_one(pool, nid, memcg) * pool->weight);
	seq_putc(m, '\n');
}

typedef void (*lrupool_seq_memcg_fn)(struct seq_file *m,
				     struct mem_cgroup *memcg, u64 id);

/* Call @fn for every online memcg, root first, under rcu_read_lock(). */
static void lrupool_seq_each_memcg(struct seq_file *m, lrupool_seq_memcg_fn fn)
{
	struct mem_cgroup *root = lrupool_root_memcg();
	struct cgroup_subsys_state *css;
	struct mem_cgroup *memcg;

	if (!root) {
		fn(m, NULL, 1);
		return;
	}
	rcu_read_lock();
	css_for_each_descendant_pre(css, &root->css) {
		memcg = mem_cgroup_from_css(css);
		/* An offline memcg resolves to its parent's lists. */
		if (!mem_cgroup_online(memcg))
			continue;
		fn(m, memcg, cgroup_ino(css->cgroup));
	}
	rcu_read_unlock();
}

typedef unsigned long (*lrupool_scan_fn)(struct mem_cgroup *memcg, int nid,
					 unsigned long nr_to_scan);

/*
 * "<cgroup-id> <nid> <nr_to_scan>": run a shrinker's own scan once, as
 * reclaim and the kernel's shrinker debugfs do (@scan).
 */
static ssize_t lrupool_scan_write(lrupool_scan_fn scan,
				  const char __user *ubuf, size_t len,
				  loff_t *ppos)
{
	char buf[LRUPOOL_CMD_MAX], *argv[3];
	struct mem_cgroup *memcg;
	int argc, nid, err;
	unsigned long nr;
	u64 id;

	argc = lrupool_cmd_split(ubuf, len, ppos, buf, argv, ARRAY_SIZE(argv));
	if (argc < 0)
		return argc;
	if (argc != 3 || kstrtou64(argv[0], 10, &id))
		return -EINVAL;
	err = lrupool_parse_nid(argv[1], &nid);
	if (!err)
		err = lrupool_parse_count(argv[2], &nr);
	if (err)
		return err;

	memcg = lrupool_memcg_get_from_id(id);
	if (!memcg)
		return -ENOENT;
	err = lrupool_memcg_check(memcg);
	if (!err)
		scan(memcg, nid, nr);
	mem_cgroup_put(memcg);
	return err ?: len;
}

static int lrupool_readme_show(struct seq_file *m, void *unused)
{
	seq_puts(m, lrupool_readme);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lrupool_readme);

typedef int (*lrupool_writer_cmd)(struct mem_cgroup *memcg, int nid,
				  unsigned long nr);

/* "<nr> [<nid>]": run @cmd for the writer's memcg. */
static ssize_t lrupool_writer_cmd_write(const char __user *ubuf, size_t len,
					loff_t *ppos, lrupool_writer_cmd cmd)
{
	struct mem_cgroup *memcg;
	unsigned long nr;
	int nid, err;

	err = lrupool_parse_count_nid(ubuf, len, ppos, &nr, &nid);
	if (err)
		return err;
	memcg = lrupool_writer_memcg_get();
	err = lrupool_memcg_check(memcg) ?: cmd(memcg, nid, nr);
	mem_cgroup_put(memcg);
	return err ?: len;
}

static ssize_t lrupool_objects_add_write(struct file *file,
					 const char __user *ubuf, size_t len,
					 loff_t *ppos)
{
	return lrupool_writer_cmd_write(ubuf, len, ppos, lrupool_objects_add);
}

/* Taking fewer than asked, even none, is not an error. */
static int lrupool_objects_take_cmd(struct mem_cgroup *memcg, int nid,
				    unsigned long nr)
{
	lrupool_objects_take(memcg, nid, nr, READ_ONCE(lrupool_fallback));
	return 0;
}

static ssize_t lrupool_objects_take_write(struct file *file,
					  const char __user *ubuf, size_t len,
					  loff_t *ppos)
{
	return lrupool_writer_cmd_write(ubuf, len, ppos,
					lrupool_objects_take_cmd);
}

static ssize_t lrupool_objects_scan_write(struct file *file,
					  const char __user *ubuf, size_t len,
					  loff_t *ppos)
{
	return lrupool_scan_write(lrupool_objects_scan, ubuf, len, ppos);
}

static void lrupool_objects_count_memcg(struct seq_file *m,
					struct mem_cgroup *memcg, u64 id)
{
	lrupool_seq_count_one(m, lrupool_objects_pool(), memcg, "%llu", id);
}

static int lrupool_objects_stats_show(struct seq_file *m, void *unused)
{
	struct lrupool_objects_stats st;

	lrupool_objects_read_stats(&st);
	seq_printf(m, "entries %lu\n", st.entries);
	seq_printf(m, "added %lu\n", st.added);
	seq_printf(m, "taken_local %lu\n", st.taken_local);
	seq_printf(m, "taken_ancestor %lu\n", st.taken_ancestor);
	seq_printf(m, "shrink_freed %lu\n", st.shrink_freed);
	seq_printf(m, "object_size %d\n", LRUPOOL_OBJECT_SIZE);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lrupool_objects_stats);

/* pages/alloc's options after the name and size: key=value, each once. */
enum lrupool_alloc_key {
	LRUPOOL_ALLOC_CACHING,
	LRUPOOL_ALLOC_ORDER,
	LRUPOOL_ALLOC_NID,
};

static const char * const lrupool_alloc_keys[] = {
	[LRUPOOL_ALLOC_CACHING] = "caching",
	[LRUPOOL_ALLOC_ORDER] = "order",
	[LRUPOOL_ALLOC_NID] = "nid",
};

/**
 * struct lrupool_alloc_args - a parsed pages/alloc command
 * @nr_pages: the size
 * @caching: an &enum lrupool_caching
 * @order: the largest order
 * @nid: the node
 * @seen: the keys given so far, a bit per &enum lrupool_alloc_key
 */
struct lrupool_alloc_args {
	unsigned long nr_pages;
	int caching;
	unsigned int order;
	int nid;
	unsigned int seen;
};

/* One "key=value" option of pages/alloc: 0 or -EINVAL. */
static int lrupool_parse_alloc_opt(char *opt, struct lrupool_alloc_args *args)
{
	char *key = strsep(&opt, "=");
	int k = match_string(lrupool_alloc_keys, ARRAY_SIZE(lrupool_alloc_keys),
			     key);

	if (k < 0 || !opt || !*opt || (args->seen & BIT(k)))
		return -EINVAL;
	args->seen |= BIT(k);
	switch (k) {
	case LRUPOOL_ALLOC_CACHING:
		args->caching = lrupool_caching_parse(opt);
		return args->caching < 0 ? -EINVAL : 0;
	case LRUPOOL_ALLOC_ORDER:
		if (kstrtouint(opt, 10, &args->order) ||
		    args->order > LRUPOOL_PAGES_MAX_ORDER)
			return -EINVAL;
		return 0;
	default:
		return lrupool_parse_nid(opt, &args->nid);
	}
}

/* "<name> <nr_pages> [caching=..] [order=..] [nid=..]" */
static ssize_t lrupool_pages_alloc_write(struct file *file,
					 const char __user *ubuf, size_t len,
					 loff_t *ppos)
{
	struct lrupool_alloc_args args = {
		.caching = LRUPOOL_CACHING_WC,
		.order = LRUPOOL_PAGES_MAX_ORDER,
		.nid = lrupool_mem_node(numa_node_id()),
	};
	char buf[LRUPOOL_CMD_MAX], *argv[5];
	struct mem_cgroup *memcg;
	int argc, i, err;

	argc = lrupool_cmd_split(ubuf, len, ppos, buf, argv, ARRAY_SIZE(argv));
	if (argc < 0)
		return argc;
	if (argc < 2 || !lrupool_buffer_name_valid(argv[0]))
		return -EINVAL;
	err = lrupool_parse_count(argv[1], &args.nr_pages);
	for (i = 2; !err && i < argc; i++)
		err = lrupool_parse_alloc_opt(argv[i], &args);
	if (err)
		return err;

	memcg = lrupool_writer_memcg_get();
	err = lrupool_buffer_alloc(argv[0], memcg, args.nr_pages, args.caching,
				   args.order, args.nid);
	mem_cgroup_put(memcg);
	return err ?: len;
}

/* "<name>" */
static ssize_t lrupool_pages_free_write(struct file *file,
					const char __user *ubuf, size_t len,
					loff_t *ppos)
{
	char buf[LRUPOOL_CMD_MAX], *argv[1];
	int argc, err;

	argc = lrupool_cmd_split(ubuf, len, ppos, buf, argv, ARRAY_SIZE(argv));
	if (argc < 0)
		return argc;
	if (argc != 1 || !lrupool_buffer_name_valid(argv[0]))
		return -EINVAL;
	err = lrupool_buffer_free(argv[0]);
	return err ?: len;
}

static ssize_t lrupool_pages_scan_write(struct file *file,
					const char __user *ubuf, size_t len,
					loff_t *ppos)
{
	return lrupool_scan_write(lrupool_page_pool_scan, ubuf, len, ppos);
}

static void lrupool_pages_buffer_show(void *m,
				      const struct lrupool_buffer_info *info)
{
	seq_printf(m, "%s %llu %lu %s %lu\n", info->name, info->owner,
		   info->nr_pages, lrupool_caching_name(info->caching),
		   info->borrowed);
}

static int lrupool_pages_buffers_show(struct seq_file *m, void *unused)
{
	lrupool_buffers_walk(lrupool_pages_buffer_show, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lrupool_pages_buffers);

/* Lines of @memcg: caching modes in the order wb, wc, uc, then orders. */
static void lrupool_pages_count_memcg(struct seq_file *m,
				      struct mem_cgroup *memcg, u64 id)
{
	unsigned int c, order;

	for (c = 0; c < LRUPOOL_NR_CACHING; c++)
		for (order = 0; order < LRUPOOL_PAGES_NR_ORDERS; order++)
			lrupool_seq_count_one(m,
					      lrupool_page_pool_core(lrupool_buffers_pool(),
								     c, order),
					      memcg, "%llu %s %u", id,
					      lrupool_caching_name(c), order);
}

/*
 * A count file: one or more lines per online memcg, from the
 * lrupool_seq_memcg_fn stored as the file's data.
 */
static int lrupool_count_show(struct seq_file *m, void *unused)
{
	lrupool_seq_each_memcg(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lrupool_count);

static int lrupool_pages_stats_show(struct seq_file *m, void *unused)
{
	struct lrupool_page_pool_stats st;

	lrupool_page_pool_read_stats(lrupool_buffers_pool(), &st);
	seq_printf(m, "pooled %lu\n", st.pooled);
	seq_printf(m, "in_use %lu\n", st.in_use);
	seq_printf(m, "hit_local %lu\n", st.hit_local);
	seq_printf(m, "hit_ancestor %lu\n", st.hit_ancestor);
	seq_printf(m, "miss %lu\n", st.miss);
	seq_printf(m, "given %lu\n", st.given);
	seq_printf(m, "released %lu\n", st.released);
	seq_printf(m, "caching_changes %lu\n", st.caching_changes);
	seq_printf(m, "shrink_freed %lu\n", st.shrink_freed);
	seq_printf(m, "max_order %d\n", LRUPOOL_PAGES_MAX_ORDER);
	seq_printf(m, "buffers %lu\n", lrupool_buffers_count());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lrupool_pages_stats);

#define LRUPOOL_WRITE_FOPS(name)					\
static const struct file_operations name##_fops = {			\
	.owner = THIS_MODULE,						\
	.open = simple_open,						\
	.write = name##_write,						\
}

LRUPOOL_WRITE_FOPS(lrupool_objects_add);
LRUPOOL_WRITE_FOPS(lrupool_objects_take);
LRUPOOL_WRITE_FOPS(lrupool_objects_scan);
LRUPOOL_WRITE_FOPS(lrupool_pages_alloc);
LRUPOOL_WRITE_FOPS(lrupool_pages_free);
LRUPOOL_WRITE_FOPS(lrupool_pages_scan);

/* debugfs makes directories 0755; the contract says 0700. */
static struct dentry *lrupool_debugfs_dir(const char *name,
					  struct dentry *parent)
{
	struct dentry *dir = debugfs_create_dir(name, parent);
	struct inode *inode;

	if (IS_ERR_OR_NULL(dir))
		return dir;
	inode = d_inode(dir);
	inode_lock(inode);
	inode->i_mode = S_IFDIR | 0700;
	inode_unlock(inode);
	return dir;
}

/**
 * lrupool_debugfs_init() - create /sys/kernel/debug/lrupool/
 *
 * Context: module init, after the pools exist.
 */
void lrupool_debugfs_init(void)
{
	struct dentry *dir;

	lrupool_debugfs_root = lrupool_debugfs_dir("lrupool", NULL);
	debugfs_create_file("README", 0400, lrupool_debugfs_root, NULL,
			    &lrupool_readme_fops);

	dir = lrupool_debugfs_dir("objects", lrupool_debugfs_root);
	debugfs_create_file("add", 0200, dir, NULL, &lrupool_objects_add_fops);
	debugfs_create_file("take", 0200, dir, NULL,
			    &lrupool_objects_take_fops);
	debugfs_create_file("count", 0400, dir, lrupool_objects_count_memcg,
			    &lrupool_count_fops);
	debugfs_create_file("scan", 0200, dir, NULL,
			    &lrupool_objects_scan_fops);
	debugfs_create_file("stats", 0400, dir, NULL,
			    &lrupool_objects_stats_fops);

	dir = lrupool_debugfs_dir("pages", lrupool_debugfs_root);
	debugfs_create_file("alloc", 0200, dir, NULL, &lrupool_pages_alloc_fops);
	debugfs_create_file("free", 0200, dir, NULL, &lrupool_pages_free_fops);
	debugfs_create_file("buffers", 0400, dir, NULL,
			    &lrupool_pages_buffers_fops);
	debugfs_create_file("count", 0400, dir, lrupool_pages_count_memcg,
			    &lrupool_count_fops);
	debugfs_create_file("scan", 0200, dir, NULL, &lrupool_pages_scan_fops);
	debugfs_create_file("stats", 0400, dir, NULL,
			    &lrupool_pages_stats_fops);
}

/**
 * lrupool_debugfs_exit() - remove /sys/kernel/debug/lrupool/
 *
 * Waits for commands in progress.
 *
 * Context: module exit, before the pools go away.
 */
void lrupool_debugfs_exit(void)
{
	debugfs_remove(lrupool_debugfs_root);
	lrupool_debugfs_root = NULL;
}
