#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh: a bounded, seeded fuzzer of lrupool's control plane.
#
#   fuzz.sh [--seed N] [--seconds S] [--iterations N] [--cgroup CG]...
#           [--scratch CG] [--log FILE]
#
# It writes random printable, truncated, oversized, binary and near-valid
# lines (valid commands with a field mutated), and some valid commands of
# small sizes, to every writable file below /sys/kernel/debug/lrupool, and
# random values to every writable module parameter. Both sets are found by
# their mode bits, so a new file is fuzzed too. Writes come from the
# leaf cgroups CG (paths below /sys/fs/cgroup), from the cgroup the fuzzer
# started in, and from short-lived children of the scratch cgroup that it
# makes and removes (their buffers and pooled pages outlive them). Without
# --cgroup it makes a tree of its own and removes it at exit.
#
# Every write is one write(2) (a printf builtin, or dd from a pipe when the
# bytes hold a newline before the end or are longer than a page). A write
# to a file the control-plane contract describes must succeed or fail with
# EINVAL, ENOENT, EEXIST, E2BIG or ENOMEM; any other file gets the same
# kinds of bytes and may fail as it likes (the summary counts its errnos).
# For the files and parameters of the contract, the fuzzer keeps a model
# (the line splitting, kstrto* parsing, the fuzzer's own buffers and
# cgroup-ids) and checks each write against it: the outcome is one the
# contract allows for those bytes; a refused command changes no counter,
# no buffer, no parameter (reclaim may free pooled entries meanwhile:
# pooled + shrink_freed stays); a command that succeeded moved the counters
# and buffers by exactly what it asked for, and a scan of memcg X on node N
# changed no count line but X's, in N's column. Every 64 iterations, and at
# the end, stats must agree with count and buffers.
# A parameter reads back as its old value after a refused write, or as the
# value written (normalized) after an accepted one; at the end every
# parameter gets its first value back and every buffer the fuzzer made is
# freed.
#
# Memory stays bounded: max_request_pages is held at or below 4096 while
# fuzzing (16 MiB of pages in one command; the original value comes back
# at the end), valid commands ask for little (twice memory.max at most, in
# a cgroup that has one), and when the fuzzer's buffers, the pooled pages
# or the pooled objects pass a cap it frees or scans them.
#
# The seed (--seed, else $LRUPOOL_FUZZ_SEED, else from the clock; printed
# first) fixes the sequence of generated writes. What depends on results
# comes in between (the frees and scans that bound memory, names of the
# buffers that exist, cgroup-ids in the lines), so a seed replays a run on
# the same kernel in a guest that made the same cgroups (the same test in
# a fresh guest). The budget: --seconds ($LRUPOOL_FUZZ_SECONDS) and
# --iterations ($LRUPOOL_FUZZ_ITERATIONS), the first reached ends it; 30
# seconds when neither is given.
#
# Output: lines starting "fuzz: ", a summary at the end (writes per file,
# errno histogram, valid commands that succeeded). On a failure: the seed,
# what failed, and the last writes, hex-escaped as printf formats. Exit
# status 0, 1 if a check failed, 2 on a usage or set-up error.

# Arrays are read through fz_pick's nameref.
# shellcheck disable=SC2034

set -u
export LC_ALL=C
shopt -s extglob
set -f

# shellcheck source=test/lib/guest.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest.sh"

FZ_DEBUGFS=/sys/kernel/debug/lrupool
FZ_PARAMS=/sys/module/lrupool/parameters
FZ_CGROOT=/sys/fs/cgroup

FZ_LINE_MAX=128		# a command line is shorter than this, newline included
FZ_MRP_CAP=4096		# max_request_pages while fuzzing
# The pages of RAM, max_request_pages's upper bound.
FZ_RAM_PAGES=$(awk -v p="$(getconf PAGESIZE 2>/dev/null || echo 4096)" '$1 == "MemTotal:" { print $2 * 1024 / p }' /proc/meminfo)
FZ_BUF_CAP=4096		# pages in the fuzzer's buffers before it frees some
FZ_POOL_CAP=8192	# pooled pages before it scans them away
FZ_OBJ_CAP=65536	# pooled objects before it scans them away
FZ_RING_SIZE=24		# writes shown on a failure
FZ_CHECK_EVERY=64	# iterations between two consistency checks

fz_usage() {
	sed -n '4,7p' "$0" | sed 's/^# \{0,1\}//'
}

fz_say() {
	printf 'fuzz: %s\n' "$*"
}

# The parts, in test/lib/fuzz/, one section each: rng.sh (the PRNG),
# payload.sh (the bytes of one write), model.sh (the model of the contract),
# write.sh, state.sh (stats, buffers and the checks around a write),
# params.sh, gen.sh (lines for the known files), cgroups.sh, bounded.sh
# (keeping memory bounded), consistency.sh, setup.sh, restore.sh (the end),
# dmabuf.sh (the op for /dev/lrupool's ioctl); fz_main is below.
FZ_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=test/lib/fuzz/rng.sh
. "$FZ_LIB/fuzz/rng.sh"
# shellcheck source=test/lib/fuzz/payload.sh
. "$FZ_LIB/fuzz/payload.sh"
# shellcheck source=test/lib/fuzz/model.sh
. "$FZ_LIB/fuzz/model.sh"
# shellcheck source=test/lib/fuzz/write.sh
. "$FZ_LIB/fuzz/write.sh"
# shellcheck source=test/lib/fuzz/state.sh
. "$FZ_LIB/fuzz/state.sh"
# shellcheck source=test/lib/fuzz/params.sh
. "$FZ_LIB/fuzz/params.sh"
# shellcheck source=test/lib/fuzz/gen.sh
. "$FZ_LIB/fuzz/gen.sh"
# shellcheck source=test/lib/fuzz/cgroups.sh
. "$FZ_LIB/fuzz/cgroups.sh"
# shellcheck source=test/lib/fuzz/bounded.sh
. "$FZ_LIB/fuzz/bounded.sh"
# shellcheck source=test/lib/fuzz/consistency.sh
. "$FZ_LIB/fuzz/consistency.sh"
# shellcheck source=test/lib/fuzz/setup.sh
. "$FZ_LIB/fuzz/setup.sh"
# shellcheck source=test/lib/fuzz/restore.sh
. "$FZ_LIB/fuzz/restore.sh"
# shellcheck source=test/lib/fuzz/dmabuf.sh
. "$FZ_LIB/fuzz/dmabuf.sh"

