use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use nkeys::{KeyPair, KeyPairType};

use super::*;

fn key(kind: KeyPairType, byte: u8) -> KeyPair {
    KeyPair::new_from_raw(kind, [byte; 32]).unwrap()
}

fn operator() -> KeyPair {
    key(KeyPairType::Operator, 1)
}

fn account() -> KeyPair {
    key(KeyPairType::Account, 2)
}

fn user() -> KeyPair {
    key(KeyPairType::User, 3)
}

fn standard(iss: &str, sub: &str, name: &str) -> Claims<()> {
    let mut claims = Claims::new(sub, name, ());
    claims.issuer = iss.into();
    claims.issued_at = 1_700_000_000;
    claims
}

fn payload_json(token: &str) -> serde_json::Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// Re-signs a hand-made payload with `signer`, to test what decode does with it.
fn sign_raw(payload: &str, signer: &KeyPair) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER_JSON),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = signer.sign(input.as_bytes()).unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
}

#[test]
fn jti_matches_a_token_written_by_nats_io_jwt() {
    // Standard claims of a user JWT that nsc (Go, nats-io/jwt v2) produced, with the
    // jti it wrote: iat 1661793221, iss AA4IKUM7..., name "test", sub UA4FLMDT...
    let claims = standard(
        "AA4IKUM7LUNVK2STCYV7IIZVSXWAXHUPA5EB5J3PCF4WZNIQTJMZ2ZVN",
        "UA4FLMDT2IVMXD6IVUF4ODY7Q4SIPRSI3TTK7VLGHETSCUB4HG3BTXYE",
        "test",
    );
    let mut claims = claims;
    claims.issued_at = 1_661_793_221;
    assert_eq!(
        compute_jti(&claims).unwrap(),
        "Y333OG5JQNW6WSMC5ILB64RNTGHRDLA3TS4RFCRZ2E74IXO5AMNA"
    );
}

#[test]
fn jti_hashes_go_escaped_json_of_the_standard_claims() {
    // SHA-512/256 of
    //   {"iat":1700000000,"iss":"OISSUER","name":"a\u003cb\u003e\u0026c","sub":"ASUBJECT"}
    // (Go escapes <, >, &), base32 without padding; computed independently with
    // Python's hashlib.new("sha512_256") and base64.b32encode.
    let claims = standard("OISSUER", "ASUBJECT", "a<b>&c");
    assert_eq!(
        compute_jti(&claims).unwrap(),
        "RW74Y6NXGGV6DLJRZSGEP5GMTD37FTITX47OCBM3DLGTL6CJKOZQ"
    );
    // Unescaped, the same claims would hash to B4FNJHXW...: the escaping matters.
    assert_ne!(
        compute_jti(&claims).unwrap(),
        "B4FNJHXWXE7WX6KZM6KJW2EISVKPRYDGY36ZP2EEVZB4LXFLHJXA"
    );
}

#[test]
fn jti_covers_every_standard_claim_in_go_order() {
    // {"aud":"hub","exp":1800000000,"iat":1700000000,"iss":"OISSUER","name":"full",
    //  "nbf":1600000000,"sub":"ASUBJECT"} -> SHA-512/256 -> base32 (Python, as above).
    let mut claims = standard("OISSUER", "ASUBJECT", "full");
    claims.audience = "hub".into();
    claims.expires = 1_800_000_000;
    claims.not_before = 1_600_000_000;
    claims.id = "ignored: jti is empty while hashing".into();
    assert_eq!(
        compute_jti(&claims).unwrap(),
        "RKVMO55TG5FSON2L6WRT4FHTUKZUAQYXX5LGZBX4X7OXC7NCEMRQ"
    );
}

#[test]
fn encode_stamps_issuer_time_jti_type_and_version() {
    let op = operator();
    let claims = Claims::new(op.public_key(), "op", Operator::default());
    let token = encode(&claims, &op).unwrap();

    let header = URL_SAFE_NO_PAD
        .decode(token.split('.').next().unwrap())
        .unwrap();
    assert_eq!(header, HEADER_JSON.as_bytes());
    let payload = payload_json(&token);
    assert_eq!(payload["iss"], op.public_key());
    let iat = payload["iat"].as_i64().unwrap();
    assert!((unix_now() - iat).abs() < 60, "iat {iat} is not now");
    assert_eq!(payload["nats"]["type"], "operator");
    assert_eq!(payload["nats"]["version"], 2);

    let AnyClaims::Operator(decoded) = decode(&token).unwrap() else {
        panic!("not an operator")
    };
    assert_eq!(decoded.id, compute_jti(&decoded).unwrap());
    assert_eq!(decoded.id.len(), 52);
}

