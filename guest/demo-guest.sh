#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh: the walk-through `make demo` runs inside a guest. Each step
# prints the commands it runs and what to look at in their output, and
# `lrupool status`, the cgroup tree with what each cgroup holds. The whole
# run is sampled by `lrupool record`, whose recording is printed at the end
# (from "# lrupool record" to "# end") for the host to draw.
set -euo pipefail

LP_LIB=${LRUPOOL_LIB:-$(cd "$(dirname "$0")/../test/lib" && pwd)}
# shellcheck source=test/lib/guest.sh
. "$LP_LIB/guest.sh"
D=/sys/kernel/debug/lrupool
CG=$LP_CGROOT
REC=/tmp/lrupool-demo.rec
rec_pid=

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; eval "$*"; }
# as <cgroup> <command>: run a command from a shell inside that cgroup
as() {
	local cg=$1
	shift
	printf '$ (in %s) %s\n' "$cg" "$*"
	lp_as "$cg" "$*"
}
id_of() { lp_cg_id "$1"; }
stat_of() { grep "^$2 " "$CG/$1/memory.stat"; }

# mark <text>: a labelled moment in the recording.
mark() {
	[ -z "$rec_pid" ] || lrupool mark "$REC" "$1"
}

# status: lrupool status, the tree by cgroup path.
status() {
	printf '$ lrupool status\n'
	lrupool status
}

# stop_recording: end the recording (before rmmod: a read in flight would
# keep the module busy).
stop_recording() {
	[ -n "$rec_pid" ] || return 0
	kill "$rec_pid" 2>/dev/null || :
	wait "$rec_pid" 2>/dev/null || :
	rec_pid=
}

cleanup() {
	stop_recording
	rmdir "$CG/demo/app/worker" "$CG/demo/app" "$CG/demo/other" \
		"$CG/demo" "$CG/gpu/A" "$CG/gpu/B" "$CG/gpu" \
		"$CG/jobs/A" "$CG/jobs/B" "$CG/jobs" "$CG/viewer" 2>/dev/null || true
	rmmod lrupool_dmabuf 2>/dev/null || true
	rmmod lrupool 2>/dev/null || true
}
trap cleanup EXIT

say "Load the module: it creates its debugfs root (0700) and a README"
run insmod "$LRUPOOL_KO"
run ls -l "$D" "$D/objects"
run head -n 12 "$D/README"
run cat /sys/module/lrupool/parameters/fallback
echo "lrupool record samples the pool from here on (every half second);"
echo "the host draws the recording at the end."
lrupool record "$REC" --interval 0.5 &
rec_pid=$!

say "Cgroups: demo/app/worker and demo/other; cgroup-ids are inode numbers"
mkdir -p "$CG/demo"
echo +memory >"$CG/demo/cgroup.subtree_control"
mkdir "$CG/demo/app" "$CG/demo/other"
for c in demo/app demo/other; do echo "$c: id $(id_of "$c")"; done

say "add: objects are charged to the writer's cgroup (look at 'slab')"
stat_of demo/app slab
as demo/app 'echo "2000 0" > '"$D/objects/add"
as demo/other 'echo "500 1" > '"$D/objects/add"
stat_of demo/app slab
echo "-> demo/app's slab grew by about 2000 x $(awk '/object_size/ {print $2}' "$D/objects/stats") bytes"
mark "objects added"
status
echo "-> the same by cgroup path: OBJECTS per cgroup, and MEMORY (memory.current)"

say "count: one line per cgroup, one column per NUMA node"
run cat "$D/objects/count"

say "take: a child with an empty list takes from its parent (child to root)"
echo +memory >"$CG/demo/app/cgroup.subtree_control"
mkdir "$CG/demo/app/worker"
echo "demo/app/worker: id $(id_of demo/app/worker)"
as demo/app/worker 'echo "300 0" > '"$D/objects/take"
run cat "$D/objects/count"
run grep taken "$D/objects/stats"
echo "-> 300 fewer under demo/app: taken_ancestor counts them"
mark "worker takes"
status

say "reparenting: objects of a removed cgroup move to its parent"
as demo/app/worker 'echo "100 0" > '"$D/objects/add"
run cat "$D/objects/count"
run rmdir "$CG/demo/app/worker"
for _ in $(seq 50); do
	grep -q "^$(id_of demo/app) 1800 " "$D/objects/count" && break
	sleep 0.2
done
run cat "$D/objects/count"
run grep -E "'nr_dying_(descendants|subsys_memory) '" "$CG/demo/app/cgroup.stat"
echo "-> the worker's 100 objects are now demo/app's; no dying cgroup stays pinned"
mark "worker removed"
status

