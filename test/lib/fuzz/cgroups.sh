# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: arrays read through fz_pick's nameref,
# associative arrays fz_main declares, variables other parts set.
# shellcheck disable=SC2004,SC2034,SC2153,SC2154
#
# fuzz.sh's cgroups: moves, scratch children made and removed.

# ---------------------------------------------------------------------------
# Cgroups

# fz_has_word <file> <word>: the file's first line has the word.
fz_has_word() {
	local line=

	read -r line < "$1" || :
	[[ " $line " == *" $2 "* ]]
}

# fz_cg_id <dir>: ID = its cgroup-id.
fz_cg_id() {
	ID=$(stat -c %i "$1") || return
}

# fz_move <dir>: move the fuzzing shell into that cgroup.
fz_move() {
	if ! echo $$ 2> /dev/null > "$1/cgroup.procs"; then
		fz_fail "cannot move into cgroup $1"
		return 1
	fi
	FZ_CUR=$1
	FZ_CG_ID=${FZ_ID_OF[$1]}
	FZ_MOVES=$((FZ_MOVES + 1))
}

# fz_add_live <dir>: a memcg the model knows as live.
fz_add_live() {
	fz_cg_id "$1" || return
	FZ_ID_OF[$1]=$ID
	FZ_LIVE[$ID]=1
	FZ_LIVE_LIST+=("$ID")
}

fz_maxpages() {
	local m=max

	[ -r "$1/memory.max" ] && read -r m < "$1/memory.max"
	if [ "$m" = max ]; then
		FZ_MAXPG[$1]=0
	else
		FZ_MAXPG[$1]=$((m / 4096))
	fi
}

# fz_cg_action: move to another cgroup, or make or remove a scratch child.
fz_cg_action() {
	local maxes=(max 8M 32M max) i dir

	fz_rand 4
	case $R in
	0 | 1)
		fz_pick FZ_TARGETS
		fz_move "$P"
		;;
	2)
		[ -n "$FZ_SCRATCH" ] && [ ${#FZ_EPH[@]} -lt 3 ] || return 0
		dir=$FZ_SCRATCH/e$FZ_EPH_SEQ
		FZ_EPH_SEQ=$((FZ_EPH_SEQ + 1))
		if ! mkdir "$dir"; then
			fz_fail "cannot make cgroup $dir"
			return
		fi
		fz_rand ${#maxes[@]}
		echo "${maxes[R]}" > "$dir/memory.max" || fz_fail "cannot set memory.max of $dir"
		fz_maxpages "$dir"
		fz_add_live "$dir" || fz_fail "no cgroup-id for $dir"
		FZ_EPH+=("$dir")
		FZ_TARGETS+=("$dir")
		FZ_EPH_MADE=$((FZ_EPH_MADE + 1))
		fz_move "$dir"
		;;
	3)
		[ ${#FZ_EPH[@]} -gt 0 ] || return 0
		fz_rand ${#FZ_EPH[@]}
		i=$R
		dir=${FZ_EPH[i]}
		[ "$FZ_CUR" != "$dir" ] || fz_move "$FZ_ORIG_CG" || return
		fz_rmdir_eph "$i"
		;;
	esac
}

# fz_rmdir_eph <index>: remove a scratch child; its id becomes unknown.
fz_rmdir_eph() {
	local dir=${FZ_EPH[$1]} id i

	id=${FZ_ID_OF[$dir]}
	rmdir "$dir" 2> /dev/null || return 0
	FZ_EPH_REMOVED=$((FZ_EPH_REMOVED + 1))
	unset "FZ_EPH[$1]"
	FZ_EPH=("${FZ_EPH[@]}")
	unset "FZ_LIVE[$id]"
	FZ_NOMEMCG[$id]=1
	FZ_BAD_IDS+=("$id")
	for i in "${!FZ_LIVE_LIST[@]}"; do
		[ "${FZ_LIVE_LIST[i]}" != "$id" ] || unset "FZ_LIVE_LIST[i]"
	done
	FZ_LIVE_LIST=("${FZ_LIVE_LIST[@]}")
	for i in "${!FZ_TARGETS[@]}"; do
		[ "${FZ_TARGETS[i]}" != "$dir" ] || unset "FZ_TARGETS[i]"
	done
	FZ_TARGETS=("${FZ_TARGETS[@]}")
}
