#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# objects: adding and taking objects, how they are charged and counted, and
# what unloading the module does with a full pool.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"

setup() {
	lp_setup
}

teardown() {
	lp_teardown
}

@test "objects: files exist with the documented modes" {
	assert_dir_exists "$LP_OBJ"
	assert_file_permission 200 "$LP_OBJ/add"
	assert_file_permission 200 "$LP_OBJ/take"
	assert_file_permission 400 "$LP_OBJ/count"
	assert_file_permission 200 "$LP_OBJ/scan"
	assert_file_permission 400 "$LP_OBJ/stats"
}

@test "objects: the debugfs README describes objects/ and the parameters" {
	local word

	run cat "$LP_ROOT/README"
	assert_success
	for word in objects/ add take count scan stats fallback max_request_pages; do
		[[ $output == *"$word"* ]] || fail "README does not mention '$word'"
	done
}

@test "objects: a fresh pool prints nothing in count and zero stats" {
	local key

	run cat "$LP_OBJ/count"
	assert_success
	assert_output ''
	for key in entries added taken_local taken_ancestor shrink_freed; do
		lp_assert_stat "$key" 0
	done
	lp_object_size
}

@test "objects: add in a child cgroup charges its memory.stat slab and memory.current" {
	local nr=2000 size slab0 cur0 want

	size=$(lp_object_size)
	want=$((nr * size))
	lp_cg_create A
	slab0=$(lp_memstat A slab)
	cur0=$(lp_mem_current A)

	lp_add A "$nr" 0

	lp_wait_until 30 lp_slab_at_least A $((slab0 + want)) ||
		fail "slab of A: $(lp_memstat A slab), expected at least $slab0 + $want"
	[ "$(lp_mem_current A)" -ge $((cur0 + want)) ] ||
		fail "memory.current of A: $(lp_mem_current A), expected at least $cur0 + $want"
}

# The writer's memcg is the writing task's, not its mm owner's: clonevm (in
# A, the owner of its mm) clones a CLONE_VM child, moves it to B, and the
# child writes the add.
@test "objects: add by a CLONE_VM child in another cgroup goes to the child's cgroup, not the mm owner's" {
	local nr=2000 size want idA idB slabA0 slabB0

	size=$(lp_object_size)
	want=$((nr * size))
	lp_cg_create A
	lp_cg_create B
	idA=$(lp_cg_id A)
	idB=$(lp_cg_id B)
	slabA0=$(lp_memstat A slab)
	slabB0=$(lp_memstat B slab)

	run lp_in_cg A clonevm "$(lp_cg_dir B)/cgroup.procs" "$LP_OBJ/add" "$nr 0"
	assert_success
	assert_output --regexp '^child [0-9]+ in 0::/B$'
	lp_assert_count "$idB" "$nr" 0
	lp_assert_count "$idA" 0 0
	lp_assert_stat entries "$nr"
	lp_wait_until 30 lp_slab_at_least B $((slabB0 + want)) ||
		fail "slab of B: $(lp_memstat B slab), expected at least $slabB0 + $want"
	lp_slab_at_most A $((slabA0 + want / 2)) ||
		fail "slab of A: $(lp_memstat A slab), the objects were charged to the mm owner's cgroup ($slabA0 before)"
}

@test "objects: add shows the writer's cgroup-id in count on the node asked for" {
	local idA

	lp_cg_create A
	idA=$(lp_cg_id A)
	# Written from node 1's CPU: only the nid asked for puts them on 0.
	LP_CPU=$(lp_cpu_of_node 1) lp_add A 300 0
	lp_assert_count "$idA" 300 0
	lp_assert_stat entries 300
	run lp_count_ids
	assert_output "$idA"
}

@test "objects: add in the root cgroup shows under cgroup-id 1" {
	assert_equal "$(lp_cg_id /)" 1
	lp_add / 40 0
	lp_assert_count 1 40 0
	lp_assert_stat entries 40
}

