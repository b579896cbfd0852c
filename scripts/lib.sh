# shellcheck shell=bash
# Shared helpers for scripts/test, scripts/demo and .ci/run. Source it; it defines functions only:
#
#   cometapi_root                          prints the repository's root directory
#   cometapi_ensure_packages [pkg...]      installs missing Debian packages (as root), else fails
#   cometapi_configure_and_build <dir> [cmake args...]
#                                          configures <dir> (RelWithDebInfo, tests on) and builds it
#   cometapi_build_fuzzers <dir>           configures <dir> with clang and libFuzzer, builds the
#                                          fuzz targets only (scripts/test --fuzz, scripts/fuzz)
#   cometapi_fetch_debian_source <pkg> <dir>
#                                          downloads and unpacks Debian's source package <pkg>
#
# Nothing here reads stdin, so it works unattended (CI runs as root with no terminal).

# The Debian packages a full build, test and demo need.
COMETAPI_DEBIAN_PACKAGES=(
  build-essential cmake pkg-config
  libcurl4-openssl-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libcpp-httplib-dev libcli11-dev libbenchmark-dev libsqlite3-dev
  curl ca-certificates openssl doxygen clang libclang-rt-14-dev python3
  libpng-dev libjpeg-dev libwebp-dev
  imagemagick  # bench/split only: convert -crop 2x2@ is the yardstick of split_grid
  g++-mingw-w64-x86-64-posix libc++-14-dev libc++abi-14-dev googletest dpkg-dev
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

# Configures <builddir> with clang for the libFuzzer targets (nothing else) and builds them.
cometapi_build_fuzzers() {
  local build_dir="$1" root
  root="$(cometapi_root)"
  cometapi_ensure_packages clang libclang-rt-14-dev
  cometapi_log "configuring $build_dir (clang, libFuzzer)"
  CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCOMETAPI_BUILD_FUZZERS=ON -DCOMETAPI_BUILD_TESTS=OFF -DCOMETAPI_BUILD_EXAMPLES=OFF \
    -DCOMETAPI_BUILD_TOOLS=OFF -DCOMETAPI_BUILD_TESTING_LIB=OFF -DCOMETAPI_BUILD_BENCHMARKS=OFF \
    -DCMAKE_UNITY_BUILD=ON
  cometapi_log "building $build_dir"
  cmake --build "$build_dir" --parallel "$(cometapi_jobs)"
}

# Downloads Debian's source package <pkg> for this release with apt (signed indexes, checked
# hashes) and unpacks it, Debian's patches applied, into <dir>. The source entries are the
# machine's own Debian mirrors (those signed with Debian's archive key) turned into deb-src, and
# apt's state for them lives in <dir>.apt/, so the machine's sources and lists stay as they are.
cometapi_fetch_debian_source() {
  local pkg="$1" dir="$2"
  local state="$dir.apt"
  mkdir -p "$state/lists/partial" "$state/parts" "$dir"
  : >"$state/sources.list"
  local file
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$file" ]] && grep -q 'debian-archive-keyring' "$file" || continue
    sed 's/^Types:.*/Types: deb-src/' "$file" >"$state/parts/$(basename "$file")"
  done
  if [[ -f /etc/apt/sources.list ]]; then
    sed -n 's/^deb \(.*\)/deb-src \1/p' /etc/apt/sources.list >"$state/sources.list"
  fi
  local -a apt_opts=(-o "Dir::Etc::SourceList=$state/sources.list"
                     -o "Dir::Etc::SourceParts=$state/parts" -o "Dir::State::Lists=$state/lists")
  cometapi_log "downloading Debian's source of $pkg"
  apt-get "${apt_opts[@]}" update </dev/null >/dev/null
  (cd "$state" && apt-get "${apt_opts[@]}" source --download-only "$pkg" </dev/null >/dev/null)
  rm -rf "$dir"
  dpkg-source --no-check -x "$(ls "$state"/"$pkg"_*.dsc | tail -n 1)" "$dir" >/dev/null
}
