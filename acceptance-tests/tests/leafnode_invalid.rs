//! `nats_leafnode_config` never writes a file nats-server will not load: every bad
//! address, URL, port, subject, path and fragment fails at plan time with its
//! attribute and what is allowed. All cases go into one configuration (Terraform
//! reports every diagnostic of a validation at once); the provider has system
//! credentials for a running server each case names, and afterwards no file exists
//! and that server has not reloaded.

use acceptance_tests::{NatsServerBuilder, OperatorSetup, Terraform};

/// (case, resource body, text the error must contain, the attribute Terraform quotes)
const CASES: &[Case] = &[
    ("remote_without_urls", "remote {\n  compression = \"off\"\n}", "Remote without URL", "remote {"),
    ("account_operator_key", "remote {\n  urls = [\"nats://h:7422\"]\n  account = var.operator_key\n}", "an operator public key", "account"),
    ("creds_not_user", "remote {\n  urls = [\"nats://h:7422\"]\n  credentials = var.creds\n}", "not a user creds file", "credentials"),
    ("creds_without_path", "remote {\n  urls = [\"nats://h:7422\"]\n  credentials = var.user_creds\n}\npath = null", "Inline credentials need a path", "credentials"),
    ("creds_both_ways", "remote {\n  urls = [\"nats://h:7422\"]\n  credentials_file = \"a.creds\"\n  credentials = var.user_creds\n}", "Conflicting attributes", "credentials_file"),
    ("url_http_scheme", "remote {\n  urls = [\"http://h:7422\"]\n}", "the scheme `http` is not one of `nats-leaf://`", "urls"),
    ("duplicate_remote", "remote {\n  urls = [\"nats://u:secretpw@h:7422\"]\n}\nremote {\n  urls = [\"nats://u:secretpw@h:7422\"]\n}", "Duplicate remote", "remote {"),
    ("neither_hub_nor_leaf", "", "Neither hub nor leaf", "resource \"nats_leafnode_config\""),
    ("operator_mode_no_account", "operator_config = \"resolver: MEMORY\"\nremote {\n  urls = [\"nats://h:7422\"]\n}", "Operator mode needs the account", "remote {"),
    ("domain_with_dot", "leafnodes = { listen = \"127.0.0.1:-1\" }\njetstream = { domain = \"a.b\" }", "domain", "jetstream"),
    ("server_name_spaces", "leafnodes = { listen = \"127.0.0.1:-1\" }\nserver_name = \"two words\"", "refuses an empty name or one with spaces", "server_name"),
    ("connect_timeout_word", "leafnodes = { listen = \"127.0.0.1:-1\" }\nconnect_timeout = \"soon\"", "not a duration", "connect_timeout"),
    // Listeners: `host:port`, a port from 1 to 65535 or -1.
    ("listen_no_port", "leafnodes = { listen = \"127.0.0.1:-1\" }\nlisten = \"127.0.0.1\"", "\"127.0.0.1\" has no port", "listen"),
    ("listen_port_too_high", "leafnodes = { listen = \"127.0.0.1:-1\" }\nlisten = \"127.0.0.1:70000\"", "the port 70000 is out of range (1 to 65535)", "listen"),
    ("listen_port_zero", "leafnodes = { listen = \"127.0.0.1:-1\" }\nlisten = \"127.0.0.1:0\"", "port 0 makes nats-server use 4222", "listen"),
    ("listen_port_word", "leafnodes = { listen = \"127.0.0.1:-1\" }\nlisten = \"127.0.0.1:nats\"", "the port \"nats\" is not a number", "listen"),
    ("listen_host_space", "leafnodes = { listen = \"127.0.0.1:-1\" }\nlisten = \"my host:4222\"", "the host \"my host\" contains ' '", "listen"),
    ("http_no_port", "leafnodes = { listen = \"127.0.0.1:-1\" }\nhttp = \"localhost\"", "\"localhost\" has no port", "http"),
    ("http_port_zero", "leafnodes = { listen = \"127.0.0.1:-1\" }\nhttp = \"127.0.0.1:0\"", "port 0 turns this listener off", "http"),
    ("leaf_listen_no_port", "leafnodes = { listen = \"0.0.0.0\" }", "\"0.0.0.0\" has no port", "leafnodes"),
    ("leaf_listen_too_high", "leafnodes = { listen = \":65536\" }", "the port 65536 is out of range", "leafnodes"),
    ("leaf_listen_ipv6_bare", "leafnodes = { listen = \"::1:7422\" }", "an IPv6 address must be in brackets", "leafnodes"),
    ("advertise_no_port", "leafnodes = {\n  listen = \"127.0.0.1:-1\"\n  advertise = \"hub.example.com\"\n}", "\"hub.example.com\" has no port", "advertise"),
    ("advertise_no_host", "leafnodes = {\n  listen = \"127.0.0.1:-1\"\n  advertise = \":7422\"\n}", "\":7422\" has no host", "advertise"),
    ("advertise_random_port", "leafnodes = {\n  listen = \"127.0.0.1:-1\"\n  advertise = \"hub:-1\"\n}", "the port -1 is out of range", "advertise"),
    ("listeners_share_a_port", "listen = \"127.0.0.1:7422\"\nleafnodes = { listen = \"0.0.0.0:7422\" }", "Port 7422 is taken by `listen` already", "leafnodes"),
    // Remote URLs: a scheme, a host, a numeric port when given.
    ("url_ip_without_scheme", "remote {\n  urls = [\"127.0.0.1:7422\"]\n}", "has no scheme", "urls"),
    ("url_host_without_scheme", "remote {\n  urls = [\"nats-leaf://h:7422\", \"hub.example.com:7422\"]\n}", "\"hub.example.com:7422\" has no scheme", "urls"),
    ("url_port_too_high", "remote {\n  urls = [\"nats-leaf://hub:99999\"]\n}", "the port 99999 is out of range", "urls"),
    ("url_without_host", "remote {\n  urls = [\"nats-leaf://:7422\"]\n}", "has no host", "urls"),
    ("url_space", "remote {\n  urls = [\"nats-leaf://hub :7422\"]\n}", "contains ' '", "urls"),
    ("url_newline", "remote {\n  urls = [\"nats-leaf://hub\\n:7422\"]\n}", "contains '\\n'", "urls"),
    ("url_quote_in_password", "remote {\n  urls = [\"nats://u:pa\\\"sspw@hub:7422\"]\n}", "must be %-encoded", "urls"),
    // Cluster: named without spaces, routes with scheme and port.
    ("route_without_scheme", "leafnodes = { listen = \"127.0.0.1:-1\" }\ncluster = {\n  name = \"c\"\n  listen = \"127.0.0.1:-1\"\n  routes = [\"127.0.0.1:6222\"]\n}", "has no scheme", "routes"),
    ("route_without_port", "leafnodes = { listen = \"127.0.0.1:-1\" }\ncluster = {\n  name = \"c\"\n  listen = \"127.0.0.1:-1\"\n  routes = [\"nats-route://127.0.0.1\"]\n}", "\"nats-route://127.0.0.1\" has no port", "routes"),
    ("route_http_scheme", "leafnodes = { listen = \"127.0.0.1:-1\" }\ncluster = {\n  name = \"c\"\n  listen = \"127.0.0.1:-1\"\n  routes = [\"http://127.0.0.1:6222\"]\n}", "the scheme `http` is not one of `nats-route://`", "routes"),
    ("cluster_listen_no_port", "leafnodes = { listen = \"127.0.0.1:-1\" }\ncluster = {\n  name = \"c\"\n  listen = \"127.0.0.1\"\n}", "\"127.0.0.1\" has no port", "listen"),
    ("cluster_name_space", "leafnodes = { listen = \"127.0.0.1:-1\" }\ncluster = {\n  name = \"my cluster\"\n  listen = \"127.0.0.1:-1\"\n}", "refuses an empty name or one with spaces", "name"),
    // TLS: a certificate goes with its key.
    ("hub_tls_key_only", "leafnodes = {\n  listen = \"127.0.0.1:-1\"\n  tls = { key_file = \"hub-key.pem\" }\n}", "`key_file` is set without `cert_file`", "tls"),
    ("remote_tls_cert_only", "remote {\n  urls = [\"tls://hub:7422\"]\n  tls = { cert_file = \"leaf-cert.pem\" }\n}", "`cert_file` is set without `key_file`", "tls"),
    ("tls_path_carriage_return", "remote {\n  urls = [\"tls://hub:7422\"]\n  tls = { ca_file = \"ca.pem\\r\" }\n}", "contains the control character '\\r'", "tls"),
    // Subjects the server would refuse or misread.
    ("deny_imports_empty_token", "remote {\n  urls = [\"nats://h:7422\"]\n  deny_imports = [\"a..b\"]\n}", "has an empty token", "deny_imports"),
    ("deny_exports_gt_inside", "remote {\n  urls = [\"nats://h:7422\"]\n  deny_exports = [\"a.>.b\"]\n}", "`>` must be the whole last token", "deny_exports"),
    ("deny_exports_space", "remote {\n  urls = [\"nats://h:7422\"]\n  deny_exports = [\"orders new\"]\n}", "contains white space", "deny_exports"),
    ("deny_imports_empty", "remote {\n  urls = [\"nats://h:7422\"]\n  deny_imports = [\"\"]\n}", "a subject cannot be empty", "deny_imports"),
    ("deny_imports_partial_wildcard", "remote {\n  urls = [\"nats://h:7422\"]\n  deny_imports = [\"orders*\"]\n}", "`*` must be a whole token", "deny_imports"),
    // Paths nats-server would read as something else.
    ("include_both_quotes", "leafnodes = { listen = \"127.0.0.1:-1\" }\nincludes = [\"a\\\"b'c.conf\"]", "holds both `\"` and `'`", "includes"),
    ("include_newline", "leafnodes = { listen = \"127.0.0.1:-1\" }\nincludes = [\"extra.conf\\n\"]", "contains the control character '\\n'", "includes"),
    ("include_empty", "leafnodes = { listen = \"127.0.0.1:-1\" }\nincludes = [\"\"]", "an include path cannot be empty", "includes"),
    ("store_dir_heredoc_newline", "leafnodes = { listen = \"127.0.0.1:-1\" }\njetstream = {\n  store_dir = <<-EOT\n    /var/lib/nats\n  EOT\n}", "contains the control character '\\n'", "store_dir"),
    ("creds_file_dollar", "remote {\n  urls = [\"nats://h:7422\"]\n  credentials_file = \"$HOME/hub.creds\"\n}", "which nats-server expands from its environment", "credentials_file"),
    ("creds_file_tilde", "remote {\n  urls = [\"nats://h:7422\"]\n  credentials_file = \"~/hub.creds\"\n}", "expands to its own home directory", "credentials_file"),
    ("path_dollar_beside_inline_creds", "remote {\n  urls = [\"nats://h:7422\"]\n  credentials = var.user_creds\n}\npath = \"${var.dir}/$NATS/leaf.conf\"", "nats-server expands `$NAME` in creds paths", "path"),
    ("path_empty", "leafnodes = { listen = \"127.0.0.1:-1\" }\npath = \"\"", "a path cannot be empty", "path"),
    // The operator's fragment is taken in whole only when it is whole.
    ("operator_config_other_key", "leafnodes = { listen = \"127.0.0.1:-1\" }\noperator_config = \"operator: eyJ\\nlisten: 0.0.0.0:4222\"", "`listen` is not an operator-mode setting", "operator_config"),
    ("operator_config_unbalanced", "leafnodes = { listen = \"127.0.0.1:-1\" }\noperator_config = \"resolver: MEMORY\\n}\\nlisten: 1\"", "cannot be taken in as a whole", "operator_config"),
    ("operator_config_include", "leafnodes = { listen = \"127.0.0.1:-1\" }\noperator_config = \"include ./accounts.conf\"", "`include` is not allowed", "operator_config"),
    ("operator_config_variable", "leafnodes = { listen = \"127.0.0.1:-1\" }\noperator_config = \"operator: $OPERATOR_JWT\"", "refers to a variable", "operator_config"),
    ("operator_config_open_string", "leafnodes = { listen = \"127.0.0.1:-1\" }\noperator_config = \"operator: \\\"eyJ\"", "not closed", "operator_config"),
    // Enumerations and numbers.
    ("compression_unknown", "remote {\n  urls = [\"nats://h:7422\"]\n  compression = \"zstd\"\n}", "one of `off`, `accept`", "compression"),
    ("max_memory_negative", "leafnodes = { listen = \"127.0.0.1:-1\" }\njetstream = { max_memory = -5 }", "at least 0", "jetstream"),
];

