# SPDX-License-Identifier: GPL-2.0
#
# splat.awk: the one definition of a kernel splat, for scripts/splat-check.sh
# on the host (a guest's whole dmesg or console) and for the guest's own
# checks (test/lib/guest.sh, lp_splats).
#
#   awk -f splat.awk LOG...
#
# prints one line per line of the log that is a splat:
#   <line number> TAB <kind> TAB <message>
# and nothing for a clean log.
#
# Flagged: WARN (WARNING: ..., "cut here"), BUG (BUG: ..., "kernel BUG at",
# SLUB's "BUG <cache> (...): ..." reports, and so KASAN's and KFENCE's
# "BUG: KASAN: ..." and "BUG: KFENCE: ..."), oops (Oops:, "... [#N]" die()
# lines, general protection fault, Kernel panic), UBSAN reports, list
# corruption (DEBUG_LIST), objects left in a slab cache that is destroyed,
# hangs (hung tasks, soft and hard lockups, workqueue lockups, RCU stalls),
# lockdep (its reports are WARNING: lines; its INFO: lines, and lockdep
# turning itself off), DEBUG_VM page dumps, kmemleak's "new suspected memory
# leaks", and the OOM killer (a task that invoked it, or a memcg's or the
# system's "Out of memory" kill).
#
# Patterns match the message text, after the "[ 12.345678] " timestamp and
# an optional "[T123]"/"[C1]" caller field are removed, so that a
# subsystem's informational "Foo: WARNING: ..." line is not taken for a WARN.
{
	msg = $0
	sub(/\r$/, "", msg)
	sub(/^<[0-9]+>/, "", msg)
	sub(/^\[ *[0-9]+\.[0-9]+\] /, "", msg)
	sub(/^\[ *[TC][0-9]+\] /, "", msg)
	kind = ""
	if (msg ~ /^WARNING: / || msg ~ /^-+\[ cut here \]-+/)
		kind = "WARN"
	else if (msg ~ /(^|: )BUG: (soft lockup|workqueue lockup)/ ||
		 msg ~ /[Hh]ard LOCKUP/ ||
		 msg ~ /^INFO: task .* blocked for more than/ ||
		 msg ~ /(^|: )INFO: .*(detected stalls?|self-detected stall)/ ||
		 msg ~ /^rcu: .*(detected stalls?|self-detected stall)/)
		kind = "hang"
	else if (msg ~ /list_(add|del) corruption/ ||
		 msg ~ /^list_[a-z_]+ corruption/)
		kind = "list corruption"
	else if (msg ~ /Objects remaining/ ||
		 msg ~ /Slab cache still has objects/)
		kind = "objects remaining"
	else if (msg ~ /(^|: )BUG: / || msg ~ /^kernel BUG at / ||
		 msg ~ /^BUG [^ ]+ \((Not tainted|Tainted: [^)]*)\): /)
		kind = "BUG"
	else if (msg ~ /(^|: )Oops: / ||
		 msg ~ /: [0-9a-f][0-9a-f][0-9a-f][0-9a-f] \[#[0-9]+\]/ ||
		 msg ~ /^general protection fault/ ||
		 msg ~ /^Kernel panic - not syncing/)
		kind = "oops"
	else if (msg ~ /^UBSAN: /)
		kind = "UBSAN"
	else if (msg ~ /^INFO: trying to register non-static key/ ||
		 msg ~ /turning off the locking correctness validator/ ||
		 msg ~ /^INFO: lockdep is turned off/)
		kind = "lockdep"
	else if (msg ~ /^page dumped because: /)
		kind = "DEBUG_VM"
	else if (msg ~ /^kmemleak: [0-9]+ new suspected memory leaks/)
		kind = "kmemleak"
	else if (msg ~ / invoked oom-killer: / ||
		 msg ~ /^(Memory cgroup o|O)ut of memory: Kill/)
		kind = "OOM killer"
	if (kind != "")
		printf "%d\t%s\t%s\n", FNR, kind, msg
}
