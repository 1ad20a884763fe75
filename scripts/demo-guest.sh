#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo-guest.sh: the walk-through `make demo` runs inside a guest. Each step
# prints the commands it runs and what to look at in their output.
set -euo pipefail

D=/sys/kernel/debug/lrupool
CG=/sys/fs/cgroup

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; eval "$*"; }
# as <cgroup> <command>: run a command from a shell inside that cgroup
as() {
	local cg=$1
	shift
	printf '$ (in %s) %s\n' "$cg" "$*"
	bash -c 'echo $$ > "$1/cgroup.procs" && eval "$2"' _ "$CG/$cg" "$*"
}
id_of() { stat -c %i "$CG/$1"; }
stat_of() { grep "^$2 " "$CG/$1/memory.stat"; }

cleanup() {
	rmdir "$CG/demo/app/worker" "$CG/demo/app" "$CG/demo/other" \
		"$CG/demo" 2>/dev/null || true
	rmmod lrupool 2>/dev/null || true
}
trap cleanup EXIT

say "Load the module: it creates its debugfs root (0700) and a README"
run insmod "$LRUPOOL_KO"
run ls -l "$D" "$D/objects"
run head -n 12 "$D/README"
run cat /sys/module/lrupool/parameters/fallback

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

say "reclaim in one cgroup frees only that cgroup's objects"
run "echo 64M > $CG/demo/other/memory.reclaim || true"
run cat "$D/objects/count"
echo "-> demo/other's line is gone (or shorter); demo/app's is untouched"

say "scan: run the shrinker once on one cgroup and node, as reclaim would"
run "echo '$(id_of demo/app) 0 800' > $D/objects/scan"
run cat "$D/objects/count"

say "bad input gets a clear errno"
run "echo 'two 0' > $D/objects/add || true"
run "echo '999999999 0 1' > $D/objects/scan || true"

say "drop_caches empties the pool; unloading frees whatever is left"
run "echo 2 > /proc/sys/vm/drop_caches"
run cat "$D/objects/stats"
run rmmod lrupool
run "ls $D 2>&1 || true"
echo
echo "Done. Kernel taint: $(cat /proc/sys/kernel/tainted) (4096 = out-of-tree, 8192 = unsigned: expected)"
