#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# pages: bad input on every writable file (alloc, free, scan). Each is
# refused with the contract's errno, changes nothing, leaves no warning in
# the kernel log and no taint. While the bad commands run the pool holds
# pages of A and of the root on both nodes and each owns a live buffer, so
# that any command that acted anyway shows in count, buffers or stats.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

# 2^64 - 1, 2^64 and far beyond: counts that do not fit 64 bits must not
# wrap to small ones. 2^32 + 1 must not be truncated to 1.
HUGE=(18446744073709551615 18446744073709551616 99999999999999999999999 4294967297)

# 32 characters: the longest name, with every kind of character allowed.
NAME32=abcdefghijklmnopqrstuvwxyz0189_.
NAME33=${NAME32}-

setup() {
	lp_setup
	lp_cg_create A
	idA=$(lp_cg_id A)
	lp_palloc A keepA 64 caching=wc order=0 nid=0
	lp_palloc A tmp 512 caching=uc nid=1
	lp_pfree A tmp
	lp_palloc / keepR 16 caching=wb order=2 nid=1
	lp_palloc / tmpR 32 caching=wc order=0 nid=0
	lp_pfree / tmpR
	max_order=$(lp_pstat max_order)
	nr_nodes=$(lp_nr_nodes)
	before=$(lp_psnapshot)
}

teardown() {
	lp_teardown
}

# refuses <errno text> <file> <line>...: each line, written by A, fails
# with that errno.
refuses() {
	local err=$1 file=$2 line

	shift 2
	for line in "$@"; do
		lp_expect_error "$err" lp_write_as A "$LP_PAGES/$file" "$line"
	done
}

# write_once <cgroup> <file> <printf format>: write those bytes to
# pages/<file> in one write(2), from a shell moved into the cgroup. (bash
# flushes its own output at each newline: a line with a newline inside
# would go as two writes.)
write_once() {
	# shellcheck disable=SC2059 # the format is the point
	printf "$3" > "$BATS_TEST_TMPDIR/bytes"
	lp_as "$1" "dd if='$BATS_TEST_TMPDIR/bytes' of='$LP_PAGES/$2' bs=4096 2>&1"
}

assert_nothing_changed() {
	lp_assert_psnapshot "$before"
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: alloc refuses malformed lines, zero counts, bad options and out-of-range values with EINVAL" {
	refuses "$EINVAL" alloc '' ' ' x 'x 0' 'x 00' 'x abc' 'x 5x' 'x x5' \
		'x -1' 'x -5' 'x 5.0' 'x 5,0' 'x 0x10' 'x +-5' \
		'x 5 wc' 'x 5 caching' 'x 5 caching=' 'x 5 =wc' 'x 5 =' \
		'x 5 caching=foo' 'x 5 caching=WC' 'x 5 caching=wcx' \
		'x 5 caching=w' 'x 5 caching=wc=uc' 'x 5 caching=wc,uc' \
		'x 5 order=' "x 5 order=$((max_order + 1))" 'x 5 order=99' \
		'x 5 order=-1' 'x 5 order=x' 'x 5 order=1x' \
		'x 5 order=4294967296' 'x 5 order=4294967305' \
		'x 5 order=99999999999999999999' \
		'x 5 nid=' "x 5 nid=$nr_nodes" 'x 5 nid=99' 'x 5 nid=-1' \
		'x 5 nid=a' 'x 5 nid=0x0' 'x 5 nid=4294967296' \
		'x 5 nid=99999999999999999999' \
		'x 5 foo=1' 'x 5 CACHING=wc' 'x 5 Order=0' 'x 5 nid0' \
		'x 5 caching=wc caching=wc' 'x 5 caching=wc caching=uc' \
		'x 5 order=0 order=0' 'x 5 nid=0 nid=1' \
		'x 5 caching=wc order=0 nid=0 foo=1' \
		'x 5 caching=wc order=0 nid=0 nid=0' \
		'x 5 caching=wc order=0 nid=0 5' 'x 5 5' 'x 5 x 5'
	run lp_pbuffer x
	assert_output ''
	assert_nothing_changed
}

