# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: arrays read through fz_pick's nameref,
# associative arrays fz_main declares, variables other parts set.
# shellcheck disable=SC2004,SC2034,SC2153,SC2154
#
# fuzz.sh's generator of lines for the known files: valid, mutated, oversized.

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
