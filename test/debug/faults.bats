#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# debug lane: allocation failures injected into objects add/take and pages
# alloc/free (failslab and fail_page_alloc, aimed at one shell through its
# make-it-fail and fail-nth). Every command that fails must fail with
# ENOMEM and change nothing: no buffer, no entry, no counter moved; every
# command that succeeds must have done exactly its work; count, buffers and
# stats must agree after each command (miss = pooled + in_use + released +
# shrink_freed); nothing may leak (kmemleak, the descriptor caches at
# rmmod, the cgroup's memory.current) and the kernel must log no splat.
#
#   P (objects and pooled pages on both nodes, for G to borrow)
#   `-- G (the shell under injection)
#
# Fault injection reaches every allocation of the shell while it is on, the
# open of the debugfs file as well as the module's own: bash reports a
# failed open as "<file>: Cannot allocate memory" and a failed write as
# "write error: Cannot allocate memory"; both are ENOMEM, the open's never
# reaches the module. Both tests need the debug kernel (lp_fi_have) and skip
# elsewhere.
#
# LRUPOOL_FAULTS_ITERATIONS (default 300): commands of the random loop;
# LRUPOOL_FAULTS_SEED: its seed (printed, to replay a sequence; the
# injected failures themselves are random). LRUPOOL_DEBUG_KMEMLEAK=1: scan
# with kmemleak at the end of each test, with the module loaded, and fail
# on a report that names lrupool (minutes under TCG; the guest scans once
# after the suite anyway, and fails the run on any report).

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/pages"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/debug"

# Probabilities (percent) the random loop draws from, one per command.
PROBABILITIES=(1 2 5 10 20 30)
CACHINGS=(wb wc uc)
# Pages the pool may hold: frees beyond it release pages (the restore path).
POOL_LIMIT=3000

setup() {
	lp_fi_have || skip "this kernel has no failslab/fail_page_alloc/fail-nth"
	lp_setup pool_limit_pages=$POOL_LIMIT
	lp_need_two_nodes
	lp_fi_setup
	out=$BATS_TEST_TMPDIR
}

teardown() {
	local rc=0

	lp_fi_restore || rc=1
	lp_teardown || rc=1
	return $rc
}

# ---------------------------------------------------------------------------
# The shell under injection. It runs as a subshell of the test, moved into
# a cgroup; it turns the test's errexit and traps off and reports what it
# finds in files: $out/viol (one line per violation) and $out/results.
# While injection is on it runs builtins only: no fork, no other file.

# fi_child_init <cgroup dir>: move into the cgroup, open the per-task files.
fi_child_init() {
	trap - ERR DEBUG RETURN
	set +eET
	echo "$BASHPID" > "$1/cgroup.procs" || exit 125
	exec {mif}> /proc/self/make-it-fail || exit 125
	exec {nth}> /proc/self/fail-nth || exit 125
	errf=$out/err.$BASHPID
	declare -gA OS PS BUF OBJ OT CNT
	f_ocount='' f_ostats='' f_pcount='' f_pbuf='' f_pstats=''
}

fi_bad() {
	printf '%s\n' "$*" >> "$out/viol"
}

# fi_prepare_err: a file of 4096 spaces on fd $errfd, for bash's message:
# writing over a page the file already has allocates nothing.
fi_prepare_err() {
	printf '%4096s' '' > "$errf"
	exec {errfd}<> "$errf"
}

# fi_collect_err: the message (rc != 0) or nothing, into err.
fi_collect_err() {
	exec {errfd}>&-
	err=
	[ "$rc" = 0 ] || read -r err < "$errf"
}

# fi_write_random <file> <line>: write the line with make-it-fail on;
# rc and err.
fi_write_random() {
	fi_prepare_err
	echo 1 >&"$mif"
	printf '%s\n' "$2" 2>&"$errfd" > "$1"
	rc=$?
	until echo 0 >&"$mif"; do :; done
	fi_collect_err
}

# fi_write_nth <n> <file> <line>: write the line with the nth allocation
# site reached from now on failed; rc, err and fired (whether the nth
# site was reached) and left (sites still to go when it was not).
fi_write_nth() {
	local rd

	fi_prepare_err
	exec {rd}< /proc/self/fail-nth
	echo "$1" >&"$nth"
	printf '%s\n' "$3" 2>&"$errfd" > "$2"
	rc=$?
	read -r -u "$rd" left
	until echo 0 >&"$nth"; do :; done
	exec {rd}<&-
	fi_collect_err
	fired=0
	[ "$left" = 0 ] && fired=1
}

