# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The workers read settings the driver sets before it starts them; bats
# sets $status and $output.
# shellcheck disable=SC2034,SC2154
#
# stress.sh: a bounded, seeded stress of lrupool.
#
#   bash $LRUPOOL_LIB/stress.sh [--seed N] [--seconds S] [--writers W]
#
# runs as root in a test guest (scripts/vmtest.sh --script, or by hand) with
# $LRUPOOL_KO set and lrupool not loaded; test/stress.bats sources this file
# and calls stress_main with the same options. Defaults: the seed from
# $LRUPOOL_STRESS_SEED, else a random one; the time from
# $LRUPOOL_STRESS_SECONDS, else 60; 5 writers. Exit status 0 when every
# check held, 1 otherwise, 2 on a usage error.
#
# What it does, in order:
#   1. Notes the free memory (after drop_caches 3: MemFree and the pages on
#      the per-CPU free lists, see st_memfree), the RAM pages that are not
#      write-back, and the root's nr_dying_descendants; loads lrupool with
#      pool_limit_pages=8192.
#   2. For S seconds, W writers and a mutator run in the background (lp_bg,
#      so that lp_teardown kills them if the test is cut short):
#      - the mutator changes the cgroup tree below stress/t (3 levels, 30
#        possible cgroups): mkdir and rmdir of leaf and inner cgroups (a
#        rmdir of a cgroup holding a writer or a child fails with EBUSY, and
#        so does +memory in a parent holding a writer), turns +memory off
#        again in childless cgroups, changes pool_limit_pages (64, 512, 4096,
#        16384) and fallback, and reads count, buffers and stats while the
#        writers write;
#      - each writer moves itself between the cgroups of that tree and the
#        root (a move into a cgroup that is gone fails with ENOENT or
#        ENODEV, into an inner one with EBUSY), allocates buffers (every
#        caching, orders 0 to 9, 1 to 160 pages, on either node or its own,
#        names unique to the writer; at most 4 held, so at most 640 pages)
#        and frees them, adds and takes objects, scans the pages and objects
#        lists of its cgroup, writes memory.reclaim, sets memory.max of its
#        cgroup 32-64 MB above its usage or back to max, reads the files,
#        and drops caches (2); now and then it moves into a cgroup of its
#        own (stress/p/w<i>), sets memory.max 1-4 MB above its usage, asks
#        for a write-back buffer of more than twice that headroom (ENOMEM,
#        unless reclaim or the ancestors' lists find the pages), then for a
#        small one that must fit, and sets memory.max back. All writers
#        together hold at most 16 x 640 pages (40 MB, 12.5 MB with 5), and
#        pooled pages are reclaimable, so no limit they set leaves a cgroup
#        to the OOM killer.
#      Every operation is counted by kind and result (ok, ENOMEM, EBUSY,
#      ENOENT, ENODEV, EAGAIN, skip: nothing to do). A result outside what
#      each kind may return (say EEXIST on alloc, ENOENT on free, ENOMEM on
#      the small buffer after a failed big one) is a failure, and so is a
#      worker that does not finish (its last step and stderr are printed).
#   3. With the writers stopped and their buffers still live: pages/stats
#      agree with count and buffers (lp_assert_pages_consistent: pooled is
#      the sum of count, in_use that of buffers, miss = pooled + in_use +
#      released + shrink_freed); the buffers are exactly those the writers
#      hold, of the sizes they asked for; the pages of every successful
#      alloc add up to hit_local + hit_ancestor + miss, those of every free
#      to given + released; objects/stats entries is the sum of count and
#      added - taken_local - taken_ancestor - shrink_freed; the writers'
#      objects add up to added; count names only existing cgroups.
#   4. Removes every cgroup it made; stress/ and then the root must get
#      back to the nr_dying_descendants they had (polled for 60 s with
#      drop_caches 2 in between); count then names the root only, and
#      pages/stats still agree with count and buffers.
#   5. Allocates 9728 more pages in the root in three buffers (8192 wb,
#      1024 wc, 512 uc) and 2048 objects per node, frees a 512-page wc
#      buffer into the pool, and unloads lrupool with all of that and the
#      writers' buffers live. Afterwards every page is write-back again
#      (lp_pages_not_wb as before insmod), and the free memory, after
#      drop_caches 3, is at least its value before insmod minus
#      ST_MEMFREE_SLACK_KB (8 MB: with the per-CPU lists counted, a run
#      like this ends within 2 MB of where it started, an idle guest drifts
#      by about 3 MB, and the unload frees about 45 MB; MemFree alone moves
#      by 20 MB or more as the per-CPU lists grow and shrink). MemFree and
#      the /proc/meminfo fields that moved by 1 MB or more are printed.
#   6. The kernel logged no splat since the start (lp_splats: WARNING,
#      BUG, Oops, KASAN, lockdep, hung task, list corruption, OOM killer...).
#
# It prints what it did: the seed first, then a table of operations by kind
# and result, cgroups created and removed, pages allocated, freed, given,
# released and shrunk, objects added, taken and shrunk, the writers' time
# per kind of step, and the time at each phase. A poll that takes more
# than 10 s says what it is waiting for and what it sees.
#
# Reproducibility: each worker has its own Lehmer generator (x * 48271 mod
# 2^31 - 1) seeded from the seed and its index, and every step draws the
# same number of values whatever happened before, so the sequence of choices
# a worker makes is a function of seed and index (its digest over the first
# 256 steps is printed to show it). Whether a choice succeeds, and what a
# choice resolves to where it names "the n-th cgroup that exists", depend on
# the interleaving with the other workers and the kernel's timing, which
# are not reproducible: the same seed gives the same choices, not the same
# run.
#
# The workers use no external command, only bash builtins: a fork costs
# much under TCG, and a file written from inside a cgroup would be charged
# to it and keep its memcg alive after rmdir. Their errors go to a FIFO of
# their own, read back after each failed write to learn the errno; their
# counts are printed once they are back in the root.

