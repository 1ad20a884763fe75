#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# vmtest.sh [options] [DIR...]
# vmtest.sh [options] --script FILE [ARG...]
#
# Run the bats suite of DIR... (default: test/; bats does not recurse, so
# test/host/ and test/fixtures/ are not part of it) in a QEMU guest, once per
# kernel. For each kernel: build lrupool.ko with scripts/build.sh, build an
# initramfs from host files, boot QEMU (TCG, 2 CPUs, 2 NUMA nodes of 1G
# by default; see --topology),
# run `bats --formatter tap` on the directories, unload lrupool if the suite
# left it loaded, then check the guest's dmesg and taint with
# scripts/splat-check.sh.
#
# Output: per kernel a header "# kernel K (RELEASE)" and the TAP as bats
# printed it, diagnostics as "# " lines; at the end one line
# "N passed, N failed" (", N skipped" when some were), summed over all
# kernels. Exit status 1 if anything failed: a "not ok", fewer results than
# the plan, a build failure, a splat or a taint other than O/E, a failed
# unload, a panic, or a guest that did not finish in time (a kernel that did
# not complete counts as at least one failure); 2 on a usage error.
#
# With --script, FILE runs under bash in the same guest instead of bats, with
# ARG... as its arguments (put "--" before them if one starts with "-"); its
# output (stdout and stderr) is streamed as it comes, and the kernel log
# checks are the same. Exit status: 1 if the script failed on any kernel or a
# check failed. No closing count line.
#
# Options:
#   -k, --kernels "K..."  kernels to run on (default: $KERNELS, else
#                         "6.1 6.12 7.2 7.3"); "debug" is the debug kernel
#                         that scripts/debug-kernel.sh builds and caches
#   -t, --timeout SECS    wall-clock limit on each QEMU run (default:
#                         $LRUPOOL_VM_TIMEOUT, else 1200)
#   -j, --jobs N          run up to N kernels' guests at once (default:
#                         $LRUPOOL_VM_JOBS, else 1); each kernel's output
#                         is printed whole, in the order of -k, as its
#                         guest ends
#   --test-timeout SECS   BATS_TEST_TIMEOUT in the guest (default:
#                         $BATS_TEST_TIMEOUT if set, else 300; 0 or an empty
#                         value: no per-test limit)
#   --no-build            use build/K/lrupool.ko as it is
#   --no-module           boot without lrupool.ko (nothing is built)
#   --script FILE         run FILE instead of the bats suite (see above)
#   --files DIR           copy DIR's contents into the guest as
#                         /lrupool/files (LRUPOOL_FILES in the guest)
#   --env NAME=VALUE      export NAME=VALUE to the suite or script in the
#                         guest (repeatable)
#   --memory MB           guest memory, split over its two NUMA nodes
#                         with memory (default: $LRUPOOL_VM_MEMORY, else 2048)
#   --topology NAME       the guest's CPUs and NUMA nodes: two-nodes (the
#                         default: 2 CPUs, node 0 with CPU 0 and node 1 with
#                         CPU 1, half the memory each) or cpu-only-node
#                         (3 CPUs: the same two nodes and a node 2 holding
#                         CPU 2 and no memory)
#   --append "ARGS"       append to the kernel command line (also
#                         $LRUPOOL_CMDLINE), e.g. kfence.sample_interval=10
#   --icount SHIFT        count instructions as the guest's clock: QEMU's
#                         -icount shift=SHIFT,sleep=off with one TCG thread
#                         (2^SHIFT ns an instruction; the same code gives
#                         the same times every run); default
#                         $LRUPOOL_VM_ICOUNT, else off
#   --console             copy the guest console to stderr as it runs
#   --keep                keep the work directory (its path goes to stderr)
#   -h, --help            print this text
#
# The guest (scripts/guest-init.sh is its /init):
#   /lrupool/lrupool.ko   the module, not loaded when the suite starts
#   /lrupool/lrupool_embed.ko, /lrupool/lrupool_bench.ko,
#   /lrupool/lrupool_dmabuf.ko
#                         the modules built against its exports: the test
#                         fixture that embeds a page-pool instance, the
#                         benchmark and /dev/lrupool's driver
#   /lrupool/lib/         copy of the repository's test/lib/
#   /lrupool/tests/NAME/  each DIR, by its base name (host/ and fixtures/
#                         subdirectories left out); bats runs from
#                         /lrupool/tests
#   environment           LRUPOOL_KO=/lrupool/lrupool.ko,
#                         LRUPOOL_EMBED_KO, LRUPOOL_BENCH_KO,
#                         LRUPOOL_DMABUF_KO (the above),
#                         LRUPOOL_LIB=/lrupool/lib,
#                         LRUPOOL_KERNEL=<6.1|6.12|7.2|7.3|debug>,
#                         BATS_TEST_TIMEOUT, HOME=/root, TMPDIR=/tmp
#   mounted               proc, sysfs, devtmpfs, devpts, tmpfs on /tmp and
#                         /dev/shm, debugfs on /sys/kernel/debug, cgroup2 on
#                         /sys/fs/cgroup with +memory in the root's
#                         cgroup.subtree_control
#   tools                 busybox applets, bash, bats with bats-support,
#                         bats-assert and bats-file (bats_load_library),
#                         kmod (insmod, rmmod, lsmod, modinfo), procps (ps,
#                         pkill; bats's per-test timeout needs them), tmux
#                         (with the host's terminfo and C.UTF-8 locale),
#                         jq, setpriv,
#                         tools/lrupool as /usr/bin/lrupool, and the static
#                         programs scripts/build-user.sh builds (tools/*.c,
#                         test/fixtures/user/*.c) in /usr/bin
# Kernel command line: console=ttyS0 panic=-1 slub_debug=FZPU,lrupool*
# page_poison=1 log_buf_len=4M no_timer_check (a guest starved of host CPU
# while it boots fails the IO-APIC timer check and panics), and QEMU runs
# with -no-reboot. On a kernel
# with kmemleak the guest clears its report before the suite and scans
# after unloading lrupool; what it then reports is a failure. The console
# (ttyS0) goes to a file; results come back over ttyS1, so kernel messages
# never mix into the TAP.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

