#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# scripts/vmtest.sh end to end: each test boots a real 6.1 guest (TCG, about
# 10-30 s) on a fixture directory under test/fixtures/, which the default
# guest suite (test/) never picks up.

bats_load_library bats-support
bats_load_library bats-assert

setup() {
	VMTEST=$BATS_TEST_DIRNAME/../../scripts/vmtest.sh
	FIXTURES=$BATS_TEST_DIRNAME/../fixtures
}

@test "harness: vmtest.sh rejects bad usage" {
	run "$VMTEST" --no-such-option
	assert_failure 2
	run "$VMTEST" -k 5.10 "$FIXTURES/vm-failing"
	assert_failure 2
	assert_output --partial "unknown kernel '5.10'"
	run "$VMTEST" -k 6.1 "$FIXTURES/no-such-directory"
	assert_failure 2
	run "$VMTEST" --timeout 0 "$FIXTURES/vm-failing"
	assert_failure 2
	run "$VMTEST" --topology one-node "$FIXTURES/vm-failing"
	assert_failure 2
	assert_output --partial "unknown topology 'one-node'"
}

@test "harness: vmtest.sh --help documents the options" {
	run "$VMTEST" --help
	assert_success
	assert_line --partial 'vmtest.sh [options] [DIR...]'
	assert_line --partial '--script FILE'
	assert_line --partial 'LRUPOOL_VM_TIMEOUT'
	assert_line --partial '--topology NAME'
}

@test "harness: a passing suite on 6.1 passes, in the guest layout the suite relies on" {
	run "$VMTEST" -k 6.1 "$FIXTURES/vm-layout"
	assert_success
	assert_line --regexp '^# kernel 6\.1 \(6\.1\.[^)]*\)$'
	assert_line '1..4'
	refute_line --partial 'not ok'
	assert_equal "${lines[-1]}" '4 passed, 0 failed'
}

@test "harness: a failing guest test turns the run red" {
	run "$VMTEST" -k 6.1 --no-module "$FIXTURES/vm-failing"
	assert_failure 1
	assert_line 'ok 1 fixture: passes'
	assert_line 'not ok 2 fixture: fails on purpose'
	assert_line '# this test fails on purpose'
	assert_equal "${lines[-1]}" '1 passed, 1 failed'
}

@test "harness: a hanging guest test turns the run red and shows the console" {
	LRUPOOL_VM_TIMEOUT=60 run "$VMTEST" -k 6.1 --no-module "$FIXTURES/vm-hang"
	assert_failure 1
	assert_line '# FAIL kernel 6.1: guest did not finish within 60s (hung?)'
	assert_line '# last 200 lines of the console:'
	assert_line '# lrupool-guest: kernel 6.1: bats vm-hang'
	assert_line '# hanging'
	assert_equal "${lines[-1]}" '0 passed, 1 failed'
}

@test "harness: a splat in the kernel log turns a passing suite red" {
	run "$VMTEST" -k 6.1 --no-module "$FIXTURES/vm-splat"
	assert_failure 1
	assert_line 'ok 1 fixture: passes but logs a WARNING'
	assert_line '# FAIL kernel 6.1: kernel log or taint check failed'
	assert_line --regexp '^# splat-check: WARN: WARNING: CPU: [0-9]+ PID: [0-9]+ at fixtures/vm-splat/'
	assert_equal "${lines[-1]}" '1 passed, 1 failed'
}

@test "harness: vmtest.sh --script runs a script in the guest and passes its status on" {
	run "$VMTEST" -k 6.1 --no-module --script "$FIXTURES/vm-script/hello.sh" 3 'a b'
	assert_failure 1
	assert_line --regexp '^hello from 6\.1 \(6\.1\.'
	assert_line 'args: 3 a b'
	assert_line 'module file: /lrupool/lrupool.ko'
	assert_line 'to stderr'
	assert_line 'a last line without a newline'
	assert_line '# FAIL kernel 6.1: script exited with status 3'
	run "$VMTEST" -k 6.1 --no-module --script "$FIXTURES/vm-script/hello.sh" 0
	assert_success
	assert_line 'args: 0'
	assert_line 'a last line without a newline'
	assert_regex "${lines[-1]}" '^# kernel 6\.1: ok \([0-9]+ s\)$'
}

