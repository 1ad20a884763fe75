# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# bats sets $status and $output in run.
# shellcheck disable=SC2034,SC2154
#
# Helpers for the /dev/lrupool tests (test/dmabuf-*.bats), on top of
# lrupool.bash and pages.bash (load those first). The consumer module is
# $LRUPOOL_DMABUF_KO (lrupool_dmabuf.ko); its debugfs directory has stats
# and count in the formats of lrupool's pages/ files. Buffers are made by
# lrupool-buf (tools/lrupool-buf.c), run inside a cgroup with db_buf_as.

export LP_DB=$LP_DEBUGFS/lrupool_dmabuf
export LP_DB_MODULE=/sys/module/lrupool_dmabuf
export LP_DB_DEV=/dev/lrupool

# 16 MiB and 64 MiB in pages.
DB_16M=$((16 << 20))
DB_16M_PAGES=$((DB_16M / LP_PAGE_SIZE))
DB_64M=$((64 << 20))
DB_64M_PAGES=$((DB_64M / LP_PAGE_SIZE))

db_loaded() {
	[ -d "$LP_DB_MODULE" ]
}

# db_setup [param=value...]: a freshly loaded lrupool.ko and consumer.
db_setup() {
	lp_setup || return
	[ -f "${LRUPOOL_DMABUF_KO:-}" ] ||
		fail "LRUPOOL_DMABUF_KO='${LRUPOOL_DMABUF_KO:-}' is not a module file"
	insmod "$LRUPOOL_DMABUF_KO" "$@" || return
	lp_wait_until 5 test -c "$LP_DB_DEV" || fail "$LP_DB_DEV did not appear"
}

# db_teardown: end the test's processes, cgroups and modules.
db_teardown() {
	local rc=0

	lp_bg_kill
	if db_loaded; then
		lp_wait_until 10 rmmod lrupool_dmabuf 2>/dev/null || rc=1
	fi
	lp_teardown || rc=1
	return $rc
}

# db_buf_as <cgroup> [lrupool-buf options...]: lrupool-buf in the cgroup.
db_buf_as() {
	local cg=$1

	shift
	lp_in_cg "$cg" lrupool-buf "$@"
}

# db_bg_as <log> <cgroup> [lrupool-buf arguments...]: lrupool-buf in the
# background in the cgroup (lp_bg), output in log. A command, not a
# function, runs there, so that the recorded pid is lrupool-buf's own
# (bash execs it) and lp_bg_kill ends it.
db_bg_as() {
	local log=$1 procs

	procs=$(lp_cg_dir "$2")/cgroup.procs
	shift 2
	# shellcheck disable=SC2016 # expanded by the child shell
	lp_bg "$log" bash -c 'echo $$ > "$1" || exit 125; shift; exec lrupool-buf "$@"' \
		db_bg_as "$procs" "$@"
}

# db_stat <key>: a value from the consumer's stats.
db_stat() {
	lp_pstat_in "$LP_DB" "$1"
}

db_stat_is() {
	[ "$(db_stat "$1")" = "$2" ]
}

# db_assert_stat <key> <value>
db_assert_stat() {
	lp_assert_pstat_in "$LP_DB" "$1" "$2"
}

# db_pcount [<cgroup-id>|-] [<caching>|-] [<order>|-] [<nid>|-]: pooled
# pages of the consumer's count lines matching every field given.
db_pcount() {
	lp_pcount_in "$LP_DB" "$@"
}

db_pcount_is() {
	[ "$(db_pcount "$1" "${3:--}")" = "$2" ]
}

# db_assert_pcount <cgroup-id> <pages> [<caching>]: the consumer's pool
# holds exactly that many pages on the memcg's lists.
db_assert_pcount() {
	local got

	got=$(db_pcount "$1" "${3:--}")
	[ "$got" = "$2" ] || fail "consumer count of cgroup-id $1${3:+ ($3)}: expected $2 pages, got $got
count:
$(cat "$LP_DB/count")
stats:
$(cat "$LP_DB/stats")"
}

# db_snapshot: what a refused request must leave unchanged: the consumer's
# count and the contract's stats.
db_snapshot() {
	cat "$LP_DB/count"
	awk '$1 ~ /^(pooled|in_use|hit_local|hit_ancestor|miss|given|released|shrink_freed)$/' \
		"$LP_DB/stats"
}

db_assert_snapshot() {
	local now

	now=$(db_snapshot)
	[ "$now" = "$1" ] || fail "the consumer's count or stats changed:
before:
$1
after:
$now"
}

