# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: arrays read through fz_pick's nameref,
# associative arrays fz_main declares, variables other parts set.
# shellcheck disable=SC2004,SC2034,SC2153,SC2154
#
# fuzz.sh's state: stats, buffers, and the checks around a write.

# ---------------------------------------------------------------------------
# State: stats, buffers, and the checks around a write.

# fz_stats <file> <assoc array>: the "<key> <value>" lines of a stats file.
fz_stats() {
	local -n _st=$2
	local k v

	_st=()
	while read -r k v; do
		# shellcheck disable=SC2004 # an associative array
		_st[$k]=$v
	done < "$1"
}

fz_slurp() {
	local -n _txt=$2

	_txt=
	IFS= read -r -d '' _txt < "$1" || :
}

# fz_snap_before <kind>, fz_snap_after <kind>: the stats (as text; fz_parse
# makes them arrays when needed) and buffers that the checks compare.
fz_snap_before() {
	case $1 in
	o*) fz_slurp "$FZ_OBJ_STATS" OBT ;;
	p*)
		fz_slurp "$FZ_PG_STATS" PBT
		fz_slurp "$FZ_PG_BUFFERS" BB
		;;
	esac
	case $1 in
	oscan) fz_slurp "$FZ_DEBUGFS/objects/count" CB ;;
	pscan) fz_slurp "$FZ_DEBUGFS/pages/count" CB ;;
	esac
}

fz_snap_after() {
	case $1 in
	o*) fz_slurp "$FZ_OBJ_STATS" OAT ;;
	p*)
		fz_slurp "$FZ_PG_STATS" PAT
		fz_slurp "$FZ_PG_BUFFERS" BA
		;;
	esac
	case $1 in
	oscan) fz_slurp "$FZ_DEBUGFS/objects/count" CA ;;
	pscan) fz_slurp "$FZ_DEBUGFS/pages/count" CA ;;
	esac
}

# fz_parse_text <text> <assoc array>: the "<key> <value>" lines of a text.
fz_parse_text() {
	local -n _pt=$2
	local line

	_pt=()
	while IFS= read -r line; do
		[ -z "$line" ] || _pt[${line%% *}]=${line#* }
	done <<< "$1"
}

# fz_parse <kind>: the stats texts as the arrays OB, OA or PB, PA.
fz_parse() {
	case $1 in
	o*)
		fz_parse_text "$OBT" OB
		fz_parse_text "$OAT" OA
		;;
	p*)
		fz_parse_text "$PBT" PB
		fz_parse_text "$PAT" PA
		;;
	esac
}

# fz_dp <key>: D = the change of a pages/stats counter; fz_do for objects.
fz_dp() {
	D=$((${PA[$1]:-0} - ${PB[$1]:-0}))
}

fz_do() {
	D=$((${OA[$1]:-0} - ${OB[$1]:-0}))
}

# fz_expect <what> <got> <expected>
fz_expect() {
	[ "$2" = "$3" ] || fz_fail "$1: expected $3, got $2"
}

fz_check_pages_unchanged() {
	local k

	for k in in_use hit_local hit_ancestor miss given released buffers; do
		fz_dp "$k"
		fz_expect "pages/stats $k change" "$D" 0
	done
	fz_dp pooled
	local dp=$D
	fz_dp shrink_freed
	fz_expect "pages/stats pooled + shrink_freed change" $((dp + D)) 0
	[ "$BA" = "$BB" ] || fz_fail "pages/buffers changed:
before:
$BB
after:
$BA"
}

fz_check_objects_unchanged() {
	local k de

	for k in added taken_local taken_ancestor; do
		fz_do "$k"
		fz_expect "objects/stats $k change" "$D" 0
	done
	fz_do entries
	de=$D
	fz_do shrink_freed
	fz_expect "objects/stats entries + shrink_freed change" $((de + D)) 0
}

