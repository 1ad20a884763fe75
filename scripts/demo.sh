#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: `make demo`. Installs what is missing, builds lrupool, boots a
# QEMU guest (KERNEL=6.1, 6.12, 7.2 or 7.3; default 6.12) and walks through
# what the module does (guest/demo-guest.sh, run inside the guest), then
# draws the run that `lrupool record` sampled in the guest with `lrupool
# plot`: build/demo/lrupool-<kernel>.png, with the recording (.rec) and
# what was drawn (.dat, .gp) beside it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

kernel=${KERNEL:-6.12}
out=$top/build/demo
rec=$out/lrupool-$kernel.rec
png=$out/lrupool-$kernel.png

# split_recording: pass the guest's output through, but the recording
# (from "# lrupool record" to "# end") into $rec.
split_recording() {
	local line in=''

	: >"$rec"
	while IFS= read -r line; do
		case $line in
		"# lrupool record "*) in=1 ;;
		esac
		if [ -n "$in" ]; then
			printf '%s\n' "$line" >>"$rec"
			case $line in "# end"*) in='' ;; esac
		else
			printf '%s\n' "$line"
		fi
	done
}

bash "$here/setup.sh"
mkdir -p "$out"
log "booting a $kernel guest (TCG: about half a minute)"
rc=0
bash "$here/vmtest.sh" -k "$kernel" --script "$top/guest/demo-guest.sh" |
	split_recording || rc=$?
if [ ! -s "$rec" ]; then
	log "the guest printed no recording"
	exit 1
fi
bash "$top/tools/lrupool" plot "$rec" "$png" >/dev/null ||
	die "lrupool plot could not draw $rec"
echo
echo "The run, drawn by lrupool plot from lrupool record's samples: $png"
exit "$rc"
