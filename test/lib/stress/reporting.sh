# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: settings the driver sets, results the
# tests read.
# shellcheck disable=SC2034,SC2154
#
# stress.sh's reporting: the report's lines, polls that say what they wait
# for, failures.

# ---------------------------------------------------------------------------
# Reporting

# st_say <line>...: a line of the report (on $ST_SAY_FD, after $ST_SAY_PREFIX).
st_say() {
	local l

	while IFS= read -r l; do
		printf '%s%s\n' "${ST_SAY_PREFIX:-}" "$l" >&"${ST_SAY_FD:-1}"
	done <<< "$*"
}

# st_at: the time since the start.
st_at() {
	echo "at $((SECONDS - ST_T0)) s"
}

# st_poll <what> <state-command> <command> [args...]: lp_wait_until with
# the deadline ST_DEADLINE, saying what it waits for and what the state
# command shows after 10 s, so that even a run cut short by a timeout
# tells what it was waiting for.
st_poll() {
	local what=$1 state=$2 said=$((SECONDS + 10)) end=$((SECONDS + ST_DEADLINE))

	shift 2
	until "$@"; do
		if [ "$SECONDS" -ge "$said" ]; then
			st_say "still waiting for $what ($(st_at)): $($state | tr '\n' ' ')"
			said=$((SECONDS + 20))
		fi
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# st_fail <message>: report a failed check and carry on.
st_fail() {
	ST_FAILED=$((ST_FAILED + 1))
	ST_FAILURES+=("$(head -n 1 <<< "$1")")
	st_say "FAIL: $1"
}

# st_dump: the module's view, for a failure message.
st_dump() {
	local f

	for f in pages/stats pages/count pages/buffers objects/stats objects/count; do
		[ -r "$LP_ROOT/$f" ] || continue
		echo "--- $f"
		head -n 40 "$LP_ROOT/$f"
	done
}
