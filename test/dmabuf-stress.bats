#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# dmabuf: many processes in a changing cgroup tree allocate, map, pass and
# close buffers while reclaim runs; and the module's unload, refused while
# a buffer lives, leaves no page behind once the last one is closed.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/dmabuf"

setup() {
	db_setup
}

teardown() {
	db_teardown
}

# Seconds the stress runs.
DB_STRESS_SECS=${DB_STRESS_SECS:-40}

# job <cgroup> [lrupool-buf arguments...]: lrupool-buf in the cgroup, its
# output through a pipe: a job that wrote into a file on tmpfs would charge
# the page to its cgroup, which then stays dying as long as the file.
job() {
	local out

	out=$(db_buf_as "$@" 2>&1) || { echo "$out"; return 1; }
}

# worker <n> <end>: until <end> (in $SECONDS), make a cgroup below S/w<n>,
# run a job in it that allocates, checks and writes 2 or 4 MiB buffers and, in
# turn, closes them, hands them to a forked child that moves to the next
# worker's leaf S/w<m>/peer, or sends them over a unix socket to a process
# there; wait for the last close; remove the job's cgroup and wait for
# its pooled pages to reach S/w<n>. Jobs 2k+1 and 2k+2 ask for the same
# caching on the same node, so that the second finds what the first left
# (in 2 MiB chunks: like TTM, the pool serves a request of order 9 from
# its order-9 chunks only, while fresh ones can be had).
worker() {
	local n=$1 end=$2 i=0 cg id peer st modes=(wb wc uc) args sock

	st=$(lp_state_dir)
	peer=S/w$(((n + 1) % 3))/peer
	while [ "$SECONDS" -lt "$end" ]; do
		i=$((i + 1))
		cg=S/w$n/j$i
		mkdir "$(lp_cg_dir "$cg")" || return
		id=$(lp_cg_id "$cg")
		args=(-s $((2 + RANDOM % 2 * 2))M -c "${modes[((i - 1) / 2) % 3]}"
			-N $((((i - 1) / 2 + n) % 2)))
		case $((i % 3)) in
		0)
			job "$cg" -n 2 "${args[@]}" || return
			;;
		1)
			job "$cg" "${args[@]}" --fork --child-cgroup "$(lp_cg_dir "$peer")" \
				--child-log "$st/child$n.$i" || return
			lp_wait_until 30 grep -q closed "$st/child$n.$i" ||
				{ cat "$st/child$n.$i"; return 1; }
			;;
		2)
			sock=$st/sock$n
			rm -f "$st/listen$n"
			lp_in_cg "$peer" lrupool-buf recv "$sock" --ready-file "$st/listen$n" \
				> "$st/recv$n.$i" 2>&1 &
			lp_wait_until 20 test -e "$st/listen$n" || return
			job "$cg" "${args[@]}" --send "$sock" || return
			wait $! || { cat "$st/recv$n.$i"; return 1; }
			;;
		esac
		lp_wait_until 20 lp_rmdir_done "$(lp_cg_dir "$cg")" || return
		lp_wait_until 20 db_pcount_is "$id" 0 ||
			{ echo "$cg's pages did not move to S/w$n"; return 1; }
	done
	echo "worker $n: $i jobs"
}

# reclaimer <start> <end>: memory.reclaim in the first two workers'
# cgroups every second, and drop_caches once, a third into the run (the
# third worker's pages go only then, so that its jobs have pages to find).
reclaimer() {
	local start=$1 end=$2 dropped=

	while [ "$SECONDS" -lt "$end" ]; do
		echo 4M > "$(lp_cg_dir S/w0)/memory.reclaim" 2>/dev/null || :
		echo 4M > "$(lp_cg_dir S/w1)/memory.reclaim" 2>/dev/null || :
		if [ -z "$dropped" ] && [ $((SECONDS - start)) -ge $(((end - start) / 3)) ]; then
			echo 2 > /proc/sys/vm/drop_caches
			dropped=1
		fi
		sleep 1
	done
}

