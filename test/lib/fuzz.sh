#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# fuzz.sh: a bounded, seeded fuzzer of lrupool's control plane.
#
#   fuzz.sh [--seed N] [--seconds S] [--iterations N] [--cgroup CG]...
#           [--scratch CG] [--log FILE]
#
# It writes random printable, truncated, oversized, binary and near-valid
# lines (valid commands with a field mutated), and some valid commands of
# small sizes, to every writable file below /sys/kernel/debug/lrupool, and
# random values to every writable module parameter. Both sets are found by
# their mode bits, so a new file is fuzzed too. Writes come from the
# leaf cgroups CG (paths below /sys/fs/cgroup), from the cgroup the fuzzer
# started in, and from short-lived children of the scratch cgroup that it
# makes and removes (their buffers and pooled pages outlive them). Without
# --cgroup it makes a tree of its own and removes it at exit.
#
# Every write is one write(2) (a printf builtin, or dd from a pipe when the
# bytes hold a newline before the end or are longer than a page). A write
# to a file the control-plane contract describes must succeed or fail with
# EINVAL, ENOENT, EEXIST, E2BIG or ENOMEM; any other file gets the same
# kinds of bytes and may fail as it likes (the summary counts its errnos).
# For the files and parameters of the contract, the fuzzer keeps a model
# (the line splitting, kstrto* parsing, the fuzzer's own buffers and
# cgroup-ids) and checks each write against it: the outcome is one the
# contract allows for those bytes; a refused command changes no counter,
# no buffer, no parameter (reclaim may free pooled entries meanwhile:
# pooled + shrink_freed stays); a command that succeeded moved the counters
# and buffers by exactly what it asked for, and a scan of memcg X on node N
# changed no count line but X's, in N's column. Every 64 iterations, and at
# the end, stats must agree with count and buffers.
# A parameter reads back as its old value after a refused write, or as the
# value written (normalized) after an accepted one; at the end every
# parameter gets its first value back and every buffer the fuzzer made is
# freed.
#
# Memory stays bounded: max_request_pages is held at or below 4096 while
# fuzzing (16 MiB of pages in one command; the original value comes back
# at the end), valid commands ask for little (twice memory.max at most, in
# a cgroup that has one), and when the fuzzer's buffers, the pooled pages
# or the pooled objects pass a cap it frees or scans them.
#
# The seed (--seed, else $LRUPOOL_FUZZ_SEED, else from the clock; printed
# first) fixes the sequence of generated writes. What depends on results
# comes in between (the frees and scans that bound memory, names of the
# buffers that exist, cgroup-ids in the lines), so a seed replays a run on
# the same kernel in a guest that made the same cgroups (the same test in
# a fresh guest). The budget: --seconds ($LRUPOOL_FUZZ_SECONDS) and
# --iterations ($LRUPOOL_FUZZ_ITERATIONS), the first reached ends it; 30
# seconds when neither is given.
#
# Output: lines starting "fuzz: ", a summary at the end (writes per file,
# errno histogram, valid commands that succeeded). On a failure: the seed,
# what failed, and the last writes, hex-escaped as printf formats. Exit
# status 0, 1 if a check failed, 2 on a usage or set-up error.

# Arrays are read through fz_pick's nameref.
# shellcheck disable=SC2034

set -u
export LC_ALL=C
shopt -s extglob
set -f

# shellcheck source=test/lib/guest.sh
. "$(dirname "${BASH_SOURCE[0]}")/guest.sh"

FZ_DEBUGFS=/sys/kernel/debug/lrupool
FZ_PARAMS=/sys/module/lrupool/parameters
FZ_CGROOT=/sys/fs/cgroup

FZ_LINE_MAX=128		# a command line is shorter than this, newline included
FZ_MRP_CAP=4096		# max_request_pages while fuzzing
# The pages of RAM, max_request_pages's upper bound.
FZ_RAM_PAGES=$(awk -v p="$(getconf PAGESIZE 2>/dev/null || echo 4096)" '$1 == "MemTotal:" { print $2 * 1024 / p }' /proc/meminfo)
FZ_BUF_CAP=4096		# pages in the fuzzer's buffers before it frees some
FZ_POOL_CAP=8192	# pooled pages before it scans them away
FZ_OBJ_CAP=65536	# pooled objects before it scans them away
FZ_RING_SIZE=24		# writes shown on a failure
FZ_CHECK_EVERY=64	# iterations between two consistency checks

fz_usage() {
	sed -n '4,7p' "$0" | sed 's/^# \{0,1\}//'
}

fz_say() {
	printf 'fuzz: %s\n' "$*"
}

# ---------------------------------------------------------------------------
# The PRNG: xorshift32 in bash arithmetic (the same on every bash), seeded
# through an integer hash. fz_rand N sets R to a number in [0, N).

fz_hash32() {
	local x=$(($1 & 0xffffffff))

	x=$(((x ^ 61) ^ (x >> 16)))
	x=$(((x * 9) & 0xffffffff))
	x=$((x ^ (x >> 4)))
	x=$(((x * 0x27d4eb2d) & 0xffffffff))
	H=$((x ^ (x >> 15)))
}

fz_seed_rng() {
	local i

	fz_hash32 $(($1 >> 32))
	fz_hash32 $((($1 & 0xffffffff) ^ H))
	fz_x=$H
	[ "$fz_x" -ne 0 ] || fz_x=0x6d2b79f5
	for ((i = 0; i < 8; i++)); do
		fz_rand 2
	done
}

fz_rand() {
	((fz_x ^= (fz_x << 13) & 0xffffffff, fz_x ^= fz_x >> 17,
		fz_x ^= (fz_x << 5) & 0xffffffff, R = fz_x % $1)) || :
}

