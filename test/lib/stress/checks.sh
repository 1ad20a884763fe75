# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The parts share their state: settings the driver sets, results the
# tests read.
# shellcheck disable=SC2034,SC2154
#
# stress.sh's checks after the run: the invariants, the removal of the
# cgroups, the unload, the kernel log.

# ---------------------------------------------------------------------------
# The checks after the run: the invariants, the removal of the cgroups, the
# unload, the kernel log

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
	local out

	out=$(lp_no_splat_since_mark 80) || st_fail "$out"
}
