#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# tool: the lrupool command (tools/lrupool, /usr/bin/lrupool in the guest)
# against the debugfs files it reads. The tree: T, whose removed child R
# left it two pooled wc chunks, one of which T/B now borrows; T/A with
# pooled wb pages on node 1 and objects on node 0; T/B with objects on
# node 1 and buffers; T/D, removed while it owns a buffer, so that its id
# maps to no live cgroup; T/E, which holds nothing.
#
# The oracle is the debugfs files themselves, summed here per cgroup-id,
# with each id's path found by its inode (find -inum).

load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/lrupool"
load "${LRUPOOL_LIB:-$BATS_TEST_DIRNAME/lib}/pages"

LPC=${LRUPOOL_TOOL:-lrupool}
TMUX_SOCKET=lrupool-test

setup() {
	lp_setup
}

teardown() {
	local rc=0

	tmux -u -L "$TMUX_SOCKET" kill-server 2>/dev/null || :
	lp_mount_debugfs || rc=1
	lp_teardown || rc=1
	return $rc
}

# moved_to_parent <parent-id> <child-id> <line>: count shows the line for
# the parent and nothing for the child.
moved_to_parent() {
	[ "$(lp_pcount_lines "$1")" = "$3" ] && [ -z "$(lp_pcount_lines "$2")" ]
}

# make_tree: the tree above; sets idT, idA, idB, idD, idE.
make_tree() {
	local idR

	lp_cg_create T
	lp_cg_create T/R
	idT=$(lp_cg_id T)
	idR=$(lp_cg_id T/R)
	lp_palloc T/R r 1024 caching=wc nid=0
	lp_pfree T/R r
	rmdir "$(lp_cg_dir T/R)"
	lp_wait_until 60 moved_to_parent "$idT" "$idR" "wc 9 1024 0" ||
		fail "count after rmdir of T/R:
$(cat "$LP_PAGES/count")"

	lp_cg_create T/A
	lp_cg_create T/B
	lp_cg_create T/D
	lp_cg_create T/E
	idA=$(lp_cg_id T/A)
	idB=$(lp_cg_id T/B)
	idD=$(lp_cg_id T/D)
	idE=$(lp_cg_id T/E)
	lp_palloc T/A a 16 caching=wb order=0 nid=1
	lp_pfree T/A a
	lp_add T/A 300 0
	lp_palloc T/B b 512 caching=wc nid=0
	lp_palloc T/B b2 8 caching=uc order=0 nid=0
	lp_add T/B 100 1
	lp_palloc T/D d 8 caching=wb order=0 nid=0
	rmdir "$(lp_cg_dir T/D)"

	lp_assert_pcount_lines "$idT" "wc 9 512 0"
	lp_assert_pbuffer b "$idB" 512 wc 512
	lp_assert_pbuffer d "$idD" 8 wb 0
	[ ! -d "$(lp_cg_dir T/D)" ] || fail "T/D was not removed"
}

# path_of <id>: the cgroup path of an id ("/" for the root), or nothing.
path_of() {
	local d

	d=$(find "$LP_CGROOT" -type d -inum "$1" | head -n 1)
	[ -n "$d" ] || return 0
	d=${d#"$LP_CGROOT"}
	echo "${d:-/}"
}

# oracle [<nid>]: one line per cgroup-id the debugfs files name:
# "<id> <pooled> <wb> <wc> <uc> <objects> <buffer pages> <borrowed>",
# pooled pages and objects summed over every node or on node nid.
oracle() {
	awk -v node="${1:--1}" -v pc="$LP_PAGES/count" -v oc="$LP_OBJ/count" '
	FILENAME == pc {
		for (i = 4; i <= NF; i++)
			if (node < 0 || i - 4 == node)
				p[$1, $2] += $i
		ids[$1] = 1
		next
	}
	FILENAME == oc {
		for (i = 2; i <= NF; i++)
			if (node < 0 || i - 2 == node)
				o[$1] += $i
		ids[$1] = 1
		next
	}
	{ b[$2] += $3; br[$2] += $5; ids[$2] = 1 }
	END {
		for (id in ids)
			print id, p[id, "wb"] + p[id, "wc"] + p[id, "uc"], \
				p[id, "wb"] + 0, p[id, "wc"] + 0, p[id, "uc"] + 0, \
				o[id] + 0, b[id] + 0, br[id] + 0
	}' "$LP_PAGES/count" "$LP_OBJ/count" "$LP_PAGES/buffers"
}

# row_of <path>|#<id>: the figures of that cgroup's row in $output (the
# status table), without its name; a path's row is its name indented by
# two spaces a level; #<id> is the row of a removed id.
row_of() {
	local want=$1 depth name

	if [[ $want == '#'* ]]; then
		awk -v id="${want#\#}" '$1 == "(removed)" && $2 == id {
			$1 = ""; $2 = ""; sub(/^ +/, ""); print }' <<<"$output"
		return
	fi
	if [ "$want" = / ]; then
		depth=0 name=/
	else
		depth=$(printf '%s' "$want" | tr -cd / | wc -c)
		name=${want##*/}
	fi
	awk -v ind=$((2 * depth)) -v name="$name" 'NR > 1 {
		match($0, /^ */)
		if (RLENGTH == ind && $1 == name) {
			$1 = ""; sub(/^ +/, ""); print
		}
	}' <<<"$output"
}

