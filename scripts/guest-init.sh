#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test guest that scripts/vmtest.sh boots. It mounts what the
# suite relies on, runs either the bats suite or a script, then reports over
# the second serial port (ttyS1), which carries nothing but this:
#
#   <mark> BOOT <uname -r>
#   <mark> OUT-BEGIN
#   ...TAP (or the script's output)...
#   <mark> OUT-END <exit status>
#   <mark> RMMOD <exit status>          (only if lrupool was still loaded)
#   <mark> KMEMLEAK-BEGIN               (only on a kernel with kmemleak)
#   ...what kmemleak reports after a scan...
#   <mark> KMEMLEAK-END
#   <mark> DMESG-BEGIN
#   ...dmesg...
#   <mark> DMESG-END
#   <mark> TAINT <value of /proc/sys/kernel/tainted>
#   <mark> DONE
#
# where <mark> is "##lrupool-<nonce>##", the nonce coming from the host, and
# each marker line is preceded by a newline.
# Progress and errors of this script go to the console (ttyS0).
# /lrupool/env, written by the host, sets LRUPOOL_NONCE, LRUPOOL_MODE
# (bats|script), LRUPOOL_ARGS (test directories, or the script's arguments),
# LRUPOOL_KERNEL, LRUPOOL_BATS_TIMEOUT, LRUPOOL_DUMP_AT (uptime in seconds at
# which to dump blocked tasks and CPU backtraces to the console, if still
# running), and the environment exported to the suite.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TMPDIR=/tmp TERM=dumb LANG=C

say() { echo "lrupool-guest: $*" >/dev/console; }

finish() {
	sync
	poweroff -f
	# Not reached unless poweroff itself failed; returning from /init
	# panics, which ends the guest as well (panic=-1 -no-reboot).
	exit 1
}

mount_all() {
	local ok=0
	mount -t proc proc /proc || ok=1
	mount -t sysfs sysfs /sys || ok=1
	mount -t devtmpfs devtmpfs /dev || ok=1
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts || ok=1
	mount -t tmpfs tmpfs /dev/shm || ok=1
	ln -sfn /proc/self/fd /dev/fd
	ln -sfn /proc/self/fd/0 /dev/stdin
	ln -sfn /proc/self/fd/1 /dev/stdout
	ln -sfn /proc/self/fd/2 /dev/stderr
	mount -t tmpfs -o mode=1777 tmpfs /tmp || ok=1
	mount -t debugfs debugfs /sys/kernel/debug || ok=1
	mount -t cgroup2 cgroup2 /sys/fs/cgroup || ok=1
	echo +memory >/sys/fs/cgroup/cgroup.subtree_control || ok=1
	return $ok
}

KMEMLEAK=/sys/kernel/debug/kmemleak

# kmemleak_scan: scan twice, past kmemleak's minimum object age, so that
# what is reported is unreferenced memory and not an object in flight.
kmemleak_scan() {
	sleep 6
	echo scan >"$KMEMLEAK"
	echo scan >"$KMEMLEAK"
}

main() {
	local rc pid i setup_failed=0

	mount_all || setup_failed=1
	# shellcheck source=/dev/null
	. /lrupool/env || { say "cannot read /lrupool/env"; finish; }

	exec 3>/dev/ttyS1 || { say "no ttyS1"; finish; }
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	# A marker starts on a line of its own even if the output before it
	# did not end its last line; the host drops the empty line this adds.
	mark() { printf '\n##lrupool-%s## %s\n' "$LRUPOOL_NONCE" "$*" >&3; }

	mark BOOT "$(uname -r)"
	mkdir -p "$HOME"
	if [ "$setup_failed" != 0 ]; then
		say "setting up the guest's mounts failed"
		mark SETUP-FAILED
	fi

	if [ -n "${LRUPOOL_BATS_TIMEOUT:-}" ] && [ "$LRUPOOL_BATS_TIMEOUT" != 0 ]; then
		export BATS_TEST_TIMEOUT=$LRUPOOL_BATS_TIMEOUT
	else
		unset BATS_TEST_TIMEOUT
	fi

	if [ -n "${LRUPOOL_DUMP_AT:-}" ]; then
		# Shortly before the host's limit on the guest, show on the
		# console what is blocked and what the CPUs are running.
		(
			while up=$(cut -d. -f1 /proc/uptime) &&
				[ "$up" -lt "$LRUPOOL_DUMP_AT" ]; do
				sleep 5
			done
			say "still running after ${up}s: blocked tasks and CPU backtraces follow"
			echo w >/proc/sysrq-trigger
			echo l >/proc/sysrq-trigger
		) </dev/null >/dev/null 2>&1 3>&- &
	fi

	if [ -e "$KMEMLEAK" ]; then
		# What the kernel leaked before the suite is not the suite's.
		say "kmemleak: scanning and clearing what boot left"
		kmemleak_scan
		echo clear >"$KMEMLEAK"
	fi

	mark OUT-BEGIN
	case $LRUPOOL_MODE in
	bats)
		say "kernel $LRUPOOL_KERNEL: bats ${LRUPOOL_ARGS[*]}"
		(cd /lrupool/tests && exec bats --formatter tap "${LRUPOOL_ARGS[@]}") \
			</dev/null >&3 2>&1
		rc=$?
		;;
	script)
		say "kernel $LRUPOOL_KERNEL: script ${LRUPOOL_ARGS[*]}"
		(cd /lrupool && exec bash /lrupool/script "${LRUPOOL_ARGS[@]}") \
			</dev/null >&3 2>&1
		rc=$?
		;;
	*)
		say "unknown mode '$LRUPOOL_MODE'"
		rc=2
		;;
	esac
	mark OUT-END "$rc"
	say "done (status $rc)"

	if grep -q '^lrupool ' /proc/modules; then
		say "lrupool still loaded: unloading it"
		# In the background, so that an unload stuck in the kernel still
		# lets the log out (status 124 then).
		rmmod lrupool >/dev/console 2>&1 &
		pid=$!
		for ((i = 0; i < 120; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 1
		done
		if kill -0 "$pid" 2>/dev/null; then
			rc=124
		else
			wait "$pid"
			rc=$?
		fi
		if [ "$rc" = 0 ] && grep -q '^lrupool ' /proc/modules; then
			rc=1
		fi
		mark RMMOD "$rc"
	fi

	if [ -e "$KMEMLEAK" ]; then
		say "kmemleak: scanning"
		kmemleak_scan
		mark KMEMLEAK-BEGIN
		cat "$KMEMLEAK" >&3
		mark KMEMLEAK-END
	fi

	mark DMESG-BEGIN
	dmesg >&3
	mark DMESG-END
	mark TAINT "$(cat /proc/sys/kernel/tainted)"
	mark DONE
	# stty sets the port's attributes once everything written to it has
	# been sent (TCSADRAIN), even if a process left behind by the suite
	# still has it open.
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	exec 3>&-
	finish
}

main "$@"
