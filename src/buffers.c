// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane's named buffers, on the module's own page-pool
 * instance: a client of the page pool like any driver, which names its
 * allocations so that debugfs commands can refer to them.
 *
 * A buffer is a &struct lrupool_pages with a name, the cgroup id of its
 * owner and a live flag. Making one reserves the name first (the buffer
 * is on the list, not live), then allocates from the instance without the
 * lock, then makes it live; freeing takes it off the list, then frees its
 * pages without the lock.
 *
 * Locking: lrupool_buffers_lock (a mutex) protects the list of buffers,
 * the names in it, each buffer's @live flag and the count of live ones. It
 * is taken alone: never together with a list_lru lock, and never around an
 * allocation or a free of pages. A buffer that is not live (being made) or
 * off the list (being freed) belongs to the one command working on it.
 */

#include <linux/cgroup.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "internal.h"

/* Buffers are charged too; fail rather than OOM-kill or warn. */
#define LRUPOOL_BUFFER_GFP \
	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/**
 * struct lrupool_buffer - a named allocation owned by one memcg
 * @link: in lrupool_buffers, under lrupool_buffers_lock
 * @pages: the pages; see "Locking" above
 * @name: NUL-terminated, valid per lrupool_buffer_name_valid()
 * @owner: cgroup id of the memcg that allocated the buffer
 * @live: made and not being freed; under lrupool_buffers_lock
 */
struct lrupool_buffer {
	struct list_head link;
	struct lrupool_pages pages;
	char name[LRUPOOL_BUFFER_NAME_MAX + 1];
	u64 owner;
	bool live;
};

static struct lrupool_page_pool lrupool_buffers_page_pool;
static DEFINE_MUTEX(lrupool_buffers_lock);
static LIST_HEAD(lrupool_buffers);		/* under lrupool_buffers_lock */
static unsigned long lrupool_nr_buffers;	/* live ones, same lock */

/**
 * lrupool_buffers_pool() - the module's page-pool instance
 *
 * Return: the instance the named buffers come from.
 */
struct lrupool_page_pool *lrupool_buffers_pool(void)
{
	return &lrupool_buffers_page_pool;
}

/**
 * lrupool_buffer_name_valid() - is @name a valid buffer name?
 * @name: NUL-terminated
 *
 * Return: true for 1 to %LRUPOOL_BUFFER_NAME_MAX characters of
 * [A-Za-z0-9_.-].
 */
bool lrupool_buffer_name_valid(const char *name)
{
	size_t len = strnlen(name, LRUPOOL_BUFFER_NAME_MAX + 1);
	char c;

	if (!len || len > LRUPOOL_BUFFER_NAME_MAX)
		return false;
	while ((c = *name++)) {
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '-'))
			return false;
	}
	return true;
}

/* The buffer named @name, live or not. Caller holds lrupool_buffers_lock. */
static struct lrupool_buffer *__lrupool_buffer_find(const char *name)
{
	struct lrupool_buffer *buf;

	lockdep_assert_held(&lrupool_buffers_lock);
	list_for_each_entry(buf, &lrupool_buffers, link)
		if (!strcmp(buf->name, name))
			return buf;
	return NULL;
}

/* Claim @buf's name by putting it on the list, not live: 0 or -EEXIST. */
static int lrupool_buffer_reserve(struct lrupool_buffer *buf)
{
	int err = 0;

	mutex_lock(&lrupool_buffers_lock);
	if (__lrupool_buffer_find(buf->name))
		err = -EEXIST;
	else
		list_add_tail(&buf->link, &lrupool_buffers);
	mutex_unlock(&lrupool_buffers_lock);
	return err;
}

static void lrupool_buffer_unreserve(struct lrupool_buffer *buf)
{
	mutex_lock(&lrupool_buffers_lock);
	list_del(&buf->link);
	mutex_unlock(&lrupool_buffers_lock);
}

static void lrupool_buffer_publish(struct lrupool_buffer *buf)
{
	mutex_lock(&lrupool_buffers_lock);
	buf->live = true;
	lrupool_nr_buffers++;
	mutex_unlock(&lrupool_buffers_lock);
}

/* A new, empty buffer owned by @memcg and charged to it, or NULL. */
static struct lrupool_buffer *lrupool_buffer_new(const char *name,
						 struct mem_cgroup *memcg)
{
	struct lrupool_buffer *buf;
	struct mem_cgroup *old;

	old = set_active_memcg(memcg);
	buf = kzalloc(sizeof(*buf), LRUPOOL_BUFFER_GFP);
	set_active_memcg(old);
	if (!buf)
		return NULL;
	strscpy(buf->name, name, sizeof(buf->name));
	buf->owner = memcg ? cgroup_ino(memcg->css.cgroup) : 1;
	return buf;
}

