#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# cpu-only-node: a guest booted with `vmtest.sh --topology cpu-only-node`
# (make check boots one per kernel for this directory): node 0 with CPU 0,
# node 1 with CPU 1, both with memory, and node 2 with CPU 2 and no memory.
# A node id names a node with memory: node 2 as a nid is refused with
# EINVAL by every command that takes one, whichever CPU writes, and changes
# nothing.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/pages"

NODE_SYS=/sys/devices/system/node

setup() {
	[ -d "$NODE_SYS/node2" ] ||
		fail "this guest has no node 2: boot it with vmtest.sh --topology cpu-only-node"
	lp_setup
}

teardown() {
	lp_teardown
}

@test "cpu-only-node: node 2 is online with CPU 2 and no memory" {
	lp_in_list 2 "$(cat "$NODE_SYS/online")" || fail "node 2 is not online: $(cat "$NODE_SYS/online")"
	lp_in_list 2 "$(cat "$NODE_SYS/has_cpu")" || fail "has_cpu: $(cat "$NODE_SYS/has_cpu")"
	! lp_in_list 2 "$(cat "$NODE_SYS/has_memory")" ||
		fail "node 2 has memory: has_memory is $(cat "$NODE_SYS/has_memory")"
	lp_in_list 0 "$(cat "$NODE_SYS/has_memory")" && lp_in_list 1 "$(cat "$NODE_SYS/has_memory")" ||
		fail "has_memory: $(cat "$NODE_SYS/has_memory"), expected nodes 0 and 1"
	assert_equal "$(cat "$NODE_SYS/node2/cpulist")" 2
	# A writer can be pinned there.
	# shellcheck disable=SC2016 # awk's field
	run taskset 4 awk '{ print $39 }' /proc/self/stat
	assert_success
	assert_output 2
}

@test "cpu-only-node: node 2 as a nid is refused with EINVAL by every command, and changes nothing" {
	local idA before pbefore cpu

	lp_cg_create A
	idA=$(lp_cg_id A)
	LP_CPU=0 lp_add A 40 0
	LP_CPU=1 lp_add A 30 1
	LP_CPU=0 lp_palloc A held 512 caching=wc nid=0
	LP_CPU=0 lp_palloc A pooled 512 caching=uc nid=1
	LP_CPU=0 lp_pfree A pooled
	before=$(lp_snapshot)
	pbefore=$(lp_psnapshot)

	for cpu in 2 0; do
		LP_CPU=$cpu lp_expect_error "$EINVAL" lp_add A 10 2
		LP_CPU=$cpu lp_expect_error "$EINVAL" lp_take A 10 2
		LP_CPU=$cpu lp_expect_error "$EINVAL" lp_scan "$idA" 2 100
		LP_CPU=$cpu lp_expect_error "$EINVAL" lp_palloc A new 16 nid=2
		LP_CPU=$cpu lp_expect_error "$EINVAL" lp_palloc A new 16 caching=uc order=0 nid=2
		LP_CPU=$cpu lp_expect_error "$EINVAL" lp_pscan "$idA" 2 100
		LP_CPU=$cpu lp_expect_error "$EINVAL" lp_scan 1 2 100
		LP_CPU=$cpu lp_expect_error "$EINVAL" lp_pscan 1 2 100
	done
	lp_assert_snapshot "$before"
	lp_assert_psnapshot "$pbefore"
	lp_assert_count "$idA" 40 30 0
	lp_assert_pcount_lines "$idA" "uc 9 0 512 0"
	[ -z "$(lp_pbuffer new)" ] || fail "buffer 'new' exists"

	LP_CPU=0 lp_pfree A held
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}