# fz_pick <array name>: P = one of its elements.
fz_pick() {
	local -n _arr=$1

	fz_rand ${#_arr[@]}
	P=${_arr[R]}
}

# fz_small <max>: R in [1, max], most often at most 16.
fz_small() {
	local max=$1

	fz_rand 4
	if [ "$R" -eq 0 ] || [ "$max" -le 16 ]; then
		fz_rand "$max"
	else
		fz_rand 16
	fi
	R=$((R + 1))
}

# fz_amount <max>: R, the count of a valid command: most often small (see
# fz_small); now and then, in a cgroup with a memory.max, twice that much
# (up to max_request_pages), so that the command runs out of memory.
fz_amount() {
	local max=${FZ_MAXPG[$FZ_CUR]:-0}

	fz_rand 6
	if [ "$R" -eq 0 ] && [ "$max" -gt 0 ]; then
		R=$((2 * max))
		! fz_gt "$R" "$FZ_MRP" || R=$FZ_MRP
	else
		fz_small "$1"
	fi
}

# ---------------------------------------------------------------------------
# The bytes of one write, kept as a printf format PF: the characters
# [A-Za-z0-9 _.=,:+-] as themselves, every other byte as \xHH. pz_done
# derives PL (length), PS (the bytes before the first NUL), PN (1 if a NUL
# is in it) and PM (1 if a newline comes before the last byte).

pz_reset() {
	PF=
}

# pz_text <text>: append text (no NUL), a run of safe characters at a time.
pz_text() {
	local s=$1 safe h

	while [ -n "$s" ]; do
		safe=${s%%[!A-Za-z0-9 _.=,:+-]*}
		PF+=$safe
		s=${s:${#safe}}
		[ -n "$s" ] || break
		printf -v h '\\x%02x' "'${s:0:1}"
		PF+=$h
		s=${s:1}
	done
}

# pz_byte <0-255>: append one byte.
pz_byte() {
	PF+=${FZ_HEX[$1]}
}

# FZ_HEX: each byte as pz_text writes it.
FZ_HEX=('\x00' '\x01' '\x02' '\x03' '\x04' '\x05' '\x06' '\x07' '\x08'
	'\x09' '\x0a' '\x0b' '\x0c' '\x0d' '\x0e' '\x0f' '\x10' '\x11' '\x12'
	'\x13' '\x14' '\x15' '\x16' '\x17' '\x18' '\x19' '\x1a' '\x1b' '\x1c'
	'\x1d' '\x1e' '\x1f' ' ' '\x21' '\x22' '\x23' '\x24' '\x25' '\x26'
	'\x27' '\x28' '\x29' '\x2a' '+' ',' '-' '.' '\x2f' '0' '1' '2' '3' '4'
	'5' '6' '7' '8' '9' ':' '\x3b' '\x3c' '=' '\x3e' '\x3f' '\x40' 'A' 'B'
	'C' 'D' 'E' 'F' 'G' 'H' 'I' 'J' 'K' 'L' 'M' 'N' 'O' 'P' 'Q' 'R' 'S'
	'T' 'U' 'V' 'W' 'X' 'Y' 'Z' '\x5b' '\x5c' '\x5d' '\x5e' '_' '\x60' 'a'
	'b' 'c' 'd' 'e' 'f' 'g' 'h' 'i' 'j' 'k' 'l' 'm' 'n' 'o' 'p' 'q' 'r'
	's' 't' 'u' 'v' 'w' 'x' 'y' 'z' '\x7b' '\x7c' '\x7d' '\x7e' '\x7f'
	'\x80' '\x81' '\x82' '\x83' '\x84' '\x85' '\x86' '\x87' '\x88' '\x89'
	'\x8a' '\x8b' '\x8c' '\x8d' '\x8e' '\x8f' '\x90' '\x91' '\x92' '\x93'
	'\x94' '\x95' '\x96' '\x97' '\x98' '\x99' '\x9a' '\x9b' '\x9c' '\x9d'
	'\x9e' '\x9f' '\xa0' '\xa1' '\xa2' '\xa3' '\xa4' '\xa5' '\xa6' '\xa7'
	'\xa8' '\xa9' '\xaa' '\xab' '\xac' '\xad' '\xae' '\xaf' '\xb0' '\xb1'
	'\xb2' '\xb3' '\xb4' '\xb5' '\xb6' '\xb7' '\xb8' '\xb9' '\xba' '\xbb'
	'\xbc' '\xbd' '\xbe' '\xbf' '\xc0' '\xc1' '\xc2' '\xc3' '\xc4' '\xc5'
	'\xc6' '\xc7' '\xc8' '\xc9' '\xca' '\xcb' '\xcc' '\xcd' '\xce' '\xcf'
	'\xd0' '\xd1' '\xd2' '\xd3' '\xd4' '\xd5' '\xd6' '\xd7' '\xd8' '\xd9'
	'\xda' '\xdb' '\xdc' '\xdd' '\xde' '\xdf' '\xe0' '\xe1' '\xe2' '\xe3'
	'\xe4' '\xe5' '\xe6' '\xe7' '\xe8' '\xe9' '\xea' '\xeb' '\xec' '\xed'
	'\xee' '\xef' '\xf0' '\xf1' '\xf2' '\xf3' '\xf4' '\xf5' '\xf6' '\xf7'
	'\xf8' '\xf9' '\xfa' '\xfb' '\xfc' '\xfd' '\xfe' '\xff')

pz_done() {
	local plain body

	plain=${PF//\\x[0-9a-f][0-9a-f]/.}
	PL=${#plain}
	# shellcheck disable=SC2059 # the payload is a format
	printf -v PS -- "$PF"
	PN=0
	[[ $PF != *'\x00'* ]] || PN=1
	PM=0
	body=${PF%'\x0a'}
	[[ $body != *'\x0a'* ]] || PM=1
}

# ---------------------------------------------------------------------------
# The model of the contract. Each fz_model_* reads the payload (PS, PL, PN)
# and sets FZ_PRED, the outcomes allowed ("ok" and errno names), and
# FZ_ACT, what a success must have done.

# fz_ul <s>: kstrtoul(s, 10), field by field as the kernel's
# _kstrtoull: an optional "+", digits, nothing after them; digits past
# ULONG_MAX are ERANGE even with something after them (FZ_ULJUNK=1 then).
# FZ_UL the value (decimal, no leading zeros), FZ_ULE "", EINVAL or ERANGE.
fz_ul() {
	local s=${1#+} digits

	FZ_UL='' FZ_ULE='' FZ_ULJUNK=0
	digits=${s%%[!0-9]*}
	if [ -z "$digits" ]; then
		FZ_ULE=EINVAL
		return
	fi
	[ ${#digits} -eq ${#s} ] || FZ_ULJUNK=1
	digits=${digits##+(0)}
	digits=${digits:-0}
	# shellcheck disable=SC2071 # a string comparison, of equal lengths
	if [ ${#digits} -gt 20 ] ||
		{ [ ${#digits} -eq 20 ] && [[ $digits > 18446744073709551615 ]]; }; then
		FZ_ULE=ERANGE
		return
	fi
	if [ "$FZ_ULJUNK" = 1 ]; then
		FZ_ULE=EINVAL
		return
	fi
	FZ_UL=$digits
}

# fz_gt <a> <b>: a > b for decimals without leading zeros.
fz_gt() {
	if [ ${#1} -ne ${#2} ]; then
		[ ${#1} -gt ${#2} ]
		return
	fi
	[[ $1 > $2 ]]
}

# fz_count <s>: lrupool_parse_count: FZ_E "", EINVAL or E2BIG; FZ_N. A
# count past ULONG_MAX with something after it is malformed (EINVAL) as the
# contract reads, and E2BIG as kstrtoul's ERANGE comes first: either goes.
fz_count() {
	fz_ul "$1"
	FZ_N=$FZ_UL
	case $FZ_ULE in
	ERANGE)
		FZ_E=E2BIG
		[ "$FZ_ULJUNK" = 0 ] || FZ_E="E2BIG EINVAL"
		;;
	EINVAL) FZ_E=EINVAL ;;
	*)
		if [ "$FZ_UL" = 0 ]; then
			FZ_E=EINVAL
		elif fz_gt "$FZ_UL" "$FZ_MRP"; then
			FZ_E=E2BIG
		else
			FZ_E=
		fi
		;;
	esac
}

# fz_nid <s>: lrupool_parse_nid (kstrtoint, an online node): FZ_E "" or
# EINVAL.
fz_nid() {
	local s=$1

	FZ_E=EINVAL
	if [[ $s =~ ^-0+$ ]]; then
		s=0
	elif [[ $s =~ ^\+?[0-9]+$ ]]; then
		s=${s#+}
		s=${s##+(0)}
		s=${s:-0}
	else
		return 0
	fi
	[ ${#s} -le 4 ] || return 0
	[ -z "${FZ_ONLINE[s]:-}" ] || FZ_E=
	FZ_NID=$s
}

fz_name_ok() {
	[[ $1 =~ ^[A-Za-z0-9_.-]{1,32}$ ]]
}

# fz_split <max fields>: lrupool_cmd_split: FZ_E "" or EINVAL, FZ_F.
fz_split() {
	local s=$PS IFS=' '

	FZ_E=EINVAL
	FZ_F=()
	[ "$PL" -gt 0 ] && [ "$PL" -lt "$FZ_LINE_MAX" ] && [ "$PN" = 0 ] || return 0
	s=${s%$'\n'}
	[[ $s != *$'\n'* ]] || return 0
	# shellcheck disable=SC2206 # split on spaces, globbing is off
	FZ_F=($s)
	[ ${#FZ_F[@]} -le "$1" ] || return 0
	FZ_E=
}

# objects/add and objects/take: "<nr> [<nid>]".
fz_model_count_nid() {
	FZ_ACT=
	fz_split 2
	if [ -n "$FZ_E" ] || [ ${#FZ_F[@]} -lt 1 ]; then
		FZ_PRED=EINVAL
		return
	fi
	fz_count "${FZ_F[0]}"
	if [ -n "$FZ_E" ]; then
		FZ_PRED=$FZ_E
		return
	fi
	FZ_ACT_N=$FZ_N
	if [ ${#FZ_F[@]} -eq 2 ]; then
		fz_nid "${FZ_F[1]}"
		if [ -n "$FZ_E" ]; then
			FZ_PRED=EINVAL
			return
		fi
	fi
	FZ_ACT=$1
	if [ "$1" = add ]; then
		FZ_PRED="ok ENOMEM"
	else
		FZ_PRED=ok
	fi
}

# objects/scan and pages/scan: "<cgroup-id> <nid> <nr_to_scan>".
fz_model_scan() {
	local id nid

	FZ_ACT=
	fz_split 3
	if [ -n "$FZ_E" ] || [ ${#FZ_F[@]} -ne 3 ]; then
		FZ_PRED=EINVAL
		return
	fi
	fz_ul "${FZ_F[0]}"
	if [ -n "$FZ_ULE" ]; then
		FZ_PRED=EINVAL
		return
	fi
	id=$FZ_UL
	fz_nid "${FZ_F[1]}"
	if [ -n "$FZ_E" ]; then
		FZ_PRED=EINVAL
		return
	fi
	nid=$FZ_NID
	fz_count "${FZ_F[2]}"
	if [ -n "$FZ_E" ]; then
		FZ_PRED=$FZ_E
		return
	fi
	FZ_ACT=scan
	FZ_ACT_ID=$id
	FZ_ACT_NID=$nid
	if [ -n "${FZ_LIVE[$id]:-}" ]; then
		FZ_PRED=ok
	elif [ -n "${FZ_NOMEMCG[$id]:-}" ] || [ "$id" = 0 ]; then
		FZ_PRED=ENOENT
	else
		FZ_PRED="ok ENOENT"
	fi
}

# pages/alloc: "<name> <nr_pages> [caching=..] [order=..] [nid=..]".
fz_model_alloc() {
	local i opt key val seen=' ' caching=wc

	FZ_ACT=
	FZ_PRED=EINVAL
	fz_split 5
	[ -z "$FZ_E" ] && [ ${#FZ_F[@]} -ge 2 ] && fz_name_ok "${FZ_F[0]}" || return 0
	fz_count "${FZ_F[1]}"
	if [ -n "$FZ_E" ]; then
		FZ_PRED=$FZ_E
		return
	fi
	for ((i = 2; i < ${#FZ_F[@]}; i++)); do
		opt=${FZ_F[i]}
		key=${opt%%=*}
		val=${opt#*=}
		case $key in
		caching | order | nid) ;;
		*) return 0 ;;
		esac
		[[ $opt == *=* ]] && [ -n "$val" ] && [[ $seen != *" $key "* ]] || return 0
		seen+="$key "
		case $key in
		caching)
			case $val in
			wb | wc | uc) caching=$val ;;
			*) return 0 ;;
			esac
			;;
		order)
			fz_ul "$val"
			[ -z "$FZ_ULE" ] && [ ${#FZ_UL} -le 2 ] && [ "$FZ_UL" -le "$FZ_MAX_ORDER" ] || return 0
			;;
		nid)
			fz_nid "$val"
			[ -z "$FZ_E" ] || return 0
			;;
		esac
	done
	FZ_ACT=alloc
	FZ_ACT_NAME=${FZ_F[0]}
	FZ_ACT_N=$FZ_N
	FZ_ACT_CACHING=$caching
	if [ -n "${FZ_BUF_NR[$FZ_ACT_NAME]:-}" ]; then
		FZ_PRED="EEXIST ENOMEM"
	else
		FZ_PRED="ok ENOMEM"
	fi
}

# pages/free: "<name>".
fz_model_free() {
	FZ_ACT=
	FZ_PRED=EINVAL
	fz_split 1
	[ -z "$FZ_E" ] && [ ${#FZ_F[@]} -eq 1 ] && fz_name_ok "${FZ_F[0]}" || return 0
	FZ_ACT_NAME=${FZ_F[0]}
	if [ -n "${FZ_BUF_NR[$FZ_ACT_NAME]:-}" ]; then
		FZ_ACT=free
		FZ_PRED=ok
	else
		FZ_PRED=ENOENT
	fi
}

# fz_model <kind>: the prediction for the payload written to a file of
# that kind.
fz_model() {
	case $1 in
	oadd) fz_model_count_nid add ;;
	otake) fz_model_count_nid take ;;
	oscan | pscan) fz_model_scan ;;
	palloc) fz_model_alloc ;;
	pfree) fz_model_free ;;
	*)
		FZ_ACT=
		FZ_PRED=any
		;;
	esac
	# Nothing to write: the shell makes no write(2) at all.
	if [ "$PL" -eq 0 ]; then
		FZ_PRED=ok
		FZ_ACT=
	fi
}

# fz_param_model <name> <old value>: FZ_PRED for the payload written to that
# parameter, and FZ_NORM, the value it must read back as when accepted.
fz_param_model() {
	local v=$PS

	FZ_NORM=$2
	if [ "$PL" -eq 0 ]; then
		FZ_PRED=ok
		return
	fi
	if [ "$PL" -gt 4096 ]; then
		# sysfs takes a page per write; the generator makes every
		# page-long prefix of such values invalid.
		FZ_PRED=EINVAL
		return
	fi
	case $1 in
	fallback)
		case $v in
		none | none$'\n') FZ_PRED=ok FZ_NORM=none ;;
		ancestors | ancestors$'\n') FZ_PRED=ok FZ_NORM=ancestors ;;
		*) FZ_PRED=EINVAL ;;
		esac
		;;
	max_request_pages | pool_limit_pages)
		fz_ul "${v%$'\n'}"
		# max_request_pages: 1 to the pages of RAM (MemTotal).
		if [ -n "$FZ_ULE" ] || { [ "$1" = max_request_pages ] &&
			{ [ "$FZ_UL" = 0 ] || fz_gt "$FZ_UL" "$FZ_RAM_PAGES"; }; }; then
			FZ_PRED=EINVAL
		else
			FZ_PRED=ok
			FZ_NORM=$FZ_UL
		fi
		;;
	*)
		FZ_PRED="ok EINVAL"
		FZ_NORM=
		;;
	esac
}

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

# ---------------------------------------------------------------------------
# Parameters

fz_read_param() {
	V=
	IFS= read -r V < "$FZ_PARAMS/$1" || :
}

# fz_param_write <name> <class>: write the payload to a parameter and check
# that it reads back as the old value (refused) or the new one (accepted).
fz_param_write() {
	local name=$1 class=$2 old label="param:$1"

	fz_read_param "$name"
	old=$V
	fz_param_model "$name" "$old"
	fz_put "$FZ_PARAMS/$name"
	fz_record "$label" "$class"
	fz_count_outcome "$label" "$class"
	fz_read_param "$name"
	case $O in
	ok | EINVAL) ;;
	*)
		fz_fail "$label: the write failed with $O, not EINVAL"
		return
		;;
	esac
	if ! fz_in "$O" "$FZ_PRED"; then
		fz_fail "$label: got $O, expected $FZ_PRED (was '$old', reads '$V' now)"
		return
	fi
	if [ "$O" != ok ]; then
		[ "$V" = "$old" ] || fz_fail "$label: refused, yet it changed from '$old' to '$V'"
	elif [ -n "$FZ_NORM" ]; then
		[ "$V" = "$FZ_NORM" ] || fz_fail "$label: accepted, reads '$V', expected '$FZ_NORM' (was '$old')"
	fi
	fz_param_state
}

# fz_param_set <name> <value>: a plain write of a value that must be taken.
fz_param_set() {
	pz_reset
	pz_text "$2"
	pz_done
	fz_param_write "$1" keep
	[ "$O" = ok ] || fz_fail "param:$1: could not set it to '$2'"
}

# fz_param_state: the parameters the model needs; max_request_pages back to
# at most FZ_MRP_CAP.
fz_param_state() {
	if [ -n "${FZ_PARAM_OLD[max_request_pages]+set}" ]; then
		fz_read_param max_request_pages
		FZ_MRP=$V
		if [ "$FZ_CLAMP" = 1 ] && fz_gt "$FZ_MRP" "$FZ_MRP_CAP"; then
			fz_param_set max_request_pages "$FZ_MRP_CAP"
			return
		fi
	fi
	if [ -n "${FZ_PARAM_OLD[fallback]+set}" ]; then
		fz_read_param fallback
		FZ_FALLBACK=$V
	fi
	if [ -n "${FZ_PARAM_OLD[pool_limit_pages]+set}" ]; then
		fz_read_param pool_limit_pages
		FZ_POOL_LIMIT=$V
	fi
}

# fz_pad <n> <char>: PAD = n copies of the character.
fz_pad() {
	printf -v PAD '%*s' "$1" ''
	[ "$2" = ' ' ] || PAD=${PAD// /$2}
}

# fz_gen_param <name>: a random value for the parameter, as the payload.
fz_gen_param() {
	local words=(none ancestors NONE Ancestors ancestor ancestorsx nonee
		'none ' ' none' 'none,ancestors' 'none ancestors' '' x y n 0 1)
	local nums=(0 1 2 3 10 100 511 512 4096 16384 262143 262144 262145
		"$FZ_MRP" 4294967295 4294967296 9223372036854775807
		9223372036854775808 18446744073709551615 18446744073709551616
		99999999999999999999999 -1 -0 +5 +0 007 0x10 0X10 1e3 5.0 '5 '
		' 5' '1 2' 5x x5 '' + - ++1 '1,000' 000000000000000000000000000042)
	local i n

	pz_reset
	fz_rand 10
	case $R in
	0 | 1 | 2)
		fz_pick nums
		pz_text "$P"
		;;
	3)
		fz_rand 1000000
		pz_text "$R"
		;;
	4 | 5)
		fz_pick words
		pz_text "$P"
		;;
	6)
		fz_rand 40
		n=$((R + 1))
		for ((i = 0; i < n; i++)); do
			fz_rand 256
			pz_byte "$R"
		done
		;;
	7)
		# One page at most: a single write.
		fz_rand 4
		case $R in
		0) fz_pad 4094 0 && pz_text "${PAD}7" ;;
		1) fz_pad 4000 ' ' && pz_text "5$PAD" ;;
		2) fz_pad 200 9 && pz_text "$PAD" ;;
		3) fz_pad 3000 x && pz_text "none$PAD" ;;
		esac
		;;
	8)
		# More than a page: every page-long prefix is invalid.
		fz_rand 3
		case $R in
		0) fz_pad 5000 x && pz_text "$PAD" ;;
		1) fz_pad 4200 9 && pz_text "$PAD" ;;
		2) fz_pad 8300 0 && pz_text "1$PAD" ;;
		esac
		;;
	9)
		# A near-valid value with odd bytes around it.
		fz_pick nums
		pz_text "$P"
		fz_rand 6
		case $R in
		0) pz_text $'\n' ;;
		1) pz_text $'\n\n' ;;
		2) pz_byte 0; pz_text junk ;;
		3) pz_text $'\t' ;;
		4) pz_text $'\r\n' ;;
		5) pz_byte 0 ;;
		esac
		;;
	esac
	# fallback's values with the same endings.
	if [ "$1" = fallback ]; then
		fz_rand 3
		if [ "$R" -eq 0 ]; then
			pz_reset
			fz_rand 2
			pz_text "${words[R]}"
			fz_rand 5
			case $R in
			0) pz_text $'\n' ;;
			1) pz_text $'\n\n' ;;
			2) pz_byte 0; pz_text x ;;
			3) pz_text $'\r' ;;
			esac
		fi
	fi
	pz_done
}

