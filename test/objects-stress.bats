#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# objects: writers in several cgroups add and take while cgroups are created
# and removed under them and scan, memory.reclaim and drop_caches run, for a
# bounded time (LRUPOOL_STRESS_SECONDS, default 20). Afterwards count and
# stats must agree, every cgroup must go and the module must unload.
#
#   root (writer)
#   |-- W1 (writer)
#   |-- W2 (writer)
#   `-- S
#       |-- t (writer: takes what the churn leaves in S)
#       `-- churn<i> (created, filled, removed, one after the other)

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"

setup() {
	lp_setup
	nr_nodes=$(lp_nr_nodes)
}

teardown() {
	lp_teardown
}

# The workers run as background subshells of the test, which inherit its
# errexit: they turn it off and report failures in their logs instead.

# writer <cgroup> <end>: add and take random amounts on random nodes.
writer() {
	local cg=$1 end=$2

	set +e
	echo "$BASHPID" > "$(lp_cg_dir "$cg")/cgroup.procs" || return
	while [ "$SECONDS" -lt "$end" ]; do
		printf '%d %d\n' $((RANDOM % 50 + 1)) $((RANDOM % nr_nodes)) > "$LP_OBJ/add"
		printf '%d %d\n' $((RANDOM % 60 + 1)) $((RANDOM % nr_nodes)) > "$LP_OBJ/take"
		printf '%d\n' $((RANDOM % 20 + 1)) > "$LP_OBJ/take"
	done
	return 0
}

# churn <parent> <end>: create a child, fill it (and every third time take
# from it) from a shell moved into it, remove it; again. Kept to few forks:
# under TCG each one costs.
churn() {
	local parent=$1 end=$2 i=0 dir list

	set +e
	list=$(lp_state_dir)/lp-cgroups
	while [ "$SECONDS" -lt "$end" ]; do
		dir=$LP_CGROOT/$parent/churn$i
		mkdir "$dir" || return
		echo "$dir" >> "$list"
		bash -c 'echo $$ > "$1/cgroup.procs" || exit 125
			printf "%d %d\n" "$2" "$3" > "$LP_OBJ/add" || exit
			[ "$4" -eq 0 ] || printf "%d\n" "$4" > "$LP_OBJ/take"' \
			churn "$dir" $((RANDOM % 100 + 1)) $((RANDOM % nr_nodes)) \
			$((i % 3 ? 0 : RANDOM % 150 + 1)) ||
			{ echo "writing as $dir failed"; return 1; }
		lp_wait_until 10 lp_rmdir_done "$dir" ||
			{ echo "cannot remove $dir"; return 1; }
		i=$((i + 1))
	done
	echo "churned $i cgroups"
}

# shrinker <end> <cgroup>...: scan random lines of count, reclaim in the
# given cgroups and drop caches every few seconds. A scan may name a cgroup
# removed meanwhile and then fails with ENOENT.
shrinker() {
	local end=$1 lines line next=$((SECONDS + 3)) turn=0 cgs

	set +e
	shift
	cgs=("$@")
	while [ "$SECONDS" -lt "$end" ]; do
		mapfile -t lines < "$LP_OBJ/count"
		if [ "${#lines[@]}" -gt 0 ]; then
			line=${lines[RANDOM % ${#lines[@]}]}
			printf '%s %d %d\n' "${line%% *}" $((RANDOM % nr_nodes)) \
				$((RANDOM % 64 + 1)) > "$LP_OBJ/scan"
		fi
		if [ "$SECONDS" -ge "$next" ]; then
			echo 2 > /proc/sys/vm/drop_caches
			echo 1M 2>/dev/null > "$(lp_cg_dir "${cgs[turn % ${#cgs[@]}]}")/memory.reclaim"
			turn=$((turn + 1))
			next=$((SECONDS + 3))
		fi
	done
	return 0
}

# Every memcg in count is the root or a cgroup that exists.
count_ids_live() {
	local live id

	live=$(find "$LP_CGROOT" -type d -exec stat -c %i {} \;)
	for id in $(lp_count_ids); do
		grep -qxF "$id" <<< "$live" || return 1
	done
}

only_root_in_count() {
	local ids

	ids=$(lp_count_ids)
	[ -z "$ids" ] || [ "$ids" = 1 ]
}

assert_stats_balance() {
	local added taken_local taken_ancestor freed entries

	added=$(lp_stat added)
	taken_local=$(lp_stat taken_local)
	taken_ancestor=$(lp_stat taken_ancestor)
	freed=$(lp_stat shrink_freed)
	entries=$(lp_stat entries)
	assert_equal "$(lp_count_total)" "$entries"
	[ $((added - taken_local - taken_ancestor - freed)) -eq "$entries" ] ||
		fail "added $added - taken_local $taken_local - taken_ancestor $taken_ancestor - shrink_freed $freed != entries $entries"
}

@test "objects: concurrent add, take, scan, reclaim and cgroup churn keep count and stats consistent" {
	local secs=${LRUPOOL_STRESS_SECONDS:-20} end log=$BATS_TEST_TMPDIR name

	lp_cg_create W1
	lp_cg_create W2
	lp_cg_create S
	lp_cg_create S/t
	end=$((SECONDS + secs))

	lp_bg "$log/root.log" writer / "$end"
	lp_bg "$log/W1.log" writer W1 "$end"
	lp_bg "$log/W2.log" writer W2 "$end"
	lp_bg "$log/t.log" writer S/t "$end"
	lp_bg "$log/churn.log" churn S "$end"
	lp_bg "$log/shrinker.log" shrinker "$end" W1 W2 S

	lp_bg_wait || fail "a worker failed: $(tail -n 5 "$log"/*.log)"
	echo "# $(cat "$log/churn.log")" >&3
	for name in root W1 W2 t; do
		[ ! -s "$log/$name.log" ] || fail "writer $name: $(cat "$log/$name.log")"
	done
	run grep -v -e 'No such file or directory' -e '^$' "$log/shrinker.log"
	assert_output ''
	grep -q '^churned [1-9]' "$log/churn.log" ||
		fail "churn: $(cat "$log/churn.log")"

	# Every path ran.
	[ "$(lp_stat added)" -gt 0 ]
	[ "$(lp_stat taken_local)" -gt 0 ]
	[ "$(lp_stat taken_ancestor)" -gt 0 ]
	[ "$(lp_stat shrink_freed)" -gt 0 ]

	lp_wait_until 60 count_ids_live ||
		fail "count names removed cgroups:
$(cat "$LP_OBJ/count")"
	assert_stats_balance

	run lp_cg_cleanup
	assert_success
	lp_wait_until 60 only_root_in_count ||
		fail "objects not reparented to the root:
$(cat "$LP_OBJ/count")"
	assert_stats_balance

	run rmmod lrupool
	assert_success
	assert_not_exists "$LP_ROOT"
	lp_assert_clean_kernel
}