#[test]
fn account_round_trips_with_explicit_unlimited_values() {
    let op = operator();
    let acct = account();
    let mut body = Account::default();
    body.limits.jetstream = JetStreamLimits::unlimited();
    body.exports = vec![
        Export {
            subject: "z.svc".into(),
            kind: ExportType::Service,
            ..Default::default()
        },
        Export {
            subject: "a.>".into(),
            ..Default::default()
        },
    ];
    body.signing_keys = vec![
        SigningKey::Scoped(Box::new(UserScope {
            key: key(KeyPairType::Account, 9).public_key(),
            role: "ops".into(),
            template: UserPermissionLimits {
                publish: Permission {
                    allow: vec!["ops.>".into()],
                    deny: vec![],
                },
                ..Default::default()
            },
            ..Default::default()
        })),
        SigningKey::Plain(key(KeyPairType::Account, 8).public_key()),
    ];
    let mut claims = Claims::new(acct.public_key(), "APP", body);
    claims.issued_at = 1_700_000_000;
    let token = encode(&claims, &op).unwrap();

    let limits = &payload_json(&token)["nats"]["limits"];
    for field in [
        "subs", "data", "payload", "imports", "exports", "conn", "leaf",
    ] {
        assert_eq!(limits[field], -1, "{field} must be written as -1");
    }
    assert_eq!(limits["mem_storage"], -1);
    assert_eq!(limits["disk_storage"], -1);
    assert_eq!(limits["wildcards"], true);
    assert!(limits.get("max_ack_pending").is_none(), "zero is omitted");
    let scope = &payload_json(&token)["nats"]["signing_keys"];
    assert!(scope
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["kind"] == "user_scope"));

    let decoded = decode_as::<Account>(&token).unwrap();
    let mut expected = claims.clone();
    expected.issuer = op.public_key();
    expected.id = decoded.id.clone();
    expected.nats.normalize();
    assert_eq!(decoded, expected);
    assert_eq!(decoded.nats.exports[0].subject, "a.>", "sorted by subject");
    assert!(decoded.nats.limits.jetstream_enabled());
}

#[test]
fn missing_limits_read_back_as_zero_not_unlimited() {
    let op = operator();
    let payload = format!(
        r#"{{"iat":1,"iss":"{}","sub":"{}","nats":{{"limits":{{"conn":5}},"type":"account","version":2}}}}"#,
        op.public_key(),
        account().public_key()
    );
    let claims = decode_as::<Account>(&sign_raw(&payload, &op)).unwrap();
    assert_eq!(claims.nats.limits.conn, 5);
    assert_eq!(claims.nats.limits.leaf, 0, "missing leaf blocks leaf nodes");
    assert!(!claims.nats.limits.jetstream_enabled());
}

#[test]
fn user_round_trips_and_scoped_users_carry_no_limits() {
    let acct = account();
    let mut body = User::default();
    body.limits.subscribe.allow = vec!["_INBOX.>".into()];
    body.limits.response = Some(ResponsePermission { max: 1, ttl: 0 });
    body.limits.allowed_connection_types = vec!["STANDARD".into()];
    let claims = Claims::new(user().public_key(), "app", body);
    let token = encode(&claims, &acct).unwrap();
    let decoded = decode_as::<User>(&token).unwrap();
    assert_eq!(decoded.nats, claims.nats);
    assert_eq!(payload_json(&token)["nats"]["subs"], -1);

    let scoped = Claims::new(user().public_key(), "s", User::scoped(acct.public_key()));
    let signing_key = key(KeyPairType::Account, 7);
    let nats = payload_json(&encode(&scoped, &signing_key).unwrap())["nats"].clone();
    assert_eq!(
        nats,
        serde_json::json!({"issuer_account": acct.public_key(), "type": "user", "version": 2})
    );
}

