#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# pages: writers in several cgroups allocate and free buffers (random
# sizes, cachings, orders and nodes; names unique per writer) while a
# cgroup is removed and re-created under them, its last buffer freed after
# its removal, and scan, memory.reclaim and drop_caches run, for a bounded
# time (LRUPOOL_STRESS_SECONDS, default 30). Afterwards stats must agree
# with count and buffers, no dying memcg may be left, every cgroup must go,
# and the module must unload restoring every page to write-back.
#
#   root (writer)
#   `-- T
#       |-- W1 (writer)
#       |-- W2 (writer)
#       `-- S
#           |-- t (writer: finds what the churn leaves in S)
#           `-- c (created, used, removed, created again...)

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

CACHINGS=(wb wc uc)

setup() {
	lp_setup
	nr_nodes=$(lp_nr_nodes)
	max_order=$(lp_pstat max_order)
}

teardown() {
	lp_teardown
}

# The workers run as background subshells of the test, which inherit its
# errexit: they turn it off and report failures in their output instead.
# Their output goes through a pipe to a cat left in the root cgroup: a file
# written from inside a cgroup would be charged to it as page cache and
# keep its memcg alive after rmdir.

# piped <command> [args...]
piped() {
	"$@" 2>&1 | cat
}

# alloc_args: the arguments of a random alloc command after the name:
# random size, caching, node, and an order of 0, 3 or the largest (sizes
# that do not divide make the other orders).
alloc_args() {
	local orders=(0 3 "$max_order")

	echo "$((RANDOM % 700 + 1)) caching=${CACHINGS[RANDOM % 3]}" \
		"order=${orders[RANDOM % 3]} nid=$((RANDOM % nr_nodes))"
}

# writer <cgroup> <tag> <end>: allocate buffers <tag>.<i>, keep up to four,
# free the oldest, and half the time ask again for what was just freed;
# free every one at the end. Prints "ops <allocs> <frees>" and any error.
writer() {
	local cg=$1 tag=$2 end=$3 i=0 allocs=0 frees=0 live=() args=() again=

	set +e
	echo "$BASHPID" > "$(lp_cg_dir "$cg")/cgroup.procs" || return
	while [ "$SECONDS" -lt "$end" ]; do
		if [ -z "$again" ] || [ $((RANDOM % 2)) = 0 ]; then
			again=$(alloc_args)
		fi
		if printf '%s %s\n' "$tag.$i" "$again" > "$LP_PAGES/alloc"; then
			live+=("$tag.$i")
			args+=("$again")
			allocs=$((allocs + 1))
		fi
		again=
		i=$((i + 1))
		while [ "${#live[@]}" -gt $((RANDOM % 5)) ]; do
			printf '%s\n' "${live[0]}" > "$LP_PAGES/free" &&
				frees=$((frees + 1))
			again=${args[0]}
			live=("${live[@]:1}")
			args=("${args[@]:1}")
		done
	done
	for i in "${live[@]}"; do
		printf '%s\n' "$i" > "$LP_PAGES/free" && frees=$((frees + 1))
	done
	echo "$BASHPID" > "$LP_CGROOT/cgroup.procs"
	echo "ops $allocs $frees"
}

# churn <parent> <end>: create <parent>/c; from a shell moved into it
# allocate a buffer and free it (its pages go to c's list) and allocate
# another; remove c; free that last buffer from outside, its owner gone;
# again. Prints "churned <n>" and any error.
churn() {
	local parent=$1 end=$2 i=0 dir list

	set +e
	dir=$LP_CGROOT/$parent/c
	list=$(lp_state_dir)/lp-cgroups
	while [ "$SECONDS" -lt "$end" ]; do
		mkdir "$dir" || return
		echo "$dir" >> "$list"
		bash -c 'echo $$ > "$1/cgroup.procs" || exit 125
			printf "%s\n" "$2" > "$LP_PAGES/alloc" || exit
			printf "%s\n" "${2%% *}" > "$LP_PAGES/free" || exit
			printf "%s\n" "$3" > "$LP_PAGES/alloc"' \
			churn "$dir" "churn.$i.a $(alloc_args)" \
			"churn.$i.b $(alloc_args)" ||
			{ echo "writing as $dir failed"; return 1; }
		lp_wait_until 10 lp_rmdir_done "$dir" ||
			{ echo "cannot remove $dir"; return 1; }
		printf '%s\n' "churn.$i.b" > "$LP_PAGES/free" ||
			{ echo "free of churn.$i.b failed"; return 1; }
		i=$((i + 1))
	done
	echo "churned $i"
}

