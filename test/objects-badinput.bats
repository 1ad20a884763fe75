#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# objects: bad input on every writable file and module parameter. Each is
# refused with the contract's errno, changes nothing, leaves no warning in
# the kernel log and no taint. The pool holds objects in A and in the root
# on both nodes while the bad commands run, so that any command that acted
# anyway shows in count or stats.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"

# 2^64 - 1, 2^64 and far beyond: counts that do not fit 64 bits must not
# wrap to small ones. 2^32 + 1 must not be truncated to 1.
HUGE=(18446744073709551615 18446744073709551616 99999999999999999999999 4294967297)

# Lines that "<nr> [<nid>]" files (add, take) refuse with EINVAL.
BAD_COUNT_NID=('' ' ' abc 5x '5 x' x5 '-1' '-5 0' '5 -1' 0 '0 0' '5 2'
	'5 99' '5 99999999999999999999' '5 0 1' '5 0 0 0' 5.0 '5,0'
	"-${HUGE[2]}")

# refuses_count_nid <file>: every bad line written to objects/<file> by A
# fails with EINVAL and changes nothing.
refuses_count_nid() {
	local line

	for line in "${BAD_COUNT_NID[@]}"; do
		lp_expect_error "$EINVAL" lp_write_as A "$LP_OBJ/$1" "$line"
	done
	lp_assert_snapshot "$before"
	lp_assert_clean_kernel
}

setup() {
	lp_setup
	lp_cg_create A
	lp_add A 100 0
	lp_add A 50 1
	lp_add / 20 0
	lp_add / 10 1
	idA=$(lp_cg_id A)
	before=$(lp_snapshot)
}

teardown() {
	lp_teardown
}

@test "objects: add refuses malformed lines, zero counts and bad nids with EINVAL" {
	refuses_count_nid add
}

@test "objects: take refuses malformed lines, zero counts and bad nids with EINVAL" {
	refuses_count_nid take
}

@test "objects: scan refuses malformed lines, zero counts and bad nids with EINVAL" {
	local line

	for line in '' ' ' abc 1 '1 0' "$idA 0" "$idA 0 5 1" "x 0 5" "$idA x 5" \
		"$idA 0 x" "$idA 2 5" "$idA 99 5" "$idA -1 5" "$idA 0 0" \
		"$idA 0 -5" "-1 0 5" "$idA 0 5x" "$idA,0,5"; do
		lp_expect_error "$EINVAL" lp_scan "$line"
	done
	lp_assert_snapshot "$before"
	lp_assert_clean_kernel
}

@test "objects: add and take refuse counts above max_request_pages with E2BIG" {
	local nr

	for nr in 262145 "${HUGE[@]}"; do
		lp_expect_error "$E2BIG" lp_add A "$nr" 0
		lp_expect_error "$E2BIG" lp_add A "$nr"
		lp_expect_error "$E2BIG" lp_take A "$nr" 0
		lp_expect_error "$E2BIG" lp_take A "$nr"
	done
	lp_assert_snapshot "$before"
	lp_assert_clean_kernel
}

@test "objects: scan refuses nr_to_scan above max_request_pages with E2BIG" {
	local nr

	for nr in 262145 "${HUGE[@]}"; do
		lp_expect_error "$E2BIG" lp_scan "$idA" 0 "$nr"
	done
	lp_assert_snapshot "$before"
	lp_assert_clean_kernel
}

@test "objects: scan of an unknown or removed cgroup-id fails with ENOENT" {
	local idR

	lp_expect_error "$ENOENT" lp_scan 999999999 0 5
	lp_cg_create R
	idR=$(lp_cg_id R)
	rmdir "$(lp_cg_dir R)"
	lp_expect_error "$ENOENT" lp_scan "$idR" 0 5
	lp_assert_snapshot "$before"
	lp_assert_clean_kernel
}

@test "objects: add beyond the writer's memory.max fails with ENOMEM and leaves nothing behind" {
	local max=$((4 << 20)) nr idM

	lp_cg_create M
	idM=$(lp_cg_id M)
	echo "$max" > "$(lp_cg_dir M)/memory.max"
	# Twice what memory.max allows, within max_request_pages.
	nr=$(lp_objects_for $((2 * max)))
	[ "$nr" -le 262144 ] || nr=262144

	lp_expect_error "$ENOMEM" lp_add M "$nr" 0

	lp_assert_count "$idM" 0 0
	lp_assert_snapshot "$before"
	# What the failed command charged is given back, less what per-CPU
	# batching may hold (64 pages and a page of bytes per CPU).
	lp_wait_until 30 eval '[ "$(lp_mem_current M)" -le $((65 * 4096 * $(nproc))) ]' ||
		fail "memory.current of M stays at $(lp_mem_current M) after the failed add"
	# memory.stat is flushed lazily (every 2 s on 6.8+): poll it too.
	lp_wait_until 30 lp_slab_at_most M "$LP_SLAB_SLACK" ||
		fail "slab of M stays at $(lp_memstat M slab) after the failed add"

	# M can still add what fits.
	lp_add M 10 0
	lp_assert_count "$idM" 10 0
	lp_assert_clean_kernel
}

@test "objects: fallback refuses an unknown value and keeps the old one" {
	local value

	for value in '' bogus 'none ancestors' ancestors_ nonee 1; do
		lp_expect_error "$EINVAL" lp_write "$LP_PARAMS/fallback" "$value"
		assert_equal "$(lp_param fallback)" ancestors
	done
	lp_write "$LP_PARAMS/fallback" none
	for value in '' bogus; do
		lp_expect_error "$EINVAL" lp_write "$LP_PARAMS/fallback" "$value"
		assert_equal "$(lp_param fallback)" none
	done
	lp_assert_snapshot "$before"
	lp_assert_clean_kernel
}

@test "objects: max_request_pages refuses 0 and garbage and keeps the old one" {
	local value

	for value in '' 0 -1 abc 12x '1 2'; do
		lp_expect_error "$EINVAL" lp_write "$LP_PARAMS/max_request_pages" "$value"
		assert_equal "$(lp_param max_request_pages)" 262144
	done
	for value in "${HUGE[@]:1:2}"; do
		run lp_write "$LP_PARAMS/max_request_pages" "$value"
		assert_failure
		assert_equal "$(lp_param max_request_pages)" 262144
	done
	lp_assert_snapshot "$before"
	lp_assert_clean_kernel
}

@test "objects: a lowered max_request_pages applies to the next command" {
	lp_write "$LP_PARAMS/max_request_pages" 10
	assert_equal "$(lp_param max_request_pages)" 10

	lp_expect_error "$E2BIG" lp_add A 11 0
	lp_expect_error "$E2BIG" lp_take A 11 0
	lp_expect_error "$E2BIG" lp_scan "$idA" 0 11
	lp_assert_snapshot "$before"

	lp_add A 10 0
	lp_assert_count "$idA" 110 50
	lp_take A 10 1
	lp_assert_count "$idA" 110 40
	lp_scan "$idA" 0 10
	lp_assert_count "$idA" 100 40

	lp_write "$LP_PARAMS/max_request_pages" 262144
	lp_add A 262 0
	lp_assert_count "$idA" 362 40
	lp_assert_clean_kernel
}
