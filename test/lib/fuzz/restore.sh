# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: arrays read through fz_pick's nameref,
# associative arrays fz_main declares, variables other parts set.
# shellcheck disable=SC2004,SC2034,SC2153,SC2154
#
# fuzz.sh's end: everything the fuzzer changed goes back; the summary.

# ---------------------------------------------------------------------------
# The end: everything the fuzzer changed goes back.

fz_restore() {
	local name i

	[ -z "${FZ_ORIG_CG:-}" ] || [ "${FZ_CUR:-}" = "$FZ_ORIG_CG" ] ||
		echo $$ > "$FZ_ORIG_CG/cgroup.procs" || fz_fail "cannot move back to $FZ_ORIG_CG"
	FZ_CUR=${FZ_ORIG_CG:-} FZ_CG_ID=${FZ_ID_OF[${FZ_ORIG_CG:-x}]:-1}
	FZ_STOP=0 FZ_CLAMP=0
	if [ "$FZ_READY" = 1 ]; then
		fz_restore_module
	fi
	for ((i = ${#FZ_EPH[@]} - 1; i >= 0; i--)); do
		fz_rmdir_eph "$i"
	done
	[ ${#FZ_EPH[@]} -eq 0 ] || fz_fail "cannot remove ${FZ_EPH[*]}"
	if [ -n "$FZ_OWN" ]; then
		rmdir "$FZ_OWN/c/d" "$FZ_OWN/c" "$FZ_OWN/a" "$FZ_OWN/b" "$FZ_OWN/s" "$FZ_OWN" ||
			fz_fail "cannot remove $FZ_OWN"
	fi
	[ -z "${FZ_ERRF:-}" ] || rm -f "$FZ_ERRF"
}

# fz_restore_module: free the fuzzer's buffers, give every parameter its
# first value back, check the counts once more.
fz_restore_module() {
	local name

	if [ -n "$FZ_PG_FREE" ]; then
		while [ ${#FZ_BUF_LIST[@]} -gt 0 ]; do
			name=${FZ_BUF_LIST[0]}
			fz_free_buffer "$name"
			[ -z "${FZ_BUF_NR[$name]:-}" ] || fz_forget_buffer "$name"
		done
	fi
	for name in "${FZ_PARAM_LIST[@]}"; do
		fz_param_set "$name" "${FZ_PARAM_OLD[$name]}"
		fz_read_param "$name"
		[ "$V" = "${FZ_PARAM_OLD[$name]}" ] ||
			fz_fail "param:$name: reads '$V' after restoring '${FZ_PARAM_OLD[$name]}'"
	done
	FZ_STOP=0
	[ "$FZ_FAILS" -gt 0 ] || fz_check_consistency
}

fz_summary() {
	local key label e line

	fz_say "seed $FZ_SEED: $FZ_NR_WRITES writes in $FZ_ITER iterations, ${SECONDS}s, $FZ_FAILS failure(s)"
	for label in "${!FZ_W[@]}"; do
		line="$label: ${FZ_W[$label]} writes:"
		for key in "${!FZ_HIST[@]}"; do
			[ "${key% *}" = "$label" ] || continue
			line+=" ${key##* } ${FZ_HIST[$key]},"
		done
		if [[ $label == param:* ]]; then
			line=${line%,}
		else
			line+=" valid commands that succeeded ${FZ_VALID_OK[$label]:-0}"
		fi
		printf '%s\n' "$line"
	done | sort | sed 's/^/fuzz:   /'
	line="errno:"
	for e in "${!FZ_ERRS[@]}"; do
		line+=" $e ${FZ_ERRS[$e]}"
	done
	fz_say "$line"
	line="classes:"
	for e in "${!FZ_CLASS[@]}"; do
		line+=" $e ${FZ_CLASS[$e]}"
	done
	fz_say "$line"
	fz_say "cgroups: $FZ_MOVES moves, $FZ_EPH_MADE made, $FZ_EPH_REMOVED removed; $FZ_KEEP frees and scans to bound memory"
}