#[test]
fn tampered_payload_fails_verification() {
    let acct = account();
    let claims = Claims::new(user().public_key(), "app", User::default());
    let token = encode(&claims, &acct).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let mut payload = payload_json(&token);
    payload["name"] = "admin".into();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(payload.to_string()),
        parts[2]
    );
    assert!(matches!(
        decode(&forged),
        Err(JwtError::BadSignature { .. })
    ));
    // Reading without verification still works, for display.
    assert!(matches!(decode_unverified(&forged), Ok(AnyClaims::User(_))));
}

#[test]
fn newer_versions_bad_headers_and_oversized_payloads_are_refused() {
    let op = operator();
    let v3 = format!(
        r#"{{"iss":"{0}","sub":"{0}","nats":{{"type":"operator","version":3}}}}"#,
        op.public_key()
    );
    assert!(matches!(
        decode(&sign_raw(&v3, &op)),
        Err(JwtError::UnsupportedVersion(3))
    ));

    let token = encode(
        &Claims::new(op.public_key(), "op", Operator::default()),
        &op,
    )
    .unwrap();
    let rest = token.split_once('.').unwrap().1;
    let hs256 = URL_SAFE_NO_PAD.encode(r#"{"typ":"JWT","alg":"HS256"}"#);
    assert!(matches!(
        decode(&format!("{hs256}.{rest}")),
        Err(JwtError::UnsupportedHeader { .. })
    ));

    let huge = format!(
        r#"{{"iss":"{0}","sub":"{0}","name":"{1}","nats":{{"type":"operator","version":2}}}}"#,
        op.public_key(),
        "x".repeat(MAX_PAYLOAD_BYTES)
    );
    assert!(matches!(
        decode(&sign_raw(&huge, &op)),
        Err(JwtError::TooLarge { .. })
    ));
    assert!(matches!(decode("a.b"), Err(JwtError::Malformed(2))));
}

#[test]
fn signer_and_subject_kinds_are_enforced_by_name() {
    let claims = Claims::new(account().public_key(), "A", Account::default());
    let err = encode(&claims, &account()).unwrap_err();
    assert!(err.to_string().contains("operator key"), "{err}");

    let user_claims = Claims::new(user().public_key(), "u", User::default());
    let err = encode(&user_claims, &operator()).unwrap_err();
    assert!(
        matches!(
            err,
            JwtError::WrongSigner {
                claim: ClaimType::User,
                ..
            }
        ),
        "{err}"
    );

    let wrong_subject = Claims::new(user().public_key(), "A", Account::default());
    let err = encode(&wrong_subject, &operator()).unwrap_err();
    assert!(err.to_string().contains("account public key"), "{err}");

    let bad_system = Operator {
        system_account: operator().public_key(),
        ..Default::default()
    };
    let err = encode(
        &Claims::new(operator().public_key(), "op", bad_system),
        &operator(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("system_account"), "{err}");
}

#[test]
fn decode_as_refuses_another_claim_type() {
    let op = operator();
    let token = encode(
        &Claims::new(op.public_key(), "op", Operator::default()),
        &op,
    )
    .unwrap();
    assert!(matches!(
        decode_as::<Account>(&token),
        Err(JwtError::UnexpectedType {
            expected: ClaimType::Account,
            ..
        })
    ));
}

#[test]
fn names_with_html_characters_are_escaped_like_go_in_the_payload() {
    let op = operator();
    let mut claims = Claims::new(op.public_key(), "R&D <ops>", Operator::default());
    claims.issued_at = 1_700_000_000;
    let token = encode(&claims, &op).unwrap();
    let raw = URL_SAFE_NO_PAD
        .decode(token.split('.').nth(1).unwrap())
        .unwrap();
    let raw = String::from_utf8(raw).unwrap();
    assert!(
        raw.contains(r#""name":"R\u0026D \u003cops\u003e""#),
        "{raw}"
    );
    let decoded = decode_as::<Operator>(&token).unwrap();
    assert_eq!(decoded.name, "R&D <ops>");
    let mut unescaped = decoded.clone();
    unescaped.name = "R&D ops".into();
    assert_ne!(compute_jti(&unescaped).unwrap(), decoded.id);
}
