#!/usr/bin/env bash
# Packages built provider binaries the way the Terraform Registry (and any registry
# speaking its protocol, such as HCP Terraform's private registry) expects a release:
#
#   OUT/terraform-provider-nats_<V>_<os>_<arch>.zip   one per platform, holding
#                                                      terraform-provider-nats_v<V> (.exe on windows)
#   OUT/terraform-provider-nats_<V>_manifest.json     the registry manifest (protocol 6.0)
#   OUT/terraform-provider-nats_<V>_SHA256SUMS        sha256 of every zip and the manifest
#   OUT/terraform-provider-nats_<V>_SHA256SUMS.sig    binary detached GPG signature of SHA256SUMS
#   OUT/mirror/registry.terraform.io/natsforge/nats/  the zips again, as a packed filesystem mirror
#
# Usage: scripts/release-package.sh OUT VERSION os_arch=BINARY [os_arch=BINARY ...]
#
# The signing key is the one GPG_FINGERPRINT names (the variable HashiCorp's provider
# publishing setup uses), from the keyring in GNUPGHOME or ~/.gnupg. The Registry
# accepts RSA and DSA keys only (Terraform's OpenPGP code does not verify every ECC
# kind), so the signature is verified here and a signature by another algorithm is
# refused. RELEASE_UNSIGNED=1 skips signing for a local build that will not be
# published; no .sig is written then, and the script says so.
#
# make release runs this on the cross-built binaries; the install_* acceptance tests
# run it on the debug binary with a throwaway key, so what they install through real
# `terraform init` is what this script produces.
set -euo pipefail

if [ $# -lt 3 ]; then
  echo "usage: $0 OUT VERSION os_arch=BINARY [os_arch=BINARY ...]" >&2
  exit 2
fi
out=$1 version=$2
shift 2
name="terraform-provider-nats_${version}"

if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "version '$version' is not semantic (MAJOR.MINOR.PATCH[-PRERELEASE])" >&2
  exit 2
fi
if [ "${RELEASE_UNSIGNED:-}" != 1 ] && [ -z "${GPG_FINGERPRINT:-}" ]; then
  echo "GPG_FINGERPRINT is not set: name the RSA key that signs the release" >&2
  echo "(or RELEASE_UNSIGNED=1 for a local build that will not be published)" >&2
  exit 2
fi

# Mixing two runs (a zip left from another version or platform set) would make
# SHA256SUMS and the mirror disagree with the files beside them.
if [ -d "$out" ] && [ -n "$(ls -A "$out")" ]; then
  echo "$out is not empty: package into a new directory" >&2
  exit 2
fi
mkdir -p "$out"
zips=()
for pair in "$@"; do
  platform=${pair%%=*} binary=${pair#*=}
  case $platform in
  linux_amd64 | linux_arm64 | darwin_amd64 | darwin_arm64 | windows_amd64 | windows_arm64) ;;
  *)
    echo "unknown platform '$platform' (expected os_arch, e.g. linux_amd64)" >&2
    exit 2
    ;;
  esac
  [ -f "$binary" ] || {
    echo "$platform: no binary at $binary" >&2
    exit 2
  }
  inner="terraform-provider-nats_v${version}"
  [ "${platform%%_*}" = windows ] && inner="$inner.exe"
  zip="${name}_${platform}.zip"
  # A fixed timestamp and mode make the zip depend on the binary only, so rebuilding
  # the same binary gives the same checksum.
  python3 - "$out/$zip" "$binary" "$inner" <<'PY'
import sys, zipfile
archive, binary, inner = sys.argv[1:]
info = zipfile.ZipInfo(inner, date_time=(2020, 1, 1, 0, 0, 0))
info.external_attr = 0o100755 << 16
info.compress_type = zipfile.ZIP_DEFLATED
with open(binary, "rb") as f, zipfile.ZipFile(archive, "w") as z:
    z.writestr(info, f.read())
PY
  zips+=("$zip")
done

printf '{\n  "version": 1,\n  "metadata": {\n    "protocol_versions": ["6.0"]\n  }\n}\n' \
  >"$out/${name}_manifest.json"
(cd "$out" && sha256sum "${zips[@]}" "${name}_manifest.json" >"${name}_SHA256SUMS")

sums="$out/${name}_SHA256SUMS"
rm -f "$sums.sig"
if [ "${RELEASE_UNSIGNED:-}" = 1 ]; then
  echo "RELEASE_UNSIGNED=1: $sums is not signed; a registry will refuse this release" >&2
else
  gpg --batch --yes --local-user "$GPG_FINGERPRINT" --detach-sign --output "$sums.sig" "$sums"
  # VALIDSIG's seventh field is the signing key's algorithm: 1 = RSA, 17 = DSA.
  status=$(gpg --batch --status-fd 1 --verify "$sums.sig" "$sums" 2>/dev/null) || {
    echo "the signature just made does not verify" >&2
    exit 1
  }
  algorithm=$(sed -n 's/^\[GNUPG:\] VALIDSIG \([^ ]* \)\{6\}\([0-9]*\) .*/\2/p' <<<"$status")
  case $algorithm in
  1 | 17) ;;
  *)
    rm -f "$sums.sig"
    echo "the key '$GPG_FINGERPRINT' signs with OpenPGP algorithm ${algorithm:-?}:" >&2
    echo "the Terraform Registry accepts RSA or DSA keys only (gpg --quick-gen-key NAME rsa4096 sign)" >&2
    exit 1
    ;;
  esac
fi

mirror="$out/mirror/registry.terraform.io/natsforge/nats"
mkdir -p "$mirror"
for zip in "${zips[@]}"; do cp "$out/$zip" "$mirror/"; done
echo "packaged ${zips[*]} in $out" >&2
