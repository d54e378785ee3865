# SPDX-License-Identifier: GPL-2.0
#
# make               build vaddr.ko (out of tree) and userspace/vaddrctl
# make check         host unit tests + the VM suite; ends with "N passed, M failed"
# make check T=NAME  one VM test (tests/vm/NAME.sh) only
# make bench         the benchmarks in a VM (tests/bench/*.sh): ratios, not TAP
# make bench T=NAME  one benchmark (tests/bench/NAME.sh) only
# make demo         the hosting scenario played in a VM, without and with vaddr
# make deps          install what building and testing need (Debian 12, root)
#
# KDIR defaults to the running kernel's build directory; where there is none
# (a kernel without module support), to the newest installed Debian headers.

KRELEASE ?= $(shell uname -r)
ifeq ($(origin KDIR),undefined)
KDIR := $(shell tests/harness/kdir.sh $(KRELEASE))
endif
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

.PHONY: all module vaddrctl check bench demo deps clean kdir

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
	KDIR="$(KDIR)" T="$(T)" tests/harness/check.sh

bench:
	KDIR="$(KDIR)" T="$(T)" tests/bench/run.sh

demo:
	KDIR="$(KDIR)" tests/demo/run.sh

clean:
	-test -z "$(KDIR)" || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C userspace clean
	$(MAKE) -C tests/tools clean
	$(MAKE) -C tests/bench clean
	rm -rf build
