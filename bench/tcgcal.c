// SPDX-License-Identifier: GPL-2.0
/*
 * tcgcal: how much slower QEMU's TCG runs each kind of work the benchmark
 * times, measured by running the same user-space loops on the host's CPU
 * and in the guest. scripts/bench builds it (static) and runs it in both
 * places; the ratios say whether a ratio measured under TCG understates or
 * overstates one on hardware: a page pool hit is list and lock work, a
 * pool-less allocation is mostly zeroing a page and flushing its cache
 * lines.
 *
 * Output: "CAL <name> <ns per op>", the fastest of ROUNDS rounds:
 *	zero_page	memset() of a 4 KiB page, over 1 MiB of pages
 *	clflush_page	clflush of the 64 lines of a page just written, then
 *			mfence (what a caching switch does to each page)
 *	list_lock	a spinlock taken and released around moving a node
 *			from one list to another (a pool's take or give)
 *	call_chain	eight calls through function pointers, each loading
 *			through a pointer (the shape of the kernel's list_lru
 *			and xarray calls)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <x86intrin.h>

#define ROUNDS	9
#define PAGE	4096
#define PAGES	256

struct node {
	struct node *next, *prev;
};

static struct node heads[2];
static struct node nodes[1024];
static volatile int lock;
static char *pages;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static void list_init(struct node *h)
{
	h->next = h;
	h->prev = h;
}

static void list_del(struct node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
}

static void list_add_tail(struct node *n, struct node *h)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static void zero_page(unsigned long i)
{
	memset(pages + (i % PAGES) * PAGE, 0, PAGE);
	__asm__ volatile("" : : "r"(pages) : "memory");
}

static void clflush_page(unsigned long i)
{
	char *p = pages + (i % PAGES) * PAGE;
	int l;

	p[0] = (char)i;
	for (l = 0; l < PAGE; l += 64)
		_mm_clflush(p + l);
	_mm_mfence();
}

static void list_lock(unsigned long i)
{
	struct node *from = &heads[i & 1], *to = &heads[!(i & 1)], *n;

	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		;
	n = from->next;
	if (n != from) {
		list_del(n);
		list_add_tail(n, to);
	}
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

typedef unsigned long (*step_fn)(const unsigned long *p, int depth);

static unsigned long step(const unsigned long *p, int depth);
static volatile step_fn step_ptr = step;
static unsigned long cells[64];

static unsigned long step(const unsigned long *p, int depth)
{
	if (!depth)
		return *p;
	return step_ptr(&cells[*p & 63], depth - 1) + 1;
}

static void call_chain(unsigned long i)
{
	cells[i & 63] += step_ptr(&cells[i & 63], 8);
}

/* The fastest of ROUNDS rounds of n calls of fn, in ns per call. */
static double measure(void (*fn)(unsigned long), unsigned long n)
{
	double best = 0;
	unsigned long i;
	uint64_t t0, t;
	int r;

	for (r = 0; r <= ROUNDS; r++) {
		t0 = now_ns();
		for (i = 0; i < n; i++)
			fn(i);
		t = now_ns() - t0;
		if (r && (!best || t < best))	/* round 0 warms up */
			best = t;
	}
	return best / n;
}

int main(void)
{
	int i;

	pages = aligned_alloc(PAGE, (size_t)PAGES * PAGE);
	if (!pages)
		return 1;
	memset(pages, 1, (size_t)PAGES * PAGE);
	list_init(&heads[0]);
	list_init(&heads[1]);
	for (i = 0; i < 1024; i++)
		list_add_tail(&nodes[i], &heads[0]);
	printf("CAL zero_page %.2f\n", measure(zero_page, 256));
	printf("CAL clflush_page %.2f\n", measure(clflush_page, 256));
	printf("CAL list_lock %.2f\n", measure(list_lock, 20000));
	printf("CAL call_chain %.2f\n", measure(call_chain, 20000));
	return 0;
}
