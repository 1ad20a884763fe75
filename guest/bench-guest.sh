#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# bench-guest.sh [--quick] [--one-cpu] [--keep] [--ko FILE]
#                [--bench-ko FILE] [--dmabuf-ko FILE] [--ttm DIR]
#                [--cal FILE]: run lrupool's
# benchmark on the machine it runs on, through
# /sys/kernel/debug/lrupool/bench (the benchmark module, lrupool_bench.ko,
# bench/pool/), and print the raw figures. scripts/bench runs it in a QEMU
# guest (scripts/vmtest.sh --script) and turns its output into a table,
# CSV, JSON and a plot; on a real machine run it as root with both modules
# loaded (or --ko lrupool.ko and --bench-ko lrupool_bench.ko to load them;
# in a guest of scripts/vmtest.sh, $LRUPOOL_KO and $LRUPOOL_BENCH_KO are
# the defaults) and feed its output to `scripts/bench --from FILE`:
#
#	sudo insmod lrupool.ko
#	sudo insmod lrupool_bench.ko
#	sudo guest/bench-guest.sh > raw.txt
#	scripts/bench --from raw.txt
#
# --ttm DIR times DRM TTM's page pool too (bench/ttm/, the peer): DIR holds
# drm.ko, ttm.ko and lrupool_ttm_bench.ko, which it loads in that order
# (ttm.ko twice: as it is, then with page_pool_size=1 for the misses) and
# unloads again; drm and ttm must not be loaded already.
#
# --dmabuf-ko FILE loads /dev/lrupool's driver, lrupool_dmabuf.ko
# (default $LRUPOOL_DMABUF_KO; it is used as it is when loaded already),
# for the rows timed from user space with lrupool-buf (tools/lrupool-buf.c,
# on the PATH); without either those rows are left out.
#
# --cal FILE runs bench/tcgcal (built static) first: the cost of zeroing
# a page, flushing its cache lines and moving a list node under a lock, to
# set against the same loops on the host.
#
# --keep leaves the cgroups and what they pool for a guest that powers off
# next (removing 10,000 cgroups takes many minutes under TCG); the
# parameters and CPUs are restored all the same, and a benchmark module
# loaded here is unloaded, so that lrupool can be.
#
# --one-cpu takes every CPU but CPU 0 offline for the run (and back online
# after it): in a QEMU TCG guest a cross-CPU TLB flush waits for the host
# to schedule the other vCPU's thread, which on a busy host costs
# milliseconds that no hardware spends. --quick runs every case briefly
# (figures too noisy to compare).
#
# It needs cgroup2 at /sys/fs/cgroup with the memory controller available,
# debugfs at /sys/kernel/debug, and about 2 GiB free (most of it for 10,000
# sibling cgroups). It pins itself to CPU 0 so that every run uses that
# CPU's node, makes its cgroups under /sys/fs/cgroup/lrupool-bench and
# removes them at the end, sets the benchmark's pool_limit_pages to 0 for
# the miss and release cases and restores it, and leaves its pools empty.
# Pages and objects are pooled through the benchmark's own set-up cases
# (pool, objadd, fill), in its own pools: lrupool's are not used.
#
# Output, one record a line:
#	META <key> <value...>
#	RESULT id=<id> <figure> <key>=<value>... median=<ns> min=<ns> max=<ns>
#	MEM id=<id> <key>=<value>...
#	PHASE <name> <seconds so far>
# Anything else is a diagnostic. Exit status non-zero if a case failed.
set -uo pipefail

DEBUGFS=/sys/kernel/debug/lrupool
BENCH=$DEBUGFS/bench
PARAMS=/sys/module/lrupool_bench/parameters
DMABUF_PARAMS=/sys/module/lrupool_dmabuf/parameters
TTM_BENCH=/sys/kernel/debug/lrupool_ttm_bench
LP_LIB=${LRUPOOL_LIB:-$(cd "$(dirname "$0")/../test/lib" && pwd)}
# shellcheck source=test/lib/guest.sh
. "$LP_LIB/guest.sh"
CGROOT=$LP_CGROOT
TOPCG=lrupool-bench
TOP=$CGROOT/$TOPCG

