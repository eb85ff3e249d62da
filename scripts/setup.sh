#!/usr/bin/env bash
# The two set-up commands of the README:
#   scripts/setup.sh demo   install what is missing, build, and run the demo (samples/demo.sh)
#   scripts/setup.sh test   install what is missing, build, and run every test
# Idempotent: Debian packages are installed only when missing, and `apt-get update` runs only
# then. Run as root on Debian 12 (or as a user for whom every package is already installed).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build="${NCSS_BUILD_DIR:-$top/build}"
mode="${1:-}"

# Everything the project needs, from Debian's packages: toolchain, libraries, and the tools the
# tests use. Keep in step with BUILD-NOTES in the README.
packages=(
  g++ cmake ninja-build make pkg-config git
  libcli11-dev libsqlitecpp-dev libsqlite3-dev catch2 libfmt-dev nlohmann-json3-dev
  libzip-dev libexpat1-dev libxlsxwriter-dev libssl-dev
  libhpdf-dev libharfbuzz-dev fonts-wqy-zenhei libqrencode-dev libpoppler-cpp-dev
  sqlite3 man-db clang-format poppler-utils qpdf zbar-tools bash-completion time
  clang-14 libclang-rt-14-dev
)

install_missing() {
  local missing=()
  for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  if ((${#missing[@]} == 0)); then
    return
  fi
  echo "setup: installing ${missing[*]}" >&2
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: these Debian packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

configure_and_build() {
  cmake -S "$top" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j "$(nproc)"
}

case "$mode" in
  demo)
    install_missing
    configure_and_build
    exec "$top/samples/demo.sh" "$build/ncssctl"
    ;;
  test)
    install_missing
    configure_and_build
    cd "$build"
    exec ctest --output-on-failure -j "$(nproc)"
    ;;
  *)
    echo "usage: scripts/setup.sh demo|test" >&2
    exit 2
    ;;
esac