CMDLINE_BASE="console=ttyS0 panic=-1 slub_debug=FZPU,lrupool* page_poison=1 log_buf_len=4M no_timer_check"
CONSOLE_TAIL=200

usage() {
	sed -n '4,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
}

usage_error() {
	printf 'vmtest.sh: %s (see vmtest.sh --help)\n' "$1" >&2
	exit 2
}

is_uint() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }

kernels=${KERNELS:-$ALL_KERNELS}
vm_timeout=${LRUPOOL_VM_TIMEOUT:-1200}
bats_timeout=${BATS_TEST_TIMEOUT-300}
build=1
module=1
script=
append=${LRUPOOL_CMDLINE:-}
topology=two-nodes
show_console=
keep=
files=
memory=${LRUPOOL_VM_MEMORY:-2048}
jobs=${LRUPOOL_VM_JOBS:-1}
icount=${LRUPOOL_VM_ICOUNT:-}
guest_env=()
args=()

while [ $# -gt 0 ]; do
	case $1 in
	-k | --kernels) [ $# -ge 2 ] || usage_error "$1 needs a value"; kernels=$2; shift 2 ;;
	-t | --timeout) [ $# -ge 2 ] || usage_error "$1 needs a value"; vm_timeout=$2; shift 2 ;;
	-j | --jobs) [ $# -ge 2 ] || usage_error "$1 needs a value"; jobs=$2; shift 2 ;;
	--test-timeout) [ $# -ge 2 ] || usage_error "$1 needs a value"; bats_timeout=$2; shift 2 ;;
	--no-build) build=; shift ;;
	--no-module) module=; build=; shift ;;
	--script) [ $# -ge 2 ] || usage_error "$1 needs a file"; script=$2; shift 2 ;;
	--append) [ $# -ge 2 ] || usage_error "$1 needs a value"; append="${append:+$append }$2"; shift 2 ;;
	--files) [ $# -ge 2 ] || usage_error "$1 needs a directory"; files=$2; shift 2 ;;
	--memory) [ $# -ge 2 ] || usage_error "$1 needs a value"; memory=$2; shift 2 ;;
	--topology) [ $# -ge 2 ] || usage_error "$1 needs a value"; topology=$2; shift 2 ;;
	--env)
		[ $# -ge 2 ] || usage_error "$1 needs NAME=VALUE"
		[[ $2 =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || usage_error "bad --env '$2' (NAME=VALUE)"
		guest_env+=("$2"); shift 2 ;;
	--icount) [ $# -ge 2 ] || usage_error "$1 needs a value"; icount=$2; shift 2 ;;
	--console) show_console=1; shift ;;
	--keep) keep=1; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; args+=("$@"); break ;;
	-*) usage_error "unknown option $1" ;;
	*) args+=("$1"); shift ;;
	esac