quick=
one_cpu=
keep=
cal=
ttm_dir=
ttm_loaded=
offlined=()
cpus_before=
ko=${LRUPOOL_KO:-}
bench_ko=${LRUPOOL_BENCH_KO:-}
dmabuf_ko=${LRUPOOL_DMABUF_KO:-}
dmabuf_loaded_here=
dmabuf_old_limit=
loaded_here=
bench_loaded_here=
failed=0
old_limit=
nid=0
cpu=0

# Sizes: rounds per case, pages pooled for the hit cases (each hit round
# takes them all, one lookup per page), pages per baseline round.
ROUNDS=41
HIT_PAGES=512
BASE_PAGES=512
SIBLINGS="1 100 1000 10000"
DEPTHS="0 1 2 4 8"
MEM_PAGES=16384

say() { printf '%s\n' "$*"; }
warn() { printf 'bench-guest: %s\n' "$*" >&2; }
phase() { say "PHASE $1 $SECONDS"; }

usage() {
	sed -n '4,/^set -uo/{/^set -uo/d;s/^# \{0,1\}//;p}' "$0"
}

while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1; shift ;;
	--one-cpu) one_cpu=1; shift ;;
	--keep) keep=1; shift ;;
	--cal) [ $# -ge 2 ] || { usage >&2; exit 2; }; cal=$2; shift 2 ;;
	--ttm) [ $# -ge 2 ] || { usage >&2; exit 2; }; ttm_dir=$2; shift 2 ;;
	--ko) [ $# -ge 2 ] || { usage >&2; exit 2; }; ko=$2; shift 2 ;;
	--bench-ko) [ $# -ge 2 ] || { usage >&2; exit 2; }; bench_ko=$2; shift 2 ;;
	--dmabuf-ko) [ $# -ge 2 ] || { usage >&2; exit 2; }; dmabuf_ko=$2; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
if [ -n "$quick" ]; then
	# A smoke run of every case: seconds, not minutes; figures are noisy.
	ROUNDS=3
	HIT_PAGES=256
	BASE_PAGES=512
	SIBLINGS="1 10"
	DEPTHS="0 1 8"
	MEM_PAGES=2048
fi

# --- cgroups: lp_cg_make, lp_in_cg, lp_cg_rmtree (test/lib/guest.sh) --------

# put <file> <line>: one write, the errno's text on failure.
put() {
	printf '%s\n' "$2" >"$1"
}

# --- the benchmark ------------------------------------------------------------

# run_case <line> [trigger]: one run of the benchmark (or of the trigger
# given) and its figures.
run_case() {
	put "${2:-$BENCH}" "$1" && cat "${2:-$BENCH}"
}

# trigger <file> <id> <cgroup> <line>: a run of a trigger file as the
# cgroup, its figures as RESULT lines.
trigger() {
	local file=$1 id=$2 cg=$3 out line

	if ! out=$(lp_in_cg "$TOPCG/$cg" run_case "$4" "$file" 2>&1); then
		warn "$id: '$4' failed: $out"
		failed=1
		return 1
	fi
	while read -r line; do
		say "RESULT id=$id $line"
	done <<<"$out"
}

# bench <id> <cgroup> <case> [key=value...]: run a case as the cgroup.
bench() {
	local id=$1 cg=$2

	shift 2
	trigger "$BENCH" "$id" "$cg" "$*"
}

# fill <cgroup> <pages> <caching> <order>: pool that many pages in the
# cgroup's own list (the bench's pool case as that cgroup: an allocation
# made and freed); a diagnostic if some went back to the system.
fill() {
	local out

	out=$(lp_in_cg "$TOPCG/$1" run_case "pool caching=$3 order=$4 pages=$2") || return
	case $out in
	*" released=0") ;;
	*) warn "fill $1: not all pooled: $out" ;;
	esac
}

memstat() {
	awk -v k="$2" '$1 == k { print $2; f = 1 } END { exit !f }' "$TOP/$1/memory.stat"
}

# settled <cgroup> <key>: the memory.stat value once two reads a second
# apart agree (memory.stat is flushed lazily), at most 20 s.
settled() {
	local a b i

	a=$(memstat "$1" "$2") || return
	for ((i = 0; i < 20; i++)); do
		sleep 1
		b=$(memstat "$1" "$2") || return
		[ "$a" != "$b" ] || break
		a=$b
	done
	echo "$a"
}

