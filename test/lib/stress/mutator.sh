# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: settings the driver sets, results the
# tests read.
# shellcheck disable=SC2034,SC2154
#
# stress.sh's mutator: changes the tree below $ST_BASE/t, runs in the root.

# ---------------------------------------------------------------------------
# The mutator: changes the tree below $ST_BASE/t, runs in the root.

# st_mkdir <path below $ST_BASE/t>: with +memory in the parent first.
st_mkdir() {
	local dir=$LP_CGROOT/$ST_BASE/t/$1 sc out id

	ST_LAST="mkdir $1"
	if [ ! -d "${dir%/*}" ]; then
		st_count mkdir ENOENT
		return 1
	fi
	sc=
	read -r sc < "${dir%/*}/cgroup.subtree_control"
	if [[ " $sc " != *" memory "* ]] &&
		! st_write "${dir%/*}/cgroup.subtree_control" +memory; then
		st_count mkdir
		return 1
	fi
	if ! out=$(mkdir "$dir" 2>&1); then
		ST_ERRMSG=$out
		printf '%s\n' "$out" >&"$ST_EFD"
		st_errno
		st_count mkdir
		return 1
	fi
	st_count mkdir ok
	id=$(stat -c %i "$dir") && printf '%s %s\n' "$ST_BASE/t/$1" "$id" >> "$ST_DIR/ids"
}

# st_rmdir <path below $ST_BASE/t>
st_rmdir() {
	local out

	ST_LAST="rmdir $1"
	if out=$(rmdir "$LP_CGROOT/$ST_BASE/t/$1" 2>&1); then
		st_count rmdir ok
		return 0
	fi
	printf '%s\n' "$out" >&"$ST_EFD"
	st_errno
	st_count rmdir
}

# st_nomemory <path>: turn +memory off in a cgroup with no child, so that
# processes may enter it again.
st_nomemory() {
	local dir=$LP_CGROOT/$ST_BASE/t/$1 sc sub

	ST_LAST="-memory $1"
	if [ ! -d "$dir" ]; then
		st_count nomemory skip
		return
	fi
	sc=
	read -r sc < "$dir/cgroup.subtree_control"
	for sub in "$dir"/*/; do
		[ ! -d "$sub" ] || { st_count nomemory skip; return; }
	done
	if [[ " $sc " != *" memory "* ]]; then
		st_count nomemory skip
		return
	fi
	st_write "$dir/cgroup.subtree_control" -memory
	st_count nomemory
}

# st_mutator <index> <seconds>
st_mutator() {
	local i=$1 end=$((SECONDS + $2)) op a b sfd lines limits=(64 512 4096 16384)
	local naps=(0.05 0.1 0.15 0.2) path

	st_worker_init "$i"
	exec {sfd}<> "$ST_DIR/nap"
	while [ "$SECONDS" -lt "$end" ]; do
		st_rand; op=$((ST_X % 100))
		st_rand; a=$ST_X
		st_rand; b=$ST_X
		path=${ST_PATHS[a % ${#ST_PATHS[@]}]}
		ST_ERRMSG=
		if [ "$op" -lt 60 ]; then
			if [ -d "$LP_CGROOT/$ST_BASE/t/$path" ]; then
				st_rmdir "$path"
			else
				st_mkdir "$path"
			fi
		elif [ "$op" -lt 72 ]; then
			st_nomemory "$path"
		elif [ "$op" -lt 80 ]; then
			ST_LAST="pool_limit_pages ${limits[b % 4]}"
			st_write "$LP_PARAMS/pool_limit_pages" "${limits[b % 4]}"
			st_count limit
		elif [ "$op" -lt 85 ]; then
			if [ $((b % 4)) = 0 ]; then
				a=none
			else
				a=ancestors
			fi
			ST_LAST="fallback $a"
			st_write "$LP_PARAMS/fallback" "$a"
			st_count fallback
		else
			mapfile -t lines < "$LP_PAGES/buffers"
			mapfile -t lines < "$LP_PAGES/count"
			mapfile -t lines < "$LP_PAGES/stats"
			mapfile -t lines < "$LP_OBJ/count"
			mapfile -t lines < "$LP_OBJ/stats"
			st_count read ok
		fi
		read -r -t "${naps[b % 4]}" -u "$sfd"
	done
	trap - EXIT
	st_worker_report
	echo "done"
}
