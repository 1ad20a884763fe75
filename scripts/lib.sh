# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers for lrupool's scripts: where things are cached and where
# each supported kernel's image and headers live.

CACHE=${LRUPOOL_CACHE:-/var/cache/lrupool}
ALL_KERNELS="6.1 6.12 7.2"

log() { printf '[lrupool] %s\n' "$*" >&2; }
die() { printf '[lrupool] error: %s\n' "$*" >&2; exit 1; }
need_root() { [ "$(id -u)" = 0 ] || die "run as root"; }

# installed_abi <series>: the newest host-installed kernel of that series.
installed_abi() {
	local series=$1
	{ ls -1d /usr/src/linux-headers-"$series".*-amd64 2>/dev/null || :; } |
		sed 's|.*/linux-headers-||' | sort -V | tail -n1
}

# The debug kernel's cache (scripts/debug-kernel.sh builds it).
debug_dir() { echo "$CACHE/debug"; }
debug_ready() { [ -s "$(debug_dir)/ready" ]; }

# The sid chroot that builds for the kernel it carries.
sid_dir() { echo "$CACHE/sid"; }

sid_release() {
	{ ls -1 "$(sid_dir)/lib/modules" 2>/dev/null || :; } | sort -V | tail -n1
}

# kernel_release <6.1|6.12|7.2|debug>: the kernel's release string
# (uname -r); empty if it is not installed (or, for debug, not built).
kernel_release() {
	case "$1" in
	6.1|6.12) installed_abi "$1" ;;
	7.2) sid_release ;;
	debug) ! debug_ready || cat "$(debug_dir)/build/include/config/kernel.release" ;;
	*) die "unknown kernel '$1' (supported: $ALL_KERNELS debug)" ;;
	esac
}

# kernel_image <kernel>: path to its vmlinuz on the host.
kernel_image() {
	local rel
	rel=$(kernel_release "$1")
	case "$1" in
	7.2) echo "$(sid_dir)/boot/vmlinuz-$rel" ;;
	debug) echo "$(debug_dir)/build/arch/x86/boot/bzImage" ;;
	*) echo "/boot/vmlinuz-$rel" ;;
	esac
}

# kernel_root <kernel>: the filesystem root holding its headers.
kernel_root() {
	case "$1" in
	7.2) sid_dir ;;
	*) echo / ;;
	esac
}