# ---------------------------------------------------------------------------
# Settings

ST_BASE=stress			# below /sys/fs/cgroup: the cgroups it makes
ST_SLOTS=4			# buffers a writer holds at most
ST_POOL_LIMIT=8192		# pool_limit_pages while it runs
ST_MEMFREE_SLACK_KB=${ST_MEMFREE_SLACK_KB:-8192}
ST_DEADLINE=60			# seconds for anything polled
ST_DIGEST_STEPS=256
ST_DROP_CACHES=/proc/sys/vm/drop_caches

# The tree the mutator changes, below $ST_BASE/t: three levels.
ST_PATHS=()
for _a in a b c; do
	ST_PATHS+=("$_a")
	for _b in d e f; do
		ST_PATHS+=("$_a/$_b")
		for _c in g h; do
			ST_PATHS+=("$_a/$_b/$_c")
		done
	done
done
unset _a _b _c

# What each kind of operation may return; anything else is a failure.
declare -gA ST_ALLOWED=(
	[alloc]="ok ENOMEM"
	[free]="ok skip"
	[add]="ok ENOMEM"
	[take]="ok"
	[move]="ok ENOENT ENODEV EBUSY skip"
	[pscan]="ok ENOENT skip"
	[oscan]="ok ENOENT skip"
	[reclaim]="ok EAGAIN skip"
	[memmax]="ok skip"
	[probe-move]="ok"
	[probe-max]="ok"
	[probe-big]="ok ENOMEM"
	[probe-big-free]="ok"
	[probe-fit]="ok"
	[probe-fit-free]="ok"
	[probe-restore]="ok"
	[read]="ok"
	[drop]="ok"
	[mkdir]="ok ENOENT EBUSY"
	[rmdir]="ok EBUSY ENOTEMPTY"
	[nomemory]="ok EBUSY skip"
	[limit]="ok"
	[fallback]="ok"
	[end-move]="ok"
)
# The rows and columns of the table, in this order.
ST_OPS="alloc free add take move pscan oscan reclaim memmax probe-move"
ST_OPS="$ST_OPS probe-max probe-big probe-big-free probe-fit probe-fit-free"
ST_OPS="$ST_OPS probe-restore read drop mkdir rmdir nomemory limit fallback"
ST_OPS="$ST_OPS end-move"
ST_RESULTS="ok ENOMEM EBUSY ENOENT ENODEV EAGAIN skip"

# ---------------------------------------------------------------------------
# Reporting

# st_say <line>...: a line of the report (on $ST_SAY_FD, after $ST_SAY_PREFIX).
st_say() {
	local l

	while IFS= read -r l; do
		printf '%s%s\n' "${ST_SAY_PREFIX:-}" "$l" >&"${ST_SAY_FD:-1}"
	done <<< "$*"
}

# st_at: the time since the start.
st_at() {
	echo "at $((SECONDS - ST_T0)) s"
}

