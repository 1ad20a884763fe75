#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# scripts/lib.sh: where each kernel's release, image and headers are found,
# against a made-up cache whose sid chroot carries several kernels.

bats_load_library bats-support
bats_load_library bats-assert

setup() {
	LIB=$BATS_TEST_DIRNAME/../../scripts/lib.sh
	export LRUPOOL_CACHE=$BATS_TEST_TMPDIR/cache
	mkdir -p "$LRUPOOL_CACHE/sid/lib/modules"
}

# sid_has RELEASE...: kernels installed in the made-up sid chroot.
sid_has() {
	local r
	for r in "$@"; do
		mkdir -p "$LRUPOOL_CACHE/sid/lib/modules/$r"
	done
}

# lib CMD...: run CMD with scripts/lib.sh sourced.
lib() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	run bash -c '. "$1"; shift; "$@"' bash "$LIB" "$@"
}

@test "harness: 7.2 and 7.3 each take the newest release of their own series from the sid chroot" {
	sid_has 7.2.9+deb14-amd64 7.2.13+deb14-amd64 7.3-amd64 7.30.1-amd64
	lib kernel_release 7.2
	assert_success
	assert_output 7.2.13+deb14-amd64
	lib kernel_release 7.3
	assert_success
	assert_output 7.3-amd64
	sid_has 7.3.1-amd64
	lib kernel_release 7.3
	assert_output 7.3.1-amd64
}

@test "harness: a kernel missing from the sid chroot has an empty release" {
	sid_has 7.2.13+deb14-amd64
	lib kernel_release 7.3
	assert_success
	assert_output ''
	rm -rf "$LRUPOOL_CACHE/sid"
	lib kernel_release 7.2
	assert_success
	assert_output ''
}

@test "harness: images and headers of 7.2 and 7.3 are the sid chroot's" {
	sid_has 7.2.13+deb14-amd64 7.3-amd64
	lib kernel_image 7.3
	assert_output "$LRUPOOL_CACHE/sid/boot/vmlinuz-7.3-amd64"
	lib kernel_image 7.2
	assert_output "$LRUPOOL_CACHE/sid/boot/vmlinuz-7.2.13+deb14-amd64"
	lib kernel_root 7.3
	assert_output "$LRUPOOL_CACHE/sid"
	lib kernel_root 6.12
	assert_output /
}

@test "harness: every kernel of ALL_KERNELS is known, and no other" {
	# shellcheck disable=SC2016 # expanded with lib.sh sourced
	lib eval 'for k in $ALL_KERNELS; do kernel_release "$k" >/dev/null || exit 1; done; echo "$ALL_KERNELS"'
	assert_success
	assert_output '6.1 6.12 7.2 7.3'
	lib kernel_release 7.4
	assert_failure
	assert_output --partial "unknown kernel '7.4'"
}