fz_fuzz_param() {
	local name

	fz_pick FZ_PARAM_LIST
	name=$P
	fz_gen_param "$name"
	fz_param_write "$name" param
	[ "$FZ_STOP" = 0 ] || return
	# Half the time the first value comes back at once.
	fz_rand 2
	if [ "$R" -eq 0 ]; then
		fz_param_set "$name" "${FZ_PARAM_OLD[$name]}"
	fi
}

# ---------------------------------------------------------------------------
# Generating lines for the known files

# fz_valid <kind>: FZ_V, the fields of a valid command.
fz_valid() {
	local opts=() i j t

	FZ_V=()
	case $1 in
	oadd | otake)
		fz_amount 512
		FZ_V=("$R")
		fz_rand 2
		if [ "$R" -eq 0 ]; then
			fz_pick FZ_ONLINE_LIST
			FZ_V+=("$P")
		fi
		;;
	oscan | pscan)
		fz_pick FZ_LIVE_LIST
		FZ_V=("$P")
		fz_pick FZ_ONLINE_LIST
		FZ_V+=("$P")
		fz_small 1024
		FZ_V+=("$R")
		;;
	palloc)
		fz_pick FZ_NAMES
		FZ_V=("$P")
		fz_amount 256
		FZ_V+=("$R")
		fz_rand 2
		if [ "$R" -eq 0 ]; then
			fz_rand 3
			opts+=("caching=${FZ_CACHINGS[R]}")
		fi
		fz_rand 2
		if [ "$R" -eq 0 ]; then
			fz_rand $((FZ_MAX_ORDER + 1))
			opts+=("order=$R")
		fi
		fz_rand 2
		if [ "$R" -eq 0 ]; then
			fz_pick FZ_ONLINE_LIST
			opts+=("nid=$P")
		fi
		# In any order.
		for ((i = ${#opts[@]} - 1; i > 0; i--)); do
			fz_rand $((i + 1))
			j=$R
			t=${opts[i]}
			opts[i]=${opts[j]}
			opts[j]=$t
		done
		FZ_V+=("${opts[@]}")
		;;
	pfree)
		fz_rand 4
		if [ "$R" -ne 0 ] && [ ${#FZ_BUF_LIST[@]} -gt 0 ]; then
			fz_pick FZ_BUF_LIST
		else
			fz_pick FZ_NAMES
		fi
		FZ_V=("$P")
		;;
	*)
		fz_pick FZ_NUMS
		FZ_V=("$P")
		fz_rand 3
		for ((i = 0; i < R; i++)); do
			fz_pick FZ_NUMS
			FZ_V+=("$P")
		done
		;;
	esac
}

# fz_special_number: P, a number (or almost) that parsers get wrong.
fz_special_number() {
	local specials=(0 00 -0 +0 -1 +1 1 9 10 $((FZ_MAX_ORDER + 1)) "$FZ_MRP"
		$((FZ_MRP + 1)) $((FZ_MRP - 1)) 2147483647 2147483648 4294967295
		4294967296 4294967297 9223372036854775807 9223372036854775808
		18446744073709551615 18446744073709551616 99999999999999999999999
		0x10 0X1 1e3 5.0 '5,0' ++5 +-5 -+5 5- 0005 '' 1_0 +
		000000000000000000000000000000000000001 "$FZ_NR_NODE_IDS"
		$((FZ_NR_NODE_IDS + 1)) 64 1024)

	fz_pick specials
}

fz_bad_name() {
	# shellcheck disable=SC2016 # '$x' is a name, not an expansion
	local bad=('a/b' 'a:b' 'x*' 'a+b' 'a@b' '~x' 'a,b' 'a=b' 'a;b' '$x'
		"a'b" 'a"b' '(x)' 'a\b' $'\xc3\xa9' $'a\tb' $'a\rb' $'a\x01b'
		$'\x7f' $'\xff' 'a b' '%s%n' '..%' '' '*')

	fz_rand 4
	case $R in
	0)
		fz_pad 33 a
		P=$PAD
		;;
	1)
		fz_rand 100
		fz_pad $((R + 33)) Z
		P=$PAD
		;;
	*) fz_pick bad ;;
	esac
}

