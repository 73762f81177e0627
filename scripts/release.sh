#!/usr/bin/env bash
# make release [VERSION=x.y.z]: the provider for every platform Terraform users run,
# packaged and signed for the Terraform Registry (or HCP Terraform's private registry,
# or a mirror) in dist/:
#
#   linux_amd64 linux_arm64     static (musl), for CI runners and HCP Terraform
#   darwin_amd64 darwin_arm64   macOS laptops
#   windows_amd64 windows_arm64
#
# Every binary is built in release mode with symbols stripped, checked with `file`
# (format, architecture, static linking where the platform allows it) and, where this
# machine can run it, asked for its version and started as Terraform starts it, up to
# its handshake line (Linux here; windows_amd64 under Wine when `wine64` is installed,
# e.g. Debian's wine64 package; linux_arm64 under qemu-aarch64-static). Wine 8 lacks
# bcryptprimitives.dll, which Windows 10 and later have and Rust's standard library
# imports (ProcessPrng): a stand-in built from scripts/wine/bcryptprimitives.c sits
# beside the Windows binary while it is checked, never in the release. A platform that fails to build or check
# stops the release after the others were tried: nothing is packaged, so a broken or
# missing binary is never published. PLATFORMS="linux_amd64 ..." narrows the set on
# purpose; the script says which were left out.
#
# The version lives in Cargo.toml only. VERSION, when given, must equal it, and
# CHANGELOG.md must have a section for it: bump both, commit, then release. An
# unsigned local build (RELEASE_UNSIGNED=1) skips the changelog check.
# Signing: GPG_FINGERPRINT names the RSA key (see scripts/release-package.sh);
# RELEASE_UNSIGNED=1 makes an unsigned local build instead.
#
# Cross compiling: cargo-zigbuild with zig as C compiler and linker (both from PyPI,
# installed into .tools/cross), Rust's standard library per target from rustup.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ALL_PLATFORMS="linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64 windows_arm64"
PLATFORMS=${PLATFORMS:-$ALL_PLATFORMS}
ZIGLANG_PIN="0.17.1"
CARGO_ZIGBUILD_PIN="0.24.1"

die() {
  echo "release: $*" >&2
  exit 1
}

cargo_version=$(cargo metadata --no-deps --format-version 1 | python3 -c '
import json, sys
print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "terraform-provider-nats"))')
version=${VERSION:-$cargo_version}
[ "$version" = "$cargo_version" ] ||
  die "VERSION=$version, but Cargo.toml says $cargo_version: set the version in Cargo.toml (and CHANGELOG.md), commit, then release"
if [ "${RELEASE_UNSIGNED:-}" != 1 ]; then
  grep -q "^## \[$version\]" CHANGELOG.md ||
    die "CHANGELOG.md has no '## [$version]' section: move the Unreleased notes under it first"
  [ -n "${GPG_FINGERPRINT:-}" ] ||
    die "GPG_FINGERPRINT is not set: name the RSA key that signs SHA256SUMS (or RELEASE_UNSIGNED=1 for a local build)"
  gpg --batch --list-secret-keys "$GPG_FINGERPRINT" >/dev/null 2>&1 ||
    die "no secret key '$GPG_FINGERPRINT' in ${GNUPGHOME:-~/.gnupg}"
fi
for platform in $PLATFORMS; do
  [[ " $ALL_PLATFORMS " == *" $platform "* ]] || die "unknown platform '$platform' (one of: $ALL_PLATFORMS)"
done

rust_target() {
  case $1 in
  linux_amd64) echo x86_64-unknown-linux-musl ;;
  linux_arm64) echo aarch64-unknown-linux-musl ;;
  darwin_amd64) echo x86_64-apple-darwin ;;
  darwin_arm64) echo aarch64-apple-darwin ;;
  windows_amd64) echo x86_64-pc-windows-gnu ;;
  windows_arm64) echo aarch64-pc-windows-gnullvm ;;
  esac
}