say "reclaim in one cgroup frees only that cgroup's objects"
run "echo 64M > $CG/demo/other/memory.reclaim || true"
run cat "$D/objects/count"
echo "-> demo/other's line is gone (or shorter); demo/app's is untouched"
mark "reclaim in demo/other"
status

say "scan: run the shrinker once on one cgroup and node, as reclaim would"
run "echo '$(id_of demo/app) 0 800' > $D/objects/scan"
run cat "$D/objects/count"
echo "-> lrupool scan does the same by path: lrupool scan --objects /demo/app 0 800"
mark "scan demo/app"
status

say "bad input gets a clear errno"
run "echo 'two 0' > $D/objects/add || true"
run "echo '999999999 0 1' > $D/objects/scan || true"

P=$D/pages
# pstats: the page pool's counters on one line
pstats() {
	printf '   stats:'
	awk '$1 != "max_order" { printf " %s=%s", $1, $2 } END { print "" }' "$P/stats"
}
# mem <cgroup>: its memory.current and the 'kernel' line of its memory.stat
mem() {
	echo "   $1: memory.current $(cat "$CG/$1/memory.current"), $(stat_of "$1" kernel)"
}
# pcount: count, or a note that the pool is empty
pcount() {
	local lines

	printf '$ cat %s\n' "$P/count"
	lines=$(cat "$P/count")
	echo "${lines:-   (empty)}"
}

say "pages/: a GPU-style page pool, per caching mode (wb, wc, uc) and order"
echo "Switching a page to write-combined or uncached costs a TLB and cache"
echo "flush; a pooled page skips it. Counts are in pages; an order-9 chunk is"
echo "512 pages (2 MiB). Every buffer below is on node 0 (nid=0), so that"
echo "every cgroup looks at the same node's lists."
run ls "$P"
mkdir "$CG/gpu"
echo +memory >"$CG/gpu/cgroup.subtree_control"
echo "gpu: id $(id_of gpu)"

say "1. The top-level cgroup gpu starts with an empty pool"
pcount
pstats
mem gpu
status

say "2. Child gpu/A allocates a 2 MiB write-combined buffer, then frees it"
mkdir "$CG/gpu/A"
echo "gpu/A: id $(id_of gpu/A)"
as gpu/A 'echo "a1 512 caching=wc nid=0" > '"$P/alloc"
run cat "$P/buffers"
pstats
echo "-> miss=512: fresh pages, charged to gpu/A; caching_changes=512"
mem gpu/A
mark "gpu/A allocates"
status
echo "-> BUFFERS: gpu/A's 512 pages in a buffer"
as gpu/A 'echo a1 > '"$P/free"
pcount
pstats
mem gpu/A
echo "-> the pages sit on gpu/A's list, still write-combined and charged to gpu/A"
mark "gpu/A frees"
status
echo "-> WC: 512 pooled under gpu/A; POOL: the part of its memory.current they are"

say "3. gpu/A is removed: the kernel moves its list and its charge to gpu"
run rmdir "$CG/gpu/A"
for _ in $(seq 50); do
	grep -q "^$(id_of gpu) wc 9 512 " "$P/count" &&
		grep -q '^nr_dying_descendants 0' "$CG/gpu/cgroup.stat" && break
	sleep 0.2
done
pcount
mem gpu
run grep nr_dying_descendants "$CG/gpu/cgroup.stat"
echo "-> gpu holds the pages and pays for them; no dying cgroup stays pinned"
mark "gpu/A removed"
status

say "4. Child gpu/B allocates: it borrows its parent's pages (child to root)"
mkdir "$CG/gpu/B"
echo "gpu/B: id $(id_of gpu/B)"
as gpu/B 'echo "b1 512 nid=0" > '"$P/alloc"
run cat "$P/buffers"
pstats
mem gpu/B
mem gpu
echo "-> hit_ancestor=512, no new miss, no caching change: borrowed 512 in"
echo "   buffers. The pages stay charged to gpu, which made them: no exported"
echo "   kernel function moves a charge, so gpu/B pays nothing for them."
mark "gpu/B borrows"
status
echo "-> BORROWED: gpu/B's 512 pages came from gpu's list; gpu's MEMORY still counts them"

say "5. gpu/B frees: the pages go back to the list of the memcg they are charged to"
as gpu/B 'echo b1 > '"$P/free"
pcount
echo "-> gpu's line again, not gpu/B's"
mark "gpu/B frees"
status

