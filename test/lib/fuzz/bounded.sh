# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: arrays read through fz_pick's nameref,
# associative arrays fz_main declares, variables other parts set.
# shellcheck disable=SC2004,SC2034,SC2153,SC2154
#
# fuzz.sh's bounds: freeing buffers and scanning pools it filled.

# ---------------------------------------------------------------------------
# Keeping memory bounded

fz_free_buffer() {
	FZ_KEEP=$((FZ_KEEP + 1))
	fz_command "$FZ_PG_FREE" pfree pages/free keep "$1"
	[ "$O" = ok ] || fz_fail "pages/free of the fuzzer's buffer '$1' failed with $O"
}

# fz_scan_all <objects|pages>: scan every live memcg on every node.
fz_scan_all() {
	local id nid file kind

	if [ "$1" = pages ]; then
		file=$FZ_PG_SCAN kind=pscan
	else
		file=$FZ_OBJ_SCAN kind=oscan
	fi
	[ -n "$file" ] || return 0
	for id in "${FZ_LIVE_LIST[@]}"; do
		for nid in "${FZ_ONLINE_LIST[@]}"; do
			FZ_KEEP=$((FZ_KEEP + 1))
			fz_command "$file" "$kind" "$1/scan" keep "$id $nid $FZ_MRP"
			[ "$FZ_STOP" = 0 ] || return
		done
	done
}

fz_keep_bounded() {
	local name owner_pages max i

	# The fuzzer's buffers: at most FZ_BUF_CAP pages in all, at most half
	# of memory.max for the writer's cgroup.
	if [ -n "$FZ_PG_FREE" ]; then
		while [ "$FZ_STOP" = 0 ] && [ "$FZ_BUF_PAGES" -gt "$FZ_BUF_CAP" ]; do
			fz_free_buffer "${FZ_BUF_LIST[0]}"
		done
		max=${FZ_MAXPG[$FZ_CUR]:-0}
		if [ "$max" -gt 0 ]; then
			owner_pages=0
			for name in "${FZ_BUF_LIST[@]}"; do
				[ "${FZ_BUF_OWNER[$name]}" != "$FZ_CG_ID" ] ||
					owner_pages=$((owner_pages + ${FZ_BUF_NR[$name]}))
			done
			if [ "$owner_pages" -gt $((max / 2)) ]; then
				for name in "${FZ_BUF_LIST[@]}"; do
					[ "$FZ_STOP" = 0 ] || break
					[ "${FZ_BUF_OWNER[$name]}" != "$FZ_CG_ID" ] ||
						fz_free_buffer "$name"
				done
			fi
		fi
	fi
	[ $((FZ_ITER % 16)) -eq 0 ] || return 0
	# Pooled pages and objects.
	for ((i = 0; i < 4 && FZ_STOP == 0; i++)); do
		[ -z "$FZ_PG_STATS" ] && break
		fz_stats "$FZ_PG_STATS" PX
		[ "${PX[pooled]:-0}" -gt "$FZ_POOL_CAP" ] || break
		fz_scan_all pages
	done
	for ((i = 0; i < 4 && FZ_STOP == 0; i++)); do
		[ -z "$FZ_OBJ_STATS" ] && break
		fz_stats "$FZ_OBJ_STATS" PX
		[ "${PX[entries]:-0}" -gt "$FZ_OBJ_CAP" ] || break
		fz_scan_all objects
	done
}
