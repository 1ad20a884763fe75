#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# scripts/splat-check.sh against kernel logs recorded from the test guests
# (test/fixtures/logs/, see its README) and against taint values.

bats_load_library bats-support
bats_load_library bats-assert

setup() {
	SPLAT_CHECK=$BATS_TEST_DIRNAME/../../scripts/splat-check.sh
	LOGS=$BATS_TEST_DIRNAME/../fixtures/logs
}

@test "harness: splat detector passes a clean 6.1 log" {
	run "$SPLAT_CHECK" "$LOGS/clean-6.1.log" 12288
	assert_success
	assert_output ''
}

@test "harness: splat detector passes a clean 6.12 log" {
	run "$SPLAT_CHECK" "$LOGS/clean-6.12.log" 12288
	assert_success
	assert_output ''
}

@test "harness: splat detector passes a clean 7.2 log" {
	run "$SPLAT_CHECK" "$LOGS/clean-7.2.log" 12288
	assert_success
	assert_output ''
}

@test "harness: splat detector flags a WARN" {
	run "$SPLAT_CHECK" "$LOGS/warn-6.1.log" 12288
	assert_failure 1
	assert_line --regexp '^splat-check: WARN: WARNING: CPU: 0 PID: [0-9]+ at .*/lrupool_fixture\.c:[0-9]+ fx_init\+0x51/0x1000 \[lrupool_fixture\]$'
}

@test "harness: splat detector flags a WARN in 7.2's format" {
	run "$SPLAT_CHECK" "$LOGS/warn-7.2.log" 12288
	assert_failure 1
	assert_line --regexp '^splat-check: WARN: WARNING: lrupool_fixture\.c:[0-9]+ at fx_init\+0x79/0xff0 \[lrupool_fixture\], CPU#0: insmod/[0-9]+$'
}

@test "harness: splat detector flags a BUG (SLUB redzone report)" {
	run "$SPLAT_CHECK" -q "$LOGS/bug-slub-redzone-6.1.log"
	assert_failure 1
	assert_line 'splat-check: BUG: BUG lrupool_fixture (Tainted: G           OE     ): Right Redzone overwritten'
}

@test "harness: splat detector flags a BUG (kmalloc cache report)" {
	run "$SPLAT_CHECK" -q "$LOGS/bug-kmalloc-6.12.log"
	assert_failure 1
	assert_line --regexp '^splat-check: BUG: BUG kmalloc-64 \(Tainted: .*\): Object corrupt$'
}

@test "harness: splat detector flags an oops (6.1)" {
	run "$SPLAT_CHECK" -q "$LOGS/oops-gpf-6.1.log"
	assert_failure 1
	assert_line 'splat-check: oops: general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI'
}

@test "harness: splat detector flags an oops (6.12)" {
	run "$SPLAT_CHECK" -q "$LOGS/oops-gpf-6.12.log"
	assert_failure 1
	assert_line 'splat-check: oops: Oops: general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] PREEMPT SMP NOPTI'
}

@test "harness: splat detector flags a list corruption (6.1)" {
	run "$SPLAT_CHECK" -q "$LOGS/list-del-corruption-6.1.log"
	assert_failure 1
	assert_line --regexp '^splat-check: list corruption: list_del corruption, [0-9a-f]+->next is LIST_POISON1 \(dead000000000100\)$'
	assert_line 'splat-check: BUG: kernel BUG at lib/list_debug.c:53!'
}

@test "harness: splat detector flags a list corruption (6.12)" {
	run "$SPLAT_CHECK" -q "$LOGS/list-del-corruption-6.12.log"
	assert_failure 1
	assert_line --partial 'splat-check: list corruption: list_del corruption'
}

@test "harness: splat detector flags objects remaining on cache destroy (6.1)" {
	run "$SPLAT_CHECK" -q "$LOGS/objects-remaining-6.1.log"
	assert_failure 1
	assert_line --partial 'splat-check: objects remaining: BUG lrupool_fixture'
	assert_line --partial 'Objects remaining in lrupool_fixture on __kmem_cache_shutdown()'
}

@test "harness: splat detector flags objects remaining on cache destroy (7.2)" {
	run "$SPLAT_CHECK" -q "$LOGS/objects-remaining-7.2.log"
	assert_failure 1
	assert_line --partial 'splat-check: objects remaining: BUG lrupool_fixture'
}

@test "harness: splat detector flags a hung task" {
	run "$SPLAT_CHECK" -q "$LOGS/hung-task-6.1.log"
	assert_failure 1
	assert_line --regexp '^splat-check: hang: INFO: task insmod:[0-9]+ blocked for more than 3 seconds\.$'
}