@test "pages: alloc refuses bad buffer names with EINVAL; 32 characters of [A-Za-z0-9_.-] work" {
	local name

	# shellcheck disable=SC2016 # '$x' is a name, not an expansion
	for name in "$NAME33" "$NAME32$NAME32" 'a/b' 'a:b' 'a*' 'a+b' 'a@b' \
		'~x' 'a,b' 'a=b' 'a;b' '$x' "a'b" 'a"b' '(x)' 'a\b' 'é' \
		$'a\tb' $'a\rb' $'a\x01b' $'\x7f' $'\xff'; do
		lp_expect_error "$EINVAL" lp_palloc A "$name" 5 order=0 nid=0
	done
	assert_nothing_changed

	# uc: the root's pool has wc pages of order 0 to lend.
	for name in "$NAME32" ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.012 a . - _ 9; do
		lp_palloc A "$name" 1 caching=uc order=0 nid=0
		assert_equal "$(lp_pbuffer "$name")" "$name $idA 1 uc 0"
		lp_pfree A "$name"
		run lp_pbuffer "$name"
		assert_output ''
	done
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: alloc refuses counts above max_request_pages with E2BIG" {
	local nr

	for nr in 262145 "${HUGE[@]}"; do
		lp_expect_error "$E2BIG" lp_palloc A x "$nr"
		lp_expect_error "$E2BIG" lp_palloc A x "$nr" caching=uc order=0 nid=0
	done
	assert_nothing_changed

	# A lowered max_request_pages applies to the next command.
	lp_write "$LP_PARAMS/max_request_pages" 10
	lp_expect_error "$E2BIG" lp_palloc A x 11 order=0 nid=0
	lp_expect_error "$E2BIG" lp_pscan "$idA" 1 11
	assert_nothing_changed
	lp_palloc A x 10 order=0 nid=0
	assert_equal "$(lp_pbuffer_field x nr_pages)" 10
	lp_pfree A x
	lp_assert_pages_consistent
}

@test "pages: alloc of a name in use fails with EEXIST, whichever cgroup owns it" {
	lp_cg_create B
	lp_expect_error "$EEXIST" lp_palloc A keepA 1 order=0 nid=0
	lp_expect_error "$EEXIST" lp_palloc A keepA 64 caching=wc order=0 nid=0
	lp_expect_error "$EEXIST" lp_palloc A keepR 16 caching=wb order=2 nid=1
	lp_expect_error "$EEXIST" lp_palloc B keepA 512 caching=uc nid=1
	lp_expect_error "$EEXIST" lp_palloc B keepR 1 order=0 nid=0
	lp_expect_error "$EEXIST" lp_palloc / keepA 1 order=0 nid=0
	assert_nothing_changed

	# Freed, the name is anyone's again.
	lp_pfree A keepA
	lp_palloc B keepA 1 order=0 nid=0
	assert_equal "$(lp_pbuffer_field keepA owner)" "$(lp_cg_id B)"
	lp_pfree B keepA
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: free refuses malformed lines with EINVAL and unknown buffers with ENOENT" {
	lp_palloc A gone 1 order=0 nid=0
	lp_pfree A gone
	lp_expect_error "$ENOENT" lp_pfree A gone
	before=$(lp_psnapshot)

	refuses "$EINVAL" free '' ' ' 'keepA keepA' 'keepA 1' 'keepA x' \
		'nosuch x' "$NAME33" 'a/b' 'a:b' 'keep*' 'é' $'keepA\t' \
		$'keepA\r' $'\x01'
	refuses "$ENOENT" free nosuch "$NAME32" keepa KEEPA keepA. keep \
		keepAkeepA tmp tmpR
	assert_equal "$(lp_pbuffer_field keepA nr_pages)" 64
	assert_equal "$(lp_pbuffer_field keepR nr_pages)" 16
	assert_nothing_changed
}

@test "pages: scan refuses malformed lines, zero counts and bad nids with EINVAL" {
	refuses "$EINVAL" scan '' ' ' abc 1 '1 0' "$idA 0" "$idA 0 5 1" \
		"x 0 5" "$idA x 5" "$idA 0 x" "$idA $nr_nodes 5" "$idA 99 5" \
		"$idA -1 5" "$idA 4294967296 5" "$idA 0 0" "$idA 0 -5" \
		"-1 0 5" "$idA 0 5x" "$idA,1,5" "$idA 1 5.0" "$idA 1 0x5" \
		"${HUGE[2]} 1 5" "$idA nid=1 5"
	assert_nothing_changed
}

