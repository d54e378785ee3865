# SPDX-License-Identifier: GPL-2.0
#
# make               build vaddr.ko (out of tree) and userspace/vaddrctl
# make check         host unit tests + the VM suite; ends with "N passed, M failed"
# make check T=NAME  one VM test (tests/vm/NAME.sh) only
# make check KVER=7.3  the same on another kernel of the matrix
#                    (tests/harness/kernels.list: 5.10 6.1 6.12 7.3)
# make matrix        every kernel of the matrix: build roots, W=1 builds,
#                    the core tests in a VM each; one table, docs/kernels.md
# make check-debug   the same suite on a KASAN/UBSAN/kmemleak/lockdep kernel
#                    built from linux-source-6.1 (cached in build/debug-kernel)
# make bench         the benchmarks in a VM (tests/bench/*.sh): ratios, not TAP
# make bench T=NAME  one benchmark (tests/bench/NAME.sh) only
# make bench QUICK=1 fewer, shorter runs and smaller tables (a few minutes)
#                    (both also write docs/benchmarks.md and its plot)
# make demo         the hosting scenario played in a VM, without and with vaddr
# make deps          install what building and testing need (Debian 12, root)
# make install       the module (modules_install + depmod), vaddrctl, man
#                    pages, completion, vaddr.service, /etc/vaddr.conf
#                    (never overwritten); DESTDIR and PREFIX as usual
# make uninstall     removes what make install put there (not /etc/vaddr.conf)
# make dkms-install  the module source to /usr/src/vaddr-VERSION, then
#                    dkms add, build and install (DKMS_KERNEL=release to
#                    build for another kernel than the running one)
# make dkms-uninstall  dkms remove, and the source from /usr/src
# make clean         what the builds made (keeps the debug kernel);
#                    make distclean removes it too
# make deb           the Debian packages vaddr-dkms and vaddrctl, in build/deb
#
# KDIR defaults to the running kernel's build directory; where there is none
# (a kernel without module support), to the headers Debian's
# linux-headers-amd64 depends on (tests/harness/kdir.sh). Never another:
# installing a second kernel's headers does not change it.

KRELEASE ?= $(shell uname -r)
ifeq ($(origin KDIR),undefined)
KDIR := $(shell tests/harness/kdir.sh $(KRELEASE))
endif
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
# The release of the kernel in KDIR, which may not be the running one.
KDIR_RELEASE = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(KDIR)/include/generated/utsrelease.h)

PREFIX ?= /usr/local
DESTDIR ?=
# What DKMS builds: the same files as `make module`, nothing generated.
DKMS_SRC := Kbuild dkms.conf $(wildcard module/*.c module/*.h) \
	module/include/uapi/linux/vaddr.h
DKMS_DIR = $(DESTDIR)/usr/src/vaddr-$(VERSION)

.PHONY: all module vaddrctl check check-debug matrix bench deps clean kdir install uninstall \
	install-module uninstall-module dkms-source dkms-install \
	dkms-uninstall deb demo distclean

all: module vaddrctl

kdir:
	@test -n "$(KDIR)" || { echo "no kernel build directory: run 'make deps'" >&2; exit 1; }
	@echo "KDIR=$(KDIR)"

module: kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

vaddrctl:
	$(MAKE) -C userspace

deps:
	tests/harness/deps.sh install

check:
	KDIR="$(KDIR)" T="$(T)" KVER="$(KVER)" tests/harness/check.sh

matrix:
	MATRIX="$(MATRIX)" MATRIX_ROWS="$(MATRIX_ROWS)" tests/harness/matrix.sh

check-debug:
	T="$(T)" tests/debug/check.sh

bench:
	KDIR="$(KDIR)" T="$(T)" QUICK="$(QUICK)" tests/bench/run.sh

install: install-module
	$(MAKE) -C userspace install PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

# As the kernel's own modules_install, this installs what `make` built:
# root need not compile. depmod only on the live system: a staged tree
# (DESTDIR) is the package manager's to index when it installs. (Kbuild
# runs depmod itself when KDIR is a full tree with a System.map, unlike
# Debian's headers: DEPMOD=true stops it for a staged install.)
# A vaddr.ko left from a build for another kernel would install and then
# fail to load (Exec format error): refuse it, naming both releases.
install-module: kdir
	@test -f vaddr.ko || { echo "no vaddr.ko: run 'make' first" >&2; exit 1; }
	@built=$$(modinfo -F vermagic vaddr.ko | cut -d' ' -f1); \
	test "$$built" = "$(KDIR_RELEASE)" || { echo "vaddr.ko was built for" \
		"$$built, not $(KDIR_RELEASE) (KDIR=$(KDIR)): run 'make' first" >&2; \
		exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=updates $(if $(DESTDIR),DEPMOD=true) modules_install
	test -n "$(DESTDIR)" || depmod -a $(KDIR_RELEASE)

uninstall: uninstall-module
	$(MAKE) -C userspace uninstall PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)

uninstall-module: kdir
	rm -f $(DESTDIR)/lib/modules/$(KDIR_RELEASE)/updates/vaddr.ko*
	test -n "$(DESTDIR)" || depmod -a $(KDIR_RELEASE)

dkms-source:
	rm -rf $(DKMS_DIR)
	for f in $(DKMS_SRC); do install -D -m 0644 $$f $(DKMS_DIR)/$$f || exit; done

# A previous install of the same version is replaced, as after an edit.
dkms-install:
	-dkms remove -m vaddr -v $(VERSION) --all >/dev/null 2>&1
	$(MAKE) dkms-source DESTDIR=
	dkms add -m vaddr -v $(VERSION)
	dkms install -m vaddr -v $(VERSION) $(if $(DKMS_KERNEL),-k $(DKMS_KERNEL))

dkms-uninstall:
	-dkms remove -m vaddr -v $(VERSION) --all
	rm -rf /usr/src/vaddr-$(VERSION)

deb:
	packaging/deb.sh $(VERSION)

demo:
	KDIR="$(KDIR)" tests/demo/run.sh

clean:
	-test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/tools clean
	$(MAKE) -C tests/bench clean
	find build -mindepth 1 -maxdepth 1 ! -name debug-kernel -exec rm -rf {} + 2>/dev/null || true

# clean, and the debug kernel too (its rebuild takes long: see README).
distclean: clean
	rm -rf build
