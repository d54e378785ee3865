#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deb: the Debian packages vaddr-dkms and vaddrctl, built with the
# standard tools (dpkg-buildpackage, debhelper, dh_dkms) from a copy of the
# tree, into build/deb/; then lintian's opinion of them.
#
# packaging/debian/ is the debian/ directory; its changelog is made here
# from VERSION (dkms.conf's PACKAGE_VERSION), which is the one place the
# version is written.
set -euo pipefail

version=${1:?usage: deb.sh VERSION}
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/build/deb
src=$out/vaddr-$version

for tool in dpkg-buildpackage dh dh_dkms; do
	command -v "$tool" >/dev/null ||
		{ echo "deb: no $tool; run 'make deps'" >&2; exit 1; }
done

rm -rf "$out"
mkdir -p "$src"
# The tree's own files (tracked or new, never build products).
cd "$repo"
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard -- \
		Kbuild Makefile dkms.conf module userspace |
		xargs -0 cp --parents -t "$src"
else
	cp -r --parents -t "$src" Kbuild Makefile dkms.conf module userspace
	make -C "$src/userspace" clean >/dev/null
fi
cp -r packaging/debian "$src/debian"
sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -R)/" \
	packaging/debian/changelog.in >"$src/debian/changelog"
rm "$src/debian/changelog.in"

cd "$src"
dpkg-buildpackage -us -uc -b >"$out/build.log" 2>&1 || {
	tail -n 30 "$out/build.log"
	echo "deb: dpkg-buildpackage failed (log: build/deb/build.log)" >&2
	exit 1
}
cd "$out"
ls -1 ./*.deb
if command -v lintian >/dev/null; then
	echo "lintian:"
	lintian --info ./*.changes 2>&1 | sed 's/^/  /' || true
fi
