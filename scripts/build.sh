#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh <kernel>...: build lrupool.ko for each supported kernel (6.1, 6.12,
# 7.2) with W=1, failing on any compiler or modpost warning. Each kernel
# builds in its own copy of the sources, build/<kernel>/, so that the tree
# stays clean; 7.2 builds inside the sid chroot with sid's toolchain.
# Prints the path of each module built.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

SOURCES=(Kbuild Makefile src include)

build_one() {
	local k=$1 rel out log root
	rel=$(kernel_release "$k")
	[ -n "$rel" ] || die "kernel $k is not installed: run scripts/setup.sh"
	root=$(kernel_root "$k")
	if [ "$k" = 7.2 ]; then
		out=$root/usr/src/lrupool-build
	else
		out=$top/build/$k
	fi
	mkdir -p "$out"
	(cd "$top" && rsync -a --delete --exclude='*.o' "${SOURCES[@]}" "$out/")
	log=$top/build/$k.log
	mkdir -p "$top/build"
	if [ "$k" = 7.2 ]; then
		# A private mount namespace gives the chroot the /proc that
		# objtool reads, and takes it away again when make exits.
		# shellcheck disable=SC2016 # expanded by the inner sh
		unshare --mount --propagation private sh -c '
			mount -t proc proc "$1/proc" &&
			exec chroot "$1" make -C "/lib/modules/$2/build" \
				M=/usr/src/lrupool-build W=1 modules
		' sh "$root" "$rel" >"$log" 2>&1 ||
			{ cat "$log" >&2; die "build for $k ($rel) failed"; }
		mkdir -p "$top/build/$k"
		cp "$out/lrupool.ko" "$top/build/$k/lrupool.ko"
	else
		make -C "/lib/modules/$rel/build" M="$out" W=1 modules \
			>"$log" 2>&1 ||
			{ cat "$log" >&2; die "build for $k ($rel) failed"; }
	fi
	if grep -qiE 'warning:|error:' "$log"; then
		grep -iE -B2 -A4 'warning:|error:' "$log" >&2
		die "build for $k ($rel) is not warning-free with W=1"
	fi
	echo "$top/build/$k/lrupool.ko"
}

# shellcheck disable=SC2086 # a list of words
[ $# -gt 0 ] || set -- $ALL_KERNELS
for k in "$@"; do
	build_one "$k"
done