# db_assert_consistent: with no buffer in flight, the consumer's stats
# agree with its count: miss = pooled + in_use + released + shrink_freed.
db_assert_consistent() {
	local pooled in_use miss released freed counted

	pooled=$(db_stat pooled) && in_use=$(db_stat in_use) &&
		miss=$(db_stat miss) && released=$(db_stat released) &&
		freed=$(db_stat shrink_freed) || return
	counted=$(db_pcount)
	if [ "$pooled" != "$counted" ] ||
		[ "$miss" != $((pooled + in_use + released + freed)) ]; then
		fail "lrupool_dmabuf inconsistent: pooled $pooled, count $counted, in_use $in_use, miss $miss, released $released, shrink_freed $freed
stats:
$(cat "$LP_DB/stats")
count:
$(cat "$LP_DB/count")"
	fi
}

# db_dying_none <cgroup>: no dying descendant pins a removed memcg.
db_dying_none() {
	[ "$(lp_cg_stat "$1" nr_dying_descendants)" = 0 ]
}

# db_assert_dying_none <cgroup>: polls, offlining is asynchronous.
db_assert_dying_none() {
	lp_wait_until 20 db_dying_none "$1" ||
		fail "cgroup $1 still has $(lp_cg_stat "$1" nr_dying_descendants) dying descendant(s)
$(lp_cg_read "$1" cgroup.stat)"
}

# db_hold_start <cgroup> <name> [lrupool-buf options...]: start lrupool-buf
# in the background in the cgroup, holding its buffers until the file
# <state>/<name>.go exists; wait until they are made and written. Its
# output goes to <state>/<name>.log.
db_hold_start() {
	local cg=$1 name=$2 st

	shift 2
	st=$(lp_state_dir)
	rm -f "$st/$name.ready" "$st/$name.go"
	db_bg_as "$st/$name.log" "$cg" --ready-file "$st/$name.ready" \
		--wait-file "$st/$name.go" "$@"
	lp_wait_until 120 db_ready_or_gone "$st/$name.ready" ||
		fail "lrupool-buf $name did not get ready: $(cat "$st/$name.log")"
	[ -e "$st/$name.ready" ] ||
		fail "lrupool-buf $name ended before it was ready: $(cat "$st/$name.log")"
}

# db_ready_or_gone <ready-file>: the file exists or the newest background
# process has ended.
db_ready_or_gone() {
	[ -e "$1" ] || ! kill -0 "$(lp_bg_pids | tail -n 1)" 2>/dev/null
}

# db_hold_end <name>: let lrupool-buf <name> close its buffers and exit;
# wait for it and fail if it failed.
db_hold_end() {
	local st pid

	st=$(lp_state_dir)
	touch "$st/$1.go"
	pid=$(lp_bg_pids | tail -n 1)
	wait "$pid" || fail "lrupool-buf $1 failed: $(cat "$st/$1.log")"
}

# db_memtypes: "<wc> <uc> <wt>", the RAM pages of each PAT memtype
# (lp_memtypes).
db_memtypes() {
	lp_memtypes all
}

# db_assert_memtype_grew <before> <caching> <pages>: since db_memtypes
# printed <before>, the pages of that caching's memtype grew by <pages>
# (within LP_NOT_WB_SLACK) and the others stayed.
db_assert_memtype_grew() {
	local wc0 uc0 wt0 wc uc wt want_wc=0 want_uc=0

	read -r wc0 uc0 wt0 <<< "$1"
	read -r wc uc wt < <(db_memtypes) || return
	case $2 in
	wc) want_wc=$3 ;;
	uc) want_uc=$3 ;;
	esac
	if [ $((wc - wc0 - want_wc)) -lt -"$LP_NOT_WB_SLACK" ] ||
		[ $((wc - wc0 - want_wc)) -gt "$LP_NOT_WB_SLACK" ] ||
		[ $((uc - uc0 - want_uc)) -lt -"$LP_NOT_WB_SLACK" ] ||
		[ $((uc - uc0 - want_uc)) -gt "$LP_NOT_WB_SLACK" ] ||
		[ "$wt" != "$wt0" ]; then
		fail "pages per memtype (wc uc wt) went from $1 to $wc $uc $wt; a $2 buffer of $3 pages should add $want_wc $want_uc 0"
	fi
}

# db_assert_no_pat_conflict: since the marker, x86 PAT logged no mapping
# whose caching differs from its pages' memtype (it corrects the mapping
# and says "x86/PAT: ... map pfn RAM range req ..., got ...") and no
# conflicting memtype request.
db_assert_no_pat_conflict() {
	local pat

	pat=$(lp_kernel_log_since_mark | grep -E 'x86/PAT|conflicting memory types' || :)
	[ -z "$pat" ] || fail "x86 PAT logged: $pat"
}

# db_free_kb: free memory in kB, with the free pages of the per-CPU lists
# (MemFree leaves them out, and they come and go by tens of MiB), after
# the page cache and reclaimable slab are dropped.
db_free_kb() {
	local pcp

	sync
	echo 3 > /proc/sys/vm/drop_caches
	sleep 1
	pcp=$(awk '$1 == "count:" { n += $2 } END { print n * 4 }' /proc/zoneinfo)
	echo $(($(lp_meminfo MemFree) + pcp))
}
