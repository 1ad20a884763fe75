#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# huge: a pool holding most of the guest's memory. make check boots one 6.12
# guest for this directory with 3 GiB and a lowered watchdog_thresh (a soft
# lockup is reported after twice that many seconds), so that a loop over
# the whole pool that does not reschedule (the shrinker run by drop_caches,
# freeing a 1 GiB buffer past the limit, the drain of rmmod) shows in the
# kernel log as a soft lockup or an RCU stall.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/pages"

# 1 GiB in pages.
GIB=$((1024 * 1024 * 1024 / LP_PAGE_SIZE))

setup() {
	local total

	total=$(lp_meminfo MemTotal)
	[ "$total" -ge $((2800 * 1024)) ] ||
		fail "the guest has $((total / 1024)) MB; boot it with vmtest.sh --memory 3072"
	[ "$(cat /proc/sys/kernel/watchdog_thresh)" -le 5 ] ||
		fail "watchdog_thresh is $(cat /proc/sys/kernel/watchdog_thresh); boot with watchdog_thresh=3"
	lp_setup pool_limit_pages=$((4 * GIB)) max_request_pages="$GIB"
}

teardown() {
	lp_teardown
}

assert_no_lockup() {
	local out

	out=$(lp_no_splat_since_mark 60) || fail "$1: $out"
}

# fill <cgroup> <caching>:<nid>...: a 1 GiB buffer of each caching mode on
# that node (a node has 1.5 GiB), made and freed into the pool one after the
# other.
fill() {
	local cg=$1 c nid

	shift
	for c in "$@"; do
		nid=${c#*:} c=${c%:*}
		lp_palloc "$cg" "big_$c" "$GIB" "caching=$c" "nid=$nid" ||
			fail "a 1 GiB $c buffer on node $nid: $(cat "$LP_PAGES/stats")"
		lp_pfree "$cg" "big_$c"
	done
}

@test "huge: 2 GiB pooled are dropped by drop_caches, released past the limit and drained by rmmod, without a lockup" {
	lp_cg_create A
	fill A wb:0 wc:1
	lp_assert_pstat pooled $((2 * GIB))
	assert_no_lockup "filling the pool"

	echo 2 > /proc/sys/vm/drop_caches
	lp_assert_pstat pooled 0
	lp_assert_pages_consistent
	assert_no_lockup "drop_caches"

	# A 1 GiB buffer from the pool, freed once the limit is 0.
	fill A wc:1
	lp_palloc A back "$GIB" caching=wc nid=1
	lp_assert_pstat pooled 0
	lp_write "$LP_PARAMS/pool_limit_pages" 0
	lp_pfree A back
	lp_assert_pstat pooled 0
	lp_assert_pstat released "$GIB"
	lp_assert_pages_consistent
	assert_no_lockup "freeing past the limit"

	# rmmod with a full pool.
	lp_write "$LP_PARAMS/pool_limit_pages" $((4 * GIB))
	fill A wc:1 wb:0
	lp_assert_pstat pooled $((2 * GIB))
	run rmmod lrupool
	assert_success
	assert_no_lockup "rmmod with 2 GiB pooled"
	lp_assert_not_tainted
}