# fz_check_alloc: a buffer FZ_ACT_NAME of FZ_ACT_N pages was made for the
# writer's memcg, and only that.
fz_check_alloc() {
	local want hits hl ha dp line

	fz_dp hit_local
	hl=$D
	fz_dp hit_ancestor
	ha=$D
	hits=$((hl + ha))
	fz_dp miss
	fz_expect "alloc: hit_local + hit_ancestor + miss change" $((hits + D)) "$FZ_ACT_N"
	fz_dp in_use
	fz_expect "alloc: in_use change" "$D" "$FZ_ACT_N"
	fz_dp buffers
	fz_expect "alloc: buffers change" "$D" 1
	fz_dp given
	fz_expect "alloc: given change" "$D" 0
	fz_dp released
	fz_expect "alloc: released change" "$D" 0
	fz_dp pooled
	dp=$D
	fz_dp shrink_freed
	fz_expect "alloc: pooled + shrink_freed change" $((dp + D)) $((-hits))
	if [ "$FZ_FALLBACK" = none ]; then
		fz_expect "alloc with fallback=none: hit_ancestor change" "$ha" 0
	fi
	want="$FZ_ACT_NAME $FZ_CG_ID $FZ_ACT_N $FZ_ACT_CACHING $ha"
	line=${BA:${#BB}}
	if [ "${BA:0:${#BB}}" != "$BB" ] || [ "$line" != "$want"$'\n' ]; then
		fz_fail "alloc: buffers should gain the line '$want' at the end:
before:
$BB
after:
$BA"
	fi
}

# fz_check_free: buffer FZ_ACT_NAME went back, and only that.
fz_check_free() {
	local nr=${FZ_BUF_NR[$FZ_ACT_NAME]} dg dp k rest line lines found=0

	for k in hit_local hit_ancestor miss; do
		fz_dp "$k"
		fz_expect "free: $k change" "$D" 0
	done
	fz_dp in_use
	fz_expect "free: in_use change" "$D" $((-nr))
	fz_dp buffers
	fz_expect "free: buffers change" "$D" -1
	fz_dp given
	dg=$D
	fz_dp released
	fz_expect "free: given + released change" $((dg + D)) "$nr"
	if [ "$FZ_POOL_LIMIT" = 0 ]; then
		fz_expect "free with pool_limit_pages=0: given change" "$dg" 0
	fi
	fz_dp pooled
	dp=$D
	fz_dp shrink_freed
	fz_expect "free: pooled + shrink_freed change" $((dp + D)) "$dg"
	# The buffer's line, and only it, is gone.
	mapfile -t lines <<< "${BB%$'\n'}"
	rest=
	for line in "${lines[@]}"; do
		if [ "$found" = 0 ] && [ "${line%% *}" = "$FZ_ACT_NAME" ]; then
			found=1
			continue
		fi
		[ -z "$line" ] || rest+=$line$'\n'
	done
	if [ "$found" = 0 ] || [ "$BA" != "$rest" ]; then
		fz_fail "free: buffers should lose the line of '$FZ_ACT_NAME' only:
before:
$BB
after:
$BA"
	fi
}

# fz_check_scan_scope <fields before the node columns>: a scan of memcg X
# on node N took from X's lists on N only: X's count lines changed in the
# column of N, downwards, and every other line is as it was (but the
# scratch cgroup's and removed ones', which reparenting changes at any
# time).
fz_check_scan_scope() {
	local nk=$1 key id i f b a
	local -A cb=() ca=()

	while read -r -a f; do
		[ ${#f[@]} -eq 0 ] || cb[${f[*]:0:nk}]=${f[*]:nk}
	done <<< "$CB"
	while read -r -a f; do
		[ ${#f[@]} -eq 0 ] || ca[${f[*]:0:nk}]=${f[*]:nk}
	done <<< "$CA"
	for key in "${!cb[@]}" "${!ca[@]}"; do
		[ "${cb[$key]:-}" != "${ca[$key]:-}" ] || continue
		id=${key%% *}
		if [ "$id" = "${FZ_SCRATCH_ID:-}" ] || [ -n "${FZ_NOMEMCG[$id]:-}" ]; then
			continue
		fi
		if [ "$id" != "$FZ_ACT_ID" ]; then
			fz_fail "scan of $FZ_ACT_ID on node $FZ_ACT_NID changed the count line of '$key': '${cb[$key]:-}' -> '${ca[$key]:-}'"
			return
		fi
		read -r -a b <<< "${cb[$key]:-}"
		read -r -a a <<< "${ca[$key]:-}"
		for ((i = 0; i < FZ_NR_NODE_IDS; i++)); do
			if [ "$i" = "$FZ_ACT_NID" ] && [ "${a[i]:-0}" -le "${b[i]:-0}" ]; then
				continue
			fi
			if [ "${a[i]:-0}" != "${b[i]:-0}" ]; then
				fz_fail "scan of $FZ_ACT_ID on node $FZ_ACT_NID changed the count line of '$key': '${cb[$key]:-}' -> '${ca[$key]:-}'"
				return
			fi
		done
	done
}

fz_check_pscan() {
	local k dp

	for k in in_use hit_local hit_ancestor miss given released buffers; do
		fz_dp "$k"
		fz_expect "pages/scan: $k change" "$D" 0
	done
	fz_dp pooled
	dp=$D
	fz_dp shrink_freed
	fz_expect "pages/scan: pooled + shrink_freed change" $((dp + D)) 0
	[ "$BA" = "$BB" ] || fz_fail "pages/scan changed buffers"
	fz_check_scan_scope 3
}

fz_check_objects_ok() {
	local de t tl ta

	fz_do entries
	de=$D
	fz_do shrink_freed
	de=$((de + D))
	fz_do added
	case $FZ_ACT in
	add)
		fz_expect "add: added change" "$D" "$FZ_ACT_N"
		fz_expect "add: entries + shrink_freed change" "$de" "$FZ_ACT_N"
		;;
	take)
		fz_expect "take: added change" "$D" 0
		fz_do taken_local
		tl=$D
		fz_do taken_ancestor
		ta=$D
		t=$((tl + ta))
		if [ "$tl" -lt 0 ] || [ "$ta" -lt 0 ] || [ "$t" -gt "$FZ_ACT_N" ]; then
			fz_fail "take $FZ_ACT_N: taken_local changed by $tl, taken_ancestor by $ta"
		fi
		fz_expect "take: entries + shrink_freed change" "$de" $((-t))
		if [ "$FZ_FALLBACK" = none ]; then
			fz_expect "take with fallback=none: taken_ancestor change" "$ta" 0
		fi
		;;
	scan)
		fz_expect "objects/scan: added change" "$D" 0
		fz_do taken_local
		fz_expect "objects/scan: taken_local change" "$D" 0
		fz_do taken_ancestor
		fz_expect "objects/scan: taken_ancestor change" "$D" 0
		fz_expect "objects/scan: entries + shrink_freed change" "$de" 0
		fz_check_scan_scope 1
		;;
	esac
}

# fz_model_update: the fuzzer's record of its buffers after a success.
fz_model_update() {
	case $FZ_ACT in
	alloc)
		FZ_BUF_NR[$FZ_ACT_NAME]=$FZ_ACT_N
		FZ_BUF_OWNER[$FZ_ACT_NAME]=$FZ_CG_ID
		FZ_BUF_LIST+=("$FZ_ACT_NAME")
		FZ_BUF_PAGES=$((FZ_BUF_PAGES + FZ_ACT_N))
		;;
	free) fz_forget_buffer "$FZ_ACT_NAME" ;;
	esac
}

fz_forget_buffer() {
	local i

	FZ_BUF_PAGES=$((FZ_BUF_PAGES - ${FZ_BUF_NR[$1]:-0}))
	unset "FZ_BUF_NR[$1]" "FZ_BUF_OWNER[$1]"
	for i in "${!FZ_BUF_LIST[@]}"; do
		if [ "${FZ_BUF_LIST[i]}" = "$1" ]; then
			unset "FZ_BUF_LIST[i]"
			break
		fi
	done
	FZ_BUF_LIST=("${FZ_BUF_LIST[@]}")
}

# fz_resync: after a write to a file the model does not know, take the
# buffers from the buffers file.
fz_resync() {
	local name owner nr rest

	FZ_BUF_NR=() FZ_BUF_OWNER=() FZ_BUF_LIST=()
	FZ_BUF_PAGES=0
	[ -r "$FZ_PG_BUFFERS" ] || return 0
	while read -r name owner nr rest; do
		FZ_BUF_NR[$name]=$nr
		FZ_BUF_OWNER[$name]=$owner
		FZ_BUF_LIST+=("$name")
		FZ_BUF_PAGES=$((FZ_BUF_PAGES + nr))
	done < "$FZ_PG_BUFFERS"
}

# fz_write <file> <kind> <label> <class>: write the payload (pz_done done),
# check the outcome and the state against the model.
fz_write() {
	local file=$1 kind=$2 label=$3 class=$4

	fz_model "$kind"
	[ "$kind" = other ] || fz_snap_before "$kind"
	fz_put "$file"
	fz_record "$label" "$class"
	fz_count_outcome "$label" "$class"
	# A file the contract does not describe may fail as it likes.
	if [ "$kind" = other ]; then
		[ "$O" != ok ] || fz_resync
		return
	fi
	case $O in
	ok | EINVAL | ENOENT | EEXIST | E2BIG | ENOMEM) ;;
	*)
		fz_fail "$label: the write failed with $O, not an errno of the contract"
		return
		;;
	esac
	if ! fz_in "$O" "$FZ_PRED"; then
		fz_fail "$label: got $O, the contract allows: $FZ_PRED"
		return
	fi
	fz_snap_after "$kind"
	if [ "$O" != ok ] || [ -z "$FZ_ACT" ]; then
		# Most often nothing changed at all.
		case $kind in
		o*) [ "$OAT" != "$OBT" ] || return 0 ;;
		p*) [ "$PAT$BA" != "$PBT$BB" ] || return 0 ;;
		esac
		fz_parse "$kind"
		case $kind in
		o*) fz_check_objects_unchanged ;;
		p*) fz_check_pages_unchanged ;;
		esac
		return
	fi
	fz_parse "$kind"
	case $FZ_ACT in
	alloc) fz_check_alloc ;;
	free) fz_check_free ;;
	scan)
		case $kind in
		oscan) fz_check_objects_ok ;;
		pscan) fz_check_pscan ;;
		esac
		;;
	*) fz_check_objects_ok ;;
	esac
	fz_model_update
}

# fz_command <file> <kind> <label> <class> <line>: write a text line.
fz_command() {
	pz_reset
	pz_text "$5"
	pz_done
	fz_write "$1" "$2" "$3" "$4"
}