# per <a> <b>: a/b with two decimals.
per() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", a / b }'
}

# cpu_node <cpu>: its NUMA node (0 without NUMA).
cpu_node() {
	local d

	for d in /sys/devices/system/cpu/cpu"$1"/node*; do
		[ -e "$d" ] && { echo "${d##*node}"; return; }
	done
	echo 0
}

# cpu_busy: the share of CPU time, in percent, not idle over the next second.
cpu_busy() {
	local a b

	a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
	sleep 1
	b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " ")
		t = y[2] - x[2]; print (t > 0 ? int(100 * (y[1] - x[1]) / t) : 0) }'
}

# settle: wait, at most 30 s, until the kernel's own work after a set-up
# step (RCU callbacks, workers) has died down, so that it is not timed.
settle() {
	local i

	for ((i = 0; i < 30; i++)); do
		[ "$(cpu_busy)" -ge 10 ] || return 0
	done
	warn "the CPU is still busy after 30 s"
}

meminfo() {
	awk -v k="$1:" '$1 == k { print $2 * 1024 }' /proc/meminfo
}

# --- set-up and teardown --------------------------------------------------------

setup() {
	if [ ! -d "$DEBUGFS" ]; then
		[ -n "$ko" ] || { warn "lrupool is not loaded and no --ko was given"; exit 1; }
		insmod "$ko" || exit 1
		loaded_here=1
	fi
	if [ ! -d /sys/module/lrupool_bench ]; then
		[ -n "$bench_ko" ] ||
			{ warn "lrupool_bench is not loaded and no --bench-ko was given"; exit 1; }
		insmod "$bench_ko" || exit 1
		bench_loaded_here=1
	fi
	[ -w "$BENCH" ] || { warn "$BENCH is missing"; exit 1; }
	grep -qw memory "$CGROOT/cgroup.controllers" ||
		{ warn "no memory controller in $CGROOT"; exit 1; }
	taskset -pc "$cpu" $$ >/dev/null || { warn "cannot pin to CPU $cpu"; exit 1; }
	cpus_before=$(cat /sys/devices/system/cpu/online)
	[ -z "$one_cpu" ] || cpus_offline
	nid=$(cpu_node "$cpu")
	old_limit=$(cat "$PARAMS/pool_limit_pages")
	put "$PARAMS/fallback" ancestors
	[ -d "$TOP" ] && lp_cg_rmtree "$TOP"
	lp_cg_make "$TOPCG"
}

teardown() {
	local c

	for c in "${offlined[@]}"; do
		echo 1 >"/sys/devices/system/cpu/cpu$c/online"
	done
	[ -z "$ttm_loaded" ] || ttm_unload lrupool_ttm_bench ttm drm
	[ -z "$old_limit" ] || put "$PARAMS/pool_limit_pages" "$old_limit"
	if [ -z "$keep" ]; then
		lp_cg_rmtree "$TOP"
		# The pages and objects of the removed cgroups went to the
		# root's lists: give them back to the system (unloading the
		# bench frees them too). This shell is the root's, on CPU 0.
		[ -n "$bench_loaded_here" ] || [ ! -w "$BENCH" ] ||
			put "$BENCH" drop
	fi
	[ -z "$bench_loaded_here" ] || rmmod lrupool_bench
	[ -z "$dmabuf_old_limit" ] || put "$DMABUF_PARAMS/pool_limit_pages" "$dmabuf_old_limit"
	[ -z "$dmabuf_loaded_here" ] || rmmod lrupool_dmabuf
	[ -n "$keep" ] || [ -z "$loaded_here" ] || rmmod lrupool
}