# ---------------------------------------------------------------------------

fz_main() {
	local seconds=${LRUPOOL_FUZZ_SECONDS:-} iterations=${LRUPOOL_FUZZ_ITERATIONS:-}
	local kind file

	FZ_SEED=${LRUPOOL_FUZZ_SEED:-}
	FZ_GIVEN=() FZ_SCRATCH='' FZ_OWN='' FZ_LOG='' FZ_READY=0
	FZ_FILES=() FZ_PARAM_LIST=() FZ_TARGETS=()
	while [ $# -gt 0 ]; do
		case $1 in
		--seed) FZ_SEED=${2:-}; shift 2 || break ;;
		--seconds) seconds=${2:-}; shift 2 || break ;;
		--iterations) iterations=${2:-}; shift 2 || break ;;
		--cgroup) FZ_GIVEN+=("${2:-}"); shift 2 || break ;;
		--scratch) FZ_SCRATCH=${2:-}; shift 2 || break ;;
		--log) FZ_LOG=${2:-}; shift 2 || break ;;
		-h | --help) fz_usage; return 0 ;;
		*) fz_usage >&2; return 2 ;;
		esac
	done
	if [ -z "$FZ_SEED" ]; then
		FZ_SEED=${EPOCHREALTIME/./}
		FZ_SEED=$((10#$FZ_SEED % 1000000000))
	fi
	[ -n "$seconds$iterations" ] || seconds=30
	if ! [[ $FZ_SEED =~ ^[0-9]{1,18}$ && $seconds =~ ^[0-9]*$ && $iterations =~ ^[0-9]*$ ]]; then
		fz_usage >&2
		return 2
	fi
	FZ_SEED=$((10#$FZ_SEED))
	fz_say "seed $FZ_SEED"
	fz_seed_rng "$FZ_SEED"

	declare -gA FZ_KIND=() FZ_LIVE=() FZ_NOMEMCG=() FZ_ID_OF=() FZ_MAXPG=() \
		FZ_BUF_NR=() FZ_BUF_OWNER=() FZ_PARAM_OLD=() \
		FZ_W=() FZ_HIST=() FZ_ERRS=() FZ_CLASS=() FZ_VALID_OK=() \
		OB=() OA=() PB=() PA=() PX=()
	FZ_BUF_LIST=() FZ_EPH=() FZ_RING=()
	OBT='' OAT='' PBT='' PAT='' BB='' BA='' CB='' CA=''
	FZ_BUF_PAGES=0 FZ_EPH_SEQ=0 FZ_EPH_MADE=0 FZ_EPH_REMOVED=0 FZ_MOVES=0
	FZ_KEEP=0 FZ_FAILS=0 FZ_STOP=0 FZ_ITER=0 FZ_NR_WRITES=0 FZ_CLAMP=1
	FZ_CUR='' FZ_CG_ID=1
	SECONDS=0

	trap 'fz_restore; fz_summary; exit 1' INT TERM
	if ! fz_setup; then
		fz_say "set-up failed"
		fz_restore
		return 2
	fi
	FZ_READY=1
	fz_say "files: ${FZ_FILES[*]#"$FZ_DEBUGFS"/}; parameters: ${FZ_PARAM_LIST[*]}"
	fz_say "cgroups: ${FZ_TARGETS[*]#"$FZ_CGROOT"}${FZ_SCRATCH:+; scratch ${FZ_SCRATCH#"$FZ_CGROOT"}}; budget ${seconds:-no} seconds, ${iterations:-no limit on} iterations"

	SECONDS=0
	while [ "$FZ_STOP" = 0 ]; do
		[ -z "$seconds" ] || [ "$SECONDS" -lt "$seconds" ] || break
		[ -z "$iterations" ] || [ "$FZ_ITER" -lt "$iterations" ] || break
		FZ_ITER=$((FZ_ITER + 1))
		fz_rand 100
		if [ "$R" -lt 5 ]; then
			fz_cg_action
		elif [ "$R" -lt 15 ] && [ ${#FZ_PARAM_LIST[@]} -gt 0 ]; then
			fz_fuzz_param
		elif [ "$R" -lt 18 ] && fz_dmabuf_ready; then
			fz_dmabuf_op
		else
			fz_pick FZ_FILES
			file=$P
			kind=${FZ_KIND[$file]}
			fz_gen "$kind"
			fz_write "$file" "$kind" "${file#"$FZ_DEBUGFS"/}" "$CLASS"
		fi
		[ "$FZ_STOP" = 0 ] || break
		fz_keep_bounded
		if [ $((FZ_ITER % FZ_CHECK_EVERY)) -eq 0 ] && [ "$FZ_STOP" = 0 ]; then
			fz_check_consistency
		fi
	done
	trap - INT TERM
	fz_restore
	fz_summary
	[ "$FZ_FAILS" -eq 0 ]
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	fz_main "$@"
	exit $?
fi
