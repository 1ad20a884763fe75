#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests.sh [KERNEL...]: the kernel's own cgroup memory selftests,
# test_kmem and test_memcontrol, on each kernel (default "6.1 6.12"; $KERNELS
# narrows it, its kernels without a linux-source package left out), once
# without lrupool and once with lrupool loaded and holding pooled pages and
# objects in the cgroups around the selftests' own (`make selftests`; not
# part of `make check`). -h prints this text.
#
# For each kernel:
#   1. install linux-source-<series> at the version of the installed
#      linux-image, if it is not installed at that version
#   2. unpack what the two selftests need (tools/testing/selftests/cgroup,
#      kselftest*.h, lib.mk, clone3/, pidfd/pidfd.h, tools/include) into
#      $LRUPOOL_CACHE/selftests/<version>/src and build them there with the
#      tree's own Makefile, statically linked, into .../bin, with one object
#      added that makes stdout line-buffered (as ksft_print_header() would);
#      a second run unpacks and rebuilds nothing. Like their Makefile, they
#      use the host's uapi headers.
#   3. boot a guest (scripts/vmtest.sh --script guest/selftests-guest.sh,
#      which says how the guest runs them) with the binaries and the host's
#      loop, ext4 and crc32c modules for that kernel: both binaries run
#      without lrupool, then lrupool is filled and they run again; a binary
#      in which a case that passed without lrupool failed with it runs once
#      more (TCG timing), and that second result counts
#
# Output: the guest's output as it comes on stderr (each line prefixed
# "<kernel> | "; a copy of the last run per kernel is kept in
# $LRUPOOL_CACHE/selftests/logs/<kernel>.log), then on stdout a table with
# one row per selftest case and, per kernel, the columns "without lrupool"
# and "with lrupool" (pass, fail, skip, or "-" when the case did not report
# or does not exist on that kernel; "fail, retry pass" where the retry was
# used), counts and run times per kernel, and a verdict line.
# Exit status: 1 if a case that passed without lrupool did not pass with it,
# or a guest run failed (a splat or a bad taint in the kernel log, lrupool's
# setup or teardown failed, a timeout); cases that fail or skip in both
# columns are the kernel's or the guest's and are reported only. 2 on a
# usage error.
#
# Environment: LRUPOOL_VM_TIMEOUT (limit on each guest run, default 3600 s),
# LRUPOOL_VM_MEMORY (guest memory, default 2048 MB), LRUPOOL_BUILD_DIR (as
# for vmtest.sh), LRUPOOL_CACHE.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

SUPPORTED="6.1 6.12"
BINARIES=(test_kmem test_memcontrol)
# What the two selftests need from the tree (below linux-source-<series>/).
MEMBERS=(
	'tools/testing/selftests/cgroup/*'
	'tools/testing/selftests/kselftest*'
	tools/testing/selftests/lib.mk
	'tools/testing/selftests/clone3/*'
	tools/testing/selftests/pidfd/pidfd.h
	'tools/include/*'
)
VM_TIMEOUT=${LRUPOOL_VM_TIMEOUT:-3600}
VM_MEMORY=${LRUPOOL_VM_MEMORY:-2048}

usage() {
	sed -n '4,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

kernels=()
case ${1:-} in
-h | --help) usage; exit 0 ;;
-*) printf 'selftests.sh: unknown option %s\n' "$1" >&2; exit 2 ;;
esac
read -r -a args <<<"$*"
if [ ${#args[@]} -gt 0 ]; then
	for k in "${args[@]}"; do
		case " $SUPPORTED " in
		*" $k "*) kernels+=("$k") ;;
		*) printf 'selftests.sh: no selftests for kernel %s (supported: %s)\n' \
			"$k" "$SUPPORTED" >&2; exit 2 ;;
		esac
	done
else
	read -r -a args <<<"${KERNELS:-$SUPPORTED}"
	for k in "${args[@]}"; do
		case " $SUPPORTED " in
		*" $k "*) kernels+=("$k") ;;
		*) log "kernel $k: no linux-source package to build selftests from, left out" ;;
		esac
	done
