# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared helpers for lrupool's scripts: where things are cached and where
# each supported kernel's image and headers live.

CACHE=${LRUPOOL_CACHE:-/var/cache/lrupool}
ALL_KERNELS="6.1 6.12 7.2 7.3"
# The kernels that live in the sid chroot (7.3 from experimental).
SID_KERNELS="7.2 7.3"

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

# The sid chroot that builds for the kernels it carries.
sid_dir() { echo "$CACHE/sid"; }

# sid_kernel <kernel>: whether that kernel lives in the sid chroot.
sid_kernel() {
	case " $SID_KERNELS " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# sid_release <series>: the newest kernel of that series (7.2 is 7.2.13,
# never 7.3-rc7) in the sid chroot.
sid_release() {
	local series=$1
	{ ls -1 "$(sid_dir)/lib/modules" 2>/dev/null || :; } |
		{ grep -E "^${series//./\\.}[.-]" || :; } | sort -V | tail -n1
}

# kernel_release <6.1|6.12|7.2|7.3|debug>: the kernel's release string
# (uname -r); empty if it is not installed (or, for debug, not built).
kernel_release() {
	case "$1" in
	6.1|6.12) installed_abi "$1" ;;
	debug) ! debug_ready || cat "$(debug_dir)/build/include/config/kernel.release" ;;
	*)
		sid_kernel "$1" ||
			die "unknown kernel '$1' (supported: $ALL_KERNELS debug)"
		sid_release "$1"
		;;
	esac
}

# kernel_image <kernel>: path to its vmlinuz on the host.
kernel_image() {
	local rel
	rel=$(kernel_release "$1")
	if sid_kernel "$1"; then
		echo "$(sid_dir)/boot/vmlinuz-$rel"
	elif [ "$1" = debug ]; then
		echo "$(debug_dir)/build/arch/x86/boot/bzImage"
	else
		echo "/boot/vmlinuz-$rel"
	fi
}

# kernel_root <kernel>: the filesystem root holding its headers.
kernel_root() {
	if sid_kernel "$1"; then
		sid_dir
	else
		echo /
	fi
}
