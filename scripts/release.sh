#!/usr/bin/env bash
# Builds the statically linked linux_amd64 provider (musl) that HCP Terraform and other
# remote Linux runners can run whatever their libc, and packages it the way the
# Terraform Registry and a `filesystem_mirror` expect:
#   dist/terraform-provider-nats_<v>_linux_amd64.zip   (holds terraform-provider-nats_v<v>)
#   dist/terraform-provider-nats_<v>_SHA256SUMS
#   dist/terraform-provider-nats_<v>_manifest.json     (terraform-registry-manifest.json)
#   dist/mirror/registry.terraform.io/natsforge/nats/  (packed mirror layout, same zip)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

target=x86_64-unknown-linux-musl
version=$(cargo metadata --no-deps --format-version 1 |
  python3 -c 'import json,sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "terraform-provider-nats"))')

rustup target list --installed | grep -qx "$target" || rustup target add "$target"
# aws-lc (TLS, for Terraform's P-521 certificate) is C code: it needs a musl C compiler.
if ! command -v musl-gcc >/dev/null 2>&1; then
  echo "musl-gcc not found: installing Debian's musl-tools" >&2
  apt-get install -y -q musl-tools >&2 || { echo "install musl-tools (musl-gcc) and retry" >&2; exit 1; }
fi
cargo build --release --locked --target "$target" --bin terraform-provider-nats
target_dir=${CARGO_TARGET_DIR:-target}

rm -rf dist
# Signed when GPG_FINGERPRINT names a key, as before unsigned otherwise.
[ -n "${GPG_FINGERPRINT:-}" ] || export RELEASE_UNSIGNED=1
scripts/release-package.sh dist "$version" \
  "linux_amd64=$target_dir/$target/release/terraform-provider-nats"
echo "built $(ls dist/*.zip) (static, linux_amd64) and a filesystem mirror under dist/mirror"
