#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests-guest.sh: the kernel's cgroup memory selftests (test_kmem,
# test_memcontrol) inside a test guest, first without lrupool, then with
# lrupool loaded and holding pooled pages and objects in the cgroups around
# the selftests' own. scripts/selftests.sh builds the binaries and boots the
# guest (vmtest.sh --script ... --files DIR): $LRUPOOL_FILES holds the two
# static binaries and modules/ (loop, ext4 and what they need, uncompressed,
# with their load order in modules/order).
#
# The selftests run chrooted into an ext2 filesystem on a loop device (see
# setup_guest for why). They create their cgroups right below the cgroup2
# root (cg_find_unified_root() in cgroup_util.c returns the mount point), so
# "around them" is the root itself (their parent) and siblings below the
# root: lp-st-a, lp-st-b and lp-st-b/c. Each of these holds pooled pages
# (wc, uc and wb; orders 9, 2 and 0; both nodes), pooled objects on both
# nodes and live buffers while the selftests run; lp-st-b gets its share by
# reparenting from a removed child, whose live buffers stay.
#
# Output, one line each:
#   selftest <column> <binary> <line the binary printed>
#   selftest-exit <column> <binary> <exit status> <seconds>
#   # <anything else: what the pool holds, progress>
# where column is "without", "with", or "with-retry" (the binary run once
# more, with lrupool still loaded and busy, because a case that passed
# without lrupool failed with it; the host may take the second result).
# Exit status: 0 if everything ran (whatever the selftests reported), 1 if
# setting up the guest or lrupool's side failed, or tearing it down did, or
# a live buffer did not survive the selftests whole.
set -uo pipefail

LP_LIB=${LRUPOOL_LIB:-$(cd "$(dirname "$0")/../test/lib" && pwd)}
# shellcheck source=test/lib/guest.sh
. "$LP_LIB/guest.sh"
CG=$LP_CGROOT
D=/sys/kernel/debug/lrupool
BIN=${LRUPOOL_FILES:?LRUPOOL_FILES is not set}
KO=${LRUPOOL_KO:?LRUPOOL_KO is not set}
SELFTESTS=(test_kmem test_memcontrol)
# Per run of a binary; test_memcontrol takes minutes under TCG.
RUN_TIMEOUT=${SELFTEST_TIMEOUT:-1200}
# The selftests' root filesystem (see setup_guest).
ROOT=/mnt/selftests
IMG=/tmp/selftests.img
IMG_MB=256
# The cgroups lrupool fills, "/" being the root; lp-st-b is filled through
# its child lp-st-b/gone, which is then removed. Descendants first: with
# ancestors' lists empty their buffers are fresh pages charged to them
# (a cgroup takes from its ancestors' lists before it allocates).
FILLED=(lp-st-b/c lp-st-b/gone lp-st-a /)
OURS=(lp-st-b/c lp-st-b lp-st-a)
# RESULT[column/binary/case]: pass, fail or skip; CASES[binary]: its cases.
declare -A RESULT CASES

note() { printf '# %s\n' "$*"; }
# phase <text>: a note with the guest's uptime, to see where time goes.
phase() { note "[$(cut -d' ' -f1 /proc/uptime) s] $*"; }
kmsg() { echo "lrupool-selftests: $*" >/dev/kmsg 2>/dev/null || :; }

fatal() {
	note "error: $*"
	teardown
	exit 1
}

# load_modules: the modules the host put in $BIN/modules (loop, ext4 and
# what they need), in the order of $BIN/modules/order.
load_modules() {
	local m

	[ -f "$BIN/modules/order" ] || { note "no $BIN/modules/order"; return 1; }
	while read -r m; do
		grep -q "^$m " /proc/modules || insmod "$BIN/modules/$m.ko" || return
	done <"$BIN/modules/order"
}