# fi_outcome: ok, write (the write failed with ENOMEM), open (the open
# failed with ENOMEM) or other.
fi_outcome() {
	if [ "$rc" = 0 ]; then
		outcome=ok
	elif [[ $err == *"write error: $ENOMEM" ]]; then
		outcome='write'
	elif [[ $err == *": $ENOMEM" ]]; then
		outcome=open
	else
		outcome=other
	fi
}

# fi_read: the state into globals: snap (what a failed command must leave
# as it was: count files, buffers and every statistic but caching_changes,
# which a failed alloc may move switching caching there and back), OS/PS
# (stats), OBJ["<id> <nid>"], OT[nid] (objects per node), BUF[name]
# ("<owner> <nr> <caching> <borrowed>"), and the sums for fi_consistent.
fi_read() {
	local k v i name owner nr caching borrowed pst=
	local -a f

	lp_slurp f_ocount "$LP_OBJ/count"
	lp_slurp f_ostats "$LP_OBJ/stats"
	lp_slurp f_pcount "$LP_PAGES/count"
	lp_slurp f_pbuf "$LP_PAGES/buffers"
	lp_slurp f_pstats "$LP_PAGES/stats"
	OS=() PS=() BUF=() OBJ=() OT=([0]=0 [1]=0)
	o_sum=0 p_sum=0 b_sum=0 b_nr=0
	while read -r k v; do
		[ -n "$k" ] && OS[$k]=$v
	done <<< "$f_ostats"
	while read -r k v; do
		[ -n "$k" ] || continue
		PS[$k]=$v
		[ "$k" = caching_changes ] || pst+="$k $v;"
	done <<< "$f_pstats"
	while read -r -a f; do
		for ((i = 1; i < ${#f[@]}; i++)); do
			OBJ["${f[0]} $((i - 1))"]=${f[i]}
			OT[$((i - 1))]=$((${OT[$((i - 1))]:-0} + f[i]))
			o_sum=$((o_sum + f[i]))
		done
	done <<< "$f_ocount"
	while read -r -a f; do
		for ((i = 3; i < ${#f[@]}; i++)); do
			p_sum=$((p_sum + f[i]))
		done
	done <<< "$f_pcount"
	while read -r name owner nr caching borrowed; do
		[ -n "$name" ] || continue
		BUF[$name]="$owner $nr $caching $borrowed"
		b_sum=$((b_sum + nr))
		b_nr=$((b_nr + 1))
	done <<< "$f_pbuf"
	snap="$f_ocount|$f_ostats|$f_pcount|$f_pbuf|$pst"
}

# fi_consistent <context>: stats agree with count and buffers, and every
# page allocated is accounted for.
fi_consistent() {
	local p=${PS[pooled]} u=${PS[in_use]} m=${PS[miss]}
	local r=${PS[released]} s=${PS[shrink_freed]}

	if [ "$p" != "$p_sum" ] || [ "$u" != "$b_sum" ] ||
		[ "$m" != $((p + u + r + s)) ] || [ "${PS[buffers]}" != "$b_nr" ] ||
		[ "${OS[entries]}" != "$o_sum" ]; then
		fi_bad "$1: inconsistent: pooled $p (count $p_sum), in_use $u (buffers $b_sum), miss $m, released $r, shrink_freed $s, buffers ${PS[buffers]} ($b_nr lines), entries ${OS[entries]} (count $o_sum)"
	fi
}

# fi_unchanged <context>: after a failed command, nothing moved.
fi_unchanged() {
	[ "$snap" = "$snap0" ] || fi_bad "$1: failed but changed the state:
before: $snap0
after:  $snap"
}

# fi_lines_of <id> <text>: the lines of text for that cgroup-id, into REPLY.
fi_lines_of() {
	local l

	REPLY=
	while IFS= read -r l; do
		[[ $l == "$1 "* ]] && REPLY+="$l;"
	done <<< "$2"
}

# fi_buffer_is <context> <name> <owner> <nr> <caching> [<borrowed>]: the
# buffers line of name; without borrowed, any count up to nr.
fi_buffer_is() {
	local ctx=$1 name=$2 owner nr caching borrowed

	if [ -z "${BUF[$name]+set}" ]; then
		fi_bad "$ctx: succeeded but buffers has no '$name'"
		return
	fi
	read -r owner nr caching borrowed <<< "${BUF[$name]}"
	if [ "$owner $nr $caching" != "$3 $4 $5" ] || [ "$borrowed" -gt "$nr" ] ||
		{ [ -n "${6:-}" ] && [ "$borrowed" != "$6" ]; }; then
		fi_bad "$ctx: buffers line '$name ${BUF[$name]}', expected '$name $3 $4 $5 ${6:-<= $4}'"
	fi
}

# ---------------------------------------------------------------------------
# The random loop: commands of every kind, each at a probability drawn from
# PROBABILITIES, in cgroup G below P.

# random_op: pick the next command: kind, file, line and its arguments.
random_op() {
	local r=$((RANDOM % 100)) names

	names=("${!BUF[@]}")
	if [ "$r" -lt 35 ] && [ ${#names[@]} -ge 10 ]; then
		r=80
	elif [ "$r" -ge 70 ] && [ "$r" -lt 90 ] && [ ${#names[@]} -eq 0 ]; then
		r=0
	fi
	a_nid=$((RANDOM % 2))
	if [ "$r" -lt 35 ]; then
		kind=alloc
		a_name=f$i
		r=$((RANDOM % 100))
		if [ "$r" -lt 50 ]; then
			a_nr=$((1 + RANDOM % 16))
		elif [ "$r" -lt 85 ]; then
			a_nr=$((17 + RANDOM % 184))
		else
			a_nr=$((200 + RANDOM % 900))
		fi
		a_caching=${CACHINGS[RANDOM % 3]}
		a_order=$((RANDOM % 10))
		file=$LP_PAGES/alloc
		line="$a_name $a_nr caching=$a_caching order=$a_order nid=$a_nid"
	elif [ "$r" -lt 55 ]; then
		kind=add
		a_nr=$((1 + RANDOM % 16))
		file=$LP_OBJ/add
		line="$a_nr $a_nid"
	elif [ "$r" -lt 70 ]; then
		kind=take
		a_nr=$((1 + RANDOM % 24))
		file=$LP_OBJ/take
		line="$a_nr $a_nid"
	elif [ "$r" -lt 90 ]; then
		kind=free
		a_name=${names[RANDOM % ${#names[@]}]}
		file=$LP_PAGES/free
		line=$a_name
	else
		kind=scan
		a_nr=$((1 + RANDOM % 64))
		if [ $((RANDOM % 2)) = 0 ]; then
			file=$LP_OBJ/scan
		else
			file=$LP_PAGES/scan
		fi
		line="$idG $a_nid $a_nr"
		[ $((RANDOM % 2)) = 0 ] && line="$idP $a_nid $a_nr"
	fi
}

# random_check <context>: what a successful command must have done.
random_check() {
	local ctx=$1 nr0 taken

	case $kind in
	alloc)
		fi_buffer_is "$ctx" "$a_name" "$idG" "$a_nr" "$a_caching"
		[ "${PS[in_use]}" = $((in_use0 + a_nr)) ] ||
			fi_bad "$ctx: in_use ${PS[in_use]}, expected $in_use0 + $a_nr"
		;;
	free)
		read -r _ nr0 _ _ <<< "$buf0"
		[ -z "${BUF[$a_name]+set}" ] || fi_bad "$ctx: freed, but buffers still has it"
		[ "${PS[in_use]}" = $((in_use0 - nr0)) ] ||
			fi_bad "$ctx: in_use ${PS[in_use]}, expected $in_use0 - $nr0"
		;;
	add)
		[ "${OBJ[$idG $a_nid]:-0}" = $((own0 + a_nr)) ] ||
			fi_bad "$ctx: G has ${OBJ[$idG $a_nid]:-0} objects on node $a_nid, expected $own0 + $a_nr"
		[ "${OS[entries]}" = $((entries0 + a_nr)) ] ||
			fi_bad "$ctx: entries ${OS[entries]}, expected $entries0 + $a_nr"
		;;
	take)
		# Only G and P hold objects: G reaches all of them.
		taken=$((a_nr < ot0 ? a_nr : ot0))
		[ "${OS[entries]}" = $((entries0 - taken)) ] ||
			fi_bad "$ctx: entries ${OS[entries]}, expected $entries0 - $taken"
		;;
	scan)
		if [ "${OS[entries]}" -gt "$entries0" ] || [ "${PS[pooled]}" -gt "$pooled0" ]; then
			fi_bad "$ctx: the pool grew"
		fi
		;;
	esac
}

# random_child <G dir> <iterations> <seed>
random_child() {
	local iters=$2 i p ctx t0 t1 start=${EPOCHREALTIME/./}

	fi_child_init "$1"
	RANDOM=$3
	fi_read
	for ((i = 1; i <= iters; i++)); do
		random_op
		buf0=
		[ "$kind" = free ] && buf0=${BUF[$a_name]}
		snap0=$snap in_use0=${PS[in_use]} pooled0=${PS[pooled]}
		entries0=${OS[entries]} own0=${OBJ[$idG $a_nid]:-0} ot0=${OT[$a_nid]}
		p=${PROBABILITIES[RANDOM % ${#PROBABILITIES[@]}]}
		lp_fi_probability "$p" || fi_bad "cannot set the probability"
		t0=${EPOCHREALTIME/./}
		fi_write_random "$file" "$line"
		t1=${EPOCHREALTIME/./}
		fi_outcome
		CNT[$kind.$outcome]=$((${CNT[$kind.$outcome]:-0} + 1))
		CNT[$kind.us]=$((${CNT[$kind.us]:-0} + t1 - t0))
		ctx="command $i ($p%): '$line' > ${file#"$LP_ROOT"/}"
		fi_read
		CNT[read.us]=$((${CNT[read.us]:-0} + ${EPOCHREALTIME/./} - t1))
		fi_consistent "$ctx"
		case $outcome in
		ok) random_check "$ctx" ;;
		write | open) fi_unchanged "$ctx" ;;
		*) fi_bad "$ctx: failed with '$err'" ;;
		esac
	done
	lp_fi_probability 0
	rm -f "$errf"
	CNT[all.us]=$((${EPOCHREALTIME/./} - start))
	for p in "${!CNT[@]}"; do
		echo "$p ${CNT[$p]}"
	done > "$out/results"
}

# result <key>: a count from $out/results, 0 when absent.
result() {
	awk -v k="$1" '$1 == k { n = $2 } END { print n + 0 }' "$out/results"
}

assert_no_violation() {
	[ ! -s "$out/viol" ] || fail "$(wc -l < "$out/viol") violation(s), the first ones:
$(head -n 40 "$out/viol")"
}

# ---------------------------------------------------------------------------
# The end of both tests: injection off, everything freed and drained, no
# leak, and the module unloads and loads again.

drained() {
	echo 2 > /proc/sys/vm/drop_caches
	[ "$(lp_pstat pooled)" = 0 ] && [ "$(lp_stat entries)" = 0 ]
}

mem_at_most() {
	[ "$(lp_mem_current "$1")" -le "$2" ]
}

# end_clean <cgroup>: the checks above; the cgroup's memory.current must come back to the
# per-CPU slack: a page or a charge a failed command left behind stays
# there.
end_clean() {
	local name leaks

	lp_fi_off
	while read -r name _; do
		lp_write "$LP_PAGES/free" "$name"
	done < <(cat "$LP_PAGES/buffers")
	lp_wait_until 60 drained || fail "the pool does not drain:
$(cat "$LP_PAGES/stats" "$LP_OBJ/stats")"
	lp_assert_pages_consistent
	lp_assert_pstat in_use 0
	lp_assert_pstat buffers 0
	lp_wait_until 30 mem_at_most "$1" $((LP_PAGE_SLACK * LP_PAGE_SIZE)) ||
		fail "memory.current of $1 stays at $(lp_mem_current "$1") with nothing pooled or in use
$(cat "$(lp_cg_dir "$1")/memory.stat")"
	if [ "${LRUPOOL_DEBUG_KMEMLEAK:-0}" = 1 ] && lp_kmemleak_have; then
		leaks=$(lp_kmemleak_lrupool)
		[ -z "$leaks" ] || fail "kmemleak reports objects of lrupool:
$leaks"
	fi
	rmmod lrupool
	lp_load
	lp_assert_clean_kernel
	run lp_kernel_log_since_mark
	refute_output --partial 'x86/PAT:'
}

# ---------------------------------------------------------------------------

@test "faults: injected slab and page allocation failures fail commands with ENOMEM and change nothing" {
	local seed=${LRUPOOL_FAULTS_SEED:-$RANDOM} iters=${LRUPOOL_FAULTS_ITERATIONS:-300}
	local start=$SECONDS k

	lp_cg_create P
	lp_write_as P "$LP_OBJ/add" "40 0" "$LP_OBJ/add" "40 1"
	lp_fill_as P "p0 16 caching=wc order=0 nid=0" "p1 32 caching=wc order=2 nid=0" \
		"p2 64 caching=wb order=3 nid=1" "p3 8 caching=uc order=0 nid=1"
	lp_assert_count "$(lp_cg_id P)" 40 40
	lp_assert_pcount_lines "$(lp_cg_id P)" "wb 3 0 64" "wc 0 16 0" "wc 2 32 0" "uc 0 0 8"
	lp_cg_create P/G
	idP=$(lp_cg_id P)
	idG=$(lp_cg_id P/G)
	echo "# seed $seed, $iters commands" >&3

	(random_child "$(lp_cg_dir P/G)" "$iters" "$seed") > "$out/child.log" 2>&1 ||
		fail "the shell under injection failed: $(cat "$out/child.log")"
	[ -s "$out/results" ] || fail "no results: $(cat "$out/child.log")"
	for k in alloc add take free scan; do
		echo "# $k: ok $(result "$k.ok"), ENOMEM from the write $(result "$k.write"), from the open $(result "$k.open"), other $(result "$k.other"); $(($(result "$k.us") / 1000)) ms" >&3
	done
	echo "# the loop $(($(result all.us) / 1000)) ms, reading the state $(($(result read.us) / 1000)) ms; the test $((SECONDS - start)) s" >&3
	assert_no_violation
	for k in alloc add; do
		[ "$(result "$k.ok")" -gt 0 ] || fail "no $k succeeded"
		[ "$(result "$k.write")" -gt 0 ] || fail "no $k failed in the module"
	done
	[ "$(result free.ok)" -gt 0 ] || fail "no free succeeded"
	[ "$(result take.ok)" -gt 0 ] || fail "no take succeeded"
	end_clean P
}

# ---------------------------------------------------------------------------
# fail-nth: each command is written again and again in a fresh cgroup Q/t<k>
# with the 1st, 2nd, 3rd... allocation site failed, until a run reaches
# fewer sites than n: then every site the command reaches has been failed
# once. A site whose failure the command gets over (a smaller order, a
# kmemleak record from its emergency pool) lets it succeed.

# Q's pool, which the commands may borrow from; each trial must leave it so.
nth_q_fill() {
	lp_write_as Q "$LP_OBJ/add" "4 0" "$LP_OBJ/add" "4 1"
	lp_fill_as Q "q0 8 caching=wc order=2 nid=0" "q1 3 caching=wc order=0 nid=0" \
		"q2 2 caching=uc order=0 nid=1"
	lp_assert_count "$(lp_cg_id Q)" 4 4
	lp_assert_pcount_lines "$(lp_cg_id Q)" "wc 0 3 0" "wc 2 8 0" "uc 0 0 2"
}

# nth_cmd <file> <line>: a command of the preparation, injection off.
nth_cmd() {
	printf '%s\n' "$2" > "$1" || fi_bad "$label: preparing: '$2' > $1 failed"
}

# nth_prepare: what the trial's cgroup holds before the command.
nth_prepare() {
	case $label in
	take)
		nth_cmd "$LP_OBJ/add" "5 0"
		;;
	wc19)
		# 8 pages from Q's two order-2 chunks, which go back to Q,
		# and a fresh one, which stays in t's pool.
		nth_cmd "$LP_PAGES/alloc" "p 12 caching=wc order=2 nid=0"
		nth_cmd "$LP_PAGES/free" p
		;;
	free)
		nth_cmd "$LP_PAGES/alloc" "b 6 caching=wc order=1 nid=0"
		;;
	release)
		nth_cmd "$LP_PAGES/alloc" "b 6 caching=uc order=1 nid=1"
		;;
	esac
}

# nth_borrowed <pages>: the pages a buffer must have borrowed when the
# command met no failure; after a failure it got over (a smaller order),
# the pool's chunks of other orders may serve it: any number then.
nth_borrowed() {
	[ "$exact" = 1 ] && echo "$1"
}

# nth_expect <context> <exact>: what the command must have done, exactly
# when no failure was injected (exact=1), or what any success must show.
nth_expect() {
	local ctx=$1 exact=$2 t

	case $label in
	add0 | add1)
		[ "${OBJ[$idT ${label#add}]:-0}" = 2 ] ||
			fi_bad "$ctx: t has ${OBJ[$idT ${label#add}]:-0} objects, expected 2"
		;;
	take)
		[ "${OBJ[$idT 0]:-0}" = 2 ] ||
			fi_bad "$ctx: t has ${OBJ[$idT 0]:-0} objects, expected 2"
		;;
	wb1) fi_buffer_is "$ctx" b "$idT" 1 wb 0 ;;
	uc5) fi_buffer_is "$ctx" b "$idT" 5 uc "$(nth_borrowed 1)" ;;
	wc19) fi_buffer_is "$ctx" b "$idT" 19 wc "$(nth_borrowed 9)" ;;
	wc520) fi_buffer_is "$ctx" b "$idT" 520 wc "$(nth_borrowed 0)" ;;
	free | release)
		[ -z "${BUF[b]+set}" ] || fi_bad "$ctx: freed, but buffers still has it"
		fi_lines_of "$idT" "$f_pcount"
		t="$idT wc 1 6 0;"
		[ "$label" = release ] && t=
		[ "$REPLY" = "$t" ] || fi_bad "$ctx: t's pool '$REPLY', expected '$t'"
		;;
	esac
}

