#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# debug lane: lrupool's two shrinkers as the kernel sees them, through the
# kernel's shrinker debugfs (SHRINKER_DEBUG, mm/shrinker_debug.c), against
# lrupool's own files. The kernel's /sys/kernel/debug/shrinker/<name>-<id>/
# count calls a shrinker's count for every online memcg and node and prints
# "<cgroup-id> <n_node0> <n_node1>" for each memcg whose total is not 0:
# lrupool-objects' must be the memcg's objects as objects/count shows them,
# lrupool-pages' its pooled pages (the page pools count in pages) as
# pages/count shows them; added up per memcg and node, they must be what
# the two files say. A scan file, "<cgroup-id> <nid> <nr_to_scan>", calls
# that shrinker's scan once: lrupool-objects' must free what objects/scan
# frees, lrupool-pages' what pages/scan frees, in that shrinker's order
# (wb, uc and wc pages, each from order 9 down, whole chunks).
# Skipped on a kernel without the shrinker debugfs; the debug kernel has it.

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/pages"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/../lib}/debug"

setup() {
	lp_kshrinker_have || skip "this kernel has no shrinker debugfs (SHRINKER_DEBUG)"
	lp_setup
	lp_need_two_nodes
	kobj=$(lp_kshrinker_dir objects)
	kpages=$(lp_kshrinker_dir pages)
}

teardown() {
	lp_teardown
}

# kernel_count: the kernel's count files of both shrinkers, added up per
# memcg and node, sorted by cgroup-id.
kernel_count() {
	awk '{
			ids[$1]
			for (i = 2; i <= NF; i++)
				n[$1, i - 2] += $i
			if (NF - 1 > cols)
				cols = NF - 1
		}
		END {
			for (id in ids) {
				line = id
				for (j = 0; j < cols; j++)
					line = line " " n[id, j] + 0
				print line
			}
		}' "$kobj/count" "$kpages/count" | sort -n
}

# lrupool_count: what the kernel's count must print, from lrupool's count
# files: per memcg and node its objects plus its pooled pages, for each
# memcg whose total is not 0; sorted by cgroup-id.
lrupool_count() {
	awk 'FILENAME == ARGV[1] { first = 2 }
		FILENAME == ARGV[2] { first = 4 }
		{
			ids[$1]
			for (i = first; i <= NF; i++)
				n[$1, i - first] += $i
			if (NF - first + 1 > cols)
				cols = NF - first + 1
		}
		END {
			for (id in ids) {
				line = id
				t = 0
				for (j = 0; j < cols; j++) {
					line = line " " n[id, j] + 0
					t += n[id, j]
				}
				if (t)
					print line
			}
		}' "$LP_OBJ/count" "$LP_PAGES/count" | sort -n
}

counts_agree() {
	[ "$(kernel_count)" = "$(lrupool_count)" ]
}