# setup_guest: the selftests' root. They need a filesystem with a page
# cache: alloc_pagecache() (cgroup_util.c) reads a sparse O_TMPFILE file in
# the working directory, which allocates page cache only on a block-backed
# filesystem (tmpfs maps holes to the zero page), and test_kmem_basic
# stats names below "/", which leaves negative dentries only where the
# filesystem keeps them (tmpfs and ramfs drop them at once). So they run
# chrooted into an ext2 filesystem (mounted by ext4) on a loop device, with
# proc, sysfs, cgroup2 and devtmpfs mounted inside.
setup_guest() {
	local line

	load_modules || return
	truncate -s "$IMG_MB"M "$IMG" && mke2fs -q -F -b 4096 -m 0 "$IMG" >/dev/null 2>&1 || return
	mkdir -p "$ROOT" && mount -t ext4 -o loop "$IMG" "$ROOT" || return
	mkdir -p "$ROOT"/proc "$ROOT"/sys "$ROOT"/dev "$ROOT"/etc "$ROOT"/tmp \
		"$ROOT"/bin || return
	mount -t proc proc "$ROOT/proc" && mount -t sysfs sysfs "$ROOT/sys" &&
		mount -t cgroup2 cgroup2 "$ROOT/sys/fs/cgroup" &&
		mount -t devtmpfs devtmpfs "$ROOT/dev" || return
	cp "${SELFTESTS[@]/#/$BIN/}" "$ROOT/bin/" || return
	# test_memcg_sock connects to "localhost": a hosts file and the
	# loopback interface up.
	printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' >"$ROOT/etc/hosts" || return
	ip link set lo up || return
	read -r line </proc/self/cgroup
	[ "$line" = "0::/" ] || { note "not in the root cgroup: $line"; return 1; }
	note "selftests run chrooted in $ROOT: $(grep " $ROOT " /proc/mounts)"
}

teardown_guest() {
	local m

	for m in dev sys/fs/cgroup sys proc; do
		umount "$ROOT/$m" || :
	done
	umount "$ROOT" || :
}

# run_column <column>: each binary once.
run_column() {
	local bin

	for bin in "${SELFTESTS[@]}"; do
		run_capture "$1" "$bin"
	done
}

# run_capture <column> <binary>: run it in the chroot, print its output with
# the prefix, and keep each case's result in RESULT.
run_capture() {
	local col=$1 bin=$2 start rc line name res tmp

	tmp=$(mktemp) || return
	kmsg "$col: $bin starts"
	start=$SECONDS
	timeout -s KILL "$RUN_TIMEOUT" chroot "$ROOT" "/bin/$bin" \
		</dev/null >"$tmp" 2>&1
	rc=$?
	while IFS= read -r line; do
		printf 'selftest %s %s %s\n' "$col" "$bin" "$line"
		if [[ $line =~ ^(not\ )?ok\ [0-9]+\ (\#\ SKIP\ )?([A-Za-z0-9_]+) ]]; then
			name=${BASH_REMATCH[3]}
			if [ -n "${BASH_REMATCH[1]}" ]; then
				res=fail
			elif [ -n "${BASH_REMATCH[2]}" ]; then
				res=skip
			else
				res=pass
			fi
			RESULT[$col/$bin/$name]=$res
			case " ${CASES[$bin]:-} " in
			*" $name "*) ;;
			*) CASES[$bin]="${CASES[$bin]:-} $name" ;;
			esac
		fi
	done <"$tmp"
	rm -f "$tmp"
	printf 'selftest-exit %s %s %d %d\n' "$col" "$bin" "$rc" $((SECONDS - start))
	kmsg "$col: $bin exited with $rc after $((SECONDS - start)) s"
}

# --- lrupool's side --------------------------------------------------------

tag_of() {
	case $1 in
	/) echo root ;;
	*) echo "${1//\//-}" ;;
	esac
}

# fill <cgroup>: as that cgroup, make buffers of several cachings, orders
# and nodes and free most of them (their pages stay in the cgroup's pool),
# add objects on both nodes, and keep two buffers live.
fill() {
	local cg=$1 t

	t=$(tag_of "$cg")
	lp_write_as "$cg" \
		"$D/pages/alloc" "$t-wc9 1024 caching=wc nid=0" \
		"$D/pages/alloc" "$t-wc9b 512 caching=wc nid=1" \
		"$D/pages/alloc" "$t-uc2 256 caching=uc order=2 nid=1" \
		"$D/pages/alloc" "$t-wb0 128 caching=wb order=0 nid=0" \
		"$D/pages/alloc" "$t-wc0 64 caching=wc order=0 nid=1" \
		"$D/pages/alloc" "$t-live 512 caching=wc nid=0" \
		"$D/pages/alloc" "$t-live-uc 16 caching=uc order=0 nid=1" \
		"$D/pages/free" "$t-wc9" \
		"$D/pages/free" "$t-wc9b" \
		"$D/pages/free" "$t-uc2" \
		"$D/pages/free" "$t-wb0" \
		"$D/pages/free" "$t-wc0" \
		"$D/objects/add" "4000 0" \
		"$D/objects/add" "4000 1"
}

