#!/usr/bin/env bash
# `make demo` / `make demo-down`: the hub-and-leaf tutorial from examples/hub-leaf,
# declaratively, in .demo/.
#
#   scripts/demo.sh up     stop earlier demo servers; apply identities/ (operators, accounts,
#                          users, both server configs); start hub and leaf nats-server on
#                          those files; apply streams/; publish jobs on the hub with the
#                          nats_publish action of jobs/ and watch them arrive on the leaf;
#                          stop the leaf, publish more, restart it and watch it catch up
#   scripts/demo.sh down   stop the demo servers (state, configs and stores stay in .demo/)
#
# Needs (exported by the Makefile): TF_ACC_TERRAFORM_PATH, NATS_SERVER_BIN for `up`,
# and PROVIDER_DIR, the directory holding the built terraform-provider-nats. Everything
# talks to NATS through Terraform and the provider; the script only starts servers.
# Ports are not the NATS defaults, so a developer's own servers are untouched.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO="$ROOT/.demo"
SERVERS="$DEMO/servers"
BASE="${DEMO_PORT_BASE:-14200}"
HUB_PORT=$((BASE + 22)) HUB_LEAF_PORT=$((BASE + 42)) HUB_HTTP_PORT=$((BASE + 82))
LEAF_PORT=$((BASE + 23)) LEAF_HTTP_PORT=$((BASE + 83))
JOBS="${DEMO_MESSAGES:-5}"

say() { echo "demo: $*"; }

