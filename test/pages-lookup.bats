#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# pages: the child-to-root lookup of alloc, and fallback=none.
#
# The tree used below; every cgroup marked (512) holds one order-9 chunk of
# wc pages on node 0 in its list, allocated by a task of that cgroup and
# freed (the root's by a task of the root cgroup):
#
#   root (512)
#   |-- A (512)
#   |   |-- B (512 if asked)
#   |   |   `-- C (512 if asked)
#   |   `-- B2 (512, a sibling of B)
#   `-- S (512, a sibling of A)
#
# A cgroup with children cannot hold a process, so a cgroup fills its list
# before its children are created. Every request is 512 pages (one chunk)
# or a multiple, on node 0.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

setup() {
	lp_setup
}

teardown() {
	lp_teardown
}

# fill <cgroup>: one chunk into the cgroup's own list.
fill() {
	lp_palloc "$1" "fill-${1//\//_}" 512 nid=0
	lp_pfree "$1" "fill-${1//\//_}"
}

# make_tree [B] [C]: build the tree above; "yes": that cgroup fills its
# list, "no" (the default): it does not, "absent" (C only): C is not made.
# Ids in idA, idB, idC, idB2, idS. Nothing is in use. While the tree is
# built the lookup is off, or a cgroup would fill its list with a chunk
# borrowed from an ancestor's, which goes back to the ancestor.
make_tree() {
	local fallback

	fallback=$(lp_param fallback)
	lp_write "$LP_PARAMS/fallback" none
	lp_cg_create A
	fill A
	lp_cg_create S
	fill S
	fill /
	lp_cg_create A/B2
	fill A/B2
	lp_cg_create A/B
	if [ "${1:-no}" = yes ]; then
		fill A/B
	fi
	if [ "${2:-no}" != absent ]; then
		lp_cg_create A/B/C
		idC=$(lp_cg_id A/B/C)
		if [ "${2:-no}" = yes ]; then
			fill A/B/C
		fi
	fi
	lp_write "$LP_PARAMS/fallback" "$fallback"
	idA=$(lp_cg_id A)
	idB=$(lp_cg_id A/B)
	idB2=$(lp_cg_id A/B2)
	idS=$(lp_cg_id S)
	lp_assert_pstat in_use 0
	lp_assert_pstat hit_local 0
	lp_assert_pstat hit_ancestor 0
}

# has_chunk <cgroup-id> / empty <cgroup-id>: its list holds the one chunk
# it was given, or nothing.
has_chunk() {
	lp_assert_pcount_lines "$1" "wc 9 512 0"
}

empty() {
	lp_assert_pcount_lines "$1"
}

assert_decoys_untouched() {
	has_chunk "$idS"
	has_chunk "$idB2"
}

@test "pages: C's allocs take its own list, then B's, A's, the root's, then allocate" {
	local miss

	make_tree yes yes
	miss=$(lp_pstat miss)

	lp_palloc A/B/C c1 512 nid=0
	lp_assert_pbuffer c1 "$idC" 512 wc 0
	empty "$idC"
	has_chunk "$idB"
	has_chunk "$idA"
	has_chunk 1
	assert_decoys_untouched
	lp_assert_pstat hit_local 512
	lp_assert_pstat hit_ancestor 0

	lp_palloc A/B/C c2 512 nid=0
	lp_assert_pbuffer c2 "$idC" 512 wc 512
	empty "$idB"
	has_chunk "$idA"
	has_chunk 1
	assert_decoys_untouched
	lp_assert_pstat hit_ancestor 512

	lp_palloc A/B/C c3 512 nid=0
	lp_assert_pbuffer c3 "$idC" 512 wc 512
	empty "$idA"
	has_chunk 1
	assert_decoys_untouched
	lp_assert_pstat hit_ancestor 1024

	lp_palloc A/B/C c4 512 nid=0
	lp_assert_pbuffer c4 "$idC" 512 wc 512
	empty 1
	assert_decoys_untouched
	lp_assert_pstat hit_ancestor 1536
	lp_assert_pstat miss "$miss"

	# Nothing left on the way to the root: only now a fresh chunk.
	lp_palloc A/B/C c5 512 nid=0
	lp_assert_pbuffer c5 "$idC" 512 wc 0
	lp_assert_pstat miss $((miss + 512))
	assert_decoys_untouched
	lp_assert_pstat hit_local 512
	lp_assert_pstat hit_ancestor 1536

	# Each chunk returns to the list of the memcg it is charged to.
	lp_pfree A/B/C c1
	lp_pfree A/B/C c2
	lp_pfree A/B/C c3
	lp_pfree A/B/C c4
	lp_pfree A/B/C c5
	lp_assert_pcount_lines "$idC" "wc 9 1024 0"
	has_chunk "$idB"
	has_chunk "$idA"
	has_chunk 1
	assert_decoys_untouched
	lp_assert_pages_consistent
}