# st_poll <what> <state-command> <command> [args...]: lp_wait_until with
# the deadline ST_DEADLINE, saying what it waits for and what the state
# command shows after 10 s, so that even a run cut short by a timeout
# tells what it was waiting for.
st_poll() {
	local what=$1 state=$2 said=$((SECONDS + 10)) end=$((SECONDS + ST_DEADLINE))

	shift 2
	until "$@"; do
		if [ "$SECONDS" -ge "$said" ]; then
			st_say "still waiting for $what ($(st_at)): $($state | tr '\n' ' ')"
			said=$((SECONDS + 20))
		fi
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.2
	done
}

# st_fail <message>: report a failed check and carry on.
st_fail() {
	ST_FAILED=$((ST_FAILED + 1))
	ST_FAILURES+=("$(head -n 1 <<< "$1")")
	st_say "FAIL: $1"
}

# st_dump: the module's view, for a failure message.
st_dump() {
	local f

	for f in pages/stats pages/count pages/buffers objects/stats objects/count; do
		[ -r "$LP_ROOT/$f" ] || continue
		echo "--- $f"
		head -n 40 "$LP_ROOT/$f"
	done
}

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

# ---------------------------------------------------------------------------
# The driver

st_usage() {
	echo "usage: stress.sh [--seed N] [--seconds S] [--writers W]" >&2
	return 2
}

