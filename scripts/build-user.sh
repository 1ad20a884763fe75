#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build-user.sh [OUTDIR]: build the project's user-space programs, each a
# single C file, statically linked so that the same binary runs in the
# test guests (which carry no C library of their own) and on a real
# machine: every tools/*.c (the commands users run) and every
# test/fixtures/user/*.c (programs only the tests run). They see the
# project's uAPI headers (include/uapi/). Warnings are errors. OUTDIR
# defaults to $LRUPOOL_BUILD_DIR/user (build/user); prints the path of
# each binary.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

out=${1:-${LRUPOOL_BUILD_DIR:-$top/build}/user}
mkdir -p "$out"
CC=${CC:-cc}
CFLAGS=(-static -O2 -g -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE
	-I"$top/include/uapi")

shopt -s nullglob
for src in "$top"/tools/*.c "$top"/test/fixtures/user/*.c; do
	bin=$out/$(basename "$src" .c)
	if [ ! "$bin" -nt "$src" ] || [ "$top/include/uapi/linux/lrupool.h" -nt "$bin" ]; then
		"$CC" "${CFLAGS[@]}" -o "$bin.tmp" "$src" ||
			die "$src does not build"
		mv "$bin.tmp" "$bin"
	fi
	echo "$bin"
done