/// Creds text whose JWT is an account's, not a user's; the seed is a real user seed.
fn not_user_creds() -> (String, String) {
    let operator = nkeys::KeyPair::new_operator();
    let account = nkeys::KeyPair::new_account();
    let claims = natsforge::nats::jwt::Claims::new(
        account.public_key(),
        "A",
        natsforge::nats::jwt::Account::default(),
    );
    let jwt = natsforge::nats::jwt::encode(&claims, &operator).unwrap();
    let seed = nkeys::KeyPair::new_user().seed().unwrap();
    (
        format!(
            "-----BEGIN NATS USER JWT-----\n{jwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n"
        ),
        seed,
    )
}

type Case = (&'static str, &'static str, &'static str, &'static str);

/// One `nats_leafnode_config` per case, named after it, with the server name of the
/// guarded server and a file in `var.dir` unless the case sets its own.
fn resources(cases: &[&Case]) -> String {
    let mut text = String::new();
    for (case, body, _, _) in cases {
        let mut lines = String::new();
        if !body.contains("server_name =") {
            lines.push_str("  server_name = \"guarded\"\n");
        }
        if !body.contains("\npath =") {
            lines.push_str(&format!("  path = \"${{var.dir}}/{case}.conf\"\n"));
        }
        for line in body.lines() {
            lines.push_str(&format!("  {line}\n"));
        }
        text.push_str(&format!(
            "\nresource \"nats_leafnode_config\" \"{case}\" {{\n{lines}}}\n"
        ));
    }
    text
}

