//! 100 accounts, one user each, pushed to a full account resolver with the provider's
//! system credentials, next to the same configuration without them (nothing sent):
//! what pushing costs on apply and on destroy.

use acceptance_tests::{NatsServer, NatsServerBuilder, Terraform, FULL_RESOLVER_TRUST as TRUST};

use crate::report::{ratio, timed, BenchResult, Report};

const ACCOUNTS: usize = 100;

const REQUIRED: &str = r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
}
"#;

fn accounts_config(server: &NatsServer, pushed: bool) -> String {
    let credentials = if pushed {
        "  system_credentials = \"${path.module}/system.creds\"\n"
    } else {
        ""
    };
    format!(
        r#"{REQUIRED}
provider "nats" {{
  servers = "{url}"
{credentials}}}

variable "operator_seed" {{
  type      = string
  sensitive = true
}}

resource "nats_nkey_account" "a" {{
  count       = {ACCOUNTS}
  name        = "A${{count.index}}"
  issuer_seed = var.operator_seed
}}

resource "nats_nkey_user" "u" {{
  count       = {ACCOUNTS}
  name        = "u${{count.index}}"
  issuer_seed = nats_nkey_account.a[count.index].seed
}}
"#,
        url = server.client_url()
    )
}

fn output(tf: &Terraform, name: &str) -> BenchResult<String> {
    let outputs = tf.output_json()?;
    outputs[name]["value"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("output {name} missing").into())
}

/// Applies and destroys the accounts `runs` times each way, alternating.
pub fn pushed_vs_offline(report: &mut Report, runs: usize) -> BenchResult<()> {
    let trust = Terraform::new()?;
    trust.write_file("main.tf", &format!("{REQUIRED}{TRUST}"))?;
    trust.apply()?;
    let server = NatsServerBuilder::new()
        .extra(&output(&trust, "server_config")?)
        .start()?;
    let seed = output(&trust, "operator_seed")?;
    let workspace = |pushed: bool| -> BenchResult<Terraform> {
        let tf = Terraform::new()?.with_env("TF_VAR_operator_seed", &seed);
        tf.write_file("system.creds", &output(&trust, "system_creds")?)?;
        tf.write_file("main.tf", &accounts_config(&server, pushed))?;
        Ok(tf)
    };
    let (pushed, offline) = (workspace(true)?, workspace(false)?);

    let mut times: [Vec<_>; 4] = Default::default();
    for _ in 0..runs {
        for (tf, slot) in [(&pushed, 0), (&offline, 2)] {
            times[slot].push(timed(|| {
                tf.apply()?;
                Ok(())
            })?);
            times[slot + 1].push(timed(|| {
                tf.destroy()?;
                Ok(())
            })?);
        }
    }
    let [pushed_apply, pushed_destroy, offline_apply, offline_destroy] = times;
    report.figure(format!(
        "{ACCOUNTS} accounts + users pushed / offline (medians): apply {:.2}x, destroy {:.2}x",
        ratio(&pushed_apply, &offline_apply),
        ratio(&pushed_destroy, &offline_destroy)
    ));
    report.row(format!("apply {ACCOUNTS} accounts pushed"), pushed_apply);
    report.row(format!("apply {ACCOUNTS} accounts offline"), offline_apply);
    report.row(
        format!("destroy {ACCOUNTS} accounts pushed"),
        pushed_destroy,
    );
    report.row(
        format!("destroy {ACCOUNTS} accounts offline"),
        offline_destroy,
    );
    Ok(())
}
