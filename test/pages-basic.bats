#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# pages: the files, a buffer's life, reuse without caching changes, the
# chunk orders of a request, caching as the kernel's page flags show it,
# and unload with buffers and pooled pages.
#
# Buffers ask for node 0 unless a test is about the node, so that the CPU
# the writing shell runs on does not matter.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

setup() {
	lp_setup
}

teardown() {
	lp_teardown
}

# assert_not_wb <what> <got> <expected>: a page-flag count within the margin.
assert_not_wb() {
	if [ "$2" -lt "$3" ] || [ "$2" -gt $(($3 + LP_NOT_WB_SLACK)) ]; then
		fail "$1: $2 pages not write-back, expected $3 (margin $LP_NOT_WB_SLACK)"
	fi
}

# Free pages held in the per-CPU lists, in kB (as test/module.bats).
pcp_free() {
	awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo
}

# Free memory (MemFree and the per-CPU lists) in kB, caches dropped first.
settle_free() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 1
	echo $(($(lp_meminfo MemFree) + $(pcp_free)))
}

@test "pages: the files exist with the documented modes and start empty" {
	local f key

	assert_dir_exists "$LP_PAGES"
	for f in alloc free scan; do
		assert_file_permission 200 "$LP_PAGES/$f"
	done
	for f in buffers count stats; do
		assert_file_permission 400 "$LP_PAGES/$f"
	done
	assert_file_permission 644 "$LP_PARAMS/pool_limit_pages"
	# Half of RAM, as TTM: totalram_pages is MemTotal in pages.
	assert_equal "$(lp_param pool_limit_pages)" \
		$(($(lp_meminfo MemTotal) * 1024 / LP_PAGE_SIZE / 2))

	for key in pooled in_use hit_local hit_ancestor miss given released \
		caching_changes shrink_freed buffers; do
		lp_assert_pstat "$key" 0
	done
	lp_assert_pstat max_order 9
	assert_equal "$(cat "$LP_PAGES/count")" ""
	assert_equal "$(cat "$LP_PAGES/buffers")" ""
}

@test "pages: alloc creates buffer lines with name, owner, pages, caching and borrowed; free removes them" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)

	lp_palloc A w1 512 caching=wc nid=0
	lp_palloc A u.1 8 caching=uc nid=0
	lp_palloc A B-1_x 3 nid=0 caching=wb
	lp_palloc A dflt 16 nid=0
	lp_palloc / r1 1 nid=0
	run cat "$LP_PAGES/buffers"
	assert_output "w1 $idA 512 wc 0