# labels: the name column of $output's rows, header and totals left out.
labels() {
	sed -n '2,/^total/p' <<<"$output" | sed '$d' |
		sed -E 's/^( *\(removed\) [0-9]+| *[^ ]+) .*/\1/'
}

# assert_rows_match_oracle [<nid>]: every id of the oracle has a row in
# $output whose first seven figures are the oracle's.
assert_rows_match_oracle() {
	local id want path key got n=0

	while read -r id want; do
		path=$(path_of "$id")
		key=${path:-#$id}
		got=$(row_of "$key" | awk '{ print $1, $2, $3, $4, $5, $6, $7 }')
		[ "$got" = "$want" ] || fail "row of $key (id $id): expected '$want', got '${got:-no row}'
$output"
		n=$((n + 1))
	done < <(oracle "$@")
	[ "$n" -gt 0 ] || fail "the oracle found nothing in the debugfs files"
}

# total_row: POOLED WB WC UC OBJECTS BUFFERS BORROWED of the totals line.
total_row() {
	awk '$1 == "total" { $1 = ""; sub(/^ +/, ""); print }' <<<"$output"
}

@test "tool: status shows the cgroups holding something and their ancestors, by path, as the debugfs files count them" {
	local want

	make_tree
	run "$LPC" status
	assert_success
	assert_line --index 0 --regexp '^CGROUP +POOLED +WB +WC +UC +OBJECTS +BUFFERS +BORROWED +MEMORY +POOL$'
	want="/
  T
    A
    B
(removed) $idD"
	assert_equal "$(labels)" "$want"
	assert_rows_match_oracle
	assert_equal "$(row_of /T | awk '{ print $1, $2, $3, $4, $5, $6, $7 }')" "512 0 512 0 0 0 0"
	assert_equal "$(row_of /T/A | awk '{ print $1, $2, $3, $4, $5, $6, $7 }')" "16 16 0 0 300 0 0"
	assert_equal "$(row_of /T/B | awk '{ print $1, $2, $3, $4, $5, $6, $7 }')" "0 0 0 0 100 520 512"
	assert_equal "$(row_of "#$idD" | awk '{ print $1, $2, $3, $4, $5, $6, $7, $8 }')" "0 0 0 0 0 8 0 -"
	# memory.current: none for the root or a removed id; the pool part
	# is the cgroup's own pooled pages.
	assert_equal "$(row_of / | awk '{ print $8 }')" "-"
	assert_equal "$(row_of /T | awk '{ print $9 }')" "2.0M"
	assert_equal "$(row_of /T/A | awk '{ print $9 }')" "64K"
	assert_equal "$(row_of /T/B | awk '{ print $9 }')" "0"
	[[ $(row_of /T | awk '{ print $8 }') =~ ^[0-9.]+[KMG]$ ]] ||
		fail "memory.current of T: '$(row_of /T | awk '{ print $8 }')'"
}

@test "tool: status's totals line and stats lines match pages/stats and objects/stats" {
	local pooled in_use entries borrowed tot

	make_tree
	run "$LPC" status
	assert_success
	pooled=$(lp_pstat pooled)
	in_use=$(lp_pstat in_use)
	entries=$(lp_stat entries)
	borrowed=$(awk '{ n += $5 } END { print n + 0 }' "$LP_PAGES/buffers")
	tot=$(total_row)
	assert_equal "$(awk '{ print $1, $2 + $3 + $4, $5, $6, $7 }' <<<"$tot")" \
		"$pooled $pooled $entries $in_use $borrowed"
	assert_equal "$tot" "528 16 512 0 400 528 512"
	assert_line "pages: pooled $pooled; in use $in_use, $borrowed borrowed; hits $(lp_pstat hit_local) local + $(lp_pstat hit_ancestor) from an ancestor; misses $(lp_pstat miss)"
	assert_line "pages: given $(lp_pstat given); released $(lp_pstat released); caching changes $(lp_pstat caching_changes); shrinker freed $(lp_pstat shrink_freed)"
	assert_line "objects: pooled $entries; added $(lp_stat added); taken $(lp_stat taken_local) local + $(lp_stat taken_ancestor) from an ancestor; shrinker freed $(lp_stat shrink_freed)"
}

@test "tool: status --json holds what the debugfs files hold, per cgroup and node" {
	local json id want path got nid ps mem cur

	make_tree
	run "$LPC" status --json
	assert_success
	json=$output
	jq -e . >/dev/null <<<"$json" || fail "not JSON: $json"
	ps=$LP_PAGE_SIZE
	while read -r id want; do
		path=$(path_of "$id")
		got=$(jq -r --argjson id "$id" '.cgroups[] | select(.id == $id) |
			[.pooled.total, .pooled.wb, .pooled.wc, .pooled.uc, .objects,
			 .buffers.pages, .buffers.borrowed] | map(tostring) | join(" ")' <<<"$json")
		assert_equal "$got" "$want"
		if [ -n "$path" ]; then
			assert_equal "$(jq -r --argjson id "$id" '.cgroups[] | select(.id == $id) | "\(.path) \(.removed)"' <<<"$json")" "$path false"
		else
			assert_equal "$(jq -r --argjson id "$id" '.cgroups[] | select(.id == $id) | "\(.path) \(.removed) \(.name)"' <<<"$json")" "null true (removed) $id"
		fi
		got=$(jq -r --argjson id "$id" '.cgroups[] | select(.id == $id) | .pool_bytes' <<<"$json")
		assert_equal "$got" $(($(awk '{ print $1 }' <<<"$want") * ps))
	done < <(oracle)
	for nid in 0 1; do
		while read -r id want; do
			got=$(jq -r --argjson id "$id" --argjson n "$nid" '.cgroups[] | select(.id == $id) |
				[.pooled_per_node.wb[$n] + .pooled_per_node.wc[$n] + .pooled_per_node.uc[$n],
				 .pooled_per_node.wb[$n], .pooled_per_node.wc[$n], .pooled_per_node.uc[$n],
				 .objects_per_node[$n], .buffers.pages, .buffers.borrowed]
				| map(tostring) | join(" ")' <<<"$json")
			assert_equal "$got" "$want"
		done < <(oracle "$nid")
	done
	# Only the holders and their ancestors, in tree order.
	assert_equal "$(jq -r '[.cgroups[] | .path // "(removed)"] | join(" ")' <<<"$json")" \
		"/ /T /T/A /T/B (removed)"
	assert_equal "$(jq -r '[.cgroups[] | .depth] | map(tostring) | join(" ")' <<<"$json")" "0 1 2 2 0"
	assert_equal "$(jq --argjson id "$idE" '[.cgroups[] | select(.id == $id)] | length' <<<"$json")" 0
	# memory.current, within the per-CPU charge batching.
	for path in /T /T/A /T/B; do
		mem=$(jq -r --arg p "$path" '.cgroups[] | select(.path == $p) | .memory_current' <<<"$json")
		cur=$(lp_mem_current "${path#/}")
		[ $((mem - cur)) -le $((LP_PAGE_SLACK * ps)) ] && [ $((cur - mem)) -le $((LP_PAGE_SLACK * ps)) ] ||
			fail "memory_current of $path: $mem, memory.current now $cur"
	done
	assert_equal "$(jq -r '.cgroups[0].memory_current' <<<"$json")" null
	# Totals and stats.
	assert_equal "$(jq -r '[.totals.pooled.total, .totals.objects, .totals.buffers.pages, .totals.buffers.borrowed, .totals.buffers.count] | map(tostring) | join(" ")' <<<"$json")" \
		"$(lp_pstat pooled) $(lp_stat entries) $(lp_pstat in_use) 512 $(lp_pstat buffers)"
	for key in pooled in_use hit_local hit_ancestor miss given released caching_changes shrink_freed; do
		assert_equal "$(jq -r --arg k "$key" '.pages_stats[$k]' <<<"$json")" "$(lp_pstat "$key")"
	done
	for key in entries added taken_local taken_ancestor shrink_freed; do
		assert_equal "$(jq -r --arg k "$key" '.objects_stats[$k]' <<<"$json")" "$(lp_stat "$key")"
	done
	assert_equal "$(jq -r '"\(.page_size) \(.nodes) \(.node)"' <<<"$json")" "$ps 2 null"
}

@test "tool: status --node N counts node N only; --per-node shows every node" {
	make_tree
	run "$LPC" status --node 1
	assert_success
	assert_line --index 0 --regexp '^CGROUP +POOLED@1 +WB@1 +WC@1 +UC@1 +OBJECTS@1 +BUFFERS +BORROWED +MEMORY +POOL$'
	assert_rows_match_oracle 1
	assert_equal "$(row_of /T/A | awk '{ print $1, $2, $5 }')" "16 16 0"
	assert_equal "$(row_of /T/B | awk '{ print $5 }')" "100"
	assert_equal "$(total_row | awk '{ print $1, $5 }')" "16 100"

	run "$LPC" status --node 0
	assert_success
	assert_rows_match_oracle 0
	assert_equal "$(row_of /T/A | awk '{ print $1, $5 }')" "0 300"

	run "$LPC" status --json --node 1
	assert_success
	assert_equal "$(jq -r '"\(.node) \(.totals.pooled.total) \(.totals.objects)"' <<<"$output")" "1 16 100"

	run "$LPC" status --per-node
	assert_success
	assert_equal "$(row_of /T | awk '{ print $1, $2, $3, $4, $5 }')" "512 0/0 512/0 0/0 0/0"
	assert_equal "$(row_of /T/A | awk '{ print $1, $2, $3, $4, $5 }')" "16 0/16 0/0 0/0 300/0"
	assert_equal "$(row_of /T/B | awk '{ print $5 }')" "0/100"
}

@test "tool: buffers names each buffer's owner by path, or (removed)" {
	make_tree
	run "$LPC" buffers
	assert_success
	assert_line --index 0 --regexp '^NAME +CGROUP +PAGES +CACHING +BORROWED$'
	assert_line --regexp '^b +/T/B +512 +wc +512$'
	assert_line --regexp '^b2 +/T/B +8 +uc +0$'
	assert_line --regexp "^d +\(removed\) $idD +8 +wb +0$"
	assert_equal "${#lines[@]}" 4
	run "$LPC" buffers --json
	assert_success
	assert_equal "$(jq -r '[.buffers[] | "\(.name):\(.path):\(.id):\(.pages):\(.caching):\(.borrowed):\(.removed)"] | join(" ")' <<<"$output")" \
		"b:/T/B:$idB:512:wc:512:false b2:/T/B:$idB:8:uc:0:false d:null:$idD:8:wb:0:true"
}

@test "tool: scan PATH [NODE] [NR] runs the shrinker's scan on that cgroup's lists" {
	make_tree
	run "$LPC" scan /T/A 1
	assert_success
	assert_output "pages /T/A node 1: 16 -> 0
objects /T/A node 1: 0 -> 0"
	assert_equal "$(lp_pcount "$idA")" 0
	assert_equal "$(lp_count_of "$idA" 0)" 300
	lp_assert_pstat shrink_freed 16

	run "$LPC" scan --objects T/A 0 100
	assert_success
	assert_output "objects /T/A node 0: 300 -> 200"
	assert_equal "$(lp_count_of "$idA" 0)" 200

	# The whole directory path works as well; T's pages go, B's
	# objects stay.
	run "$LPC" scan --pages "$LP_CGROOT/T"
	assert_success
	assert_output "pages /T node 0: 512 -> 0
pages /T node 1: 0 -> 0"
	assert_equal "$(lp_pcount "$idT")" 0
	assert_equal "$(lp_count_of "$idB" 1)" 100
	lp_assert_pages_consistent
}

# assert_one_line_error <status> <text>: $output is one line, the message.
assert_one_line_error() {
	assert_failure "$1"
	assert_equal "${#lines[@]}" 1
	assert_output --partial "$2"
	assert_output --regexp '^lrupool: '
}

@test "tool: bad input: an unknown cgroup path, a bad node or count, an unknown command" {
	make_tree
	run "$LPC" scan /no/such/cgroup
	assert_one_line_error 1 "no cgroup /no/such/cgroup under $LP_CGROOT"
	run "$LPC" scan /T/D
	assert_one_line_error 1 "no cgroup /T/D under"
	run "$LPC" scan /T/A 7
	assert_one_line_error 1 "node 7 is not online"
	run "$LPC" scan /T/A 0 0
	assert_one_line_error 2 "bad count '0'"
	run "$LPC" status --node 9
	assert_one_line_error 1 "no node 9"
	run "$LPC" status --bogus
	assert_one_line_error 2 "unknown argument '--bogus'"
	run "$LPC" frobnicate
	assert_one_line_error 2 "unknown command 'frobnicate'"
	# Nothing was scanned.
	assert_equal "$(lp_pstat shrink_freed) $(lp_stat shrink_freed)" "0 0"
}

@test "tool: bad input: the module not loaded" {
	lp_unload
	local cmd
	for cmd in status top buffers "scan /"; do
		# shellcheck disable=SC2086 # a command and its arguments
		run "$LPC" $cmd
		assert_one_line_error 1 "the lrupool module is not loaded"
	done
}

@test "tool: bad input: debugfs not mounted" {
	lp_umount_debugfs
	run "$LPC" status
	assert_one_line_error 1 "debugfs is not mounted"
	run "$LPC" scan / 0 1
	assert_one_line_error 1 "debugfs is not mounted"
	lp_mount_debugfs
	run "$LPC" status
	assert_success
}

@test "tool: bad input: not root" {
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$LPC" status
	assert_one_line_error 1 "must be run as root"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$LPC" scan / 0 1
	assert_one_line_error 1 "must be run as root"
	lp_assert_pstat shrink_freed 0
}

# pane: what the tmux pane shows now; also kept in $BATS_TEST_TMPDIR/pane.
pane() {
	tmux -u -L "$TMUX_SOCKET" capture-pane -p -t lrupool-top |
		tee "$BATS_TEST_TMPDIR/pane"
}

# pane_shows <regexp>: the pane has a line that matches.
pane_shows() {
	pane | grep -qE "$1"
}

# shown <regexp>: the last capture of the pane has a line that matches.
shown() {
	grep -qE "$1" "$BATS_TEST_TMPDIR/pane"
}

no_session() {
	! tmux -u -L "$TMUX_SOCKET" has-session -t lrupool-top 2>/dev/null
}

@test "tool: top redraws every second under tmux and shows what changed since the last refresh" {
	local first second

	lp_cg_create W
	lp_palloc W w 512 caching=wc nid=0
	lp_pfree W w
	tmux -u -L "$TMUX_SOCKET" new-session -d -s lrupool-top -x 160 -y 40 \
		"$LPC top --interval 1"
	lp_wait_until 60 pane_shows '^lrupool top .* refresh [0-9]+, every 1s' ||
		fail "top never drew:
$(pane)"
	lp_wait_until 30 pane_shows '^  W +512 +0 +512 +0 +0 +0 +0 ' ||
		fail "no row for W:
$(pane)"
	first=$(pane | sed -nE 's/.* refresh ([0-9]+),.*/\1/p')

	# The next refresh shows W's objects and their change, in the row
	# and in the objects line.
	lp_add W 200 0
	lp_wait_until 30 pane_shows '^  W +512 +0 +512 +0 +200\(\+200\) ' ||
		fail "no change shown for W:
$(cat "$BATS_TEST_TMPDIR/pane")"
	second=$(sed -nE 's/.* refresh ([0-9]+),.*/\1/p' "$BATS_TEST_TMPDIR/pane")
	[ "$second" -gt "$first" ] || fail "refresh $first, then $second"
	shown '^objects: pooled 200\(\+200\); added 200\(\+200\)' ||
		fail "no change in the objects line:
$(cat "$BATS_TEST_TMPDIR/pane")"
	# The screen is cleared at each refresh: one title line in the pane.
	assert_equal "$(grep -c '^lrupool top ' "$BATS_TEST_TMPDIR/pane")" 1

	# And the refresh after that has nothing new to show for W.
	lp_wait_until 30 pane_shows '^  W +512 +0 +512 +0 +200 ' ||
		fail "the change stayed:
$(pane)"

	tmux -u -L "$TMUX_SOCKET" send-keys -t lrupool-top q
	lp_wait_until 20 no_session || fail "top did not quit on q:
$(pane)"
}

@test "tool: top without a terminal prints refreshes one after another" {
	lp_cg_create W
	lp_add W 50 0
	run "$LPC" top --interval 0.5 --count 2
	assert_success
	assert_equal "$(grep -c '^lrupool top ' <<<"$output")" 2
	assert_line --regexp '^lrupool top .* refresh 2, every 0.5s'
	assert_equal "$(grep -cE '^  W +0 +0 +0 +0 +50 ' <<<"$output")" 2
}

@test "tool: record samples the totals and the cgroups while a command runs, and mark labels a moment" {
	local rec=$BATS_TEST_TMPDIR/rec

	lp_cg_create W
	lp_cg_create V
	# shellcheck disable=SC2016 # expanded by the recorded command
	# Each phase lasts two samples, however long a sample takes.
	run "$LPC" record "$rec" --interval 0.3 -- bash -c '
		samples() { grep -c "^T " "$1"; }
		two_samples() {
			local n i
			n=$(samples "$1")
			for i in $(seq 600); do
				[ "$(samples "$1")" -lt $((n + 2)) ] || return 0
				sleep 0.2
			done
			return 1
		}
		two_samples "$1" || exit 10
		"$4" mark "$1" "W allocates"
		bash -c "echo \$\$ > $2/W/cgroup.procs; echo \"w 512 nid=0\" > $3/alloc"
		two_samples "$1" || exit 11
		bash -c "echo \$\$ > $2/W/cgroup.procs; echo w > $3/free"
		two_samples "$1" || exit 12
		exit 3' _ "$rec" "$LP_CGROOT" "$LP_PAGES" "$LPC"
	assert_failure 3
	assert_equal "$(head -n 1 "$rec")" "# lrupool record 1"
	grep -q '^# start [0-9.]* host ' "$rec" || fail "no start line: $(head -n 3 "$rec")"
	grep -qE '^# end t=[0-9.]+$' "$rec" || fail "no end line: $(tail -n 3 "$rec")"
	grep -qE '^M t=[0-9.]+ text=W allocates$' "$rec" || fail "no mark:
$(cat "$rec")"
	[ "$(grep -c '^T ' "$rec")" -ge 6 ] || fail "too few samples:
$(cat "$rec")"
	# The pool's life in the samples: nothing, 512 in use, 512 pooled.
	grep -q '^T .* p\.pooled=0 p\.in_use=0 ' "$rec" || fail "no empty sample"
	grep -q '^T .* nbuf=1 buf=512 borrowed=0 p\.pooled=0 p\.in_use=512 ' "$rec" ||
		fail "no sample with the buffer:
$(grep '^T ' "$rec")"
	grep -q '^T .* wc=512,0 .* p\.pooled=512 p\.in_use=0 ' "$rec" ||
		fail "no sample with the pooled pages:
$(grep '^T ' "$rec")"
	grep -qE "^C t=[0-9.]+ id=$(lp_cg_id W) depth=1 removed=0 wb=0,0 wc=512,0 uc=0,0 obj=0,0 nbuf=0 buf=0 borrowed=0 mem=[0-9]+ path=/W$" "$rec" ||
		fail "no sample of W's pooled pages:
$(grep '^C ' "$rec")"
	! grep -q 'path=/V$' "$rec" || fail "V holds nothing but was recorded"
	# Samples are in time order.
	awk '/^T / { split($2, a, "="); if (a[2] + 0 < last) exit 1; last = a[2] + 0 }' "$rec" ||
		fail "samples out of order"
}
