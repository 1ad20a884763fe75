#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# cpu-only-node: a guest booted with `vmtest.sh --topology cpu-only-node`
# (make check boots one per kernel for this directory): node 0 with CPU 0,
# node 1 with CPU 1, both with memory, and node 2 with CPU 2 and no memory.
# A writer on CPU 2 has no memory of its own node: without a nid its
# commands act on the nearest node with memory, and node 2 as a nid is
# refused, as any node without memory.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/pages"

NODE_SYS=/sys/devices/system/node

setup() {
	lp_setup
}

teardown() {
	lp_teardown
}

# objects_node_of <cgroup-id>: the one column of objects/count that holds that
# memcg's objects; fails unless exactly one does.
objects_node_of() {
	awk -v id="$1" '$1 == id {
			for (i = 2; i <= NF; i++)
				if ($i > 0) { nid = i - 2; n++ }
		}
		END { if (n != 1) exit 1; print nid }' "$LP_OBJ/count"
}

@test "cpu-only-node: objects added from CPU 2 without a nid go to a node with memory, and a take from there finds them" {
	local idA nid want

	lp_cg_create A
	idA=$(lp_cg_id A)
	LP_CPU=2 lp_add A 300
	nid=$(objects_node_of "$idA") ||
		fail "A's objects are not on one node: $(lp_count_line "$idA")"
	lp_in_list "$nid" "$(cat "$NODE_SYS/has_memory")" ||
		fail "A's objects are on node $nid, which has no memory"
	want=(0 0 0)
	want[nid]=300
	lp_assert_count "$idA" "${want[@]}"
	lp_assert_stat entries 300

	# A second add lands on the same node; take from CPU 2 empties it.
	LP_CPU=2 lp_add A 20
	want[nid]=320
	lp_assert_count "$idA" "${want[@]}"
	LP_CPU=2 lp_take A 120
	want[nid]=200
	lp_assert_count "$idA" "${want[@]}"
	lp_assert_stat taken_local 120
	LP_CPU=2 lp_take A 1000
	lp_assert_count "$idA" 0 0 0
	lp_assert_stat taken_local 320
	lp_assert_stat entries 0
	lp_assert_clean_kernel
}

@test "cpu-only-node: pages allocated from CPU 2 without a nid come from a node with memory, and return there" {
	local idA nid n0 n1 n2

	lp_cg_create A
	idA=$(lp_cg_id A)
	LP_CPU=2 lp_palloc A one 1024 caching=wc
	lp_assert_pbuffer one "$idA" 1024 wc 0
	LP_CPU=2 lp_pfree A one
	read -r n0 n1 n2 < <(lp_pcount_lines "$idA" | awk '$1 == "wc" && $2 == 9 { print $3, $4, $5 }')
	[ "$n2" = 0 ] || fail "pooled pages on node 2: $(lp_pcount_lines "$idA")"
	if [ "$n0" = 1024 ] && [ "$n1" = 0 ]; then
		nid=0
	elif [ "$n0" = 0 ] && [ "$n1" = 1024 ]; then
		nid=1
	else
		fail "A's 1024 wc pages are not on one node with memory:
$(lp_pcount_lines "$idA")"
	fi
	[ "$(lp_pcount "$idA" - - -)" = 1024 ] ||
		fail "A pools other pages: $(lp_pcount_lines "$idA")"

	# Asked again from CPU 2, the buffer comes from that node's pool.
	LP_CPU=2 lp_palloc A two 1024 caching=wc
	lp_assert_pbuffer two "$idA" 1024 wc 0
	lp_assert_pstat hit_local 1024
	lp_assert_pstat miss 1024
	[ "$(lp_pcount "$idA" - - -)" = 0 ] ||
		fail "A still pools pages: $(lp_pcount_lines "$idA")"
	LP_CPU=2 lp_pfree A two
	lp_assert_pcount_lines "$idA" "$(if [ "$nid" = 0 ]; then echo 'wc 9 1024 0 0'; else echo 'wc 9 0 1024 0'; fi)"
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

