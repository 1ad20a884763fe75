# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: settings the driver sets, results the
# tests read.
# shellcheck disable=SC2034,SC2154
#
# stress.sh's workers' primitives, bash builtins only: the generator, writes
# and their errnos, counts, moves.

# ---------------------------------------------------------------------------
# The workers' primitives: bash builtins only.

# st_rand: the next value of the worker's generator, in ST_X (1 to 2^31 - 2).
st_rand() {
	ST_X=$((ST_X * 48271 % 2147483647))
}

# st_seed <seed> <index>: seed the generator of worker <index>.
st_seed() {
	local i

	ST_X=$((($1 % 2147483647 * 69069 + $2 * 40503 + 12345) % 2147483646 + 1))
	for ((i = 0; i < 8; i++)); do
		st_rand
	done
}

# st_errno: the errno of the last failed write, from the worker's FIFO, in
# ST_ERR (ENOMEM, ...; "other" and its text in ST_ERRMSG otherwise).
st_errno() {
	local line

	ST_ERRMSG=
	while read -r -t 0 -u "$ST_EFD"; do
		IFS= read -r -u "$ST_EFD" line || break
		ST_ERRMSG=$line
	done
	lp_errno "$ST_ERRMSG"
	ST_ERR=$LP_ERRNO
}

# st_write <file> <line>: write one line (one write()); ST_ERR is ok or the
# errno.
st_write() {
	if printf '%s\n' "$2" 2>&"$ST_EFD" > "$1"; then
		ST_ERR=ok
		return 0
	fi
	st_errno
	return 1
}

# st_count <op> [<result>]: count an operation with ST_ERR (or <result>);
# keep the message of the first few that are not allowed.
st_count() {
	local r=${2:-$ST_ERR}

	ST_CNT["$1 $r"]=$((${ST_CNT["$1 $r"]:-0} + 1))
	if [[ " ${ST_ALLOWED[$1]} " != *" $r "* ]] && [ "${#ST_ODD[@]}" -lt 10 ]; then
		ST_ODD+=("$1 $r in ${ST_CUR:-/}: $ST_LAST: ${ST_ERRMSG:-no message}")
	fi
}

# st_worker_died <status>: the EXIT trap of a worker that did not finish:
# say where it was and what it last wrote to stderr, from the root.
st_worker_died() {
	local line

	echo "$BASHPID" 2>/dev/null > "$LP_CGROOT/cgroup.procs"
	exec 2>&1
	echo "died with status $1 in '$ST_LAST' in $ST_CUR"
	while read -r -t 0 -u "$ST_EFD"; do
		IFS= read -r -u "$ST_EFD" line || break
		echo "stderr: $line"
	done
	st_worker_report
}

# st_worker_init <index>: the generator, the error FIFO (made by the driver)
# and empty counts; drop the traps and options a bats test runs with.
st_worker_init() {
	trap - DEBUG ERR
	trap 'st_worker_died $?' EXIT
	set +eETu
	st_seed "$ST_SEED" "$1"
	exec {ST_EFD}<> "$ST_DIR/err.$1"
	exec 2>&"$ST_EFD"
	declare -gA ST_CNT=() ST_IDS=([/]=1)
	ST_ODD=()
	ST_IDS_SEEN=0
	ST_CUR=/
	ST_LAST=
}

# st_worker_report: counts and odd results, once back in the root.
st_worker_report() {
	local k m

	for k in "${!ST_CNT[@]}"; do
		echo "cnt $k ${ST_CNT[$k]}"
	done
	for m in "${ST_ODD[@]}"; do
		echo "odd $m"
	done
}

# st_ids_refresh: read the cgroup ids the mutator has registered since the
# last time ("<path> <id>" lines, appended).
st_ids_refresh() {
	local lines l

	mapfile -t -s "$ST_IDS_SEEN" lines < "$ST_DIR/ids"
	ST_IDS_SEEN=$((ST_IDS_SEEN + ${#lines[@]}))
	for l in "${lines[@]}"; do
		ST_IDS[${l% *}]=${l##* }
	done
}

# st_cgdir <path>: the directory of a cgroup path ("/" is the root).
st_cgdir() {
	if [ "$1" = / ]; then
		ST_DIRNAME=$LP_CGROOT
	else
		ST_DIRNAME=$LP_CGROOT/$1
	fi
}

# st_move <path> <op>: move the worker into that cgroup.
st_move() {
	st_cgdir "$1"
	ST_LAST="move to $1"
	if st_write "$ST_DIRNAME/cgroup.procs" "$BASHPID"; then
		ST_CUR=$1
		# The path may have been removed and made again since.
		st_ids_refresh
	fi
	st_count "$2"
}
