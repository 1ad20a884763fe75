#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# splat-check.sh [-q] [-C LINES] LOGFILE [TAINT]
#
# Check a kernel log (dmesg or serial console output) for splats, and the
# kernel's taint value (the decimal number in /proc/sys/kernel/tainted).
#
#   -q        print only the reasons, not the offending part of the log
#   -C LINES  lines of log shown after each splat's first line (default 60)
#
# Flagged in the log: what test/lib/splat.awk, the one definition of a
# splat that the guest's own checks share, flags: WARN, BUG, oops, UBSAN,
# list corruption, objects left in a slab cache that is destroyed, hung
# tasks, soft/hard lockups and RCU stalls, the OOM killer; and what the
# debug kernel adds: KASAN and lockdep reports, DEBUG_VM page dumps and
# kmemleak's "new suspected memory leaks".
# Flagged in the taint: any flag but O (out-of-tree module, 4096) and
# E (unsigned module, 8192).
#
# Exit status: 0 clean, 1 splat or bad taint (one "splat-check: ..." reason
# per problem on stdout, then the offending log), 2 usage error.
set -euo pipefail

prog=splat-check
SPLAT_AWK=$(cd "$(dirname "$0")/.." && pwd)/test/lib/splat.awk
context=60
quiet=

usage() {
	sed -n '4,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2
	exit 2
}

while getopts qC:h opt; do
	case $opt in
	q) quiet=1 ;;
	C) context=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	usage
fi
log=$1
taint=${2-}
[ -r "$log" ] || { echo "$prog: cannot read $log" >&2; exit 2; }
case $context in '' | *[!0-9]*) usage ;; esac

# Taint flags allowed: O (bit 12) and E (bit 13).
ALLOWED_TAINT=$(((1 << 12) | (1 << 13)))
TAINT_LETTERS=PFSRMBUDAWCIOELKXTNJ

taint_flags() {
	local v=$1 i out=''
	for ((i = 0; i < 64; i++)); do
		((v >> i & 1)) || continue
		if ((i < ${#TAINT_LETTERS})); then
			out+=${TAINT_LETTERS:i:1}
		else
			out+="(bit $i)"
		fi
	done
	printf '%s' "$out"
}

status=0
reasons=()

if [ -n "$taint" ]; then
	taint=${taint//[[:space:]]/}
	case $taint in
	'' | *[!0-9]*)
		reasons+=("$prog: taint value '$taint' is not a number")
		;;
	*)
		bad=$((taint & ~ALLOWED_TAINT))
		if ((bad != 0)); then
			reasons+=("$prog: kernel tainted $taint ($(taint_flags "$taint")); not allowed: $(taint_flags "$bad")")
		fi
		;;
	esac
fi

# Each line of the awk program's output: <line number> TAB <kind> TAB <text>.
matches=$(tr -d '\r' <"$log" | awk -f "$SPLAT_AWK")

if [ -n "$matches" ]; then
	# One reason per kind, quoting its first occurrence; for a WARN, its
	# "WARNING: CPU: ... at ..." line rather than the "cut here" one.
	declare -A first=()
	kinds=()
	while IFS=$'\t' read -r _ kind text; do
		if [ -z "${first[$kind]-}" ]; then
			kinds+=("$kind")
			first[$kind]=$text
		elif [[ ${first[$kind]} == -* && $text == WARNING:* ]]; then
			first[$kind]=$text
		fi
	done <<<"$matches"
	for kind in "${kinds[@]}"; do
		reasons+=("$prog: $kind: ${first[$kind]}")
	done
fi

if [ ${#reasons[@]} -eq 0 ]; then
	exit 0
fi
status=1
printf '%s\n' "${reasons[@]}"

if [ -z "$quiet" ] && [ -n "$matches" ]; then
	# The offending log: from a few lines before each splat to $context
	# lines after it, overlapping ranges merged.
	tr -d '\r' <"$log" | awk -v ctx="$context" -v lines="$(cut -f1 <<<"$matches" | tr '\n' ' ')" '
	BEGIN {
		n = split(lines, at, " ")
		for (i = 1; i <= n; i++) {
			lo = at[i] - 5; hi = at[i] + ctx
			for (l = (lo < 1 ? 1 : lo); l <= hi; l++) show[l] = 1
		}
	}
	show[NR] {
		if (last && NR != last + 1) print "[...]"
		print; last = NR
	}'
fi
exit $status
