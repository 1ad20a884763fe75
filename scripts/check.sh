#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: the whole test suite, as `make check` runs it.
# check.sh --debug: the debug lane, as `make check-debug` runs it.
#
#   1. install what is missing (scripts/setup.sh)
#   2. style: checkpatch --strict and kernel-doc (scripts/style.sh)
#   3. DKMS: dkms add/build for the host-installed kernels
#   4. the harness's own tests on the host (test/host/), among them
#      lrupool plot of a scenario that one guest records
#   5. the bats suite in a QEMU guest per kernel (scripts/vmtest.sh test/),
#      which also builds the module for each kernel with W=1; the guests
#      run side by side (LRUPOOL_VM_JOBS, default 4)
#   6. the configurations outside the defaults, a guest per kernel each:
#      kmem accounting off (cgroup.memory=nokmem, test/nokmem/), and a
#      NUMA node with a CPU and no memory (vmtest.sh --topology
#      cpu-only-node, test/cpu-only-node/)
#   7. when 6.12 is among KERNELS, a 6.12 guest of 3 GiB with
#      watchdog_thresh=3 whose pool holds most of its memory (test/huge/):
#      drop_caches, a release past the limit and rmmod over 2 GiB pooled
#      without a soft lockup or an RCU stall
#
# Steps 2 to 5 run at once: each of 2 to 4 keeps at most one CPU busy (the
# harness boots one small guest after another, into build/harness/), and
# the suite's guests use whatever CPU they leave. The two parts of step 6
# run at once after them, and step 7 alone last, so that no other guest
# takes the CPU its watchdog is timed on. Each step's output is printed
# whole, in the order above, as soon as it and the steps before it end.
#
# KERNELS="6.1 6.12 7.2 7.3" (the default) narrows steps 3, 5, 6 and 7.
#
# The debug lane (--debug), on the KASAN/kmemleak/lockdep kernel that
# scripts/debug-kernel.sh builds once and caches (the first build takes
# 20-60 minutes):
#
#   1. install what is missing, build the debug kernel if it is not cached
#   2. the lane's own check (test/debug/host/): a module that does a
#      use-after-free, a lock inversion and a leak turns a guest run red
#   3. the bats suite (test/ and test/debug/, the latter with fault
#      injection and the kernel's shrinker debugfs) in guests on the debug
#      kernel, the fuzzer and the stress test with longer budgets; the guest
#      ends with a kmemleak scan, and any KASAN, lockdep, kmemleak, DEBUG_VM
#      or list report fails the run. Under TCG the debug kernel runs the
#      suite about ten times slower than Debian's: this takes hours, so the
#      test files are dealt to LRUPOOL_DEBUG_JOBS (default 2) guests that
#      run side by side.
#
# check.sh --debug-short (`make check-debug-short`, what CI runs beside
# `make check` when the debug kernel is cached): steps 1 and 2, and step 3
# with only the fuzzer, at its default-suite budget.
#
# Every step prints TAP; the last line is "N passed, N failed[, N skipped]"
# summed over all of them, and the exit status is non-zero if anything
# failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

debug=
case ${1:-} in
--debug) debug=full; shift ;;
--debug-short) debug=short; shift ;;
esac
[ $# -eq 0 ] || die "usage: check.sh [--debug|--debug-short]"

# Budgets of the fuzzer and the stress test in the debug lane (seconds).
DEBUG_FUZZ_SECONDS=${LRUPOOL_DEBUG_FUZZ_SECONDS:-240}
DEBUG_STRESS_SECONDS=${LRUPOOL_DEBUG_STRESS_SECONDS:-300}
# Guests the full debug lane splits the suite over.
DEBUG_JOBS=${LRUPOOL_DEBUG_JOBS:-2}

# The kernels' guests run side by side, all four at once: a bats suite keeps
# about one of a guest's two CPUs busy, so on a 2-core host each guest runs
# about half as fast as alone (some 30 minutes instead of 15), and CI may
# run the debug lane's guest beside them. The limit on each guest allows
# for that sharing and still ends a hung guest within CI's 90 minutes.
VM_JOBS=${LRUPOOL_VM_JOBS:-4}
VM_TIMEOUT=${LRUPOOL_VM_TIMEOUT:-4200}

KERNELS=${KERNELS:-$ALL_KERNELS}
export KERNELS
passed=0 failed=0 skipped=0

# Count a TAP stream on stdin, echoing it. A closing count line of its own
# (vmtest prints one) is the step's count and becomes a comment. A step
# whose exit status is non-zero but reported no failure counts as one
# failure.
tally() {
	local line p=0 f=0 s=0 re='^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'
	while IFS= read -r line; do
		if [[ $line =~ $re ]]; then
			p=${BASH_REMATCH[1]} f=${BASH_REMATCH[2]}
			s=${BASH_REMATCH[4]:-0}
			printf '# %s\n' "$line"
			continue
		fi
		case "$line" in
		"ok "*"# skip"* | "ok "*"# SKIP"*) s=$((s + 1)) ;;
		"ok "*) p=$((p + 1)) ;;
		"not ok "*) f=$((f + 1)) ;;
		esac
		printf '%s\n' "$line"
	done
	printf '%s %s %s\n' "$p" "$f" "$s" >"$counts"
}

