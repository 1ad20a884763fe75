#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# bench: the benchmark module, lrupool_bench.ko (bench/pool/), and its
# trigger, /sys/kernel/debug/lrupool/bench. It comes and goes with the
# module, which holds lrupool.ko while it is loaded. Bad lines are refused
# with the errno bench/pool/lrupool_bench.c documents and store no result; a
# short run of each case prints its figures, runs for the writer's memcg on
# the bench's own pools (never lrupool's) and leaves them as it found them.
# (The figures themselves are not asserted: scripts/bench reports them.)

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

export LP_BENCH=$LP_ROOT/bench
export LP_BENCH_MODULE=/sys/module/lrupool_bench
export LP_BENCH_PARAMS=$LP_BENCH_MODULE/parameters

# bench_unload: rmmod the bench if it is loaded; lrupool cannot go before.
bench_unload() {
	if [ -d "$LP_BENCH_MODULE" ]; then
		rmmod lrupool_bench
	fi
}

setup() {
	bench_unload
	lp_setup
	insmod "$LRUPOOL_BENCH_KO" max_request_pages=1000
	lp_cg_create A
	# The bench runs on the writer's node: every write from CPU 0, node 0.
	export LP_CPU=0
}

teardown() {
	local rc=0

	bench_unload || rc=1
	lp_teardown || rc=1
	return $rc
}

# refuses <errno text> <line>...: each line, written by A, fails so. One
# shell moved into A writes them all: a shell per line is slow under TCG.
refuses() {
	refuses_as A "$@"
}

# refuses_as <cgroup> <errno text> <line>...: the same, written by cgroup.
refuses_as() {
	local cg=$1 err=$2 out

	shift 2
	printf '%s\n' "$@" > "$BATS_TEST_TMPDIR/lines"
	export LP_LINES=$BATS_TEST_TMPDIR/lines
	# shellcheck disable=SC2016 # expanded by the child shell
	out=$(lp_as "$cg" 'while IFS= read -r l; do
		if printf "%s\n" "$l" 2>&1 > "$LP_BENCH"; then
			echo "accepted: \"$l\""
		fi
	done < "$LP_LINES"' 2>&1)
	[ "$(grep -c "write error: $err" <<<"$out")" -eq $# ] ||
		fail "expected $# refusals with '$err', got:
$out"
}

# bench <line>: run it as A and print the figures.
bench() {
	bench_as A "$1"
}

# bench_as <cgroup> <line>: run it as that cgroup and print what it printed.
bench_as() {
	lp_write_as "$1" "$LP_BENCH" "$2" && cat "$LP_BENCH"
}

# bstat <cgroup> <key>: a value of the bench's stats line for that cgroup,
# asked from CPU 0 (the counts are node 0's) by the test's own shell.
bstat() {
	local out

	# shellcheck disable=SC2016 # expanded by the child shell
	out=$(taskset 1 bash -c 'printf "%s\n" "$2" > "$1" && cat "$1"' bstat \
		"$LP_BENCH" "stats cgroup=$(lp_cg_id "$1")") || return
	awk -v k="$2" '{ for (i = 2; i <= NF; i++) { split($i, kv, "=")
		if (kv[1] == k) { print kv[2]; f = 1 } } } END { exit !f }' <<<"$out" ||
		{ echo "no '$2' in: $out" >&2; return 1; }
}

# figure <start> <output>: the output has a line that starts so and ends
# with rounds, pages and three times in ns, a time was measured (the
# fastest round took more than 0 ns) and median lies between min and max.
figure() {
	local line

	line=$(grep -E "^$1 rounds=[0-9]+ pages=[0-9]+ median=[0-9]+\.[0-9]{3} min=[0-9]+\.[0-9]{3} max=[0-9]+\.[0-9]{3}\$" <<<"$2") ||
		fail "no '$1' figure in:
$2"
	awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); t[kv[1]] = kv[2] + 0 } }
		END { exit !(t["min"] > 0 && t["min"] <= t["median"] && t["median"] <= t["max"]) }' <<<"$line" ||
		fail "times out of order or zero: $line"
}

@test "bench: the trigger is 0600 and reads empty before a run" {
	assert_file_permission 600 "$LP_BENCH"
	run cat "$LP_BENCH"
	assert_success
	assert_output ''
}

