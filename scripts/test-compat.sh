#!/usr/bin/env bash
# make test-compat: a representative subset of the acceptance tests against older
# Terraform and nats-server lines, installed side by side by scripts/install-tools.sh.
#
# The matrix is two axes that meet at the pinned newest pair: every Terraform line
# with the newest nats-server, and every nats-server line with the newest Terraform.
# A test that needs a feature a version genuinely lacks is not run there; the table
# below names the feature, and the results say "skipped" with that reason.
#
# Results: .tools/compat/results.tsv (one line per test and pair) and the table in
# README.md between the compat-matrix markers, rewritten from this run.
# TERRAFORM_VERSIONS / NATS_SERVER_VERSIONS narrow the run (the README is then left
# alone, since it documents the whole matrix).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

ALL_TERRAFORM="1.6.6 1.9.8 1.11.4 1.13.5 1.14.9 1.15.5"
ALL_NATS_SERVER="2.10.26 2.11.11 2.12.8 2.14.6 2.15.1"
TERRAFORM_VERSIONS=${TERRAFORM_VERSIONS:-$ALL_TERRAFORM}
NATS_SERVER_VERSIONS=${NATS_SERVER_VERSIONS:-$ALL_NATS_SERVER}
NEWEST_TERRAFORM=${ALL_TERRAFORM##* }
NEWEST_NATS_SERVER=${ALL_NATS_SERVER##* }
THREADS=${ACCEPTANCE_THREADS:-4}

# The subset: "test-binary test-name", one per line.
SUBSET="
jetstream_stream lifecycle_create_converge_update_replace_destroy
jetstream_consumer pull_consumer_lifecycle
jetstream_kv bucket_lifecycle_create_converge_update_replace_destroy
auth_live push_change_drift_and_delete
leafnode_live reload_over_sys_keeps_the_leaf_connected_and_drift_shows
hub_leaf_demo messages_published_on_the_hub_arrive_in_the_leaf_stream
install_registry init_verifies_the_signature_and_checksums_then_plans_and_applies
"

# Features some versions lack: "test-binary test-name tool minimum reason".
NEEDS="
jetstream_kv bucket_lifecycle_create_converge_update_replace_destroy nats-server 2.11.0 the test sets 'limit_marker_ttl', refused at plan on an older server, naming the version it needs
jetstream_consumer pull_consumer_lifecycle nats-server 2.11.0 the test sets 'priority_policy', refused at plan on an older server, naming the version it needs
"

# Failures understood, with whose they are: "test-binary terraform-glob server-glob reason".
# They still count as failures; the reason goes into the table instead of the log path.
KNOWN_FAILURES="
hub_leaf_demo 1.9.* * Terraform bug: the demo's report step runs 'apply -refresh-only', which 1.9 refuses when only outputs change (hashicorp/terraform#35806, fixed in 1.10)
"

# Prints the known reason for a failure, or nothing.
known_failure() {
  local binary=$1 terraform=$2 server=$3 b tf_glob server_glob reason
  while read -r b tf_glob server_glob reason; do
    # shellcheck disable=SC2053 # the patterns are globs on purpose
    [ "$b" = "$binary" ] && [[ $terraform == $tf_glob ]] && [[ $server == $server_glob ]] &&
      echo "$reason" && return
  done <<<"$KNOWN_FAILURES"
}

version_at_least() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

# Prints the reason a test cannot run on this pair, or nothing.
skip_reason() {
  local binary=$1 test=$2 terraform=$3 server=$4 b t tool minimum reason have
  while read -r b t tool minimum reason; do
    [ "$b" = "$binary" ] && [ "$t" = "$test" ] || continue
    case $tool in terraform) have=$terraform ;; *) have=$server ;; esac
    version_at_least "$have" "$minimum" || {
      echo "$reason (needs $tool $minimum)"
      return
    }
  done <<<"$NEEDS"
}

pairs=()
for terraform in $TERRAFORM_VERSIONS; do pairs+=("$terraform $NEWEST_NATS_SERVER"); done
for server in $NATS_SERVER_VERSIONS; do
  [ "$server" = "$NEWEST_NATS_SERVER" ] && [[ " $TERRAFORM_VERSIONS " == *" $NEWEST_TERRAFORM "* ]] && continue
  pairs+=("$NEWEST_TERRAFORM $server")
done

cargo build --bin terraform-provider-nats
provider="${CARGO_TARGET_DIR:-$PWD/target}/debug/terraform-provider-nats"
out=.tools/compat
mkdir -p "$out"
results="$out/results.tsv"
printf 'terraform\tnats_server\ttest\tresult\tdetail\n' >"$results"
started=$(date +%s)
failed=0
for pair in "${pairs[@]}"; do
  read -r terraform server <<<"$pair"
  tf_bin=$(scripts/install-tools.sh terraform "$terraform")
  ns_bin=$(scripts/install-tools.sh nats-server "$server")
  filter=()
  while read -r binary test; do
    [ -n "$binary" ] || continue
    reason=$(skip_reason "$binary" "$test" "$terraform" "$server")
    if [ -n "$reason" ]; then
      printf '%s\t%s\t%s::%s\tskipped\t%s\n' "$terraform" "$server" "$binary" "$test" "$reason" >>"$results"
    else
      filter+=("(binary(=$binary) and test(=$test))")
    fi
  done <<<"$SUBSET"
  [ ${#filter[@]} -gt 0 ] || continue
  expression=$(printf ' or %s' "${filter[@]}")
  expression=${expression# or }
  log="$out/terraform-$terraform-nats-server-$server.log"
  echo "compat: terraform $terraform, nats-server $server (log: $log)" >&2
  TF_ACC_TERRAFORM_PATH=$tf_bin NATS_SERVER_BIN=$ns_bin NATSFORGE_PROVIDER_BIN=$provider \
    cargo nextest run -p acceptance-tests --no-fail-fast --test-threads "$THREADS" \
    -E "$expression" >"$log" 2>&1 || true
  # nextest's status lines: "PASS [ 1.2s] (1/7) acceptance-tests::binary test".
  while read -r binary test; do
    [ -n "$binary" ] || continue
    [[ " ${filter[*]} " == *"(binary(=$binary) and test(=$test))"* ]] || continue
    status=$(grep -E "^ *[A-Z]+ +\[.*\] +\([0-9]+/[0-9]+\) acceptance-tests::$binary $test\$" "$log" |
      tail -n1 | awk '{print $1}')
    case $status in
    PASS) result=passed ;;
    "") result=failed status="did not run (see the log)" ;;
    *) result=failed ;;
    esac
    detail=""
    if [ "$result" = failed ]; then
      failed=$((failed + 1))
      detail=$(known_failure "$binary" "$terraform" "$server")
      detail="${detail:-$status, see $log}"
    fi
    printf '%s\t%s\t%s::%s\t%s\t%s\n' "$terraform" "$server" "$binary" "$test" "$result" \
      "$detail" >>"$results"
  done <<<"$SUBSET"
done
elapsed=$(($(date +%s) - started))

python3 scripts/compat-table.py "$results" "$elapsed" \
  "$([ "$TERRAFORM_VERSIONS" = "$ALL_TERRAFORM" ] && [ "$NATS_SERVER_VERSIONS" = "$ALL_NATS_SERVER" ] && echo README.md)"
echo "compat: $failed failed, $elapsed s; results in $results" >&2
[ "$failed" = 0 ]