/// The case's diagnostic: its message, the attribute's line quoted by Terraform, and
/// no password or seed outside that quoted line.
fn check_diagnostic(
    (case, _, expected, attribute): &Case,
    stderr: &str,
    seeds: &[&str],
) -> Result<(), String> {
    let address = format!("with nats_leafnode_config.{case},");
    let block = stderr
        .split("Error: ")
        .skip(1)
        .find(|b| b.contains(&address))
        .ok_or_else(|| format!("{case}: no diagnostic"))?;
    let flat = block.split_whitespace().collect::<Vec<_>>().join(" ");
    if !flat.contains(expected) {
        return Err(format!("{case}: expected {expected:?} in:\n{block}"));
    }
    let quoted = block.lines().any(|line| {
        line.trim_start()
            .split_once(':')
            .is_some_and(|(number, rest)| {
                number.chars().all(|c| c.is_ascii_digit())
                    && rest.trim_start().starts_with(attribute)
            })
    });
    if !quoted {
        return Err(format!(
            "{case}: the diagnostic does not point at `{attribute}`:\n{block}"
        ));
    }
    let messages: String = block.lines().filter(|l| !l.contains(" = ")).collect();
    match ["secretpw", "sspw"]
        .iter()
        .chain(seeds)
        .find(|s| messages.contains(**s))
    {
        Some(secret) => Err(format!("{case}: {secret} shown:\n{block}")),
        None => Ok(()),
    }
}