# children_done: every forked child has logged its close.
children_done() {
	local f

	for f in "$(lp_state_dir)"/child*; do
		[ -e "$f" ] || continue
		grep -q 'closed' "$f" || return 1
	done
}

@test "dmabuf: stress: jobs in a changing cgroup tree allocate, map, pass and close buffers under reclaim" {
	local end n f

	lp_cg_create S
	for n in 0 1 2; do
		lp_cg_create S/w$n
		echo +memory > "$(lp_cg_dir S/w$n)/cgroup.subtree_control"
	done
	# The leaves the previous worker's jobs hand their buffers to.
	for n in 0 1 2; do
		lp_cg_create S/w$n/peer
	done
	end=$((SECONDS + DB_STRESS_SECS))
	for n in 0 1 2; do
		lp_bg "$(lp_state_dir)/worker$n.log" worker "$n" "$end"
	done
	lp_bg "$(lp_state_dir)/reclaimer.log" reclaimer "$SECONDS" "$end"
	lp_bg_wait || fail "$(cat "$(lp_state_dir)"/worker*.log)"
	children_done || fail "children still hold buffers"
	for f in "$(lp_state_dir)"/child* "$(lp_state_dir)"/recv*; do
		[ -e "$f" ] || continue
		grep -q 'FAILED\|NOT as expected' "$f" && fail "$f: $(cat "$f")"
	done
	cat "$(lp_state_dir)"/worker*.log

	lp_wait_until 30 db_stat_is in_use 0 || fail "in_use $(db_stat in_use)"
	db_assert_consistent
	# Whether a job found what its predecessor left depends on the
	# reclaim in between (dmabuf-lifetime.bats shows it without reclaim);
	# the stats say it.
	[ "$(db_stat miss)" -gt 0 ] || fail "no job allocated: $(cat "$LP_DB/stats")"
	echo "stats after the stress:"
	cat "$LP_DB/stats"
	# No removed job's memcg is left dying; every cgroup can be removed;
	# the module unloads.
	db_assert_dying_none S
	lp_cg_cleanup || fail "a cgroup could not be removed"
	rmmod lrupool_dmabuf
	lp_assert_clean_kernel
}

@test "dmabuf: a buffer handed to another cgroup keeps the module; after its last close the unload leaves no page behind" {
	local st free0 free1 notwb0 notwb1

	st=$(lp_state_dir)
	lp_cg_create A
	lp_cg_create B
	rmmod lrupool_dmabuf
	notwb0=$(lp_pages_not_wb)
	free0=$(db_free_kb)
	insmod "$LRUPOOL_DMABUF_KO"

	# A's job hands its 16 MiB wc buffer to a child in B and exits.
	run db_buf_as A -s 16M -c wc --pattern 0x99 --fork \
		--child-cgroup "$(lp_cg_dir B)" --child-wait-file "$st/go" \
		--child-log "$st/child.log"
	assert_success
	run rmmod lrupool_dmabuf
	assert_failure
	assert_output --partial 'in use'
	db_loaded || fail "the module went while a buffer lived"
	[ "$(cat "$LP_DB_MODULE/refcnt")" -ge 1 ]
	# The buffer still works: the child maps it again and reads A's
	# pattern; then it closes the last reference.
	touch "$st/go"
	lp_wait_until 30 grep -q closed "$st/child.log" || fail "$(cat "$st/child.log")"
	run cat "$st/child.log"
	assert_output --partial 'read the pattern in 1 buffer(s)'
	lp_wait_until 10 rmmod lrupool_dmabuf || fail "rmmod failed after the last close"

	# No page left behind: every page's caching is write-back again,
	# and free memory is back within noise (16 MiB went out).
	notwb1=$(lp_pages_not_wb)
	[ $((notwb1 - notwb0)) -le "$LP_NOT_WB_SLACK" ] ||
		fail "$((notwb1 - notwb0)) more pages are not write-back after unload ($notwb0, then $notwb1)"
	free1=$(db_free_kb)
	[ $((free0 - free1)) -le 4096 ] ||
		fail "free memory dropped by $((free0 - free1)) kB (before $free0, after $free1)"
	lp_assert_clean_kernel
}
