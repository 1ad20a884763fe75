#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# pages: how reclaim reaches the page pool: a cgroup at its memory.max,
# memory.reclaim on one cgroup and on a parent, drop_caches, and the scan
# file's order (wb, then uc, then wc; high orders first). The isolation
# oracle is the one of the kernel's zswap selftest: reclaim driven in one
# cgroup must not free what a sibling owns.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

setup() {
	lp_setup
	# What per-CPU charge batching may hold back from memory.current:
	# 64 pages per CPU, and a page more.
	slack=$((65 * LP_PAGE_SIZE * $(nproc)))
}

teardown() {
	lp_teardown
}

pages() {
	echo $(($1 * LP_PAGE_SIZE))
}

# assert_plines <cgroup-id> <lines>: that memcg's count lines, without the
# id, are exactly these ("" for none).
assert_plines() {
	local now

	now=$(lp_pcount_lines "$1")
	[ "$now" = "$2" ] || fail "count for cgroup-id $1: expected
${2:-(no line)}
got
${now:-(no line)}
count:
$(cat "$LP_PAGES/count")"
}

# mem_at_most <cgroup> <bytes>
mem_at_most() {
	[ "$(lp_mem_current "$1")" -le "$2" ]
}

assert_mem_at_most() {
	lp_wait_until 30 mem_at_most "$1" "$2" ||
		fail "memory.current of $1 stays at $(lp_mem_current "$1"), above $2"
}

# memevent <cgroup> <key>: a counter from memory.events.
memevent() {
	awk -v k="$2" '$1 == k { print $2; f = 1 } END { exit !f }' \
		"$(lp_cg_dir "$1")/memory.events"
}

assert_no_oom_kill() {
	local cg

	for cg in "$@"; do
		[ "$(memevent "$cg" oom_kill)" = 0 ] ||
			fail "memory.events of $cg: $(cat "$(lp_cg_dir "$cg")/memory.events")"
	done
	lp_assert_no_splat
}

# reclaim_until_empty <cgroup> <cgroup-id>...: write to the cgroup's
# memory.reclaim until count has no line for any of the ids, or the
# deadline passes. memory.reclaim may answer EAGAIN (what a shrinker frees
# is not credited to it), so the writes' status does not matter.
reclaim_until_empty() {
	local cg=$1 end=$((SECONDS + 60)) id left

	shift
	while :; do
		left=
		for id in "$@"; do
			[ -z "$(lp_pcount_lines "$id")" ] || left=1
		done
		[ -n "$left" ] || return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		echo 64M 2>/dev/null > "$(lp_cg_dir "$cg")/memory.reclaim" || :
	done
}

# fill <cgroup> <name> <alloc options...>: a buffer allocated and freed by
# the cgroup, so that its pages sit in the pool.
fill() {
	local cg=$1 name=$2

	shift 2
	lp_palloc "$cg" "$name" "$@" && lp_pfree "$cg" "$name"
}

@test "pages: at memory.max a cgroup reuses its pool, and reclaim frees another caching's pool for a fresh alloc" {
	local idM idS miss changes max=$((16 << 20))

	lp_cg_create S
	idS=$(lp_cg_id S)
	fill S s 512 caching=wc nid=0
	lp_cg_create M
	idM=$(lp_cg_id M)
	echo "$max" > "$(lp_cg_dir M)/memory.max"

	# 8 of M's 16 MiB as wc pages in M's pool.
	fill M w 2048 caching=wc order=9 nid=0
	assert_plines "$idM" "wc 9 2048 0"
	miss=$(lp_pstat miss)
	changes=$(lp_pstat caching_changes)

	# The same request again is served from the pool: no fresh page, no
	# caching change.
	lp_palloc M w 2048 caching=wc order=9 nid=0
	lp_assert_pstat hit_local 2048
	lp_assert_pstat miss "$miss"
	lp_assert_pstat caching_changes "$changes"
	lp_pfree M w
	assert_plines "$idM" "wc 9 2048 0"

	# 15 MiB of uc pages next to 8 MiB of pooled wc ones exceed
	# memory.max: the charge reclaims M's wc pool, all of it (a 512-page
	# chunk left would not fit with 3840 uc pages), and succeeds.
	lp_palloc M u 3840 caching=uc order=9 nid=0
	lp_assert_pstat shrink_freed 2048
	lp_assert_pstat miss $((miss + 3840))
	lp_assert_pstat caching_changes $((changes + 3840 + 2048))
	assert_equal "$(lp_pcount "$idM" wc)" 0
	assert_equal "$(lp_pbuffer_field u nr_pages)" 3840
	assert_plines "$idS" "wc 9 512 0"

	lp_pfree M u
	assert_equal "$(lp_pcount "$idM" uc)" 3840
	lp_assert_pages_consistent
	assert_no_oom_kill M
	lp_assert_clean_kernel
}

