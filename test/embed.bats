#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# embed: a second page-pool instance, embedded by another module through
# lrupool.ko's exports (test/fixtures/embed/lrupool_embed.ko), beside the
# module's own: its own lists and counters, the same shrinker, the same
# charge model; and every page a caller receives reads as zero, fresh,
# pooled, or borrowed from an ancestor's list after its owner wrote into
# it. Buffers ask for node 0, so that the writer's CPU does not matter.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

EMBED=$LP_DEBUGFS/lrupool_embed

setup() {
	lp_setup
	[ -f "${LRUPOOL_EMBED_KO:-}" ] || fail "LRUPOOL_EMBED_KO='${LRUPOOL_EMBED_KO:-}' is not a module file"
	insmod "$LRUPOOL_EMBED_KO"
}

teardown() {
	[ ! -d /sys/module/lrupool_embed ] || rmmod lrupool_embed
	lp_teardown
}

# embed_cmd <cgroup> <command>: one command, written as that cgroup.
embed_cmd() {
	lp_write_as "$1" "$EMBED/cmd" "$2"
}

# estat <key>: a value from the fixture's stats.
estat() {
	awk -v k="$1" '$1 == k { print $2; f = 1 } END { exit !f }' "$EMBED/stats"
}

# estat_is <key> <value>
estat_is() {
	[ "$(estat "$1")" = "$2" ]
}

assert_estat() {
	local v

	v=$(estat "$1")
	[ "$v" = "$2" ] || fail "lrupool_embed stats $1: expected $2, got $v
$(cat "$EMBED/stats")"
}

# assert_last <pages> <borrowed>: the last allocation's sizes, and that not
# one byte of it was non-zero when it was handed out.
assert_last() {
	run cat "$EMBED/last"
	assert_output "pages $1 borrowed $2 nonzero 0"
}

@test "embed: a module links against lrupool.ko's exports; lrupool cannot go while it is loaded" {
	run rmmod lrupool
	assert_failure
	[ -d /sys/module/lrupool ]
	grep -qx lrupool_embed <(ls /sys/module/lrupool/holders)
	rmmod lrupool_embed
	rmmod lrupool
	lp_assert_clean_kernel
}

@test "embed: the second instance has its own lists and counters, charged to the writer's memcg" {
	lp_cg_create A
	local kernel0
	kernel0=$(lp_memstat A kernel)

	embed_cmd A "alloc 0 256 wc 0"
	assert_estat in_use 256
	assert_estat miss 256
	assert_estat caching_changes 256
	# The module's own instance saw nothing.
	lp_assert_pstat miss 0
	lp_assert_pstat in_use 0
	[ "$(lp_memstat A kernel)" -ge $((kernel0 + 256 * LP_PAGE_SIZE)) ] ||
		fail "A's kernel memory did not grow by 256 pages"

	embed_cmd A "free 0"
	assert_estat pooled 256
	assert_estat given 256
	assert_estat in_use 0
	lp_assert_pstat pooled 0
	[ -z "$(cat "$LP_PAGES/count")" ] || fail "pages/count shows the fixture's pages"

	# A hit in the fixture's instance: no miss, no caching change.
	embed_cmd A "alloc 1 256 wc 0"
	assert_estat hit_local 256
	assert_estat miss 256
	assert_estat caching_changes 256
	embed_cmd A "free 1"
	lp_assert_clean_kernel
}

@test "embed: reclaim in a cgroup reaches the second instance's pages of that cgroup, not a sibling's" {
	lp_cg_create A
	lp_cg_create B
	embed_cmd A "alloc 0 512 wb 0"
	embed_cmd B "alloc 1 512 wb 0"
	embed_cmd A "free 0"
	embed_cmd B "free 1"
	assert_estat pooled 1024

	echo 64M > "$(lp_cg_dir A)/memory.reclaim" || :
	lp_wait_until 10 estat_is pooled 512 ||
		fail "reclaim in A left $(estat pooled) pooled pages, expected B's 512"
	assert_estat shrink_freed 512

	# The module's own scan file drives the same shrinker.
	lp_pscan "$(lp_cg_id B)" 0 512
	assert_estat pooled 0
	assert_estat shrink_freed 1024
	lp_assert_clean_kernel
}

