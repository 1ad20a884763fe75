#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# pages: buffers on a node. The guest has two nodes, cpu0 on node 0 and cpu1
# on node 1. Where the node a page sits on matters, it is read from the
# page itself: /proc/kpageflags shows which RAM pages are not write-back,
# and /proc/zoneinfo which node each page frame belongs to. (memory.numa_stat
# has no per-node figure for kernel pages charged with __GFP_ACCOUNT, so it
# cannot tell.)

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

setup() {
	lp_setup
	lp_need_two_nodes
}

teardown() {
	lp_teardown
}

# alloc_on <cgroup> <name> <nr> <nid> [option...]: alloc with nid=<nid>,
# written from a CPU of the other node, so that only the nid given can put
# the pages where they land.
alloc_on() {
	local cg=$1 name=$2 nr=$3 nid=$4

	shift 4
	LP_CPU=$(lp_cpu_of_node $((1 - nid))) lp_palloc "$cg" "$name" "$nr" "nid=$nid" "$@"
}

# alloc_here <cgroup> <name> <nr> <nid> [option...]: alloc without a nid,
# written from a CPU of that node.
alloc_here() {
	local cg=$1 name=$2 nr=$3 nid=$4

	shift 4
	LP_CPU=$(lp_cpu_of_node "$nid") lp_palloc "$cg" "$name" "$nr" "$@"
}

# not_wb_by_node: "<n0> <n1>": RAM pages of each node whose caching is not
# write-back.
not_wb_by_node() {
	local nid wc uc wt out=()

	for nid in 0 1; do
		read -r wc uc wt < <(lp_memtypes "$nid") || return
		out+=($((wc + uc + wt)))
	done
	echo "${out[*]}"
}

# assert_not_wb_by_node <what> <n0 before> <n1 before> <n0 rise> <n1 rise>
assert_not_wb_by_node() {
	local n0 n1

	read -r n0 n1 < <(not_wb_by_node)
	if [ "$n0" -lt $(($2 + $4)) ] || [ "$n0" -gt $(($2 + $4 + LP_NOT_WB_SLACK)) ] ||
		[ "$n1" -lt $(($3 + $5)) ] || [ "$n1" -gt $(($3 + $5 + LP_NOT_WB_SLACK)) ]; then
		fail "$1: pages not write-back on node 0/1: $n0/$n1, expected $(($2 + $4))/$(($3 + $5)) (before: $2/$3)"
	fi
}

@test "pages: nid=1 buffers are allocated on node 1 only, whatever CPU writes" {
	local idA b0 b1

	lp_cg_create A
	idA=$(lp_cg_id A)
	read -r b0 b1 < <(not_wb_by_node)

	alloc_on A one 1024 1
	lp_assert_pbuffer one "$idA" 1024 wc 0
	assert_not_wb_by_node "a wc buffer asked on node 1" "$b0" "$b1" 0 1024
	alloc_on A zero 600 0 caching=uc
	assert_not_wb_by_node "and a uc buffer asked on node 0" "$b0" "$b1" 600 1024

	lp_pfree A one
	lp_pfree A zero
	lp_assert_pcount_lines "$idA" "wc 9 0 1024" "uc 3 8 0" "uc 4 16 0" "uc 6 64 0" "uc 9 512 0"
	assert_not_wb_by_node "pooled" "$b0" "$b1" 600 1024
	lp_assert_pages_consistent
}

@test "pages: a nid=1 alloc misses rather than take node 0 pages, own or an ancestor's" {
	local idA idC

	lp_cg_create A
	idA=$(lp_cg_id A)
	alloc_on A p0 512 0
	lp_pfree A p0
	alloc_on / r0 512 0
	lp_pfree / r0
	lp_cg_create A/C
	idC=$(lp_cg_id A/C)
	lp_assert_pcount_lines "$idA" "wc 9 512 0"
	lp_assert_pcount_lines 1 "wc 9 512 0"

	alloc_on A/C c1 512 1
	lp_assert_pstat hit_local 0
	lp_assert_pstat hit_ancestor 0
	lp_assert_pstat miss 1536
	lp_assert_pbuffer c1 "$idC" 512 wc 0
	lp_assert_pcount_lines "$idA" "wc 9 512 0"
	lp_assert_pcount_lines 1 "wc 9 512 0"
	lp_pfree A/C c1
	lp_assert_pcount_lines "$idC" "wc 9 0 512"

	# Node 1 pages of the root are found through the lookup; A's node 0
	# pages are still not.
	alloc_on / r1 512 1
	lp_pfree / r1
	alloc_on A/C c2 1024 1
	lp_assert_pbuffer c2 "$idC" 1024 wc 512
	lp_assert_pstat hit_local 512
	lp_assert_pstat hit_ancestor 512
	lp_assert_pcount_lines "$idA" "wc 9 512 0"
	lp_assert_pcount_lines 1 "wc 9 512 0"
	lp_assert_pcount_lines "$idC"
	lp_pfree A/C c2
	lp_assert_pcount_lines 1 "wc 9 512 512"
	lp_assert_pcount_lines "$idC" "wc 9 0 512"
	lp_assert_pages_consistent
}

