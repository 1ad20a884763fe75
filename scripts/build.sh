#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh <kernel>...: build lrupool.ko for each supported kernel (6.1, 6.12,
# 7.2, 7.3, and the debug kernel: scripts/debug-kernel.sh) with W=1, failing
# on any compiler or modpost warning, and beside it the modules that link
# against its exports as a driver would, each with KBUILD_EXTRA_SYMBOLS
# pointing at lrupool's Module.symvers: the test fixture that embeds a
# page-pool instance (test/fixtures/embed/, lrupool_embed.ko) and the
# benchmark (bench/pool/, lrupool_bench.ko); /dev/lrupool's driver
# (dmabuf/, lrupool_dmabuf.ko) builds in lrupool.ko's own run. Each kernel
# builds in its own copy of the sources, build/<kernel>/, so that the tree
# stays clean; 7.2 and 7.3 build inside the sid chroot with sid's
# toolchain. All modules land in build/<kernel>/; prints the path of each,
# lrupool.ko last.
# LRUPOOL_BUILD_DIR (default build/) lets concurrent users of one tree
# build in separate places.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

SOURCES=(Kbuild Makefile src include dmabuf test/fixtures/embed bench)
# Modules built against lrupool.ko's exports, each a directory of SOURCES.
COMPANIONS=(test/fixtures/embed bench/pool)
BUILD_DIR=${LRUPOOL_BUILD_DIR:-$top/build}
mkdir -p "$BUILD_DIR"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
# The build directories of 7.2 and 7.3 inside the sid chroot, one per
# BUILD_DIR, with a subdirectory per kernel.
CHROOT_OUT=/usr/src/lrupool-build-$(printf '%s' "$BUILD_DIR" | md5sum | cut -c1-8)

# kbuild <kernel> <release> <dir> <log> [make args...]: one kbuild run for
# the external module in <dir>, as the kernel's toolchain wants it.
kbuild() {
	local k=$1 rel=$2 dir=$3 log=$4 root kdir
	shift 4
	root=$(kernel_root "$k")
	if sid_kernel "$k"; then
		# A private mount namespace gives the chroot the /proc that
		# objtool reads, and takes it away again when make exits.
		# shellcheck disable=SC2016 # expanded by the inner sh
		unshare --mount --propagation private sh -c '
			mount -t proc proc "$1/proc" &&
			root=$1 rel=$2 dir=$3 && shift 3 &&
			exec chroot "$root" make -C "/lib/modules/$rel/build" \
				M="$dir" W=1 "$@" modules
		' sh "$root" "$rel" "$dir" "$@" >>"$log" 2>&1
	else
		kdir=/lib/modules/$rel/build
		[ "$k" != debug ] || kdir=$(debug_dir)/build
		make -C "$kdir" M="$dir" W=1 "$@" modules >>"$log" 2>&1
	fi
}

build_one() {
	local k=$1 rel out log root prefix c ko kos=()
	rel=$(kernel_release "$k")
	[ -n "$rel" ] || die "kernel $k is not installed: run scripts/setup.sh"
	root=$(kernel_root "$k")
	# Paths as the kernel's make sees them, and as the host sees them.
	if sid_kernel "$k"; then
		out=$CHROOT_OUT/$k prefix=$root
	else
		out=$BUILD_DIR/$k prefix=
	fi
	mkdir -p "$prefix$out" "$BUILD_DIR/$k"
	(cd "$top" && rsync -a --delete --relative --exclude='*.o' \
		--exclude='*.ko' "${SOURCES[@]}" "$prefix$out/")
	log=$BUILD_DIR/$k.log
	: >"$log"
	kbuild "$k" "$rel" "$out" "$log" ||
		{ cat "$log" >&2; die "build for $k ($rel) failed"; }
	for c in "${COMPANIONS[@]}"; do
		kbuild "$k" "$rel" "$out/$c" "$log" \
			KBUILD_EXTRA_SYMBOLS="$out/Module.symvers" ||
			{ cat "$log" >&2; die "build of $c for $k ($rel) failed"; }
		for ko in "$prefix$out/$c"/*.ko; do
			kos+=("$ko")
		done
	done
	# /dev/lrupool's driver, built in lrupool.ko's own kbuild run.
	kos+=("$prefix$out/dmabuf/lrupool_dmabuf.ko" "$prefix$out/lrupool.ko")
	if grep -qiE 'warning:|error:' "$log"; then
		grep -iE -B2 -A4 'warning:|error:' "$log" >&2
		die "build for $k ($rel) is not warning-free with W=1"
	fi
	for ko in "${kos[@]}"; do
		[ "$(dirname "$ko")" = "$BUILD_DIR/$k" ] || cp "$ko" "$BUILD_DIR/$k/"
		echo "$BUILD_DIR/$k/$(basename "$ko")"
	done
}

# shellcheck disable=SC2086 # a list of words
[ $# -gt 0 ] || set -- $ALL_KERNELS
for k in "$@"; do
	build_one "$k"
done
