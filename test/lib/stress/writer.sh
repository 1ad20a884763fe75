# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: settings the driver sets, results the
# tests read.
# shellcheck disable=SC2034,SC2154
#
# stress.sh's writer: the steps of one writer.

# ---------------------------------------------------------------------------
# A writer

# st_pages <op> <alloc|free> <nr> <line>: write the line to pages/alloc or
# pages/free; on success add nr to the "pages alloc" or "pages free" count.
st_pages() {
	ST_LAST="$2 $4"
	if st_write "$LP_PAGES/$2" "$4"; then
		ST_CNT["pages $2"]=$((${ST_CNT["pages $2"]:-0} + $3))
		st_count "$1"
		return 0
	fi
	st_count "$1"
	return 1
}

# st_alloc <op> <name> <nr> <args>: pages/alloc.
st_alloc() {
	st_pages "$1" alloc "$3" "$2 $3 $4"
}

# st_free <op> <name> <nr>: pages/free of a buffer of nr pages.
st_free() {
	st_pages "$1" free "$3" "$2"
}

# st_free_slot <k>: free the buffer in slot k.
st_free_slot() {
	if st_free free "${ST_NAME[$1]}" "${ST_SIZE[$1]}"; then
		ST_NAME[$1]=
		ST_SIZE[$1]=0
	fi
}

# st_probe <index> <a> <b> <c> <d>: in the writer's own cgroup, set memory.max
# a little above its usage, ask for more than usage and headroom, then for a
# small buffer that fits, then lift the limit.
st_probe() {
	local i=$1 cur room big small dir cachings=(wb wc uc)

	st_move "$ST_BASE/p/w$i" probe-move
	[ "$ST_ERR" = ok ] || return
	dir=$ST_DIRNAME
	read -r cur < "$dir/memory.current" || cur=0
	room=$(((1 + $2 % 4) * 256))
	ST_LAST="memory.max $((cur + room * LP_PAGE_SIZE))"
	st_write "$dir/memory.max" $((cur + room * LP_PAGE_SIZE))
	st_count probe-max
	big=$((2 * room + $3 % 256))
	ST_PROBE=$((ST_PROBE + 1))
	if st_alloc probe-big "w$i.p$ST_PROBE" "$big" "caching=wb order=$(($5 % 10))"; then
		st_free probe-big-free "w$i.p$ST_PROBE" "$big"
	fi
	small=$((1 + $3 % 16))
	if st_alloc probe-fit "w$i.f$ST_PROBE" "$small" "caching=${cachings[$5 % 3]}"; then
		st_free probe-fit-free "w$i.f$ST_PROBE" "$small"
	fi
	ST_LAST="memory.max max"
	st_write "$dir/memory.max" max
	st_count probe-restore
}

