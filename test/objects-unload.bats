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
ROUNDS=8
SECONDS_MAX=15
# Children of P per round, and what each puts in the pool per node: more
# objects than one drain batch (1024) per node in all, and order-0 pages.
CHILDREN=4
OBJECTS=600
PAGES=128

# The second test: chains of cgroups below P whose lists the drain's walk
# visits before C's, CHAINS of DEPTH; at most HELD_ROUNDS rounds that
# hold rmmod in the walk, at most WALK_ROUNDS rounds, no new round after
# WALK_SECONDS.
CHAINS=20
DEPTH=100
HELD_ROUNDS=2
WALK_ROUNDS=6
WALK_SECONDS=25
PREEMPT=/sys/kernel/debug/sched/preempt
RT_RUNTIME=/proc/sys/kernel/sched_rt_runtime_us

setup() {
	lp_kernel_mark
	lp_unload
	lp_need_two_nodes
}

teardown() {
	local saved

	saved=$(lp_state_dir)/preempt
	if [ -f "$saved" ]; then
		cat "$saved" > "$PREEMPT" || :
		rm -f "$saved"
	fi
	saved=$(lp_state_dir)/rt_runtime
	if [ -f "$saved" ]; then
		cat "$saved" > "$RT_RUNTIME" || :
		rm -f "$saved"
	fi
	# lp_teardown would remove the chains one rmdir at a time.
	if [ -d "$(lp_cg_dir P/k1)" ]; then
		lp_bg_kill
		in_bash chains_remove "$(lp_cg_dir P)" "$CHAINS" "$DEPTH" || :
	fi
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
	echo "# $round rounds, $((SECONDS - end + SECONDS_MAX)) s" >&3
	lp_assert_clean_kernel
}

# in_bash <function> [args...]: run a function of this file in a new bash,
# away from bats's per-command traps, which make long loops slow.
in_bash() {
	bash -c "$(declare -f "$1"); \"\$@\"" in_bash "$@"
}

# chains_make <dir> <chains> <depth>: below the cgroup dir, <chains> chains
# of <depth> cgroups, k<n>/e/e/..., each level with a memcg; print each
# chain's deepest cgroup's directory. The memcgs get their ids in the
# order made.
chains_make() {
	local dir=$1 k i d tail='' bottoms=()

	for ((i = 1; i < $3; i++)); do tail+=/e; done
	for ((k = 1; k <= $2; k++)); do bottoms+=("$dir/k$k$tail"); done
	mkdir -p "${bottoms[@]}" || return
	echo +memory > "$dir/cgroup.subtree_control" || return
	for ((k = 1; k <= $2; k++)); do
		d=$dir/k$k
		for ((i = 1; i < $3; i++)); do
			echo +memory > "$d/cgroup.subtree_control" || return
			d+=/e
		done
	done
	printf '%s\n' "${bottoms[@]}"
}

# chains_remove <dir> <chains> <depth>: remove what chains_make made,
# deepest first.
chains_remove() {
	local dir=$1 i k d=() tail

	for ((k = 1; k <= $2; k++)); do d+=("$dir/k$k"); done
	tail=''
	for ((i = 1; i < $3; i++)); do tail+=/e; done
	for ((i = $3 - 1; i >= 0; i--)); do
		for ((k = 0; k < $2; k++)); do
			echo "${d[k]}${tail:0:2*i}"
		done
	done | xargs rmdir
}

# give_take <objects-dir> <dir>...: in each cgroup, give an object to the
# pool on node 0 and take it back, which leaves that memcg's lists on the
# pool's list_lru, and its ancestors' (the kernel makes them for every
# ancestor), empty.
give_take() {
	local obj=$1 d

	shift
	for d; do
		echo "$BASHPID" > "$d/cgroup.procs" &&
			echo "1 0" > "$obj/add" && echo "1 0" > "$obj/take" ||
			return
	done
}

# dying_is <cgroup> <n>: whether it has at most n dying descendants.
dying_is() {
	local key value

	while read -r key value; do
		[ "$key" = nr_dying_descendants ] && { [ "$value" -le "$2" ]; return; }
	done < "$(lp_cg_dir "$1")/cgroup.stat"
	return 1
}

