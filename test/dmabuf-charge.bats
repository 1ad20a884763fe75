#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# dmabuf: what a process gets from /dev/lrupool (lrupool_dmabuf.ko) with
# lrupool-buf: pages charged to its own cgroup, mapped with the caching
# mode it asked for, and never a byte another cgroup, or an earlier
# owner, wrote. (A second driver importing a buffer is in
# dmabuf-module.bats.)

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/dmabuf"

setup() {
	db_setup
}

teardown() {
	db_teardown
}

# kernel_grew <cgroup> <bytes before> <bytes>: memory.stat kernel has grown
# by at least that much (memory.stat is flushed lazily).
kernel_grew() {
	[ $(($(lp_memstat "$1" kernel) - $2)) -ge "$3" ]
}

@test "dmabuf: a 64 MiB wc buffer is charged to the process's cgroup, in use, and mapped write-combined" {
	local cur0 k0 cur log mt0

	lp_cg_create A
	cur0=$(lp_mem_current A)
	k0=$(lp_memstat A kernel)
	mt0=$(db_memtypes)
	db_hold_start A charge -s 64M -c wc
	log=$(lp_state_dir)/charge.log

	cur=$(lp_mem_current A)
	[ $((cur - cur0)) -ge "$DB_64M" ] ||
		fail "A's memory.current grew by $((cur - cur0)) bytes, less than 64 MiB"
	lp_wait_until 10 kernel_grew A "$k0" "$DB_64M" ||
		fail "A's memory.stat kernel grew by $(($(lp_memstat A kernel) - k0)) bytes, less than 64 MiB"
	db_assert_stat in_use "$DB_64M_PAGES"
	db_assert_stat miss "$DB_64M_PAGES"
	# The mapping is write-combining. What the supported kernels show:
	# none builds CONFIG_PTDUMP_DEBUGFS (page_tables/current_user, the
	# PTEs themselves); x86's pat_memtype_list lists no RAM, which keeps
	# its PAT memtype in page flags, shown by /proc/kpageflags; and
	# /proc/self/pagemap skips a VM_PFNMAP mapping such as this one. So:
	# 64 MiB more RAM is write-combined now, in /proc/kpageflags; and the
	# driver maps by pfn, which x86 PAT makes take the memtype of the
	# pages, logging "x86/PAT: ... map pfn RAM range req <mode> ...,
	# got <memtype>" when the driver asked for another mode, or refusing
	# a range of mixed memtypes: the PTEs are write-combining when the
	# pages are and the kernel logged no such line.
	db_assert_memtype_grew "$mt0" wc "$DB_64M_PAGES"
	db_assert_no_pat_conflict

	db_hold_end charge
	grep -q 'read as expected, pattern written' "$log" || fail "$(cat "$log")"
	db_assert_stat in_use 0
	db_assert_stat pooled "$DB_64M_PAGES"
	db_assert_pcount "$(lp_cg_id A)" "$DB_64M_PAGES" wc
	lp_assert_clean_kernel
}

@test "dmabuf: uc pages are mapped uncached, wb pages write-back" {
	local mt0

	lp_cg_create A
	mt0=$(db_memtypes)
	db_hold_start A uc -s 16M -c uc
	db_assert_memtype_grew "$mt0" uc "$DB_16M_PAGES"
	db_hold_end uc

	mt0=$(db_memtypes)
	db_hold_start A wb -s 16M -c wb
	db_assert_memtype_grew "$mt0" wb "$DB_16M_PAGES"
	db_hold_end wb
	db_assert_no_pat_conflict
	lp_assert_clean_kernel
}

@test "dmabuf: the fd names a dma-buf of the size asked for; the buffer holds what was written" {
	lp_cg_create A
	run db_buf_as A -n 3 -s 1M -c wc --info --pattern 0x3c
	assert_success
	assert_line --regexp '^buffer 0 fd [0-9]+ inode [0-9]+ size 1048576$'
	assert_line --regexp '^buffer 2 fd [0-9]+ inode [0-9]+ size 1048576$'
	assert_line --partial 'lrupool-buf: 3 x 1048576 bytes wc node any'
	# A child forked with the fds maps them again and reads the pattern.
	run db_buf_as A -s 4M -c wc --pattern 0x3c --fork \
		--child-log "$(lp_state_dir)/child.log"
	assert_success
	lp_wait_until 30 grep -q 'closed' "$(lp_state_dir)/child.log"
	run cat "$(lp_state_dir)/child.log"
	assert_output --partial 'read the pattern in 1 buffer(s) of 4194304 bytes'
	lp_wait_until 10 db_stat_is in_use 0
	lp_assert_clean_kernel
}

@test "dmabuf: no data crosses an owner: a new buffer after a free, and a borrowed one, read zeros" {
	local hl ha

	# Every buffer on node 0, so that each finds the last one's pages
	# wherever the process runs.
	lp_cg_create P
	lp_cg_create P/A
	run db_buf_as P/A -s 16M -c wc -N 0 --pattern 0x5a
	assert_success
	db_assert_pcount "$(lp_cg_id P/A)" "$DB_16M_PAGES" wc

	# The same cgroup again: its own pooled pages, cleared.
	hl=$(db_stat hit_local)
	run db_buf_as P/A -s 16M -c wc -N 0 --expect zero --pattern 0x6b
	assert_success
	db_assert_stat hit_local $((hl + DB_16M_PAGES))

	# A gone, a sibling borrows what it wrote into: zeros again.
	rmdir "$(lp_cg_dir P/A)"
	lp_wait_until 20 db_pcount_is "$(lp_cg_id P)" "$DB_16M_PAGES" ||
		fail "A's pages did not reach P's list: $(cat "$LP_DB/count")"
	lp_cg_create P/B
	ha=$(db_stat hit_ancestor)
	run db_buf_as P/B -s 16M -c wc -N 0 --expect zero
	assert_success
	db_assert_stat hit_ancestor $((ha + DB_16M_PAGES))
	lp_assert_clean_kernel
}

@test "dmabuf: lrupool-buf exits 4 when a buffer does not read what it should" {
	# The oracle of the test above can fail: a fresh buffer reads zeros,
	# not the byte --expect names.
	lp_cg_create A
	run db_buf_as A -s 1M -c wc --expect 0x5a
	[ "$status" -eq 4 ] || fail "status $status: $output"
	assert_output --partial 'bytes are not 0x5a'
	lp_assert_clean_kernel
}