@test "harness: splat detector flags a soft lockup" {
	run "$SPLAT_CHECK" -q "$LOGS/soft-lockup-6.12.log"
	assert_failure 1
	assert_line --regexp '^splat-check: hang: watchdog: BUG: soft lockup - CPU#0 stuck for [0-9]+s! \[insmod:[0-9]+\]$'
}

@test "harness: splat detector flags an RCU stall" {
	run "$SPLAT_CHECK" -q "$LOGS/rcu-stall-6.1.log"
	assert_failure 1
	assert_line 'splat-check: hang: rcu: INFO: rcu_preempt self-detected stall on CPU'
}

@test "harness: splat detector flags the OOM killer" {
	run "$SPLAT_CHECK" -q "$LOGS/oom-kill-6.12.log"
	assert_failure 1
	assert_line 'splat-check: OOM killer: head invoked oom-killer: gfp_mask=0x500cc2(GFP_HIGHUSER|__GFP_ACCOUNT), order=0, oom_score_adj=0'
}

# The guest's checks (lp_splats, test/lib/guest.sh) and splat-check.sh read
# one definition, test/lib/splat.awk: the same logs, the same verdicts.
@test "harness: the guest library flags what splat-check.sh flags" {
	local f

	for f in "$LOGS"/*.log; do
		run bash -c '. "$1" && lp_splats < "$2" | cut -f2 | sort -u' _ \
			"$BATS_TEST_DIRNAME/../lib/guest.sh" "$f"
		assert_success
		case ${f##*/} in
		clean-*) assert_output '' ;;
		*) [ -n "$output" ] || fail "lp_splats found nothing in ${f##*/}" ;;
		esac
	done
	run bash -c '. "$1" && lp_splats < "$2" | cut -f2 | sort -u' _ \
		"$BATS_TEST_DIRNAME/../lib/guest.sh" "$LOGS/rcu-stall-6.1.log"
	assert_output 'hang'
	run bash -c '. "$1" && lp_splats < "$2" | cut -f2 | sort -u' _ \
		"$BATS_TEST_DIRNAME/../lib/guest.sh" "$LOGS/oom-kill-6.12.log"
	assert_output 'OOM killer'
}

@test "harness: splat detector flags a panic on a serial console (CRLF)" {
	run "$SPLAT_CHECK" -q "$LOGS/panic-console-6.1.log"
	assert_failure 1
	assert_line 'splat-check: oops: Kernel panic - not syncing: kernel: panic_on_warn set ...'
}

@test "harness: splat detector prints the offending log" {
	run "$SPLAT_CHECK" "$LOGS/warn-6.1.log" 12288
	assert_failure 1
	assert_line --partial '] ------------[ cut here ]------------'
	assert_line --partial '] Call Trace:'
	assert_line --partial '] ---[ end trace '
	# Not the log before the splat.
	refute_line --partial 'Run /init as init process'
}

@test "harness: splat detector ignores a subsystem's WARNING message" {
	printf '%s\n' \
		'[    0.123456] RETBleed: WARNING: Spectre v2 mitigation leaves CPU vulnerable to RETBleed attacks, data leaks possible!' \
		'[    0.234567] lrupool: loaded' >"$BATS_TEST_TMPDIR/log"
	run "$SPLAT_CHECK" "$BATS_TEST_TMPDIR/log" 0
	assert_success
}

@test "harness: splat detector accepts taint 0, 4096 (O), 8192 (E), 12288 (OE)" {
	local t
	for t in 0 4096 8192 12288; do
		run "$SPLAT_CHECK" "$LOGS/clean-6.1.log" "$t"
		assert_success
	done
}

@test "harness: splat detector rejects taint 512 (W)" {
	run "$SPLAT_CHECK" "$LOGS/clean-6.1.log" 512
	assert_failure 1
	assert_output 'splat-check: kernel tainted 512 (W); not allowed: W'
}

@test "harness: splat detector rejects taint 1 (P)" {
	run "$SPLAT_CHECK" "$LOGS/clean-6.1.log" 1
	assert_failure 1
	assert_output 'splat-check: kernel tainted 1 (P); not allowed: P'
}

@test "harness: splat detector names each bad flag next to allowed ones" {
	run "$SPLAT_CHECK" "$LOGS/clean-6.1.log" 12832
	assert_failure 1
	assert_output 'splat-check: kernel tainted 12832 (BWOE); not allowed: BW'
}

@test "harness: splat detector skips an empty taint, rejects a non-number" {
	run "$SPLAT_CHECK" "$LOGS/clean-6.1.log" ''
	assert_success
	run "$SPLAT_CHECK" "$LOGS/clean-6.1.log" 'x1'
	assert_failure 1
	assert_output --partial 'is not a number'
}

@test "harness: splat detector usage errors exit 2" {
	run "$SPLAT_CHECK"
	assert_failure 2
	run "$SPLAT_CHECK" "$BATS_TEST_TMPDIR/no-such-log" 0
	assert_failure 2
}