done

if ! is_uint "$vm_timeout" || [ "$vm_timeout" -eq 0 ]; then
	usage_error "bad timeout '$vm_timeout'"
fi
[ -z "$bats_timeout" ] || is_uint "$bats_timeout" ||
	usage_error "bad test timeout '$bats_timeout'"
if ! is_uint "$jobs" || [ "$jobs" -eq 0 ]; then
	usage_error "bad number of jobs '$jobs'"
fi
if [ -n "$icount" ] && { ! is_uint "$icount" || [ "$icount" -gt 10 ]; }; then
	usage_error "bad icount shift '$icount' (0 to 10)"
fi
accel=(-accel tcg)
[ -z "$icount" ] || accel=(-accel "tcg,thread=single" -icount "shift=$icount,sleep=off")
if ! is_uint "$memory" || [ "$memory" -lt 512 ] || [ $((memory % 2)) -ne 0 ]; then
	usage_error "bad memory size '$memory' (an even number of MB, at least 512)"
fi
case $topology in
two-nodes | cpu-only-node) ;;
*) usage_error "unknown topology '$topology' (two-nodes, cpu-only-node)" ;;
esac
[ -z "$files" ] || [ -d "$files" ] || usage_error "no such directory: $files"
read -r -a kernel_list <<<"$kernels"
[ ${#kernel_list[@]} -gt 0 ] || usage_error "no kernel given"
for k in "${kernel_list[@]}"; do
	case " $ALL_KERNELS debug " in
	*" $k "*) ;;
	*) usage_error "unknown kernel '$k' (supported: $ALL_KERNELS debug)" ;;
	esac
done
if [ -n "$script" ]; then
	[ -f "$script" ] || usage_error "no such script: $script"
	mode=script
