# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# bats sets $status and $output in run; the tests read LP_* settings.
# shellcheck disable=SC2034,SC2154
#
# Helpers for lrupool's bats suite. The suite runs as root inside a test
# guest (scripts/vmtest.sh) where $LRUPOOL_KO is the module built for the
# running kernel, debugfs is mounted at /sys/kernel/debug and cgroup2 at
# /sys/fs/cgroup with the memory controller enabled for the root's children.
#
# Cgroups are named by their path below /sys/fs/cgroup ("A/B/C"); "/" is the
# root. Every cgroup made with lp_cg_create and every process started with
# lp_bg is recorded, so that lp_teardown can undo them even when a test
# fails half way.
#
# Reading the memcg: kmem charges count in memory.current and, for slab
# objects, in memory.stat "slab". Both are batched per CPU (up to a page of
# slab bytes per CPU, up to 64 pages of charge per CPU), and memory.stat is
# flushed lazily, so tests compare with a margin of a few pages and poll
# with a deadline instead of sleeping a fixed time.

bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

# shellcheck source=test/lib/guest.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest.sh"

export LP_DEBUGFS=/sys/kernel/debug
export LP_ROOT=$LP_DEBUGFS/lrupool
export LP_OBJ=$LP_ROOT/objects
export LP_MODULE=/sys/module/lrupool
export LP_PARAMS=$LP_MODULE/parameters

# Taint flags that loading an out-of-tree (4096) unsigned (8192) module sets.
LP_TAINT_OK=$((4096 | 8192))

# Slack for per-CPU batching of slab statistics: a page per CPU, twice.
LP_SLAB_SLACK=$((2 * 4096 * $(nproc)))

# Where this test keeps its records of cgroups and background processes.
lp_state_dir() {
	echo "${BATS_TEST_TMPDIR:-${BATS_FILE_TMPDIR:-/tmp}}"
}

# ---------------------------------------------------------------------------
# The module

lp_loaded() {
	[ -d "$LP_MODULE" ]
}

# lp_load [param=value...]: insmod the module under test.
lp_load() {
	if [ -z "${LRUPOOL_KO:-}" ] || [ ! -f "$LRUPOOL_KO" ]; then
		echo "LRUPOOL_KO='${LRUPOOL_KO:-}' is not a module file" >&2
		return 1
	fi
	insmod "$LRUPOOL_KO" "$@"
}

# lp_unload: rmmod the module if it is loaded.
lp_unload() {
	if lp_loaded; then
		rmmod lrupool
	fi
}

lp_param() {
	cat "$LP_PARAMS/$1"
}

lp_debugfs_mounted() {
	awk -v d="$LP_DEBUGFS" '$2 == d && $3 == "debugfs" { f = 1 } END { exit !f }' \
		/proc/self/mounts
}

lp_mount_debugfs() {
	lp_debugfs_mounted || mount -t debugfs debugfs "$LP_DEBUGFS"
}

# lp_umount_debugfs: unmount debugfs, and first tracefs if it has been
# automounted on debugfs's "tracing" directory.
lp_umount_debugfs() {
	if awk -v d="$LP_DEBUGFS/tracing" '$2 == d { f = 1 } END { exit !f }' \
		/proc/self/mounts; then
		umount "$LP_DEBUGFS/tracing" || return
	fi
	umount "$LP_DEBUGFS"
}

# ---------------------------------------------------------------------------
# The kernel log and taint

# lp_assert_no_splat: the kernel logged no splat (lp_splats) since
# lp_kernel_mark.
lp_assert_no_splat() {
	local out

	out=$(lp_no_splat_since_mark 60) || fail "$out"
}

lp_assert_not_tainted() {
	local t

	t=$(cat /proc/sys/kernel/tainted)
	[ $((t & ~LP_TAINT_OK)) -eq 0 ] ||
		fail "kernel taint is $t: flags other than out-of-tree and unsigned module"
}

# lp_assert_clean_kernel: no warning, oops or list corruption since the
# marker, and no taint flag but those of the module itself.
lp_assert_clean_kernel() {
	lp_assert_no_splat
	lp_assert_not_tainted
}

# ---------------------------------------------------------------------------
# Cgroups

lp_cg_read() {
	cat "$(lp_cg_dir "$1")/$2"
}

# lp_cg_create <cgroup>: lp_cg_make, recorded for lp_cg_cleanup.
lp_cg_create() {
	lp_cg_make "$1" || return
	lp_cg_dir "$1" >> "$(lp_state_dir)/lp-cgroups"
}

