//! Invalid auth configurations fail at `terraform plan`, each with a diagnostic that
//! points at the attribute at fault (Terraform prints the source line the provider's
//! attribute path leads to) and never shows a seed. One working directory per case,
//! planned a few at a time, against a live operator-mode server with a full resolver:
//! afterwards no case left a state file behind and the resolver holds exactly the
//! accounts it held before.

use acceptance_tests::{
    assert_plan_errors, block_on, creds_options, NatsServer, NatsServerBuilder, OperatorSetup,
    PlanErrorCase as Case, PlanErrorSetup,
};
use natsforge::nats::claims::ClaimsApi;
use natsforge::nats::{connect, SystemApi};
use nkeys::KeyPair;

#[path = "auth_plan_errors/claim_cases.rs"]
mod claim_cases;

pub struct Keys {
    operator_seed: String,
    account_seed: String,
    user_seed: String,
    operator: String,
    account: String,
    user: String,
    foreign_account_jwt: String,
}

impl Keys {
    fn new() -> Self {
        let (operator, account, user) = (
            KeyPair::new_operator(),
            KeyPair::new_account(),
            KeyPair::new_user(),
        );
        let stranger = KeyPair::new_operator();
        let claims = natsforge::nats::jwt::Claims::new(
            account.public_key(),
            "FOREIGN",
            natsforge::nats::jwt::Account::default(),
        );
        Keys {
            operator_seed: operator.seed().unwrap(),
            account_seed: account.seed().unwrap(),
            user_seed: user.seed().unwrap(),
            operator: operator.public_key(),
            account: account.public_key(),
            user: user.public_key(),
            foreign_account_jwt: natsforge::nats::jwt::encode(&claims, &stranger).unwrap(),
        }
    }

    /// Seeds reach the configuration as sensitive variables, so Terraform's quoted
    /// source lines never contain one either.
    fn variables(&self) -> String {
        let variable = |name: &str, value: &str| {
            format!("variable \"{name}\" {{\n  type      = string\n  sensitive = true\n  default   = \"{value}\"\n}}\n")
        };
        format!(
            "terraform {{\n  required_providers {{\n    nats = {{ source = \"natsforge/nats\" }}\n  }}\n}}\n{}{}{}",
            variable("operator_seed", &self.operator_seed),
            variable("account_seed", &self.account_seed),
            variable("user_seed", &self.user_seed),
        )
    }
}

fn case(name: &'static str, body: String, message: &'static str, line: &'static str) -> Case {
    Case::new(name, body, message, line)
}

fn account(extra: &str) -> String {
    format!("resource \"nats_nkey_account\" \"a\" {{\n  name = \"A\"\n  issuer_seed = var.operator_seed\n{extra}\n}}\n")
}

fn user(extra: &str) -> String {
    format!("resource \"nats_nkey_user\" \"u\" {{\n  name = \"u\"\n  issuer_seed = var.account_seed\n{extra}\n}}\n")
}

fn operator(extra: &str) -> String {
    format!("resource \"nats_nkey_operator\" \"o\" {{\n  name = \"O\"\n{extra}\n}}\n")
}

