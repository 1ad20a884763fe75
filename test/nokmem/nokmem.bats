#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# nokmem: a guest booted with cgroup.memory=nokmem (make check boots one
# per kernel for this directory). With kmem accounting off every memcg's
# lists are the root's, nothing is charged and reclaim in a cgroup does not
# reach the pool: lrupool refuses to load rather than pretend per-memcg
# pools, and says why.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/lrupool"

setup() {
	grep -qw 'cgroup.memory=nokmem' /proc/cmdline ||
		fail "this guest was not booted with cgroup.memory=nokmem"
	lp_kernel_mark
}

teardown() {
	lp_teardown
}

@test "nokmem: lrupool refuses to load with EOPNOTSUPP and a message, and leaves nothing" {
	lp_cg_create A
	run lp_load
	assert_failure
	assert_output --partial 'not supported'
	[ ! -d "$LP_MODULE" ] || fail "lrupool is loaded"
	[ ! -d "$LP_ROOT" ] || fail "its debugfs directory exists"
	lp_kernel_log_since_mark | grep -q 'lrupool: memory cgroups or their kmem accounting are off' ||
		fail "no message in the kernel log:
$(lp_kernel_log_since_mark | tail -n 20)"
	! grep -q '^lrupool_' /proc/slabinfo || fail "its caches are still there"
	lp_assert_no_splat
}

@test "nokmem: a module built against lrupool cannot load without it" {
	[ -f "${LRUPOOL_EMBED_KO:-}" ] || fail "LRUPOOL_EMBED_KO is not a module file"
	lp_cg_create A
	run lp_load
	assert_failure
	run insmod "$LRUPOOL_EMBED_KO"
	assert_failure
	[ ! -d /sys/module/lrupool_embed ]
	lp_assert_no_splat
}