# shrinker <end> <cgroup>...: scan random memcgs of count on random nodes,
# a few times a second (more would leave the writers little to reuse);
# every few seconds drop caches and reclaim in one of the cgroups. A scan
# may name a cgroup removed meanwhile and then fails with ENOENT. Prints
# "scans <n> drops <n>" and any other error.
shrinker() {
	local end=$1 lines line next=$((SECONDS + 3)) turn=0 cgs scans=0

	set +e
	shift
	cgs=("$@")
	while [ "$SECONDS" -lt "$end" ]; do
		mapfile -t lines < "$LP_PAGES/count"
		if [ "${#lines[@]}" -gt 0 ]; then
			line=${lines[RANDOM % ${#lines[@]}]}
			printf '%s %d %d\n' "${line%% *}" $((RANDOM % nr_nodes)) \
				$((RANDOM % 600 + 1)) > "$LP_PAGES/scan" &&
				scans=$((scans + 1))
		fi
		sleep 0.3
		if [ "$SECONDS" -ge "$next" ]; then
			echo 2 > /proc/sys/vm/drop_caches
			echo 1M 2>/dev/null > "$(lp_cg_dir "${cgs[turn % ${#cgs[@]}]}")/memory.reclaim"
			turn=$((turn + 1))
			next=$((SECONDS + 3))
		fi
	done
	echo "scans $scans drops $turn"
}

# Every memcg in count is the root or a cgroup that exists.
count_ids_live() {
	local live id

	live=$(find "$LP_CGROOT" -type d -exec stat -c %i {} \;)
	while read -r id _; do
		grep -qxF "$id" <<< "$live" || return 1
	done < "$LP_PAGES/count"
}

only_root_in_count() {
	[ -z "$(awk '$1 != 1' "$LP_PAGES/count")" ]
}

no_dying() {
	[ "$(lp_cg_stat "$1" nr_dying_descendants)" = 0 ]
}

# dying_diagnosis: T keeps a dying memcg. Fail saying whether dropping
# every cache or unloading the module lets it go.
dying_diagnosis() {
	local stat drop unload=no

	stat=$(grep dying "$(lp_cg_dir T)/cgroup.stat")
	echo 3 > /proc/sys/vm/drop_caches
	drop=no
	lp_wait_until 30 no_dying T && drop=yes
	if [ "$drop" = no ] && rmmod lrupool; then
		lp_wait_until 30 no_dying T && unload=yes
	fi
	fail "T keeps a dying memcg after 120 s:
$stat
gone after drop_caches 3: $drop; gone after rmmod: $unload"
}

@test "pages: concurrent alloc, free, scan, reclaim, drop_caches and cgroup churn keep the pool consistent" {
	local secs=${LRUPOOL_STRESS_SECONDS:-30} end log=$BATS_TEST_TMPDIR name base
	local ops=0 n

	base=$(lp_pages_not_wb)
	lp_cg_create T
	lp_cg_create T/W1
	lp_cg_create T/W2
	lp_cg_create T/S
	lp_cg_create T/S/t
	end=$((SECONDS + secs))

	lp_bg "$log/root.log" piped writer / r "$end"
	lp_bg "$log/W1.log" piped writer T/W1 w1 "$end"
	lp_bg "$log/W2.log" piped writer T/W2 w2 "$end"
	lp_bg "$log/t.log" piped writer T/S/t t "$end"
	lp_bg "$log/churn.log" piped churn T/S "$end"
	lp_bg "$log/shrinker.log" piped shrinker "$end" T/W1 T/W2 T/S T

	lp_bg_wait || fail "a worker failed: $(tail -n 5 "$log"/*.log)"
	for name in root W1 W2 t; do
		grep -qx 'ops [0-9]* [0-9]*' "$log/$name.log" &&
			[ "$(wc -l < "$log/$name.log")" = 1 ] ||
			fail "writer $name: $(cat "$log/$name.log")"
		read -r _ n _ < "$log/$name.log"
		ops=$((ops + n))
	done
	grep -qx 'churned [1-9][0-9]*' "$log/churn.log" ||
		fail "churn: $(cat "$log/churn.log")"
	run grep -v -e 'No such file or directory' -e '^scans [0-9]* drops [1-9]' \
		"$log/shrinker.log"
	assert_output ''
	echo "# $secs s: $ops buffers allocated and freed by the writers," \
		"$(cat "$log/churn.log") cgroups," \
		"$(tail -n 1 "$log/shrinker.log");" \
		"$(awk '$1 ~ /^(hit_local|hit_ancestor|miss|released|shrink_freed)$/ {
			printf "%s%s %s", s, $1, $2; s = ", " }' "$LP_PAGES/stats")" >&3

	# Every path ran, and every buffer is gone.
	[ "$(lp_pstat hit_local)" -gt 0 ]
	[ "$(lp_pstat hit_ancestor)" -gt 0 ]
	[ "$(lp_pstat given)" -gt 0 ]
	[ "$(lp_pstat shrink_freed)" -gt 0 ]
	run cat "$LP_PAGES/buffers"
	assert_output ''
	lp_assert_pstat in_use 0
	lp_wait_until 60 count_ids_live ||
		fail "count names removed cgroups:
$(cat "$LP_PAGES/count")"
	lp_assert_pages_consistent
	# Nothing keeps the removed cgroups' memcgs.
	lp_wait_until 120 no_dying T || dying_diagnosis

	run lp_cg_cleanup
	assert_success
	lp_wait_until 60 only_root_in_count ||
		fail "pages not reparented to the root:
$(cat "$LP_PAGES/count")"
	lp_assert_pages_consistent

	run rmmod lrupool
	assert_success
	assert_not_exists "$LP_ROOT"
	# Unloading gave every page back write-back.
	assert_equal "$(lp_pages_not_wb)" "$base"
	lp_assert_clean_kernel
}
