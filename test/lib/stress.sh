# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The workers read settings the driver sets before it starts them; bats
# sets $status and $output.
# shellcheck disable=SC2034,SC2154
#
# stress.sh: a bounded, seeded stress of lrupool.
#
#   bash $LRUPOOL_LIB/stress.sh [--seed N] [--seconds S] [--writers W]
#
# runs as root in a test guest (scripts/vmtest.sh --script, or by hand) with
# $LRUPOOL_KO set and lrupool not loaded; test/stress.bats sources this file
# and calls stress_main with the same options. Defaults: the seed from
# $LRUPOOL_STRESS_SEED, else a random one; the time from
# $LRUPOOL_STRESS_SECONDS, else 60; 5 writers. Exit status 0 when every
# check held, 1 otherwise, 2 on a usage error.
#
# What it does, in order:
#   1. Notes the free memory (after drop_caches 3: MemFree and the pages on
#      the per-CPU free lists, see st_memfree), the RAM pages that are not
#      write-back, and the root's nr_dying_descendants; loads lrupool with
#      pool_limit_pages=8192.
#   2. For S seconds, W writers and a mutator run in the background (lp_bg,
#      so that lp_teardown kills them if the test is cut short):
#      - the mutator changes the cgroup tree below stress/t (3 levels, 30
#        possible cgroups): mkdir and rmdir of leaf and inner cgroups (a
#        rmdir of a cgroup holding a writer or a child fails with EBUSY, and
#        so does +memory in a parent holding a writer), turns +memory off
#        again in childless cgroups, changes pool_limit_pages (64, 512, 4096,
#        16384) and fallback, and reads count, buffers and stats while the
#        writers write;
#      - each writer moves itself between the cgroups of that tree and the
#        root (a move into a cgroup that is gone fails with ENOENT or
#        ENODEV, into an inner one with EBUSY), allocates buffers (every
#        caching, orders 0 to 9, 1 to 160 pages, on either node or its own,
#        names unique to the writer; at most 4 held, so at most 640 pages)
#        and frees them, adds and takes objects, scans the pages and objects
#        lists of its cgroup, writes memory.reclaim, sets memory.max of its
#        cgroup 32-64 MB above its usage or back to max, reads the files,
#        and drops caches (2); now and then it moves into a cgroup of its
#        own (stress/p/w<i>), sets memory.max 1-4 MB above its usage, asks
#        for a write-back buffer of more than twice that headroom (ENOMEM,
#        unless reclaim or the ancestors' lists find the pages), then for a
#        small one that must fit, and sets memory.max back. All writers
#        together hold at most 16 x 640 pages (40 MB, 12.5 MB with 5), and
#        pooled pages are reclaimable, so no limit they set leaves a cgroup
#        to the OOM killer.
#      Every operation is counted by kind and result (ok, ENOMEM, EBUSY,
#      ENOENT, ENODEV, EAGAIN, skip: nothing to do). A result outside what
#      each kind may return (say EEXIST on alloc, ENOENT on free, ENOMEM on
#      the small buffer after a failed big one) is a failure, and so is a
#      worker that does not finish (its last step and stderr are printed).
#   3. With the writers stopped and their buffers still live: pages/stats
#      agree with count and buffers (lp_assert_pages_consistent: pooled is
#      the sum of count, in_use that of buffers, miss = pooled + in_use +
#      released + shrink_freed); the buffers are exactly those the writers
#      hold, of the sizes they asked for; the pages of every successful
#      alloc add up to hit_local + hit_ancestor + miss, those of every free
#      to given + released; objects/stats entries is the sum of count and
#      added - taken_local - taken_ancestor - shrink_freed; the writers'
#      objects add up to added; count names only existing cgroups.
#   4. Removes every cgroup it made; stress/ and then the root must get
#      back to the nr_dying_descendants they had (polled for 60 s with
#      drop_caches 2 in between); count then names the root only, and
#      pages/stats still agree with count and buffers.
#   5. Allocates 9728 more pages in the root in three buffers (8192 wb,
#      1024 wc, 512 uc) and 2048 objects per node, frees a 512-page wc
#      buffer into the pool, and unloads lrupool with all of that and the
#      writers' buffers live. Afterwards every page is write-back again
#      (lp_pages_not_wb as before insmod), and the free memory, after
#      drop_caches 3, is at least its value before insmod minus
#      ST_MEMFREE_SLACK_KB (8 MB: with the per-CPU lists counted, a run
#      like this ends within 2 MB of where it started, an idle guest drifts
#      by about 3 MB, and the unload frees about 45 MB; MemFree alone moves
#      by 20 MB or more as the per-CPU lists grow and shrink). MemFree and
#      the /proc/meminfo fields that moved by 1 MB or more are printed.
#   6. The kernel logged no splat since the start (lp_splats: WARNING,
#      BUG, Oops, KASAN, lockdep, hung task, list corruption, OOM killer...).
#
# It prints what it did: the seed first, then a table of operations by kind
# and result, cgroups created and removed, pages allocated, freed, given,
# released and shrunk, objects added, taken and shrunk, the writers' time
# per kind of step, and the time at each phase. A poll that takes more
# than 10 s says what it is waiting for and what it sees.
#
# Reproducibility: each worker has its own Lehmer generator (x * 48271 mod
# 2^31 - 1) seeded from the seed and its index, and every step draws the
# same number of values whatever happened before, so the sequence of choices
# a worker makes is a function of seed and index (its digest over the first
# 256 steps is printed to show it). Whether a choice succeeds, and what a
# choice resolves to where it names "the n-th cgroup that exists", depend on
# the interleaving with the other workers and the kernel's timing, which
# are not reproducible: the same seed gives the same choices, not the same
# run.
#
# The workers use no external command, only bash builtins: a fork costs
# much under TCG, and a file written from inside a cgroup would be charged
# to it and keep its memcg alive after rmdir. Their errors go to a FIFO of
# their own, read back after each failed write to learn the errno; their
# counts are printed once they are back in the root.
#
# The parts, in test/lib/stress/, one section each: settings.sh, reporting.sh
# (what it prints), primitives.sh (the workers' builtins-only steps),
# writer.sh, mutator.sh, driver.sh (arguments, memory, the run and its
# summary), checks.sh (after the run); the entry point is below.

