#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# fuzz: the control plane under random, truncated, oversized, binary and
# near-valid writes to every writable debugfs file and module parameter
# (lib/fuzz.sh, which checks every write against the contract), made from
# the root, from cgroups with and without memory.max, and from children it
# makes and removes. Afterwards nothing the fuzzer made is left, the
# parameters are as they were, the pools drain, the module still works
# with exact counts, it unloads, and the kernel logged no splat.
#
# The fuzzer runs for 30 seconds; $LRUPOOL_FUZZ_SECONDS or
# $LRUPOOL_FUZZ_ITERATIONS set another budget (a long one needs a longer
# BATS_TEST_TIMEOUT, vmtest.sh --test-timeout), $LRUPOOL_FUZZ_SEED replays
# the run of that seed.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

setup() {
	lp_setup
	# /dev/lrupool's ioctl is one of the fuzzer's ops (lib/fuzz/dmabuf.sh).
	insmod "$LRUPOOL_DMABUF_KO"
	lp_cg_create fuzz
	lp_cg_create fuzz/a
	lp_cg_create fuzz/b
	echo 16M > "$(lp_cg_dir fuzz/b)/memory.max"
	lp_cg_create fuzz/c
	lp_cg_create fuzz/c/d
	lp_cg_create fuzz/s
}

teardown() {
	[ ! -d /sys/module/lrupool_dmabuf ] || rmmod lrupool_dmabuf
	lp_teardown
}

# params: every parameter with its value.
params() {
	local f

	for f in "$LP_PARAMS"/*; do
		printf '%s=%s\n' "${f##*/}" "$(cat "$f")"
	done
}

# drained: nothing pooled once the kernel's shrinkers ran over every memcg.
drained() {
	echo 2 > /proc/sys/vm/drop_caches
	[ "$(lp_stat entries)" = 0 ] && [ "$(lp_pstat pooled)" = 0 ]
}

@test "fuzz: random, truncated, oversized, binary and near-valid writes leave the module working" {
	local before args idW added taken miss hit given freed

	before=$(params)
	args=(--cgroup fuzz/a --cgroup fuzz/b --cgroup fuzz/c/d --scratch fuzz/s)
	if [ -z "${LRUPOOL_FUZZ_SECONDS:-}${LRUPOOL_FUZZ_ITERATIONS:-}" ]; then
		args+=(--seconds 30)
	fi
	run bash "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/fuzz.sh" "${args[@]}"
	printf '# %s\n' "${lines[@]}" >&3
	assert_success
	assert_line --regexp '^fuzz: seed [0-9]+: [1-9][0-9]* writes'
	assert_line --regexp '^fuzz:   dmabuf:ioctl: [1-9][0-9]* writes'

	# Nothing the fuzzer made is left; the parameters are as they were.
	assert_equal "$(cat "$LP_PAGES/buffers")" ""
	lp_assert_pstat in_use 0
	lp_assert_pstat buffers 0
	assert_equal "$(params)" "$before"
	lp_assert_pages_consistent
	assert_equal "$(lp_count_total)" "$(lp_stat entries)"

	# What is pooled can be reclaimed, wherever it was charged.
	lp_wait_until 60 drained ||
		fail "the pools do not drain: $(lp_stat entries) objects, $(lp_pstat pooled) pages"
	assert_equal "$(cat "$LP_OBJ/count")" ""
	assert_equal "$(cat "$LP_PAGES/count")" ""
	lp_assert_pages_consistent

	# The module still works, with exact counts.
	lp_cg_create W
	idW=$(lp_cg_id W)
	added=$(lp_stat added)
	taken=$(lp_stat taken_local)
	lp_add W 100 0
	assert_equal "$(lp_count_of "$idW" 0)" 100
	assert_equal "$(lp_count_total)" 100
	lp_assert_stat added $((added + 100))
	lp_take W 100 0
	lp_assert_count "$idW" 0
	lp_assert_stat taken_local $((taken + 100))
	lp_assert_stat entries 0

	miss=$(lp_pstat miss)
	hit=$(lp_pstat hit_local)
	given=$(lp_pstat given)
	freed=$(lp_pstat shrink_freed)
	lp_palloc W rt 64 caching=uc order=0 nid=0
	lp_assert_pbuffer rt "$idW" 64 uc 0
	lp_assert_pstat miss $((miss + 64))
	lp_assert_pstat in_use 64
	lp_pfree W rt
	lp_assert_pstat given $((given + 64))
	lp_assert_pstat pooled 64
	assert_equal "$(lp_pcount "$idW" uc 0 0)" 64
	lp_palloc W rt 64 caching=uc order=0 nid=0
	lp_assert_pbuffer rt "$idW" 64 uc 0
	lp_assert_pstat hit_local $((hit + 64))
	lp_assert_pstat miss $((miss + 64))
	lp_pfree W rt
	lp_pscan "$idW" 0 64
	lp_assert_pstat pooled 0
	lp_assert_pstat shrink_freed $((freed + 64))
	lp_assert_pages_consistent

	run rmmod lrupool_dmabuf
	assert_success
	run rmmod lrupool
	assert_success
	lp_assert_clean_kernel
}