# fz_mutate_field <kind>: change one field of FZ_V.
fz_mutate_field() {
	local kind=$1 nf=${#FZ_V[@]} i j t key
	local tokens=(5 x foo=1 nid=0 caching=wc order=0 '=' '' key= 0 Caching=wc
		CACHING=wc caching order nid=
		'caching=wc=uc' 'order==1' 'nid=0=0' order:1 '=wc')
	local cachings=(WC Wc wcx w '' wb2 uncached u c 'wc,uc' wc. ' wc' uc- b)

	fz_rand 12
	case $R in
	0 | 1)
		# A number where a number or a value goes.
		fz_special_number
		fz_rand $((nf > 0 ? nf : 1))
		i=$R
		if [[ ${FZ_V[i]:-} == *=* ]]; then
			FZ_V[i]=${FZ_V[i]%%=*}=$P
		else
			FZ_V[i]=$P
		fi
		;;
	2)
		# A field less.
		[ "$nf" -gt 0 ] || return 0
		fz_rand "$nf"
		unset "FZ_V[R]"
		FZ_V=("${FZ_V[@]}")
		;;
	3)
		# A field twice.
		[ "$nf" -gt 0 ] || return 0
		fz_rand "$nf"
		i=$R
		fz_rand $((nf + 1))
		FZ_V=("${FZ_V[@]:0:R}" "${FZ_V[i]}" "${FZ_V[@]:R}")
		;;
	4)
		fz_pick tokens
		FZ_V+=("$P")
		;;
	5)
		# Two fields swapped.
		[ "$nf" -gt 1 ] || return 0
		fz_rand "$nf"
		i=$R
		fz_rand "$nf"
		j=$R
		t=${FZ_V[i]}
		FZ_V[i]=${FZ_V[j]}
		FZ_V[j]=$t
		;;
	6)
		# A key changed.
		fz_pick tokens
		t=$P
		for ((i = nf - 1; i >= 0; i--)); do
			if [[ ${FZ_V[i]} == *=* ]]; then
				FZ_V[i]=$t
				return 0
			fi
		done
		FZ_V+=("$t")
		;;
	7)
		# A caching mode that is none.
		fz_pick cachings
		FZ_V+=("caching=$P")
		for ((i = 0; i < nf; i++)); do
			if [[ ${FZ_V[i]} == caching=* ]]; then
				FZ_V[i]="caching=$P"
				unset "FZ_V[nf]"
			fi
		done
		;;
	8)
		# A bad name.
		fz_bad_name
		if [ "$kind" = palloc ] || [ "$kind" = pfree ]; then
			FZ_V[0]=$P
		else
			fz_rand $((nf > 0 ? nf : 1))
			FZ_V[R]=$P
		fi
		;;
	9)
		# A cgroup-id that is not (or no longer) a memcg's.
		fz_pick FZ_BAD_IDS
		FZ_V[0]=$P
		;;
	10)
		# A nid off the online ones.
		fz_special_number
		t=$P
		if [ "$kind" = palloc ]; then
			FZ_V+=("nid=$t")
		else
			FZ_V[1]=$t
		fi
		;;
	11)
		# An odd character inside a field.
		[ "$nf" -gt 0 ] || return 0
		fz_rand "$nf"
		i=$R
		t=${FZ_V[i]}
		fz_pick FZ_ODD_CHARS
		key=$P
		fz_rand $((${#t} + 1))
		FZ_V[i]=${t:0:R}$key${t:R}
		;;
	esac
	FZ_V=("${FZ_V[@]}")
}

# fz_join: LINE = the fields of FZ_V with single spaces.
fz_join() {
	local IFS=' '

	LINE="${FZ_V[*]}"
}

# fz_line_payload: the payload from LINE, mutated at the level of the line
# (separators, ends, NULs) when FZ_LINE_MUT is set.
fz_line_payload() {
	local l=$LINE p

	pz_reset
	if [ "$FZ_LINE_MUT" = 0 ]; then
		pz_text "$l"$'\n'
		pz_done
		return
	fi
	fz_rand 12
	case $R in
	0) l="  $l"$'\n' ;;
	1) l="$l   "$'\n' ;;
	2) l=${l// /  }$'\n' ;;
	3) l=${l/ /$'\t'}$'\n' ;;
	4) l="$l"$'\r\n' ;;
	5) ;;
	6) l="$l"$'\n\n' ;;
	7) l="$l"$'\n'"$l"$'\n' ;;
	8) l="$l"$'\t\n' ;;
	9)
		# A NUL somewhere.
		fz_rand $((${#l} + 1))
		p=$R
		pz_text "${l:0:p}"
		pz_byte 0
		pz_text "${l:p}"$'\n'
		pz_done
		return
		;;
	10) l=$'\n'"$l"$'\n' ;;
	11) l="$l"$'\n\x00' ;;
	esac
	pz_text "$l"
	pz_done
}

