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
# machine can run it, asked for its version. A platform that fails to build or check
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
  local host_platform
  host_platform="$(uname -s | tr '[:upper:]' '[:lower:]')_$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')"
  if [ "$1" = "$host_platform" ]; then
    echo exec
  elif [ "$1" = linux_arm64 ] && command -v qemu-aarch64-static >/dev/null; then
    echo qemu-aarch64-static
  fi
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
  if [ -n "$runner" ]; then
    said=$($runner "$built" -version 2>&1 || true)
    if ! [[ $said =~ ^terraform-provider-nats\ v?${version//./\\.}$ ]]; then
      failures+=("$platform: '$built -version' said '$said', expected 'terraform-provider-nats $version'")
      continue
    fi
  fi
  copy="dist/bin/$platform/$(basename "$built")"
  mkdir -p "$(dirname "$copy")" && cp "$built" "$copy"
  binaries+=("$platform=$copy")
  echo "release: $platform ok: $(stat -c %s "$copy") bytes, $described${runner:+, ran -version}" >&2
done

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
