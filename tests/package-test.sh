#!/bin/sh
# package-test: build the .deb of this tree (make deb, without the package
# build's own make check), then check what it holds and that it works:
#
#  - dpkg-deb -c: the binaries in /usr/bin, the configuration and an empty
#    conf.d/ in /etc/supervisor, /var/log/supervisor, the unit, the man
#    pages; the configuration is a conffile; it conflicts with and
#    replaces Debian's supervisor;
#  - the extracted supervisord passes --test on the packaged configuration,
#    and systemd-analyze verify accepts the unit (where systemd is);
#  - it depends on the libraries it links (libexpat1, libhttp-parser2.9,
#    libmd0), which are installed first when missing (as root, apt-get);
#  - installed, supervisord --test passes with no -c when run from /:
#    with dpkg -i (then purged) where Debian's supervisor is not installed
#    (it is never removed: the other tests compare with it); elsewhere in
#    a private mount namespace where the package's files are bind-mounted
#    over /usr/bin/supervisord and /etc/supervisor, which changes nothing
#    outside it; and with no configuration anywhere, the error names every
#    place tried;
#  - make install DESTDIR=... PREFIX=/usr installs the same files as the
#    .deb, and keeps a configuration that is already there.
#
# Needs dpkg-dev and debhelper (installed with apt-get when missing and
# root).  Ends with "N passed, N failed".  Run by `make deb-test`.
set -u

O=${O:-build}
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
pass=0
fail=0
skip=0
start=$(date +%s)