# lp_cg_cleanup: remove every cgroup this test created, newest first.
lp_cg_cleanup() {
	local list dirs i rc=0

	list=$(lp_state_dir)/lp-cgroups
	[ -f "$list" ] || return 0
	mapfile -t dirs < "$list"
	for ((i = ${#dirs[@]} - 1; i >= 0; i--)); do
		lp_cg_rmtree "${dirs[i]}" || rc=1
	done
	return $rc
}

# lp_cg_stat <cgroup> <key>: a value from cgroup.stat.
lp_cg_stat() {
	awk -v k="$2" '$1 == k { print $2; f = 1 } END { exit !f }' \
		"$(lp_cg_dir "$1")/cgroup.stat"
}

# lp_cg_has_stat <cgroup> <key>: whether this kernel's cgroup.stat has the key.
lp_cg_has_stat() {
	lp_cg_stat "$@" > /dev/null
}

# lp_memstat <cgroup> <key>: a value from memory.stat. The key is matched
# exactly ("slab" is not "slab_reclaimable").
lp_memstat() {
	awk -v k="$2" '$1 == k { print $2; f = 1 } END { exit !f }' \
		"$(lp_cg_dir "$1")/memory.stat"
}

# lp_numastat <cgroup> <key> <nid>: a per-node value from memory.numa_stat.
lp_numastat() {
	awk -v k="$2" -v n="N$3=" '
		$1 == k {
			for (i = 2; i <= NF; i++)
				if (index($i, n) == 1) {
					print substr($i, length(n) + 1)
					f = 1
				}
		}
		END { exit !f }' "$(lp_cg_dir "$1")/memory.numa_stat"
}

# lp_numa_slab <cgroup> <nid>: slab bytes of the cgroup on that node.
lp_numa_slab() {
	local r u

	r=$(lp_numastat "$1" slab_reclaimable "$2") || return
	u=$(lp_numastat "$1" slab_unreclaimable "$2") || return
	echo $((r + u))
}

lp_mem_current() {
	lp_cg_read "$1" memory.current
}

lp_slab_at_least() {
	local v

	v=$(lp_memstat "$1" slab) && [ "$v" -ge "$2" ]
}

lp_slab_at_most() {
	local v

	v=$(lp_memstat "$1" slab) && [ "$v" -le "$2" ]
}

# lp_meminfo <key>: a /proc/meminfo value, in kB.
lp_meminfo() {
	awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo
}

# ---------------------------------------------------------------------------
# NUMA

lp_nr_nodes() {
	local n=0 d

	for d in /sys/devices/system/node/node[0-9]*; do
		[ -d "$d" ] && n=$((n + 1))
	done
	echo "$n"
}

# lp_cpu_of_node <nid>: the first CPU of a node.
lp_cpu_of_node() {
	local list

	list=$(cat "/sys/devices/system/node/node$1/cpulist") || return
	list=${list%%,*}
	echo "${list%%-*}"
}

# lp_in_list <n> <list>: whether n is in a sysfs node or CPU list such as
# "0-1,3".
lp_in_list() {
	local n=$1 r lo hi

	for r in ${2//,/ }; do
		lo=${r%-*} hi=${r#*-}
		[ "$n" -ge "$lo" ] && [ "$n" -le "$hi" ] && return 0
	done
	return 1
}

lp_need_two_nodes() {
	local n

	n=$(lp_nr_nodes)
	[ "$n" -ge 2 ] || fail "the guest has $n NUMA node(s); the suite needs 2"
}

# ---------------------------------------------------------------------------
# Writing as a cgroup

# lp_write <file> <line>: write one line from the test's own shell.
lp_write() {
	printf '%s\n' "$2" > "$1"
}

# lp_add <cgroup> <nr> [<nid>]: objects/add as that cgroup.
lp_add() {
	local cg=$1

	shift
	lp_write_as "$cg" "$LP_OBJ/add" "$*"
}

# lp_take <cgroup> <nr> [<nid>]: objects/take as that cgroup.
lp_take() {
	local cg=$1

	shift
	lp_write_as "$cg" "$LP_OBJ/take" "$*"
}

# lp_scan <cgroup-id> <nid> <nr_to_scan>
lp_scan() {
	lp_write "$LP_OBJ/scan" "$*"
}

# lp_expect_error <errno text> <command> [args...]: the command fails and
# says why with the errno's text.
lp_expect_error() {
	local err=$1

	shift
	run "$@"
	if [ "$status" -eq 0 ] || [ "$status" -eq 125 ] || [[ $output != *"$err"* ]]; then
		fail "'$*': expected to fail with '$err', got status $status: '$output'"
	fi
}

# ---------------------------------------------------------------------------
# Reading objects/

# lp_stat <key>: a value from objects/stats.
lp_stat() {
	awk -v k="$1" '$1 == k { print $2; f = 1 } END { exit !f }' "$LP_OBJ/stats" ||
		{ echo "no '$1' in $LP_OBJ/stats" >&2; return 1; }
}

# lp_count_line <cgroup-id>: the per-node counts of that memcg, or nothing
# if count has no line for it (every line if it has several).
lp_count_line() {
	awk -v id="$1" '$1 == id { $1 = ""; sub(/^ +/, ""); print }' "$LP_OBJ/count"
}

# lp_count_of <cgroup-id> <nid>: that memcg's objects on that node.
lp_count_of() {
	awk -v id="$1" -v col=$(($2 + 2)) '$1 == id { n += $col } END { print n + 0 }' \
		"$LP_OBJ/count"
}

# lp_count_total: the sum of every count line.
lp_count_total() {
	awk '{ for (i = 2; i <= NF; i++) n += $i } END { print n + 0 }' "$LP_OBJ/count"
}

lp_count_ids() {
	awk '{ print $1 }' "$LP_OBJ/count"
}

# lp_count_is <cgroup-id> <n_node0> <n_node1>...: count shows exactly this
# line for that memcg, or no line when every number is 0.
lp_count_is() {
	local id=$1 want

	shift
	want="$*"
	[[ $want =~ ^[0\ ]*$ ]] && want=
	[ "$(lp_count_line "$id")" = "$want" ]
}

lp_assert_count() {
	local id=$1 want

	shift
	want="$*"
	[[ $want =~ ^[0\ ]*$ ]] && want=
	lp_count_is "$id" "$@" ||
		fail "count for cgroup-id $id: expected '${want:-no line}', got '$(lp_count_line "$id")'
count:
$(cat "$LP_OBJ/count")"
}

# lp_assert_stat <key> <value>
lp_assert_stat() {
	local v

	v=$(lp_stat "$1") || return
	[ "$v" = "$2" ] || fail "stats $1: expected $2, got $v
stats:
$(cat "$LP_OBJ/stats")"
}

# lp_snapshot: what a failed command must leave unchanged: count and the
# contract's stats.
lp_snapshot() {
	cat "$LP_OBJ/count"
	awk '$1 ~ /^(entries|added|taken_local|taken_ancestor|shrink_freed)$/' \
		"$LP_OBJ/stats"
}

lp_assert_snapshot() {
	local now

	now=$(lp_snapshot)
	[ "$now" = "$1" ] || fail "count or stats changed:
before:
$1
after:
$now"
}

# lp_object_size: bytes per object, from objects/stats.
lp_object_size() {
	local s

	s=$(lp_stat object_size) || return
	[ "$s" -gt 0 ] || { echo "object_size is $s" >&2; return 1; }
	echo "$s"
}

# lp_objects_for <bytes>: how many objects make at least that many bytes.
lp_objects_for() {
	local size

	size=$(lp_object_size) || return
	echo $((($1 + size - 1) / size))
}

# ---------------------------------------------------------------------------
# Background processes

# lp_bg <log> <command> [args...]: run a command (a function too) in the
# background with its output in log. Its pid is recorded for lp_bg_wait
# and lp_bg_kill.
lp_bg() {
	local log=$1

	shift
	"$@" > "$log" 2>&1 3>&- &
	echo $! >> "$(lp_state_dir)/lp-pids"
}

lp_bg_pids() {
	local list

	list=$(lp_state_dir)/lp-pids
	[ -f "$list" ] && cat "$list"
}

# lp_bg_wait: wait for every background process; fail if one failed.
lp_bg_wait() {
	local pid rc=0

	for pid in $(lp_bg_pids); do
		wait "$pid" || { echo "background process $pid failed" >&2; rc=1; }
	done
	return $rc
}

# lp_bg_kill: end every background process this test started.
lp_bg_kill() {
	local pid

	for pid in $(lp_bg_pids); do
		if kill -0 "$pid" 2>/dev/null; then
			kill "$pid" 2>/dev/null || :
			wait "$pid" 2>/dev/null || :
		fi
	done
	return 0
}

# ---------------------------------------------------------------------------
# Per-test set-up for the objects/ files: a freshly loaded module, so that
# every test starts with an empty pool and zeroed statistics.

lp_setup() {
	lp_kernel_mark
	if lp_loaded; then
		rmmod lrupool || return
	fi
	lp_load "$@"
}

lp_teardown() {
	local rc=0

	lp_bg_kill
	lp_cg_cleanup || rc=1
	lp_unload || rc=1
	return $rc
}
