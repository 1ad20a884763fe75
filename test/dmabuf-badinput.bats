#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# dmabuf: every malformed LRUPOOL_IOCTL_ALLOC gets a clear errno and
# leaves nothing behind: the consumer's stats and count, its cgroup's
# memory.current and the kernel log are as before. Requests are made by
# `lrupool-buf raw`, which prints "ok size S fd N" or "error ENAME".

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/dmabuf"

setup() {
	db_setup
	lp_cg_create A
}

teardown() {
	db_teardown
}

# raw_is <expected output> [raw fields...]: one request from cgroup A; its
# answer without the fd number.
raw_is() {
	local want=$1

	shift
	run db_buf_as A raw "$@"
	[ "${output% fd *}" = "$want" ] ||
		fail "raw $*: expected '$want', got status $status: '$output'"
}

# refused <ENAME> [raw fields...]: the request is refused with that errno
# and changes nothing.
refused() {
	local err=$1 snap cur0 cur

	shift
	snap=$(db_snapshot)
	cur0=$(lp_mem_current A)
	raw_is "error $err" "$@"
	[ "$status" -eq 1 ] || fail "raw $*: exit status $status, not 1"
	db_assert_snapshot "$snap"
	cur=$(lp_mem_current A)
	[ "$cur" -le $((cur0 + LP_PAGE_SLACK * LP_PAGE_SIZE)) ] ||
		fail "raw $*: A's memory.current went from $cur0 to $cur"
}

@test "dmabuf: a well-formed raw request works, with a longer struct whose tail is zero too" {
	raw_is 'ok size 65536' --size 65536
	raw_is 'ok size 8192' --size 8192 --ioc-size 64 --tail 0
	raw_is 'ok size 8192' --size 8192 --ioc-size 4096
	raw_is 'ok size 4096' --size 4096 --flags 1 --node 1 --caching 2
	lp_wait_until 10 db_stat_is in_use 0
	db_assert_consistent
}

@test "dmabuf: an unknown ioctl is ENOTTY" {
	refused ENOTTY --nr 0x41
	refused ENOTTY --nr 0
}

@test "dmabuf: size 0, an unaligned size and a huge size are EINVAL, EINVAL and E2BIG" {
	refused EINVAL --size 0
	refused EINVAL --size 4097
	refused EINVAL --size 1
	refused E2BIG --size $((1 << 50))
	# Above max_buffer_pages (the whole guest is less than 1 GiB a node)
	refused E2BIG --size $((4 << 30))
	refused E2BIG --size 0xfffffffffffff000
}

@test "dmabuf: a bad caching mode and unknown flags are EINVAL" {
	refused EINVAL --size 4096 --caching 3
	refused EINVAL --size 4096 --caching 0xffffffff
	refused EINVAL --size 4096 --flags 2
	refused EINVAL --size 4096 --flags 0x80000000
}

@test "dmabuf: an offline or absent node, or a node without LRUPOOL_ALLOC_NODE, is EINVAL" {
	refused EINVAL --size 4096 --flags 1 --node 2
	refused EINVAL --size 4096 --flags 1 --node 64
	refused EINVAL --size 4096 --flags 1 --node 1024
	refused EINVAL --size 4096 --flags 1 --node -1
	refused EINVAL --size 4096 --node 1
}

@test "dmabuf: non-zero reserved fields are EINVAL" {
	refused EINVAL --size 4096 --reserved0 1
	refused EINVAL --size 4096 --reserved1 0x8000000000000000
}

@test "dmabuf: a short struct is EINVAL, a longer one with a non-zero tail E2BIG, a bad pointer EFAULT" {
	refused EINVAL --size 4096 --ioc-size 39
	refused EINVAL --size 4096 --ioc-size 0
	refused E2BIG --size 4096 --ioc-size 41 --tail 1
	refused E2BIG --size 4096 --ioc-size 4096 --tail 0xff
	refused EFAULT --size 4096 --null
	lp_assert_clean_kernel
}

@test "dmabuf: the fuzzer's seeded requests agree with the uAPI's rules" {
	run db_buf_as A fuzz --seed 15 --count 300
	assert_success
	assert_output --regexp 'fuzz: seed 15: 300 requests, [1-9][0-9]* buffers made, [1-9][0-9]* refused as the uAPI says, 0 ENOMEM, 0 unexpected'
	lp_wait_until 10 db_stat_is in_use 0
	db_assert_consistent
	lp_assert_clean_kernel
}