@test "embed: pages handed out read as zero: fresh, reused after a pattern, and borrowed from the parent's list" {
	local c

	lp_cg_create P
	for c in wb wc uc; do
		# Fresh.
		embed_cmd P "alloc 0 64 $c 0"
		assert_last 64 0
		embed_cmd P "fill 0 0xa5"
		embed_cmd P "free 0"
		# Reused from P's own list.
		embed_cmd P "alloc 0 64 $c 0"
		assert_last 64 0
		embed_cmd P "fill 0 0x5a"
		embed_cmd P "free 0"
	done
	assert_estat miss 192
	assert_estat hit_local 192

	# A child borrows P's written pages.
	lp_cg_create P/C
	for c in wb wc uc; do
		embed_cmd P/C "alloc 1 64 $c 0"
		assert_last 64 64
		embed_cmd P/C "fill 1 0xff"
		embed_cmd P/C "free 1"
	done
	assert_estat hit_ancestor 192
	assert_estat miss 192
	lp_assert_clean_kernel
}

@test "embed: bad commands are refused with an errno and change nothing" {
	lp_cg_create A
	local before
	before=$(cat "$EMBED/stats")

	for line in "alloc 9 1 wc" "alloc 0 0 wc" "alloc 0 1 xx" "alloc 0 1 wc 4096" \
		"alloc 0 1 wc 0 0" "fill 0 1 2" "bogus 0" "alloc"; do
		run embed_cmd A "$line"
		assert_failure
		assert_output --partial 'Invalid argument'
	done
	run embed_cmd A "free 0"
	assert_output --partial 'No such file or directory'
	embed_cmd A "alloc 0 8 wc 0"
	run embed_cmd A "alloc 0 8 wc 0"
	assert_output --partial 'Device or resource busy'
	embed_cmd A "free 0"
	run embed_cmd A "fill 0 256"
	assert_output --partial 'Invalid argument'
	run embed_cmd A "fill 0 7"
	assert_output --partial 'No such file or directory'
	[ "$(estat in_use)" = 0 ]
	[ "$(estat miss)" = 8 ]
	[ -n "$before" ]
	lp_assert_clean_kernel
}

# pinned_offline: the memcg the fixture pins has gone offline.
pinned_offline() {
	lp_write "$EMBED/cmd" pinned && [ "$(cat "$EMBED/last")" = "pinned online 0" ]
}

@test "embed: a taker whose memcg went offline starts at its nearest online ancestor, on every kernel" {
	lp_cg_create P
	# P pools 64 wc pages, then gets a child C, which a driver's object
	# holds (pin) across C's removal.
	embed_cmd P "alloc 0 64 wc 0"
	embed_cmd P "free 0"
	lp_cg_create P/C
	lp_write "$EMBED/cmd" "pin $(lp_cg_id P/C)"
	rmdir "$(lp_cg_dir P/C)"
	lp_wait_until 30 eval '[ "$(lp_cg_stat P nr_dying_descendants)" = 1 ]' ||
		fail "C is not dying: $(cat "$(lp_cg_dir P)/cgroup.stat")"
	lp_wait_until 30 pinned_offline || fail "C's memcg stays online"

	# Its own list went to P with its charge: what it takes is P's.
	lp_write "$EMBED/cmd" "palloc 1 64 wc 0"
	assert_last 64 64
	assert_estat hit_local 0
	assert_estat hit_ancestor 64
	lp_write "$EMBED/cmd" "free 1"
	# With its own list only, an offline memcg has nothing to take.
	lp_write "$EMBED/cmd" "fallback none"
	lp_write "$EMBED/cmd" "palloc 1 64 wc 0"
	assert_last 64 0
	assert_estat hit_local 0
	assert_estat miss 128
	lp_write "$EMBED/cmd" "free 1"
	lp_write "$EMBED/cmd" "fallback ancestors"

	lp_write "$EMBED/cmd" unpin
	lp_wait_until 60 eval '[ "$(lp_cg_stat P nr_dying_descendants)" = 0 ]' ||
		fail "C stays dying after unpin: $(cat "$(lp_cg_dir P)/cgroup.stat")"
	lp_assert_clean_kernel
}