step() {
	local name=$1 rc p f s
	shift
	echo "# == $name"
	"$@" 2>&1 | tally
	rc=${PIPESTATUS[0]}
	read -r p f s <"$counts"
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

# start <name> <command> [args...]: run a step in the background, its
# output and status kept for finish.
start() {
	local name=$1

	shift
	started+=("$name")
	echo "# -- $name: started"
	(
		"$@" >"$outdir/$name.out" 2>&1
		echo $? >"$outdir/$name.rc"
	) &
	pids+=($!)
}

# finish: print and count each started step, as step does, in the order
# they were started, each as soon as it and those before it have ended.
finish() {
	local i

	for i in "${!started[@]}"; do
		wait "${pids[i]}" || :
		step "${started[i]}" replay "${started[i]}"
	done
	started=() pids=()
}

# replay <name>: a started step's output, and its status.
replay() {
	cat "$outdir/$1.out"
	return "$(cat "$outdir/$1.rc" 2>/dev/null || echo 1)"
}

host_kernels() {
	local k out=
	for k in $KERNELS; do
		case $k in 6.1|6.12) out="$out $k" ;; esac
	done
	echo "$out"
}

# debug_guests: the suite and test/debug/ on the debug kernel, its test
# files dealt round-robin to DEBUG_JOBS guests that run side by side (a
# guest keeps about one CPU busy); each guest's output is printed whole, in
# order, and the closing counts are summed. Exit status 1 if any guest
# failed.
debug_guests() {
	local files=() parts=() pids=() out i j f rc=0 p=0 fl=0 s=0
	local re='^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?$'

	for f in "$top"/test/*.bats "$top"/test/debug/*.bats; do
		files+=("$f")
	done
	out=$(mktemp -d)
	for ((i = 0; i < DEBUG_JOBS; i++)); do
		parts=()
		for ((j = i; j < ${#files[@]}; j += DEBUG_JOBS)); do
			parts+=("${files[j]}")
		done
		[ ${#parts[@]} -gt 0 ] || continue
		LRUPOOL_BUILD_DIR=$top/build/debug-$i \
			bash "$here/vmtest.sh" -k debug -t 36000 --test-timeout 3600 \
			--env LRUPOOL_FUZZ_SECONDS="$DEBUG_FUZZ_SECONDS" \
			--env LRUPOOL_STRESS_SECONDS="$DEBUG_STRESS_SECONDS" \
			"${parts[@]}" >"$out/$i" 2>&1 &
		pids+=($!)
	done
	for j in "${pids[@]}"; do
		wait "$j" || rc=1
	done
	for ((i = 0; i < DEBUG_JOBS; i++)); do
		[ -f "$out/$i" ] || continue
		echo "# -- debug guest $((i + 1)) of $DEBUG_JOBS"
		while IFS= read -r f; do
			if [[ $f =~ $re ]]; then
				p=$((p + BASH_REMATCH[1])) fl=$((fl + BASH_REMATCH[2]))
				s=$((s + ${BASH_REMATCH[4]:-0}))
				echo "# guest $((i + 1)): $f"
			else
				printf '%s\n' "$f"
			fi
		done <"$out/$i"
	done
	rm -rf "$out"
	line="$p passed, $fl failed"
	[ "$s" -eq 0 ] || line="$line, $s skipped"
	echo "$line"
	return "$rc"
}

counts=$(mktemp)
outdir=$(mktemp -d)
trap 'rm -rf "$counts" "$outdir"' EXIT
started=() pids=()

bash "$here/setup.sh" || die "set-up failed"
if [ -n "$debug" ]; then
	bash "$here/debug-kernel.sh" || die "the debug kernel did not build"
	step debug-lane bats --formatter tap "$top/test/debug/host"
	if [ "$debug" = full ]; then
		step debug-guests debug_guests
	else
		step debug-guest bash "$here/vmtest.sh" -k debug -t 4800 \
			--test-timeout 2400 "$top/test/fuzz.bats"
	fi
else
	start style bash "$here/style.sh"
	dk=$(host_kernels)
	# shellcheck disable=SC2086 # a list of words
	[ -z "$dk" ] || start dkms bash "$here/dkms-check.sh" $dk
	LRUPOOL_BUILD_DIR=$top/build/harness start harness \
		bats --formatter tap "$top/test/host"
	start guests bash "$here/vmtest.sh" -j "$VM_JOBS" -t "$VM_TIMEOUT" \
		"$top/test"
	finish
	start nokmem bash "$here/vmtest.sh" -j "$VM_JOBS" -t 900 --no-build \
		--append cgroup.memory=nokmem "$top/test/nokmem"
	start cpu-only-node bash "$here/vmtest.sh" -j "$VM_JOBS" -t 900 \
		--no-build --topology cpu-only-node "$top/test/cpu-only-node"
	finish
	case " $KERNELS " in
	*" 6.12 "*)
		step huge bash "$here/vmtest.sh" -k 6.12 -t 900 --no-build \
			--memory 3072 --append watchdog_thresh=3 "$top/test/huge"
		;;
	esac
fi

line="$passed passed, $failed failed"
[ "$skipped" -eq 0 ] || line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
