#!/usr/bin/env bash
# `make demo` / `make demo-down`: the hub-and-leaf tutorial from examples/hub-leaf,
# declaratively, in .demo/.
#
#   scripts/demo.sh up     stop earlier demo servers; apply identities/ (operators, accounts,
#                          users, both server configs); start hub and leaf nats-server on
#                          those files; apply streams/; publish on the hub; report
#   scripts/demo.sh down   stop the demo servers (state, configs and stores stay in .demo/)
#
# Needs (exported by the Makefile): TF_ACC_TERRAFORM_PATH, NATS_SERVER_BIN for `up`,
# and PROVIDER_DIR, the directory holding the built terraform-provider-nats.
# Publishing uses openssl (Ed25519) to answer the hub's login challenge.
# Ports are not the NATS defaults, so a developer's own servers are untouched.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEMO="$ROOT/.demo"
SERVERS="$DEMO/servers"
BASE="${DEMO_PORT_BASE:-14200}"
HUB_PORT=$((BASE + 22)) HUB_LEAF_PORT=$((BASE + 42)) HUB_HTTP_PORT=$((BASE + 82))
LEAF_PORT=$((BASE + 23)) LEAF_HTTP_PORT=$((BASE + 83))
MESSAGES="${DEMO_MESSAGES:-5}"

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

# Publishes $MESSAGES messages on the hub as the hub admin: the NATS protocol over
# bash's /dev/tcp, the server's nonce signed with the user's seed by openssl.
publish() {
  local creds="$1" port="$2" subject="$3"
  local jwt seed key_file nonce_file info nonce sig reply i
  jwt="$(awk '/BEGIN NATS USER JWT/{getline; print; exit}' "$creds")"
  seed="$(awk '/BEGIN USER NKEY SEED/{getline; print; exit}' "$creds")"
  key_file="$(mktemp "$DEMO/key.XXXXXX")" nonce_file="$(mktemp "$DEMO/nonce.XXXXXX")"
  # An nkey seed is base32(2 prefix bytes, the 32-byte Ed25519 seed, CRC16); PKCS#8
  # wraps the 32 bytes behind a fixed 16-byte header.
  {
    echo "-----BEGIN PRIVATE KEY-----"
    {
      printf '\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x70\x04\x22\x04\x20'
      printf '%s========' "$seed" | head -c 64 | base32 -d 2>/dev/null | tail -c +3 | head -c 32
    } | base64 -w0
    echo
    echo "-----END PRIVATE KEY-----"
  } >"$key_file"
  seed=""
  exec 3<>"/dev/tcp/127.0.0.1/$port"
  IFS= read -r info <&3
  nonce="$(printf '%s' "$info" | sed -n 's/.*"nonce":"\([^"]*\)".*/\1/p')"
  printf '%s' "$nonce" >"$nonce_file"
  sig="$(openssl pkeyutl -sign -inkey "$key_file" -rawin -in "$nonce_file" | base64 -w0 | tr '+/' '-_' | tr -d '=')"
  rm -f "$key_file" "$nonce_file"
  printf 'CONNECT {"verbose":false,"pedantic":false,"protocol":1,"name":"demo","jwt":"%s","sig":"%s"}\r\n' "$jwt" "$sig" >&3
  for i in $(seq "$MESSAGES"); do
    local payload="job $i from make demo"
    printf 'PUB %s.%d %d\r\n%s\r\n' "$subject" "$i" "${#payload}" "$payload" >&3
  done
  printf 'PING\r\n' >&3
  while IFS= read -r -t 10 reply <&3; do
    case "$reply" in
    PONG*) break ;;
    -ERR*)
      say "the hub refused: $reply"
      exec 3>&-
      exit 1
      ;;
    esac
  done
  exec 3>&-
  say "published $MESSAGES messages on $subject.* at the hub"
}

up() {
  : "${TF_ACC_TERRAFORM_PATH:?run through make (make demo)}"
  : "${NATS_SERVER_BIN:?run through make (make demo)}"
  : "${PROVIDER_DIR:?run through make (make demo)}"
  command -v openssl >/dev/null || {
    say "openssl is needed to publish the demo messages"
    exit 1
  }
  down
  for port in "$HUB_PORT" "$HUB_LEAF_PORT" "$HUB_HTTP_PORT" "$LEAF_PORT" "$LEAF_HTTP_PORT"; do
    if port_answers "$port"; then
      say "port $port is taken by another program; move the demo with DEMO_PORT_BASE=..."
      exit 1
    fi
  done
  umask 077
  mkdir -p "$SERVERS" "$DEMO/identities" "$DEMO/streams"
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
  for stage in identities streams; do
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
  local joined=""
  for _ in $(seq 100); do
    if http_get "$HUB_HTTP_PORT" /leafz | grep -q '"leafnodes": *1'; then
      joined=yes
      break
    fi
    sleep 0.1
  done
  if [ -z "$joined" ]; then
    say "the leaf did not connect to the hub; the leaf's log:"
    cat "$DEMO/leaf.log"
    exit 1
  fi
  say "the leaf is connected to the hub"

  say "stage two: streams and consumer"
  terraform -chdir="$DEMO/streams" apply -auto-approve -input=false -compact-warnings \
    -var "identities_state=$DEMO/identities/terraform.tfstate" >"$DEMO/streams.log" || {
    cat "$DEMO/streams.log"
    exit 1
  }

  publish "$DEMO/hub-admin.creds" "$HUB_PORT" QUEUE.job
  # Give sourcing a moment, then read the streams again.
  local report=""
  for _ in $(seq 50); do
    terraform -chdir="$DEMO/streams" apply -refresh-only -auto-approve -input=false \
      -var "identities_state=$DEMO/identities/terraform.tfstate" >/dev/null
    report="$(terraform -chdir="$DEMO/streams" output -json report)"
    # Done when the leaf's copy holds every message of the hub's stream.
    local compact hub_count leaf_count
    compact="$(tr -d ' \n' <<<"$report")"
    hub_count="$(sed -n 's/.*"hub":{[^}]*"messages":\([0-9]*\).*/\1/p' <<<"$compact")"
    leaf_count="$(sed -n 's/.*"leaf":{[^}]*"messages":\([0-9]*\).*/\1/p' <<<"$compact")"
    [ -n "$hub_count" ] && [ "$hub_count" = "$leaf_count" ] && break
    sleep 0.2
  done
  echo
  echo "Stream report (stream, domain, messages, bytes, source lag):"
  terraform -chdir="$DEMO/streams" output report
  echo
  say "hub:  nats://127.0.0.1:$HUB_PORT (monitoring http://127.0.0.1:$HUB_HTTP_PORT), creds .demo/hub-admin.creds"
  say "leaf: nats://127.0.0.1:$LEAF_PORT (monitoring http://127.0.0.1:$LEAF_HTTP_PORT), creds .demo/leaf-admin.creds"
  say "configurations: .demo/servers/{hub,leaf}.conf; terraform: .demo/{identities,streams} (TF_CLI_CONFIG_FILE=.demo/terraform.tfrc)"
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