ok() { pass=$((pass + 1)); echo "ok: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
skipped() { skip=$((skip + 1)); echo "SKIPPED: $*"; }
finish() {
	echo "package-test: $(($(date +%s) - start)) s"
	echo "$pass passed, $fail failed, $skip skipped"
	[ "$fail" -eq 0 ]
	exit $?
}
# check DESCRIPTION COMMAND...: one test.
check() {
	what=$1
	shift
	if "$@" >"$work/out" 2>&1; then
		ok "$what"
	else
		bad "$what"
		sed 's/^/    /' "$work/out" | tail -20
	fi
}

if ! command -v dpkg-buildpackage >/dev/null 2>&1 ||
    ! command -v dh >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y \
		    --no-install-recommends dpkg-dev debhelper fakeroot \
		    >/dev/null 2>&1 || true
	fi
fi
if ! command -v dpkg-buildpackage >/dev/null 2>&1 ||
    ! command -v dh >/dev/null 2>&1; then
	skipped "no dpkg-buildpackage or dh here (apt-get install dpkg-dev debhelper)"
	finish
fi

mkdir -p "$O"
work=$(mktemp -d "${TMPDIR:-/tmp}/sv-pkg.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT

# -- build ------------------------------------------------------------
t0=$(date +%s)
if DEB_BUILD_OPTIONS="nocheck ${DEB_BUILD_OPTIONS:-}" \
    make --no-print-directory O="$O" deb >"$O/deb.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b ($(($(date +%s) - t0)) s, log in $O/deb.log)"
else
	bad "dpkg-buildpackage -us -uc -b (log in $O/deb.log)"
	tail -30 "$O/deb.log" | sed 's/^/    /'
	finish
fi
deb=$(ls "$O"/deb/supervisord_*.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
	bad "no supervisord_*.deb in $O/deb"
	finish
fi

# -- contents ---------------------------------------------------------
dpkg-deb -c "$deb" | awk '{ print $NF }' | sed 's|^\./|/|' >"$work/list"
want="/usr/bin/supervisord
/etc/supervisor/supervisord.conf
/etc/supervisor/conf.d/
/var/log/supervisor/
/lib/systemd/system/supervisord.service
/usr/share/man/man8/supervisord.8.gz
/usr/share/man/man5/supervisord.conf.5.gz"
if [ -f supervisord/supervisorctl.c ]; then
	want="$want
/usr/bin/supervisorctl"
fi
for m in man/*.[1-8]; do
	s=${m##*.}
	want="$want
/usr/share/man/man$s/${m##*/}.gz"
done
missing=$(echo "$want" | sort -u | while read -r f; do
	grep -qx "$f" "$work/list" || echo "$f"
done)
if [ -z "$missing" ]; then
	ok "the .deb holds $(echo "$want" | sort -u | wc -l) expected files"
else
	bad "the .deb lacks: $missing"
fi
if grep '^/etc/supervisor/conf\.d/.' "$work/list" >/dev/null; then
	bad "conf.d/ is not empty in the .deb"
else
	ok "conf.d/ is empty"
fi
check "supervisord.conf is a conffile" \
    sh -c "dpkg-deb -I '$deb' conffiles | grep -x /etc/supervisor/supervisord.conf"
check "Conflicts: supervisor" \
    sh -c "dpkg-deb -f '$deb' Conflicts | grep -w supervisor"
check "Replaces: supervisor" \
    sh -c "dpkg-deb -f '$deb' Replaces | grep -w supervisor"

# Its run-time dependencies (dpkg -i installs none), before the
# package's binaries run: named in Depends, and installed when missing.
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' |
    sed -e 's/([^)]*)//g' -e 's/|.*//' -e 's/[[:space:]]//g' |
    grep -v '^$')
missing=
for d in $deps; do
	dpkg-query -W -f='${Status}' "$d" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $d"
done
if [ -n "$missing" ] && command -v apt-get >/dev/null 2>&1; then
	check "run-time dependencies installed:$missing" \
	    env DEBIAN_FRONTEND=noninteractive apt-get install -y \
	    --no-install-recommends $missing
fi
check "the package names its run-time libraries" sh -c "
	dpkg-deb -f '$deb' Depends | grep -w libexpat1 &&
	dpkg-deb -f '$deb' Depends | grep -w libhttp-parser2.9 &&
	dpkg-deb -f '$deb' Depends | grep -w libmd0"

# -- the extracted files ----------------------------------------------
root=$work/root
dpkg-deb -x "$deb" "$root"
check "the packaged configuration includes conf.d/*.conf" \
    grep -Eq '^files *= *conf\.d/\*\.conf' "$root/etc/supervisor/supervisord.conf"
check "logs under /var/log/supervisor/, socket under /run/" sh -c "
    grep -Eq '^logfile *= */var/log/supervisor/' '$root/etc/supervisor/supervisord.conf' &&
    grep -Eq '^childlogdir *= */var/log/supervisor' '$root/etc/supervisor/supervisord.conf' &&
    grep -Eq '^file *= */run/' '$root/etc/supervisor/supervisord.conf'"
# Its log directory is the package's: where this machine has none, the
# check runs on a copy that logs into the extracted tree.
conf=$root/etc/supervisor/supervisord.conf
if [ ! -d /var/log/supervisor ]; then
	sed "s|/var/log/supervisor|$root/var/log/supervisor|" "$conf" \
	    >"$root/etc/supervisor/test.conf"
	conf=$root/etc/supervisor/test.conf
fi
check "supervisord --test on the packaged configuration" \
    "$root/usr/bin/supervisord" --test -c "$conf"
if command -v systemd-analyze >/dev/null 2>&1; then
	# The unit as installed, but starting the extracted binary.
	mkdir -p "$work/unit"
	sed "s|/usr/bin/supervisord|$root/usr/bin/supervisord|" \
	    "$root/lib/systemd/system/supervisord.service" \
	    >"$work/unit/supervisord.service"
	check "systemd-analyze verify supervisord.service" \
	    systemd-analyze verify --man=no "$work/unit/supervisord.service"
else
	skipped "systemd-analyze verify: no systemd-analyze here"
fi
if command -v mandoc >/dev/null 2>&1; then
	check "mandoc -Tlint -W warning man/*.[1-8]" \
	    sh -c "mandoc -Tlint -W warning man/*.[1-8] && [ -z \"\$(mandoc -Tlint -W warning man/*.[1-8] 2>&1)\" ]"
else
	skipped "mandoc -Tlint: no mandoc here (apt-get install mandoc)"
fi

# -- installed: the default search from / ------------------------------
status=$(dpkg-query -W -f='${Status}' supervisor 2>/dev/null || true)
if [ "$(id -u)" -ne 0 ]; then
	skipped "installing the .deb: not root"
elif [ "$status" != "install ok installed" ]; then
	if dpkg -i "$deb" >"$work/out" 2>&1; then
		ok "dpkg -i"
		check "installed: supervisord --test from / without -c" \
		    sh -c "cd / && /usr/bin/supervisord --test"
		if [ -f supervisord/supervisorctl.c ]; then
			check "installed: supervisorctl is on PATH" \
			    sh -c "command -v supervisorctl"
		fi
		check "dpkg --purge supervisord" dpkg --purge supervisord
	else
		bad "dpkg -i"
		sed 's/^/    /' "$work/out" | tail -20
		dpkg --purge supervisord >/dev/null 2>&1 || true
	fi
elif command -v unshare >/dev/null 2>&1 && unshare --mount true 2>/dev/null; then
	# Debian's supervisor is installed: never replace it.  In a mount
	# namespace of our own, the package's files take its places.
	check "as installed (bind mounts): supervisord --test from / without -c" \
	    unshare --mount sh -c "
		mount --bind '$root/usr/bin/supervisord' /usr/bin/supervisord &&
		mount --bind '$root/etc/supervisor' /etc/supervisor &&
		cd / && /usr/bin/supervisord --test"
	mkdir -p "$work/empty"
	check "no configuration anywhere: exit 2, every place named" \
	    unshare --mount sh -c "
		mount --bind '$root/usr/bin/supervisord' /usr/bin/supervisord &&
		mount --bind '$work/empty' /etc/supervisor &&
		cd / && /usr/bin/supervisord --test >'$work/nf.out' 2>&1
		rc=\$?
		cat '$work/nf.out'
		[ \$rc -eq 2 ] || exit 1
		for p in /usr/etc/supervisord.conf /usr/supervisord.conf \
		    supervisord.conf etc/supervisord.conf \
		    /etc/supervisord.conf /etc/supervisor/supervisord.conf; do
			grep -q \"\$p\" '$work/nf.out' || { echo \"not named: \$p\"; exit 1; }
		done"
else
	skipped "installed layout: Debian's supervisor is installed and no mount namespace can be made"
fi

# -- make install ------------------------------------------------------
dest=$work/dest
if make --no-print-directory O="$O" install DESTDIR="$dest" PREFIX=/usr \
    >"$work/out" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr"
	(cd "$dest" && find . ! -type d | sed 's|^\.||' | sort) >"$work/inst"
	# The .deb's files, less what only a package has, man pages unzipped.
	grep -v '/$' "$work/list" | sed 's/\.gz$//' |
	    grep -v '^/usr/share/doc/' | sort >"$work/debfiles"
	if diff "$work/debfiles" "$work/inst" >"$work/out"; then
		ok "make install and the .deb install the same files"
	else
		bad "make install and the .deb differ (< deb, > make install)"
		sed 's/^/    /' "$work/out"
	fi
	check "make install: the unit starts /usr/bin/supervisord" \
	    grep -q '^ExecStart=/usr/bin/supervisord -n -c /etc/supervisor/supervisord.conf$' \
	    "$dest/lib/systemd/system/supervisord.service"
	echo "; edited" >>"$dest/etc/supervisor/supervisord.conf"
	make --no-print-directory O="$O" install DESTDIR="$dest" PREFIX=/usr \
	    >/dev/null 2>&1
	check "make install keeps an existing configuration" \
	    grep -q '^; edited$' "$dest/etc/supervisor/supervisord.conf"
else
	bad "make install DESTDIR=... PREFIX=/usr"
	sed 's/^/    /' "$work/out" | tail -20
fi

finish