@test "pages: a nid=1 alloc takes node 1 pages only, a nid=0 alloc node 0 pages only" {
	local idA b0 b1

	lp_cg_create A
	idA=$(lp_cg_id A)
	alloc_on A p0 512 0
	alloc_on A p1 512 1
	lp_pfree A p0
	lp_pfree A p1
	lp_assert_pcount_lines "$idA" "wc 9 512 512"
	read -r b0 b1 < <(not_wb_by_node)

	alloc_on A t1 512 1
	lp_assert_pcount_lines "$idA" "wc 9 512 0"
	lp_assert_pstat hit_local 512
	lp_assert_pstat miss 1024
	lp_pfree A t1
	alloc_on A t0 512 0
	lp_assert_pcount_lines "$idA" "wc 9 0 512"
	lp_assert_pstat hit_local 1024
	lp_assert_pstat miss 1024
	lp_pfree A t0
	lp_assert_pcount_lines "$idA" "wc 9 512 512"
	# Reuse changed no page's caching on either node.
	assert_not_wb_by_node "after reuse" "$b0" "$b1" 0 0
	lp_assert_pstat caching_changes 1024
	lp_assert_pages_consistent
}

@test "pages: alloc without a nid uses the writer's node, to allocate and to reuse" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)

	alloc_here A h1 512 1
	lp_pfree A h1
	lp_assert_pcount_lines "$idA" "wc 9 0 512"
	alloc_here A h0 600 0 caching=uc
	lp_pfree A h0
	lp_assert_pcount_lines "$idA" "wc 9 0 512" "uc 3 8 0" "uc 4 16 0" "uc 6 64 0" "uc 9 512 0"
	lp_assert_pstat miss 1112

	# Reuse on the writer's node: node 1's wc pages for a writer on
	# node 1; a writer on node 0 finds no wc pages on its node.
	alloc_here A w0 512 0
	lp_assert_pstat hit_local 0
	lp_assert_pstat miss 1624
	lp_assert_pcount_lines "$idA" "wc 9 0 512" "uc 3 8 0" "uc 4 16 0" "uc 6 64 0" "uc 9 512 0"
	alloc_here A w1 512 1
	lp_assert_pstat hit_local 512
	lp_assert_pstat miss 1624
	lp_assert_pcount_lines "$idA" "uc 3 8 0" "uc 4 16 0" "uc 6 64 0" "uc 9 512 0"
	lp_pfree A w0
	lp_pfree A w1
	lp_assert_pcount_lines "$idA" "wc 9 512 512" "uc 3 8 0" "uc 4 16 0" "uc 6 64 0" "uc 9 512 0"
	lp_assert_pages_consistent
}

@test "pages: scan of one node frees that node's pages only" {
	local idA b0 b1

	lp_cg_create A
	idA=$(lp_cg_id A)
	read -r b0 b1 < <(not_wb_by_node)
	alloc_on A p0 512 0
	alloc_on A p1 1024 1 caching=uc
	lp_pfree A p0
	lp_pfree A p1
	assert_not_wb_by_node "pooled on both nodes" "$b0" "$b1" 512 1024

	lp_pscan "$idA" 1 100000
	lp_assert_pcount_lines "$idA" "wc 9 512 0"
	lp_assert_pstat shrink_freed 1024
	assert_not_wb_by_node "after a scan of node 1" "$b0" "$b1" 512 0
	lp_assert_pages_consistent
}