# Stops the server named in a pid file, but only if that pid still is a nats-server
# (after a reboot the number may belong to something else).
stop() {
  local pid_file="$DEMO/$1.pid" pid
  [ -f "$pid_file" ] || return 0
  pid="$(cat "$pid_file")"
  if [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q nats-server; then
    say "stopping demo $1 nats-server (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
}

down() {
  stop leaf
  stop hub
  # The server of the earlier single-server demo, if one is still running.
  stop nats-server
}

port_answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# GET a monitoring endpoint without needing curl.
http_get() {
  local port="$1" path="$2"
  (
    exec 3<>"/dev/tcp/127.0.0.1/$port"
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$path" >&3
    cat <&3
  ) 2>/dev/null
}

start_server() {
  local name="$1" port="$2"
  say "starting $name nats-server from .demo/servers/$name.conf (log: .demo/$name.log)"
  # setsid: the server belongs to no terminal or make job, and outlives this script.
  setsid "$NATS_SERVER_BIN" -c "$SERVERS/$name.conf" >"$DEMO/$name.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid" >"$DEMO/$name.pid"
  for _ in $(seq 100); do
    port_answers "$port" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  say "$name nats-server did not start; its log:"
  cat "$DEMO/$name.log"
  exit 1
}

# Waits until the hub sees `$1` leaf node connections.
wait_for_leafnodes() {
  local want="$1"
  for _ in $(seq 150); do
    if http_get "$HUB_HTTP_PORT" /leafz | grep -q "\"leafnodes\": *$want"; then
      return 0
    fi
    sleep 0.1
  done
  return 1
}

# One count from the report: $1 = hub|leaf, $2 = the report as JSON.
report_count() {
  sed -n "s/.*\"$1\":{[^}]*\"messages\":\([0-9]*\).*/\1/p" <<<"$(tr -d ' \n' <<<"$2")"
}

up() {
  : "${TF_ACC_TERRAFORM_PATH:?run through make (make demo)}"
  : "${NATS_SERVER_BIN:?run through make (make demo)}"
  : "${PROVIDER_DIR:?run through make (make demo)}"
  down
  for port in "$HUB_PORT" "$HUB_LEAF_PORT" "$HUB_HTTP_PORT" "$LEAF_PORT" "$LEAF_HTTP_PORT"; do
    if port_answers "$port"; then
      say "port $port is taken by another program; move the demo with DEMO_PORT_BASE=..."
      exit 1
    fi
  done
  umask 077
  mkdir -p "$SERVERS" "$DEMO/identities" "$DEMO/streams" "$DEMO/jobs"
  cat >"$DEMO/terraform.tfrc" <<EOF
# Written by scripts/demo.sh: load natsforge from the local build instead of a registry.
provider_installation {
  dev_overrides {
    "registry.terraform.io/natsforge/nats" = "$PROVIDER_DIR"
  }
  direct {}
}
EOF
  # Fresh copies of the example each time; state files from an earlier run stay.
  for stage in identities streams jobs; do
    find "$DEMO/$stage" -maxdepth 1 -name '*.tf' -delete
    cp "$ROOT/examples/hub-leaf/$stage"/*.tf "$DEMO/$stage/"
  done
  export TF_CLI_CONFIG_FILE="$DEMO/terraform.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
  terraform() { "$TF_ACC_TERRAFORM_PATH" "$@"; }

  say "stage one: identities and server configurations"
  terraform -chdir="$DEMO/identities" apply -auto-approve -input=false -compact-warnings \
    -var "config_dir=$SERVERS" -var "hub_port=$HUB_PORT" -var "hub_leafnode_port=$HUB_LEAF_PORT" \
    -var "hub_monitor_port=$HUB_HTTP_PORT" -var "leaf_port=$LEAF_PORT" -var "leaf_monitor_port=$LEAF_HTTP_PORT" \
    >"$DEMO/identities.log" || {
    cat "$DEMO/identities.log"
    exit 1
  }
  terraform -chdir="$DEMO/identities" output -raw hub_admin_creds >"$DEMO/hub-admin.creds"
  terraform -chdir="$DEMO/identities" output -raw leaf_admin_creds >"$DEMO/leaf-admin.creds"

  start_server hub "$HUB_PORT"
  start_server leaf "$LEAF_PORT"
  wait_for_leafnodes 1 || {
    say "the leaf did not connect to the hub; the leaf's log:"
    cat "$DEMO/leaf.log"
    exit 1
  }
  say "the leaf is connected to the hub"

  # terraform in stage $1 (streams, jobs), reading stage one's outputs.
  in_stage() {
    local stage="$1"
    shift
    terraform -chdir="$DEMO/$stage" "$@" -input=false -no-color -compact-warnings \
      -var "identities_state=$DEMO/identities/terraform.tfstate"
  }
  say "stage two: streams and consumer (terraform apply in .demo/streams)"
  in_stage streams apply -auto-approve >"$DEMO/streams.log" || {
    cat "$DEMO/streams.log"
    exit 1
  }
  # The plan and apply summary, as the tutorial shows it.
  grep -E '^(Plan:|No changes\.|Apply complete!|nats_[a-z_]+\.[a-z_]+: (Creat|Modif|Destr)[a-z]* complete)' "$DEMO/streams.log" | sed 's/^/  /'

  # Publishes batch $1 on the hub with the nats_publish action of stage three (jobs);
  # shows its progress.
  publish() {
    say "stage three: terraform apply -invoke=action.nats_publish.jobs -var batch=$1 (in .demo/jobs)"
    in_stage jobs apply -auto-approve -invoke=action.nats_publish.jobs -var "batch=$1" \
      -var "jobs_per_batch=$JOBS" >"$DEMO/publish.log" || {
      cat "$DEMO/publish.log"
      exit 1
    }
    grep -E 'action\.nats_publish\.jobs|Apply complete' "$DEMO/publish.log" | sed 's/^/  /'
  }
  # Reads the streams again (a plain apply: nothing else is pending) until the leaf's
  # copy holds every message of the hub's stream, then prints the report.
  report() {
    local report="" hub_count leaf_count
    for _ in $(seq 50); do
      in_stage streams apply -auto-approve >/dev/null
      report="$(terraform -chdir="$DEMO/streams" output -json report)"
      hub_count="$(report_count hub "$report")" leaf_count="$(report_count leaf "$report")"
      [ -n "$hub_count" ] && [ "$hub_count" = "$leaf_count" ] && break
      sleep 0.2
    done
    echo
    terraform -chdir="$DEMO/streams" output -raw report_table | sed 's/^/  /'
    echo
  }

  publish 1
  say "the jobs arrive in the leaf's QUEUE while the leaf is connected:"
  report

  stop leaf
  wait_for_leafnodes 0 || say "the hub still lists the leaf"
  say "the leaf is down; the hub keeps taking jobs"
  publish 2
  start_server leaf "$LEAF_PORT"
  wait_for_leafnodes 1 || {
    say "the leaf did not reconnect; its log:"
    cat "$DEMO/leaf.log"
    exit 1
  }
  say "the leaf is back and catches up from the hub:"
  report
  echo
  say "hub:  nats://127.0.0.1:$HUB_PORT (monitoring http://127.0.0.1:$HUB_HTTP_PORT), creds .demo/hub-admin.creds"
  say "leaf: nats://127.0.0.1:$LEAF_PORT (monitoring http://127.0.0.1:$LEAF_HTTP_PORT), creds .demo/leaf-admin.creds"
  say "configurations: .demo/servers/{hub,leaf}.conf; terraform: .demo/{identities,streams,jobs} (TF_CLI_CONFIG_FILE=.demo/terraform.tfrc)"
  say "more jobs: terraform -chdir=.demo/jobs apply -invoke=action.nats_publish.jobs -var batch=3 (with TF_CLI_CONFIG_FILE set)"
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
