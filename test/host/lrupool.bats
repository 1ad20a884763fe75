#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# tools/lrupool on the host: a scenario recorded in a guest (the first
# kernel of $KERNELS, default 6.1; about a minute under TCG) is plotted
# here, and plot's bad input. The guest side of the command is tested in
# every guest by test/tool.bats.

bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	local kernels=${KERNELS:-6.1}

	export LPC=$BATS_TEST_DIRNAME/../../tools/lrupool
	export VMTEST=$BATS_TEST_DIRNAME/../../scripts/vmtest.sh
	export SCENARIO=$BATS_TEST_DIRNAME/../fixtures/lrupool-record/scenario.sh
	export KERNEL=${kernels%% *}
}

# series <dat> <index> <column>: one column of a data block of plot's
# data file, one value a line.
series() {
	awk -v want="$2" -v col="$3" '
		/^$/ { blank++; next }
		blank >= 2 { block++; blank = 0 }
		{ blank = 0 }
		/^#/ { next }
		block == want { print $col }' "$1"
}

max_of() { sort -n | tail -n 1; }

# in_order <value>...: the values on stdin take each of the given values,
# in this order (with others before, between and after: a sample may catch
# a command half way).
in_order() {
	awk -v want="$*" 'BEGIN { n = split(want, w, " "); i = 1 }
		i <= n && $1 == w[i] { i++ }
		END { exit i <= n }'
}

@test "lrupool: a scenario recorded in a guest is plotted as a PNG and an SVG, from the expected series" {
	local out=$BATS_TEST_TMPDIR dat

	run "$VMTEST" -k "$KERNEL" --script "$SCENARIO"
	printf '%s\n' "$output" >"$out/guest.log"
	assert_success
	assert_line 'step: drop_caches'
	assert_line '# lrupool record 1'

	# plot finds the recording inside the guest's whole output.
	run "$LPC" plot "$out/guest.log" "$out/run.png"
	assert_success
	assert_output "$out/run.png"
	[ -s "$out/run.png" ] || fail "no PNG"
	assert_equal "$(od -An -tx1 -N8 "$out/run.png" | tr -d ' \n')" 89504e470d0a1a0a
	[ "$(stat -c %s "$out/run.png")" -gt 10000 ] || fail "a PNG of $(stat -c %s "$out/run.png") bytes"
	dat=$out/run.dat
	[ -s "$dat" ] || fail "no data file"
	[ -s "$out/run.gp" ] || fail "no gnuplot script"

	# The timeline: t pooled in_use borrowed objects hits misses
	# shrink_freed obj_shrink_freed.
	assert_equal "$(head -n 1 "$dat")" \
		"# timeline: t pooled in_use borrowed objects hits misses shrink_freed obj_shrink_freed"
	[ "$(series "$dat" 0 1 | wc -l)" -ge 15 ] || fail "too few samples:
$(cat "$dat")"
	assert_equal "$(series "$dat" 0 2 | max_of)" 1536
	assert_equal "$(series "$dat" 0 3 | max_of)" 1536
	assert_equal "$(series "$dat" 0 4 | max_of)" 1024
	assert_equal "$(series "$dat" 0 5 | max_of)" 500
	assert_equal "$(series "$dat" 0 6 | tail -n 1)" 1024
	assert_equal "$(series "$dat" 0 7 | tail -n 1)" 1536
	assert_equal "$(series "$dat" 0 8 | tail -n 1)" 1536
	assert_equal "$(series "$dat" 0 9 | tail -n 1)" 500
	# It ends empty, and the samples are in time order.
	assert_equal "$(series "$dat" 0 2 | tail -n 1) $(series "$dat" 0 3 | tail -n 1)" "0 0"
	series "$dat" 0 1 | sort -n -c || fail "samples out of order"
	# The steps, in order: pooled 1024 (A freed), then none with 1536 in
	# use, then 1536 pooled (B freed), 1024 (B scanned), none (dropped).
	series "$dat" 0 2 | in_order 0 1024 0 1536 1024 0 ||
		fail "pooled: $(series "$dat" 0 2 | uniq | tr '\n' ' ')"
	series "$dat" 0 3 | in_order 0 1024 0 1536 0 ||
		fail "in use: $(series "$dat" 0 3 | uniq | tr '\n' ' ')"

	# The tree: row label wb wc uc buffers borrowed objects, peaks. A
	# sample may have caught A's lists after its rmdir, before the kernel
	# moved them to T: a "(removed)" row then, and no more than one.
	run awk '/^# tree:/ { t = 1; next } t && /^$/ { exit } t { sub(/^[0-9]+ /, ""); print }' "$dat"
	assert_equal "$(grep -v '^"(removed) [0-9]*"' <<<"$output")" '"/" 0 0 0 0 0 0
"   T" 0 1024 0 0 0 500
"      A" 0 1024 0 1024 0 500
"      B" 0 512 0 1536 1024 0'
	[ "$(grep -c '^"(removed) ' <<<"$output")" -le 1 ] || fail "removed rows: $output"
	run awk '/^# marks:/ { t = 1; next } t { sub(/^[0-9.]+ /, ""); print }' "$dat"
	assert_output '"A allocates"
"A frees"
"A removed"
"B borrows"
"B frees"
"scan of B"
"drop_caches"'

	run "$LPC" plot "$out/guest.log" "$out/run.svg"
	assert_success
	assert_equal "$(head -n 1 "$out/run.svg")" '<?xml version="1.0" encoding="utf-8"  standalone="no"?>'
	grep -q '^<svg' "$out/run.svg" || fail "no <svg> element"
	assert_equal "$(grep -v '^$' "$out/run.svg" | tail -n 1)" '</svg>'
	grep -q 'shrinker freed' "$out/run.svg" || fail "no shrinker series in the SVG"
}

@test "lrupool: plot's bad input is one line and a non-zero status" {
	local d=$BATS_TEST_TMPDIR

	run "$LPC" plot "$d/missing.rec" "$d/out.png"
	assert_failure 1
	assert_output "lrupool: cannot read $d/missing.rec"
	printf 'no recording here\n' >"$d/empty.log"
	run "$LPC" plot "$d/empty.log" "$d/out.png"
	assert_failure 1
	assert_output "lrupool: $d/empty.log holds no recording (lrupool record writes one)"
	[ ! -e "$d/out.png" ] || fail "a picture of nothing"
	run "$LPC" plot "$d/empty.log" "$d/out.jpg"
	assert_failure 2
	assert_output --partial "plot: OUT must end in .png or .svg"
	run "$LPC" plot "$d/empty.log"
	assert_failure 2
	assert_equal "${#lines[@]}" 1
	run "$LPC" nosuchcommand
	assert_failure 2
	assert_equal "${#lines[@]}" 1
}

@test "lrupool: --help lists every command" {
	run "$LPC" --help
	assert_success
	for c in status top record mark plot scan buffers; do
		assert_line --regexp "^  lrupool $c( |$)"
	done
}
