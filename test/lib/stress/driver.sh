# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: settings the driver sets, results the
# tests read.
# shellcheck disable=SC2034,SC2154
#
# stress.sh's driver: arguments, memory and cgroup probes, the run of the
# workers, the summary.

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
