#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# objects: one list per node. The guest has two nodes, cpu0 on node 0 and
# cpu1 on node 1.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"

setup() {
	lp_setup
	lp_need_two_nodes
}

teardown() {
	lp_teardown
}

# add_on / take_on <cgroup> <nr> <nid>: add or take on a node, written from
# a CPU of the other node, so that only the nid given can put the objects
# where they land.
add_on() {
	LP_CPU=$(lp_cpu_of_node $((1 - $3))) lp_add "$@"
}

take_on() {
	LP_CPU=$(lp_cpu_of_node $((1 - $3))) lp_take "$@"
}

numa_slab_at_least() {
	local v

	v=$(lp_numa_slab "$1" "$2") && [ "$v" -ge "$3" ]
}

@test "objects: add on nid 0 and nid 1 fills the matching count columns" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)
	add_on A 300 0
	lp_assert_count "$idA" 300 0
	add_on A 200 1
	lp_assert_count "$idA" 300 200
	add_on / 20 1
	lp_assert_count 1 0 20
	lp_assert_stat entries 520
}

@test "objects: add on a nid allocates the objects on that node, whatever CPU writes" {
	local nr=2000 size want cpu0 cpu1 n0 n1

	size=$(lp_object_size)
	want=$((nr * size))
	cpu0=$(lp_cpu_of_node 0)
	cpu1=$(lp_cpu_of_node 1)
	lp_cg_create A
	n0=$(lp_numa_slab A 0) || skip "memory.numa_stat has no slab figures"
	n1=$(lp_numa_slab A 1)

	# Written from node 0's CPU, asked for node 1.
	LP_CPU=$cpu0 lp_add A "$nr" 1
	lp_wait_until 30 numa_slab_at_least A 1 $((n1 + want)) ||
		fail "node 1 slab of A: $(lp_numa_slab A 1), expected at least $n1 + $want"
	[ "$(lp_numa_slab A 0)" -lt $((n0 + want / 2)) ] ||
		fail "node 0 slab of A grew from $n0 to $(lp_numa_slab A 0) for objects asked on node 1"

	n0=$(lp_numa_slab A 0)
	LP_CPU=$cpu1 lp_add A "$nr" 0
	lp_wait_until 30 numa_slab_at_least A 0 $((n0 + want)) ||
		fail "node 0 slab of A: $(lp_numa_slab A 0), expected at least $n0 + $want"
	lp_assert_count "$(lp_cg_id A)" "$nr" "$nr"
}

@test "objects: add without a nid uses the node of the writer's CPU" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)
	LP_CPU=$(lp_cpu_of_node 1) lp_add A 7
	lp_assert_count "$idA" 0 7
	LP_CPU=$(lp_cpu_of_node 0) lp_add A 5
	lp_assert_count "$idA" 5 7
}

@test "objects: take on nid 1 never takes objects of node 0" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)
	add_on A 300 0
	add_on A 100 1
	add_on / 50 0

	take_on A 500 1

	lp_assert_count "$idA" 300 0
	lp_assert_count 1 50 0
	lp_assert_stat taken_local 100
	lp_assert_stat taken_ancestor 0
	lp_assert_stat entries 350
}

@test "objects: take on nid 0 never takes objects of node 1" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)
	add_on A 30 1
	add_on A 10 0
	add_on / 20 1

	take_on A 100 0

	lp_assert_count "$idA" 0 30
	lp_assert_count 1 0 20
	lp_assert_stat taken_local 10
	lp_assert_stat taken_ancestor 0
}

@test "objects: take without a nid takes from the node of the writer's CPU" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)
	add_on A 40 0
	add_on A 40 1
	LP_CPU=$(lp_cpu_of_node 1) lp_take A 15
	lp_assert_count "$idA" 40 25
	LP_CPU=$(lp_cpu_of_node 0) lp_take A 10
	lp_assert_count "$idA" 30 25
}

@test "objects: the child-to-root lookup stays on the node asked for" {
	local idA

	# A holds node 0 objects only; its child C asks on node 1.
	lp_cg_create A
	idA=$(lp_cg_id A)
	add_on A 100 0
	add_on / 100 0
	lp_cg_create A/C

	run take_on A/C 50 1
	assert_success
	lp_assert_count "$idA" 100 0
	lp_assert_count 1 100 0
	lp_assert_stat taken_ancestor 0

	add_on / 30 1
	take_on A/C 50 1
	lp_assert_count "$idA" 100 0
	lp_assert_count 1 100 0
	lp_assert_stat taken_ancestor 30
}