# fz_gen <kind>: the payload of one write to a file of that kind; CLASS.
fz_gen() {
	local kind=$1 i n p

	fz_rand 100
	if [ "$R" -lt 25 ]; then
		CLASS=valid
		fz_valid "$kind"
		fz_join
		FZ_LINE_MUT=0
		fz_rand 20
		[ "$R" -ne 0 ] || LINE+=' '
		fz_line_payload
	elif [ "$R" -lt 60 ]; then
		CLASS=near
		fz_valid "$kind"
		fz_mutate_field "$kind"
		fz_rand 3
		[ "$R" -ne 0 ] || fz_mutate_field "$kind"
		fz_join
		fz_rand 3
		FZ_LINE_MUT=$((R == 0))
		fz_line_payload
	elif [ "$R" -lt 70 ]; then
		CLASS=truncated
		fz_valid "$kind"
		fz_join
		LINE+=$'\n'
		fz_rand ${#LINE}
		pz_reset
		pz_text "${LINE:0:R}"
		pz_done
	elif [ "$R" -lt 80 ]; then
		CLASS=printable
		fz_rand 140
		n=$R
		pz_reset
		# Four characters a draw.
		for ((i = 0; i < n; i += 4)); do
			fz_rand 4294967296
			PF+=${FZ_HEX[(R & 255) % 95 + 32]}${FZ_HEX[(R >> 8 & 255) % 95 + 32]}
			PF+=${FZ_HEX[(R >> 16 & 255) % 95 + 32]}${FZ_HEX[(R >> 24) % 95 + 32]}
		done
		fz_rand 2
		[ "$R" -eq 0 ] || pz_text $'\n'
		pz_done
	elif [ "$R" -lt 90 ]; then
		CLASS=binary
		pz_reset
		fz_rand 4
		case $R in
		0)
			# A valid line with a byte of any value inside.
			fz_valid "$kind"
			fz_join
			fz_rand $((${#LINE} + 1))
			p=$R
			pz_text "${LINE:0:p}"
			fz_rand 256
			pz_byte "$R"
			pz_text "${LINE:p}"$'\n'
			;;
		*)
			fz_rand 200
			n=$((R + 1))
			for ((i = 0; i < n; i += 4)); do
				fz_rand 4294967296
				PF+=${FZ_HEX[R & 255]}${FZ_HEX[R >> 8 & 255]}
				PF+=${FZ_HEX[R >> 16 & 255]}${FZ_HEX[R >> 24]}
			done
			;;
		esac
		pz_done
	else
		CLASS=oversized
		fz_oversized "$kind"
	fi
}

# fz_oversized <kind>: a line at, or past, the limit of 127 bytes with its
# newline, up to more than two pages.
fz_oversized() {
	local sizes=(127 127 128 128 129 200 4095 4096 4097 8193) size pad

	fz_valid "$1"
	fz_join
	fz_pick sizes
	size=$P
	pad=$((size - ${#LINE} - 1))
	[ "$pad" -gt 0 ] || pad=1
	pz_reset
	fz_rand 5
	case $R in
	0)
		fz_pad "$pad" ' '
		pz_text "$LINE$PAD"$'\n'
		;;
	1)
		fz_pad "$pad" ' '
		pz_text "$PAD$LINE"$'\n'
		;;
	2)
		# Leading zeros on the first number of the line.
		fz_pad "$pad" 0
		if [[ $LINE =~ ^([^0-9]*)([0-9].*)$ ]]; then
			pz_text "${BASH_REMATCH[1]}$PAD${BASH_REMATCH[2]}"$'\n'
		else
			pz_text "$PAD$LINE"$'\n'
		fi
		;;
	3)
		# A name (or first field) that long.
		fz_pad "$pad" n
		pz_text "$PAD$LINE"$'\n'
		;;
	4)
		# Command after command.
		PAD="$LINE "
		while [ ${#PAD} -lt "$size" ]; do
			PAD+=$PAD
		done
		pz_text "${PAD:0:size-1}"$'\n'
		;;
	esac
	pz_done
}

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

# ---------------------------------------------------------------------------

fz_main() {
	local seconds=${LRUPOOL_FUZZ_SECONDS:-} iterations=${LRUPOOL_FUZZ_ITERATIONS:-}
	local kind file

	FZ_SEED=${LRUPOOL_FUZZ_SEED:-}
	FZ_GIVEN=() FZ_SCRATCH='' FZ_OWN='' FZ_LOG='' FZ_READY=0
	FZ_FILES=() FZ_PARAM_LIST=() FZ_TARGETS=()
	while [ $# -gt 0 ]; do
		case $1 in
		--seed) FZ_SEED=${2:-}; shift 2 || break ;;
		--seconds) seconds=${2:-}; shift 2 || break ;;
		--iterations) iterations=${2:-}; shift 2 || break ;;
		--cgroup) FZ_GIVEN+=("${2:-}"); shift 2 || break ;;
		--scratch) FZ_SCRATCH=${2:-}; shift 2 || break ;;
		--log) FZ_LOG=${2:-}; shift 2 || break ;;
		-h | --help) fz_usage; return 0 ;;
		*) fz_usage >&2; return 2 ;;
		esac
	done
	if [ -z "$FZ_SEED" ]; then
		FZ_SEED=${EPOCHREALTIME/./}
		FZ_SEED=$((10#$FZ_SEED % 1000000000))
	fi
	[ -n "$seconds$iterations" ] || seconds=30
	if ! [[ $FZ_SEED =~ ^[0-9]{1,18}$ && $seconds =~ ^[0-9]*$ && $iterations =~ ^[0-9]*$ ]]; then
		fz_usage >&2
		return 2
	fi
	FZ_SEED=$((10#$FZ_SEED))
	fz_say "seed $FZ_SEED"
	fz_seed_rng "$FZ_SEED"

	declare -gA FZ_KIND=() FZ_LIVE=() FZ_NOMEMCG=() FZ_ID_OF=() FZ_MAXPG=() \
		FZ_BUF_NR=() FZ_BUF_OWNER=() FZ_PARAM_OLD=() \
		FZ_W=() FZ_HIST=() FZ_ERRS=() FZ_CLASS=() FZ_VALID_OK=() \
		OB=() OA=() PB=() PA=() PX=()
	FZ_BUF_LIST=() FZ_EPH=() FZ_RING=()
	OBT='' OAT='' PBT='' PAT='' BB='' BA='' CB='' CA=''
	FZ_BUF_PAGES=0 FZ_EPH_SEQ=0 FZ_EPH_MADE=0 FZ_EPH_REMOVED=0 FZ_MOVES=0
	FZ_KEEP=0 FZ_FAILS=0 FZ_STOP=0 FZ_ITER=0 FZ_NR_WRITES=0 FZ_CLAMP=1
	FZ_CUR='' FZ_CG_ID=1
	SECONDS=0

	trap 'fz_restore; fz_summary; exit 1' INT TERM
	if ! fz_setup; then
		fz_say "set-up failed"
		fz_restore
		return 2
	fi
	FZ_READY=1
	fz_say "files: ${FZ_FILES[*]#"$FZ_DEBUGFS"/}; parameters: ${FZ_PARAM_LIST[*]}"
	fz_say "cgroups: ${FZ_TARGETS[*]#"$FZ_CGROOT"}${FZ_SCRATCH:+; scratch ${FZ_SCRATCH#"$FZ_CGROOT"}}; budget ${seconds:-no} seconds, ${iterations:-no limit on} iterations"

	SECONDS=0
	while [ "$FZ_STOP" = 0 ]; do
		[ -z "$seconds" ] || [ "$SECONDS" -lt "$seconds" ] || break
		[ -z "$iterations" ] || [ "$FZ_ITER" -lt "$iterations" ] || break
		FZ_ITER=$((FZ_ITER + 1))
		fz_rand 100
		if [ "$R" -lt 5 ]; then
			fz_cg_action
		elif [ "$R" -lt 15 ] && [ ${#FZ_PARAM_LIST[@]} -gt 0 ]; then
			fz_fuzz_param
		else
			fz_pick FZ_FILES
			file=$P
			kind=${FZ_KIND[$file]}
			fz_gen "$kind"
			fz_write "$file" "$kind" "${file#"$FZ_DEBUGFS"/}" "$CLASS"
		fi
		[ "$FZ_STOP" = 0 ] || break
		fz_keep_bounded
		if [ $((FZ_ITER % FZ_CHECK_EVERY)) -eq 0 ] && [ "$FZ_STOP" = 0 ]; then
			fz_check_consistency
		fi
	done
	trap - INT TERM
	fz_restore
	fz_summary
	[ "$FZ_FAILS" -eq 0 ]
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	fz_main "$@"
	exit $?
fi