show_pool() {
	note "pages/count (cgroup-id caching order node0 node1):"
	sed 's/^/#   /' "$D/pages/count"
	note "pages/buffers (name owner pages caching borrowed):"
	sed 's/^/#   /' "$D/pages/buffers"
	note "objects/count (cgroup-id node0 node1):"
	sed 's/^/#   /' "$D/objects/count"
	note "pages/stats: $(tr '\n' ' ' <"$D/pages/stats")"
	note "objects/stats: $(tr '\n' ' ' <"$D/objects/stats")"
}

# pooled_in <cgroup>: whether pages/count and objects/count both have a line
# for it.
pooled_in() {
	local id

	id=$(lp_cg_id "$1") || return
	awk -v id="$id" '$1 == id { f = 1 } END { exit !f }' "$D/pages/count" &&
		awk -v id="$id" '$1 == id { f = 1 } END { exit !f }' "$D/objects/count"
}

wait_pooled_in() {
	local i

	for ((i = 0; i < 100; i++)); do
		pooled_in "$1" && return 0
		sleep 0.2
	done
	return 1
}

fill_all() {
	local cg

	insmod "$KO" || return
	[ -d "$D/pages" ] || { note "no $D/pages"; return 1; }
	lp_cg_make lp-st-a && lp_cg_make lp-st-b && lp_cg_make lp-st-b/gone &&
		lp_cg_make lp-st-b/c || return
	for cg in "${FILLED[@]}"; do
		fill "$cg" || { note "filling $cg failed"; return 1; }
	done
	# lp-st-b cannot hold tasks (its subtree_control has +memory): its
	# pool comes from lp-st-b/gone, moved to it by the kernel on removal.
	rmdir "$CG/lp-st-b/gone" || return
	for cg in / lp-st-a lp-st-b lp-st-b/c; do
		wait_pooled_in "$cg" ||
			{ note "lrupool holds nothing for $cg"; show_pool; return 1; }
	done
	show_pool
}

# The live buffers are intact after the selftests: each still has its pages.
check_live() {
	local cg t ok=0

	for cg in / lp-st-a lp-st-b/gone lp-st-b/c; do
		t=$(tag_of "$cg")
		awk -v n="$t-live" '$1 == n && $3 == 512 { f = 1 } END { exit !f }' \
			"$D/pages/buffers" || { note "buffer $t-live is gone or changed"; ok=1; }
	done
	return $ok
}

teardown() {
	local cg name rc=0

	[ -d "$D" ] || return 0
	while read -r name _; do
		echo "$name" >"$D/pages/free" || rc=1
	done < <(cat "$D/pages/buffers")
	for cg in "${OURS[@]}"; do
		[ ! -d "$CG/$cg" ] || rmdir "$CG/$cg" || rc=1
	done
	rmmod lrupool || rc=1
	return $rc
}

# --- main ------------------------------------------------------------------

for bin in "${SELFTESTS[@]}"; do
	[ -x "$BIN/$bin" ] || { note "error: no $BIN/$bin"; exit 1; }
done
setup_guest || { note "error: setting up the guest failed"; exit 1; }
if grep -q '^lrupool ' /proc/modules; then
	note "error: lrupool is loaded already"
	exit 1
fi

phase "column 'without': lrupool not loaded"
run_column without

phase "loading and filling lrupool"
fill_all || fatal "filling lrupool failed"
phase "column 'with': lrupool loaded, pooling in / lp-st-a lp-st-b lp-st-b/c"
run_column with

# One more run of a binary in which a case that passed without lrupool
# failed with it: under TCG some cases race with their own short deadlines.
for bin in "${SELFTESTS[@]}"; do
	for name in ${CASES[$bin]:-}; do
		if [ "${RESULT[without/$bin/$name]:-}" = pass ] &&
			[ "${RESULT[with/$bin/$name]:-}" != pass ]; then
			note "retrying $bin: $name passed without lrupool, not with it"
			run_capture with-retry "$bin"
			break
		fi
	done
done

phase "after the selftests:"
show_pool
rc=0
check_live || rc=1
teardown || { note "error: tearing down lrupool's side failed"; rc=1; }
teardown_guest
phase "done"
exit $rc
