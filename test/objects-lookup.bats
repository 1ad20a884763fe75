#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# objects: the child-to-root lookup of take, and fallback=none.
#
# The tree used below, with the objects each cgroup holds on node 0:
#
#   root (100)
#   |-- A (100)
#   |   |-- B
#   |   |   `-- C
#   |   `-- B2 (100, a sibling of B)
#   `-- S (100, a sibling of A)
#
# A cgroup with children cannot hold a process, so A's objects are added
# before B and B2 are created.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"

setup() {
	lp_setup
}

teardown() {
	lp_teardown
}

# make_tree [objects of B] [objects of C]: build the tree above; ids in
# idA, idB, idC, idB2, idS.
make_tree() {
	local nrB=${1:-0} nrC=${2:-0}

	lp_cg_create A
	lp_add A 100 0
	lp_cg_create S
	lp_add S 100 0
	lp_add / 100 0
	lp_cg_create A/B2
	lp_add A/B2 100 0
	lp_cg_create A/B
	if [ "$nrB" -gt 0 ]; then
		lp_add A/B "$nrB" 0
	fi
	lp_cg_create A/B/C
	if [ "$nrC" -gt 0 ]; then
		lp_add A/B/C "$nrC" 0
	fi
	idA=$(lp_cg_id A)
	idB=$(lp_cg_id A/B)
	idC=$(lp_cg_id A/B/C)
	idB2=$(lp_cg_id A/B2)
	idS=$(lp_cg_id S)
}

assert_decoys_untouched() {
	lp_assert_count "$idS" 100 0
	lp_assert_count "$idB2" 100 0
}

@test "objects: take from C empties A's list before it takes from the root's" {
	make_tree

	lp_take A/B/C 60 0
	lp_assert_count "$idA" 40 0
	lp_assert_count 1 100 0
	assert_decoys_untouched

	lp_take A/B/C 60 0
	lp_assert_count "$idA" 0 0
	lp_assert_count 1 80 0
	assert_decoys_untouched

	run lp_take A/B/C 100 0
	assert_success
	lp_assert_count 1 0 0
	assert_decoys_untouched
	lp_assert_count "$idB" 0 0
	lp_assert_count "$idC" 0 0

	lp_assert_stat taken_local 0
	lp_assert_stat taken_ancestor 200
	lp_assert_stat entries 200
}

@test "objects: take from C prefers the parent's list over the grandparent's" {
	make_tree 50

	lp_take A/B/C 60 0
	lp_assert_count "$idB" 0 0
	lp_assert_count "$idA" 90 0
	lp_assert_count 1 100 0
	assert_decoys_untouched
	lp_assert_stat taken_ancestor 60
}

@test "objects: take from C uses its own list before its ancestors'" {
	make_tree 0 10

	lp_take A/B/C 30 0
	lp_assert_count "$idC" 0 0
	lp_assert_count "$idA" 80 0
	lp_assert_count 1 100 0
	assert_decoys_untouched
	lp_assert_stat taken_local 10
	lp_assert_stat taken_ancestor 20
}

@test "objects: with fallback=none take from C takes nothing from its ancestors" {
	make_tree 0 10
	lp_write "$LP_PARAMS/fallback" none
	assert_equal "$(lp_param fallback)" none

	run lp_take A/B/C 50 0
	assert_success
	lp_assert_count "$idC" 0 0
	lp_assert_count "$idA" 100 0
	lp_assert_count 1 100 0
	assert_decoys_untouched
	lp_assert_stat taken_local 10
	lp_assert_stat taken_ancestor 0

	run lp_take A/B/C 50 0
	assert_success
	lp_assert_count "$idA" 100 0
	lp_assert_stat taken_ancestor 0
}

@test "objects: fallback switched back to ancestors at run time restores the lookup" {
	make_tree
	lp_write "$LP_PARAMS/fallback" none
	lp_take A/B/C 5 0
	lp_assert_count "$idA" 100 0

	lp_write "$LP_PARAMS/fallback" ancestors
	assert_equal "$(lp_param fallback)" ancestors
	lp_take A/B/C 5 0
	lp_assert_count "$idA" 95 0
	lp_assert_stat taken_local 0
	lp_assert_stat taken_ancestor 5
}

@test "objects: take from the root never takes from a child's list" {
	make_tree

	lp_take / 1000 0
	lp_assert_count 1 0 0
	lp_assert_count "$idA" 100 0
	assert_decoys_untouched
	lp_assert_stat taken_local 100
	lp_assert_stat taken_ancestor 0
}

@test "objects: take from B2 never takes from its sibling's or its descendants' lists" {
	make_tree 30 20

	# B2's own 100, then A's 100, then the root's 100.
	lp_take A/B2 250 0
	lp_assert_count "$idB2" 0 0
	lp_assert_count "$idA" 0 0
	lp_assert_count 1 50 0
	lp_assert_count "$idB" 30 0
	lp_assert_count "$idC" 20 0
	lp_assert_count "$idS" 100 0
	lp_assert_stat taken_local 100
	lp_assert_stat taken_ancestor 150
}