st_parse_args() {
	ST_SEED=${LRUPOOL_STRESS_SEED:-}
	ST_SECONDS=${LRUPOOL_STRESS_SECONDS:-60}
	ST_WRITERS=5
	while [ $# -gt 0 ]; do
		case $1 in
		--seed) [ $# -ge 2 ] || { st_usage; return; }; ST_SEED=$2; shift 2 ;;
		--seconds) [ $# -ge 2 ] || { st_usage; return; }; ST_SECONDS=$2; shift 2 ;;
		--writers) [ $# -ge 2 ] || { st_usage; return; }; ST_WRITERS=$2; shift 2 ;;
		*) st_usage; return ;;
		esac
	done
	if [ -z "$ST_SEED" ]; then
		ST_SEED=$((SRANDOM % 1000000000))
	fi
	[[ $ST_SEED =~ ^[0-9]{1,18}$ ]] || { echo "bad seed '$ST_SEED'" >&2; st_usage; return; }
	if ! [[ $ST_SECONDS =~ ^[0-9]{1,6}$ ]] || [ "$ST_SECONDS" -lt 1 ]; then
		echo "bad time '$ST_SECONDS'" >&2
		st_usage
		return
	fi
	if ! [[ $ST_WRITERS =~ ^[0-9]{1,2}$ ]] || [ "$ST_WRITERS" -lt 1 ] ||
		[ "$ST_WRITERS" -gt 16 ]; then
		echo "bad writer count '$ST_WRITERS' (1 to 16)" >&2
		st_usage
		return
	fi
	ST_SEED=$((10#$ST_SEED))
}

# st_memfree <file>: free memory in kB after dropping every cache: MemFree
# plus the pages on the per-CPU free lists (/proc/zoneinfo "count"), which
# MemFree leaves out and which the kernel grows and shrinks on its own (by
# tens of MB on 6.12); the largest of three readings. /proc/meminfo of that
# reading goes to the file, with a "PerCPUFree: <kB> kB" line.
st_memfree() {
	local i k v n pcp best=0

	for i in 1 2 3; do
		echo 3 > /proc/sys/vm/drop_caches
		while read -r k v _; do
			[ "$k" != MemFree: ] || break
		done < /proc/meminfo
		pcp=0
		while read -r k n _; do
			[ "$k" != count: ] || pcp=$((pcp + n))
		done < /proc/zoneinfo
		pcp=$((pcp * LP_PAGE_SIZE / 1024))
		if [ $((v + pcp)) -gt "$best" ]; then
			best=$((v + pcp))
			{ cat /proc/meminfo; echo "PerCPUFree: $pcp kB"; } > "$1"
		fi
		[ "$i" = 3 ] || read -r -t 0.3 -u "$ST_NAP"
	done
	echo "$best"
}

# st_meminfo_key <key> <file>: a value of a saved /proc/meminfo.
st_meminfo_key() {
	awk -v k="$1:" '$1 == k { print $2 }' "$2"
}

# st_meminfo_moved <before> <after>: the /proc/meminfo fields that moved by
# 1 MB or more.
st_meminfo_moved() {
	awk 'NR == FNR { b[$1] = $2; next }
		$3 == "kB" && ($2 - b[$1] >= 1024 || b[$1] - $2 >= 1024) {
			printf "%s%s %+d", s, $1, $2 - b[$1]; s = ", "
		}' "$1" "$2"
}

st_dying() {
	lp_cg_stat "$1" nr_dying_descendants
}

# st_dying_at_most <cgroup> <n>: drop slab caches, then compare.
st_dying_at_most() {
	echo 2 > /proc/sys/vm/drop_caches
	[ "$(st_dying "$1")" -le "$2" ]
}

# st_live_ids: the cgroup ids that exist now.
st_live_ids() {
	find "$LP_CGROOT" -type d -exec stat -c %i {} +
}

# st_count_ids_live: every memcg in pages/count and objects/count is a
# cgroup that exists.
st_count_ids_live() {
	local live

	live=$(st_live_ids)
	[ -n "$live" ] || return
	awk -v live="$live" 'BEGIN { n = split(live, l, "\n"); for (i = 1; i <= n; i++) ok[l[i]] = 1 }
		!($1 in ok) { bad = 1 } END { exit bad }' "$LP_PAGES/count" "$LP_OBJ/count"
}

# st_count_ids: the memcgs in pages/count and objects/count, with their
# pages or objects.
st_count_ids() {
	awk 'FILENAME ~ /pages/ { for (i = 4; i <= NF; i++) p[$1] += $i; next }
		{ for (i = 2; i <= NF; i++) o[$1] += $i }
		END {
			for (k in p) printf "pages %s:%d ", k, p[k]
			for (k in o) printf "objects %s:%d ", k, o[k]
		}' "$LP_PAGES/count" "$LP_OBJ/count"
}

st_only_root_in_count() {
	[ -z "$(awk '$1 != 1' "$LP_PAGES/count" "$LP_OBJ/count")" ]
}

# st_stat <file> <key>: a value of pages/stats or objects/stats.
st_stat() {
	awk -v k="$2" '$1 == k { print $2; f = 1 } END { exit !f }' "$1"
}

# st_snapshot: pages/stats and objects/stats as "p_<key> <value>" and
# "o_<key> <value>" lines.
st_snapshot() {
	local k v

	while read -r k v; do
		echo "p_$k $v"
	done < "$LP_PAGES/stats"
	while read -r k v; do
		echo "o_$k $v"
	done < "$LP_OBJ/stats"
}

# st_summary <stats before> <stats after> <logs...>: one pass over the
# workers' logs. Prints tagged lines: "say <line>" for the report, "var
# <name> <value>", "bad <op> <result> <n>" for a result its kind may not
# have, "odd <message>", "live <name> <nr_pages>", "notdone <log>".
st_summary() {
	local op allowed=

	for op in "${!ST_ALLOWED[@]}"; do
		allowed="$allowed $op:${ST_ALLOWED[$op]// /,}"
	done
	awk -v ops="$ST_OPS" -v results="$ST_RESULTS" -v allowed="$allowed" \
		-v steps="$ST_DIGEST_STEPS" -v start="$ST_START_TREE" '
		function add(k, v) { sum[k] += v }
		function line(s) { print "say " s }
		BEGIN {
			nr = split(results, rs, " ")
			for (i = 1; i <= nr; i++)
				known[rs[i]] = 1
			no = split(ops, os, " ")
			na = split(allowed, al, " ")
			for (i = 1; i <= na; i++) {
				split(al[i], kv, ":")
				m = split(kv[2], rr, ",")
				for (j = 1; j <= m; j++)
					ok[kv[1], rr[j]] = 1
			}
		}
		FILENAME == ARGV[1] { before[$1] = $2; next }
		FILENAME == ARGV[2] { delta[$1] = $2 - before[$1]; now[$1] = $2; next }
		{ last[FILENAME] = $0 }
		$1 == "cnt" && $2 == "us" { us[$3] += $4; next }
		$1 == "cnt" && ($2 == "pages" || $2 == "objects") { add($2 "_" $3, $4); next }
		$1 == "cnt" {
			n[$2, $3] += $4
			seen[$2] = 1
			add($2 "_" $3, $4)
			if (!($3 in known))
				other[$2] = other[$2] " " $3 "=" $4
			if (!(($2, $3) in ok))
				bad[$2 " " $3] += $4
			next
		}
		$1 == "odd" || $1 == "live" { print; next }
		$1 == "digest" { dig = dig sep $2 " " $3 "/" $4; sep = ", "; next }
		END {
			line("operations by kind and result (skip: nothing to do):")
			s = sprintf("%-15s", "operation")
			for (i = 1; i <= nr; i++)
				s = s sprintf(" %7s", rs[i])
			line(s " other")
			for (j = 1; j <= no; j++) {
				op = os[j]
				if (!(op in seen))
					continue
				s = sprintf("%-15s", op)
				for (i = 1; i <= nr; i++)
					s = s sprintf(" %7d", n[op, rs[i]])
				line(s " " (op in other ? other[op] : "-"))
			}
			line(sprintf("cgroups (" start " at the start): %d created, %d removed, %d rmdir EBUSY (a writer or a child in it), %d +memory EBUSY (a writer in the parent), %d mkdir with no parent; moves: %d ok, %d ENOENT, %d ENODEV, %d EBUSY",
				sum["mkdir_ok"], sum["rmdir_ok"], sum["rmdir_EBUSY"],
				sum["mkdir_EBUSY"], sum["mkdir_ENOENT"], sum["move_ok"],
				sum["move_ENOENT"], sum["move_ENODEV"], sum["move_EBUSY"]))
			line(sprintf("pages: the writers allocated %d and freed %d; hit_local %d, hit_ancestor %d, miss %d, given %d, released %d, shrink_freed %d, caching_changes %d",
				sum["pages_alloc"], sum["pages_free"], delta["p_hit_local"],
				delta["p_hit_ancestor"], delta["p_miss"], delta["p_given"],
				delta["p_released"], delta["p_shrink_freed"],
				delta["p_caching_changes"]))
			line(sprintf("pages now: pooled %d, in_use %d, buffers %d",
				now["p_pooled"], now["p_in_use"], now["p_buffers"]))
			line(sprintf("objects: the writers added %d; added %d, taken_local %d, taken_ancestor %d, shrink_freed %d; entries now %d",
				sum["objects_add"], delta["o_added"], delta["o_taken_local"],
				delta["o_taken_ancestor"], delta["o_shrink_freed"],
				now["o_entries"]))
			s = ""
			split("alloc free add take move scan reclaim memmax probe read drop", ks, " ")
			for (i = 1; i <= 11; i++)
				if (ks[i] in us)
					s = s sprintf("%s%s %.1f", s == "" ? "" : ", ", ks[i], us[ks[i]] / 1e6)
			line("writers: seconds spent per kind of step: " s)
			line("writers: digest of the first " steps " choices/steps run: " dig)
			print "var ALLOC_PAGES", sum["pages_alloc"] + 0
			print "var FREE_PAGES", sum["pages_free"] + 0
			print "var ADDED", sum["objects_add"] + 0
			print "var D_TAKEN", delta["p_hit_local"] + delta["p_hit_ancestor"] + delta["p_miss"]
			print "var D_RETURNED", delta["p_given"] + delta["p_released"]
			print "var D_ADDED", delta["o_added"] + 0
			for (k in bad)
				print "bad", k, bad[k]
			for (i = 3; i < ARGC; i++)
				if (last[ARGV[i]] != "done")
					print "notdone", ARGV[i]
		}' "$@"
}

# st_wait_workers <seconds>: wait for every background worker; report any
# still running after that long, with its kernel stack.
st_wait_workers() {
	local end=$((SECONDS + $1)) pid left

	while :; do
		left=
		for pid in $(lp_bg_pids); do
			kill -0 "$pid" 2>/dev/null && left="$left $pid"
		done
		[ -n "$left" ] || break
		if [ "$SECONDS" -ge "$end" ]; then
			for pid in $left; do
				st_fail "worker $pid still running $1 s after the start, 120 s after its end:
$(head -n 20 "/proc/$pid/stack" 2>/dev/null)
wchan $(cat "/proc/$pid/wchan" 2>/dev/null), $(grep State "/proc/$pid/status" 2>/dev/null)"
			done
			return 1
		fi
		sleep 0.5
	done
	for pid in $(lp_bg_pids); do
		wait "$pid" 2>/dev/null
	done
	return 0
}

# st_run: start the mutator and the writers, wait for them, print what they
# did and check their results.
st_run() {
	local i tag rest before=$ST_DIR/stats.before bad='' odd=''

	st_snapshot > "$before"
	lp_bg "$ST_DIR/mutator.log" st_mutator "$ST_WRITERS" "$ST_SECONDS"
	for ((i = 0; i < ST_WRITERS; i++)); do
		lp_bg "$ST_DIR/w$i.log" st_writer "$i" "$ST_SECONDS"
	done
	st_say "running $ST_WRITERS writers and the mutator for $ST_SECONDS s each ($(st_at))"
	st_wait_workers $((ST_SECONDS + 120)) || return 1
	st_say "every worker is done ($(st_at))"
	ST_LOGS=("$ST_DIR/mutator.log")
	for ((i = 0; i < ST_WRITERS; i++)); do
		ST_LOGS+=("$ST_DIR/w$i.log")
	done
	st_snapshot > "$ST_DIR/stats.after"
	ST_LIVE=
	while read -r tag rest; do
		case $tag in
		say) st_say "$rest" ;;
		var) printf -v "ST_${rest% *}" %s "${rest##* }" ;;
		bad) bad="$bad$rest"$'\n' ;;
		odd) odd="$odd$rest"$'\n' ;;
		live) ST_LIVE="$ST_LIVE$rest"$'\n' ;;
		notdone) st_fail "worker log $rest does not end with 'done':