# nth_empty_t: free t's buffer and scan its lists empty, so that removing
# t moves nothing to Q.
nth_empty_t() {
	local nid f

	[ -z "${BUF[b]+set}" ] || nth_cmd "$LP_PAGES/free" b
	fi_read
	fi_lines_of "$idT" "$f_ocount$f_pcount"
	[ -n "$REPLY" ] || return 0
	for nid in 0 1; do
		for f in "$LP_OBJ/scan" "$LP_PAGES/scan"; do
			nth_cmd "$f" "$idT $nid 262144"
		done
	done
	fi_read
}

# Trial cgroups are made, and the ones left behind removed, NTH_BATCH at a
# time: forks are slow in a TCG guest with KASAN.
NTH_BATCH=32

# nth_enter: move into the next trial cgroup, t<seq_t>, and set idT.
nth_enter() {
	local i dirs=() ids

	seq_t=$((seq_t + 1))
	if [ -z "${TID[$seq_t]:-}" ]; then
		for ((i = seq_t; i < seq_t + NTH_BATCH; i++)); do
			dirs+=("$qdir/t$i")
		done
		mkdir "${dirs[@]}" || return
		mapfile -t ids < <(stat -c %i "${dirs[@]}")
		for ((i = 0; i < NTH_BATCH; i++)); do
			TID[$((seq_t + i))]=${ids[i]}
		done
	fi
	echo "$BASHPID" > "$qdir/t$seq_t/cgroup.procs" || return
	idT=${TID[$seq_t]}
	left_behind+=("$qdir/t$((seq_t - 1))")
	if [ ${#left_behind[@]} -ge "$NTH_BATCH" ]; then
		rmdir "${left_behind[@]}" || return
		left_behind=()
	fi
}

# nth_trial <n>: the command in a fresh cgroup with the nth site failed;
# sets done when the command reached fewer than n sites.
nth_trial() {
	local n=$1 ctx

	if ! nth_enter; then
		fi_bad "$label: cannot enter $qdir/t$seq_t"
		done=1
		return
	fi
	nth_prepare
	fi_read
	snap0=$snap
	fi_write_nth "$n" "$file" "$line"
	fi_outcome
	ctx="$label, site $n: '$line' > ${file#"$LP_ROOT"/}"
	fi_read
	fi_consistent "$ctx"
	if [ "$fired" = 0 ]; then
		done=1
		sites=$((n - left))
		if [ "$outcome" = ok ]; then
			nth_expect "$ctx" 1
		else
			fi_bad "$ctx: failed with no failure injected: '$err'"
		fi
	else
		CNT[$label.$outcome]=$((${CNT[$label.$outcome]:-0} + 1))
		case $outcome in
		ok) nth_expect "$ctx" 0 ;;
		write | open) fi_unchanged "$ctx" ;;
		*) fi_bad "$ctx: failed with '$err'" ;;
		esac
	fi
	nth_empty_t
	fi_lines_of "$idQ" "$f_ocount$f_pcount"
	[ "$REPLY" = "$q_base" ] || fi_bad "$ctx: Q holds '$REPLY' afterwards, expected '$q_base'"
	fi_lines_of "$idT" "$f_ocount$f_pcount"
	[ -z "$REPLY" ] || fi_bad "$ctx: t still holds '$REPLY'"
}