# cpus_offline: every CPU but $cpu offline, remembered for teardown.
cpus_offline() {
	local f c

	for f in /sys/devices/system/cpu/cpu[0-9]*/online; do
		c=${f%/online}
		c=${c##*/cpu}
		if [ "$c" = "$cpu" ] || [ "$(cat "$f")" != 1 ]; then
			continue
		fi
		echo 0 >"$f" || { warn "cannot take CPU $c offline"; exit 1; }
		offlined+=("$c")
	done
}

meta() {
	say "META kernel $(uname -r)"
	say "META date $(date -u +%Y-%m-%dT%H:%M:%SZ)"
	say "META cmdline $(cat /proc/cmdline)"
	say "META cpus $cpus_before"
	say "META cpus_online $(cat /sys/devices/system/cpu/online)"
	say "META cpu_model $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	say "META memory_kb $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
	say "META clocksource $(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)"
	say "META nid $nid"
	say "META pool_limit_pages $old_limit"
	say "META chunk_cache $(readlink /sys/kernel/slab/lrupool_chunk 2>/dev/null || echo lrupool_chunk)"
	say "META slab_debug $(cat /sys/kernel/slab/lrupool_chunk/{sanity_checks,red_zone,poison,store_user} 2>/dev/null | tr '\n' ' ')"
	say "META quick ${quick:-0}"
}

# --- the cases ----------------------------------------------------------------

# Without a pool, and the pool's own paths in one cgroup.
run_paths() {
	local o

	phase paths
	lp_cg_make "$TOPCG/local"
	for o in 0 9; do
		bench "base.wc.o$o" local baseline caching=wc order=$o pages=$BASE_PAGES rounds=$ROUNDS
		bench "free.o$o" local free order=$o pages=$BASE_PAGES rounds=$ROUNDS
	done
	bench base.wb.o0 local baseline caching=wb order=0 pages=$BASE_PAGES rounds=$ROUNDS
	bench base.uc.o0 local baseline caching=uc order=0 pages=$BASE_PAGES rounds=$ROUNDS

	fill local "$(((HIT_PAGES + 511) / 512 * 512))" wc 0
	fill local $((16 * 512)) wc 9
	bench hit.o0 local hit caching=wc order=0 batch=1 iters=$HIT_PAGES rounds=$ROUNDS
	bench hit.o0.b512 local hit caching=wc order=0 batch=512 iters=$(((HIT_PAGES + 511) / 512)) rounds=$ROUNDS
	bench hit.o9 local hit caching=wc order=9 batch=1 iters=16 rounds=$ROUNDS

	# Buffers of one page and of 512 (one order-9 chunk): TTM's mix.
	bench buf.hit.p1 local buffer caching=wc order=0 pages=1 iters=64 rounds=$ROUNDS
	for o in 0 9; do
		bench "buf.hit.o$o" local buffer caching=wc order=$o pages=512 iters=4 rounds=$ROUNDS
	done
	# A cgroup with nothing pooled, and a pool that keeps nothing.
	lp_cg_make "$TOPCG/miss"
	put "$PARAMS/pool_limit_pages" 0
	bench buf.miss.p1 miss buffer caching=wc order=0 pages=1 iters=64 rounds=$ROUNDS
	for o in 0 9; do
		bench "buf.miss.o$o" miss buffer caching=wc order=$o pages=512 iters=1 rounds=$ROUNDS
	done
	put "$PARAMS/pool_limit_pages" "$old_limit"
}

# /dev/lrupool from user space: lrupool-buf times one LRUPOOL_IOCTL_ALLOC
# of a 2 MiB wc dma-buf on $nid, its mmap (the driver maps every page
# there), a write to each page, and munmap + close, in a cgroup of its own:
# from the pool (every round but the first takes the pages the last one
# gave back), then fresh, in a second cgroup whose lists and ancestors'
# hold nothing, with the driver's pool_limit_pages at 0 (each close gives
# the pages back to the system, each ioctl allocates, charges and switches
# them to wc). Figures per page, as the in-kernel cases'.
run_dmabuf() {
	local kind out ph mn md mx

	phase dmabuf
	if ! command -v lrupool-buf >/dev/null; then
		warn "dmabuf: lrupool-buf is not on the PATH; its rows are left out"
		return
	fi
	if [ ! -d /sys/module/lrupool_dmabuf ]; then
		if [ -z "$dmabuf_ko" ]; then
			warn "dmabuf: lrupool_dmabuf is not loaded and no --dmabuf-ko was given; its rows are left out"
			return
		fi
		insmod "$dmabuf_ko" || { warn "dmabuf: cannot load $dmabuf_ko"; failed=1; return; }
		dmabuf_loaded_here=1
	fi
	dmabuf_old_limit=$(cat "$DMABUF_PARAMS/pool_limit_pages")
	lp_cg_make "$TOPCG/dmabuf-hit"
	lp_cg_make "$TOPCG/dmabuf-miss"
	for kind in hit miss; do
		[ "$kind" = hit ] || put "$DMABUF_PARAMS/pool_limit_pages" 0
		if ! out=$(lp_in_cg "$TOPCG/dmabuf-$kind" lrupool-buf bench -s 2M -c wc -N "$nid" --rounds "$ROUNDS" 2>&1); then
			warn "dmabuf: lrupool-buf bench failed: $out"
			failed=1
			break
		fi
		while read -r ph mn md mx; do
			case $ph in
			ioctl | mmap | touch | close | total) ;;
			*) continue ;;
			esac
			say "RESULT id=dmabuf.$kind.o9 $ph caching=wc rounds=$ROUNDS pages=512 median=$(per "$md" 512) min=$(per "$mn" 512) max=$(per "$mx" 512)"
		done <<<"$out"
	done
	put "$DMABUF_PARAMS/pool_limit_pages" "$dmabuf_old_limit"
}