# Next to this file, or (vmtest.sh --script copies this file alone) in
# $LRUPOOL_LIB.
ST_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -d "$ST_LIB/stress" ] || ST_LIB=${LRUPOOL_LIB:-$ST_LIB}
# shellcheck source=test/lib/stress/settings.sh
. "$ST_LIB/stress/settings.sh"
# shellcheck source=test/lib/stress/reporting.sh
. "$ST_LIB/stress/reporting.sh"
# shellcheck source=test/lib/stress/primitives.sh
. "$ST_LIB/stress/primitives.sh"
# shellcheck source=test/lib/stress/writer.sh
. "$ST_LIB/stress/writer.sh"
# shellcheck source=test/lib/stress/mutator.sh
. "$ST_LIB/stress/mutator.sh"
# shellcheck source=test/lib/stress/driver.sh
. "$ST_LIB/stress/driver.sh"
# shellcheck source=test/lib/stress/checks.sh
. "$ST_LIB/stress/checks.sh"

# ---------------------------------------------------------------------------
# The entry point: the starting tree, stress_main

# st_make_tree: $ST_BASE/p/w<i> for each writer, and below $ST_BASE/t the
# cgroups of ST_START_TREE, one mkdir per level; register their ids.
ST_START_TREE="a b c a/d a/e c/f c/f/g"
st_make_tree() {
	local b=$LP_CGROOT/$ST_BASE i p sc depth dirs

	lp_cg_create "$ST_BASE" || return
	echo +memory > "$b/cgroup.subtree_control" || return
	dirs=("$b/t" "$b/p")
	for ((depth = 0; depth <= 3; depth++)); do
		if [ "$depth" = 1 ]; then
			for ((i = 0; i < ST_WRITERS; i++)); do
				dirs+=("$b/p/w$i")
			done
		fi
		for p in $ST_START_TREE; do
			i=${p//[!\/]/}
			[ "${#i}" = $((depth - 1)) ] && dirs+=("$b/t/$p")
		done
		for p in "${dirs[@]}"; do
			# Empty, without even a newline, when no controller
			# is on: read fails then.
			sc=
			read -r sc < "${p%/*}/cgroup.subtree_control"
			[[ " $sc " == *" memory "* ]] ||
				echo +memory > "${p%/*}/cgroup.subtree_control" || return
		done
		[ "${#dirs[@]}" = 0 ] || mkdir "${dirs[@]}" || return
		dirs=()
	done
	(cd "$LP_CGROOT" && find "$ST_BASE" -mindepth 2 -type d -exec stat -c '%n %i' {} +) \
		> "$ST_DIR/ids"
}

# stress_main [--seed N] [--seconds S] [--writers W]: everything above,
# without the DEBUG trap a bats test runs under (it runs before every
# command, and the driver reads /proc files line by line with builtins).
stress_main() {
	local rc debug

	debug=$(trap -p DEBUG)
	trap - DEBUG
	st_main "$@"
	rc=$?
	eval "$debug"
	return $rc
}

st_main() {
	local rc fifos

	ST_FAILED=0
	ST_FAILURES=()
	st_parse_args "$@" || return
	ST_T0=$SECONDS
	st_say "seed $ST_SEED (LRUPOOL_STRESS_SEED=$ST_SEED replays each worker's choices, not their interleaving)"
	ST_DIR=${ST_DIR:-$(lp_state_dir)}
	ST_NODES=$(lp_nr_nodes)
	ST_SERIAL=0
	lp_kernel_mark
	if lp_loaded; then
		rmmod lrupool || { st_fail "lrupool is loaded and rmmod failed"; return 1; }
	fi
	rm -f "$ST_DIR"/err.* "$ST_DIR/nap" "$ST_DIR/ids"
	fifos=("$ST_DIR/nap")
	for ((rc = 0; rc <= ST_WRITERS; rc++)); do
		fifos+=("$ST_DIR/err.$rc")
	done
	mkfifo "${fifos[@]}" || return 1
	exec {ST_NAP}<> "$ST_DIR/nap"

	ST_DYING_BEFORE=$(st_dying /)
	ST_NOT_WB_BEFORE=$(lp_pages_not_wb)
	ST_MEMFREE_BEFORE=$(st_memfree "$ST_DIR/meminfo.before")
	st_say "$ST_SECONDS s, $ST_WRITERS writers, $ST_NODES nodes, kernel $(uname -r);" \
		"before insmod: free $ST_MEMFREE_BEFORE kB, root nr_dying_descendants $ST_DYING_BEFORE ($(st_at))"
	lp_load pool_limit_pages=$ST_POOL_LIMIT || { st_fail "insmod failed"; return 1; }

	# The fixed part of the tree, and a first shape of the changing part,
	# in few forks; lp_cg_cleanup removes everything below $ST_BASE.
	if ! st_make_tree; then
		st_fail "cannot create the cgroups"
		return 1
	fi

	if st_run; then
		st_check_live
		st_remove_cgroups
		st_unload
	fi
	st_check_kernel_log
	exec {ST_NAP}>&-
	if [ "$ST_FAILED" -gt 0 ]; then
		st_say "$ST_FAILED check(s) failed with seed $ST_SEED: ${ST_FAILURES[*]}"
		return 1
	fi
	st_say "every check held (seed $ST_SEED, $(st_at))"
}

# Run as a script: records in a directory of its own, and the same clean-up
# as a bats test's teardown.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	ST_DIR=$(mktemp -d /tmp/lrupool-stress.XXXXXX) || exit 1
	bats_load_library() { :; }
	fail() {
		printf '%s\n' "$*" >&2
		return 1
	}
	# shellcheck source=test/lib/lrupool.bash
	. "$ST_LIB/lrupool.bash"
	# shellcheck source=test/lib/pages.bash
	. "$ST_LIB/pages.bash"
	lp_state_dir() { echo "$ST_DIR"; }
	trap 'lp_teardown; rm -rf "$ST_DIR"' EXIT
	stress_main "$@"
	exit
fi
