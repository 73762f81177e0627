//! Claims the server or clients cannot use (nats-io/jwt's validation rules), keys of
//! the wrong kind wherever a key is taken, and seeds that are not there.

use super::{account, case, operator, user, Case, Keys};
use natsforge::nats::jwt::{encode, Activation, Claims};
use nkeys::KeyPair;

fn activation(extra: &str) -> String {
    format!("resource \"nats_nkey_activation\" \"t\" {{\n  subject = \"x\"\n{extra}\n}}\n")
}

fn nkey(extra: &str) -> String {
    format!("resource \"nats_nkey\" \"k\" {{\n{extra}\n}}\n")
}

/// An activation for `subject`, issued by `exporter` to `importer`.
fn token(exporter: &KeyPair, importer: &str, subject: &str) -> String {
    let body = Activation {
        import_subject: subject.into(),
        ..Activation::default()
    };
    encode(&Claims::new(importer, "", body), exporter).unwrap()
}

pub fn cases(keys: &Keys) -> Vec<Case> {
    let exporter = KeyPair::new_account();
    let stranger = KeyPair::new_account().public_key();
    let other_operator = KeyPair::new_operator().public_key();
    let for_stranger = token(&exporter, &stranger, "x.>");
    let for_me = token(&exporter, &keys.account, "x.a");
    let two_exports = "  exports = [\n    { subject = \"a\" },\n    { subject = \"b\" },\n  ]";
    vec![
        // Operator claims nats-io/jwt refuses.
        case("server version of two parts", operator("  assert_server_version = \"2.10\""), "is not a version as major.minor.patch", "assert_server_version = \"2.10\""),
        case("server version with a v", operator("  assert_server_version = \"v2.10.0\""), "is not a version as major.minor.patch", "assert_server_version"),
        case("server version with a suffix", operator("  assert_server_version = \"2.10.0-rc1\""), "major.minor.patch", "assert_server_version"),
        case("account server URL without scheme", operator("  account_server_url = \"localhost:9090/jwt/v1\""), "has no scheme", "account_server_url"),
        case("service URL without scheme", operator("  operator_service_urls = [\"localhost:4222\"]"), "has no scheme", "operator_service_urls"),
        case("service URL over http", operator("  operator_service_urls = [\"http://localhost:4222\"]"), "is not nats, tls, ws or wss", "operator_service_urls"),
        case("service URL with credentials", operator("  operator_service_urls = [\"nats://u:p@localhost:4222\"]"), "holds credentials", "operator_service_urls"),
        case("service URL with a path", operator("  operator_service_urls = [\"nats://localhost:4222/x\"]"), "has a path", "operator_service_urls"),
        case("system account of the wrong kind", operator(&format!("  system_account = \"{}\"", keys.user)), "is a user public key, but an account public key", "system_account"),
        case("operator signing key is a seed", operator("  signing_keys = [var.operator_seed]"), "is a seed, not a public key", "signing_keys"),
        case("operator seed_wo of the wrong kind", operator("  seed_wo = var.account_seed"), "an account seed (SA...), but an operator seed", "seed_wo = var.account_seed"),
        // Account claims nats-io/jwt refuses.
        case("the same export twice", account("  exports = [\n    { subject = \"orders.>\" },\n    { subject = \"orders.>\" },\n  ]"), "lies within exports[0]", "exports"),
        case("an export within another", account("  exports = [\n    { subject = \"orders.>\" },\n    { subject = \"orders.new\" },\n  ]"), "stream export \"orders.new\" lies within exports[0]", "exports"),
        case("overlapping service exports", account("  exports = [\n    { subject = \"q.*\", type = \"service\" },\n    { subject = \"q.a\", type = \"service\" },\n  ]"), "service export \"q.a\" lies within", "exports"),
        case("overlapping service imports", account(&format!("  imports = [\n    {{ subject = \"q.>\", account = \"{0}\", type = \"service\" }},\n    {{ subject = \"q.a\", account = \"{0}\", type = \"service\" }},\n  ]", stranger)), "overlaps imports[0] from the same account", "imports"),
        case("share on a stream import", account(&format!("  imports = [{{ subject = \"s\", account = \"{stranger}\", share = true }}]")), "applies to service imports only", "imports"),
        case("more exports than allowed", account(&format!("  limits = {{ exports = 1 }}\n{two_exports}")), "allows 1", "limits"),
        case("more imports than allowed", account(&format!("  limits = {{ imports = 0 }}\n  imports = [{{ subject = \"s\", account = \"{stranger}\" }}]")), "`limits.imports` allows 0", "limits"),
        case("wildcard export not allowed", account("  limits = { wildcard_exports = false }\n  exports = [{ subject = \"orders.*\" }]"), "may not contain `*` or `>`", "exports"),
        case("account token position on a literal", account("  exports = [{ subject = \"orders.new\", account_token_position = 2 }]"), "must be `*`", "exports"),
        case("account token position past the end", account("  exports = [{ subject = \"orders.*\", account_token_position = 3 }]"), "the subject has 2 tokens", "exports"),
        case("wildcard mapping destination", account("  mappings = [{ source = \"a\", destination = \"b.*\" }]"), "may not contain `*` or `>`", "mappings"),
        case("import token that is not a JWT", account(&format!("  imports = [{{ subject = \"x\", account = \"{stranger}\", token = \"nope\" }}]")), "not a valid activation JWT", "imports"),
        case("import token for another account", account(&format!("  public_key = \"{}\"\n  imports = [{{ subject = \"x.a\", account = \"{}\", token = \"{for_stranger}\" }}]", keys.account, exporter.public_key())), "The token admits account", "imports"),
        case("import token from another exporter", account(&format!("  public_key = \"{}\"\n  imports = [{{ subject = \"x.a\", account = \"{stranger}\", token = \"{for_me}\" }}]", keys.account)), "not by the exporting account", "imports"),
        case("import token for a narrower subject", account(&format!("  public_key = \"{}\"\n  imports = [{{ subject = \"x.>\", account = \"{}\", token = \"{for_me}\" }}]", keys.account, exporter.public_key())), "does not cover the import's subject", "imports"),
        case("import token of the other type", account(&format!("  public_key = \"{}\"\n  imports = [{{ subject = \"x.a\", account = \"{}\", type = \"service\", token = \"{for_me}\" }}]", keys.account, exporter.public_key())), "grants a stream import", "imports"),
        // Keys of the wrong kind wherever a key is taken.
        case("account issuer of the wrong kind", account(&format!("  issuer = \"{}\"", keys.user)), "is a user public key, but an operator public key", "issuer"),
        case("account issuer that is not the seed's", account(&format!("  issuer = \"{other_operator}\"")), "Issuer does not match the seed", "issuer"),
        case("scoped signing key of the wrong kind", account(&format!("  scoped_signing_keys = [{{ key = \"{}\" }}]", keys.operator)), "is an operator public key, but an account public key", "scoped_signing_keys"),
        case("account signing key of the wrong kind", account(&format!("  signing_keys = [\"{}\"]", keys.operator)), "is an operator public key, but an account public key", "signing_keys"),
        case("revocation keyed by an account", account(&format!("  revocations = {{ \"{}\" = 1 }}", keys.account)), "is an account public key, but a user public key", "revocations"),
        case("user issuer of the wrong kind", user(&format!("  issuer = \"{}\"", keys.operator)), "is an operator public key, but an account public key", "issuer"),
        case("user issuer account of the wrong kind", user(&format!("  issuer_account = \"{}\"", keys.user)), "is a user public key, but an account public key", "issuer_account"),
        case("activation for a user key", activation(&format!("  account = \"{}\"\n  issuer_seed = var.account_seed", keys.user)), "is a user public key, but an account public key", "account ="),
        case("activation signed by an operator seed", activation(&format!("  account = \"{stranger}\"\n  issuer_seed = var.operator_seed")), "an operator seed (SO...), but an account seed", "issuer_seed = var.operator_seed"),
        case("activation issuer account of the wrong kind", activation(&format!("  account = \"{stranger}\"\n  issuer_seed = var.account_seed\n  issuer_account = \"{}\"", keys.operator)), "is an operator public key, but an account public key", "issuer_account"),
        case("nkey seed that is not a seed", nkey("  type = \"account\"\n  seed_wo = \"SAnotaseed\""), "is not an nkey seed", "seed_wo"),
        // Zones the server cannot load refuse every connect.
        case("connect zone not in the IANA database", user("  connect_times_location = \"Europe/Atlantis\""), "is not an IANA time zone name", "connect_times_location"),
        case("connect zone as an offset", user("  connect_times_location = \"CET+1\""), "is not an IANA time zone name", "connect_times_location"),
        case("template zone not in the IANA database", account(&format!("  scoped_signing_keys = [{{\n    key = \"{stranger}\"\n    template = {{ connect_times_location = \"Mars/Olympus\" }}\n  }}]")), "is not an IANA time zone name", "scoped_signing_keys"),
        // Seeds that are not there.
        case("user seed from an account that has none", "resource \"nats_nkey\" \"a\" {\n  type = \"account\"\n}\nresource \"nats_nkey_account\" \"x\" {\n  name        = \"X\"\n  public_key  = nats_nkey.a.public_key\n  issuer_seed = var.operator_seed\n}\nresource \"nats_nkey_user\" \"u\" {\n  name        = \"u\"\n  issuer_seed = nats_nkey_account.x.seed\n}\n".to_string(), "use `nats_nkey.<name>.seed`", "resource \"nats_nkey_user\" \"u\""),
        case("issuer whose seed the keystore lacks", format!("resource \"nats_nkey_account\" \"a\" {{\n  name   = \"A\"\n  issuer = \"{other_operator}\"\n}}\n"), "the nsc keystore has no seed for", "issuer ="),
    ]
}