fi
[ ${#kernels[@]} -gt 0 ] || { printf 'selftests.sh: no kernel to run on\n' >&2; exit 2; }

# --- the selftests' sources and binaries -------------------------------------

# image_version <series>: the Debian version of the installed kernel image.
image_version() {
	local abi

	abi=$(installed_abi "$1")
	[ -n "$abi" ] || die "no $1 kernel installed: run scripts/setup.sh"
	dpkg-query -W -f='${Version}' "linux-image-$abi"
}

installed_version() {
	# dpkg-query fails for a package it has never seen: that is "none".
	{ dpkg-query -W -f='${db:Status-Status} ${Version}' "$1" 2>/dev/null || :; } |
		awk '$1 == "installed" { print $2 }'
}

# ensure_source <series> <version>: linux-source-<series> at that version.
ensure_source() {
	local pkg=linux-source-$1 ver=$2 have

	have=$(installed_version "$pkg")
	[ "$have" != "$ver" ] || return 0
	need_root
	log "installing $pkg=$ver${have:+ (replacing $have)}"
	apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		-o DPkg::Lock::Timeout=600 --no-install-recommends \
		${have:+--allow-downgrades} "$pkg=$ver" >/dev/null ||
		die "cannot install $pkg=$ver"
}

# is_static FILE: an ELF executable without a program interpreter.
is_static() {
	! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'Requesting program interpreter' &&
		LC_ALL=C readelf -h "$1" >/dev/null 2>&1
}

# build_selftests <series> <version>: unpack and build into the cache;
# prints the directory holding the binaries.
build_selftests() {
	local series=$1 ver=$2 dir src tarball bin targets=() b flags mk

	dir=$CACHE/selftests/$ver
	src=$dir/src
	tarball=/usr/src/linux-source-$series.tar.xz
	mkdir -p "$dir"
	exec 9>"$dir/.lock"
	flock 9
	if [ "$(cat "$src/.lrupool-version" 2>/dev/null)" != "$ver" ]; then
		[ -r "$tarball" ] || die "$tarball is missing"
		log "unpacking the cgroup selftests of linux-source-$series $ver"
		rm -rf "$src" "$src.new"
		mkdir -p "$src.new"
		tar -xJf "$tarball" -C "$src.new" --strip-components=1 \
			--wildcards "${MEMBERS[@]/#/linux-source-$series/}" ||
			die "unpacking $tarball failed"
		echo "$ver" >"$src.new/.lrupool-version"
		mv "$src.new" "$src"
	fi
	bin=$dir/bin
	mkdir -p "$bin"
	# test_kmem and test_memcontrol do not call ksft_print_header(), which
	# makes stdout line-buffered: into a pipe or file, what is buffered
	# when cg_run() forks is printed again by each child, and a killed
	# binary loses its last lines. A constructor linked in does the same
	# as ksft_print_header()'s setvbuf().
	printf '%s\n' '#include <stdio.h>' \
		'static void __attribute__((constructor)) linebuf(void)' \
		'{ setvbuf(stdout, NULL, _IOLBF, 0); }' >"$dir/linebuf.c.new"
	if ! cmp -s "$dir/linebuf.c.new" "$dir/linebuf.c"; then
		mv "$dir/linebuf.c.new" "$dir/linebuf.c"
		rm -f "$dir/linebuf.o"
	fi
	rm -f "$dir/linebuf.c.new"
	[ -f "$dir/linebuf.o" ] || gcc -O2 -Wall -c "$dir/linebuf.c" -o "$dir/linebuf.o" ||
		die "cannot compile $dir/linebuf.c"
	# make does not see changed flags: binaries built with others go.
	flags="USERLDFLAGS=-static LDLIBS=$dir/linebuf.o"
	if [ "$(cat "$bin/.flags" 2>/dev/null)" != "$flags" ]; then
		rm -f "$bin"/*
		printf '%s\n' "$flags" >"$bin/.flags"
	fi
	for b in "${BINARIES[@]}"; do
		targets+=("$bin/$b")
	done
	# The tree's Makefile and lib.mk give the flags (-Wall -pthread, and
	# -D_GNU_SOURCE= on 6.12); make rebuilds only what is out of date.
	mk=(make -C "$src/tools/testing/selftests/cgroup" OUTPUT="$bin"
		USERLDFLAGS=-static LDLIBS="$dir/linebuf.o" "${targets[@]}")
	if "${mk[@]}" -q >/dev/null 2>&1; then
		log "selftests of $ver: up to date in $bin"
	elif "${mk[@]}" >"$dir/build.log" 2>&1; then
		log "selftests of $ver: built in $bin"
	else
		sed 's/^/  /' "$dir/build.log" >&2
		die "building the selftests of $ver failed (log: $dir/build.log)"
	fi
	for b in "${targets[@]}"; do
		is_static "$b" || die "$b is not statically linked"
	done
	flock -u 9
	exec 9>&-
	echo "$bin"
}

# add_module <release> <dir> <module>: the module and, first, what it
# depends on, uncompressed into DIR, their names appended to DIR/order.
add_module() {
	local rel=$1 dir=$2 m=$3 path deps dep

	! grep -qx "$m" "$dir/order" || return 0
	path=$(modinfo -k "$rel" -n "$m") || die "no module $m for $rel"
	case $path in
	/*) ;;
	*) return 0 ;; # built in
	esac
	deps=$(modinfo -k "$rel" -F depends "$m")
	for dep in ${deps//,/ }; do
		add_module "$rel" "$dir" "$dep"
	done
	case $path in
	*.ko.xz) xz -dc "$path" >"$dir/$m.ko" ;;
	*.ko.zst) zstd -qdc "$path" >"$dir/$m.ko" ;;
	*.ko.gz) gzip -dc "$path" >"$dir/$m.ko" ;;
	*) cp "$path" "$dir/$m.ko" ;;
	esac || die "cannot copy $path"
	echo "$m" >>"$dir/order"
}

# stage_modules <kernel> <dir>: what the guest needs for the selftests'
# filesystem (an ext2 image on a loop device, mounted by ext4, which needs a
# crc32c driver), from the host's copy of that kernel's modules.
stage_modules() {
	local rel m

	rel=$(kernel_release "$1")
	mkdir -p "$2"
	: >"$2/order"
	for m in loop crc32c_generic ext4; do
		add_module "$rel" "$2" "$m"
	done
}

# --- running and reading a guest ---------------------------------------------

# Per kernel, filled by run_kernel and read by the table:
#   RES[kernel/column/binary/case] = pass|fail|skip
#   CASES: "binary/case" in order of first appearance, all kernels
#   NOTE[kernel]: what went wrong with the run, if anything
#   TIME[kernel]: seconds of the guest run; BTIME[kernel/column/binary]
declare -A RES NOTE TIME BTIME
CASES=()
failed_runs=0
stage=
trap '[ -z "$stage" ] || rm -rf "$stage"' EXIT

add_case() {
	local c
	for c in "${CASES[@]}"; do
		[ "$c" != "$1" ] || return 0
	done
	CASES+=("$1")
}

# parse <kernel> <log>: the results of one guest run.
parse() {
	local k=$1 tag col bin rest name res re secs
	re='^(not )?ok [0-9]+ (# SKIP )?([A-Za-z0-9_]+)'
	while read -r tag col bin rest; do
		case $tag in
		selftest)
			[[ $rest =~ $re ]] || continue
			name=${BASH_REMATCH[3]}
			if [ -n "${BASH_REMATCH[1]}" ]; then
				res=fail
			elif [ -n "${BASH_REMATCH[2]}" ]; then
				res=skip
			else
				res=pass
			fi
			RES[$k/$col/$bin/$name]=$res
			add_case "$bin/$name"
			;;
		selftest-exit)
			read -r _ secs <<<"$rest"
			BTIME[$k/$col/$bin]=$secs
			;;
		esac
	done <"$2"
}

# run_kernel <kernel>: build, boot, parse.
run_kernel() {
	local k=$1 ver bin logdir log start rc=0

	ver=$(image_version "$k")
	ensure_source "$k" "$ver"
	bin=$(build_selftests "$k" "$ver")

	stage=$(mktemp -d "${TMPDIR:-/tmp}/lrupool-selftests.XXXXXX")
	cp "$bin"/test_kmem "$bin"/test_memcontrol "$stage/"
	stage_modules "$k" "$stage/modules"
	logdir=$CACHE/selftests/logs
	mkdir -p "$logdir"
	log=$logdir/$k.log
	log "kernel $k: selftests of linux-source-$k $ver; guest output follows"
	start=$SECONDS
	nice -n 5 bash "$here/vmtest.sh" -k "$k" -t "$VM_TIMEOUT" \
		--memory "$VM_MEMORY" --files "$stage" \
		--script "$top/guest/selftests-guest.sh" 2>&1 |
		tee "$log" | sed "s/^/$k | /" >&2 || rc=$?
	TIME[$k]=$((SECONDS - start))
	rm -rf "$stage"
	stage=
	parse "$k" "$log"
	if [ "$rc" != 0 ]; then
		NOTE[$k]="the guest run failed (status $rc): $(grep -m3 '^# FAIL\|^# error' "$log" |
			tr '\n' ' ')"
		failed_runs=$((failed_runs + 1))
	fi
}

for k in "${kernels[@]}"; do
	run_kernel "$k"
done

# --- the table ---------------------------------------------------------------

# cell <kernel> <column> <binary/case> [<result without lrupool>]: sets
# SHOWN, what the table shows, and FINAL, the result that counts: in the
# column "with", for a case that passed without lrupool and not with it,
# the retry's, if there was one.
cell() {
	local k=$1 col=$2 bin=${3%%/*} name=${3#*/} without=${4:-} retry

	SHOWN=${RES[$k/$col/$bin/$name]:--}
	FINAL=$SHOWN
	if [ "$col" = with ] && [ "$without" = pass ] && [ "$SHOWN" != pass ]; then
		retry=${RES[$k/with-retry/$bin/$name]:-}
		if [ -n "$retry" ]; then
			FINAL=$retry
			SHOWN="$SHOWN, retry $retry"
		fi
	fi
}

regressions=0
retries=0
declare -A BOTH_PASS NOT_PASS WITH_ONLY
w=4
for c in "${CASES[@]}"; do
	[ ${#c} -le "$w" ] || w=${#c}
done

printf '\n%-*s' "$w" "case"
for k in "${kernels[@]}"; do
	printf ' | %-20s | %-20s' "$k without lrupool" "$k with lrupool"
done
printf '\n'
for c in "${CASES[@]}"; do
	printf '%-*s' "$w" "$c"
	mark=
	for k in "${kernels[@]}"; do
		cell "$k" without "$c"
		without=$FINAL
		printf ' | %-20s' "$SHOWN"
		cell "$k" with "$c" "$without"
		printf ' | %-20s' "$SHOWN"
		[ "$SHOWN" = "$FINAL" ] || retries=$((retries + 1))
		if [ "$without" = pass ] && [ "$FINAL" != pass ]; then
			regressions=$((regressions + 1))
			mark="$mark  <- $k: passes without lrupool only"
		elif [ "$without" = pass ]; then
			BOTH_PASS[$k]=$((${BOTH_PASS[$k]:-0} + 1))
		elif [ "$FINAL" = pass ]; then
			WITH_ONLY[$k]=$((${WITH_ONLY[$k]:-0} + 1))
		elif [ "$without" != - ] || [ "$FINAL" != - ]; then
			NOT_PASS[$k]=$((${NOT_PASS[$k]:-0} + 1))
		fi
	done
	printf '%s\n' "$mark"
done

printf '\n'
for k in "${kernels[@]}"; do
	printf 'kernel %s: %d case(s) pass in both columns, %d fail or skip in both %s, %d pass with lrupool only\n' \
		"$k" "${BOTH_PASS[$k]:-0}" "${NOT_PASS[$k]:-0}" \
		"(not counted against lrupool)" "${WITH_ONLY[$k]:-0}"
	printf 'kernel %s: guest run %d s' "$k" "${TIME[$k]:-0}"
	for col in without with with-retry; do
		for b in "${BINARIES[@]}"; do
			[ -z "${BTIME[$k/$col/$b]:-}" ] ||
				printf ', %s %s %d s' "$b" "$col" "${BTIME[$k/$col/$b]}"
		done
	done
	printf '\n'
	[ -z "${NOTE[$k]:-}" ] || printf 'kernel %s: %s\n' "$k" "${NOTE[$k]}"
done
[ "$retries" = 0 ] ||
	printf 'a retry was used for %d case(s): the binary ran once more with lrupool loaded\n' \
		"$retries"

if [ "$regressions" = 0 ] && [ "$failed_runs" = 0 ]; then
	printf 'verdict: ok: no case that passes without lrupool fails with it (%s)\n' \
		"${kernels[*]}"
	exit 0
fi
printf 'verdict: FAILED: %d case(s) pass without lrupool only, %d guest run(s) failed\n' \
	"$regressions" "$failed_runs"
if [ "$regressions" != 0 ]; then
	printf '%s\n' \
		"note: test_memcg_min, test_memcg_low, test_memcg_reclaim, test_memcg_sock and" \
		"test_kmem_dead_cgroups wait for background work with fixed sleeps; under TCG on a" \
		"loaded host they fail with and without lrupool alike (compare the binaries' run" \
		"times above): if only they failed, run again on a quiet host before believing it"
fi
exit 1
