#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# pages: the pool_limit_pages parameter. Its default is half of RAM, as
# TTM's; a bad value is refused and the old one stays; a chunk joins the
# pool only while the pool holds no more than the limit with it, otherwise
# it goes back to the system, write-back again and no longer charged.
# Lowering the limit does not trim the pool, it stops its growth.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

setup() {
	lp_setup
	# What per-CPU charge batching may hold back from memory.current:
	# 64 pages per CPU, and a page more.
	slack=$((65 * LP_PAGE_SIZE * $(nproc)))
}

teardown() {
	lp_teardown
}

set_limit() {
	lp_write "$LP_PARAMS/pool_limit_pages" "$1"
}

# fill_and_free <cgroup> <name> <alloc options...>
fill_and_free() {
	local cg=$1 name=$2

	shift 2
	lp_palloc "$cg" "$name" "$@" && lp_pfree "$cg" "$name"
}

assert_limit() {
	assert_equal "$(lp_param pool_limit_pages)" "$1"
}

mem_at_most() {
	[ "$(lp_mem_current "$1")" -le "$2" ]
}

mem_at_least() {
	[ "$(lp_mem_current "$1")" -ge "$2" ]
}

# assert_plines <cgroup-id> <lines>: that memcg's count lines, without the
# id, are exactly these ("" for none).
assert_plines() {
	local now

	now=$(lp_pcount_lines "$1")
	[ "$now" = "$2" ] || fail "count for cgroup-id $1: expected
${2:-(no line)}
got
${now:-(no line)}
count:
$(cat "$LP_PAGES/count")"
}

@test "pages: pool_limit_pages defaults to half of RAM and is writable" {
	local limit want

	limit=$(lp_param pool_limit_pages)
	# MemTotal is totalram_pages in kB.
	want=$(($(lp_meminfo MemTotal) * 1024 / LP_PAGE_SIZE / 2))
	[ "$limit" -ge $((want - want / 100)) ] && [ "$limit" -le $((want + want / 100)) ] ||
		fail "pool_limit_pages is $limit, half of MemTotal is $want pages"
	assert_equal "$(stat -c %a "$LP_PARAMS/pool_limit_pages")" 644

	# Any unsigned number goes, 0 and 2^64 - 1 included.
	for want in 100 0 18446744073709551615 "$limit"; do
		set_limit "$want"
		assert_limit "$want"
	done
}

@test "pages: pool_limit_pages refuses garbage and keeps the old value" {
	local value old before

	lp_cg_create A
	lp_palloc A a 512 caching=wc nid=0
	lp_pfree A a
	before=$(lp_psnapshot)
	old=$(lp_param pool_limit_pages)
	for value in '' ' ' abc -1 -100 12x 1.5 '1 2' 0x10; do
		lp_expect_error "$EINVAL" set_limit "$value"
		assert_limit "$old"
	done
	# Beyond 64 bits: refused, whatever errno says why.
	for value in 18446744073709551616 99999999999999999999999; do
		run set_limit "$value"
		assert_failure
		assert_limit "$old"
	done
	set_limit 1000
	for value in '' abc -1 99999999999999999999999; do
		run set_limit "$value"
		assert_failure
		assert_limit 1000
	done
	lp_assert_psnapshot "$before"
	lp_assert_clean_kernel
}