# The shrinker's scan, each in a cgroup of its own.
run_shrink() {
	local c o

	phase shrink
	for c in wb wc uc; do
		for o in 0 9; do
			[ "$c" = uc ] && [ $o = 9 ] && continue
			lp_cg_make "$TOPCG/shrink-$c$o"
			bench "shrink.$c.o$o" "shrink-$c$o" shrink caching=$c order=$o pages=$BASE_PAGES rounds=$ROUNDS
		done
	done
}

# ttm_load [page_pool_size]: drm, ttm and the TTM bench module.
ttm_load() {
	local m

	for m in drm ttm lrupool_ttm_bench; do
		grep -q "^$m " /proc/modules && continue
		if [ $m = ttm ]; then
			insmod "$ttm_dir/$m.ko" ${1:+page_pool_size=$1} || return
		else
			insmod "$ttm_dir/$m.ko" || return
		fi
		ttm_loaded=1
	done
}

ttm_unload() {
	local m

	for m in "$@"; do
		! grep -q "^$m " /proc/modules || rmmod "$m"
	done
}

# tbench <id> <cgroup> <line>: a run of the TTM bench.
tbench() {
	trigger "$TTM_BENCH" "$@"
}

# TTM's pool on the mix lrupool's buffer cases time: buffers of one page
# and of 512, hits (a pool as TTM sizes it), then misses (a pool of one
# page, ttm.ko's page_pool_size=1: each round holds all its buffers, so
# all but one page miss and go back to the system).
run_ttm() {
	phase ttm
	if grep -qE '^(drm|ttm) ' /proc/modules; then
		warn "ttm: drm or ttm is loaded already; TTM's column is left out"
		return
	fi
	ttm_load || { warn "ttm: cannot load the modules of $ttm_dir"; failed=1; return; }
	say "META ttm_page_pool $(tail -n 3 /sys/kernel/debug/ttm/page_pool 2>/dev/null | tr -s '\t\n ' ' ')"
	tbench ttm.hit.p1 local "alloc caching=wc pages=1 iters=64 rounds=$ROUNDS"
	tbench ttm.hit.o9 local "alloc caching=wc pages=512 iters=4 rounds=$ROUNDS"
	ttm_unload lrupool_ttm_bench ttm
	ttm_load 1 || { warn "ttm: cannot reload ttm.ko"; failed=1; return; }
	tbench ttm.miss.p1 local "alloc caching=wc pages=1 iters=64 rounds=$ROUNDS"
	tbench ttm.miss.o9 local "alloc caching=wc pages=512 iters=1 rounds=$ROUNDS"
	ttm_unload lrupool_ttm_bench ttm drm
}

