#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# module: rmmod while cgroups that hold pooled objects and pages are being
# removed. The kernel moves a removed memcg's lists to its parent's when the
# memcg goes offline, asynchronously after rmdir, so entries can arrive on a
# list that the unload's drain has already walked: the drain must go round
# until the pool is empty, free everything before the caches are destroyed,
# and end.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

# Rounds of load, fill, remove-and-unload; at most ROUNDS, and no new round
# once SECONDS_MAX have passed.
ROUNDS=20
SECONDS_MAX=60
# Children of P per round, and what each puts in the pool per node: more
# objects than one drain batch (1024) per node in all, and order-0 pages.
CHILDREN=4
OBJECTS=600
PAGES=128

setup() {
	lp_kernel_mark
	lp_unload
	lp_need_two_nodes
}

teardown() {
	lp_teardown
}

# fill <cgroup> <round>: objects and pooled pages on both nodes, charged to
# the cgroup.
fill() {
	# shellcheck disable=SC2016 # expanded by lp_as's shell
	lp_as "$1" '
		printf "%s 0\n" "'"$OBJECTS"'" > "$LP_OBJ/add" &&
		printf "%s 1\n" "'"$OBJECTS"'" > "$LP_OBJ/add" &&
		printf "b0 %s caching=wc order=0 nid=0\n" "'"$PAGES"'" > "$LP_PAGES/alloc" &&
		printf "b1 %s caching=wb order=0 nid=1\n" "'"$PAGES"'" > "$LP_PAGES/alloc" &&
		printf "b2 %s caching=uc nid=0\n" "'"$PAGES"'" > "$LP_PAGES/alloc" &&
		echo b0 > "$LP_PAGES/free" && echo b1 > "$LP_PAGES/free" &&
		echo b2 > "$LP_PAGES/free"'
}

# remove_children <cgroup> <n>: rmdir its children c1..cn.
remove_children() {
	local i rc=0

	for ((i = 1; i <= $2; i++)); do
		lp_wait_until 20 lp_rmdir_done "$(lp_cg_dir "$1/c$i")" || rc=1
	done
	return $rc
}

no_dying() {
	[ "$(lp_cg_stat "$1" nr_dying_descendants)" = 0 ]
}

not_in_slabinfo() {
	! awk 'NR > 2 { print $1 }' /proc/slabinfo | grep -qE "$1"
}

@test "module: rmmod drains the pool while the cgroups that fill it are being removed" {
	local round=0 end=$((SECONDS + SECONDS_MAX)) i pid rc log

	lp_cg_create P
	log=$(lp_state_dir)/remove.log
	while [ "$round" -lt "$ROUNDS" ] && { [ "$round" -eq 0 ] || [ "$SECONDS" -lt "$end" ]; }; do
		round=$((round + 1))
		lp_load
		for ((i = 1; i <= CHILDREN; i++)); do
			lp_cg_create "P/c$i"
			fill "P/c$i" || fail "round $round: filling P/c$i failed"
		done
		[ "$(lp_stat entries)" -eq $((CHILDREN * OBJECTS * 2)) ] ||
			fail "round $round: $(lp_stat entries) objects pooled"
		[ "$(lp_pstat pooled)" -eq $((CHILDREN * PAGES * 3)) ] ||
			fail "round $round: $(lp_pstat pooled) pages pooled"

		lp_bg "$log" remove_children P "$CHILDREN"
		pid=$!
		rc=0
		rmmod lrupool || rc=$?
		wait "$pid" || fail "round $round: the children were not removed: $(cat "$log")"
		[ "$rc" -eq 0 ] || fail "round $round: rmmod failed with status $rc"
		! lp_loaded || fail "round $round: lrupool is still loaded"
		not_in_slabinfo '^lrupool_(object|chunk)$' ||
			fail "round $round: caches left after rmmod:
$(grep lrupool /proc/slabinfo)"
		! lp_kernel_log_since_mark | grep -q 'cannot be drained' ||
			fail "round $round: $(lp_kernel_log_since_mark | grep 'cannot be drained')"
		lp_assert_no_splat
		lp_wait_until 120 no_dying P ||
			fail "round $round: P keeps dying descendants:
$(lp_cg_read P cgroup.stat)"
	done
	echo "# $round rounds" >&3
	lp_assert_clean_kernel
}