# st_writer <index> <seconds>: the writer's loop, for that long from its
# start (starting the workers takes long on a debug kernel).
st_writer() {
	local i=$1 end=$((SECONDS + $2)) step=0 digest=0 op a b c d e k n nid order caching args
	local orders=(0 1 2 3 4 9 -) cachings=(wb wc uc) amounts=(64K 256K 1M)
	local lines cur kind t0

	st_worker_init "$i"
	shopt -s nullglob
	ST_NAME=() ST_SIZE=()
	for ((k = 0; k < ST_SLOTS; k++)); do
		ST_NAME[k]=
		ST_SIZE[k]=0
	done
	ST_PROBE=0
	while [ "$SECONDS" -lt "$end" ]; do
		t0=${EPOCHREALTIME/./}
		st_rand; op=$((ST_X % 1000))
		st_rand; a=$ST_X
		st_rand; b=$ST_X
		st_rand; c=$ST_X
		st_rand; d=$ST_X
		st_rand; e=$ST_X
		if [ "$step" -lt "$ST_DIGEST_STEPS" ]; then
			for k in "$op" "$a" "$b" "$c" "$d" "$e"; do
				digest=$(((digest * 1000003 + k) % 2147483647))
			done
		fi
		step=$((step + 1))
		nid=$((c % (ST_NODES + 1)))
		ST_ERRMSG=
		if [ "$op" -lt 300 ]; then
			kind=alloc
			# alloc into a slot, freeing what it held first
			k=$((a % ST_SLOTS))
			[ -z "${ST_NAME[k]}" ] || st_free_slot "$k"
			if [ $((b % 10)) -lt 6 ]; then
				n=$((1 + d % 16))
			elif [ $((b % 10)) -lt 9 ]; then
				n=$((17 + d % 48))
			else
				n=$((65 + d % 96))
			fi
			order=${orders[e % 7]}
			caching=${cachings[(e / 7) % 3]}
			args="caching=$caching"
			[ "$order" = - ] || args="$args order=$order"
			[ "$nid" = "$ST_NODES" ] || args="$args nid=$nid"
			ST_SERIAL=$((ST_SERIAL + 1))
			if st_alloc alloc "w$i.$ST_SERIAL" "$n" "$args"; then
				ST_NAME[k]=w$i.$ST_SERIAL
				ST_SIZE[k]=$n
			fi
		elif [ "$op" -lt 520 ]; then
			kind=free
			# free a slot, or the next one that holds a buffer
			for ((n = 0; n < ST_SLOTS; n++)); do
				k=$(((a + n) % ST_SLOTS))
				[ -z "${ST_NAME[k]}" ] || break
			done
			if [ -n "${ST_NAME[k]}" ]; then
				st_free_slot "$k"
			else
				st_count free skip
			fi
		elif [ "$op" -lt 620 ]; then
			kind=add
			n=$((1 + b % 48))
			ST_LAST="add $n"
			if [ "$nid" = "$ST_NODES" ]; then
				st_write "$LP_OBJ/add" "$n"
			else
				st_write "$LP_OBJ/add" "$n $nid"
			fi && ST_CNT["objects add"]=$((${ST_CNT["objects add"]:-0} + n))
			st_count add
		elif [ "$op" -lt 720 ]; then
			kind=take
			n=$((1 + b % 80))
			ST_LAST="take $n"
			if [ "$nid" = "$ST_NODES" ]; then
				st_write "$LP_OBJ/take" "$n"
			else
				st_write "$LP_OBJ/take" "$n $nid"
			fi
			st_count take
		elif [ "$op" -lt 800 ]; then
			kind=move
			# the root, a path of the tree that may or may not
			# exist, or the a-th cgroup of the tree as it is now
			n=$((a % (${#ST_PATHS[@]} + 3)))
			if [ "$n" -ge "${#ST_PATHS[@]}" ]; then
				st_move / move
			elif [ $((b % 2)) = 0 ]; then
				st_move "$ST_BASE/t/${ST_PATHS[n]}" move
			else
				lines=("$LP_CGROOT/$ST_BASE"/t/*/ "$LP_CGROOT/$ST_BASE"/t/*/*/
					"$LP_CGROOT/$ST_BASE"/t/*/*/*/)
				if [ "${#lines[@]}" = 0 ]; then
					st_count move skip
				else
					k=${lines[a % ${#lines[@]}]%/}
					st_move "${k#"$LP_CGROOT"/}" move
				fi
			fi
		elif [ "$op" -lt 860 ]; then
			kind=scan
			# scan the pages or objects lists of the writer's cgroup
			k=pscan
			[ "$op" -lt 830 ] || k=oscan
			if [ -z "${ST_IDS[$ST_CUR]:-}" ]; then
				st_count "$k" skip
			elif [ "$k" = pscan ]; then
				ST_LAST="pages scan ${ST_IDS[$ST_CUR]} $((b % ST_NODES)) $((1 + d % 64))"
				st_write "$LP_PAGES/scan" "${ST_IDS[$ST_CUR]} $((b % ST_NODES)) $((1 + d % 64))"
				st_count pscan
			else
				ST_LAST="objects scan ${ST_IDS[$ST_CUR]} $((b % ST_NODES)) $((1 + d % 64))"
				st_write "$LP_OBJ/scan" "${ST_IDS[$ST_CUR]} $((b % ST_NODES)) $((1 + d % 64))"
				st_count oscan
			fi
		elif [ "$op" -lt 890 ]; then
			kind=reclaim
			if [ "$ST_CUR" = / ]; then
				st_count reclaim skip
			else
				st_cgdir "$ST_CUR"
				ST_LAST="memory.reclaim ${amounts[b % 3]}"
				st_write "$ST_DIRNAME/memory.reclaim" "${amounts[b % 3]}"
				st_count reclaim
			fi
		elif [ "$op" -lt 920 ]; then
			kind=memmax
			if [ "$ST_CUR" = / ]; then
				st_count memmax skip
			else
				st_cgdir "$ST_CUR"
				read -r cur < "$ST_DIRNAME/memory.current" || cur=0
				if [ $((b % 3)) = 0 ]; then
					n=max
				else
					n=$((cur + (32 + d % 32) * 1048576))
				fi
				ST_LAST="memory.max $n"
				st_write "$ST_DIRNAME/memory.max" "$n"
				st_count memmax
			fi
		elif [ "$op" -lt 950 ]; then
			kind=probe
			st_probe "$i" "$b" "$c" "$d" "$e"
		elif [ "$op" -lt 996 ]; then
			kind="read"
			mapfile -t lines < "$LP_PAGES/buffers"
			mapfile -t lines < "$LP_PAGES/count"
			mapfile -t lines < "$LP_OBJ/count"
			st_count read ok
		else
			kind=drop
			ST_LAST="drop_caches 2"
			st_write "$ST_DROP_CACHES" 2
			st_count drop
		fi
		ST_CNT["us $kind"]=$((${ST_CNT["us $kind"]:-0} + ${EPOCHREALTIME/./} - t0))
	done
	st_move / end-move
	trap - EXIT
	exec 2>&1
	st_worker_report
	for ((k = 0; k < ST_SLOTS; k++)); do
		[ -z "${ST_NAME[k]}" ] || echo "live ${ST_NAME[k]} ${ST_SIZE[k]}"
	done
	echo "digest w$i $digest $step"
	echo "done"
}
