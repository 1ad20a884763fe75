#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# debug-kernel.sh [--print]: build lrupool's debug kernel once and cache it.
#
# Source: Debian's linux-source-6.12, the version of the installed 6.12
# kernel (bookworm-backports), built with the host's gcc. Config: x86_64
# defconfig + kvm_guest.config + scripts/debug.config (KASAN, kmemleak,
# lockdep, DEBUG_VM, DEBUG_LIST, SHRINKER_DEBUG, fault injection). The
# result lives in $LRUPOOL_CACHE/debug (default /var/cache/lrupool/debug):
#   src/     the unpacked source tree
#   build/   the O= build tree: bzImage, and what `make -C build M=...`
#            needs to build lrupool against it
#   ready    written last; holds the hash of the config fragment and the
#            source version, so that a changed fragment rebuilds
# A second run with nothing changed does nothing. The first build takes
# 20-60 minutes on 2 cores; its log is build.log beside the tree.
#
# --print: print the cache directory if the debug kernel is ready there,
# exit 1 if not (nothing is built).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

FRAGMENT=$here/debug.config
DIR=$(debug_dir)

stamp() {
	local ver=$1
	printf '%s %s\n' "$ver" "$(sha256sum "$FRAGMENT" | cut -c1-16)"
}

source_version() {
	# The version of the installed 6.12 kernel, e.g. 6.12.95-1~bpo12+1.
	local abi
	abi=$(installed_abi 6.12)
	[ -n "$abi" ] || die "no 6.12 kernel installed: run scripts/setup.sh"
	dpkg-query -W -f='${Version}' "linux-image-$abi"
}

if [ "${1:-}" = --print ]; then
	debug_ready || exit 1
	echo "$DIR"
	exit 0
fi
[ $# -eq 0 ] || die "usage: debug-kernel.sh [--print]"
need_root

ver=$(source_version)
want=$(stamp "$ver")
if [ -e "$DIR/ready" ] && [ "$(cat "$DIR/ready")" = "$want" ]; then
	log "debug kernel ready: $(cat "$DIR/build/include/config/kernel.release")"
	exit 0
fi

for p in bc bison flex libelf-dev libssl-dev xz-utils; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="${missing:-} $p"
done
if [ -n "${missing:-}" ] ||
	[ "$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null)" != "$ver" ]; then
	log "installing linux-source-6.12=$ver${missing:+ and$missing}"
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086 # a list of words
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends --allow-downgrades \
		"linux-source-6.12=$ver" ${missing:-} >/dev/null
fi

rm -f "$DIR/ready"
mkdir -p "$DIR"
if [ "$(cat "$DIR/src/.lrupool-version" 2>/dev/null)" != "$ver" ]; then
	log "unpacking linux-source-6.12 $ver"
	rm -rf "$DIR/src" "$DIR/build"
	mkdir -p "$DIR/src"
	tar -xaf /usr/src/linux-source-6.12.tar.xz -C "$DIR/src" \
		--strip-components=1
	echo "$ver" >"$DIR/src/.lrupool-version"
fi

log "configuring (defconfig + kvm_guest.config + debug.config)"
mkdir -p "$DIR/build"
make -C "$DIR/src" O="$DIR/build" defconfig >/dev/null
(cd "$DIR/build" &&
	"$DIR/src/scripts/kconfig/merge_config.sh" -m .config \
		"$DIR/src/kernel/configs/kvm_guest.config" "$FRAGMENT" \
		>/dev/null)
make -C "$DIR/src" O="$DIR/build" olddefconfig >/dev/null
# Every option the fragment sets must have survived olddefconfig.
bad=
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF "$line" "$DIR/build/.config" || bad="$bad ${line%%=*}"
		;;
	esac
done <"$FRAGMENT"
[ -z "$bad" ] || die "options not taken by the kernel:$bad"

log "building (20-60 minutes the first time; log: $DIR/build.log)"
if ! make -C "$DIR/src" O="$DIR/build" -j"$(nproc)" bzImage modules \
	>"$DIR/build.log" 2>&1; then
	tail -n 40 "$DIR/build.log" >&2
	die "debug kernel build failed"
fi
echo "$want" >"$DIR/ready"
log "debug kernel ready: $(cat "$DIR/build/include/config/kernel.release")"
