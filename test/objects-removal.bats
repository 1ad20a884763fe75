#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# objects: removing a cgroup that has objects in the pool. The kernel moves
# the memcg's lists and charges to the parent when the memcg goes offline,
# which happens asynchronously after rmdir: tests poll with a deadline.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"

setup() {
	lp_setup
}

teardown() {
	lp_teardown
}

# make_p_c: /P/C with 300 objects on node 0 and 100 on node 1 in C; ids in
# idP and idC.
make_p_c() {
	lp_cg_create P
	lp_cg_create P/C
	lp_add P/C 300 0
	lp_add P/C 100 1
	idP=$(lp_cg_id P)
	idC=$(lp_cg_id P/C)
	lp_assert_count "$idC" 300 100
	lp_assert_count "$idP" 0 0
}

moved_to() {
	lp_count_is "$1" "${@:3}" && lp_count_is "$2" 0 0
}

no_dying() {
	local cg=$1 key

	for key in nr_dying_descendants nr_dying_subsys_memory; do
		if lp_cg_has_stat "$cg" "$key"; then
			[ "$(lp_cg_stat "$cg" "$key")" -eq 0 ] || return 1
		fi
	done
}

cgstat_report() {
	echo "cgroup.stat of $1:"
	lp_cg_read "$1" cgroup.stat
}

@test "objects: rmdir of C moves its objects to P's line and keeps them charged to P" {
	local size

	size=$(lp_object_size)
	make_p_c

	rmdir "$(lp_cg_dir P/C)"

	lp_wait_until 60 moved_to "$idP" "$idC" 300 100 ||
		fail "count after rmdir of C:
$(cat "$LP_OBJ/count")"
	lp_assert_stat entries 400
	[ "$(lp_mem_current P)" -ge $((400 * size)) ] ||
		fail "memory.current of P: $(lp_mem_current P), expected at least $((400 * size))"
}

@test "objects: a removed cgroup's memcg is released while its objects stay pooled" {
	make_p_c

	rmdir "$(lp_cg_dir P/C)"

	lp_wait_until 60 moved_to "$idP" "$idC" 300 100
	lp_wait_until 120 no_dying P ||
		fail "P still has dying descendants; $(cgstat_report P)"
	lp_assert_count "$idP" 300 100
	lp_assert_stat entries 400
}

@test "objects: P takes the objects of its removed child as its own" {
	make_p_c
	rmdir "$(lp_cg_dir P/C)"
	lp_wait_until 60 moved_to "$idP" "$idC" 300 100

	# P has no children left: let it hold a process again.
	echo -memory > "$(lp_cg_dir P)/cgroup.subtree_control"
	lp_take P 350 0
	lp_assert_count "$idP" 0 100
	lp_assert_stat taken_local 300
	lp_assert_stat taken_ancestor 0
	lp_take P 100 1
	lp_assert_count "$idP" 0 0
	lp_assert_stat entries 0
}

@test "objects: a sibling of the removed cgroup finds its objects through P" {
	make_p_c
	lp_cg_create P/D
	rmdir "$(lp_cg_dir P/C)"
	lp_wait_until 60 moved_to "$idP" "$idC" 300 100

	lp_take P/D 50 0
	lp_assert_count "$idP" 250 100
	lp_assert_stat taken_ancestor 50
}

@test "objects: removing a whole subtree moves its objects to the root" {
	local dying0

	dying0=$(lp_cg_stat / nr_dying_descendants)
	lp_add / 10 0
	make_p_c
	lp_cg_create P/C/G
	lp_add P/C/G 20 1
	# C has a child now; its own objects were added before.
	lp_assert_count "$(lp_cg_id P/C/G)" 0 20

	rmdir "$(lp_cg_dir P/C/G)"
	rmdir "$(lp_cg_dir P/C)"
	rmdir "$(lp_cg_dir P)"

	lp_wait_until 60 lp_count_is 1 310 120 ||
		fail "count after removing P:
$(cat "$LP_OBJ/count")"
	assert_equal "$(lp_count_ids)" 1
	lp_assert_stat entries 430
	lp_wait_until 120 eval '[ "$(lp_cg_stat / nr_dying_descendants)" -le "$dying0" ]' ||
		fail "the root has $(lp_cg_stat / nr_dying_descendants) dying descendants, $dying0 before"

	echo 2 > /proc/sys/vm/drop_caches
	lp_assert_stat entries 0
}
