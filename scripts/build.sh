#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh <kernel>...: build lrupool.ko for each supported kernel (6.1, 6.12,
# 7.2, and the debug kernel: scripts/debug-kernel.sh) with W=1, failing on any compiler or modpost warning. Each kernel
# builds in its own copy of the sources, build/<kernel>/, so that the tree
# stays clean; 7.2 builds inside the sid chroot with sid's toolchain.
# Prints the path of each module built. LRUPOOL_BUILD_DIR (default build/)
# lets concurrent users of one tree build in separate places.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

SOURCES=(Kbuild Makefile src include)
BUILD_DIR=${LRUPOOL_BUILD_DIR:-$top/build}
mkdir -p "$BUILD_DIR"
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
# The 7.2 build directory inside the sid chroot, one per BUILD_DIR.
CHROOT_OUT=/usr/src/lrupool-build-$(printf '%s' "$BUILD_DIR" | md5sum | cut -c1-8)

build_one() {
	local k=$1 rel out log root kdir
	rel=$(kernel_release "$k")
	[ -n "$rel" ] || die "kernel $k is not installed: run scripts/setup.sh"
	root=$(kernel_root "$k")
	if [ "$k" = 7.2 ]; then
		out=$root$CHROOT_OUT
	else
		out=$BUILD_DIR/$k
	fi
	mkdir -p "$out"
	(cd "$top" && rsync -a --delete --exclude='*.o' "${SOURCES[@]}" "$out/")
	log=$BUILD_DIR/$k.log
	if [ "$k" = 7.2 ]; then
		# A private mount namespace gives the chroot the /proc that
		# objtool reads, and takes it away again when make exits.
		# shellcheck disable=SC2016 # expanded by the inner sh
		unshare --mount --propagation private sh -c '
			mount -t proc proc "$1/proc" &&
			exec chroot "$1" make -C "/lib/modules/$2/build" \
				M="$3" W=1 modules
		' sh "$root" "$rel" "$CHROOT_OUT" >"$log" 2>&1 ||
			{ cat "$log" >&2; die "build for $k ($rel) failed"; }
		mkdir -p "$BUILD_DIR/$k"
		cp "$out/lrupool.ko" "$BUILD_DIR/$k/lrupool.ko"
	else
		kdir=/lib/modules/$rel/build
		[ "$k" != debug ] || kdir=$(debug_dir)/build
		make -C "$kdir" M="$out" W=1 modules >"$log" 2>&1 ||
			{ cat "$log" >&2; die "build for $k ($rel) failed"; }
	fi
	if grep -qiE 'warning:|error:' "$log"; then
		grep -iE -B2 -A4 'warning:|error:' "$log" >&2
		die "build for $k ($rel) is not warning-free with W=1"
	fi
	echo "$BUILD_DIR/$k/lrupool.ko"
}

# shellcheck disable=SC2086 # a list of words
[ $# -gt 0 ] || set -- $ALL_KERNELS
for k in "$@"; do
	build_one "$k"
done
