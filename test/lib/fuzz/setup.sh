# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: arrays read through fz_pick's nameref,
# associative arrays fz_main declares, variables other parts set.
# shellcheck disable=SC2004,SC2034,SC2153,SC2154
#
# fuzz.sh's discovery and set-up: files, parameters, nodes, cgroups.

# ---------------------------------------------------------------------------
# Discovery and set-up

# fz_writable <dir> <array>: the files below dir with a w bit in their mode.
fz_writable() {
	local -n _out=$2
	local mode path

	local files=() f

	_out=()
	set +f
	shopt -s globstar nullglob
	for f in "$1"/**; do
		[ ! -f "$f" ] || files+=("$f")
	done
	shopt -u globstar nullglob
	set -f
	[ ${#files[@]} -gt 0 ] || return 0
	while read -r mode path; do
		[ $((8#$mode & 8#222)) -eq 0 ] || _out+=("$path")
	done < <(stat -c '%a %n' "${files[@]}")
}

fz_kind_of() {
	case ${1#"$FZ_DEBUGFS"/} in
	objects/add) KIND=oadd ;;
	objects/take) KIND=otake ;;
	objects/scan) KIND=oscan ;;
	pages/alloc) KIND=palloc ;;
	pages/free) KIND=pfree ;;
	pages/scan) KIND=pscan ;;
	*) KIND=other ;;
	esac
}

fz_setup_nodes() {
	local list part range a b n

	FZ_ONLINE=() FZ_ONLINE_LIST=()
	read -r list < /sys/devices/system/node/online || list=0
	IFS=, read -r -a part <<< "$list"
	for range in "${part[@]}"; do
		a=${range%-*} b=${range#*-}
		for ((n = a; n <= b; n++)); do
			FZ_ONLINE[n]=1
			FZ_ONLINE_LIST+=("$n")
		done
	done
	read -r list < /sys/devices/system/node/possible || list=0
	FZ_NR_NODE_IDS=$((${list##*[-,]} + 1))
}

# fz_setup_cgroups: the targets, their ids and limits, the live memcgs.
fz_setup_cgroups() {
	local path dir d h c dirs=()

	while IFS=: read -r h c d; do
		[ "$h" != 0 ] || path=$d
	done < /proc/self/cgroup
	FZ_ORIG_CG=$FZ_CGROOT${path%/}
	[ -d "$FZ_ORIG_CG" ] || { fz_say "cannot find my cgroup ($path)"; return 1; }

	if [ ${#FZ_GIVEN[@]} -eq 0 ]; then
		FZ_OWN=$FZ_CGROOT/lrupool-fuzz.$$
		fz_has_word "$FZ_CGROOT/cgroup.subtree_control" memory ||
			echo +memory > "$FZ_CGROOT/cgroup.subtree_control" || return
		mkdir "$FZ_OWN" && echo +memory > "$FZ_OWN/cgroup.subtree_control" &&
			mkdir "$FZ_OWN/a" "$FZ_OWN/b" "$FZ_OWN/c" "$FZ_OWN/s" &&
			echo 16M > "$FZ_OWN/b/memory.max" &&
			echo +memory > "$FZ_OWN/c/cgroup.subtree_control" &&
			mkdir "$FZ_OWN/c/d" || return
		FZ_GIVEN=(lrupool-fuzz.$$/a lrupool-fuzz.$$/b lrupool-fuzz.$$/c/d)
		FZ_SCRATCH=$FZ_OWN/s
	elif [ -n "$FZ_SCRATCH" ]; then
		FZ_SCRATCH=$FZ_CGROOT/${FZ_SCRATCH#/}
	fi

	FZ_TARGETS=("$FZ_ORIG_CG")
	for path in "${FZ_GIVEN[@]}"; do
		FZ_TARGETS+=("$FZ_CGROOT/${path#/}")
	done
	# Every live memcg on the way from the root to a target or the
	# scratch cgroup; one without a memory controller of its own is not.
	FZ_LIVE=([1]=1) FZ_LIVE_LIST=(1)
	FZ_ID_OF=([$FZ_CGROOT]=1)
	for dir in "${FZ_TARGETS[@]}" ${FZ_SCRATCH:+"$FZ_SCRATCH"}; do
		d=$dir
		while [ "$d" != "$FZ_CGROOT" ] && [ -z "${FZ_ID_OF[$d]+set}" ]; do
			if ! [ -d "$d" ]; then
				fz_say "no cgroup $d"
				return 1
			fi
			FZ_ID_OF[$d]=
			dirs+=("$d")
			d=${d%/*}
		done
	done
	if [ ${#dirs[@]} -gt 0 ]; then
		while read -r h d; do
			FZ_ID_OF[$d]=$h
			if fz_has_word "$d/cgroup.controllers" memory; then
				FZ_LIVE[$h]=1
				FZ_LIVE_LIST+=("$h")
			else
				FZ_NOMEMCG[$h]=1
			fi
		done < <(stat -c '%i %n' "${dirs[@]}")
	fi
	for dir in "${FZ_TARGETS[@]}"; do
		fz_maxpages "$dir"
		fz_move "$dir" || return
	done
	if [ -n "$FZ_SCRATCH" ] && ! fz_has_word "$FZ_SCRATCH/cgroup.subtree_control" memory; then
		echo +memory > "$FZ_SCRATCH/cgroup.subtree_control" || return
	fi
	fz_move "$FZ_ORIG_CG"
}

fz_setup_params() {
	local f name

	FZ_PARAM_LIST=()
	fz_writable "$FZ_PARAMS" FZ_PARAM_FILES
	for f in "${FZ_PARAM_FILES[@]}"; do
		name=${f##*/}
		FZ_PARAM_LIST+=("$name")
		fz_read_param "$name"
		FZ_PARAM_OLD[$name]=$V
	done
	FZ_MRP=262144 FZ_FALLBACK=ancestors FZ_POOL_LIMIT=1
	fz_param_state
}

