#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kdir.sh [RELEASE]: print the kernel build directory `make` builds against
# by default, and say on stderr which one it is when it is not the running
# kernel's. The choice is explicit and stable: installing another
# kernel's headers never changes it.
#
#   1. /lib/modules/RELEASE/build (RELEASE: the running kernel by default);
#   2. else the headers Debian's linux-headers-amd64 depends on: Debian
#      12's 6.1 on a Debian 12 host, whatever else is installed (a machine
#      whose own kernel has no module support, like our CI, builds for
#      the kernel its VM boots).
# Nothing is printed when neither exists: `make deps` installs the second.
release=${1:-$(uname -r)}
if [ -d "/lib/modules/$release/build" ]; then
	echo "/lib/modules/$release/build"
	exit 0
fi
dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	sed -n 's/^\(linux-headers-[^ ,]*\).*/\1/p')
if [ -n "$dep" ] && [ -d "/usr/src/$dep" ]; then
	echo "kdir: no /lib/modules/$release/build, using /usr/src/$dep (linux-headers-amd64's)" >&2
	echo "/usr/src/$dep"
fi