@test "bench: the trigger comes and goes with lrupool_bench, which holds lrupool and checks its parameters" {
	local pages

	# Half of RAM by default, as TTM; lrupool's own parameter is apart.
	pages=$(($(lp_meminfo MemTotal) * 1024 / LP_PAGE_SIZE / 2))
	assert_equal "$(cat "$LP_BENCH_PARAMS/pool_limit_pages")" "$pages"
	assert_equal "$(cat "$LP_BENCH_PARAMS/fallback")" ancestors
	assert_equal "$(cat "$LP_BENCH_PARAMS/max_request_pages")" 1000
	lp_expect_error "$EINVAL" lp_write "$LP_BENCH_PARAMS/fallback" sideways
	lp_expect_error "$EINVAL" lp_write "$LP_BENCH_PARAMS/max_request_pages" 0
	lp_expect_error "$EINVAL" lp_write "$LP_BENCH_PARAMS/max_request_pages" $((pages * 2 + 2))
	lp_expect_error "$EINVAL" lp_write "$LP_BENCH_PARAMS/pool_limit_pages" -1
	lp_write "$LP_BENCH_PARAMS/fallback" none
	assert_equal "$(cat "$LP_BENCH_PARAMS/fallback")" none

	run rmmod lrupool
	assert_failure
	assert_dir_exists "$LP_MODULE"
	rmmod lrupool_bench
	assert_file_not_exists "$LP_BENCH"
	assert_file_exists "$LP_ROOT/README"
	run insmod "$LRUPOOL_BENCH_KO" fallback=sideways
	assert_failure
	assert_file_not_exists "$LP_BENCH"
	insmod "$LRUPOOL_BENCH_KO" pool_limit_pages=7 fallback=none
	assert_equal "$(cat "$LP_BENCH_PARAMS/pool_limit_pages")" 7
	assert_file_permission 600 "$LP_BENCH"
	lp_assert_clean_kernel
}

@test "bench: bad lines are refused with EINVAL, E2BIG, ENODATA and ENOENT and store nothing" {
	refuses "$EINVAL" '' ' ' bogus 'hit x' 'hit =1' 'hit iters=' 'hit iters=x' \
		'hit iters=0' 'hit rounds=0' 'hit rounds=64' 'hit order=10' \
		'hit order=4294967296' 'hit caching=xx' 'hit batch=513' \
		'hit pages=8' 'hit order=1 order=1' 'objhit caching=wc' \
		'baseline iters=2' 'free order=1 pages=3' 'free pages=18446744073709551616' \
		'fill' 'fill cgroup=x' 'shrink pages=0' 'levels batch=2' \
		'levels pages=8' 'levels iters=0' 'pool iters=2' \
		'pool order=1 pages=3' 'pool rounds=1' 'objadd' 'objadd objects=0' \
		'objadd pages=1' 'drop caching=wc' 'drop x' 'stats pages=1' \
		'stats cgroup=0'
	refuses "$E2BIG" 'baseline pages=1001' 'hit order=9 batch=2' \
		"fill cgroup=$(lp_cg_id A) objects=1001" 'pool pages=1001' \
		'objadd objects=1001'
	# Nothing is pooled for A (nor its ancestors), and with
	# pool_limit_pages 0 the shrink case has nothing to scan.
	refuses "$ENODATA" 'hit iters=4 rounds=1' 'objhit iters=4 rounds=1'
	lp_write "$LP_BENCH_PARAMS/pool_limit_pages" 0
	refuses "$ENODATA" 'shrink caching=wb pages=8 rounds=1'
	refuses "$ENOENT" 'fill cgroup=4294967295' 'stats cgroup=4294967295'
	run cat "$LP_BENCH"
	assert_output ''
	lp_assert_clean_kernel
}

