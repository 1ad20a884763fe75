# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: arrays read through fz_pick's nameref,
# associative arrays fz_main declares, variables other parts set.
# shellcheck disable=SC2004,SC2034,SC2153,SC2154
#
# fuzz.sh's module parameters: their model and random values.

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
