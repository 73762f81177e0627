//! Fault drill: one node of a three-node account-resolver cluster (full resolvers,
//! routed) is SIGKILLed while an apply pushes 20 accounts through node 1.
//!
//! Pushes after the kill fail naming the node that did not confirm (and only it).
//! State stays truthful: every account in state is held by the nodes that confirmed
//! it: an account whose push reached every node is held by all three (the killed
//! node's directory included), one whose push failed is recorded tainted, held by
//! the live nodes; no resolver holds an account state does not know. Once the node
//! is back, the next apply converges (the tainted accounts are replaced: the old JWTs
//! deleted everywhere, the new ones pushed) and every node holds every account's JWT.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use acceptance_tests::{
    block_on, creds_options, one_line, start_cluster, wait_until, NatsServer, NatsServerBuilder,
    OperatorSetup, Terraform, APP_ACCOUNT, SYSTEM_ACCOUNT,
};
use natsforge::nats::{connect, SystemApi};

const ACCOUNTS: usize = 20;
const CREATED_BEFORE_KILL: usize = 4;

fn config(node: &NatsServer, system_creds: &str) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    nats = {{ source = "natsforge/nats" }}
  }}
}}

provider "nats" {{
  servers            = "{}"
  system_credentials = "{system_creds}"
}}

variable "operator_seed" {{
  type      = string
  sensitive = true
}}

resource "nats_nkey_account" "team" {{
  count       = {ACCOUNTS}
  name        = "TEAM_${{count.index}}"
  issuer_seed = var.operator_seed
}}
"#,
        node.client_url()
    )
}

/// Names of the servers whose resolver answers a VARZ ping through `node`.
fn visible_servers(node: &NatsServer, system_creds: &str) -> Vec<String> {
    block_on(async {
        let Ok(client) = connect(&creds_options(node.client_url(), system_creds)).await else {
            return Vec::new();
        };
        let mut names: Vec<String> = SystemApi::new(client)
            .varz_all(Duration::from_millis(300))
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|reply| reply.server.name)
            .collect();
        names.sort();
        names
    })
}

fn jwt_file(node: &NatsServer, account: &str) -> PathBuf {
    node.dir().join("jwt").join(format!("{account}.jwt"))
}

/// The JWT `node`'s resolver directory holds for `account`, if any.
fn held(node: &NatsServer, account: &str) -> Option<String> {
    std::fs::read_to_string(jwt_file(node, account))
        .ok()
        .map(|text| text.trim().to_owned())
}