@test "module: rmmod drains the pool when the cgroup that holds it is removed in the middle of the drain's walk" {
	local round=0 held=0 start=$SECONDS end bottoms dying
	local out ctl nap wh rc i c n

	# A stand-in for an unlucky schedule: rmmod runs on CPU 1 a few
	# microseconds at a time (test/fixtures/user/walkhold.c, which needs
	# the preemption model "full") until it is in the objects pool's walk
	# of node 0, which visits the root's list first, then each memcg's in
	# the order of their ids: the chains' 2,000 empty ones, then C's. It
	# is held there while C, a child of the root and the only cgroup with
	# entries, is removed and its lists spliced into the root's. The walk
	# then finds C's list gone: a drain that ends on a pass that isolates
	# nothing leaves C's entries behind.
	[ -w "$PREEMPT" ] || skip "no $PREEMPT (kernel without PREEMPT_DYNAMIC)"
	command -v walkhold > /dev/null || skip "no walkhold program"
	[ "$(nproc)" -ge 2 ] || skip "fewer than 2 CPUs"
	sed 's/.*(\(.*\)).*/\1/' "$PREEMPT" > "$(lp_state_dir)/preempt"
	echo full > "$PREEMPT"
	# No RT throttling while rmmod is held: it would let rmmod run on.
	cat "$RT_RUNTIME" > "$(lp_state_dir)/rt_runtime"
	echo -1 > "$RT_RUNTIME"

	lp_cg_create P
	mapfile -t bottoms < <(in_bash chains_make "$(lp_cg_dir P)" "$CHAINS" "$DEPTH")
	[ "${#bottoms[@]}" -eq "$CHAINS" ] || fail "cannot make the chains of cgroups"
	end=$((SECONDS + WALK_SECONDS))
	out=$(lp_state_dir)/walkhold.out
	ctl=$(lp_state_dir)/walkhold.ctl
	nap=$(lp_state_dir)/nap
	mkfifo "$nap"
	exec {n}<> "$nap"
	while [ "$held" -lt "$HELD_ROUNDS" ] && [ "$round" -lt "$WALK_ROUNDS" ] &&
		{ [ "$round" -eq 0 ] || [ "$SECONDS" -lt "$end" ]; }; do
		round=$((round + 1))
		lp_load
		in_bash give_take "$LP_OBJ" "${bottoms[@]}" || fail "round $round: giving in the chains failed"
		lp_cg_create C
		lp_add C "$OBJECTS" 0 || fail "round $round: filling C failed"
		[ "$(lp_stat entries)" -eq "$OBJECTS" ] ||
			fail "round $round: $(lp_stat entries) objects pooled"
		dying=$(lp_cg_stat / nr_dying_descendants)

		rm -f "$ctl" "$out"
		mkfifo "$ctl"
		walkhold -p lrupool_object_release 1 \
			lrupool_objects_exit list_lru_walk_node -- \
			rmmod lrupool < "$ctl" > "$out" 2>&1 3>&- &
		wh=$!
		exec {c}> "$ctl"
		lp_wait_until 30 grep -qE '^(held|missed)' "$out"
		if grep -q '^held' "$out"; then
			taskset -c 0 rmdir "$(lp_cg_dir C)" ||
				fail "round $round: cannot remove C"
			# Offline, its lists spliced into the root's, and freed.
			for ((i = 0; i < 300; i++)); do
				dying_is / "$dying" && break
				read -r -t 0.01 -u "$n" || :
			done
			dying_is / "$dying" && held=$((held + 1))
		fi
		exec {c}>&-
		rc=0
		wait "$wh" || rc=$?
		[ "$rc" -eq 0 ] || fail "round $round: rmmod failed with status $rc: $(cat "$out")"
		! lp_loaded || fail "round $round: lrupool is still loaded"
		lp_assert_no_splat
		not_in_slabinfo '^lrupool_(object|chunk)$' ||
			fail "round $round: caches left after rmmod:
$(grep lrupool /proc/slabinfo)"
		! lp_kernel_log_since_mark | grep -q 'cannot be drained' ||
			fail "round $round: $(lp_kernel_log_since_mark | grep 'cannot be drained')"
		lp_wait_until 20 lp_rmdir_done "$(lp_cg_dir C)" ||
			fail "round $round: cannot remove C"
	done
	exec {n}>&-
	echo "# $round rounds, $held held in the walk while C was removed, $((SECONDS - start)) s" >&3
	in_bash chains_remove "$(lp_cg_dir P)" "$CHAINS" "$DEPTH" ||
		fail "cannot remove the chains of cgroups"
	lp_assert_clean_kernel
}
