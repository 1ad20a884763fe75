#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# nokmem: a guest booted with cgroup.memory=nokmem (make check boots one
# per kernel for this directory). With kmem accounting off every memcg's
# lists are the root's, nothing is charged and reclaim in a cgroup does not
# reach the pool: lrupool refuses to load rather than pretend per-memcg
# pools, and says why. The first test runs while no cgroup but the root has
# ever existed in the guest, so it stays first.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/pages"

setup() {
	grep -qw 'cgroup.memory=nokmem' /proc/cmdline ||
		fail "this guest was not booted with cgroup.memory=nokmem"
	lp_kernel_mark
}

teardown() {
	lp_teardown
}

# Loaded while the root is the only cgroup, lrupool cannot tell nokmem on
# kernels before 6.12 (no memcg has kmem accounting on either way, and the
# list_lru does not say); a request for a cgroup made since tells it. On
# 6.12 and later the list_lru says so and the load is refused as above.
@test "nokmem: loaded with only the root cgroup, requests for a cgroup made since are refused with EOPNOTSUPP" {
	local dirs idA maj min

	dirs=$(find "$LP_CGROOT" -mindepth 1 -type d)
	[ -z "$dirs" ] || fail "this test needs a guest with no cgroup but the root; found: $dirs"
	if ! lp_load; then
		read -r maj min < <(uname -r | awk -F '[.-]' '{ print $1, $2 }')
		[ "$maj" -gt 6 ] || [ "$min" -ge 12 ] ||
			fail "before 6.12 lrupool loads while only the root exists"
		lp_kernel_log_since_mark | grep -q 'lrupool: memory cgroups or their kmem accounting are off' ||
			fail "the load failed without its message"
		lp_assert_no_splat
		return
	fi
	lp_cg_create A
	idA=$(lp_cg_id A)
	lp_expect_error "$EOPNOTSUPP" lp_add A 4 0
	lp_expect_error "$EOPNOTSUPP" lp_take A 1 0
	lp_expect_error "$EOPNOTSUPP" lp_palloc A a 4 caching=wc order=0 nid=0
	lp_expect_error "$EOPNOTSUPP" lp_scan "$idA" 0 1
	lp_expect_error "$EOPNOTSUPP" lp_pscan "$idA" 0 1
	lp_kernel_log_since_mark | grep -q 'lrupool: kmem accounting is off (cgroup.memory=nokmem)' ||
		fail "no message in the kernel log:
$(lp_kernel_log_since_mark | tail -n 20)"
	# /dev/lrupool's driver, another page-pool instance, refuses A too.
	[ -f "${LRUPOOL_DMABUF_KO:-}" ] || fail "LRUPOOL_DMABUF_KO is not a module file"
	insmod "$LRUPOOL_DMABUF_KO"
	run lp_in_cg A lrupool-buf -s 4K -c wc
	rmmod lrupool_dmabuf
	assert_failure 1
	assert_output --partial "$EOPNOTSUPP"
	# Nothing was made for A, and the root's own requests still work.
	assert_equal "$(lp_stat entries) $(lp_pstat pooled) $(lp_pstat in_use)" "0 0 0"
	run lp_pbuffer a
	assert_output ''
	lp_add / 4 0
	assert_equal "$(lp_stat entries)" 4
	lp_assert_no_splat
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