@test "pages: freeing beyond pool_limit_pages releases the rest to the system, write-back and uncharged" {
	local idA base cur

	base=$(lp_pages_not_wb)
	set_limit 100
	lp_cg_create A
	idA=$(lp_cg_id A)
	lp_palloc A big 1100 caching=wc order=0 nid=0
	lp_wait_until 30 mem_at_least A $(((1100 - 65 * $(nproc)) * LP_PAGE_SIZE)) ||
		fail "memory.current of A is $(lp_mem_current A) after 1100 pages"
	assert_equal "$(lp_pages_not_wb)" $((base + 1100))
	cur=$(lp_mem_current A)

	lp_pfree A big

	lp_assert_pstat pooled 100
	lp_assert_pstat given 100
	lp_assert_pstat released 1000
	lp_assert_pstat in_use 0
	assert_plines "$idA" "wc 0 100 0"
	# The released pages are A's no more; the pooled ones still are.
	lp_wait_until 30 mem_at_most A $((cur - 1000 * LP_PAGE_SIZE + slack)) ||
		fail "memory.current of A: $cur before the free, $(lp_mem_current A) after"
	# They went back write-back (each switched twice), the pooled 100
	# stay wc.
	lp_assert_pstat caching_changes $((1100 + 1000))
	assert_equal "$(lp_pages_not_wb)" $((base + 100))
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: pool_limit_pages counts whole chunks, over the whole pool" {
	local idA idB

	set_limit 600
	lp_cg_create A
	lp_cg_create B
	idA=$(lp_cg_id A)
	idB=$(lp_cg_id B)

	# Two order-9 chunks: the second would take the pool to 1024.
	fill_and_free A a 1024 caching=wc order=9 nid=0
	lp_assert_pstat pooled 512
	lp_assert_pstat released 512
	assert_plines "$idA" "wc 9 512 0"

	# Another cgroup, another node, another caching: the same limit.
	fill_and_free B b 64 caching=wc order=0 nid=1
	lp_assert_pstat pooled 576
	fill_and_free B c 64 caching=uc order=0 nid=1
	lp_assert_pstat pooled 600
	lp_assert_pstat released $((512 + 40))
	lp_assert_pstat given $((512 + 64 + 24))
	assert_plines "$idB" "wc 0 0 64
uc 0 0 24"
	assert_plines "$idA" "wc 9 512 0"
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: pool_limit_pages 0 pools nothing" {
	set_limit 0
	lp_cg_create A
	lp_palloc A a 512 caching=wc nid=0
	lp_pfree A a
	run cat "$LP_PAGES/count"
	assert_output ''
	lp_assert_pstat pooled 0
	lp_assert_pstat given 0
	lp_assert_pstat released 512

	# Nothing to reuse: the next alloc is fresh again, and each page is
	# switched to wc and back twice.
	lp_palloc A a 512 caching=wc nid=0
	lp_assert_pstat miss 1024
	lp_assert_pstat hit_local 0
	lp_assert_pstat hit_ancestor 0
	lp_pfree A a
	lp_assert_pstat released 1024
	lp_assert_pstat caching_changes 2048
	run cat "$LP_PAGES/count"
	assert_output ''
	lp_wait_until 30 mem_at_most A "$slack" ||
		fail "memory.current of A stays at $(lp_mem_current A)"
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: lowering pool_limit_pages does not trim the pool, it stops its growth" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)
	lp_palloc A a 1024 caching=wc order=9 nid=0
	lp_palloc A b 512 caching=wc order=9 nid=0
	lp_pfree A a
	lp_assert_pstat pooled 1024

	set_limit 256
	# Nothing is trimmed, now or when reclaim-free commands run.
	lp_assert_pstat pooled 1024
	assert_plines "$idA" "wc 9 1024 0"

	# Above the limit, a freed chunk goes to the system.
	lp_pfree A b
	lp_assert_pstat pooled 1024
	lp_assert_pstat released 512

	# What is taken from the pool and freed again does not come back
	# while the pool is above the limit.
	lp_palloc A c 512 caching=wc order=9 nid=0
	lp_assert_pstat hit_local 512
	lp_assert_pstat pooled 512
	lp_pfree A c
	lp_assert_pstat pooled 512
	lp_assert_pstat released 1024
	assert_plines "$idA" "wc 9 512 0"

	# Raised again, the pool grows again.
	set_limit 2048
	lp_palloc A d 1024 caching=wc order=9 nid=0
	lp_assert_pstat pooled 0
	lp_pfree A d
	lp_assert_pstat pooled 1024
	lp_assert_pstat released 1024
	assert_plines "$idA" "wc 9 1024 0"
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}
