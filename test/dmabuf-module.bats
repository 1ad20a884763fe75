#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# dmabuf-module: lrupool_dmabuf.ko as a module: /dev/lrupool and its mode,
# its parameters, its debugfs files, a buffer pinning the module until its
# last close, and a second driver importing a buffer (attach, sg table for
# DMA, vmap) through the embed fixture's "import". The buffers' charge,
# lifetime and bad input are in the other test/dmabuf-*.bats.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/dmabuf"

EMBED=$LP_DEBUGFS/lrupool_embed

setup() {
	db_setup
}

teardown() {
	[ ! -d /sys/module/lrupool_embed ] || rmmod lrupool_embed
	db_teardown
}

# db_reload [param=value...]: load the consumer again with parameters.
db_reload() {
	rmmod lrupool_dmabuf
	insmod "$LRUPOOL_DMABUF_KO" "$@"
}

@test "dmabuf: /dev/lrupool is a misc device of mode 0600; the module holds lrupool and starts empty" {
	[ -c "$LP_DB_DEV" ] || fail "$LP_DB_DEV is not a character device"
	run stat -c %a "$LP_DB_DEV"
	assert_output 600
	grep -qw lrupool /proc/misc || fail "lrupool is not in /proc/misc"
	run cat "$LP_DB_MODULE/parameters/dev_mode"
	assert_output 0600
	run rmmod lrupool
	assert_failure
	[ -d "$LP_MODULE" ]
	for k in pooled in_use borrowed hit_local hit_ancestor miss given \
		released caching_changes shrink_freed buffers; do
		db_assert_stat "$k" 0
	done
	run cat "$LP_DB/count"
	assert_output ""
	# Half of RAM, as lrupool's own instance.
	run cat "$LP_DB_MODULE/parameters/pool_limit_pages"
	assert_output "$(lp_param pool_limit_pages)"
	lp_assert_clean_kernel
}

@test "dmabuf: dev_mode widens /dev/lrupool; a mode with other bits is refused" {
	db_reload dev_mode=0666
	lp_wait_until 5 test -c "$LP_DB_DEV"
	run stat -c %a "$LP_DB_DEV"
	assert_output 666
	rmmod lrupool_dmabuf
	for bad in 0755 01600 0x600 9 ''; do
		run insmod "$LRUPOOL_DMABUF_KO" dev_mode="$bad"
		assert_failure
		[ ! -d "$LP_DB_MODULE" ] || fail "dev_mode=$bad was taken"
	done
	insmod "$LRUPOOL_DMABUF_KO"
	run cat "$LP_DB_MODULE/parameters/max_buffer_pages"
	assert_output 262144
	# max_buffer_pages: 1 to the pages of RAM.
	run lp_write "$LP_DB_MODULE/parameters/max_buffer_pages" 0
	assert_failure
	# MemTotal is the pages of RAM in KiB.
	run lp_write "$LP_DB_MODULE/parameters/max_buffer_pages" \
		$(($(lp_meminfo MemTotal) * 1024 / LP_PAGE_SIZE + 1))
	assert_failure
	run cat "$LP_DB_MODULE/parameters/max_buffer_pages"
	assert_output 262144
	lp_assert_clean_kernel
}

@test "dmabuf: rmmod is refused while a buffer lives, in another cgroup than the loader's; it goes after the last close" {
	lp_cg_create A
	db_hold_start A hold -s 1M -c wc
	run cat "$LP_DB_MODULE/refcnt"
	assert_output 1
	db_assert_stat buffers 1
	db_assert_stat in_use 256
	run rmmod lrupool_dmabuf
	assert_failure
	assert_output --partial "in use"
	[ -d "$LP_DB_MODULE" ] || fail "the module went with a buffer alive"
	db_hold_end hold
	lp_wait_until 10 db_stat_is buffers 0
	db_assert_stat in_use 0
	db_assert_stat pooled 256
	db_assert_pcount "$(lp_cg_id A)" 256 wc
	run cat "$LP_DB_MODULE/refcnt"
	assert_output 0
	rmmod lrupool_dmabuf
	[ ! -e "$LP_DB_DEV" ] || fail "$LP_DB_DEV outlived the module"
	lp_assert_clean_kernel
}

@test "dmabuf: another driver imports a buffer: its sg table covers it, its vmap reads what the process wrote, in each caching mode" {
	[ -f "${LRUPOOL_EMBED_KO:-}" ] || fail "LRUPOOL_EMBED_KO is not a module file"
	insmod "$LRUPOOL_EMBED_KO"
	for c in wb wc uc; do
		# The writer of "import" is the shell lrupool-buf runs, which
		# holds the buffer's fd.
		run lrupool-buf -s 64K -c "$c" -p 0x5a -x \
			"echo import \$LRUPOOL_FDS > $EMBED/cmd"
		assert_success
		run cat "$EMBED/last"
		assert_output "import bytes 65536 sg_bytes 65536 nonzero 65536 first 0x5a"
	done
	# A buffer of several chunks, partly written: 2 MiB + 64 KiB.
	run lrupool-buf -s $(((2 << 20) + (64 << 10))) -c wc -p 0 -x \
		"echo import \$LRUPOOL_FDS > $EMBED/cmd"
	assert_success
	run cat "$EMBED/last"
	assert_output "import bytes 2162688 sg_bytes 2162688 nonzero 0 first 0x00"
	# Not a dma-buf, not open.
	run bash -c "echo import 0 > $EMBED/cmd" </dev/null
	assert_failure
	run bash -c "echo import 99 > $EMBED/cmd"
	assert_failure
	db_assert_stat buffers 0
	db_assert_stat in_use 0
	lp_assert_clean_kernel
}

@test "dmabuf: a mapping at any page offset sees the pages of that offset, across chunks; private mappings are refused; PAT agrees" {
	# 4 MiB + 68 KiB: two 2 MiB chunks, then smaller ones.
	for c in wb wc uc; do
		run dmabuf-mmap $(((4 << 20) + (68 << 10))) "$c"
		assert_output ok
		assert_success
	done
	db_assert_no_pat_conflict
	lp_wait_until 10 db_stat_is buffers 0
	lp_assert_clean_kernel
}