fz_setup() {
	local f name owner nr rest

	if ! [ -d "$FZ_DEBUGFS" ]; then
		fz_say "no $FZ_DEBUGFS: is lrupool loaded and debugfs mounted?"
		return 1
	fi
	FZ_ERRF=${TMPDIR:-/tmp}/lrupool-fuzz.$$.err
	: > "$FZ_ERRF" || return
	FZ_FILES=()
	fz_writable "$FZ_DEBUGFS" FZ_FILES
	[ ${#FZ_FILES[@]} -gt 0 ] || { fz_say "no writable file below $FZ_DEBUGFS"; return 1; }
	FZ_OBJ_STATS='' FZ_PG_STATS='' FZ_PG_BUFFERS='' FZ_PG_FREE='' FZ_PG_SCAN='' FZ_OBJ_SCAN=''
	[ ! -r "$FZ_DEBUGFS/objects/stats" ] || FZ_OBJ_STATS=$FZ_DEBUGFS/objects/stats
	[ ! -r "$FZ_DEBUGFS/pages/stats" ] || FZ_PG_STATS=$FZ_DEBUGFS/pages/stats
	[ ! -r "$FZ_DEBUGFS/pages/buffers" ] || FZ_PG_BUFFERS=$FZ_DEBUGFS/pages/buffers
	for f in "${FZ_FILES[@]}"; do
		fz_kind_of "$f"
		FZ_KIND[$f]=$KIND
		case $KIND in
		pfree) FZ_PG_FREE=$f ;;
		pscan) FZ_PG_SCAN=$f ;;
		oscan) FZ_OBJ_SCAN=$f ;;
		esac
	done
	FZ_MAX_ORDER=9
	if [ -n "$FZ_PG_STATS" ]; then
		fz_stats "$FZ_PG_STATS" PX
		FZ_MAX_ORDER=${PX[max_order]:-9}
	fi
	# The model of the buffers starts from none.
	if [ -n "$FZ_PG_BUFFERS" ] && read -r name owner nr rest < "$FZ_PG_BUFFERS"; then
		fz_say "pages/buffers is not empty ($name $owner $nr $rest): free every buffer first"
		return 1
	fi
	fz_setup_nodes
	fz_setup_cgroups || return
	fz_setup_params
	FZ_SCRATCH_ID=${FZ_ID_OF[${FZ_SCRATCH:-none}]:-}
	FZ_BAD_IDS=(0 999999999 4294967297 18446744073709551615
		18446744073709551616 -1 +1 01 0001 1.0 ' ' x
		$((${FZ_ID_OF[$FZ_ORIG_CG]} + 100000)))
	# The cgroup-id of a file is no memcg's.
	fz_cg_id "$FZ_ORIG_CG/cgroup.procs" && FZ_BAD_IDS+=("$ID") && FZ_NOMEMCG[$ID]=1
	FZ_NAMES=(f0 f1 f2 f3 f4 f5 f6 f7 A x.y-z_9 abcdefghijklmnopqrstuvwxyz012345 . -)
	FZ_CACHINGS=(wb wc uc)
	FZ_NUMS=(0 1 5 64 -1 abc 18446744073709551616 "$FZ_MRP" x=1)
	FZ_ODD_CHARS=($'\t' $'\r' x ' ' '=' . + - $'\xff' $'\x01' ',' '/' '0')
}
