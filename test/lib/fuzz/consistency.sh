# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: arrays read through fz_pick's nameref,
# associative arrays fz_main declares, variables other parts set.
# shellcheck disable=SC2004,SC2034,SC2153,SC2154
#
# fuzz.sh's consistency check: stats against count and buffers, and the
# model's buffers.

# ---------------------------------------------------------------------------
# Consistency: stats against count and buffers, and the model's buffers.

fz_sum_count() {
	local first=$2 a i

	SUM=0
	while read -r -a a; do
		for ((i = first; i < ${#a[@]}; i++)); do
			SUM=$((SUM + a[i]))
		done
	done < "$1"
}

fz_check_consistency() {
	local name owner nr caching borrowed n=0 pages=0 seen=' '

	if [ -n "$FZ_PG_STATS" ]; then
		fz_stats "$FZ_PG_STATS" PX
		fz_sum_count "$FZ_DEBUGFS/pages/count" 3
		fz_expect "pages/stats pooled against pages/count" "$SUM" "${PX[pooled]}"
		while read -r name owner nr caching borrowed; do
			n=$((n + 1))
			pages=$((pages + nr))
			[[ $seen != *" $name "* ]] || fz_fail "buffer '$name' listed twice"
			seen+="$name "
			if [ "${FZ_BUF_NR[$name]:-}" != "$nr" ] || [ "${FZ_BUF_OWNER[$name]:-}" != "$owner" ]; then
				fz_fail "buffers has '$name $owner $nr $caching $borrowed'; the fuzzer knows ${FZ_BUF_NR[$name]:-no such buffer} pages of ${FZ_BUF_OWNER[$name]:-nobody}"
			fi
			[ "$borrowed" -le "$nr" ] || fz_fail "buffer '$name': borrowed $borrowed > $nr pages"
		done < "$FZ_PG_BUFFERS"
		for name in "${FZ_BUF_LIST[@]}"; do
			[[ $seen == *" $name "* ]] || fz_fail "buffer '$name' is missing from buffers"
		done
		fz_expect "pages/stats in_use against buffers" "$pages" "${PX[in_use]}"
		fz_expect "pages/stats buffers against buffers" "$n" "${PX[buffers]}"
		pages=$((PX[pooled] + PX[in_use] + PX[released] + PX[shrink_freed]))
		fz_expect "pages/stats miss against pooled + in_use + released + shrink_freed" \
			"${PX[miss]}" "$pages"
	fi
	if [ -n "$FZ_OBJ_STATS" ]; then
		fz_stats "$FZ_OBJ_STATS" PX
		fz_sum_count "$FZ_DEBUGFS/objects/count" 1
		fz_expect "objects/stats entries against objects/count" "$SUM" "${PX[entries]}"
	fi
}
