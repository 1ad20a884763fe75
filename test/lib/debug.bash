# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# bats sets $status and $output in run.
# shellcheck disable=SC2034,SC2154
#
# Helpers for the debug lane's tests (test/debug/), on top of lrupool.bash
# and pages.bash (load those first). They need what only the debug kernel
# has: fault injection (failslab, fail_page_alloc, /proc/<pid>/make-it-fail
# and fail-nth) and the kernel's shrinker debugfs (SHRINKER_DEBUG).
#
# Fault injection is aimed at one task, a child shell: with task-filter Y
# only tasks whose make-it-fail is 1 see injected failures, and fail-nth
# fails the nth allocation site a task reaches, whatever the probability.
# make-it-fail and fail-nth are per task and a fork copies them (fork.c
# does not reset them), so the child sets them on itself, through file
# descriptors opened before, for one command at a time: writing to an open
# /proc file allocates nothing, so switching injection on and off cannot
# itself be failed. The knobs are global: lp_fi_save records them, and
# lp_fi_restore (in teardown) puts them back.

export LP_FAILSLAB=$LP_DEBUGFS/failslab
export LP_FAIL_PAGE=$LP_DEBUGFS/fail_page_alloc
export LP_KSHRINKERS=$LP_DEBUGFS/shrinker
export LP_KMEMLEAK=$LP_DEBUGFS/kmemleak

ENOMEM='Cannot allocate memory'

# Every knob the tests set, as "<dir> <file>".
LP_FI_KNOBS=(
	"$LP_FAILSLAB probability" "$LP_FAILSLAB interval" "$LP_FAILSLAB times"
	"$LP_FAILSLAB space" "$LP_FAILSLAB verbose" "$LP_FAILSLAB task-filter"
	"$LP_FAILSLAB ignore-gfp-wait" "$LP_FAILSLAB cache-filter"
	"$LP_FAIL_PAGE probability" "$LP_FAIL_PAGE interval" "$LP_FAIL_PAGE times"
	"$LP_FAIL_PAGE space" "$LP_FAIL_PAGE verbose" "$LP_FAIL_PAGE task-filter"
	"$LP_FAIL_PAGE ignore-gfp-wait" "$LP_FAIL_PAGE ignore-gfp-highmem"
	"$LP_FAIL_PAGE min-order"
)

# lp_fi_have: this kernel has failslab, fail_page_alloc and the per-task
# files.
lp_fi_have() {
	local k

	[ -e /proc/self/make-it-fail ] && [ -e /proc/self/fail-nth ] || return
	for k in "${LP_FI_KNOBS[@]}"; do
		[ -e "${k% *}/${k#* }" ] || return
	done
}

lp_fi_saved() {
	echo "$(lp_state_dir)/lp-fi-saved"
}

# lp_fi_save: record every knob's value for lp_fi_restore.
lp_fi_save() {
	local k v

	[ ! -e "$(lp_fi_saved)" ] || return 0
	for k in "${LP_FI_KNOBS[@]}"; do
		v=$(cat "${k% *}/${k#* }") || return
		printf '%s %s\n' "$k" "$v"
	done > "$(lp_fi_saved)"
}

# lp_fi_off: no more injected failures for anyone (probability 0).
lp_fi_off() {
	local rc=0

	echo 0 > "$LP_FAILSLAB/probability" || rc=1
	echo 0 > "$LP_FAIL_PAGE/probability" || rc=1
	return $rc
}

# lp_fi_restore: put back what lp_fi_save recorded, probabilities last.
lp_fi_restore() {
	local saved dir file v rc=0

	saved=$(lp_fi_saved)
	[ -e "$saved" ] || return 0
	lp_fi_off || rc=1
	while read -r dir file v; do
		[ "$file" = probability ] && continue
		echo "$v" > "$dir/$file" || rc=1
	done < "$saved"
	while read -r dir file v; do
		[ "$file" = probability ] || continue
		echo "$v" > "$dir/$file" || rc=1
	done < "$saved"
	rm -f "$saved"
	return $rc
}