# assert_counts_agree [<expected kernel count>]: the kernel's count is what
# lrupool's files say and, if given, exactly the expected lines.
assert_counts_agree() {
	local k

	k=$(kernel_count)
	[ "$k" = "$(lrupool_count)" ] || fail "the kernel's count and lrupool's differ:
kernel ($kobj/count and $kpages/count added up):
$k
from objects/count and pages/count:
$(lrupool_count)
objects/count:
$(cat "$LP_OBJ/count")
pages/count:
$(cat "$LP_PAGES/count")"
	if [ $# -gt 0 ]; then
		[ "$k" = "$1" ] || fail "the kernel's count:
$k
expected:
$1"
	fi
}

# build_tree: pooled objects and pages in several memcgs, every caching and
# node, and memcgs that must not show:
#   /       objects on node 1, wb pages on node 0
#   A       objects and pages, both nodes
#   A/B     objects only
#   A/C     pages only (of orders and cachings A has not, so none is
#           borrowed from A)
#   A/E     nothing
#   D       a buffer in use: no pooled page, so no line
build_tree() {
	lp_cg_create A
	lp_write_as A "$LP_OBJ/add" "100 0" "$LP_OBJ/add" "30 1"
	lp_fill_as A "a0 512 caching=wc order=9 nid=0" \
		"a1 12 caching=uc order=2 nid=1" "a2 5 caching=wb order=0 nid=1"
	lp_cg_create A/B
	lp_write_as A/B "$LP_OBJ/add" "50 0" "$LP_OBJ/add" "70 1"
	lp_cg_create A/C
	lp_fill_as A/C "c0 3 caching=wb order=0 nid=0" \
		"c1 64 caching=wc order=3 nid=0" "c2 20 caching=uc order=4 nid=0"
	lp_cg_create A/E
	lp_cg_create D
	lp_palloc D d0 40 caching=wc nid=1
	lp_add / 10 1
	lp_fill_as / "r0 8 caching=wb order=3 nid=0"
	idA=$(lp_cg_id A)
	idB=$(lp_cg_id A/B)
	idC=$(lp_cg_id A/C)
	idE=$(lp_cg_id A/E)
	idD=$(lp_cg_id D)
}

# kline <id> <n_node0> <n_node1>...: a count line.
kline() {
	echo "$*"
}

@test "shrinker debugfs: the kernel's count per memcg and node is the memcg's objects plus its pooled pages" {
	build_tree
	assert_counts_agree "$(kline 1 8 10)
$(kline "$idA" $((100 + 512)) $((30 + 12 + 5)))
$(kline "$idB" 50 70)
$(kline "$idC" $((3 + 64 + 20)) 0)"
	run kernel_count
	refute_output --regexp "^($idE|$idD) "
}

# kernel_line_is <cgroup-id> <line>: the kernel's count line of that memcg.
kernel_line_is() {
	[ "$(kernel_count | awk -v id="$1" '$1 == id')" = "$2" ]
}

dropped() {
	echo 2 > /proc/sys/vm/drop_caches
	[ -z "$(cat "$kobj/count" "$kpages/count")" ]
}

@test "shrinker debugfs: the kernel's count follows take, alloc, free, scan and the removal of a cgroup" {
	build_tree

	lp_take A/B 20 0
	assert_counts_agree
	kernel_line_is "$idB" "$idB 30 70" ||
		fail "B after taking 20: $(kernel_count)"

	# From C's own pool: C's line drops by 64 pages, and comes back.
	lp_palloc A/C x 64 caching=wc order=3 nid=0
	lp_assert_pbuffer x "$idC" 64 wc 0
	assert_counts_agree
	kernel_line_is "$idC" "$idC 23 0" ||
		fail "C with its wc pages in use: $(kernel_count)"
	lp_pfree A/C x
	assert_counts_agree

	# lrupool's scans: 5 of A's objects on node 1, A's order-9 chunk.
	lp_scan "$idA 1 5"
	lp_pscan "$idA" 0 1
	assert_counts_agree
	kernel_line_is "$idA" "$idA 100 42" ||
		fail "A after the scans: $(kernel_count)"

	# Removing B moves its objects to A; B's line goes.
	rmdir "$(lp_cg_dir A/B)"
	lp_wait_until 30 kernel_line_is "$idA" "$idA 130 112" ||
		fail "A after B's removal: $(kernel_count)"
	assert_counts_agree
	run kernel_count
	refute_output --regexp "^$idB "

	# drop_caches empties every pool; D's buffer is not pooled.
	lp_wait_until 30 dropped || fail "the kernel's count after drop_caches: $(kernel_count)"
	assert_counts_agree ""
	lp_assert_pbuffer d0 "$idD" 40 wc 0
}

# ---------------------------------------------------------------------------
# Scans. A memcg's state on a node is 31 numbers of entries, in the
# shrinker's order: objects, then wb, uc and wc chunks of order 9 down to 0.

# state_of <cgroup-id> <nid>
state_of() {
	awk -v id="$1" -v nid="$2" '
		FILENAME == ARGV[1] && $1 == id { obj = $(nid + 2) }
		FILENAME == ARGV[2] && $1 == id {
			# Pages to chunks (busybox awk has no "^").
			w = 1
			for (k = 0; k < $3; k++)
				w *= 2
			n[$2, $3] = $(nid + 4) / w
		}
		END {
			printf "%d", obj
			split("wb uc wc", c, " ")
			for (i = 1; i <= 3; i++)
				for (o = 9; o >= 0; o--)
					printf " %d", n[c[i], o]
			print ""
		}' "$LP_OBJ/count" "$LP_PAGES/count"
}

# predict <nr_to_scan> <state...>: "<objects freed> <pages freed> <state
# after>", the scan as lrupool_shrink() does it: each pool in turn, while
# less than nr_to_scan is scanned, frees up to the rest rounded up to whole
# entries (a chunk of order o weighs 2^o).
predict() {
	local n=$1 i w want take scanned=0 fo=0 fp=0
	local -a s

	shift
	s=("$@")
	for ((i = 0; i < ${#s[@]} && scanned < n; i++)); do
		w=1
		[ "$i" -gt 0 ] && w=$((1 << (9 - (i - 1) % 10)))
		want=$(((n - scanned + w - 1) / w))
		take=$((s[i] < want ? s[i] : want))
		s[i]=$((s[i] - take))
		scanned=$((scanned + take * w))
		if [ "$i" = 0 ]; then
			fo=$((fo + take))
		else
			fp=$((fp + take * w))
		fi
	done
	echo "$fo $fp ${s[*]}"
}

# freed_stats: "<objects shrink_freed> <pages shrink_freed>"
freed_stats() {
	echo "$(lp_stat shrink_freed) $(lp_pstat shrink_freed)"
}

# twin <cgroup>: the same pool in each twin.
twin() {
	lp_cg_create "$1"
	lp_write_as "$1" "$LP_OBJ/add" "40 0" "$LP_OBJ/add" "25 1"
	lp_fill_as "$1" "a 512 caching=wb order=9 nid=0" \
		"b 3 caching=wb order=0 nid=0" "c 32 caching=uc order=4 nid=0" \
		"d 5 caching=uc order=0 nid=0" "e 512 caching=wc order=9 nid=0" \
		"f 12 caching=wc order=2 nid=0" "g 7 caching=wc order=0 nid=0" \
		"h 24 caching=wc order=3 nid=1" "i 2 caching=wb order=1 nid=1"
}

@test "shrinker debugfs: the kernel's scan frees objects, then wb, uc and wc chunks from order 9 down, as lrupool's scans do" {
	local id1 id2 idR nid nr step s1 s2 p other1 other2 bystander fo fp
	local f0 f1 f2 ko kp to tp
	# "<nid> <nr_to_scan>": each step reaches a different part of the order.
	local steps=("0 10" "0 35" "0 1" "0 3" "0 20" "0 2" "0 5" "0 600" "0 50"
		"1 1" "1 100000")

	twin S1
	twin S2
	lp_cg_create R
	lp_add R 7 0
	lp_fill_as R "r 16 caching=wb order=2 nid=0"
	id1=$(lp_cg_id S1)
	id2=$(lp_cg_id S2)
	idR=$(lp_cg_id R)
	# objects, wb 9..0, uc 9..0, wc 9..0
	assert_equal "$(state_of "$id1" 0)" \
		"40 1 0 0 0 0 0 0 0 0 3 0 0 0 0 0 2 0 0 0 5 1 0 0 0 0 0 0 3 0 7"
	assert_equal "$(state_of "$id1" 1)" \
		"25 0 0 0 0 0 0 0 0 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 3 0 0 0"
	bystander=$(lp_count_line "$idR"; lp_pcount_lines "$idR"; lp_count_line 1; lp_pcount_lines 1)
	assert_counts_agree

	for step in "${steps[@]}"; do
		read -r nid nr <<< "$step"
		s1=$(state_of "$id1" "$nid")
		s2=$(state_of "$id2" "$nid")
		assert_equal "$s2" "$s1"
		other1=$(state_of "$id1" $((1 - nid)))
		other2=$(state_of "$id2" $((1 - nid)))
		# shellcheck disable=SC2086 # the state's numbers
		p=$(predict "$nr" $s1)
		read -r fo fp _ <<< "$p"

		f0=$(freed_stats)
		echo "$id1 $nid $nr" > "$kobj/scan"
		if [ "$nr" -gt "$fo" ]; then
			echo "$id1 $nid $((nr - fo))" > "$kpages/scan"
		fi
		f1=$(freed_stats)
		lp_scan "$id2 $nid $nr"
		if [ "$nr" -gt "$fo" ]; then
			lp_pscan "$id2" "$nid" $((nr - fo))
		fi
		f2=$(freed_stats)

		assert_equal "$(state_of "$id1" "$nid")" "${p#* * }"
		assert_equal "$(state_of "$id2" "$nid")" "${p#* * }"
		assert_equal "$(state_of "$id1" $((1 - nid)))" "$other1"
		assert_equal "$(state_of "$id2" $((1 - nid)))" "$other2"
		read -r ko kp <<< "$(echo "$f0 $f1" | awk '{ print $3 - $1, $4 - $2 }')"
		read -r to tp <<< "$(echo "$f1 $f2" | awk '{ print $3 - $1, $4 - $2 }')"
		[ "$ko $kp $to $tp" = "$fo $fp $fo $fp" ] ||
			fail "scan '$nid $nr': shrink_freed (objects, pages) moved by $ko $kp with the kernel's scan, $to $tp with lrupool's; predicted $fo $fp"
		assert_counts_agree
	done
	assert_equal "$(lp_count_line "$idR"; lp_pcount_lines "$idR"; lp_count_line 1; lp_pcount_lines 1)" "$bystander"
	assert_equal "$(lp_count_line "$id1")$(lp_pcount_lines "$id1")" ""
	lp_assert_pages_consistent
}

@test "shrinker debugfs: the kernel's scan of a memcg or node with nothing pooled frees nothing" {
	local before

	build_tree
	before=$(cat "$LP_OBJ/count" "$LP_PAGES/count"; freed_stats)
	local d

	for d in "$kobj" "$kpages"; do
		echo "$idE 0 1000" > "$d/scan"
		echo "$idE 1 1000" > "$d/scan"
		echo "$idD 1 1000" > "$d/scan"
		echo "$idC 1 1000" > "$d/scan"
	done
	assert_equal "$(cat "$LP_OBJ/count" "$LP_PAGES/count"; freed_stats)" "$before"
	lp_assert_pbuffer d0 "$idD" 40 wc 0
	assert_counts_agree
}