fn cases(keys: &Keys) -> Vec<Case> {
    let past = "\"2001-01-01T00:00:00Z\"";
    vec![
        case("nkey of an unknown type", "resource \"nats_nkey\" \"k\" {\n  type = \"admin\"\n}\n".into(), "is not allowed", "type = \"admin\""),
        case("nkey seed of the wrong kind", "resource \"nats_nkey\" \"k\" {\n  type = \"account\"\n  seed_wo = var.user_seed\n}\n".into(), "a user seed (SU...), but an account seed", "seed_wo = var.user_seed"),
        case("operator seed of the wrong kind", operator("  seed = var.account_seed"), "an account seed (SA...), but an operator seed", "seed = var.account_seed"),
        case("operator seed twice", operator("  seed = var.operator_seed\n  seed_wo = var.operator_seed"), "Set either `seed` or `seed_wo`", "seed_wo = var.operator_seed"),
        case("operator signing key of the wrong kind", operator(&format!("  signing_keys = [\"{}\"]", keys.account)), "is an account public key, but an operator public key", "signing_keys"),
        case("malformed system account", operator("  system_account = \"ABC\""), "is not a valid nkey public key", "system_account = \"ABC\""),
        case("operator expiry in the past", operator(&format!("  expires = {past}")), "has already passed", "expires"),
        case("operator expiry not a timestamp", operator("  expires = \"tomorrow\""), "is not an RFC 3339 timestamp", "expires = \"tomorrow\""),
        case("full resolver without a directory", operator("  resolver = { type = \"full\" }"), "stores account JWTs in `dir`", "resolver"),
        case("deletes on a memory resolver", operator("  resolver = { allow_delete = true }"), "Only a `full` resolver can delete", "resolver"),
        case("preloaded account of another operator", operator(&format!("  seed = var.operator_seed\n  resolver_preload = [\"{}\"]", keys.foreign_account_jwt)), "which is neither this operator", "resolver_preload"),
        case("account signed by an account seed", account("").replace("var.operator_seed", "var.account_seed"), "an account seed (SA...), but an operator seed", "issuer_seed = var.account_seed"),
        case("account without issuer", "resource \"nats_nkey_account\" \"a\" {\n  name = \"A\"\n}\n".into(), "Set `issuer_seed` or", "resource \"nats_nkey_account\" \"a\""),
        case("account key of the wrong kind", account(&format!("  public_key = \"{}\"", keys.user)), "is a user public key, but an account public key", "public_key"),
        case("a seed where a public key goes", account("  public_key = var.account_seed"), "is a seed, not a public key", "public_key = var.account_seed"),
        case("tiered and flat JetStream limits", account("  jetstream = {}\n  jetstream_tiers = { R1 = {} }"), "Set either `jetstream`", "jetstream_tiers"),
        case("unknown JetStream tier", account("  jetstream_tiers = { X1 = {} }"), "is not a tier", "jetstream_tiers"),
        case("bad export subject", account("  exports = [{ subject = \"a..b\" }]"), "has an empty token", "exports"),
        case("import from an operator key", account(&format!("  imports = [{{ subject = \"x\", account = \"{}\" }}]", keys.operator)), "is an operator public key", "imports"),
        case("response type on a stream export", account("  exports = [{ subject = \"x\", response_type = \"Stream\" }]"), "applies to service exports only", "exports"),
        case("latency sampling out of range", account("  exports = [{ subject = \"x\", type = \"service\", latency_sampling = \"200\" }]"), "use a percentage from 1 to 100", "exports"),
        case("mapping weights over 100", account("  mappings = [\n    { source = \"a\", destination = \"b\", weight = 60 },\n    { source = \"a\", destination = \"c\", weight = 60 },\n  ]"), "weigh 120 percent", "weight = 60"),
        case("bad default permission subject", account("  default_permissions = { pub_allow = [\"a.>.b\"] }"), "`>` must be the whole last token", "default_permissions"),
        case("revocation of a malformed key", account("  revocations = { \"UNOPE\" = 1 }"), "Revocations are keyed by user public key", "revocations"),
        case("account expiry in the past", account(&format!("  expires = {past}")), "has already passed", "expires"),
        case("user signed by an operator seed", user("").replace("var.account_seed", "var.operator_seed"), "an operator seed (SO...), but an account seed", "issuer_seed = var.operator_seed"),
        case("bad publish subject", user("  pub_allow = [\"orders.*x\"]"), "`*` must be a whole token", "pub_allow"),
        case("bad queue subscription", user("  sub_allow = [\"orders.* a b\"]"), "expected `subject` or `subject queue`", "sub_allow"),
        case("bad source network", user("  source_networks = [\"10.0.0.0/40\"]"), "invalid prefix length", "source_networks"),
        case("bad connect time", user("  connect_times = [{ start = \"8am\", end = \"17:00:00\" }]"), "is not a time of day", "connect_times"),
        case("unknown connection type", user("  allowed_connection_types = [\"TELNET\"]"), "is not allowed", "allowed_connection_types"),
        case("scoped user with permissions", user(&format!("  scoped = true\n  issuer_account = \"{}\"\n  pub_allow = [\"x\"]", keys.account)), "comes from the scoped signing key's template", "pub_allow"),
        case("bad response ttl", user("  allow_responses = { ttl = \"soon\" }"), "is not a duration", "allow_responses"),
        case("user expiry in the past", user(&format!("  expires = {past}")), "has already passed", "expires"),
        case("user key of the wrong kind", user(&format!("  public_key = \"{}\"", keys.account)), "is an account public key, but a user public key", "public_key"),
    ]
}

/// The accounts a live resolver holds.
fn resolver_accounts(server: &NatsServer, setup: &OperatorSetup) -> Vec<String> {
    let creds = std::fs::read_to_string(setup.system_creds_path()).unwrap();
    block_on(async {
        let system = connect(&creds_options(server.client_url(), &creds))
            .await
            .unwrap();
        let replies = ClaimsApi::new(&SystemApi::new(system))
            .list()
            .await
            .unwrap();
        let mut keys: Vec<String> = replies
            .into_iter()
            .filter_map(|r| r.data)
            .flatten()
            .collect();
        keys.sort();
        keys
    })
}

#[test]
fn invalid_configurations_fail_at_plan_with_the_attribute_path() {
    let keys = Keys::new();
    let operator = OperatorSetup::new().unwrap();
    let server = NatsServerBuilder::new()
        .extra(&operator.config_fragment_full_resolver("{{dir}}/jwt"))
        .start()
        .unwrap();
    let before = resolver_accounts(&server, &operator);
    // An empty nsc keystore: `issuer` alone finds no seed there.
    let keystore = tempfile::tempdir().unwrap();
    let system_creds = std::fs::read_to_string(operator.system_creds_path()).unwrap();
    let setup = PlanErrorSetup {
        prelude: format!(
            "{}provider \"nats\" {{\n  servers            = \"{}\"\n  system_credentials = \"${{path.module}}/system.creds\"\n}}\n",
            keys.variables(),
            server.client_url()
        ),
        files: vec![("system.creds", system_creds.clone())],
        env: vec![("NKEYS_PATH", keystore.path().display().to_string())],
        secrets: vec![
            keys.operator_seed.clone(),
            keys.account_seed.clone(),
            keys.user_seed.clone(),
            natsforge::nats::jwt::parse_creds(&system_creds)
                .unwrap()
                .seed
                .expose()
                .to_owned(),
        ],
    };
    let mut all = cases(&keys);
    let claims = claim_cases::cases(&keys);
    assert!(claims.len() >= 30, "{} claim cases", claims.len());
    all.extend(claims);
    assert_plan_errors(&setup, &all);
    assert_eq!(resolver_accounts(&server, &operator), before);
}