/// `config_load_time` from VARZ: it moves on every reload.
fn loaded_at(server: &acceptance_tests::NatsServer) -> String {
    server.monitor_json("/varz").unwrap()["config_load_time"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn every_invalid_configuration_fails_at_plan_and_changes_nothing() {
    assert!(CASES.len() >= 60, "{} cases", CASES.len());
    let setup = OperatorSetup::new().unwrap();
    let server = NatsServerBuilder::new()
        .server_name("guarded")
        .extra(&setup.config_fragment())
        .start()
        .unwrap();
    let before = loaded_at(&server);
    let files = tempfile::tempdir().unwrap();
    let (bad_creds, seed) = not_user_creds();
    let user_creds = std::fs::read_to_string(setup.app_creds_path()).unwrap();
    let user_seed = setup
        .user_key(acceptance_tests::APP_ACCOUNT)
        .seed()
        .unwrap();
    let config = format!(
        r#"terraform {{
  required_providers {{
    nats = {{ source = "natsforge/nats" }}
  }}
}}

provider "nats" {{
  servers            = "{}"
  system_credentials = "{}"
}}

variable "dir" {{
  type    = string
  default = "{}"
}}

variable "operator_key" {{
  type    = string
  default = "{}"
}}

# Creds reach a configuration as sensitive values, as they would in real use.
variable "creds" {{
  type      = string
  sensitive = true
  default   = <<-EOT
{bad_creds}EOT
}}

variable "user_creds" {{
  type      = string
  sensitive = true
  default   = <<-EOT
{user_creds}
EOT
}}
"#,
        server.client_url(),
        setup.system_creds_path().display(),
        files.path().display(),
        setup.operator_public_key(),
    );
    // Terraform validates with variables unknown first and stops there on any error:
    // cases reading a variable are only judged in a plan where nothing else failed.
    let (literal, with_variables): (Vec<_>, Vec<_>) = CASES
        .iter()
        .partition(|(_, body, _, _)| !body.contains("var."));
    for group in [literal, with_variables] {
        let tf = Terraform::new().unwrap();
        tf.write_file("main.tf", &format!("{config}{}", resources(&group)))
            .unwrap();
        // Apply, not plan: a case that got through plan would write its file and reload.
        let stderr = tf.expect_apply_error().unwrap();
        assert!(!stderr.contains("Provider bug"), "{stderr}");
        let wrong: Vec<String> = group
            .iter()
            .filter_map(|case| check_diagnostic(case, &stderr, &[&seed, &user_seed]).err())
            .collect();
        assert!(
            wrong.is_empty(),
            "{}\n--- all ---\n{stderr}",
            wrong.join("\n")
        );
    }
    let written: Vec<_> = std::fs::read_dir(files.path()).unwrap().collect();
    assert!(written.is_empty(), "files written: {written:?}");
    assert_eq!(loaded_at(&server), before, "the server reloaded");
    assert!(!server.log().contains("Reloaded"), "{}", server.log());
}