@test "bench: a short run of every case prints its figures and leaves the pool as it was" {
	local out id levels

	out=$(bench 'baseline pages=8 rounds=1')
	figure 'baseline caching=wc order=0' "$out"
	out=$(bench 'free order=1 pages=8 rounds=3')
	figure 'free order=1' "$out"
	# Neither went through the bench's pool: nothing missed it or stayed.
	assert_equal "$(bstat A miss)" 0
	assert_equal "$(bstat A pooled)" 0

	run bench 'pool pages=16'
	assert_success
	assert_output 'pool caching=wc order=0 pages=16 given=16 released=0'
	out=$(bench 'hit iters=8 batch=2 rounds=1')
	figure 'hit caching=wc order=0 batch=2 local=16 ancestor=0' "$out"
	figure 'hit_take caching=wc order=0 batch=2 local=16 ancestor=0' "$out"
	figure 'hit_give caching=wc order=0 batch=2 local=16 ancestor=0' "$out"
	run bench 'objadd objects=4'
	assert_success
	assert_output 'objadd objects=4'
	out=$(bench 'objhit iters=4 rounds=2')
	figure 'objhit batch=1 local=8 ancestor=0' "$out"

	out=$(bench 'buffer pages=4 iters=2 rounds=1')
	figure 'buffer_alloc caching=wc order=0 hit=8 miss=0' "$out"
	figure 'buffer_free caching=wc order=0 given=8 released=0' "$out"
	out=$(bench 'shrink caching=uc pages=8 rounds=2')
	figure 'shrink caching=uc order=0 freed=16' "$out"
	# The 1-page allocation through the instance API and the core's bare
	# take+give of the same page, wc order 0.
	out=$(bench 'buffer caching=wc order=0 pages=1 iters=4 rounds=1')
	figure 'buffer_alloc caching=wc order=0 hit=4 miss=0' "$out"
	out=$(bench 'hit caching=wc order=0 batch=1 iters=4 rounds=1')
	figure 'hit caching=wc order=0 batch=1 local=4 ancestor=0' "$out"

	# drop: D's pages go through the shrinker's scan, its objects too.
	lp_cg_create D
	bench_as D 'pool caching=uc order=1 pages=8'
	bench_as D 'objadd objects=2'
	run bench_as D drop
	assert_success
	assert_output 'drop pages=8 objects=2'
	assert_equal "$(bstat D objects)" 0
	run bench_as D 'stats caching=uc order=1'
	assert_output --regexp "^stats cgroup=$(lp_cg_id D) caching=uc order=1 pages=0 objects=0 "

	# fill: the children of P get a page and an object each; c1, which
	# holds pages already, is skipped.
	lp_cg_create P
	lp_cg_create P/c1
	lp_cg_create P/c2
	bench_as P/c1 'pool pages=1'
	id=$(lp_cg_id P)
	run bench "fill cgroup=$id pages=1 objects=1"
	assert_success
	assert_output "fill cgroup=$id filled=1 skipped=1"
	assert_equal "$(bstat P/c2 pages)" 1
	assert_equal "$(bstat P/c2 objects)" 1
	assert_equal "$(bstat P/c1 pages)" 1
	assert_equal "$(bstat A objects_pooled)" 5

	# A keeps its 16 pages and 4 objects; no allocation is left.
	assert_equal "$(bstat A pages)" 16
	assert_equal "$(bstat A objects)" 4
	assert_equal "$(bstat A in_use)" 0
	assert_equal "$(bstat A pooled)" 18
	# lrupool's own pools were not used.
	lp_assert_pstat miss 0
	lp_assert_pstat pooled 0
	lp_assert_stat entries 0

	# A child of A finds A's pages through the ancestor lookup, and not
	# without it; they go back to A's list. (A, a parent now, can hold no
	# task: cgroup v2 keeps tasks out of inner cgroups with controllers.)
	lp_cg_create A/c
	run lp_write_as A/c "$LP_BENCH" 'hit iters=4 rounds=2'
	assert_success
	figure 'hit caching=wc order=0 batch=1 local=0 ancestor=8' "$(cat "$LP_BENCH")"
	# levels: the lookup's checks alone, A/c's own list then A's, which
	# has entries; a pool A has nothing in goes on up to the root.
	run lp_write_as A/c "$LP_BENCH" 'levels iters=4 rounds=2'
	assert_success
	figure 'levels caching=wc order=0 levels=2 found=8' "$(cat "$LP_BENCH")"
	run lp_write_as A/c "$LP_BENCH" 'levels caching=uc iters=4 rounds=2'
	assert_success
	# One check per cgroup from A/c up to the root: a "/" each, and one.
	levels=$(lp_cg_dir A/c)
	levels=${levels#"$LP_CGROOT"}
	levels=${levels//[^\/]/}
	figure "levels caching=uc order=0 levels=$((${#levels} + 1)) found=0" \
		"$(cat "$LP_BENCH")"
	lp_write "$LP_BENCH_PARAMS/fallback" none
	refuses_as A/c "$ENODATA" 'hit iters=4 rounds=2'
	run lp_write_as A/c "$LP_BENCH" 'levels iters=4 rounds=2'
	assert_success
	figure 'levels caching=wc order=0 levels=1 found=0' "$(cat "$LP_BENCH")"
	lp_write "$LP_BENCH_PARAMS/fallback" ancestors
	# levels takes nothing, so max_request_pages does not bound it.
	lp_write "$LP_BENCH_PARAMS/max_request_pages" 1
	run lp_write_as A/c "$LP_BENCH" 'levels order=9 iters=4 rounds=1'
	assert_success
	lp_write "$LP_BENCH_PARAMS/max_request_pages" 1000
	assert_equal "$(bstat A pages)" 16
	lp_assert_clean_kernel
}