@test "objects: count has one line per memcg and stats entries is their sum" {
	lp_cg_create A
	lp_cg_create B
	lp_add A 10 0
	lp_add B 20 0
	lp_add A 5 0
	lp_add / 7 0
	lp_assert_count "$(lp_cg_id A)" 15 0
	lp_assert_count "$(lp_cg_id B)" 20 0
	lp_assert_count 1 7 0
	assert_equal "$(wc -l < "$LP_OBJ/count")" 3
	lp_assert_stat entries 42
	lp_assert_stat added 42
}

@test "objects: take frees the writer's objects and its slab charge" {
	local nr=2000 size slab0 idA

	size=$(lp_object_size)
	lp_cg_create A
	idA=$(lp_cg_id A)
	slab0=$(lp_memstat A slab)
	lp_add A "$nr" 0
	lp_wait_until 30 lp_slab_at_least A $((slab0 + nr * size))

	lp_take A "$nr" 0

	lp_assert_count "$idA" 0 0
	lp_assert_stat entries 0
	lp_assert_stat added "$nr"
	lp_assert_stat taken_local "$nr"
	lp_assert_stat taken_ancestor 0
	run cat "$LP_OBJ/count"
	assert_output ''
	lp_wait_until 30 lp_slab_at_most A $((slab0 + LP_SLAB_SLACK)) ||
		fail "slab of A stays at $(lp_memstat A slab) after take (was $slab0)"
}

@test "objects: take of more than the pool holds takes what there is" {
	lp_cg_create A
	lp_add A 30 0
	run lp_take A 100 0
	assert_success
	lp_assert_count "$(lp_cg_id A)" 0 0
	lp_assert_stat taken_local 30
	lp_assert_stat entries 0

	run lp_take A 100 0
	assert_success
	lp_assert_stat taken_local 30
}

@test "objects: a line without a trailing newline is accepted" {
	lp_cg_create A
	lp_as A 'printf "12 0" > "$LP_OBJ/add"'
	lp_assert_count "$(lp_cg_id A)" 12 0
	lp_as A 'printf "2 0" > "$LP_OBJ/take"'
	lp_assert_count "$(lp_cg_id A)" 10 0
}

@test "objects: unloading the module frees every pooled object and its charge" {
	local nr=2000 size slab0

	size=$(lp_object_size)
	lp_cg_create A
	slab0=$(lp_memstat A slab)
	lp_add A $((nr / 2)) 0
	lp_add A $((nr / 2)) 1
	lp_add / 100 0
	lp_wait_until 30 lp_slab_at_least A $((slab0 + nr * size))

	run rmmod lrupool
	assert_success
	assert_not_exists "$LP_ROOT"
	lp_wait_until 30 lp_slab_at_most A $((slab0 + LP_SLAB_SLACK)) ||
		fail "slab of A stays at $(lp_memstat A slab) after unload (was $slab0)"
	lp_assert_clean_kernel
}

@test "objects: load, fill and unload 10 times leaks no object" {
	local i nr size slab0

	lp_cg_create L
	slab0=$(lp_memstat L slab)
	# About 1 MiB of objects per round.
	nr=$(lp_objects_for $((1 << 20)))
	[ "$nr" -le 262144 ] || nr=262144
	size=$(lp_object_size)
	rmmod lrupool

	for i in $(seq 10); do
		lp_load
		lp_add L $((nr / 2)) 0
		lp_add L $((nr - nr / 2)) 1
		lp_assert_stat entries "$nr"
		rmmod lrupool
	done

	# Every round charged its objects to L; each unload must have freed
	# them, so nothing stays charged.
	lp_wait_until 30 lp_slab_at_most L $((slab0 + LP_SLAB_SLACK)) ||
		fail "slab of L is $(lp_memstat L slab) after 10 rounds of $nr objects of $size bytes (was $slab0)"
	lp_assert_clean_kernel
}