# lp_fi_setup: save the knobs, then aim failslab and fail_page_alloc at the
# tasks whose make-it-fail is 1, with probability 0 for now: every failure
# counts (times -1), silently (verbose 0: no message, no stack dump),
# sleeping allocations too (ignore-gfp-wait N), any order (min-order 0),
# every slab cache (cache-filter N). User pages (__GFP_HIGHMEM) are left
# alone (ignore-gfp-highmem Y): a failed user fault only retries, after a
# "VM_FAULT_OOM leaked out" message, and the commands allocate none.
lp_fi_setup() {
	local d

	lp_fi_save || return
	lp_fi_off || return
	for d in "$LP_FAILSLAB" "$LP_FAIL_PAGE"; do
		echo Y > "$d/task-filter" && echo 1 > "$d/interval" &&
			echo -1 > "$d/times" && echo 0 > "$d/space" &&
			echo 0 > "$d/verbose" && echo N > "$d/ignore-gfp-wait" ||
			return
	done
	echo N > "$LP_FAILSLAB/cache-filter" &&
		echo Y > "$LP_FAIL_PAGE/ignore-gfp-highmem" &&
		echo 0 > "$LP_FAIL_PAGE/min-order"
}

# lp_fi_probability <percent>: both attributes' probability.
lp_fi_probability() {
	echo "$1" > "$LP_FAILSLAB/probability" &&
		echo "$1" > "$LP_FAIL_PAGE/probability"
}

# ---------------------------------------------------------------------------
# Filling a cgroup's pool, in one shell (lp_write_as)

# lp_fill_as <cgroup> <name> <alloc options>...: buffers allocated, then
# all freed, by the cgroup, so that their pages sit in its pool; each
# argument after the cgroup is one alloc line. All are made before any is
# freed, so none is served by another's pages.
lp_fill_as() {
	local cg=$1 spec args=() frees=()

	shift
	for spec in "$@"; do
		args+=("$LP_PAGES/alloc" "$spec")
		frees+=("$LP_PAGES/free" "${spec%% *}")
	done
	lp_write_as "$cg" "${args[@]}" "${frees[@]}"
}

# ---------------------------------------------------------------------------
# Reading files without a fork (the fault loops read after every command)

# lp_slurp <var> <file>: the whole file into var.
lp_slurp() {
	IFS= read -r -d '' "$1" < "$2" || :
}

# ---------------------------------------------------------------------------
# kmemleak

lp_kmemleak_have() {
	[ -e "$LP_KMEMLEAK" ]
}

# lp_kmemleak_lrupool: scan, past kmemleak's minimum object age (5 s), and
# print every report whose backtrace names lrupool or the module (nothing
# if there is none). Run it with the module still loaded, so that its
# functions have names.
lp_kmemleak_lrupool() {
	sleep 6
	echo scan > "$LP_KMEMLEAK" || return
	awk '/^unreferenced object/ { if (hit) printf "%s", rep; rep = ""; hit = 0 }
		{ rep = rep $0 "\n" }
		/lrupool/ { hit = 1 }
		END { if (hit) printf "%s", rep }' "$LP_KMEMLEAK"
}

# ---------------------------------------------------------------------------
# The kernel's shrinker debugfs

lp_kshrinker_have() {
	[ -d "$LP_KSHRINKERS" ]
}

# lp_kshrinker_dir <objects|pages>: the kernel's debugfs directory of one of
# lrupool's two shrinkers, /sys/kernel/debug/shrinker/lrupool-<kind>-<id>.
lp_kshrinker_dir() {
	local d found=()

	for d in "$LP_KSHRINKERS/lrupool-$1"-*; do
		[ -d "$d" ] && found+=("$d")
	done
	[ ${#found[@]} -eq 1 ] ||
		{ echo "shrinker directories of lrupool-$1: ${found[*]:-none}" >&2; return 1; }
	echo "${found[0]}"
}