/**
 * lrupool_buffer_alloc() - make a named buffer of pages
 * @name: its name, unique among buffers
 * @memcg: the memcg that owns it and is charged for fresh pages, with a
 *	reference held by the caller
 * @nr_pages: its size, at least 1
 * @caching: the caching mode of its pages
 * @max_order: the largest chunk, 0 to %LRUPOOL_PAGES_MAX_ORDER
 * @nid: the node every page comes from
 *
 * All or nothing (see lrupool_page_pool_alloc()).
 *
 * Context: process context, may sleep; takes lrupool_buffers_lock.
 * Return: 0, -EINVAL for a bad argument, -EEXIST when @name is in use,
 * -ENOMEM when @memcg or @nid cannot provide the memory, or -EINTR on a
 * fatal signal.
 */
int lrupool_buffer_alloc(const char *name, struct mem_cgroup *memcg,
			 unsigned long nr_pages, enum lrupool_caching caching,
			 unsigned int max_order, int nid)
{
	struct lrupool_buffer *buf;
	int err;

	if (!lrupool_buffer_name_valid(name))
		return -EINVAL;
	buf = lrupool_buffer_new(name, memcg);
	if (!buf)
		return -ENOMEM;
	err = lrupool_buffer_reserve(buf);
	if (err)
		goto err_free_buf;
	err = lrupool_page_pool_alloc(&lrupool_buffers_page_pool, &buf->pages,
				      memcg, nr_pages, caching, max_order,
				      nid);
	if (err)
		goto err_unreserve;
	lrupool_buffer_publish(buf);
	return 0;

err_unreserve:
	lrupool_buffer_unreserve(buf);
err_free_buf:
	kfree(buf);
	return err;
}

/**
 * lrupool_buffer_free() - free a named buffer, its pages back to the pool
 * @name: the buffer's name
 *
 * Context: process context, may sleep; takes lrupool_buffers_lock.
 * Return: 0, or -ENOENT when no live buffer has that name.
 */
int lrupool_buffer_free(const char *name)
{
	struct lrupool_buffer *buf;

	mutex_lock(&lrupool_buffers_lock);
	buf = __lrupool_buffer_find(name);
	if (buf && buf->live) {
		list_del(&buf->link);
		lrupool_nr_buffers--;
	} else {
		buf = NULL;
	}
	mutex_unlock(&lrupool_buffers_lock);
	if (!buf)
		return -ENOENT;

	lrupool_page_pool_free(&lrupool_buffers_page_pool, &buf->pages);
	kfree(buf);
	return 0;
}

/**
 * lrupool_buffers_walk() - call @fn for every live buffer, oldest first
 * @fn: the callback; it must not call back into the buffers
 * @arg: passed to @fn
 *
 * Context: process context; @fn runs under lrupool_buffers_lock.
 */
void lrupool_buffers_walk(void (*fn)(void *arg,
				     const struct lrupool_buffer_info *info),
			  void *arg)
{
	struct lrupool_buffer_info info;
	struct lrupool_buffer *buf;

	mutex_lock(&lrupool_buffers_lock);
	list_for_each_entry(buf, &lrupool_buffers, link) {
		if (!buf->live)
			continue;
		info.name = buf->name;
		info.owner = buf->owner;
		info.nr_pages = buf->pages.nr_pages;
		info.caching = buf->pages.caching;
		info.borrowed = buf->pages.borrowed;
		fn(arg, &info);
	}
	mutex_unlock(&lrupool_buffers_lock);
}

/**
 * lrupool_buffers_count() - live buffers now
 *
 * Context: process context; takes lrupool_buffers_lock.
 * Return: the count.
 */
unsigned long lrupool_buffers_count(void)
{
	unsigned long nr;

	mutex_lock(&lrupool_buffers_lock);
	nr = lrupool_nr_buffers;
	mutex_unlock(&lrupool_buffers_lock);
	return nr;
}

/**
 * lrupool_buffers_init() - set up the module's page-pool instance
 * @limit_pages: its limit (pool_limit_pages)
 * @fallback: its lookup (fallback)
 *
 * Context: module init, after lrupool_page_pool_mgr_init().
 * Return: 0 or -ENOMEM.
 */
int lrupool_buffers_init(unsigned long limit_pages,
			 enum lrupool_fallback fallback)
{
	return lrupool_page_pool_init(&lrupool_buffers_page_pool, "lrupool",
				      limit_pages, fallback);
}

/**
 * lrupool_buffers_exit() - free every buffer, then the instance
 *
 * Context: module exit, after the control plane's files are gone.
 */
void lrupool_buffers_exit(void)
{
	struct lrupool_buffer *buf, *next;

	/* Straight back to the system: nothing to clear and pool first. */
	lrupool_page_pool_set_limit(&lrupool_buffers_page_pool, 0);
	list_for_each_entry_safe(buf, next, &lrupool_buffers, link) {
		list_del(&buf->link);
		lrupool_page_pool_free(&lrupool_buffers_page_pool, &buf->pages);
		kfree(buf);
	}
	lrupool_nr_buffers = 0;
	lrupool_page_pool_fini(&lrupool_buffers_page_pool);
}
