# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: arrays read through fz_pick's nameref,
# associative arrays fz_main declares, variables other parts set.
# shellcheck disable=SC2004,SC2034,SC2153,SC2154
#
# fuzz.sh's PRNG: xorshift32 seeded through an integer hash; picks and
# amounts.

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
