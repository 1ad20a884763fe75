#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# objects: how reclaim reaches the pool: the scan file, memory.reclaim and
# memory.high on one cgroup, and drop_caches. The isolation oracle is the
# one of the kernel's zswap selftest: reclaim driven in one cgroup must not
# free what a sibling owns.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"

setup() {
	lp_setup
}

teardown() {
	lp_teardown
}

# reclaim_until_empty <cgroup> <file> <value> <cgroup-id>...: write value to
# the cgroup's file (memory.reclaim, memory.high) until count has no line
# for any of the ids, or the deadline passes. memory.reclaim may answer
# EAGAIN (what a shrinker frees is not credited to it), so the writes'
# status does not matter.
reclaim_until_empty() {
	local cg=$1 file=$2 value=$3 end=$((SECONDS + 60)) id left

	shift 3
	while :; do
		left=
		for id in "$@"; do
			[ -z "$(lp_count_line "$id")" ] || left=1
		done
		[ -n "$left" ] || return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		echo "$value" > "$(lp_cg_dir "$cg")/$file" 2>/dev/null || :
	done
}

@test "objects: scan frees from one memcg's list on one node only" {
	local idA idB

	lp_cg_create A
	lp_cg_create B
	idA=$(lp_cg_id A)
	idB=$(lp_cg_id B)
	lp_add A 200 0
	lp_add A 200 1
	lp_add B 200 0
	lp_add / 200 0

	lp_scan "$idA" 0 50

	lp_assert_stat shrink_freed 50
	lp_assert_count "$idA" 150 200
	lp_assert_count "$idB" 200 0
	lp_assert_count 1 200 0
	lp_assert_stat entries 750

	# A scan bigger than the list empties it, and only it.
	lp_scan "$idA" 0 1000
	lp_assert_count "$idA" 0 200
	lp_assert_count "$idB" 200 0
	lp_assert_count 1 200 0
	lp_assert_stat shrink_freed 200
	lp_assert_stat entries 600
}

@test "objects: scan of the root memcg frees the root's objects only" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)
	lp_add A 100 0
	lp_add / 100 0
	lp_add / 100 1

	lp_scan 1 1 1000
	lp_assert_count 1 100 0
	lp_assert_count "$idA" 100 0
	lp_assert_stat shrink_freed 100
}

@test "objects: scan of a memcg with nothing on that node frees nothing" {
	local idA idE before

	lp_cg_create A
	lp_cg_create E
	idA=$(lp_cg_id A)
	idE=$(lp_cg_id E)
	lp_add A 100 0
	lp_add / 100 1
	before=$(lp_snapshot)

	run lp_scan "$idA" 1 100
	assert_success
	run lp_scan "$idE" 0 100
	assert_success
	lp_assert_snapshot "$before"
}

@test "objects: memory.reclaim on X frees X's and its descendants' objects, not sibling Y's" {
	local size nr idX idX1 idY curX curY freed batch

	size=$(lp_object_size)
	# 4 MiB of objects, well above what per-CPU charge batching hides.
	nr=$(lp_objects_for $((4 << 20)))
	lp_cg_create X
	lp_add X "$nr" 0
	lp_cg_create X/X1
	lp_add X/X1 500 1
	lp_cg_create Y
	lp_add Y "$nr" 0
	lp_add / 100 0
	idX=$(lp_cg_id X)
	idX1=$(lp_cg_id X/X1)
	idY=$(lp_cg_id Y)
	lp_wait_until 30 lp_slab_at_least Y $((nr * size))
	curX=$(lp_mem_current X)
	curY=$(lp_mem_current Y)

	reclaim_until_empty X memory.reclaim 64M "$idX" "$idX1" ||
		fail "memory.reclaim on X left: $(cat "$LP_OBJ/count")"

	lp_assert_count "$idX" 0 0
	lp_assert_count "$idX1" 0 0
	lp_assert_count "$idY" "$nr" 0
	lp_assert_count 1 100 0
	freed=$((nr + 500))
	lp_assert_stat shrink_freed "$freed"
	lp_assert_stat entries $((nr + 100))

	# X's charge went down with its objects, less what per-CPU batching
	# may hold (64 pages and a page of bytes per CPU); Y still pays for
	# all of its own.
	batch=$((65 * 4096 * $(nproc)))
	[ "$(lp_mem_current X)" -le $((curX - nr * size + batch)) ] ||
		fail "memory.current of X: $curX before, $(lp_mem_current X) after"
	[ "$(lp_mem_current Y)" -ge $((nr * size)) ] ||
		fail "memory.current of Y: $curY before, $(lp_mem_current Y) after"
	lp_slab_at_least Y $((nr * size)) ||
		fail "slab of Y dropped to $(lp_memstat Y slab)"
}

@test "objects: memory.high lowered below usage on X shrinks X's pool, not sibling Y's" {
	local idX idY

	lp_cg_create X
	lp_cg_create Y
	idX=$(lp_cg_id X)
	idY=$(lp_cg_id Y)
	lp_add X 1000 0
	lp_add X 1000 1
	lp_add Y 1000 0

	reclaim_until_empty X memory.high 0 "$idX" ||
		fail "memory.high on X left: $(cat "$LP_OBJ/count")"
	echo max > "$(lp_cg_dir X)/memory.high"

	lp_assert_count "$idY" 1000 0
	lp_assert_stat shrink_freed 2000
	lp_assert_stat entries 1000
}

@test "objects: drop_caches empties the pool" {
	local total

	lp_cg_create A
	lp_cg_create A/B
	lp_add A/B 300 0
	lp_add A/B 300 1
	lp_cg_create C
	lp_add C 200 1
	lp_add / 200 0
	total=$(lp_stat entries)
	assert_equal "$total" 1000

	echo 2 > /proc/sys/vm/drop_caches

	run cat "$LP_OBJ/count"
	assert_output ''
	lp_assert_stat entries 0
	lp_assert_stat shrink_freed 1000
}
