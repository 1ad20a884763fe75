#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0
#
# The debug lane's own check, on the host: a guest on the debug kernel that
# loads a module doing a use-after-free, a lock inversion and a leak
# (test/fixtures/splat-module, what=uaf, lockdep, kleak) must fail, and name
# the KASAN, lockdep and kmemleak reports. A lane that boots the wrong
# kernel, or whose checks miss these reports, fails here before the suite
# runs. Needs the debug kernel (scripts/debug-kernel.sh).

bats_load_library bats-support
bats_load_library bats-assert

setup_file() {
	local top=$BATS_TEST_DIRNAME/../../..
	# shellcheck source=scripts/lib.sh
	. "$top/scripts/lib.sh"
	debug_ready || return 1
	export LANE_DIR=$BATS_FILE_TMPDIR
	mkdir -p "$LANE_DIR/src"
	cp "$top/test/fixtures/splat-module/lrupool_fixture.c" \
		"$top/test/fixtures/splat-module/Kbuild" "$LANE_DIR/src/"
	make -C "$(debug_dir)/build" M="$LANE_DIR/src" modules \
		>"$LANE_DIR/build.log" 2>&1
	strip --strip-debug "$LANE_DIR/src/lrupool_fixture.ko"
	{
		printf '#!/bin/bash\n'
		printf 'base64 -d >/tmp/lrupool_fixture.ko <<"END"\n'
		base64 "$LANE_DIR/src/lrupool_fixture.ko"
		printf 'END\n'
		cat <<'GUEST'
# Lockdep first: KASAN's report taints the kernel, and lockdep turns
# itself off on a taint. The leaking module stays loaded, so that
# kmemleak's backtrace names its function.
for what in lockdep uaf kleak; do
	insmod /tmp/lrupool_fixture.ko what="$what" && echo "loaded what=$what"
	[ "$what" = kleak ] || rmmod lrupool_fixture
done
GUEST
	} >"$LANE_DIR/guest.sh"
	"$top/scripts/vmtest.sh" -k debug --no-module -t 1200 \
		--script "$LANE_DIR/guest.sh" >"$LANE_DIR/out" 2>&1 &&
		echo 0 >"$LANE_DIR/rc" || echo $? >"$LANE_DIR/rc"
}

setup() {
	run cat "$LANE_DIR/out"
}

@test "debug lane: the guest boots the debug kernel and runs the fixture" {
	assert_line --regexp '^# kernel debug \([0-9.]+-lrupool-debug\)$'
	assert_line 'loaded what=lockdep'
	assert_line 'loaded what=uaf'
	assert_line 'loaded what=kleak'
}

@test "debug lane: the run fails" {
	assert_equal "$(cat "$LANE_DIR/rc")" 1
	assert_line --regexp '^# kernel debug: failed'
}

@test "debug lane: KASAN's use-after-free report is caught" {
	assert_line --regexp '^# splat-check: BUG: BUG: KASAN: [a-z-]*use-after-free in fx_uaf'
}

@test "debug lane: lockdep's circular dependency report is caught" {
	assert_line --regexp '^# splat-check: WARN: WARNING: possible circular locking dependency detected'
}

@test "debug lane: kmemleak's report is caught, with the leaking function" {
	assert_line '# FAIL kernel debug: kmemleak reports unreferenced objects'
	assert_line --regexp '^# +unreferenced object 0x[0-9a-f]+ \(size [0-9]+\):'
	assert_line --regexp '^# .*fx_kmalloc_leak'
}