u.1 $idA 8 uc 0
B-1_x $idA 3 wb 0
dflt $idA 16 wc 0
r1 1 1 wc 0"
	lp_assert_pstat buffers 5
	lp_assert_pstat in_use 540
	lp_assert_pstat miss 540
	lp_assert_pstat pooled 0
	lp_assert_pstat given 0
	# wb pages are never switched: 512 + 8 + 16 + 1.
	lp_assert_pstat caching_changes 537
	assert_equal "$(cat "$LP_PAGES/count")" ""
	lp_assert_pages_consistent

	lp_pfree A w1
	run lp_pbuffer w1
	assert_output ""
	lp_assert_pstat buffers 4
	lp_assert_pstat in_use 28
	lp_assert_pstat given 512
	lp_assert_pcount_lines "$idA" "wc 9 512 0"
	lp_assert_pages_consistent

	# The pages go to the owner's lists, by caching and order (wb, wc,
	# uc; orders ascending).
	lp_pfree A u.1
	lp_pfree A B-1_x
	lp_pfree A dflt
	lp_pfree / r1
	assert_equal "$(cat "$LP_PAGES/buffers")" ""
	lp_assert_pcount_lines "$idA" "wb 0 1 0" "wb 1 2 0" "wc 4 16 0" "wc 9 512 0" "uc 3 8 0"
	lp_assert_pcount_lines 1 "wc 0 1 0"
	lp_assert_pstat buffers 0
	lp_assert_pstat in_use 0
	lp_assert_pstat pooled 540
	lp_assert_pstat given 540
	lp_assert_pstat miss 540
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: a second wc alloc of the same size in the same cgroup changes no caching" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)
	lp_palloc A one 600 caching=wc nid=0
	lp_assert_pstat caching_changes 600
	lp_pfree A one

	lp_palloc A two 600 caching=wc nid=0
	lp_assert_pstat caching_changes 600
	lp_assert_pstat hit_local 600
	lp_assert_pstat hit_ancestor 0
	lp_assert_pstat miss 600
	lp_assert_pbuffer two "$idA" 600 wc 0
	lp_assert_pcount_lines "$idA"
	lp_pfree A two

	# Again, as many times as it is done.
	lp_palloc A three 600 nid=0
	lp_pfree A three
	lp_assert_pstat caching_changes 600
	lp_assert_pstat hit_local 1200
	lp_assert_pstat miss 600
	lp_assert_pcount_lines "$idA" "wc 3 8 0" "wc 4 16 0" "wc 6 64 0" "wc 9 512 0"
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: a uc request is never served from the wc pool, nor wc from uc, nor wb from either" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)
	lp_palloc A w 512 caching=wc nid=0
	lp_pfree A w
	lp_assert_pcount_lines "$idA" "wc 9 512 0"

	lp_palloc A u 512 caching=uc nid=0
	lp_assert_pstat hit_local 0
	lp_assert_pstat miss 1024
	lp_assert_pstat caching_changes 1024
	lp_assert_pcount_lines "$idA" "wc 9 512 0"
	lp_pfree A u
	lp_assert_pcount_lines "$idA" "wc 9 512 0" "uc 9 512 0"

	lp_palloc A b 512 caching=wb nid=0
	lp_assert_pstat hit_local 0
	lp_assert_pstat miss 1536
	lp_assert_pstat caching_changes 1024
	lp_assert_pcount_lines "$idA" "wc 9 512 0" "uc 9 512 0"
	lp_pfree A b

	# Each request takes its own mode's pages, whatever else is pooled.
	lp_palloc A w2 512 caching=wc nid=0
	lp_assert_pcount_lines "$idA" "wb 9 512 0" "uc 9 512 0"
	lp_palloc A u2 512 caching=uc nid=0
	lp_assert_pcount_lines "$idA" "wb 9 512 0"
	lp_assert_pbuffer u2 "$idA" 512 uc 0
	lp_assert_pstat hit_local 1024
	lp_assert_pstat miss 1536
	lp_assert_pstat caching_changes 1024
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: wb pages are never switched, allocated, reused, released or shrunk" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)
	lp_palloc A b1 600 caching=wb nid=0
	lp_palloc A b2 512 caching=wb order=0 nid=0
	lp_pfree A b1
	lp_pfree A b2
	lp_assert_pcount_lines "$idA" "wb 0 512 0" "wb 3 8 0" "wb 4 16 0" "wb 6 64 0" "wb 9 512 0"
	lp_palloc A b3 600 caching=wb nid=0
	lp_assert_pstat hit_local 600
	lp_pfree A b3

	# Released to the system at the pool's limit, and shrunk.
	lp_write "$LP_PARAMS/pool_limit_pages" 0
	lp_palloc A b4 1024 caching=wb nid=0
	lp_pfree A b4
	lp_assert_pstat released 1024
	lp_pscan "$idA" 0 100000
	echo 2 > /proc/sys/vm/drop_caches
	lp_assert_pstat pooled 0

	lp_assert_pstat caching_changes 0
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: orders: 512 pages at order 9 are one chunk, at order=0 512 chunks" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)
	lp_palloc A big 512 nid=0
	lp_pfree A big
	lp_assert_pcount_lines "$idA" "wc 9 512 0"

	lp_palloc A small 512 order=0 nid=0
	lp_assert_pstat hit_local 0
	lp_assert_pstat miss 1024
	lp_pfree A small
	lp_assert_pcount_lines "$idA" "wc 0 512 0" "wc 9 512 0"

	# An order between: 32 chunks of order 4.
	lp_palloc A mid 512 order=4 nid=0
	lp_pfree A mid
	lp_assert_pcount_lines "$idA" "wc 0 512 0" "wc 4 512 0" "wc 9 512 0"
	lp_assert_pages_consistent
}

@test "pages: orders: a request that does not divide evenly is served by mixed orders" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)

	# 600 = 512 + 64 + 16 + 8.
	lp_palloc A odd 600 nid=0
	lp_pfree A odd
	lp_assert_pcount_lines "$idA" "wc 3 8 0" "wc 4 16 0" "wc 6 64 0" "wc 9 512 0"
	lp_assert_pstat miss 600

	# 100 pages with order=5: 3 x 32 + 4.
	lp_palloc A capped 100 order=5 caching=uc nid=0
	lp_pfree A capped
	lp_assert_pcount_lines "$idA" "wc 3 8 0" "wc 4 16 0" "wc 6 64 0" "wc 9 512 0" \
		"uc 2 4 0" "uc 5 96 0"

	# 1023 pages: one chunk of each order 9..0.
	lp_palloc A all 1023 caching=wb nid=0
	lp_pfree A all
	lp_assert_pcount_lines "$idA" "wb 0 1 0" "wb 1 2 0" "wb 2 4 0" "wb 3 8 0" \
		"wb 4 16 0" "wb 5 32 0" "wb 6 64 0" "wb 7 128 0" "wb 8 256 0" "wb 9 512 0" \
		"wc 3 8 0" "wc 4 16 0" "wc 6 64 0" "wc 9 512 0" \
		"uc 2 4 0" "uc 5 96 0"
	lp_assert_pstat miss 1723
	lp_assert_pages_consistent
}

