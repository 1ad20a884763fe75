# SPDX-License-Identifier: GPL-2.0
#
# A thin wrapper around kbuild (see Kbuild for the objects), plus the
# project's commands:
#   make              build lrupool.ko and dmabuf/lrupool_dmabuf.ko
#                     (/dev/lrupool) for the running kernel (KDIR=...)
#   make install      install them for that kernel (modules_install)
#   make clean
#   make tools        build the user-space programs, statically:
#                     build/user/lrupool-buf (dma-bufs from /dev/lrupool)
#   make demo         boot a guest and walk through what lrupool does;
#                     draws the run into build/demo/ (tools/lrupool plot)
#   make check        the test suite on every supported kernel
#                     (KERNELS="6.1 6.12 7.2 7.3" narrows it)
#   make check-debug  the suite, fault injection, fuzzing and stress on a
#                     KASAN/kmemleak/lockdep kernel (built once, cached);
#                     hours under TCG
#   make check-debug-short
#                     the lane's own check and the fuzzer (what CI runs)
#   make style        checkpatch --strict and kernel-doc on the sources
#   make bench        boot a guest and run the benchmark
#                     (KERNEL=6.1|6.12|7.2|7.3, default 6.12; 7.2 and 7.3
#                     add DRM TTM's pool); writes
#                     build/bench/<kernel>-<date>/ (see scripts/bench --help)
#   make selftests    the kernel's cgroup memory selftests (test_kmem,
#                     test_memcontrol) on 6.1 and 6.12, without and with
#                     lrupool loaded; not part of make check

KDIR ?= /lib/modules/$(shell uname -r)/build

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

tools:
	bash scripts/build-user.sh

demo:
	bash scripts/demo.sh

check:
	bash scripts/check.sh

check-debug:
	bash scripts/check.sh --debug

check-debug-short:
	bash scripts/check.sh --debug-short

style:
	bash scripts/style.sh

bench:
	bash scripts/bench $(if $(KERNEL),-k $(KERNEL))

selftests:
	bash scripts/selftests.sh

.PHONY: modules install clean tools demo check check-debug check-debug-short style selftests \
	bench