@test "harness: --env, --files and --memory reach the guest" {
	mkdir "$BATS_TEST_TMPDIR/files"
	touch "$BATS_TEST_TMPDIR/files/one" "$BATS_TEST_TMPDIR/files/two"
	run "$VMTEST" -k 6.1 --no-module --env LRUPOOL_HELLO='a b' \
		--files "$BATS_TEST_TMPDIR/files" --memory 1024 \
		--script "$FIXTURES/vm-script/hello.sh" 0
	assert_success
	assert_line 'env: a b'
	assert_line 'files: one two'
	assert_line 'nodes: 0-1, with memory 0-1, 2 CPUs'
	# MemTotal is what is left after the kernel's own reservations.
	assert_line --regexp '^memory: (9[0-9][0-9]|10[0-2][0-9]) MB$'
	run "$VMTEST" --env 'no equals sign' --script "$FIXTURES/vm-script/hello.sh"
	assert_failure 2
	run "$VMTEST" --memory 1023 --script "$FIXTURES/vm-script/hello.sh"
	assert_failure 2
}

@test "harness: --topology cpu-only-node adds a node with a CPU and no memory" {
	run "$VMTEST" -k 6.1 --no-module --topology cpu-only-node \
		--script "$FIXTURES/vm-script/hello.sh" 0
	assert_success
	assert_line 'nodes: 0-2, with memory 0-1, 3 CPUs'
	refute_line --partial 'FAIL'
}

@test "harness: -j runs kernels at once, prints each whole and in order, sums" {
	local first second
	run "$VMTEST" -j 2 -k "6.1 6.12" --no-module "$FIXTURES/vm-failing"
	assert_failure 1
	assert_equal "${lines[-1]}" '2 passed, 2 failed'
	first=$(printf '%s\n' "${lines[@]}" | grep -n '^# kernel 6\.1 (' | cut -d: -f1)
	second=$(printf '%s\n' "${lines[@]}" | grep -n '^# kernel 6\.12 (' | cut -d: -f1)
	[ -n "$first" ] && [ -n "$second" ]
	# 6.1's block, header to summary, comes whole before 6.12's.
	printf '%s\n' "${lines[@]}" | sed -n "${first},$((second - 1))p" >"$BATS_TEST_TMPDIR/b1"
	run cat "$BATS_TEST_TMPDIR/b1"
	assert_line 'ok 1 fixture: passes'
	assert_line 'not ok 2 fixture: fails on purpose'
	assert_line --regexp '^# kernel 6\.1: 1 passed, 1 failed \([0-9]+ s\)$'
	run "$VMTEST" -j 0 "$FIXTURES/vm-failing"
	assert_failure 2
}

@test "harness: a module build failure turns the run red" {
	local copy=$BATS_TEST_TMPDIR/repo c
	mkdir "$copy"
	tar -C "$BATS_TEST_DIRNAME/../.." --exclude=./build --exclude=./.git \
		-cf - . | tar -C "$copy" -xf -
	for c in "$copy"/src/*.c; do
		echo 'int lrupool_does_not_build(void) { return undeclared; }' >>"$c"
		break
	done
	LRUPOOL_BUILD_DIR=$copy/build run "$copy/scripts/vmtest.sh" -k 6.1 \
		"$copy/test/fixtures/vm-failing"
	assert_failure 1
	assert_line '# FAIL kernel 6.1: module build failed'
	refute_line --partial 'ok 1 fixture: passes'
	assert_equal "${lines[-1]}" '0 passed, 1 failed'
}