# What `file` must say about a good binary for the platform.
expected_file_type() {
  case $1 in
  linux_amd64) echo 'ELF 64-bit LSB .*x86-64.*(statically linked|static-pie linked).*stripped' ;;
  linux_arm64) echo 'ELF 64-bit LSB .*ARM aarch64.*(statically linked|static-pie linked).*stripped' ;;
  darwin_amd64) echo 'Mach-O 64-bit x86_64 executable' ;;
  darwin_arm64) echo 'Mach-O 64-bit arm64 executable' ;;
  windows_amd64) echo 'PE32\+ executable .*x86-64' ;;
  windows_arm64) echo 'PE32\+ executable .*Aarch64' ;;
  esac
}

# The command that runs a binary of the platform on this machine, if there is one.
runner_for() {
  local host_platform wine
  host_platform="$(uname -s | tr '[:upper:]' '[:lower:]')_$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')"
  if [ "$1" = "$host_platform" ]; then
    echo exec
  elif [ "$1" = linux_arm64 ] && command -v qemu-aarch64-static >/dev/null; then
    echo qemu-aarch64-static
  elif [ "$1" = windows_amd64 ] && [ "$host_platform" = linux_amd64 ]; then
    wine=$(command -v wine64 || ls /usr/lib/wine/wine64 2>/dev/null || true)
    [ -n "$wine" ] && echo "$wine"
  fi
  return 0
}

# Copies Windows binary $1 beside the bcryptprimitives stand-in (built once with zig)
# into a directory of its own for Wine, and prints the copy's path.
export WINEPREFIX="$PWD/.tools/cross/wine-prefix" WINEDEBUG=-all
wine_used=""
stage_for_wine() {
  local wine=$1 built=$2 dll=.tools/cross/wine/bcryptprimitives.dll dir=.tools/cross/wine/run
  if [ ! -f "$dll" ] || [ scripts/wine/bcryptprimitives.c -nt "$dll" ]; then
    mkdir -p "$(dirname "$dll")"
    python-zig cc -target x86_64-windows-gnu -shared -O2 -o "$dll" \
      scripts/wine/bcryptprimitives.c -ladvapi32 >&2 || return 1
  fi
  # A first start creates the Wine prefix and says so on stderr: done here, not in a check.
  [ -d "$WINEPREFIX" ] || "$wine" wineboot --init >/dev/null 2>&1 || true
  wine_used=$wine
  rm -rf "$dir" && mkdir -p "$dir" && cp "$built" "$dll" "$dir/" &&
    echo "$PWD/$dir/$(basename "$built")"
}

