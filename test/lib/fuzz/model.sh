# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: arrays read through fz_pick's nameref,
# associative arrays fz_main declares, variables other parts set.
# shellcheck disable=SC2004,SC2034,SC2153,SC2154
#
# fuzz.sh's model of the contract: the outcomes a payload may have.

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
