#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# pages: the scenario that motivates lrupool, step by step. A job in cgroup
# T/A fills the page pool and goes away; its pages stay pooled, charged to
# T; the next job, T/B, reuses them without a caching change and without
# being charged for them, and only what nobody pooled is allocated fresh and
# charged to B.
#
# Every buffer asks for node 0, so that where the writing shell runs does
# not matter. 512 pages at the default order 9 are one chunk; 1024 pages are
# two, so the chunk sizes of the pool and of the requests always match.
# memory.current is compared with a margin of LP_PAGE_SLACK pages (per-CPU
# charge batching and the writing shell).

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

# kmem_pages <cgroup>: memory.stat "kernel" in pages.
kmem_pages() {
	local v

	v=$(lp_memstat "$1" kernel) || return
	echo $((v / LP_PAGE_SIZE))
}

# kmem_at_least <cgroup> <pages>: memory.stat "kernel" shows at least that
# many pages (memory.stat is flushed lazily: poll it).
kmem_at_least() {
	local v

	v=$(kmem_pages "$1") && [ "$v" -ge "$2" ]
}

setup() {
	lp_setup
}

teardown() {
	lp_teardown
}

no_dying() {
	local cg=$1 key

	for key in nr_dying_descendants nr_dying_subsys_memory; do
		if lp_cg_has_stat "$cg" "$key"; then
			[ "$(lp_cg_stat "$cg" "$key")" -eq 0 ] || return 1
		fi
	done
}

# moved_to <to-id> <from-id> <line>: count shows the line for to-id and
# nothing for from-id.
moved_to() {
	[ "$(lp_pcount_lines "$1")" = "$3" ] && [ -z "$(lp_pcount_lines "$2")" ]
}

