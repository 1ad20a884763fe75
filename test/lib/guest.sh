# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The errno texts are read by the files that source this one.
# shellcheck disable=SC2034
#
# guest.sh: what the bats suite (through lrupool.bash) and the programs run
# in a guest (guest/*.sh, the fuzzer, the stress driver) share, each in one
# place: cgroups (naming, making, removing, running a command in one), the
# errno of an error message, and the kernel log's splats. Plain bash, no
# bats; in a test guest it is $LRUPOOL_LIB/guest.sh (scripts/vmtest.sh
# copies test/lib/ there), on a real machine test/lib/guest.sh of the tree:
#
#	LP_LIB=${LRUPOOL_LIB:-$(cd "$(dirname "$0")/../test/lib" && pwd)}
#	. "$LP_LIB/guest.sh"
#
# Cgroups are named by their path below $LP_CGROOT ("A/B/C"); "/" is the
# root.

LP_LIB=${LP_LIB:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
LP_CGROOT=${LP_CGROOT:-/sys/fs/cgroup}
export LP_CGROOT

# lp_wait_until <seconds> <command> [args...]: run the command until it
# succeeds; fail if it has not succeeded when the deadline has passed.
lp_wait_until() {
	local end=$((SECONDS + $1))

	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# ---------------------------------------------------------------------------
# Cgroups

# lp_cg_dir <cgroup>: the cgroup's directory.
lp_cg_dir() {
	local cg=${1#/}

	echo "$LP_CGROOT${cg:+/$cg}"
}

# lp_cg_id <cgroup>: its cgroup-id, as lrupool's files print it.
lp_cg_id() {
	stat -c %i "$(lp_cg_dir "$1")"
}

# lp_cg_make <cgroup>: create a cgroup whose memory controller is on, by
# enabling it in the parent's subtree_control first. A cgroup with
# controllers in subtree_control can hold no process, so what must belong to
# an inner cgroup is made before its children are created.
lp_cg_make() {
	local dir parent

	dir=$(lp_cg_dir "$1")
	parent=$(dirname "$dir")
	if ! grep -qw memory "$parent/cgroup.subtree_control"; then
		echo +memory > "$parent/cgroup.subtree_control" || return
	fi
	mkdir "$dir"
}

lp_rmdir_done() {
	rmdir "$1" 2>/dev/null || [ ! -d "$1" ]
}

# lp_cg_rmtree <dir>: remove a cgroup and everything below it, deepest
# first, moving any process still in it to the root first.
lp_cg_rmtree() {
	local dir=$1 sub pid rc=0

	[ -d "$dir" ] || return 0
	for sub in "$dir"/*/; do
		if [ -d "$sub" ]; then
			lp_cg_rmtree "${sub%/}" || rc=1
		fi
	done
	while read -r pid; do
		echo "$pid" > "$LP_CGROOT/cgroup.procs" 2>/dev/null
	done < "$dir/cgroup.procs"
	if ! lp_wait_until 10 lp_rmdir_done "$dir"; then
		echo "cannot remove cgroup $dir" >&2
		rc=1
	fi
	return $rc
}

# ---------------------------------------------------------------------------
# Running as a cgroup

# lp_in_cg <cgroup> <command> [args...]: run the command (a function too)
# in a subshell that first moves itself into the cgroup, so that what it
# does is charged to that memcg; status 125 if the move failed.
lp_in_cg() {
	local cg=${1#/} procs

	# lp_cg_dir's path, without the fork of a command substitution.
	procs=$LP_CGROOT${cg:+/$cg}/cgroup.procs
	shift
	(
		echo "$BASHPID" > "$procs" || exit 125
		"$@"
	)
}

# lp_as <cgroup> <snippet>: run a shell snippet in a new bash in the
# cgroup; exported variables reach it, functions do not.
lp_as() {
	lp_in_cg "$1" bash -c "$2" lp_as
}

# lp_write_as <cgroup> <file> <line> [<file> <line>]...: write each line to
# its file (one write each), in order, from a task in the cgroup; stop at
# the first write that fails (status 1, and bash's "write error: <errno
# text>" on stderr; 125 if the move failed). The task is a subshell moved
# there, which writes with bash's own printf: a fork and an exec of a new
# bash take a good part of a second in a TCG guest, and most of it with
# KASAN. With LP_CPU=<n> in the environment the writes come from a new
# bash pinned to that CPU.
lp_write_as() {
	local cg=$1

	shift
	if [ -n "${LP_CPU:-}" ]; then
		# shellcheck disable=SC2016 # expanded by the child shell
		lp_in_cg "$cg" taskset "$(printf %x $((1 << LP_CPU)))" bash -c '
			while [ $# -ge 2 ]; do
				printf "%s\n" "$2" > "$1" || exit 1
				shift 2
			done' lp_write_as "$@"
		return
	fi
	lp_in_cg "$cg" lp_write_lines "$@"
}

# lp_write_lines <file> <line> [<file> <line>]...: lp_write_as's writes,
# in the calling task.
lp_write_lines() {
	while [ $# -ge 2 ]; do
		printf '%s\n' "$2" > "$1" || return 1
		shift 2
	done
}

# ---------------------------------------------------------------------------
# Errnos: their texts, as a failed write reports them ("...: <text>"), and
# the name and number of a message.

EPERM='Operation not permitted'
ENOENT='No such file or directory'
EINTR='Interrupted system call'
E2BIG='Argument list too long'
EAGAIN='Resource temporarily unavailable'
ENOMEM='Cannot allocate memory'
EBUSY='Device or resource busy'
EEXIST='File exists'
ENODEV='No such device'
EINVAL='Invalid argument'
ENOSPC='No space left on device'
ERANGE='Numerical result out of range'
ENOTEMPTY='Directory not empty'
ENODATA='No data available'
EOPNOTSUPP='Operation not supported'

# lp_errno <message>: the errno whose text ends the message, by name in
# LP_ERRNO and by number in LP_ERRNO_NR; "other" and 0 for any other
# message. No fork: the stress workers call it after every failed write.
lp_errno() {
	case $1 in
	*"$EPERM") LP_ERRNO=EPERM LP_ERRNO_NR=1 ;;
	*"$ENOENT") LP_ERRNO=ENOENT LP_ERRNO_NR=2 ;;
	*"$EINTR") LP_ERRNO=EINTR LP_ERRNO_NR=4 ;;
	*"$E2BIG") LP_ERRNO=E2BIG LP_ERRNO_NR=7 ;;
	*"$EAGAIN") LP_ERRNO=EAGAIN LP_ERRNO_NR=11 ;;
	*"$ENOMEM") LP_ERRNO=ENOMEM LP_ERRNO_NR=12 ;;
	*"$EBUSY") LP_ERRNO=EBUSY LP_ERRNO_NR=16 ;;
	*"$EEXIST") LP_ERRNO=EEXIST LP_ERRNO_NR=17 ;;
	*"$ENODEV") LP_ERRNO=ENODEV LP_ERRNO_NR=19 ;;
	*"$EINVAL") LP_ERRNO=EINVAL LP_ERRNO_NR=22 ;;
	*"$ENOSPC") LP_ERRNO=ENOSPC LP_ERRNO_NR=28 ;;
	*"$ERANGE") LP_ERRNO=ERANGE LP_ERRNO_NR=34 ;;
	*"$ENOTEMPTY") LP_ERRNO=ENOTEMPTY LP_ERRNO_NR=39 ;;
	*"$ENODATA") LP_ERRNO=ENODATA LP_ERRNO_NR=61 ;;
	*"$EOPNOTSUPP") LP_ERRNO=EOPNOTSUPP LP_ERRNO_NR=95 ;;
	*) LP_ERRNO=other LP_ERRNO_NR=0 ;;
	esac
}

# ---------------------------------------------------------------------------
# The kernel log

# lp_kernel_mark: write a marker to the kernel log; what follows looks only
# at what the kernel logged after it.
lp_kernel_mark() {
	LP_KMSG_MARK="lrupool-test: start $(basename "${BATS_TEST_FILENAME:-${0:-bash}}") ${BATS_TEST_NUMBER:-0} $RANDOM$RANDOM"
	echo "$LP_KMSG_MARK" 2>/dev/null > /dev/kmsg || LP_KMSG_MARK=
}

lp_kernel_log_since_mark() {
	dmesg | awk -v m="${LP_KMSG_MARK:-}" 'm == "" || seen { print } index($0, m) { seen = 1 }'
}

# lp_splats: the splats in the kernel log on stdin, one "<line> TAB <kind>
# TAB <message>" line each, by test/lib/splat.awk: the same definition
# scripts/splat-check.sh applies to every guest's dmesg.
lp_splats() {
	awk -f "$LP_LIB/splat.awk"
}

# lp_no_splat_since_mark [<lines>]: whether the kernel logged no splat since
# lp_kernel_mark; if it did, print so and the last lines (default 60) of
# what it logged since, and fail.
lp_no_splat_since_mark() {
	[ -n "$(lp_kernel_log_since_mark | lp_splats)" ] || return 0
	echo "the kernel logged a splat:"
	lp_kernel_log_since_mark | tail -n "${1:-60}"
	return 1
}
