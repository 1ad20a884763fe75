# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# bats sets $status and $output in run.
# shellcheck disable=SC2034,SC2154
#
# Helpers for the pages/ files, on top of lrupool.bash (load that first).
#
# Page counts are in pages; count lines are
# "<cgroup-id> <caching> <order> <n_node0> <n_node1> ..." and buffers lines
# "<name> <owner-cgroup-id> <nr_pages> <caching> <borrowed>".

export LP_PAGES=$LP_ROOT/pages
LP_PAGE_SIZE=$(getconf PAGESIZE 2>/dev/null || echo 4096)

# lp_palloc <cgroup> <name> <nr_pages> [caching=..] [order=..] [nid=..]:
# pages/alloc as that cgroup.
lp_palloc() {
	local cg=$1

	shift
	lp_write_as "$cg" "$LP_PAGES/alloc" "$*"
}

# lp_pfree <cgroup> <name>: pages/free as that cgroup.
lp_pfree() {
	lp_write_as "$1" "$LP_PAGES/free" "$2"
}

# lp_pscan <cgroup-id> <nid> <nr_to_scan>
lp_pscan() {
	lp_write "$LP_PAGES/scan" "$*"
}

# A page pool's debugfs directory has a stats file (key-value lines) and a
# count file ("<cgroup-id> <caching> <order> <pages on node 0> ..."):
# lrupool's pages/, and the same files of the drivers that embed a page
# pool (lrupool_dmabuf). The *_in functions read either.

# lp_pstat_in <dir> <key>: a value from <dir>/stats.
lp_pstat_in() {
	awk -v k="$2" '$1 == k { print $2; f = 1 } END { exit !f }' "$1/stats" ||
		{ echo "no '$2' in $1/stats" >&2; return 1; }
}

# lp_assert_pstat_in <dir> <key> <value>
lp_assert_pstat_in() {
	local v

	v=$(lp_pstat_in "$1" "$2") || return
	[ "$v" = "$3" ] || fail "$1/stats $2: expected $3, got $v
stats:
$(cat "$1/stats")
count:
$(cat "$1/count")"
}

# lp_pcount_in <dir> [<cgroup-id>|-] [<caching>|-] [<order>|-] [<nid>|-]:
# the pages in <dir>/count's lines matching every field given ("-" or
# omitted: any).
lp_pcount_in() {
	awk -v id="${2:--}" -v c="${3:--}" -v o="${4:--}" -v nid="${5:--}" '
		(id == "-" || $1 == id) && (c == "-" || $2 == c) &&
		(o == "-" || $3 == o) {
			for (i = 4; i <= NF; i++)
				if (nid == "-" || i - 4 == nid)
					n += $i
		}
		END { print n + 0 }' "$1/count"
}

# lp_pstat <key>: a value from pages/stats.
lp_pstat() {
	lp_pstat_in "$LP_PAGES" "$1"
}

# lp_assert_pstat <key> <value>
lp_assert_pstat() {
	lp_assert_pstat_in "$LP_PAGES" "$1" "$2"
}

# lp_pcount [<cgroup-id>|-] [<caching>|-] [<order>|-] [<nid>|-]: the pages
# in pages/count's lines matching every field given.
lp_pcount() {
	lp_pcount_in "$LP_PAGES" "$@"
}

# lp_pcount_lines <cgroup-id>: that memcg's count lines without the id.
lp_pcount_lines() {
	awk -v id="$1" '$1 == id { $1 = ""; sub(/^ +/, ""); print }' "$LP_PAGES/count"
}

# lp_pbuffer <name>: the buffers line of that buffer, or nothing.
lp_pbuffer() {
	awk -v n="$1" '$1 == n' "$LP_PAGES/buffers"
}

# lp_pbuffer_field <name> <field>: owner, nr_pages, caching or borrowed.
lp_pbuffer_field() {
	local col

	case $2 in
	owner) col=2 ;;
	nr_pages) col=3 ;;
	caching) col=4 ;;
	borrowed) col=5 ;;
	*) echo "lp_pbuffer_field: unknown field $2" >&2; return 1 ;;
	esac
	awk -v n="$1" -v c="$col" '$1 == n { print $c; f = 1 } END { exit !f }' \
		"$LP_PAGES/buffers" || { echo "no buffer '$1'" >&2; return 1; }
}

# lp_pbuffers_pages: the pages of every buffer.
lp_pbuffers_pages() {
	awk '{ n += $3 } END { print n + 0 }' "$LP_PAGES/buffers"
}

# lp_psnapshot: what a failed command must leave unchanged: count, buffers
# and the contract's stats.
lp_psnapshot() {
	cat "$LP_PAGES/count" "$LP_PAGES/buffers"
	awk '$1 ~ /^(pooled|in_use|hit_local|hit_ancestor|miss|given|released|shrink_freed)$/' \
		"$LP_PAGES/stats"
}

lp_assert_psnapshot() {
	local now

	now=$(lp_psnapshot)
	[ "$now" = "$1" ] || fail "pages/ count, buffers or stats changed:
before:
$1
after:
$now"
}

