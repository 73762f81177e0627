#!/usr/bin/env bash
# `make demo` / `make demo-down`: a local JetStream nats-server in .demo/ and
# examples/demo applied against it through the freshly built provider.
#
#   scripts/demo.sh up     stop any earlier demo server, start a new one, apply, show outputs
#   scripts/demo.sh down   stop the demo server (state and JetStream store stay in .demo/)
#
# Needs (exported by the Makefile): TF_ACC_TERRAFORM_PATH, NATS_SERVER_BIN for `up`,
# and PROVIDER_DIR, the directory holding the built terraform-provider-nats.
# Ports are not the NATS defaults, so a developer's own server on 4222/8222 is untouched.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO="$ROOT/.demo"
PID_FILE="$DEMO/nats-server.pid"
CLIENT_PORT="${DEMO_PORT:-14222}"
MONITOR_PORT="${DEMO_MONITOR_PORT:-18222}"
NATS_URL="nats://127.0.0.1:$CLIENT_PORT"

say() { echo "demo: $*"; }

# Stops the server named in the pid file, but only if that pid still is a nats-server
# (after a reboot the number may belong to something else).
down() {
  [ -f "$PID_FILE" ] || return 0
  local pid
  pid="$(cat "$PID_FILE")"
  if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q nats-server; then
    say "stopping demo nats-server (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
}

port_answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

up() {
  : "${TF_ACC_TERRAFORM_PATH:?run through make (make demo)}"
  : "${NATS_SERVER_BIN:?run through make (make demo)}"
  : "${PROVIDER_DIR:?run through make (make demo)}"
  down
  if port_answers "$CLIENT_PORT"; then
    say "port $CLIENT_PORT is taken by another program; choose another with DEMO_PORT=..."
    exit 1
  fi

  mkdir -p "$DEMO/store" "$DEMO/work"
  cat >"$DEMO/nats-server.conf" <<EOF
# Written by scripts/demo.sh; rewritten on every \`make demo\`.
server_name: "demo"
listen: "127.0.0.1:$CLIENT_PORT"
http: "127.0.0.1:$MONITOR_PORT"
pid_file: "$PID_FILE"
jetstream {
  store_dir: "$DEMO/store"
  domain: "demo"
}
EOF
  say "starting nats-server on $NATS_URL (log: .demo/nats-server.log)"
  # setsid: the server belongs to no terminal or make job, and outlives this script.
  setsid "$NATS_SERVER_BIN" -c "$DEMO/nats-server.conf" >"$DEMO/nats-server.log" 2>&1 </dev/null &
  local server=$!
  for _ in $(seq 100); do
    port_answers "$CLIENT_PORT" && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.1
  done
  if ! port_answers "$CLIENT_PORT"; then
    say "nats-server did not start; its log:"
    cat "$DEMO/nats-server.log"
    exit 1
  fi

  cat >"$DEMO/terraform.tfrc" <<EOF
# Written by scripts/demo.sh: load natsforge from the local build instead of a registry.
provider_installation {
  dev_overrides {
    "registry.terraform.io/natsforge/nats" = "$PROVIDER_DIR"
  }
  direct {}
}
EOF
  # A fresh copy of the example each time; the state file from an earlier run stays.
  find "$DEMO/work" -maxdepth 1 -name '*.tf' -delete
  cp "$ROOT"/examples/demo/*.tf "$DEMO/work/"

  export TF_CLI_CONFIG_FILE="$DEMO/terraform.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
  terraform() { "$TF_ACC_TERRAFORM_PATH" -chdir="$DEMO/work" "$@"; }
  # apply ends by printing the outputs.
  terraform apply -auto-approve -input=false -compact-warnings -var "nats_url=$NATS_URL"
  echo
  say "nats-server is running at $NATS_URL (monitoring: http://127.0.0.1:$MONITOR_PORT)"
  say "terraform working directory: .demo/work (TF_CLI_CONFIG_FILE=.demo/terraform.tfrc)"
  say "stop it with: make demo-down"
}

case "${1:-}" in
up) up ;;
down) down ;;
*)
  echo "usage: $0 up|down" >&2
  exit 2
  ;;
esac