@test "pages: past memory.max alloc fails with ENOMEM, leaves nothing behind, and the cgroup can still allocate up to its limit" {
	local idM idS before cur max=$((16 << 20))

	lp_cg_create S
	idS=$(lp_cg_id S)
	fill S s 512 caching=uc nid=0
	lp_cg_create M
	idM=$(lp_cg_id M)
	echo "$max" > "$(lp_cg_dir M)/memory.max"
	assert_mem_at_most M "$slack"

	# 8 MiB of uc pages in M's pool, and nothing else there.
	fill M p 2048 caching=uc order=9 nid=0
	assert_plines "$idM" "uc 9 2048 0"
	before=$(lp_psnapshot)
	cur=$(lp_mem_current M)

	# 32 MiB: the alloc takes the pooled 8 MiB, charges fresh pages up to
	# the limit, and then must give everything back: the pooled pages to
	# the pool, the fresh ones to the system.
	lp_expect_error "$ENOMEM" lp_palloc M big 8192 caching=uc order=9 nid=0
	lp_assert_psnapshot "$before"
	run lp_pbuffer big
	assert_output ''
	assert_mem_at_most M $((cur + slack))
	assert_no_oom_kill M

	# Up to the limit still works, from the pool first.
	lp_palloc M fit 3584 caching=uc order=9 nid=0
	lp_assert_pstat hit_local 2048
	lp_assert_pstat miss $((512 + 2048 + 1536))
	assert_equal "$(lp_pbuffer_field fit nr_pages)" 3584
	lp_pfree M fit
	assert_plines "$idM" "uc 9 3584 0"

	# With its pool dropped, M is back to what it was before any alloc.
	lp_pscan "$idM" 0 262144
	assert_plines "$idM" ""
	assert_plines "$idS" "uc 9 512 0"
	assert_mem_at_most M "$slack"
	lp_assert_pages_consistent
	assert_no_oom_kill M
	lp_assert_clean_kernel
}

@test "pages: memory.reclaim on X empties X's lists, not sibling Y's nor the root's" {
	local idX idY x_y x_root curX

	lp_cg_create X
	lp_cg_create Y
	idX=$(lp_cg_id X)
	idY=$(lp_cg_id Y)
	lp_palloc X a 1024 caching=wc nid=0
	lp_palloc X b 64 caching=uc order=0 nid=1
	lp_palloc X c 512 caching=wb nid=0
	lp_palloc X live 512 caching=wc nid=0
	lp_pfree X a
	lp_pfree X b
	lp_pfree X c
	fill Y a2 1024 caching=wc nid=0
	fill Y b2 32 caching=wb order=0 nid=1
	fill / r 512 caching=uc nid=1
	assert_plines "$idX" "wb 9 512 0
wc 9 1024 0
uc 0 0 64"
	x_y=$(lp_pcount_lines "$idY")
	x_root=$(lp_pcount_lines 1)
	curX=$(lp_mem_current X)

	reclaim_until_empty X "$idX" ||
		fail "memory.reclaim on X left: $(cat "$LP_PAGES/count")"

	assert_plines "$idY" "$x_y"
	assert_plines 1 "$x_root"
	lp_assert_pstat shrink_freed 1600
	lp_assert_pstat pooled $((1056 + 512))
	lp_assert_pstat in_use 512
	assert_equal "$(lp_pbuffer_field live nr_pages)" 512
	# X's charge went down with its pool; its live buffer stays charged.
	assert_mem_at_most X $((curX - $(pages 1600) + slack))
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: memory.reclaim on a parent reaches its children's and grandchildren's pools only" {
	local idP idC1 idC2 idG idQ q root curP

	# P's own pool first: a cgroup with children can hold no process.
	lp_cg_create P
	fill P p 512 caching=wc nid=0
	lp_cg_create P/C1
	fill P/C1 c1 512 caching=uc nid=1
	fill P/C1 c1b 64 caching=wb order=0 nid=0
	lp_cg_create P/C2
	fill P/C2 c2 32 caching=wb order=0 nid=1
	lp_cg_create P/C2/G
	fill P/C2/G g 512 caching=uc nid=0
	lp_cg_create Q
	fill Q q 512 caching=uc nid=0
	fill / r 64 caching=wc order=0 nid=1
	idP=$(lp_cg_id P)
	idC1=$(lp_cg_id P/C1)
	idC2=$(lp_cg_id P/C2)
	idG=$(lp_cg_id P/C2/G)
	idQ=$(lp_cg_id Q)
	assert_plines "$idG" "uc 9 512 0"
	lp_assert_pstat pooled $((1632 + 512 + 64))
	q=$(lp_pcount_lines "$idQ")
	root=$(lp_pcount_lines 1)
	curP=$(lp_mem_current P)

	reclaim_until_empty P "$idP" "$idC1" "$idC2" "$idG" ||
		fail "memory.reclaim on P left: $(cat "$LP_PAGES/count")"

	assert_plines "$idQ" "$q"
	assert_plines 1 "$root"
	lp_assert_pstat shrink_freed 1632
	lp_assert_pstat pooled $((512 + 64))
	assert_mem_at_most P $((curP - $(pages 1632) + slack))
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: drop_caches empties the whole pool, restores write-back, and spares buffers" {
	local base pooled changes

	base=$(lp_pages_not_wb)
	lp_cg_create A
	fill A a 512 caching=wc nid=0
	lp_cg_create A/B
	fill A/B b 512 caching=uc nid=1
	fill A/B b2 64 caching=wb order=0 nid=0
	lp_cg_create C
	fill C c 256 caching=wc order=4 nid=1
	lp_palloc C keep 512 caching=uc nid=0
	fill / r 512 caching=wb nid=1
	pooled=$((512 + 512 + 64 + 256 + 512))
	lp_assert_pstat pooled "$pooled"
	lp_assert_pages_consistent
	# The kernel sees the wc and uc pages, pooled or in a buffer, as not
	# write-back (this also checks that the helper works on this kernel).
	assert_equal "$(lp_pages_not_wb)" $((base + 512 + 512 + 256 + 512))
	changes=$(lp_pstat caching_changes)

	echo 2 > /proc/sys/vm/drop_caches

	run cat "$LP_PAGES/count"
	assert_output ''
	lp_assert_pstat pooled 0
	lp_assert_pstat shrink_freed "$pooled"
	lp_assert_pstat in_use 512
	assert_equal "$(lp_pbuffer_field keep nr_pages)" 512
	lp_assert_pages_consistent
	# Every pooled wc and uc page was switched back to write-back before
	# it was freed (the page allocator clears the memtype flags of a freed
	# page, so caching_changes is what shows it), and only the live uc
	# buffer is left not write-back.
	lp_assert_pstat caching_changes $((changes + 512 + 512 + 256))
	assert_equal "$(lp_pages_not_wb)" $((base + 512))
	lp_pfree C keep
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}

