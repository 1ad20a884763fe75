# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: arrays read through fz_pick's nameref,
# associative arrays fz_main declares, variables other parts set.
# shellcheck disable=SC2004,SC2034,SC2153,SC2154
#
# fuzz.sh's writing: one write(2) of the payload, its errno, the record of it.

# ---------------------------------------------------------------------------
# Writing

# fz_errno: the errno name of the message in the error file.
fz_errno() {
	local msg=

	IFS= read -r msg < "$FZ_ERRF" || :
	lp_errno "$msg"
	O=$LP_ERRNO
	[ "$O" != other ] || O="other(${msg##*: })"
	[ -n "$msg" ] || O="other(no message)"
}

# fz_put <file>: write the payload in one write(2); O = ok or the errno.
fz_put() {
	local rc

	if [ "$PL" -le 4000 ] && [ "$PM" = 0 ]; then
		# shellcheck disable=SC2059 # the payload is a format
		printf -- "$PF" 2> "$FZ_ERRF" > "$1"
		rc=$?
	else
		# shellcheck disable=SC2059
		printf -- "$PF" | dd of="$1" bs="$PL" count=1 iflag=fullblock 2> "$FZ_ERRF"
		rc=$?
	fi
	if [ "$rc" -eq 0 ]; then
		O=ok
	else
		fz_errno
	fi
}

# fz_record <file label> <class>: keep the write for the failure report.
fz_record() {
	local line bytes=$PF

	# Long runs shortened: the seed replays them.
	[ ${#bytes} -le 200 ] || bytes="${bytes:0:80}'...'${bytes: -80}"
	printf -v line '#%d cg=%s %s %s len=%d %s -> %s' "$FZ_ITER" "$FZ_CG_ID" \
		"$1" "$2" "$PL" "'$bytes'" "$O"
	FZ_RING[FZ_NR_WRITES % FZ_RING_SIZE]=$line
	FZ_NR_WRITES=$((FZ_NR_WRITES + 1))
	[ -z "$FZ_LOG" ] || printf '%s\n' "$line" >> "$FZ_LOG"
}

fz_count_outcome() {
	local label=$1 class=$2

	FZ_W[$label]=$((${FZ_W[$label]:-0} + 1))
	FZ_HIST["$label $O"]=$((${FZ_HIST["$label $O"]:-0} + 1))
	FZ_ERRS[$O]=$((${FZ_ERRS[$O]:-0} + 1))
	FZ_CLASS[$class]=$((${FZ_CLASS[$class]:-0} + 1))
	if [ "$O" = ok ] && [ "$class" = valid ]; then
		FZ_VALID_OK[$label]=$((${FZ_VALID_OK[$label]:-0} + 1))
	fi
}

fz_fail() {
	FZ_FAILS=$((FZ_FAILS + 1))
	fz_say "FAIL: $*"
	if [ "$FZ_FAILS" -eq 1 ]; then
		fz_report_ring
	fi
	FZ_STOP=1
}

fz_report_ring() {
	local i n=$FZ_NR_WRITES first

	fz_say "replay: bash fuzz.sh --seed $FZ_SEED --iterations $FZ_ITER (cgroups as given to this run)"
	fz_say "the last writes (printf formats; #iteration, writer's cgroup-id, file, class, length, bytes -> result):"
	first=$((n > FZ_RING_SIZE ? n - FZ_RING_SIZE : 0))
	for ((i = first; i < n; i++)); do
		fz_say "  ${FZ_RING[i % FZ_RING_SIZE]}"
	done
}

# fz_in <word> <list>: the word is one of the list's.
fz_in() {
	[[ " $2 " == *" $1 "* ]]
}