@test "pages: scan refuses nr_to_scan above max_request_pages with E2BIG" {
	local nr

	for nr in 262145 "${HUGE[@]}"; do
		lp_expect_error "$E2BIG" lp_pscan "$idA" 1 "$nr"
		lp_expect_error "$E2BIG" lp_pscan 1 0 "$nr"
	done
	assert_nothing_changed
}

@test "pages: scan of an unknown, removed or memory-less cgroup-id fails with ENOENT" {
	local idR k

	lp_expect_error "$ENOENT" lp_pscan 999999999 1 5
	lp_expect_error "$ENOENT" lp_pscan 0 1 5
	# A cgroup's file is not a cgroup.
	lp_expect_error "$ENOENT" lp_pscan "$(stat -c %i "$(lp_cg_dir A)/cgroup.procs")" 1 5
	lp_cg_create R
	idR=$(lp_cg_id R)
	rmdir "$(lp_cg_dir R)"
	lp_expect_error "$ENOENT" lp_pscan "$idR" 1 5
	# N does not enable memory for its children: K has no memcg of its own.
	lp_cg_create N
	k=$(lp_cg_dir N)/K
	mkdir "$k"
	echo "$k" >> "$(lp_state_dir)/lp-cgroups"
	run grep -qw memory "$k/cgroup.controllers"
	assert_failure
	lp_expect_error "$ENOENT" lp_pscan "$(stat -c %i "$k")" 1 5
	assert_nothing_changed
}

@test "pages: oversize lines, embedded newlines and NULs and binary are refused with EINVAL" {
	local pad fmt

	pad=$(printf '%200s' '')
	refuses "$EINVAL" alloc "x 5 order=0 nid=0$pad" "$pad x 5" \
		"$(printf 'a%.0s' {1..5000}) 5" $'\x01\x02\x03' $'\xff\xfe 5' \
		$'x 5\r' $'x\t5' $'x 5\tnid=0'
	refuses "$EINVAL" free "keepA$pad" "$pad keepA" $'\xffkeepA'
	refuses "$EINVAL" scan "$idA 1 5$pad" "$pad $idA 1 5" "$idA"$'\t1 5' \
		$'\x01 1 5'
	# Each of these, written at once, would be a good command or two
	# without its newline or NUL.
	for fmt in 'x 5 order=0 nid=0\ny 5 order=0 nid=0\n' 'x 5 nid=1\n\n' \
		'\nx 5 nid=1\n' 'x\0 5 order=0 nid=0\n' 'x 5 nid=1\0\n' \
		'x 5 nid=1\0'; do
		lp_expect_error "$EINVAL" write_once A alloc "$fmt"
	done
	for fmt in 'keepA\nkeepR\n' 'keepA\n\n' '\nkeepA\n' 'keepA\0\n' \
		'keep\0A\n'; do
		lp_expect_error "$EINVAL" write_once A free "$fmt"
	done
	for fmt in "$idA 1 5\\n1 0 5\\n" "$idA 1 5\\n\\n" "\\n$idA 1 5\\n" \
		"$idA 1 5\\0\\n" "$idA\\0 1 5\\n"; do
		lp_expect_error "$EINVAL" write_once A scan "$fmt"
	done
	assert_nothing_changed

	# The longest line taken is 127 bytes with its newline.
	lp_write_as A "$LP_PAGES/alloc" "$(printf '%-126s' 'l127 1 order=0 nid=0')"
	lp_expect_error "$EINVAL" lp_write_as A "$LP_PAGES/alloc" \
		"$(printf '%-127s' 'l128 1 order=0 nid=0')"
	assert_equal "$(lp_pbuffer_field l127 nr_pages)" 1
	run lp_pbuffer l128
	assert_output ''
	lp_pfree A l127
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: writes at an offset other than 0 change nothing" {
	local file line

	for file in alloc free scan; do
		case $file in
		alloc) line='off 512 caching=uc nid=1' ;;
		free) line=keepA ;;
		scan) line="$idA 1 1000" ;;
		esac
		printf '%s\n' "$line" > "$BATS_TEST_TMPDIR/line"
		# Refused by lseek (ESPIPE) or by the write (EINVAL): either way
		# the command must not run.
		run dd if="$BATS_TEST_TMPDIR/line" of="$LP_PAGES/$file" bs=64 \
			seek=3 oflag=seek_bytes conv=notrunc
		assert_failure
	done
	assert_nothing_changed
}
