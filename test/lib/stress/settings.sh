# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: settings the driver sets, results the
# tests read.
# shellcheck disable=SC2034,SC2154
#
# stress.sh's settings: the tree, the slots, what each kind of step may
# return.

# ---------------------------------------------------------------------------
# Settings

ST_BASE=stress			# below /sys/fs/cgroup: the cgroups it makes
ST_SLOTS=4			# buffers a writer holds at most
ST_POOL_LIMIT=8192		# pool_limit_pages while it runs
ST_MEMFREE_SLACK_KB=${ST_MEMFREE_SLACK_KB:-8192}
ST_DEADLINE=60			# seconds for anything polled
ST_DIGEST_STEPS=256
ST_DROP_CACHES=/proc/sys/vm/drop_caches

# The tree the mutator changes, below $ST_BASE/t: three levels.
ST_PATHS=()
for _a in a b c; do
	ST_PATHS+=("$_a")
	for _b in d e f; do
		ST_PATHS+=("$_a/$_b")
		for _c in g h; do
			ST_PATHS+=("$_a/$_b/$_c")
		done
	done
done
unset _a _b _c

# What each kind of operation may return; anything else is a failure.
declare -gA ST_ALLOWED=(
	[alloc]="ok ENOMEM"
	[free]="ok skip"
	[add]="ok ENOMEM"
	[take]="ok"
	[move]="ok ENOENT ENODEV EBUSY skip"
	[pscan]="ok ENOENT skip"
	[oscan]="ok ENOENT skip"
	[reclaim]="ok EAGAIN skip"
	[memmax]="ok skip"
	[probe-move]="ok"
	[probe-max]="ok"
	[probe-big]="ok ENOMEM"
	[probe-big-free]="ok"
	[probe-fit]="ok"
	[probe-fit-free]="ok"
	[probe-restore]="ok"
	[read]="ok"
	[drop]="ok"
	[mkdir]="ok ENOENT EBUSY"
	[rmdir]="ok EBUSY ENOTEMPTY"
	[nomemory]="ok EBUSY skip"
	[limit]="ok"
	[fallback]="ok"
	[end-move]="ok"
)
# The rows and columns of the table, in this order.
ST_OPS="alloc free add take move pscan oscan reclaim memmax probe-move"
ST_OPS="$ST_OPS probe-max probe-big probe-big-free probe-fit probe-fit-free"
ST_OPS="$ST_OPS probe-restore read drop mkdir rmdir nomemory limit fallback"
ST_OPS="$ST_OPS end-move"
ST_RESULTS="ok ENOMEM EBUSY ENOENT ENODEV EAGAIN skip"