# nth_walk <label> <file> <line>
nth_walk() {
	local n start=$SECONDS

	label=$1 file=$2 line=$3 done=0 sites=
	for ((n = 1; !done; n++)); do
		if [ "$n" -gt 1000 ]; then
			fi_bad "$label: still failing at site $n"
			break
		fi
		nth_trial "$n"
	done
	echo "$label $sites $((SECONDS - start)) ${CNT[$label.ok]:-0} ${CNT[$label.write]:-0} ${CNT[$label.open]:-0} ${CNT[$label.other]:-0}" >> "$out/results"
}

# nth_child <Q dir>
nth_child() {
	local limit i

	qdir=$1 seq_t=0 left_behind=()
	declare -gA TID
	fi_child_init "$qdir/t0"
	idQ=$(stat -c %i "$qdir")
	fi_read
	fi_lines_of "$idQ" "$f_ocount$f_pcount"
	q_base=$REPLY
	nth_walk add0 "$LP_OBJ/add" "2 0"
	nth_walk add1 "$LP_OBJ/add" "2 1"
	nth_walk take "$LP_OBJ/take" "3 0"
	nth_walk wb1 "$LP_PAGES/alloc" "b 1 caching=wb order=0 nid=1"
	nth_walk uc5 "$LP_PAGES/alloc" "b 5 caching=uc order=2 nid=1"
	nth_walk wc19 "$LP_PAGES/alloc" "b 19 caching=wc order=2 nid=0"
	nth_walk wc520 "$LP_PAGES/alloc" "b 520 caching=wc order=9 nid=0"
	nth_walk free "$LP_PAGES/free" b
	limit=$(< "$LP_PARAMS/pool_limit_pages")
	echo 0 > "$LP_PARAMS/pool_limit_pages"
	nth_walk release "$LP_PAGES/free" b
	echo "$limit" > "$LP_PARAMS/pool_limit_pages"
	echo "$BASHPID" > "$LP_CGROOT/cgroup.procs"
	for ((i = seq_t; i <= ${#TID[@]}; i++)); do
		left_behind+=("$qdir/t$i")
	done
	rmdir "${left_behind[@]}"
	rm -f "$errf"
}

@test "faults: every allocation site of add, take, alloc and free, failed in turn (fail-nth), fails with ENOMEM and changes nothing" {
	local label sites secs ok write open other start=$SECONDS

	lp_cg_create Q
	nth_q_fill
	lp_cg_create Q/t0
	: > "$out/results"

	(nth_child "$(lp_cg_dir Q)") > "$out/child.log" 2>&1 ||
		fail "the shell under injection failed: $(cat "$out/child.log")"
	while read -r label sites secs ok write open other; do
		echo "# $label: $sites sites ($secs s): failed with ENOMEM from the write $write, from the open $open; got over $ok; other $other" >&3
	done < "$out/results"
	echo "# $((SECONDS - start)) s" >&3
	assert_no_violation
	[ "$(wc -l < "$out/results")" = 9 ] || fail "walks that did not finish: $(cat "$out/results")"
	while read -r label sites secs ok write open other; do
		[ -n "$sites" ] || fail "$label: no run without a failure"
		case $label in
		take | free | release) ;;
		*) [ "$write" -gt 0 ] || fail "$label: no failure reached the module" ;;
		esac
	done < "$out/results"
	end_clean Q
}
