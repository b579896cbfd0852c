# shellcheck shell=bash
# Shared helpers for scripts/test, scripts/demo and .ci/run. Source it; it defines functions only:
#
#   cometapi_root                          prints the repository's root directory
#   cometapi_ensure_packages [pkg...]      installs missing Debian packages (as root), else fails
#   cometapi_configure_and_build <dir> [cmake args...]
#                                          configures <dir> (RelWithDebInfo, tests on) and builds it
#
# Nothing here reads stdin, so it works unattended (CI runs as root with no terminal).

# The Debian packages a full build, test and demo need (see docs/design.md, section 12).
COMETAPI_DEBIAN_PACKAGES=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libcpp-httplib-dev libcli11-dev libbenchmark-dev libsqlite3-dev
  curl ca-certificates openssl doxygen clang libclang-rt-14-dev python3
  libpng-dev libjpeg-dev libwebp-dev
  imagemagick  # bench/split only: convert -crop 2x2@ is the yardstick of split_grid
)

cometapi_root() {
  local here
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
  dirname "$here"
}

cometapi_log() {
  printf '==> %s\n' "$*" >&2
}

# True when the Debian package $1 is installed.
cometapi_package_installed() {
  local status
  status="$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" || return 1
  [[ "$status" == "install ok installed" ]]
}

# Installs whichever of the given packages (default: COMETAPI_DEBIAN_PACKAGES) are missing. As
# root: `apt-get update` (once per process) and `apt-get install`. Otherwise: names the missing
# packages and returns 1. Without dpkg (not Debian): warns and returns 0, leaving CMake to complain.
cometapi_ensure_packages() {
  local -a wanted missing=()
  if (($# > 0)); then
    wanted=("$@")
  else
    wanted=("${COMETAPI_DEBIAN_PACKAGES[@]}")
  fi
  if ! command -v dpkg-query >/dev/null 2>&1; then
    cometapi_log "dpkg-query not found: not a Debian system, so not checking for:" \
      "${wanted[*]}"
    return 0
  fi
  local pkg
  for pkg in "${wanted[@]}"; do
    cometapi_package_installed "$pkg" || missing+=("$pkg")
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  if ((EUID != 0)); then
    printf 'Missing Debian packages: %s\n' "${missing[*]}" >&2
    printf 'Install them with:\n  sudo apt-get install -y --no-install-recommends %s\n' \
      "${missing[*]}" >&2
    return 1
  fi
  cometapi_log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if [[ "${COMETAPI_APT_UPDATED:-}" != 1 ]]; then
    apt-get update </dev/null
    COMETAPI_APT_UPDATED=1
  fi
  apt-get install -y --no-install-recommends "${missing[@]}" </dev/null
}

# The number of CPUs to build with.
cometapi_jobs() {
  nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2
}

# Configures <builddir> (relative paths are taken from the current directory) for a
# RelWithDebInfo build with the tests on, then builds it with all CPUs. Extra arguments go to the
# configure step and override the defaults (e.g. -DCMAKE_BUILD_TYPE=Debug).
cometapi_configure_and_build() {
  if (($# < 1)); then
    echo "usage: cometapi_configure_and_build <builddir> [cmake args...]" >&2
    return 2
  fi
  local build_dir="$1"
  shift
  local root jobs
  root="$(cometapi_root)"
  jobs="$(cometapi_jobs)"
  cometapi_log "configuring $build_dir"
  cmake -S "$root" -B "$build_dir" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCOMETAPI_BUILD_TESTS=ON \
    "$@"
  cometapi_log "building $build_dir"
  cmake --build "$build_dir" --parallel "$jobs"
}