else
	mode=bats
	[ ${#args[@]} -gt 0 ] || args=("$top/test")
	for d in "${args[@]}"; do
		[ -e "$d" ] || usage_error "no such test directory: $d"
	done
fi
for tool in qemu-system-x86_64 busybox bash bats cpio gzip timeout; do
	command -v "$tool" >/dev/null || die "$tool not found: run scripts/setup.sh"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/lrupool-vmtest.XXXXXX")
qemu_pid=
cleanup() {
	local pids
	# The subshells of -j, which stop their own guests.
	pids=$(jobs -pr)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086 # a list of pids
		kill $pids 2>/dev/null || :
		wait 2>/dev/null || :
	fi
	if [ -n "$qemu_pid" ]; then
		kill "$qemu_pid" 2>/dev/null || :
		wait "$qemu_pid" 2>/dev/null || :
	fi
	if [ -n "$keep" ]; then
		log "work directory kept: $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- initramfs -------------------------------------------------------------

# copy_file PATH ROOT: copy PATH (dereferenced) to the same path under ROOT.
copy_file() {
	local dest=$2$1
	[ -e "$dest" ] && return
	mkdir -p "$(dirname "$dest")"
	cp -L "$1" "$dest"
}

# copy_bin PATH ROOT: copy an executable and the libraries it needs.
copy_bin() {
	local lib
	copy_file "$1" "$2"
	while read -r lib; do
		copy_file "$lib" "$2"
	done < <(ldd "$1" 2>/dev/null |
		awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }')
}

# The part of the initramfs that is the same for every kernel: tools, init,
# test library, tests (or the script).
build_base() {
	local root=$work/base d name n src kbin cmd applet
	mkdir -p "$root"/usr/bin "$root"/usr/sbin "$root"/usr/lib "$root"/usr/lib64 \
		"$root"/proc "$root"/sys "$root"/dev "$root"/tmp "$root"/root \
		"$root"/etc "$root"/mnt "$root"/lrupool/tests "$root"/lrupool/lib
	for d in bin sbin lib lib64; do
		ln -s "usr/$d" "$root/$d"
	done

	copy_bin "$(command -v bash)" "$root"
	# kmod's tools, when the host has them; busybox's otherwise.
	if kbin=$(command -v kmod); then
		copy_bin "$kbin" "$root"
		for cmd in insmod rmmod lsmod modinfo modprobe depmod; do
			ln -sf ../bin/kmod "$root/usr/sbin/$cmd"
		done
	fi
	# bats's per-test timeout needs ps -ef with a PPID column, or pkill;
	# the tests of tools/lrupool drive it under tmux, parse its JSON with
	# jq and run it as another user with setpriv.
	for cmd in ps pkill pgrep tmux jq setpriv; do
		kbin=$(command -v "$cmd") || continue
		[ "$(readlink -f "$kbin")" = "$(readlink -f "$(command -v busybox)")" ] &&
			continue
		copy_bin "$kbin" "$root"
	done
	cp -L "$(command -v busybox)" "$root/usr/bin/busybox"
	while read -r applet; do
		applet=${applet#/}
		case $applet in
		bin/* | sbin/* | usr/bin/* | usr/sbin/*) ;;
		*) continue ;;
		esac
		applet=usr/${applet#usr/}
		[ -e "$root/$applet" ] || [ -L "$root/$applet" ] ||
			ln -s /usr/bin/busybox "$root/$applet"
	done < <("$root/usr/bin/busybox" --list-full)

	# bats and its libraries (bats_load_library looks in /usr/lib/bats).
	for src in usr/bin/bats usr/libexec/bats-core usr/lib/bats-core usr/lib/bats; do
		[ -e "/$src" ] || die "/$src is missing: run scripts/setup.sh"
	done
	tar -C / -cf - usr/bin/bats usr/libexec/bats-core usr/lib/bats-core \
		usr/lib/bats | tar -C "$root" -xf -

	# tmux looks up the terminal types of its panes, and needs a UTF-8
	# locale (it asks for C.UTF-8).
	for d in /lib/terminfo /usr/share/terminfo/t /usr/lib/locale/C.utf8; do
		[ -d "$d" ] || continue
		mkdir -p "$root$d"
		cp -a "$d/." "$root$d/"
	done
	install -m 0755 "$top/tools/lrupool" "$root/usr/bin/lrupool"
	# The static user programs (tools/*.c, test/fixtures/user/*.c).
	cmd=$("$here/build-user.sh" "$work/user") ||
		die "the user programs do not build"
	for cmd in $cmd; do
		install -m 0755 "$cmd" "$root/usr/bin/$(basename "$cmd")"
	done

	printf 'root:x:0:0:root:/root:/bin/bash\n' >"$root/etc/passwd"
	printf 'root:x:0:\n' >"$root/etc/group"
	printf 'lrupool-guest\n' >"$root/etc/hostname"
	install -m 0755 "$here/guest-init.sh" "$root/init"

	if [ -d "$top/test/lib" ]; then
		cp -a "$top/test/lib/." "$root/lrupool/lib/"
	fi
	if [ -n "$files" ]; then
		mkdir -p "$root/lrupool/files"
		cp -a "$files/." "$root/lrupool/files/"
	fi

	guest_args=()
	if [ "$mode" = script ]; then
		install -m 0755 "$script" "$root/lrupool/script"
		guest_args=("${args[@]}")
	else
		for d in "${args[@]}"; do
			name=$(basename "$(realpath "$d")")
			n=1
			while [ -e "$root/lrupool/tests/$name" ]; do
				n=$((n + 1))
				name=$(basename "$(realpath "$d")")-$n
			done
			if [ -d "$d" ]; then
				cp -a "$d" "$root/lrupool/tests/$name"
				rm -rf "$root/lrupool/tests/$name/host" \
					"$root/lrupool/tests/$name/fixtures"
			else
				cp -a "$d" "$root/lrupool/tests/$name"
			fi
			guest_args+=("$name")
		done
	fi

	make_cpio "$root" "$work/base.cpio.gz"
}

make_cpio() {
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$2"
}

# write_env FILE KERNEL: the guest's /lrupool/env.
write_env() {
	local e
	{
		printf 'LRUPOOL_NONCE=%q\n' "$nonce"
		printf 'LRUPOOL_MODE=%q\n' "$mode"
		printf 'LRUPOOL_ARGS=('
		[ ${#guest_args[@]} -eq 0 ] || printf ' %q' "${guest_args[@]}"
		printf ' )\n'
		printf 'LRUPOOL_BATS_TIMEOUT=%q\n' "$bats_timeout"
		if [ "$vm_timeout" -ge 40 ]; then
			printf 'LRUPOOL_DUMP_AT=%d\n' $((vm_timeout - 15))
		fi
		printf 'export LRUPOOL_KERNEL=%q\n' "$2"
		printf 'export LRUPOOL_KO=/lrupool/lrupool.ko\n'
		printf 'export LRUPOOL_EMBED_KO=/lrupool/lrupool_embed.ko\n'
		printf 'export LRUPOOL_BENCH_KO=/lrupool/lrupool_bench.ko\n'
		printf 'export LRUPOOL_DMABUF_KO=/lrupool/lrupool_dmabuf.ko\n'
		printf 'export LRUPOOL_LIB=/lrupool/lib\n'
		[ -z "$files" ] || printf 'export LRUPOOL_FILES=/lrupool/files\n'
		for e in "${guest_env[@]}"; do
			printf 'export %s=%q\n' "${e%%=*}" "${e#*=}"
		done
	} >"$1"
}

# --- running a guest ---------------------------------------------------------

# Print the output section of the results channel as it arrives. The guest
# puts a newline before each marker: an empty line just before a marker is
# not output.
follow_output() {
	local file=$1 pid=$2 line in='' held=''
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		case $line in
		"$mark "*)
			held=
			case $line in
			"$mark OUT-BEGIN") in=1 ;;
			*) in= ;;
			esac
			;;
		*)
			[ -n "$in" ] || continue
			[ -z "$held" ] || printf '\n'
			held=
			if [ -z "$line" ]; then
				held=1
			else
				printf '%s\n' "$line"
			fi
			;;
		esac
	done < <(tail -n +1 -f --pid="$pid" "$file")
}

# parse_results FILE DIR: split the results channel into DIR/out, DIR/dmesg,
# DIR/kmemleak and DIR/marks (one "WORD [ARG]" line per marker).
parse_results() {
	tr -d '\r' <"$1" | awk -v mark="$mark" -v dir="$2" '
	BEGIN { out = dir "/out"; dmesg = dir "/dmesg"; marks = dir "/marks"
		leak = dir "/kmemleak"
		printf "" > out; printf "" > dmesg; printf "" > marks
		printf "" > leak; sec = "" }
	index($0, mark " ") == 1 {
		held = 0
		w = substr($0, length(mark) + 2)
		print w > marks
		if (w == "OUT-BEGIN") sec = "out"
		else if (w == "DMESG-BEGIN") sec = "dmesg"
		else if (w == "KMEMLEAK-BEGIN") sec = "leak"
		else sec = ""
		next
	}
	sec == "" { next }
	{
		f = (sec == "out") ? out : (sec == "dmesg") ? dmesg : leak
		if (held) print "" > f
		held = ($0 == "")
		if (!held) print > f
	}'
}

# marker WORD: the argument of the last WORD marker ("" if none, status 1).
marker() {
	local v
	v=$(awk -v w="$1" '$1 == w { found = 1; $1 = ""; sub(/^ /, ""); v = $0 }
		END { if (found) print v; exit !found }' "$kdir/marks") || return 1
	printf '%s\n' "$v"
}

indent() { tr -d '\r' | sed 's/^/# /'; }

# --- per kernel --------------------------------------------------------------

total_pass=0
total_fail=0
total_skip=0
anything_failed=

kfail() {
	printf '# FAIL kernel %s: %s\n' "$k" "$1"
	k_fail=$((k_fail + 1))
}

# test_kernel K: everything for one kernel; counts into run_kernel's k_pass,
# k_fail and k_skip.
test_kernel() {
	local k=$1 rel img ko qrc plan_seen plan pass fail skip results
	local missing rc taint check console_pid
	kdir=$work/$k
	mkdir -p "$kdir/root/lrupool"

	rel=$(kernel_release "$k")
	printf '# kernel %s (%s)\n' "$k" "${rel:-not installed}"
	if [ -z "$rel" ]; then
		kfail "kernel $k is not installed: run scripts/setup.sh"
		return
	fi
	img=$(kernel_image "$k")
	if [ ! -r "$img" ]; then
		kfail "cannot read $img"
		return
	fi

	if [ -n "$module" ]; then
		if [ -n "$build" ]; then
			if ! ko=$("$here/build.sh" "$k" 2>"$kdir/build.log" | tail -n1) ||
				[ ! -f "$ko" ]; then
				indent <"$kdir/build.log"
				kfail "module build failed"
				return
			fi
		else
			ko=${LRUPOOL_BUILD_DIR:-$top/build}/$k/lrupool.ko
			[ -f "$ko" ] || { kfail "$ko is missing (--no-build)"; return; }
		fi
		# lrupool.ko and the modules built against its exports.
		cp "$ko" "$(dirname "$ko")"/lrupool_*.ko "$kdir/root/lrupool/"
	fi
	write_env "$kdir/root/lrupool/env" "$k"
	make_cpio "$kdir/root" "$kdir/overlay.cpio.gz"
	cat "$work/base.cpio.gz" "$kdir/overlay.cpio.gz" >"$kdir/initrd"

	: >"$kdir/console"
	: >"$kdir/results"
	# One socket per CPU: with two CPUs in one socket, each on its own
	# NUMA node, the kernel WARNs at boot (topology_sane(), "llc-sibling
	# ... is not on the same node").
	timeout -k 10 "$vm_timeout" qemu-system-x86_64 \
		-nodefaults "${accel[@]}" "${topology_args[@]}" \
		-m "${memory}M" \
		-object memory-backend-ram,id=m0,size=$((memory / 2))M \
		-object memory-backend-ram,id=m1,size=$((memory / 2))M \
		-numa node,nodeid=0,cpus=0,memdev=m0 \
		-numa node,nodeid=1,cpus=1,memdev=m1 \
		"${cpu_only_node[@]}" \
		-kernel "$img" -initrd "$kdir/initrd" \
		-append "$CMDLINE_BASE${append:+ $append}" \
		-display none -monitor none \
		-serial "file:$kdir/console" -serial "file:$kdir/results" \
		-no-reboot </dev/null >"$kdir/qemu.log" 2>&1 &
	qemu_pid=$!
	console_pid=
	if [ -n "$show_console" ]; then
		tail -n +1 -f --pid="$qemu_pid" "$kdir/console" >&2 &
		console_pid=$!
	fi
	follow_output "$kdir/results" "$qemu_pid"
	qrc=0
	wait "$qemu_pid" || qrc=$?
	qemu_pid=
	[ -z "$console_pid" ] || wait "$console_pid" || :

	parse_results "$kdir/results" "$kdir"

	# The TAP: plan, results, skips.
	plan_seen=0 plan=0 pass=0 fail=0 skip=0
	if [ "$mode" = bats ]; then
		read -r plan_seen plan pass fail skip < <(awk '
			/^1\.\.[0-9]+/ && !ps { ps = 1; plan = substr($0, 4) + 0 }
			/^ok [0-9]+/ { if (tolower($0) ~ / # skip/) skip++; else pass++ }
			/^not ok [0-9]+/ { fail++ }
			END { print ps + 0, plan + 0, pass + 0, fail + 0, skip + 0 }' \
			"$kdir/out")
		k_pass=$pass k_skip=$skip k_fail=$((k_fail + fail))
		results=$((pass + fail + skip))
		missing=$((plan - results))
		[ "$missing" -ge 0 ] || missing=0
	fi

	if ! marker DONE >/dev/null; then
		# The guest did not complete: a hang, a panic, or a QEMU failure.
		if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
			kfail "guest did not finish within ${vm_timeout}s (hung?)"
		elif grep -q 'Kernel panic' "$kdir/console"; then
			kfail "guest panicked (QEMU status $qrc)"
		else
			kfail "guest ended without reporting (QEMU status $qrc)"
		fi
		marker BOOT >/dev/null ||
			printf '# the guest never reached its init\n'
		if [ "$mode" = bats ] && [ "$missing" -gt 1 ]; then
			k_fail=$((k_fail + missing - 1))
		fi
		if [ -s "$kdir/qemu.log" ]; then
			printf '# QEMU:\n'
			indent <"$kdir/qemu.log"
		fi
		"$here/splat-check.sh" -q "$kdir/console" | indent || :
		printf '# last %d lines of the console:\n' "$CONSOLE_TAIL"
		tail -n "$CONSOLE_TAIL" "$kdir/console" | indent
	else
		rc=$(marker OUT-END) || rc=unknown
		if [ "$mode" = bats ]; then
			if [ "$plan_seen" = 0 ]; then
				kfail "bats printed no plan (status $rc)"
			elif [ "$missing" -gt 0 ]; then
				kfail "$missing of $plan tests did not report"
				k_fail=$((k_fail + missing - 1))
			elif [ "$rc" != 0 ] && [ "$fail" = 0 ]; then
				kfail "bats exited with status $rc"
			fi
		elif [ "$rc" != 0 ]; then
			kfail "script exited with status $rc"
		fi
		if marker SETUP-FAILED >/dev/null; then
			kfail "guest setup (mounts, cgroup controllers) failed; see the console"
			tail -n 20 "$kdir/console" | indent
		fi
		if rc=$(marker RMMOD) && [ "$rc" != 0 ]; then
			kfail "lrupool was left loaded and rmmod failed (status $rc)"
		fi
		if marker KMEMLEAK-BEGIN >/dev/null && [ -s "$kdir/kmemleak" ]; then
			kfail "kmemleak reports unreferenced objects"
			head -n 200 "$kdir/kmemleak" | indent
		fi
		taint=$(marker TAINT) || taint=
		if ! check=$("$here/splat-check.sh" "$kdir/dmesg" "$taint"); then
			kfail "kernel log or taint check failed"
			printf '%s\n' "$check" | indent
		fi
	fi

}

# run_kernel K [COUNTS]: test one kernel and print its summary; add its
# counts to the totals, or with COUNTS write "pass fail skip" there.
run_kernel() {
	local k=$1 counts=${2:-} start=$SECONDS skipped
	local k_fail=0 k_pass=0 k_skip=0

	test_kernel "$k"
	if [ "$mode" = bats ]; then
		skipped=
		[ "$k_skip" = 0 ] || skipped=", $k_skip skipped"
		printf '# kernel %s: %d passed, %d failed%s (%d s)\n' "$k" \
			"$k_pass" "$k_fail" "$skipped" $((SECONDS - start))
	elif [ "$k_fail" = 0 ]; then
		printf '# kernel %s: ok (%d s)\n' "$k" $((SECONDS - start))
	else
		printf '# kernel %s: failed (%d s)\n' "$k" $((SECONDS - start))
	fi
	if [ -n "$counts" ]; then
		echo "$k_pass $k_fail $k_skip" >"$counts"
		return
	fi
	add_counts "$k_pass" "$k_fail" "$k_skip"
}

add_counts() {
	total_pass=$((total_pass + $1))
	total_fail=$((total_fail + $2))
	total_skip=$((total_skip + $3))
	[ "$2" = 0 ] || anything_failed=1
}

# run_parallel: each kernel in a subshell of its own, at most $jobs at
# once, its output kept in a file and printed whole, in order, once it and
# the kernels before it have ended. A subshell killed before it wrote its
# counts counts as a failure.
run_parallel() {
	local i n=${#kernel_list[@]} next=0 shown=0 running=() p f s
	declare -A pid_of=()

	while [ "$shown" -lt "$n" ]; do
		while [ "$next" -lt "$n" ] && [ "${#running[@]}" -lt "$jobs" ]; do
			k=${kernel_list[$next]}
			(
				qemu_pid=
				trap '[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null' EXIT
				trap 'exit 143' TERM
				run_kernel "$k" "$work/$next.counts"
			) >"$work/$next.out" 2>&1 &
			pid_of[$next]=$!
			running+=("$next")
			next=$((next + 1))
		done
		wait -n "${pid_of[@]}" 2>/dev/null || :
		running=()
		for ((i = shown; i < next; i++)); do
			kill -0 "${pid_of[$i]}" 2>/dev/null && running+=("$i")
		done
		while [ "$shown" -lt "$next" ] && ! kill -0 "${pid_of[$shown]}" 2>/dev/null; do
			wait "${pid_of[$shown]}" 2>/dev/null || :
			cat "$work/$shown.out"
			if read -r p f s 2>/dev/null <"$work/$shown.counts"; then
				add_counts "$p" "$f" "$s"
			else
				printf '# FAIL kernel %s: its run ended without a result\n' \
					"${kernel_list[$shown]}"
				add_counts 0 1 0
			fi
			shown=$((shown + 1))
		done
	done
}

# The CPUs, and the NUMA nodes beyond the two with memory.
case $topology in
two-nodes)
	topology_args=(-smp "2,sockets=2,cores=1,threads=1")
	cpu_only_node=()
	;;
cpu-only-node)
	topology_args=(-smp "3,sockets=3,cores=1,threads=1")
	cpu_only_node=(-numa "node,nodeid=2,cpus=2")
	;;
esac

nonce=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
mark="##lrupool-$nonce##"
guest_args=()
build_base

if [ "$jobs" -gt 1 ] && [ "${#kernel_list[@]}" -gt 1 ]; then
	run_parallel
else
	for k in "${kernel_list[@]}"; do
		run_kernel "$k"
	done
fi

if [ "$mode" = bats ]; then
	if [ "$total_skip" -gt 0 ]; then
		printf '%d passed, %d failed, %d skipped\n' "$total_pass" "$total_fail" "$total_skip"
	else
		printf '%d passed, %d failed\n' "$total_pass" "$total_fail"
	fi
fi
[ -z "$anything_failed" ]