# Pages pooled only at the top of a chain of d nested cgroups; the bench
# runs in the deepest. Depth 0 is the top itself.
run_depths() {
	local d i path

	phase depths
	for d in $DEPTHS; do
		lp_cg_make "$TOPCG/dep$d"
		fill "dep$d" "$HIT_PAGES" wc 0
		path=dep$d
		for ((i = 1; i <= d; i++)); do
			path=$path/c$i
			lp_cg_make "$TOPCG/$path"
		done
		settle
		bench "depth$d" "$path" hit caching=wc order=0 batch=1 iters=$HIT_PAGES rounds=$ROUNDS
		# The same lookups' checks alone: what each level costs.
		bench "depth$d" "$path" levels caching=wc order=0 iters=$HIT_PAGES rounds=$ROUNDS
	done
}

# populate <from> <to>: make siblings s<from>..s<to> of sib/me; the
# bench's fill pools one page and one object in each (in the kernel: a task
# moving into 10,000 cgroups in turn takes many minutes under TCG). Prints
# the slab the filling took per sibling.
populate() {
	local from=$1 to=$2 slab0 slab1 out

	((from <= to)) || return 0
	(cd "$TOP/sib" && eval "mkdir s{$from..$to}") || return
	echo 1 >/proc/sys/vm/stat_refresh
	slab0=$(meminfo Slab)
	out=$(lp_in_cg "$TOPCG/sib/me" run_case "fill cgroup=$(stat -c %i "$TOP/sib") caching=wc order=0 pages=1 objects=1") ||
		return
	echo 1 >/proc/sys/vm/stat_refresh
	slab1=$(meminfo Slab)
	say "MEM id=sib.slab$((to + 1)) siblings=$((to - from + 1)) slab_delta=$((slab1 - slab0)) bytes_per_sibling=$(per "$((slab1 - slab0))" "$((to - from + 1))") $(echo "$out" | cut -d' ' -f3-)"
}

# Lookups in a cgroup's own list while 1, 100, 1,000, 10,000 cgroups (it
# and its siblings) hold pooled pages and objects.
run_siblings() {
	local n have=1

	phase siblings
	lp_cg_make "$TOPCG/sib"
	lp_cg_make "$TOPCG/sib/me"
	fill sib/me "$HIT_PAGES" wc 0
	lp_in_cg "$TOPCG/sib/me" put "$BENCH" "objadd objects=$HIT_PAGES"
	for n in $SIBLINGS; do
		populate "$have" $((n - 1)) || { warn "populating $n siblings failed"; failed=1; return; }
		have=$n
		settle
		phase "siblings-$n"
		bench "sib$n" sib/me hit caching=wc order=0 batch=1 iters=$HIT_PAGES rounds=$ROUNDS
		bench "objsib$n" sib/me objhit batch=1 iters=$HIT_PAGES rounds=$ROUNDS
	done
}

# Bookkeeping per pooled order-0 page, measured in the memcg: memory.stat
# slab and kernel before and after pooling MEM_PAGES pages.
run_memory() {
	local slab0 kern0 slab1 kern1 n=$MEM_PAGES pagesz

	phase memory
	pagesz=$(getconf PAGESIZE 2>/dev/null || echo 4096)
	lp_cg_make "$TOPCG/mem"
	if ! slab0=$(settled mem slab) || ! kern0=$(settled mem kernel) ||
		! fill mem "$n" wc 0 ||
		! slab1=$(settled mem slab) || ! kern1=$(settled mem kernel); then
		warn "memory: cannot read memory.stat or fill the pool"
		failed=1
		return
	fi
	say "MEM id=mem.slab pages=$n slab_delta=$((slab1 - slab0)) bytes_per_page=$(per "$((slab1 - slab0))" "$n") page_size=$pagesz"
	say "MEM id=mem.kernel pages=$n kernel_delta=$((kern1 - kern0)) bytes_per_page=$(per "$((kern1 - kern0 - n * pagesz))" "$n") page_size=$pagesz"
}

main() {
	trap teardown EXIT
	setup
	meta
	[ -z "$cal" ] || "$cal" || { warn "$cal failed"; failed=1; }
	run_memory
	run_paths
	run_dmabuf
	[ -z "$ttm_dir" ] || run_ttm
	run_shrink
	run_depths
	run_siblings
	phase end
	return $failed
}

main
