// SPDX-License-Identifier: GPL-2.0
/*
 * lrupool: module init and exit, and the module parameters.
 *
 * Init builds bottom up: the library's module-wide state (the page pools'
 * descriptor cache and shrinker), then the control plane (the objects
 * pool, the module's page-pool instance with its named buffers, debugfs);
 * exit is its mirror: debugfs goes first (waiting for commands in
 * progress), then the buffers and the instance (every page, caching
 * restored), the objects pool, and the module-wide state.
 *
 * Parameters are the control plane's: fallback and pool_limit_pages are
 * pushed into the module's instance when they change, under
 * lrupool_params_lock, which also orders a change against init and exit.
 */

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/string.h>

#include "internal.h"

int lrupool_fallback = LRUPOOL_FALLBACK_ANCESTORS;
unsigned long lrupool_max_request_pages = 262144;
static unsigned long lrupool_pool_limit_pages;	/* set at init unless given */
static bool lrupool_pool_limit_given;
static DEFINE_MUTEX(lrupool_params_lock);
static bool lrupool_ready;		/* the instance exists; params lock */

static const char * const lrupool_fallback_names[] = {
	[LRUPOOL_FALLBACK_NONE] = "none",
	[LRUPOOL_FALLBACK_ANCESTORS] = "ancestors",
};

static int lrupool_fallback_set(const char *val, const struct kernel_param *kp)
{
	int i = sysfs_match_string(lrupool_fallback_names, val);

	if (i < 0)
		return -EINVAL;
	mutex_lock(&lrupool_params_lock);
	WRITE_ONCE(lrupool_fallback, i);
	if (lrupool_ready)
		lrupool_page_pool_set_fallback(lrupool_buffers_pool(), i);
	mutex_unlock(&lrupool_params_lock);
	return 0;
}

static int lrupool_fallback_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%s\n",
			 lrupool_fallback_names[READ_ONCE(lrupool_fallback)]);
}

static const struct kernel_param_ops lrupool_fallback_ops = {
	.set = lrupool_fallback_set,
	.get = lrupool_fallback_get,
};
module_param_cb(fallback, &lrupool_fallback_ops, NULL, 0644);
MODULE_PARM_DESC(fallback,
		 "Where a memcg's lookup may take from: \"ancestors\" (its own list, then each ancestor's up to the root's; default) or \"none\" (its own list only)");

static int lrupool_max_request_set(const char *val,
				   const struct kernel_param *kp)
{
	unsigned long nr;

	/* More than RAM cannot succeed, and sizes would overflow kvmalloc. */
	if (kstrtoul(val, 10, &nr) || !nr || nr > totalram_pages())
		return -EINVAL;
	WRITE_ONCE(lrupool_max_request_pages, nr);
	return 0;
}

static const struct kernel_param_ops lrupool_max_request_ops = {
	.set = lrupool_max_request_set,
	.get = param_get_ulong,
};
module_param_cb(max_request_pages, &lrupool_max_request_ops,
		&lrupool_max_request_pages, 0644);
MODULE_PARM_DESC(max_request_pages,
		 "The largest count one command may ask for, in pages or objects (default 262144 = 1 GiB of pages; 1 to the pages of RAM)");

static int lrupool_pool_limit_set(const char *val,
				  const struct kernel_param *kp)
{
	unsigned long nr;

	if (kstrtoul(val, 10, &nr))
		return -EINVAL;
	mutex_lock(&lrupool_params_lock);
	WRITE_ONCE(lrupool_pool_limit_pages, nr);
	lrupool_pool_limit_given = true;
	if (lrupool_ready)
		lrupool_page_pool_set_limit(lrupool_buffers_pool(), nr);
	mutex_unlock(&lrupool_params_lock);
	return 0;
}

static const struct kernel_param_ops lrupool_pool_limit_ops = {
	.set = lrupool_pool_limit_set,
	.get = param_get_ulong,
};
module_param_cb(pool_limit_pages, &lrupool_pool_limit_ops,
		&lrupool_pool_limit_pages, 0644);
MODULE_PARM_DESC(pool_limit_pages,
		 "Pages the page pool may hold in total; freeing beyond it returns pages to the system (default: half of RAM, as TTM; 0 pools nothing; lowering it stops growth, it does not trim)");

/* Set up the module's page-pool instance with the parameters' values. */
static int lrupool_instance_init(void)
{
	int err;

	mutex_lock(&lrupool_params_lock);
	if (!lrupool_pool_limit_given)
		lrupool_pool_limit_pages = totalram_pages() / 2;
	err = lrupool_buffers_init(lrupool_pool_limit_pages, lrupool_fallback);
	lrupool_ready = !err;
	mutex_unlock(&lrupool_params_lock);
	return err;
}

static void lrupool_instance_exit(void)
{
	mutex_lock(&lrupool_params_lock);
	lrupool_ready = false;
	mutex_unlock(&lrupool_params_lock);
	lrupool_buffers_exit();
}

static int __init lrupool_module_init(void)
{
	int err;

	err = lrupool_page_pool_mgr_init();
	if (err)
		return err;
	err = lrupool_objects_init();
	if (err)
		goto err_mgr_fini;
	/* Per-memcg pools are what lrupool shows: without them, do not load. */
	if (!lrupool_memcg_aware(lrupool_objects_pool())) {
		pr_err("lrupool: memory cgroups or their kmem accounting are off (cgroup_disable=memory, cgroup.memory=nokmem): every cgroup's lists would be the root's; not loading\n");
		err = -EOPNOTSUPP;
		goto err_objects_exit;
	}
	err = lrupool_instance_init();
	if (err)
		goto err_objects_exit;
	lrupool_debugfs_init();
	return 0;

err_objects_exit:
	lrupool_objects_exit();
err_mgr_fini:
	lrupool_page_pool_mgr_fini();
	return err;
}

static void __exit lrupool_module_exit(void)
{
	lrupool_debugfs_exit();
	lrupool_instance_exit();
	lrupool_objects_exit();
	lrupool_page_pool_mgr_fini();
}

module_init(lrupool_module_init);
module_exit(lrupool_module_exit);

MODULE_DESCRIPTION("A memcg-aware LRU pool and page pool on list_lru, exported, with a debugfs control plane");
MODULE_LICENSE("GPL");