# Starts binary $2 through runner $1 the way Terraform does (magic cookie, protocol 6,
# a port range) and checks the go-plugin handshake line it prints: protocol 6 over
# gRPC, on TCP for Windows. Stops it afterwards.
check_handshake() {
  local runner=$1 built=$2 platform=$3 out pid line network
  out=$(mktemp)
  TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2 \
    PLUGIN_PROTOCOL_VERSIONS=6 PLUGIN_MIN_PORT=10000 PLUGIN_MAX_PORT=25000 \
    $runner "$built" >"$out" 2>/dev/null &
  pid=$!
  for _ in $(seq 1 120); do
    [ -s "$out" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  line=$(head -n1 "$out")
  rm -f "$out"
  network=unix
  [ "${platform%%_*}" = windows ] && network=tcp
  if [[ $line =~ ^1\|6\|$network\|[^|]+\|grpc\| ]]; then
    return 0
  fi
  echo "${line:-nothing}"
  return 1
}

command -v file >/dev/null || apt-get install -y -q file >&2 || die "install 'file' and retry"
cross=.tools/cross
wanted="ziglang==$ZIGLANG_PIN cargo-zigbuild==$CARGO_ZIGBUILD_PIN"
if [ "$(cat "$cross/.pinned" 2>/dev/null)" != "$wanted" ]; then
  echo "release: installing $wanted into $cross (from PyPI)" >&2
  python3 -m venv "$cross"
  # shellcheck disable=SC2086 # a list of requirement words
  "$cross/bin/python" -m pip install --quiet --disable-pip-version-check $wanted >&2
  echo "$wanted" >"$cross/.pinned"
fi
export PATH="$PWD/$cross/bin:$PATH"

target_dir=${CARGO_TARGET_DIR:-target}
rm -rf dist && mkdir -p dist/logs dist/bin
failures=()
binaries=()
for platform in $PLATFORMS; do
  target=$(rust_target "$platform")
  log="dist/logs/$platform.log"
  echo "release: building $platform ($target), log in $log" >&2
  # Rust's darwin programs link Apple's Security and CoreFoundation frameworks (the
  # system certificate store, through rustls-native-certs), which only the macOS SDK
  # has: zig ships no frameworks and the SDK cannot be installed on Linux from a
  # package registry. With SDKROOT naming a MacOSX.sdk (or on a Mac) they build.
  if [ "${platform%%_*}" = darwin ] && [ -z "${SDKROOT:-}" ] && ! command -v xcrun >/dev/null; then
    failures+=("$platform: needs the macOS SDK (Security and CoreFoundation frameworks): set SDKROOT to a MacOSX.sdk, or build on macOS")
    continue
  fi
  rustup target list --installed | grep -qx "$target" || rustup target add "$target" >>"$log" 2>&1 || {
    failures+=("$platform: rustup cannot add the $target standard library (see $log)")
    continue
  }
  # Symbols stripped too (the profile keeps them for `make bench` profiles); the C
  # runtime linked statically where the target can (musl does by default).
  rustflags=""
  [ "${platform%%_*}" = windows ] && rustflags="-C target-feature=+crt-static"
  if ! CARGO_PROFILE_RELEASE_STRIP=symbols RUSTFLAGS="$rustflags" \
    cargo zigbuild --release --locked --target "$target" --bin terraform-provider-nats >>"$log" 2>&1; then
    failures+=("$platform: the build failed: $(grep -m1 -E '^error' "$log" || tail -n1 "$log")")
    continue
  fi
  built="$target_dir/$target/release/terraform-provider-nats"
  [ "${platform%%_*}" = windows ] && built="$built.exe"
  described=$(file -b "$built")
  if ! grep -Eq "$(expected_file_type "$platform")" <<<"$described"; then
    failures+=("$platform: $built is not what $platform runs: $described")
    continue
  fi
  runner=$(runner_for "$platform")
  checked=$built
  if [ -n "$runner" ] && [ "${platform%%_*}" = windows ]; then
    checked=$(stage_for_wine "$runner" "$built") || {
      failures+=("$platform: could not prepare $built for Wine (bcryptprimitives stand-in)")
      continue
    }
  fi
  if [ -n "$runner" ]; then
    said=$($runner "$checked" -version 2>&1 || true)
    if ! [[ $said =~ ^terraform-provider-nats\ v?${version//./\\.}$ ]]; then
      failures+=("$platform: '$built -version' said '$said', expected 'terraform-provider-nats $version'")
      continue
    fi
    if ! said=$(check_handshake "$runner" "$checked" "$platform"); then
      failures+=("$platform: started as Terraform starts it, '$built' printed '$said' instead of a go-plugin handshake line")
      continue
    fi
  fi
  copy="dist/bin/$platform/$(basename "$built")"
  mkdir -p "$(dirname "$copy")" && cp "$built" "$copy"
  binaries+=("$platform=$copy")
  echo "release: $platform ok: $(stat -c %s "$copy") bytes, $described${runner:+, ran -version and the handshake}" >&2
done

# Wine's own background processes end with its server.
[ -z "$wine_used" ] || "$(dirname "$wine_used")/wineserver" -k 2>/dev/null || true
if [ ${#failures[@]} -gt 0 ]; then
  echo "release: NOT packaged, these platforms failed:" >&2
  printf '  %s\n' "${failures[@]}" >&2
  echo "release: fix them, or leave them out on purpose with PLATFORMS=\"...\"" >&2
  exit 1
fi
for platform in $ALL_PLATFORMS; do
  [[ " $PLATFORMS " == *" $platform "* ]] || echo "release: $platform left out (PLATFORMS)" >&2
done
scripts/release-package.sh dist/release "$version" "${binaries[@]}"
echo "release: v$version in dist/release:" >&2
ls -l dist/release >&2
