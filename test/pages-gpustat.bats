#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# pages: the kernel's GPU memory counters. On kernels that have them (7.1
# and later), pages in buffers count in their node's nr_gpu_active and
# pooled pages in nr_gpu_reclaim, as TTM's do; pages the pool gives back to
# the system leave both. Kernels without them (6.1, 6.12) show no such
# counter before or after. /proc/sys/vm/stat_refresh folds the per-CPU
# deltas first, so that /proc/vmstat is exact.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

setup() {
	lp_setup
	lp_cg_create A
}

teardown() {
	lp_teardown
}

# vmstat <key>: its value in /proc/vmstat, per-CPU deltas folded in.
vmstat() {
	echo 1 > /proc/sys/vm/stat_refresh
	awk -v k="$1" '$1 == k { print $2; f = 1 } END { exit !f }' /proc/vmstat
}

# assert_gpu <active> <reclaim>: both counters, relative to the start.
assert_gpu() {
	local a r

	a=$(vmstat nr_gpu_active) && r=$(vmstat nr_gpu_reclaim) ||
		fail "no nr_gpu_active/nr_gpu_reclaim in /proc/vmstat"
	[ "$((a - active0))" = "$1" ] && [ "$((r - reclaim0))" = "$2" ] ||
		fail "nr_gpu_active +$((a - active0)) nr_gpu_reclaim +$((r - reclaim0)), expected +$1 +$2"
}

@test "pages: nr_gpu_active and nr_gpu_reclaim follow the pool's pages where the kernel has them" {
	if ! grep -q '^nr_gpu_active ' /proc/vmstat; then
		case ${LRUPOOL_KERNEL:-} in
		7.*) fail "kernel $LRUPOOL_KERNEL has no nr_gpu_active" ;;
		esac
		lp_palloc A b0 1024 caching=wc nid=0
		lp_pfree A b0
		run grep '^nr_gpu_' /proc/vmstat
		assert_failure
		return
	fi
	active0=$(vmstat nr_gpu_active)
	reclaim0=$(vmstat nr_gpu_reclaim)

	lp_palloc A b0 1024 caching=wc nid=0
	assert_gpu 1024 0
	lp_pfree A b0
	assert_gpu 0 1024
	# Half of it back in use, from the pool.
	lp_palloc A b1 512 caching=wc nid=0
	assert_gpu 512 512
	lp_pfree A b1
	assert_gpu 0 1024
	# The shrinker frees pooled pages: they leave the counters.
	lp_pscan "$(lp_cg_id A)" 0 1024
	assert_gpu 0 0
	# Past the pool's limit a free goes to the system.
	lp_write "$LP_PARAMS/pool_limit_pages" 0
	lp_palloc A b2 256 caching=wb nid=0
	assert_gpu 256 0
	lp_pfree A b2
	assert_gpu 0 0
	lp_assert_clean_kernel
}

@test "pages: unloading with buffers and pooled pages leaves the GPU counters where they started" {
	grep -q '^nr_gpu_active ' /proc/vmstat || skip "this kernel has no GPU memory counters"
	active0=$(vmstat nr_gpu_active)
	reclaim0=$(vmstat nr_gpu_reclaim)
	lp_palloc A b0 512 caching=uc nid=0
	lp_palloc A b1 512 caching=wc nid=1
	lp_pfree A b1
	assert_gpu 512 512
	rmmod lrupool
	assert_gpu 0 0
}
