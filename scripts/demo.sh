#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh: `make demo`. Installs what is missing, builds lrupool, boots a
# QEMU guest (KERNEL=6.1, 6.12, 7.2 or 7.3; default 6.12) and walks through
# what the module does (scripts/demo-guest.sh, run inside the guest).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/lib.sh
. "$here/lib.sh"

kernel=${KERNEL:-6.12}
bash "$here/setup.sh"
log "booting a $kernel guest (TCG: about half a minute)"
exec bash "$here/vmtest.sh" -k "$kernel" --script "$here/demo-guest.sh"
