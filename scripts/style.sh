#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# style.sh: checkpatch --strict and kernel-doc over the module's sources, and
# the scripts (tools/lrupool too) through shellcheck.
# checkpatch.pl comes from Debian's linux-source package, unpacked once into
# $LRUPOOL_CACHE/checkpatch (never committed); kernel-doc from the installed
# headers. Prints TAP, one test per check, and exits non-zero on a finding.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

SRC_PKG=linux-source-6.1
CP_DIR=$CACHE/checkpatch

fetch_checkpatch() {
	local tmp deb
	[ -x "$CP_DIR/scripts/checkpatch.pl" ] && return
	need_root
	tmp=$(mktemp -d)
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	log "fetching checkpatch.pl from $SRC_PKG"
	(cd "$tmp" && apt-get download -qq "$SRC_PKG" >/dev/null 2>&1) || {
		apt-get update -qq >/dev/null
		(cd "$tmp" && apt-get download -qq "$SRC_PKG" >/dev/null)
	}
	deb=$(ls "$tmp"/*.deb)
	dpkg-deb -x "$deb" "$tmp/x"
	mkdir -p "$CP_DIR.new/scripts"
	tar -xaf "$tmp"/x/usr/src/linux-source-*.tar.* -C "$CP_DIR.new" \
		--strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch' '*/scripts/kernel-doc'
	rm -rf "$CP_DIR"
	mv "$CP_DIR.new" "$CP_DIR"
}

n=0
failed=0

# check <name> <command...>: one TAP line; the command passes when it exits
# 0 and prints nothing.
check() {
	local name=$1 out rc=0
	shift
	n=$((n + 1))
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -eq 0 ] && [ -z "$out" ]; then
		echo "ok $n style: $name"
	else
		echo "not ok $n style: $name"
		printf '%s\n' "$out" | sed 's/^/# /'
		failed=1
	fi
}

main() {
	local files
	fetch_checkpatch
	cd "$top"
	local c
	files=(src/*.c src/*.h include/lrupool/*.h dmabuf/*.c)
	# The modules built against lrupool.ko's exports.
	for c in test/fixtures/embed/*.c bench/*.h bench/*/*.c; do
		[ -f "$c" ] && files+=("$c")
	done
	echo "1..3"
	check "checkpatch --strict is clean" \
		perl "$CP_DIR/scripts/checkpatch.pl" --no-tree -f --strict \
		--quiet --show-types "${files[@]}"
	check "kernel-doc is complete" \
		perl "$CP_DIR/scripts/kernel-doc" -none "${files[@]}"
	local scripts=(scripts/*.sh guest/*.sh test/lib/*.bash .ci/run)
	local f
	for f in scripts/bench tools/lrupool test/lib/*.sh test/lib/*/*.sh \
		test/fixtures/splat-module/*.sh test/fixtures/lrupool-record/*.sh; do
		[ -f "$f" ] && scripts+=("$f")
	done
	check "the scripts are shellcheck-clean" shellcheck -x "${scripts[@]}"
	return $failed
}

main "$@"