/// Every account `node`'s resolver directory holds.
fn accounts_held(node: &NatsServer) -> BTreeSet<String> {
    std::fs::read_dir(node.dir().join("jwt"))
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|entry| {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".jwt").map(str::to_owned)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An account as state holds it.
struct InState {
    public_key: String,
    jwt: String,
    tainted: bool,
}

fn accounts_in_state(tf: &Terraform) -> Vec<InState> {
    let state = tf.show_json().unwrap();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    resources
        .iter()
        .filter(|r| r["type"] == "nats_nkey_account")
        .map(|r| InState {
            public_key: r["values"]["public_key"].as_str().unwrap().to_owned(),
            jwt: r["values"]["jwt"].as_str().unwrap_or_default().to_owned(),
            tainted: r["tainted"] == true,
        })
        .collect()
}

#[test]
fn resolver_node_killed_during_pushes_then_back_and_converged() {
    let setup = OperatorSetup::new().unwrap();
    let resolver = setup.config_fragment_full_resolver("{{dir}}/jwt");
    let builders = (1..=3)
        .map(|i| {
            NatsServerBuilder::new()
                .server_name(&format!("n{i}"))
                .extra(&resolver)
        })
        .collect();
    let mut nodes = start_cluster("resolvers", builders).unwrap();
    let system_creds = std::fs::read_to_string(setup.system_creds_path()).unwrap();
    let formed = wait_until(Duration::from_secs(30), || {
        visible_servers(&nodes[0], &system_creds) == ["n1", "n2", "n3"]
    });
    assert!(formed, "the cluster did not form:\n{}", nodes[0].log());

    let seed = setup.operator_signing_key().seed().unwrap();
    let tf = Terraform::new()
        .unwrap()
        .with_env("TF_VAR_operator_seed", &seed);
    let creds_path = setup.system_creds_path().display().to_string();
    tf.write_file("main.tf", &config(&nodes[0], &creds_path))
        .unwrap();
    let apply = ["apply", "-auto-approve", "-input=false", "-no-color"];

    let started = Instant::now();
    let mut running = tf.spawn(&apply).unwrap();
    running
        .wait_for_lines(
            "Creation complete",
            CREATED_BEFORE_KILL,
            Duration::from_secs(180),
        )
        .unwrap();
    nodes[2].kill();
    let killed_at = started.elapsed();
    let failed = running.finish_with_error(Duration::from_secs(300)).unwrap();
    let failed_took = started.elapsed() - killed_at;
    let errors = one_line(&failed.stderr);
    assert!(
        errors.contains("server n3 did not confirm the update"),
        "the error names the node that is down: {errors}"
    );
    assert!(
        !errors.contains("server n1") && !errors.contains("server n2"),
        "only n3 is to blame: {errors}"
    );

    // Truthful: state holds every account some resolver holds; each account pushed
    // everywhere is on all three disks, each failed one is tainted and on n1 and n2.
    let in_state = accounts_in_state(&tf);
    assert_eq!(
        in_state.len(),
        ACCOUNTS,
        "every account was made and recorded"
    );
    let known: BTreeSet<String> = in_state.iter().map(|a| a.public_key.clone()).collect();
    let preloaded: BTreeSet<String> = [SYSTEM_ACCOUNT, APP_ACCOUNT]
        .iter()
        .map(|name| setup.account_public_key(name))
        .collect();
    for node in &nodes {
        let unknown: Vec<String> = accounts_held(node)
            .difference(&known)
            .filter(|key| !preloaded.contains(*key))
            .cloned()
            .collect();
        assert!(
            unknown.is_empty(),
            "a resolver holds accounts state does not know: {unknown:?}"
        );
    }
    let tainted = in_state.iter().filter(|a| a.tainted).count();
    assert!(
        tainted > 0 && tainted <= ACCOUNTS - CREATED_BEFORE_KILL,
        "{tainted} accounts failed"
    );
    for account in &in_state {
        let (live, down) = (&nodes[..2], &nodes[2]);
        for node in live {
            assert_eq!(
                held(node, &account.public_key).as_deref(),
                Some(account.jwt.as_str())
            );
        }
        if !account.tainted {
            assert_eq!(
                held(down, &account.public_key).as_deref(),
                Some(account.jwt.as_str()),
                "an account whose push succeeded was confirmed by n3"
            );
        }
    }

    // Back, the next apply converges and every node holds every account.
    nodes[2].restart().unwrap();
    let back = wait_until(Duration::from_secs(30), || {
        visible_servers(&nodes[0], &system_creds) == ["n1", "n2", "n3"]
    });
    assert!(back, "n3 did not rejoin:\n{}", nodes[2].log());
    let replaced: Vec<String> = in_state
        .iter()
        .filter(|a| a.tainted)
        .map(|a| a.public_key.clone())
        .collect();
    let converging = Instant::now();
    tf.run_ok(&apply).unwrap();
    let converged_took = converging.elapsed();
    let converged = accounts_in_state(&tf);
    assert_eq!(converged.len(), ACCOUNTS);
    for account in &converged {
        assert!(!account.tainted);
        for node in &nodes {
            assert_eq!(
                held(node, &account.public_key).as_deref(),
                Some(account.jwt.as_str()),
                "every node holds every account's JWT"
            );
        }
    }
    for old in &replaced {
        assert!(
            nodes.iter().all(|node| held(node, old).is_none()),
            "the replaced account {old} is deleted everywhere"
        );
    }
    tf.expect_no_changes().unwrap();
    eprintln!(
        "drill timings: kill after {killed_at:?}, apply failed {failed_took:?} after the kill \
         ({tainted} of {ACCOUNTS} pushes failed), converging apply {converged_took:?}"
    );

    tf.destroy().unwrap();
    for account in &converged {
        let gone = wait_until(Duration::from_secs(5), || {
            nodes
                .iter()
                .all(|node| held(node, &account.public_key).is_none())
        });
        assert!(gone, "destroy removed {} everywhere", account.public_key);
    }
}