@test "pages: scan frees wb, then uc, then wc, high orders first, from the named memcg and node only" {
	local idA idB b root freed=0 step nr n lines

	lp_cg_create A
	lp_cg_create B
	idA=$(lp_cg_id A)
	idB=$(lp_cg_id B)
	# Every buffer is allocated before any is freed, so that none is
	# served from the pool.
	lp_palloc A a1 512 caching=wb order=9 nid=0
	lp_palloc A a2 16 caching=wb order=0 nid=0
	lp_palloc A a3 512 caching=uc order=9 nid=0
	lp_palloc A a4 8 caching=uc order=0 nid=0
	lp_palloc A a5 512 caching=wc order=9 nid=0
	lp_palloc A a6 16 caching=wc order=0 nid=0
	lp_palloc A a7 16 caching=wb order=0 nid=1
	for b in a1 a2 a3 a4 a5 a6 a7; do
		lp_pfree A "$b"
	done
	fill B b1 512 caching=wb order=9 nid=0
	fill / r1 8 caching=uc order=0 nid=0
	assert_plines "$idA" "wb 0 16 16
wb 9 512 0
wc 0 16 0
wc 9 512 0
uc 0 8 0
uc 9 512 0"
	lp_assert_pstat pooled 2112
	b=$(lp_pcount_lines "$idB")
	root=$(lp_pcount_lines 1)

	# <nr_to_scan> <pages freed> <A's lines after>: a chunk bigger than
	# what is left to scan is still freed whole.
	for step in \
		"1 512 wb 0 16 16|wc 0 16 0|wc 9 512 0|uc 0 8 0|uc 9 512 0" \
		"10 10 wb 0 6 16|wc 0 16 0|wc 9 512 0|uc 0 8 0|uc 9 512 0" \
		"6 6 wb 0 0 16|wc 0 16 0|wc 9 512 0|uc 0 8 0|uc 9 512 0" \
		"1 512 wb 0 0 16|wc 0 16 0|wc 9 512 0|uc 0 8 0" \
		"3 3 wb 0 0 16|wc 0 16 0|wc 9 512 0|uc 0 5 0" \
		"5 5 wb 0 0 16|wc 0 16 0|wc 9 512 0" \
		"1 512 wb 0 0 16|wc 0 16 0" \
		"100 16 wb 0 0 16"; do
		read -r nr n lines <<< "$step"
		lp_pscan "$idA" 0 "$nr"
		freed=$((freed + n))
		lp_assert_pstat shrink_freed "$freed"
		assert_plines "$idA" "$(tr '|' '\n' <<< "$lines")"
		assert_plines "$idB" "$b"
		assert_plines 1 "$root"
	done

	# A memcg with nothing on that node: nothing happens.
	lp_pscan "$idB" 1 100
	lp_pscan "$idA" 0 100
	lp_assert_pstat shrink_freed "$freed"

	lp_pscan "$idA" 1 1000
	lp_assert_pstat shrink_freed $((freed + 16))
	assert_plines "$idA" ""
	assert_plines "$idB" "$b"
	assert_plines 1 "$root"
	lp_assert_pstat pooled 520
	# What the scans freed is no longer charged to A.
	assert_mem_at_most A "$slack"
	lp_assert_pages_consistent
	lp_assert_clean_kernel
}
