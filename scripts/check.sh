#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: the whole test suite, as `make check` runs it.
#
#   1. install what is missing (scripts/setup.sh)
#   2. style: checkpatch --strict and kernel-doc (scripts/style.sh)
#   3. DKMS: dkms add/build for the host-installed kernels
#   4. the harness's own tests on the host (test/host/)
#   5. the bats suite in a QEMU guest per kernel (scripts/vmtest.sh test/),
#      which also builds the module for each kernel with W=1
#
# KERNELS="6.1 6.12 7.2" (the default) narrows steps 3 and 5. Every step
# prints TAP; the last line is "N passed, N failed[, N skipped]" summed over
# all of them, and the exit status is non-zero if anything failed.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

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

host_kernels() {
	local k out=
	for k in $KERNELS; do
		case $k in 6.1|6.12) out="$out $k" ;; esac
	done
	echo "$out"
}

counts=$(mktemp)
trap 'rm -f "$counts"' EXIT

bash "$here/setup.sh" || die "set-up failed"
step style bash "$here/style.sh"
dk=$(host_kernels)
# shellcheck disable=SC2086 # a list of words
[ -z "$dk" ] || step dkms bash "$here/dkms-check.sh" $dk
step harness bats --formatter tap "$top/test/host"
step guests bash "$here/vmtest.sh" "$top/test"

line="$passed passed, $failed failed"
[ "$skipped" -eq 0 ] || line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
