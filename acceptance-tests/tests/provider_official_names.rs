//! The official `nats-io/jetstream` provider's block works unchanged: `tls` PEM text
//! under `*_file_data`, `nkey` naming a seed file, `user` without `password` as a token,
//! `credential_data` without a warning, and `""` as "left out". Real terraform reading
//! the `nats_server` data source through real nats-servers that demand each.

use acceptance_tests::{write_test_pki, NatsServer, NatsServerBuilder, Terraform};

fn terraform(provider_block: &str) -> Terraform {
    let tf = Terraform::new().unwrap();
    tf.write_file(
        "main.tf",
        &format!(
            r#"
terraform {{
  required_providers {{
    nats = {{ source = "natsforge/nats" }}
  }}
}}

{provider_block}

data "nats_server" "this" {{}}

output "server_id" {{
  value = data.nats_server.this.server_id
}}
"#
        ),
    )
    .unwrap();
    tf
}

/// The server the provider reached, by its id (the plan must succeed).
fn connected_server_id(tf: &Terraform) -> String {
    tf.apply().unwrap();
    let outputs = tf.output_json().unwrap();
    outputs["server_id"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn server_id(server: &NatsServer) -> String {
    server.monitor_json("/varz").unwrap()["server_id"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// HCL heredoc holding a file's text, as `*_file_data = file(...)` would give.
fn heredoc(path: &std::path::Path) -> String {
    format!("<<-EOT\n{}EOT", std::fs::read_to_string(path).unwrap())
}

#[test]
fn official_tls_file_data_arguments_reach_a_server_that_verifies_clients() {
    let pki_dir = tempfile::tempdir().unwrap();
    let pki = write_test_pki(pki_dir.path());
    // allow_non_tls keeps the harness's plain readiness probe working; the provider
    // below asks for TLS, and the server asks it for a client certificate.
    let server = NatsServerBuilder::new()
        .extra(&format!(
            "tls {{ cert_file: \"{}\", key_file: \"{}\", ca_file: \"{}\", verify: true }}\nallow_non_tls: true",
            pki.server_cert.display(),
            pki.server_key.display(),
            pki.ca.display()
        ))
        .start()
        .unwrap();
    let block = format!(
        "provider \"nats\" {{\n  servers = \"{}\"\n  tls {{\n    ca_file_data   = {}\n    cert_file_data = {}\n    key_file_data  = {}\n  }}\n}}",
        server.client_url(),
        heredoc(&pki.ca),
        heredoc(&pki.client_cert),
        heredoc(&pki.client_key)
    );
    let tf = terraform(&block);
    assert_eq!(connected_server_id(&tf), server_id(&server));

    // Both spellings of one PEM: refused at plan, at the official name.
    let both = block.replace(
        "    ca_file_data",
        &format!(
            "    ca_pem         = {}\n    ca_file_data",
            heredoc(&pki.ca)
        ),
    );
    let tf = terraform(&both);
    let error = tf.expect_plan_error().unwrap();
    let text = flat(&error);
    assert!(
        text.contains("Conflicting TLS settings")
            && text.contains("`ca_file_data` is the official provider's name for `ca_pem`"),
        "{error}"
    );
    // Terraform points at the line of `ca_file_data` (a heredoc is not quoted).
    let main_tf = std::fs::read_to_string(tf.dir().join("main.tf")).unwrap();
    let line = main_tf
        .lines()
        .position(|l| l.trim_start().starts_with("ca_file_data"))
        .map(|index| index + 1)
        .unwrap();
    assert!(
        text.contains(&format!("on main.tf line {line}, in provider \"nats\"")),
        "line {line}: {error}"
    );
}

#[test]
fn nkey_names_a_seed_file_and_its_errors_name_the_file_not_the_seed() {
    let user = nkeys::KeyPair::new_user();
    let seed = user.seed().unwrap();
    let server = NatsServerBuilder::new()
        .extra(&format!(
            "authorization {{ users = [ {{ nkey: \"{}\" }} ] }}",
            user.public_key()
        ))
        .start()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let seed_file = dir.path().join("user.nk");
    std::fs::write(&seed_file, format!("{seed}\n")).unwrap();
    let block = |path: &str| {
        format!(
            "provider \"nats\" {{\n  servers = \"{}\"\n  nkey    = \"{path}\"\n}}",
            server.client_url()
        )
    };
    let tf = terraform(&block(seed_file.to_str().unwrap()));
    assert_eq!(connected_server_id(&tf), server_id(&server));

    // A file holding no seed: the error names the file and the argument, not the content.
    let wrong = dir.path().join("not-a-seed.txt");
    std::fs::write(&wrong, format!("almost {}\n", &seed[..20])).unwrap();
    let tf = terraform(&block(wrong.to_str().unwrap()));
    let error = tf.expect_plan_error().unwrap();
    let text = flat(&error);
    assert!(
        text.contains(&format!(
            "cannot read the nkey seed file {} named by nkey",
            wrong.display()
        )),
        "{error}"
    );
    assert!(error.contains("nkey    = "), "quotes the argument: {error}");
    assert!(!error.contains(&seed[..20]), "{error}");
}

#[test]
fn a_user_without_a_password_is_a_token_and_is_never_printed() {
    let server = NatsServerBuilder::new()
        .extra("authorization { token: \"s3cr3t-token\" }")
        .start()
        .unwrap();
    let block = |user: &str| {
        format!(
            "provider \"nats\" {{\n  servers = \"{}\"\n  user    = \"{user}\"\n}}",
            server.client_url()
        )
    };
    let tf = terraform(&block("s3cr3t-token"));
    assert_eq!(connected_server_id(&tf), server_id(&server));

    let tf = terraform(&block("wrong-token"));
    let error = tf.expect_plan_error().unwrap();
    let text = flat(&error);
    assert!(
        text.contains("refused the given token: authorization violation"),
        "{error}"
    );
    // The failure is the data source's read (Terraform quotes its block, not the
    // provider's): the token appears nowhere.
    assert!(!error.contains("wrong-token"), "{error}");
}

#[test]
fn empty_strings_count_as_left_out_and_credential_data_does_not_warn() {
    let server = NatsServerBuilder::new().start().unwrap();
    // A module passing its optional variables' "" defaults straight through.
    let block = format!(
        r#"provider "nats" {{
  servers          = "{}"
  credentials      = ""
  credential_data  = ""
  user             = ""
  password         = ""
  nkey             = ""
  token            = ""
  context          = ""
  jetstream_domain = ""
  tls {{
    ca_file      = ""
    ca_file_data = ""
  }}
}}"#,
        server.client_url()
    );
    let tf = terraform(&block);
    assert_eq!(connected_server_id(&tf), server_id(&server));

    let official = format!(
        "provider \"nats\" {{\n  servers         = \"{}\"\n  credential_data = \"\"\n}}",
        server.client_url()
    );
    let tf = terraform(&official);
    let validated = tf.run_ok(&["validate", "-no-color"]).unwrap();
    let all = format!("{}{}", validated.stdout, validated.stderr);
    assert!(!all.contains("Deprecated"), "{all}");
}