say "6. gpu/B asks for more than the pool holds: only then are pages allocated"
as gpu/B 'echo "b2 1024 nid=0" > '"$P/alloc"
run cat "$P/buffers"
pstats
mem gpu/B
echo "-> hit_ancestor +512 (gpu's chunk), miss +512: a fresh chunk charged to gpu/B"
mark "gpu/B: 1024 pages"
status
as gpu/B 'echo b2 > '"$P/free"
pcount
echo "-> each chunk went back to the list of the memcg it is charged to"
mark "gpu/B frees again"
status

say "scan: the shrinker on gpu/B frees gpu/B's pooled pages only (write-back first)"
run lrupool scan --pages /gpu/B 0 512
echo "-> the same as: echo '$(id_of gpu/B) 0 512' > $P/scan"
pcount
pstats
mark "scan gpu/B"
status

DB=/sys/kernel/debug/lrupool_dmabuf
# dstats: /dev/lrupool's pool counters on one line
dstats() {
	printf '   stats:'
	awk '$1 != "max_order" { printf " %s=%s", $1, $2 } END { print "" }' "$DB/stats"
}
# dcount: its count, or a note that its pool is empty
dcount() {
	local lines

	printf '$ cat %s\n' "$DB/count"
	lines=$(cat "$DB/count")
	echo "${lines:-   (empty)}"
}

say "7. /dev/lrupool: the same story with real processes and dma-bufs"
echo "lrupool_dmabuf.ko is a driver with a page-pool instance of its own: a"
echo "process asks /dev/lrupool for a buffer (LRUPOOL_IOCTL_ALLOC) and gets a"
echo "dma-buf fd to mmap, pass on or close. lrupool-buf allocates buffers, maps"
echo "them, checks that they read as zero, writes a pattern and holds them."
run insmod "$LRUPOOL_DMABUF_KO"
run ls -l /dev/lrupool
mkdir "$CG/jobs"
echo +memory >"$CG/jobs/cgroup.subtree_control"
mkdir "$CG/jobs/A"
echo "jobs: id $(id_of jobs), jobs/A: id $(id_of jobs/A)"
as jobs/A lrupool-buf --count 4 --size 2M --caching wc --node 0
dstats
dcount
mem jobs/A
echo "-> a job in jobs/A made four 2 MiB write-combined buffers (miss=2048),"
echo "   wrote into them and exited: the pages sit on jobs/A's list, charged"
echo "   to jobs/A"

say "8. jobs/A is removed: its pages and their charge move to jobs"
run rmdir "$CG/jobs/A"
for _ in $(seq 50); do
	grep -q "^$(id_of jobs) wc 9 2048 " "$DB/count" &&
		grep -q '^nr_dying_descendants 0' "$CG/jobs/cgroup.stat" && break
	sleep 0.2
done
dcount
mem jobs
run grep nr_dying_descendants "$CG/jobs/cgroup.stat"

say "9. The next job, in sibling jobs/B, gets them: no miss, no caching change"
mkdir "$CG/jobs/B"
as jobs/B lrupool-buf --count 4 --size 2M --caching wc --node 0 --expect zero
dstats
echo "-> hit_ancestor=2048, miss and caching_changes as before; and not a"
echo "   byte of jobs/A's pattern: every page read as zero (--expect zero)"

say "10. A buffer outlives its process: handed to a child in another cgroup"
mkdir "$CG/viewer"
as jobs/B lrupool-buf --size 2M --caching wc --node 0 --pattern 0x42 --fork \
	--child-cgroup "$CG/viewer" --child-hold 2 --child-log /tmp/child.log
run grep in_use "$DB/stats"
echo "-> the job has exited; its child, in viewer, holds the buffer"
sleep 3
run cat /tmp/child.log
dcount
echo "-> the child read the job's pattern and closed the fd: the pages went to"
echo "   jobs' list, whose memcg they are charged to, not viewer's"
run grep -E "'^(miss|hit_ancestor|given|in_use) '" "$DB/stats"
run rmmod lrupool_dmabuf

say "drop_caches empties the pools; unloading frees whatever is left"
run "echo 2 > /proc/sys/vm/drop_caches"
run cat "$D/objects/stats"
pstats
mark "drop_caches"
status
sleep 1
stop_recording
echo
echo "The recording of this run (the host draws it):"
cat "$REC"
run rmmod lrupool
run "ls $D 2>&1 || true"
echo
echo "Done. Kernel taint: $(cat /proc/sys/kernel/tainted) (4096 = out-of-tree, 8192 = unsigned: expected)"
