#!/bin/sh
# Print the kernel build directory to build the module against, and say on
# stderr which one was chosen when it is not the running kernel's.
release=${1:-$(uname -r)}
if [ -d "/lib/modules/$release/build" ]; then
	echo "/lib/modules/$release/build"
	exit 0
fi
newest=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1)
if [ -n "$newest" ]; then
	echo "kdir: no /lib/modules/$release/build, using $newest" >&2
	echo "$newest"
fi