# lp_assert_pages_consistent: with nothing in flight, stats agree with count
# and buffers, and every page the pool ever allocated is accounted for:
# miss = pooled + in_use + released + shrink_freed.
lp_assert_pages_consistent() {
	local pooled in_use miss released freed counted buffered

	pooled=$(lp_pstat pooled) && in_use=$(lp_pstat in_use) &&
		miss=$(lp_pstat miss) && released=$(lp_pstat released) &&
		freed=$(lp_pstat shrink_freed) || return
	counted=$(lp_pcount - - - -)
	buffered=$(lp_pbuffers_pages)
	if [ "$pooled" != "$counted" ] || [ "$in_use" != "$buffered" ] ||
		[ "$miss" != $((pooled + in_use + released + freed)) ]; then
		fail "pages/ inconsistent: pooled $pooled, count $counted, in_use $in_use, buffers $buffered, miss $miss, released $released, shrink_freed $freed
stats:
$(cat "$LP_PAGES/stats")
count:
$(cat "$LP_PAGES/count")
buffers:
$(cat "$LP_PAGES/buffers")"
	fi
}

# lp_assert_pcount_lines <cgroup-id> [<line>...]: count has exactly these lines
# for that memcg ("<caching> <order> <n_node0> <n_node1>"), in this order;
# with no line given, none.
lp_assert_pcount_lines() {
	local id=$1 want got

	shift
	want=$(printf '%s\n' "$@")
	got=$(lp_pcount_lines "$id")
	[ "$got" = "$want" ] || fail "count for cgroup-id $id: expected
${want:-(no line)}
got
${got:-(no line)}
count:
$(cat "$LP_PAGES/count")"
}

# lp_assert_pbuffer <name> <owner-cgroup-id> <nr_pages> <caching> <borrowed>:
# buffers has exactly this line for that buffer.
lp_assert_pbuffer() {
	local want="$*" got

	got=$(lp_pbuffer "$1")
	[ "$got" = "$want" ] || fail "buffers line of $1: expected '$want', got '${got:-(none)}'
buffers:
$(cat "$LP_PAGES/buffers")"
}

# Pages by which a cgroup's memory.current may differ from the pages it
# holds: the per-CPU charge stock (up to 64 pages per CPU) and what the
# writing shell leaves charged, one batch more.
LP_PAGE_SLACK=$((64 * $(nproc) + 64))

# lp_mem_pages <cgroup>: memory.current in pages.
lp_mem_pages() {
	echo $(($(lp_mem_current "$1") / LP_PAGE_SIZE))
}

# lp_memtypes <nid>|all: "<wc> <uc> <wt>": RAM pages of that node (or of all)
# per PAT memtype, as /proc/kpageflags shows the page flags x86 keeps it in:
# wc = KPF_ARCH (bit 38), uc- = KPF_UNCACHED (bit 39, 6.1) or KPF_ARCH_2
# (bit 41, 6.12 and later), wt = both; the node of a page frame from the
# zones' spans in /proc/zoneinfo. od collapses runs of equal flags words
# ("*"), which keeps this to a second or so in a TCG guest.
lp_memtypes() {
	local spans=

	if [ "$1" != all ]; then
		spans=$(awk -v nid="$1" '$1 == "Node" { n = $2 + 0 }
			$1 == "spanned" { sp = $2 }
			$1 == "start_pfn:" && n == nid && sp > 0 { printf "%d:%d ", $2, $2 + sp }' \
			/proc/zoneinfo)
		[ -n "$spans" ] || { echo "node $1 has no memory in /proc/zoneinfo" >&2; return 1; }
	fi
	# Busybox awk reads a number with a leading 0 as octal: od's offsets
	# lose their zeros first.
	od -Ad -tx8 -w8 /proc/kpageflags | awk -v spans="$spans" '
		function flush(end,   k, i, s, e) {
			if (!have)
				return
			if (spans == "")
				k = end - start
			else
				for (k = 0, i = 1; i <= nz; i++) {
					s = start > zs[i] ? start : zs[i]
					e = end < ze[i] ? end : ze[i]
					if (e > s)
						k += e - s
				}
			if (a && !u)
				wc += k
			else if (u && !a)
				uc += k
			else if (a && u)
				wt += k
		}
		BEGIN {
			nz = split(spans, z, " ")
			for (i = 1; i <= nz; i++) {
				split(z[i], f, ":")
				zs[i] = f[1]; ze[i] = f[2]
			}
		}
		$1 == "*" { next }
		{
			pfn = $1
			sub(/^0+/, "", pfn)
			pfn = (pfn + 0) / 8
			flush(pfn)
			have = NF >= 2
			start = pfn
			a = $2 ~ /^......[4-7c-f]/
			u = $2 ~ /^......[89a-f]/ || $2 ~ /^.....[2367abef]/
		}
		END { print wc + 0, uc + 0, wt + 0 }'
}

# Pages whose memtype may change under a test for reasons of its own (none
# seen): the margin of the page-flag comparisons.
LP_NOT_WB_SLACK=8

# lp_pages_not_wb: RAM pages whose caching is not write-back, from the page
# flags (lp_memtypes).
lp_pages_not_wb() {
	local wc uc wt

	read -r wc uc wt < <(lp_memtypes all) || return
	echo $((wc + uc + wt))
}
