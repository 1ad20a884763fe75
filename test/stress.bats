#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# A bounded, seeded stress (test/lib/stress.sh, which says in detail what it
# does and checks): writers moving between the cgroups of a tree that a
# mutator changes under them (mkdir and rmdir of leaf and inner cgroups)
# allocate and free buffers, add and take objects, scan, reclaim, change
# memory.max and drop caches; then, with their buffers live, stats must
# agree with count, buffers and what the writers did; every removed memcg
# must go; and lrupool must unload with buffers live, leaving every page
# write-back and MemFree where it was before insmod, with nothing in the
# kernel log.
#
# LRUPOOL_STRESS_SECONDS (default 60) bounds the stress; LRUPOOL_STRESS_SEED
# (default: random, printed first) replays each worker's choices.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/stress.sh"

setup() {
	lp_kernel_mark
	lp_unload
}

teardown() {
	lp_teardown
}

@test "stress: seeded writers in a changing cgroup tree, then the invariants, and rmmod with buffers live" {
	ST_SAY_FD=3 ST_SAY_PREFIX='# ' stress_main \
		--seconds "${LRUPOOL_STRESS_SECONDS:-60}" ||
		fail "the stress failed (seed $ST_SEED): ${ST_FAILURES[*]}"
}