@test "pages: one alloc of C spans its own list and its ancestors' in order" {
	local miss

	make_tree yes yes
	miss=$(lp_pstat miss)

	lp_palloc A/B/C all 2560 nid=0
	lp_assert_pbuffer all "$idC" 2560 wc 1536
	lp_assert_pstat hit_local 512
	lp_assert_pstat hit_ancestor 1536
	lp_assert_pstat miss $((miss + 512))
	empty "$idC"
	empty "$idB"
	empty "$idA"
	empty 1
	assert_decoys_untouched

	lp_pfree A/B/C all
	has_chunk "$idB"
	has_chunk "$idA"
	# The fresh chunk is C's: C's list has it as well.
	lp_assert_pcount_lines "$idC" "wc 9 1024 0"
	has_chunk 1
	assert_decoys_untouched
	lp_assert_pages_consistent
}

@test "pages: C with an empty list and an empty parent takes the grandparent's chunk first" {
	make_tree

	lp_palloc A/B/C c 1024 nid=0
	lp_assert_pbuffer c "$idC" 1024 wc 1024
	empty "$idA"
	empty 1
	empty "$idB"
	assert_decoys_untouched
	lp_assert_pstat hit_local 0
	lp_assert_pstat hit_ancestor 1024
	lp_pfree A/B/C c
	has_chunk "$idA"
	has_chunk 1
	empty "$idC"
	lp_assert_pages_consistent
}

@test "pages: siblings' lists are never used: B2 takes its own, A's, the root's, then allocates" {
	local miss

	make_tree yes yes
	miss=$(lp_pstat miss)

	lp_palloc A/B2 b2 2048 nid=0
	lp_assert_pbuffer b2 "$idB2" 2048 wc 1024
	lp_assert_pstat hit_local 512
	lp_assert_pstat hit_ancestor 1024
	lp_assert_pstat miss $((miss + 512))
	empty "$idB2"
	empty "$idA"
	empty 1
	has_chunk "$idB"
	has_chunk "$idC"
	has_chunk "$idS"

	# S's only ancestor is the root, whose list B2 emptied.
	lp_palloc S s 1024 nid=0
	lp_assert_pbuffer s "$idS" 1024 wc 0
	lp_assert_pstat miss $((miss + 1024))
	has_chunk "$idB"
	has_chunk "$idC"
	lp_assert_pages_consistent
}

@test "pages: the root never takes from a child's list" {
	local miss

	make_tree yes yes
	miss=$(lp_pstat miss)

	lp_palloc / r 2048 nid=0
	lp_assert_pbuffer r 1 2048 wc 0
	lp_assert_pstat hit_local 512
	lp_assert_pstat hit_ancestor 0
	lp_assert_pstat miss $((miss + 1536))
	empty 1
	has_chunk "$idA"
	has_chunk "$idB"
	has_chunk "$idC"
	assert_decoys_untouched
	lp_pfree / r
	lp_assert_pcount_lines 1 "wc 9 2048 0"
	lp_assert_pages_consistent
}

@test "pages: with fallback=none B never takes A's or the root's pages" {
	local miss cid

	make_tree no absent
	lp_write "$LP_PARAMS/fallback" none
	assert_equal "$(lp_param fallback)" none
	miss=$(lp_pstat miss)

	lp_palloc A/B b 1024 nid=0
	lp_assert_pbuffer b "$idB" 1024 wc 0
	lp_assert_pstat hit_ancestor 0
	lp_assert_pstat miss $((miss + 1024))
	has_chunk "$idA"
	has_chunk 1
	assert_decoys_untouched
	lp_pfree A/B b
	lp_assert_pcount_lines "$idB" "wc 9 1024 0"

	# Its own list it still uses.
	lp_palloc A/B b2 512 nid=0
	lp_assert_pstat hit_local 512
	lp_assert_pcount_lines "$idB" "wc 9 512 0"

	# C, made below B now, takes nothing from B, A or the root.
	lp_cg_create A/B/C
	cid=$(lp_cg_id A/B/C)
	lp_palloc A/B/C c 512 nid=0
	lp_assert_pbuffer c "$cid" 512 wc 0
	lp_assert_pstat hit_ancestor 0
	lp_assert_pstat miss $((miss + 1536))
	lp_assert_pcount_lines "$idB" "wc 9 512 0"
	has_chunk "$idA"
	has_chunk 1
	assert_decoys_untouched

	# Back to ancestors at run time: the lookup works again.
	lp_write "$LP_PARAMS/fallback" ancestors
	lp_palloc A/B/C c2 1024 nid=0
	lp_assert_pbuffer c2 "$cid" 1024 wc 1024
	empty "$idB"
	empty "$idA"
	has_chunk 1
	assert_decoys_untouched
	lp_assert_pages_consistent
}

@test "pages: fallback=none given to insmod: a cgroup with an empty list always allocates" {
	local miss

	lp_unload
	lp_load fallback=none
	assert_equal "$(lp_param fallback)" none
	make_tree yes
	miss=$(lp_pstat miss)

	lp_palloc A/B/C c 1536 nid=0
	lp_assert_pbuffer c "$idC" 1536 wc 0
	lp_assert_pstat hit_local 0
	lp_assert_pstat hit_ancestor 0
	lp_assert_pstat miss $((miss + 1536))
	has_chunk "$idB"
	has_chunk "$idA"
	has_chunk 1
	assert_decoys_untouched
	lp_pfree A/B/C c
	lp_assert_pcount_lines "$idC" "wc 9 1536 0"
	lp_assert_pages_consistent
}