# assert_pages_between <what> <value> <low> <high>
assert_pages_between() {
	if [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
		fail "$1: $2 pages, expected $3 to $4"
	fi
}

@test "pages: scenario: a removed job's pooled pages are reused by the next job, charged once" {
	local idT idA idB memT memB miss cc hit_anc hit_loc given m

	# (1) A top-level cgroup T that will have children: empty pool.
	lp_cg_create T
	echo +memory > "$(lp_cg_dir T)/cgroup.subtree_control"
	grep -qw memory "$(lp_cg_dir T)/cgroup.subtree_control"
	idT=$(lp_cg_id T)
	lp_assert_pcount_lines "$idT"
	[ -z "$(cat "$LP_PAGES/count")" ] || fail "count not empty: $(cat "$LP_PAGES/count")"
	lp_assert_pstat pooled 0
	lp_assert_pstat in_use 0
	lp_assert_pstat miss 0

	# (2) Job A allocates a wc buffer and frees it: the pages sit on A's
	# list, charged to A.
	lp_cg_create T/A
	idA=$(lp_cg_id T/A)
	lp_palloc T/A a 512 caching=wc nid=0
	lp_assert_pbuffer a "$idA" 512 wc 0
	lp_assert_pstat miss 512
	lp_assert_pstat caching_changes 512
	lp_assert_pstat in_use 512
	lp_pfree T/A a
	lp_assert_pcount_lines "$idA" "wc 9 512 0"
	lp_assert_pcount_lines "$idT"
	lp_assert_pstat pooled 512
	lp_assert_pstat in_use 0
	lp_assert_pstat given 512
	[ -z "$(cat "$LP_PAGES/buffers")" ] || fail "buffers not empty: $(cat "$LP_PAGES/buffers")"
	m=$(lp_mem_pages T/A)
	assert_pages_between "memory.current of A" "$m" 512 $((512 + LP_PAGE_SLACK))
	lp_wait_until 10 kmem_at_least T/A 512 ||
		fail "memory.stat kernel of A: $(kmem_pages T/A) pages, expected at least 512"
	memT=$(lp_mem_pages T)
	[ "$memT" -ge 512 ] || fail "memory.current of T: $memT pages, expected at least 512"

	# (3) A is removed: its pages move to T's list and stay charged to T;
	# the module holds nothing that keeps A's memcg alive.
	rmdir "$(lp_cg_dir T/A)"
	lp_wait_until 60 moved_to "$idT" "$idA" "wc 9 512 0" ||
		fail "count after rmdir of A:
$(cat "$LP_PAGES/count")"
	lp_assert_pstat pooled 512
	m=$(lp_mem_pages T)
	assert_pages_between "memory.current of T after A's removal" "$m" 512 $((memT + LP_PAGE_SLACK))
	[ "$m" -ge $((memT - LP_PAGE_SLACK)) ] ||
		fail "memory.current of T dropped from $memT to $m pages when A was removed"
	lp_wait_until 10 kmem_at_least T 512 ||
		fail "memory.stat kernel of T: $(kmem_pages T) pages, expected at least 512"
	lp_wait_until 120 no_dying T ||
		fail "T still has dying descendants:
$(lp_cg_read T cgroup.stat)"

	# (4) Job B allocates: it gets T's pages, with no fresh page and no
	# caching change, borrowed, and is not charged for them.
	lp_cg_create T/B
	idB=$(lp_cg_id T/B)
	memB=$(lp_mem_pages T/B)
	memT=$(lp_mem_pages T)
	miss=$(lp_pstat miss)
	cc=$(lp_pstat caching_changes)
	hit_anc=$(lp_pstat hit_ancestor)
	hit_loc=$(lp_pstat hit_local)
	lp_palloc T/B b 512 caching=wc nid=0
	lp_assert_pstat hit_ancestor $((hit_anc + 512))
	lp_assert_pstat hit_local "$hit_loc"
	lp_assert_pstat miss "$miss"
	lp_assert_pstat caching_changes "$cc"
	lp_assert_pbuffer b "$idB" 512 wc 512
	lp_assert_pcount_lines "$idT"
	lp_assert_pcount_lines "$idB"
	lp_assert_pstat pooled 0
	lp_assert_pstat in_use 512
	m=$(lp_mem_pages T/B)
	[ "$m" -lt $((memB + LP_PAGE_SLACK)) ] ||
		fail "memory.current of B grew from $memB to $m pages with borrowed pages"
	m=$(lp_mem_pages T)
	if [ "$m" -lt 512 ] || [ "$m" -lt $((memT - LP_PAGE_SLACK)) ]; then
		fail "memory.current of T: $m pages (was $memT), expected the borrowed pages still charged to T"
	fi

	# (5) B frees: the pages go back to T's list, whose memcg they are
	# charged to, not to B's.
	given=$(lp_pstat given)
	lp_pfree T/B b
	lp_assert_pcount_lines "$idT" "wc 9 512 0"
	lp_assert_pcount_lines "$idB"
	lp_assert_pstat given $((given + 512))
	lp_assert_pstat pooled 512
	lp_assert_pstat in_use 0
	lp_assert_pstat miss "$miss"
	lp_assert_pstat caching_changes "$cc"
	m=$(lp_mem_pages T/B)
	[ "$m" -lt $((memB + LP_PAGE_SLACK)) ] ||
		fail "memory.current of B grew from $memB to $m pages"

	# (6) B asks for more than is pooled anywhere: T's 512 pages first,
	# then, only for the rest, fresh pages charged to B.
	memB=$(lp_mem_pages T/B)
	hit_anc=$(lp_pstat hit_ancestor)
	lp_palloc T/B b2 1024 caching=wc nid=0
	lp_assert_pstat hit_ancestor $((hit_anc + 512))
	lp_assert_pstat hit_local "$hit_loc"
	lp_assert_pstat miss $((miss + 512))
	lp_assert_pstat caching_changes $((cc + 512))
	lp_assert_pbuffer b2 "$idB" 1024 wc 512
	lp_assert_pstat pooled 0
	lp_assert_pstat in_use 1024
	m=$(lp_mem_pages T/B)
	assert_pages_between "memory.current of B with 512 fresh pages" "$m" \
		$((memB + 512 - LP_PAGE_SLACK)) $((memB + 512 + LP_PAGE_SLACK))
	lp_wait_until 10 kmem_at_least T/B 512 ||
		fail "memory.stat kernel of B: $(kmem_pages T/B) pages, expected at least 512"

	# Freed, each chunk goes to the list of the memcg it is charged to.
	lp_pfree T/B b2
	lp_assert_pcount_lines "$idT" "wc 9 512 0"
	lp_assert_pcount_lines "$idB" "wc 9 512 0"
	lp_assert_pstat pooled 1024
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: scenario: T's memory.current falls back once its pooled pages are dropped" {
	local idT idA m

	lp_cg_create T
	lp_cg_create T/A
	idT=$(lp_cg_id T)
	idA=$(lp_cg_id T/A)
	lp_palloc T/A a 1024 nid=0
	lp_pfree T/A a
	rmdir "$(lp_cg_dir T/A)"
	lp_wait_until 60 moved_to "$idT" "$idA" "wc 9 1024 0" ||
		fail "count after rmdir of A:
$(cat "$LP_PAGES/count")"
	m=$(lp_mem_pages T)
	[ "$m" -ge 1024 ] || fail "memory.current of T: $m pages, expected at least 1024"

	# The pool held the only charge left in T: dropping it uncharges T.
	echo 2 > /proc/sys/vm/drop_caches
	lp_assert_pstat pooled 0
	lp_assert_pcount_lines "$idT"
	m=$(lp_mem_pages T)
	[ "$m" -lt "$LP_PAGE_SLACK" ] ||
		fail "memory.current of T: $m pages after the pool was dropped"
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}
