#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what building and testing lrupool needs, idempotently:
# host packages, Debian's 6.1 and 6.12 kernel images and headers, and a sid
# chroot holding the 7.2 kernel, the 7.3 kernel from experimental, their
# headers and the toolchain that builds modules for them. Downloads are
# cached outside the repository, in $LRUPOOL_CACHE (default
# /var/cache/lrupool); a second run fetches nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

need_root

HOST_PKGS=(qemu-system-x86 busybox-static bats bats-assert bats-file
	bats-support dkms debootstrap cpio gzip kmod procps rsync shellcheck
	tmux jq gnuplot-nox)

mirror() {
	# The Debian mirror apt already uses, so that no other host is named.
	local m
	m=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list \
		2>/dev/null | grep -v security | grep -o 'https\?://[^ ]*' |
		grep -m1 debian || true)
	echo "${m:-http://deb.debian.org/debian}"
}

apt_updated=
apt_update() {
	[ -n "$apt_updated" ] && return
	log "apt-get update"
	apt-get update -qq >/dev/null
	apt_updated=1
}

apt_install() {
	# apt_install [-t suite] pkg...: install what is not installed yet.
	local target=() missing=() p
	if [ "$1" = -t ]; then target=(-t "$2"); shift 2; fi
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return
	apt_update
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${target[@]}" "${missing[@]}" >/dev/null
}

add_backports() {
	local f=/etc/apt/sources.list.d/lrupool-bookworm-backports.sources
	[ -e "$f" ] && return
	grep -rqs 'bookworm-backports' /etc/apt/sources.list \
		/etc/apt/sources.list.d/ && return
	cat >"$f" <<SRC
Types: deb
URIs: $(mirror)
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt_updated=
}

# The ABI name of the newest kernel a meta package of that suite pulls in.
abi_of() {
	local suite=$1
	apt-cache depends -t "$suite" linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\([0-9].*-amd64\)$/\1/p' |
		grep -v unsigned | head -n1
}

install_host_kernel() {
	# install_host_kernel <major.minor> <suite>
	local series=$1 suite=$2 abi
	abi=$(installed_abi "$series")
	if [ -n "$abi" ]; then
		return
	fi
	apt_update
	abi=$(abi_of "$suite")
	case "$abi" in
	"$series".*) ;;
	*) die "no $series kernel in $suite (found '$abi')" ;;
	esac
	apt_install -t "$suite" "linux-image-$abi" "linux-headers-$abi"
}

install_sid_chroot() {
	local dir=$CACHE/sid
	if [ -e "$dir/.lrupool-ready" ]; then
		return
	fi
	rm -rf "$dir"
	mkdir -p "$CACHE/debs"
	log "debootstrap sid into $dir (a few minutes)"
	debootstrap --variant=minbase --cache-dir="$CACHE/debs" \
		--include=gcc,make,libc6-dev,libelf-dev,kmod,linux-headers-amd64,linux-image-amd64 \
		sid "$dir" "$(mirror)" >"$CACHE/debootstrap.log" 2>&1 ||
		{ tail -n 30 "$CACHE/debootstrap.log"; die "debootstrap failed"; }
	touch "$dir/.lrupool-ready"
}

# The kernel that experimental adds to the sid chroot, and its packages.
EXP_SERIES=7.3
EXP_PKGS=(linux-image-7.3-amd64 linux-headers-7.3-amd64)

# sid_apt_get ARG...: apt-get inside the sid chroot, with the /proc that
# package scripts read mounted in a private mount namespace.
sid_apt_get() {
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare --mount --propagation private sh -c '
		root=$1
		shift
		mount -t proc proc "$root/proc" &&
			exec chroot "$root" env DEBIAN_FRONTEND=noninteractive \
				apt-get "$@"
	' sh "$CACHE/sid" "$@"
}

# install_sid_experimental: the EXP_SERIES kernel in the sid chroot.
# Experimental goes into the chroot's sources, pinned so that only the
# packages of that kernel (image, modules, headers, kbuild and the like,
# all named linux-<part>-<series>[-amd64|-common]) come from it; everything
# else stays sid's.
install_sid_experimental() {
	local dir=$CACHE/sid p absent="" valid opts=()
	for p in "${EXP_PKGS[@]}"; do
		# shellcheck disable=SC2016 # dpkg-query's format
		chroot "$dir" dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'ok installed' || absent=1
	done
	if [ -z "$absent" ] && [ -n "$(sid_release "$EXP_SERIES")" ]; then
		return
	fi
	cat >"$dir/etc/apt/sources.list.d/lrupool-experimental.sources" <<SRC
Types: deb
URIs: $(mirror)
Suites: experimental
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	cat >"$dir/etc/apt/preferences.d/lrupool-experimental" <<PIN
Package: *
Pin: release a=experimental
Pin-Priority: 1

Package: /^linux-[a-z]+-${EXP_SERIES//./\\.}(-amd64|-common)?\$/
Pin: release a=experimental
Pin-Priority: 500
PIN
	# The chroot's apt judges the archive's Release files as the host's
	# does (a host that reads a snapshot turns Check-Valid-Until off).
	valid=$(apt-config dump Acquire::Check-Valid-Until |
		sed -n 's/^Acquire::Check-Valid-Until "\(.*\)";$/\1/p')
	[ -z "$valid" ] || opts=(-o "Acquire::Check-Valid-Until=$valid")
	log "installing the $EXP_SERIES kernel from experimental into $dir"
	{
		sid_apt_get "${opts[@]}" update -qq &&
			sid_apt_get install -y -qq --no-install-recommends \
				"${EXP_PKGS[@]}"
	} >"$CACHE/experimental.log" 2>&1 ||
		{ tail -n 30 "$CACHE/experimental.log"; die "installing $EXP_SERIES failed"; }
	[ -n "$(sid_release "$EXP_SERIES")" ] ||
		die "no $EXP_SERIES kernel in $dir/lib/modules after installing ${EXP_PKGS[*]}"
}

main() {
	mkdir -p "$CACHE"
	# Downloaded packages are kept too, so that a rebuilt machine fetches
	# less; apt's own archive cache is the host's.
	apt_install "${HOST_PKGS[@]}"
	install_host_kernel 6.1 bookworm
	add_backports
	install_host_kernel 6.12 bookworm-backports
	install_sid_chroot
	install_sid_experimental
	for k in $ALL_KERNELS; do
		log "kernel $k: $(kernel_release "$k")"
	done
}

main "$@"