$(tail -n 20 "$rest")" ;;
		esac
	done < <(st_summary "$before" "$ST_DIR/stats.after" "${ST_LOGS[@]}")
	[ -z "$bad" ] || st_fail "results no operation of that kind may have:
$bad$odd"
	return 0
}

# st_check_live: the invariants with the writers stopped and their buffers
# live.
st_check_live() {
	local want got d out

	out=$(lp_assert_pages_consistent 2>&1) || st_fail "$out"

	# The buffers are those the writers hold, of the sizes they asked.
	want=$(printf '%s' "$ST_LIVE" | sort)
	got=$(awk '{ print $1, $3 }' "$LP_PAGES/buffers" | sort)
	[ "$want" = "$got" ] || st_fail "pages/buffers is not what the writers hold:
$(diff <(echo "$want") <(echo "$got") | head -n 20)"
	got=$(wc -l < "$LP_PAGES/buffers")
	[ "$(st_stat "$LP_PAGES/stats" buffers)" = "$got" ] ||
		st_fail "stats buffers $(st_stat "$LP_PAGES/stats" buffers), buffers has $got lines"

	# Every page asked for came from a hit or a miss; every page freed was
	# given to the pool or released.
	[ "$ST_D_TAKEN" = "$ST_ALLOC_PAGES" ] ||
		st_fail "the writers' allocs got $ST_ALLOC_PAGES pages, hit_local + hit_ancestor + miss grew by $ST_D_TAKEN"
	[ "$ST_D_RETURNED" = "$ST_FREE_PAGES" ] ||
		st_fail "the writers freed $ST_FREE_PAGES pages, given + released grew by $ST_D_RETURNED"

	# Objects: stats agree with count and with what the writers added.
	read -r d got < <(awk '
		$1 == "entries" { e = $2 } $1 == "added" { a = $2 }
		$1 ~ /^(taken_local|taken_ancestor|shrink_freed)$/ { t += $2 }
		END { print e, a - t }' "$LP_OBJ/stats")
	if [ "$d" != "$(lp_count_total)" ] || [ "$d" != "$got" ]; then
		st_fail "objects inconsistent: entries $d, count $(lp_count_total), added - taken - shrink_freed $got
$(cat "$LP_OBJ/stats")"
	fi
	[ "$ST_D_ADDED" = "$ST_ADDED" ] ||
		st_fail "the writers added $ST_ADDED objects, added grew by $ST_D_ADDED"

	st_poll "count to name only existing cgroups" st_count_ids \
		st_count_ids_live ||
		st_fail "count names cgroups that are gone:
$(cut -d' ' -f1 "$LP_PAGES/count" "$LP_OBJ/count" | sort -u | tr '\n' ' ')
live: $(st_live_ids | tr '\n' ' ')"
}

# st_remove_cgroups: remove the tree; the removed memcgs must go.
st_remove_cgroups() {
	local base=$LP_CGROOT/$ST_BASE n out

	# Deepest first in one go, then what is left the careful way.
	find "$base/t" "$base/p" -depth -mindepth 1 -type d -exec rmdir {} + 2>/dev/null
	lp_cg_rmtree "$base/t" || st_fail "cannot remove $base/t"
	lp_cg_rmtree "$base/p" || st_fail "cannot remove $base/p"
	if ! st_poll "$ST_BASE to have no dying descendant" "cat $base/cgroup.stat" \
		st_dying_at_most "$ST_BASE" 0; then
		st_fail "$ST_BASE keeps dying memcgs after $ST_DEADLINE s:
$(cat "$base/cgroup.stat")
$(st_dump)"
	fi
	n=$(st_dying "$ST_BASE")
	lp_cg_rmtree "$base" || st_fail "cannot remove $base"
	if ! st_poll "the root to have $ST_DYING_BEFORE dying descendants" \
		"cat $LP_CGROOT/cgroup.stat" st_dying_at_most / "$ST_DYING_BEFORE"; then
		st_fail "the root has $(st_dying /) dying descendants, $ST_DYING_BEFORE before the test:
$(cat "$LP_CGROOT/cgroup.stat")"
	fi
	st_say "cgroups removed: nr_dying_descendants of $ST_BASE went to $n," \
		"the root's to $(st_dying /) ($ST_DYING_BEFORE before) ($(st_at))"
	st_poll "count to name only the root" st_count_ids st_only_root_in_count ||
		st_fail "count names memcgs other than the root:
$(st_dump)"
	out=$(lp_assert_pages_consistent 2>&1) || st_fail "$out"
}

# st_unload: more live buffers and objects, a pooled buffer; rmmod; every
# page write-back and MemFree back.
st_unload() {
	local c in_use after i

	echo 65536 > "$LP_PARAMS/pool_limit_pages"
	for c in "wb 8192" "wc 1024" "uc 512"; do
		lp_write "$LP_PAGES/alloc" "stress.live.${c% *} ${c#* } caching=${c% *}" ||
			st_fail "cannot allocate stress.live.${c% *}"
	done
	if ! lp_write "$LP_PAGES/alloc" "stress.pooled 512 caching=wc" ||
		! lp_write "$LP_PAGES/free" stress.pooled; then
		st_fail "cannot allocate and free stress.pooled"
	fi
	for ((i = 0; i < ST_NODES; i++)); do
		lp_write "$LP_OBJ/add" "2048 $i" || st_fail "cannot add objects"
	done
	in_use=$(st_stat "$LP_PAGES/stats" in_use)
	st_say "unloading with $(wc -l < "$LP_PAGES/buffers") buffers live ($in_use pages)," \
		"$(st_stat "$LP_PAGES/stats" pooled) pages pooled, $(st_stat "$LP_OBJ/stats" entries) objects ($(st_at))"
	if ! rmmod lrupool; then
		st_fail "rmmod failed"
		return 1
	fi
	[ ! -e "$LP_ROOT" ] || st_fail "$LP_ROOT is still there after rmmod"
	after=$(lp_pages_not_wb)
	[ "$after" = "$ST_NOT_WB_BEFORE" ] ||
		st_fail "pages not write-back: $after after unload, $ST_NOT_WB_BEFORE before insmod"
	after=$(st_memfree "$ST_DIR/meminfo.after")
	if [ "$after" -lt $((ST_MEMFREE_BEFORE - ST_MEMFREE_SLACK_KB)) ]; then
		# Some of it may come back late (RCU, per-CPU caches): once more.
		sleep 5
		after=$(st_memfree "$ST_DIR/meminfo.after")
	fi
	st_say "free (MemFree + per-CPU lists): $ST_MEMFREE_BEFORE kB before insmod," \
		"$after kB after rmmod ($((after - ST_MEMFREE_BEFORE)) kB; at most" \
		"$ST_MEMFREE_SLACK_KB kB less is noise); MemFree $(st_meminfo_key MemFree "$ST_DIR/meminfo.before")" \
		"and $(st_meminfo_key MemFree "$ST_DIR/meminfo.after") kB;" \
		"moved by 1 MB or more (kB): $(st_meminfo_moved "$ST_DIR/meminfo.before" "$ST_DIR/meminfo.after")"
	[ "$after" -ge $((ST_MEMFREE_BEFORE - ST_MEMFREE_SLACK_KB)) ] ||
		st_fail "free memory is $((ST_MEMFREE_BEFORE - after)) kB below its value before insmod"
}

st_check_kernel_log() {
	local splat

	splat=$(lp_splats_since_mark)
	[ -z "$splat" ] || st_fail "the kernel logged a splat:
$(lp_kernel_log_since_mark | tail -n 80)"
}

# st_make_tree: $ST_BASE/p/w<i> for each writer, and below $ST_BASE/t the
# cgroups of ST_START_TREE, one mkdir per level; register their ids.
ST_START_TREE="a b c a/d a/e c/f c/f/g"
st_make_tree() {
	local b=$LP_CGROOT/$ST_BASE i p sc depth dirs

	lp_cg_create "$ST_BASE" || return
	echo +memory > "$b/cgroup.subtree_control" || return
	dirs=("$b/t" "$b/p")
	for ((depth = 0; depth <= 3; depth++)); do
		if [ "$depth" = 1 ]; then
			for ((i = 0; i < ST_WRITERS; i++)); do
				dirs+=("$b/p/w$i")
			done
		fi
		for p in $ST_START_TREE; do
			i=${p//[!\/]/}
			[ "${#i}" = $((depth - 1)) ] && dirs+=("$b/t/$p")
		done
		for p in "${dirs[@]}"; do
			# Empty, without even a newline, when no controller
			# is on: read fails then.
			sc=
			read -r sc < "${p%/*}/cgroup.subtree_control"
			[[ " $sc " == *" memory "* ]] ||
				echo +memory > "${p%/*}/cgroup.subtree_control" || return
		done
		[ "${#dirs[@]}" = 0 ] || mkdir "${dirs[@]}" || return
		dirs=()
	done
	(cd "$LP_CGROOT" && find "$ST_BASE" -mindepth 2 -type d -exec stat -c '%n %i' {} +) \
		> "$ST_DIR/ids"
}

# stress_main [--seed N] [--seconds S] [--writers W]: everything above,
# without the DEBUG trap a bats test runs under (it runs before every
# command, and the driver reads /proc files line by line with builtins).
stress_main() {
	local rc debug

	debug=$(trap -p DEBUG)
	trap - DEBUG
	st_main "$@"
	rc=$?
	eval "$debug"
	return $rc
}

st_main() {
	local rc fifos

	ST_FAILED=0
	ST_FAILURES=()
	st_parse_args "$@" || return
	ST_T0=$SECONDS
	st_say "seed $ST_SEED (LRUPOOL_STRESS_SEED=$ST_SEED replays each worker's choices, not their interleaving)"
	ST_DIR=${ST_DIR:-$(lp_state_dir)}
	ST_NODES=$(lp_nr_nodes)
	ST_SERIAL=0
	lp_kernel_mark
	if lp_loaded; then
		rmmod lrupool || { st_fail "lrupool is loaded and rmmod failed"; return 1; }
	fi
	rm -f "$ST_DIR"/err.* "$ST_DIR/nap" "$ST_DIR/ids"
	fifos=("$ST_DIR/nap")
	for ((rc = 0; rc <= ST_WRITERS; rc++)); do
		fifos+=("$ST_DIR/err.$rc")
	done
	mkfifo "${fifos[@]}" || return 1
	exec {ST_NAP}<> "$ST_DIR/nap"

	ST_DYING_BEFORE=$(st_dying /)
	ST_NOT_WB_BEFORE=$(lp_pages_not_wb)
	ST_MEMFREE_BEFORE=$(st_memfree "$ST_DIR/meminfo.before")
	st_say "$ST_SECONDS s, $ST_WRITERS writers, $ST_NODES nodes, kernel $(uname -r);" \
		"before insmod: free $ST_MEMFREE_BEFORE kB, root nr_dying_descendants $ST_DYING_BEFORE ($(st_at))"
	lp_load pool_limit_pages=$ST_POOL_LIMIT || { st_fail "insmod failed"; return 1; }

	# The fixed part of the tree, and a first shape of the changing part,
	# in few forks; lp_cg_cleanup removes everything below $ST_BASE.
	if ! st_make_tree; then
		st_fail "cannot create the cgroups"
		return 1
	fi

	if st_run; then
		st_check_live
		st_remove_cgroups
		st_unload
	fi
	st_check_kernel_log
	exec {ST_NAP}>&-
	if [ "$ST_FAILED" -gt 0 ]; then
		st_say "$ST_FAILED check(s) failed with seed $ST_SEED: ${ST_FAILURES[*]}"
		return 1
	fi
	st_say "every check held (seed $ST_SEED, $(st_at))"
}

# Run as a script: records in a directory of its own, and the same clean-up
# as a bats test's teardown.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	# Next to this file, or (vmtest.sh --script copies it alone) in
	# $LRUPOOL_LIB.
	ST_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	[ -f "$ST_LIB/lrupool.bash" ] || ST_LIB=${LRUPOOL_LIB:-$ST_LIB}
	ST_DIR=$(mktemp -d /tmp/lrupool-stress.XXXXXX) || exit 1
	bats_load_library() { :; }
	fail() {
		printf '%s\n' "$*" >&2
		return 1
	}
	# shellcheck source=test/lib/lrupool.bash
	. "$ST_LIB/lrupool.bash"
	# shellcheck source=test/lib/pages.bash
	. "$ST_LIB/pages.bash"
	lp_state_dir() { echo "$ST_DIR"; }
	trap 'lp_teardown; rm -rf "$ST_DIR"' EXIT
	stress_main "$@"
	exit
fi
