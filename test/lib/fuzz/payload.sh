# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: arrays read through fz_pick's nameref,
# associative arrays fz_main declares, variables other parts set.
# shellcheck disable=SC2004,SC2034,SC2153,SC2154
#
# fuzz.sh's payload: the bytes of one write, kept as a printf format.

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