@test "pages: the kernel's page flags show wc and uc pages in use or pooled, wb pages never" {
	local base now wc uc wt now_wc now_uc now_wt

	lp_cg_create A
	read -r wc uc wt < <(lp_memtypes all)
	base=$((wc + uc + wt))

	lp_palloc A w 1024 caching=wc nid=0
	lp_palloc A u 600 caching=uc nid=0
	lp_palloc A b 512 caching=wb nid=0
	now=$(lp_pages_not_wb)
	assert_not_wb "with wc, uc and wb buffers" "$now" $((base + 1624))
	# The kind as well: wc pages as wc, uc pages as uc-.
	read -r now_wc now_uc now_wt < <(lp_memtypes all)
	assert_not_wb "wc pages" "$now_wc" $((wc + 1024))
	assert_not_wb "uc pages" "$now_uc" $((uc + 600))
	assert_not_wb "wt pages" "$now_wt" "$wt"

	# Pooled pages keep their caching.
	lp_pfree A w
	lp_pfree A u
	lp_pfree A b
	read -r now_wc now_uc now_wt < <(lp_memtypes all)
	assert_not_wb "wc pages pooled" "$now_wc" $((wc + 1024))
	assert_not_wb "uc pages pooled" "$now_uc" $((uc + 600))

	# Reused, no page changes caching, and a wb buffer adds none.
	lp_palloc A w2 1024 caching=wc nid=0
	lp_palloc A b2 512 caching=wb nid=0
	now=$(lp_pages_not_wb)
	assert_not_wb "reused" "$now" $((base + 1624))
	lp_pfree A w2
	lp_pfree A b2

	# Dropped from the pool, they are write-back again.
	echo 2 > /proc/sys/vm/drop_caches
	lp_assert_pstat pooled 0
	now=$(lp_pages_not_wb)
	assert_not_wb "after drop_caches" "$now" "$base"
	# Each wc and uc page was switched twice.
	lp_assert_pstat caching_changes $((2 * 1624))
	lp_assert_pages_consistent
}

@test "pages: the kernel's page flags are back to write-back after rmmod with buffers and pooled pages" {
	local base now

	lp_cg_create A
	base=$(lp_pages_not_wb)
	lp_palloc A w 512 caching=wc nid=0
	lp_palloc A u 512 caching=uc nid=1
	lp_palloc A wp 64 caching=wc order=0 nid=0
	lp_palloc A up 600 caching=uc nid=0
	lp_pfree A wp
	lp_pfree A up
	now=$(lp_pages_not_wb)
	assert_not_wb "with buffers and pooled pages" "$now" $((base + 1688))

	run rmmod lrupool
	assert_success
	now=$(lp_pages_not_wb)
	assert_not_wb "after rmmod" "$now" "$base"
	lp_assert_clean_kernel
}

@test "pages: unload with buffers and pooled pages gives every page back" {
	local before after drop m

	lp_cg_create A
	lp_cg_create B
	# The first use of pages/ may fill caches that stay: warm up.
	lp_palloc A warm 600 nid=0
	lp_pfree A warm
	rmmod lrupool
	lp_load
	rmmod lrupool

	before=$(settle_free)
	lp_load
	# 8 MiB in use, 8 MiB pooled, in three modes, two cgroups, the root.
	lp_palloc A live-wc 1024 caching=wc nid=0
	lp_palloc A live-uc 512 caching=uc nid=1
	lp_palloc B live-wb 512 caching=wb nid=0
	lp_palloc B pooled-wc 1024 caching=wc nid=0
	lp_palloc A pooled-uc 600 caching=uc nid=0
	lp_palloc / pooled-root 400 caching=wc order=2 nid=1
	lp_pfree B pooled-wc
	lp_pfree A pooled-uc
	lp_pfree / pooled-root
	lp_assert_pstat in_use 2048
	lp_assert_pstat pooled 2024
	m=$(lp_mem_pages A)
	[ "$m" -ge 2136 ] || fail "memory.current of A: $m pages, expected at least 2136"

	run rmmod lrupool
	assert_success
	after=$(settle_free)

	# 16 MiB were held; free memory measured as test/module.bats does
	# moves by less than a MiB on an idle guest.
	drop=$((before - after))
	[ "$drop" -le 4096 ] ||
		fail "free memory dropped by $drop kB after unload (before: $before, after: $after)"
	m=$(lp_mem_pages A)
	[ "$m" -lt "$LP_PAGE_SLACK" ] || fail "memory.current of A: $m pages after unload"
	m=$(lp_mem_pages B)
	[ "$m" -lt "$LP_PAGE_SLACK" ] || fail "memory.current of B: $m pages after unload"
	lp_assert_clean_kernel
}
