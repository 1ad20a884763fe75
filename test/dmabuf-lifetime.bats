#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# dmabuf: where a buffer's pages go when its process, its cgroup, or the
# last holder of its fd goes, and what memory.max and memory.reclaim do to
# /dev/lrupool's pool.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/dmabuf"

setup() {
	db_setup
}

teardown() {
	db_teardown
}

# mem_at_least <cgroup> <bytes>
mem_at_least() {
	[ "$(lp_mem_current "$1")" -ge "$2" ]
}

@test "dmabuf: a job's pages outlive it on its list, go to the parent with its cgroup, and serve a sibling without a miss" {
	local idA idP miss cc ha mt0

	lp_cg_create P
	lp_cg_create P/A
	idA=$(lp_cg_id P/A)
	idP=$(lp_cg_id P)
	# Both jobs on node 0: the second finds the first's pages wherever
	# it runs.
	run db_buf_as P/A -s 16M -c wc -N 0
	assert_success

	# The process is gone: its pages sit on A's list, charged to A.
	db_assert_stat in_use 0
	db_assert_pcount "$idA" "$DB_16M_PAGES" wc
	mem_at_least P/A "$DB_16M" ||
		fail "A's memory.current $(lp_mem_current P/A) does not cover its pooled pages"

	# A removed: the pages move to P's list and their charge to P.
	rmdir "$(lp_cg_dir P/A)"
	lp_wait_until 20 db_pcount_is "$idP" "$DB_16M_PAGES" ||
		fail "A's pages did not reach P's list: $(cat "$LP_DB/count")"
	db_assert_pcount "$idA" 0
	mem_at_least P "$DB_16M" ||
		fail "P's memory.current $(lp_mem_current P) does not cover the pages"
	db_assert_dying_none P

	# The next job, in sibling B: all from P's list, no miss, no switch.
	lp_cg_create P/B
	miss=$(db_stat miss)
	cc=$(db_stat caching_changes)
	ha=$(db_stat hit_ancestor)
	mt0=$(db_memtypes)
	run db_buf_as P/B -s 16M -c wc -N 0
	assert_success
	db_assert_stat miss "$miss"
	db_assert_stat caching_changes "$cc"
	db_assert_stat hit_ancestor $((ha + DB_16M_PAGES))
	# Not a page changed its memtype.
	db_assert_memtype_grew "$mt0" wc 0
	# Borrowed pages go home: to P's list, not B's.
	db_assert_pcount "$idP" "$DB_16M_PAGES" wc
	db_assert_pcount "$(lp_cg_id P/B)" 0
	db_assert_consistent
	lp_assert_clean_kernel
}

@test "dmabuf: a buffer outlives its cgroup: closed by a process elsewhere, its pages go to the allocator's parent" {
	local st idP idC

	st=$(lp_state_dir)
	lp_cg_create P
	lp_cg_create P/A
	lp_cg_create C
	idP=$(lp_cg_id P)
	idC=$(lp_cg_id C)

	# C's process waits on a unix socket for the fds.
	db_bg_as "$st/recv.log" C recv "$st/sock" --ready-file "$st/listening" \
		--wait-file "$st/close"
	lp_wait_until 30 test -e "$st/listening" || fail "recv did not start: $(cat "$st/recv.log")"
	# A's process allocates, writes, sends the fds and exits.
	run db_buf_as P/A -s 16M -c wc --pattern 0x42 --send "$st/sock"
	assert_success
	assert_output --partial 'sent'
	db_assert_stat in_use "$DB_16M_PAGES"
	rmdir "$(lp_cg_dir P/A)"

	# C reads A's pattern and closes the last reference.
	touch "$st/close"
	lp_bg_wait || fail "recv failed: $(cat "$st/recv.log")"
	grep -q "read the sender's pattern" "$st/recv.log" || fail "$(cat "$st/recv.log")"
	lp_wait_until 10 db_stat_is in_use 0

	lp_wait_until 20 db_pcount_is "$idP" "$DB_16M_PAGES" ||
		fail "the pages are not on P's list: $(cat "$LP_DB/count")"
	db_assert_pcount "$idC" 0
	mem_at_least P "$DB_16M" ||
		fail "P's memory.current $(lp_mem_current P) does not cover the pages"
	db_assert_dying_none P
	db_assert_consistent
	lp_assert_clean_kernel
}

@test "dmabuf: memory.max gives ENOMEM from the ioctl, no OOM kill, nothing half made, no warning" {
	local snap cur0 oom0 st

	lp_cg_create A
	echo $((8 << 20)) > "$(lp_cg_dir A)/memory.max"
	snap=$(db_snapshot)
	cur0=$(lp_mem_current A)
	oom0=$(awk '$1 == "oom_kill" { print $2 }' "$(lp_cg_dir A)/memory.events")

	run db_buf_as A -s 16M -c wc
	[ "$status" -eq 3 ] || fail "lrupool-buf: expected exit status 3 (ENOMEM), got $status: $output"
	assert_output --partial 'LRUPOOL_IOCTL_ALLOC: Cannot allocate memory (ENOMEM)'
	run awk '$1 == "oom_kill" { print $2 }' "$(lp_cg_dir A)/memory.events"
	assert_output "$oom0"
	! lp_kernel_log_since_mark | grep -iE 'oom-kill|out of memory|invoked oom-killer' ||
		fail "the kernel logged an OOM kill"

	# Nothing half made: no buffer, no page pooled or in use, no charge.
	db_assert_snapshot "$snap"
	st=$(lp_mem_current A)
	[ "$st" -le $((cur0 + LP_PAGE_SLACK * LP_PAGE_SIZE)) ] ||
		fail "A's memory.current went from $cur0 to $st after the failed ioctl"
	# What fits still works.
	run db_buf_as A -s 4M -c wc
	assert_success
	db_assert_consistent
	lp_assert_clean_kernel
}

@test "dmabuf: memory.reclaim on a cgroup empties its pooled pages and not its sibling's" {
	local idA idB

	lp_cg_create A
	lp_cg_create B
	idA=$(lp_cg_id A)
	idB=$(lp_cg_id B)
	run db_buf_as A -s 16M -c wc
	assert_success
	run db_buf_as B -s 16M -c wc
	assert_success
	db_assert_pcount "$idA" "$DB_16M_PAGES"
	db_assert_pcount "$idB" "$DB_16M_PAGES"

	# Pages a shrinker frees are not credited to memory.reclaim, which
	# may say EAGAIN: the counts are the oracle.
	echo 64M > "$(lp_cg_dir A)/memory.reclaim" || :
	lp_wait_until 20 db_pcount_is "$idA" 0 ||
		fail "A still pools $(db_pcount "$idA") pages: $(cat "$LP_DB/count")"
	db_assert_pcount "$idB" "$DB_16M_PAGES" wc
	[ "$(db_stat shrink_freed)" = "$DB_16M_PAGES" ] ||
		fail "shrink_freed is $(db_stat shrink_freed), not $DB_16M_PAGES"
	db_assert_consistent
	lp_assert_clean_kernel
}
