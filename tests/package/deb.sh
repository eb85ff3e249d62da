#!/usr/bin/env bash
# The Debian package, built and installed into a staging root (issue 8):
#   tests/package/deb.sh BUILD_DIR
# Builds the .deb with CPack from BUILD_DIR (after a build), unpacks it into a temporary root
# with dpkg-deb, and checks what is installed runs and reads from there: ncssctl --version, every
# man page through man -l, the bash completion, the agreement template; and that every package
# the .deb depends on is a real Debian package (installed on this machine).
set -euo pipefail

build=$(cd "${1:?usage: deb.sh BUILD_DIR}" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/ncss-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
  echo "deb.sh: $*" >&2
  exit 1
}

(cd "$build" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log" >&2; fail "cpack failed"; }
deb=$(ls "$work"/out/*.deb)
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

# The dependencies: each a Debian package, and the font the PDFs embed among them.
depends=$(dpkg-deb -f "$deb" Depends)
[[ $depends == *fonts-wqy-zenhei* ]] || fail "Depends lacks fonts-wqy-zenhei: $depends"
IFS=',' read -ra packages <<<"$depends"
for p in "${packages[@]}"; do
  p=$(echo "$p" | awk '{print $1}')
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
    fail "Depends names $p, which is not an installed Debian package here"
done

root="$work/root"
dpkg-deb -x "$deb" "$root"
"$root/usr/bin/ncssctl" --version | grep -q '^ncssctl [0-9]' || fail "ncssctl --version failed"
# It runs from the staging root: a database made and checked with the installed binary.
"$root/usr/bin/ncssctl" --db "$work/t.db" init >/dev/null 2>&1 || fail "ncssctl init failed"
"$root/usr/bin/ncssctl" --db "$work/t.db" db check >/dev/null || fail "ncssctl db check failed"

man1="$root/usr/share/man/man1"
[[ -f $man1/ncssctl.1 ]] || fail "no ncssctl.1 in $man1"
pages=0
for page in "$man1"/ncssctl*.1; do
  warnings=$(MANWIDTH=100 man -l "$page" 2>&1 >/dev/null) || fail "man -l $page failed"
  [[ -z $warnings ]] || fail "man -l $page warns: $warnings"
  pages=$((pages + 1))
done
((pages >= 20)) || fail "only $pages man pages installed"
for group in student invite review sweep agreement; do
  [[ -f $man1/ncssctl-$group.1 ]] || fail "no ncssctl-$group.1"
done

completion="$root/usr/share/bash-completion/completions/ncssctl"
[[ -f $completion ]] || fail "no bash completion at $completion"
bash -n "$completion" || fail "the completion is not valid bash"
[[ -f $root/usr/share/ncssctl/templates/agreement.json ]] || fail "no agreement template"
echo "installed into a staging root: ncssctl, $pages man pages, completion, template: ok"
