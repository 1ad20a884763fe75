#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-check.sh [kernel...]: show that dkms.conf builds lrupool for the
# host-installed kernels (default 6.1 and 6.12): dkms add, dkms build (both
# modules, lrupool and lrupool_dmabuf, must come out), then dkms remove,
# leaving no trace. Prints TAP.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

need_root
[ $# -gt 0 ] || set -- 6.1 6.12

name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$top/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
stage=

cleanup() {
	dkms remove "$name/$ver" --all >/dev/null 2>&1 || true
	rm -rf "/usr/src/$name-$ver"
	[ -z "$stage" ] || rm -rf "$stage"
}
trap cleanup EXIT

# Start from nothing: a previous interrupted run may have left a copy.
cleanup
stage=$(mktemp -d)
mkdir "$stage/$name-$ver"
(cd "$top" && cp -a dkms.conf Kbuild Makefile src include dmabuf \
	"$stage/$name-$ver/")

echo "1..$(($# + 1))"
n=1
if dkms add "$stage/$name-$ver" >"$stage/add.log" 2>&1; then
	echo "ok $n dkms: add $name/$ver"
else
	echo "not ok $n dkms: add $name/$ver"
	sed 's/^/# /' "$stage/add.log"
	exit 1
fi
failed=0
for k in "$@"; do
	n=$((n + 1))
	rel=$(kernel_release "$k")
	if [ -n "$rel" ] && dkms build "$name/$ver" -k "$rel" \
		>"$stage/build.log" 2>&1 &&
		ls /var/lib/dkms/"$name/$ver/$rel"/*/module/"$name".ko* \
			>/dev/null 2>&1 &&
		ls /var/lib/dkms/"$name/$ver/$rel"/*/module/lrupool_dmabuf.ko* \
			>/dev/null 2>&1; then
		echo "ok $n dkms: build for $k ($rel)"
	else
		echo "not ok $n dkms: build for $k (${rel:-not installed})"
		sed 's/^/# /' "$stage/build.log"
		failed=1
	fi
done
exit $failed
