# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# FZ_W and FZ_VALID_OK are fuzz.sh's associative arrays.
# shellcheck disable=SC2004
#
# fuzz/dmabuf.sh: the fuzzer's op for /dev/lrupool (lrupool_dmabuf.ko),
# sourced by fuzz.sh. Where the device and lrupool-buf are there, an
# iteration may send a burst of LRUPOOL_IOCTL_ALLOC requests from the
# cgroup the fuzzer is in: `lrupool-buf fuzz` makes them from a seed the
# fuzzer's own generator draws (so a fuzz.sh seed replays them too), and
# checks every answer against the uAPI's rules (include/uapi/linux/
# lrupool.h): the errno of each broken rule, or a buffer of the size
# asked for that maps and reads as zero. A mismatch fails the run.

FZ_DMABUF_DEV=/dev/lrupool
FZ_DMABUF_BURST=16	# requests a burst

# fz_dmabuf_ready: whether the op can run here.
fz_dmabuf_ready() {
	[ -c "$FZ_DMABUF_DEV" ] && command -v lrupool-buf > /dev/null
}

# fz_dmabuf_op: one burst of seeded requests.
fz_dmabuf_op() {
	local out label=dmabuf:ioctl

	fz_rand 1000000000
	FZ_W[$label]=$((${FZ_W[$label]:-0} + FZ_DMABUF_BURST))
	if ! out=$(lrupool-buf fuzz --device "$FZ_DMABUF_DEV" --seed "$R" \
		--count "$FZ_DMABUF_BURST" 2>&1); then
		fz_fail "$label from ${FZ_CUR#"$FZ_CGROOT"}: $out"
		return
	fi
	# The summary's "valid commands that succeeded": the buffers made.
	if [[ $out =~ ([0-9]+)\ buffers\ made ]]; then
		FZ_VALID_OK[$label]=$((${FZ_VALID_OK[$label]:-0} + BASH_REMATCH[1]))
	fi
}
