//! NATS decentralized-auth JWTs: build, sign, decode and verify operator, account,
//! user and activation claims the way nats-io/jwt (v2) does, so nats-server and
//! `nsc` read ours and we read theirs.
//!
//! A token is `b64url(header) "." b64url(payload) "." b64url(ed25519 signature)`
//! (no padding), the header always `{"typ":"JWT","alg":"ed25519-nkey"}`, the
//! signature over the first two parts. [`encode`] stamps `iss`, `iat`, `jti` and
//! `nats.type`/`nats.version`; [`decode`] checks header, size, version and signature.

pub mod claims;
pub mod compare;
pub mod creds;

#[cfg(test)]
mod tests;

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use nkeys::KeyPair;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha512_256};

pub use claims::*;
pub use creds::{format_user_creds, parse_creds, CredsError, UserCreds};

/// The only header nats-io/jwt v2 writes.
const HEADER_JSON: &str = r#"{"typ":"JWT","alg":"ed25519-nkey"}"#;
/// The claims format this module reads and writes.
pub const JWT_VERSION: u64 = 2;
/// Decoded payloads beyond this are refused before parsing.
pub const MAX_PAYLOAD_BYTES: usize = 1024 * 1024;

/// The standard JWT fields plus the NATS-specific body `nats`.
///
/// `exp`, `nbf` and `iat` use `0` for "not set", as on the wire. Leave `issued_at`
/// at `0` to have [`encode`] stamp the current time; `issuer` and `id` are always
/// overwritten by [`encode`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Claims<N> {
    #[serde(rename = "aud", default, skip_serializing_if = "String::is_empty")]
    pub audience: String,
    #[serde(rename = "exp", default, skip_serializing_if = "is_zero")]
    pub expires: i64,
    /// `jti`: a hash of the standard fields (see [`compute_jti`]).
    #[serde(rename = "jti", default, skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(rename = "iat", default, skip_serializing_if = "is_zero")]
    pub issued_at: i64,
    #[serde(rename = "iss", default, skip_serializing_if = "String::is_empty")]
    pub issuer: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(rename = "nbf", default, skip_serializing_if = "is_zero")]
    pub not_before: i64,
    #[serde(rename = "sub", default, skip_serializing_if = "String::is_empty")]
    pub subject: String,
    pub nats: N,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

pub type OperatorClaims = Claims<Operator>;
pub type AccountClaims = Claims<Account>;
pub type UserClaims = Claims<User>;
pub type ActivationClaims = Claims<Activation>;
/// Claims whose `nats` object is free-form (no `type`/`version` stamped).
pub type GenericClaims = Claims<serde_json::Map<String, serde_json::Value>>;

impl<N> Claims<N> {
    /// Claims about `subject` (a public key) with a display `name`.
    pub fn new(subject: impl Into<String>, name: impl Into<String>, nats: N) -> Self {
        Claims {
            audience: String::new(),
            expires: 0,
            id: String::new(),
            issued_at: 0,
            issuer: String::new(),
            name: name.into(),
            not_before: 0,
            subject: subject.into(),
            nats,
        }
    }
}

/// What a claim body must tell [`encode`]: its type, and how to tidy and check itself.
pub trait ClaimBody: Serialize + DeserializeOwned + Clone {
    const TYPE: ClaimType;

    /// Puts lists in the order `nsc` writes them, so equal claims encode equally.
    fn normalize(&mut self) {}

    /// Refuses contents nats-server would reject or misread.
    fn validate(&self) -> Result<(), JwtError> {
        Ok(())
    }
}

/// Every way a JWT can fail to be built or read. Public keys may appear; seeds never do.
#[derive(Debug, thiserror::Error)]
pub enum JwtError {
    #[error("not a JWT: expected three dot-separated parts, found {0}")]
    Malformed(usize),
    #[error("the JWT {part} is not valid base64url")]
    Base64 { part: &'static str },
    #[error("the JWT {part} is not valid JSON: {source}")]
    Json {
        part: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("unsupported JWT header: typ {typ:?}, alg {alg:?} (expected JWT, ed25519-nkey)")]
    UnsupportedHeader { typ: String, alg: String },
    #[error("JWT payload of {size} bytes exceeds the {limit}-byte limit")]
    TooLarge { size: usize, limit: usize },
    #[error("JWT claims version {0} is not supported (this build reads version 2)")]
    UnsupportedVersion(u64),
    #[error("JWT signature does not verify against its issuer {issuer}")]
    BadSignature { issuer: String },
    #[error("{claim} JWT cannot be signed by {signer:?}: it needs {expected}")]
    WrongSigner {
        claim: ClaimType,
        signer: String,
        expected: &'static str,
    },
    #[error("{claim} JWT subject {subject:?} is not {expected}")]
    WrongSubject {
        claim: ClaimType,
        subject: String,
        expected: &'static str,
    },
    #[error("expected a {expected} JWT, found {found}")]
    UnexpectedType { expected: ClaimType, found: String },
    #[error("invalid {field}: {reason}")]
    Invalid { field: String, reason: String },
    #[error("signing the JWT failed: {0}")]
    Sign(String),
}

/// Public key kinds by their first letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Operator,
    Account,
    User,
}

impl KeyKind {
    /// The kind of a well-formed (checksummed) public key, if it is one of ours.
    fn of(public_key: &str) -> Option<KeyKind> {
        nkeys::from_public_key(public_key).ok()?;
        match public_key.as_bytes().first()? {
            b'O' => Some(KeyKind::Operator),
            b'A' => Some(KeyKind::Account),
            b'U' => Some(KeyKind::User),
            _ => None,
        }
    }
}

/// The key kinds allowed to sign each claim type, and how to say so in an error.
fn allowed_signers(claim: ClaimType) -> (&'static [KeyKind], &'static str) {
    match claim {
        ClaimType::Operator | ClaimType::Account => {
            (&[KeyKind::Operator], "an operator key (O...)")
        }
        ClaimType::User => (&[KeyKind::Account], "an account key (A...)"),
        ClaimType::Activation | ClaimType::Generic => (
            &[KeyKind::Account, KeyKind::Operator],
            "an account or operator key",
        ),
    }
}

/// The key kind each claim type is about (`None`: any non-empty subject).
fn required_subject(claim: ClaimType) -> (Option<KeyKind>, &'static str) {
    match claim {
        ClaimType::Operator => (Some(KeyKind::Operator), "an operator public key (O...)"),
        ClaimType::Account | ClaimType::Activation => {
            (Some(KeyKind::Account), "an account public key (A...)")
        }
        ClaimType::User => (Some(KeyKind::User), "a user public key (U...)"),
        ClaimType::Generic => (None, "a public key"),
    }
}

fn check_signer(claim: ClaimType, issuer: &str) -> Result<(), JwtError> {
    let (signers, expected) = allowed_signers(claim);
    match KeyKind::of(issuer) {
        Some(kind) if signers.contains(&kind) => Ok(()),
        _ => Err(JwtError::WrongSigner {
            claim,
            signer: issuer.to_owned(),
            expected,
        }),
    }
}

fn check_subject(claim: ClaimType, subject: &str) -> Result<(), JwtError> {
    let (wanted, expected) = required_subject(claim);
    let ok = match wanted {
        Some(kind) => KeyKind::of(subject) == Some(kind),
        None => !subject.is_empty(),
    };
    if ok {
        Ok(())
    } else {
        Err(JwtError::WrongSubject {
            claim,
            subject: subject.to_owned(),
            expected,
        })
    }
}

/// Signs `claims` with `signer` and returns the token.
///
/// Sets `iss` to the signer's public key, `iat` to now unless already set, and `jti`
/// as nats-io/jwt computes it; sorts lists as `nsc` does. Refuses a signer or subject
/// of the wrong kind for the claim type.
pub fn encode<N: ClaimBody>(claims: &Claims<N>, signer: &KeyPair) -> Result<String, JwtError> {
    let mut claims = claims.clone();
    claims.issuer = signer.public_key();
    check_signer(N::TYPE, &claims.issuer)?;
    check_subject(N::TYPE, &claims.subject)?;
    claims.nats.normalize();
    claims.nats.validate()?;
    if claims.issued_at == 0 {
        claims.issued_at = unix_now();
    }
    claims.id = compute_jti(&claims)?;

    let mut payload = serde_json::to_value(&claims).map_err(|source| JwtError::Json {
        part: "payload",
        source,
    })?;
    if N::TYPE != ClaimType::Generic {
        if let Some(nats) = payload.get_mut("nats").and_then(|v| v.as_object_mut()) {
            nats.insert("type".into(), N::TYPE.as_str().into());
            nats.insert("version".into(), JWT_VERSION.into());
        }
    }
    let payload = go_json(&payload, "payload")?;

    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(HEADER_JSON),
        URL_SAFE_NO_PAD.encode(payload)
    );
    let signature = signer
        .sign(signing_input.as_bytes())
        .map_err(|e| JwtError::Sign(e.to_string()))?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The standard claims in the order nats-io/jwt declares them; `jti` is left out
/// (it is empty while hashing).
#[derive(Serialize)]
struct StandardClaims<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    aud: &'a str,
    #[serde(skip_serializing_if = "is_zero")]
    exp: i64,
    #[serde(skip_serializing_if = "is_zero")]
    iat: i64,
    #[serde(skip_serializing_if = "str::is_empty")]
    iss: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    name: &'a str,
    #[serde(skip_serializing_if = "is_zero")]
    nbf: i64,
    #[serde(skip_serializing_if = "str::is_empty")]
    sub: &'a str,
}

/// The `jti` nats-io/jwt would give these claims: the standard fields as Go's
/// encoding/json writes them, hashed with SHA-512/256, in base32 without padding.
/// It changes whenever `iat` does, which is what lets a full resolver replace a
/// stored JWT with a newer one.
pub fn compute_jti<N>(claims: &Claims<N>) -> Result<String, JwtError> {
    let standard = StandardClaims {
        aud: &claims.audience,
        exp: claims.expires,
        iat: claims.issued_at,
        iss: &claims.issuer,
        name: &claims.name,
        nbf: claims.not_before,
        sub: &claims.subject,
    };
    let json = go_json(&standard, "standard claims")?;
    let digest = Sha512_256::digest(json.as_bytes());
    Ok(data_encoding::BASE32_NOPAD.encode(&digest))
}

/// JSON as Go's encoding/json writes it: compact, with `<`, `>`, `&`, U+2028 and
/// U+2029 escaped. Those characters can only occur inside strings, so escaping them
/// after serde_json is exact.
fn go_json<T: Serialize>(value: &T, part: &'static str) -> Result<String, JwtError> {
    let text = serde_json::to_string(value).map_err(|source| JwtError::Json { part, source })?;
    if !text.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return Ok(text);
    }
    let mut escaped = String::with_capacity(text.len() + 32);
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("\\u003c"),
            '>' => escaped.push_str("\\u003e"),
            '&' => escaped.push_str("\\u0026"),
            '\u{2028}' => escaped.push_str("\\u2028"),
            '\u{2029}' => escaped.push_str("\\u2029"),
            other => escaped.push(other),
        }
    }
    Ok(escaped)
}

/// A decoded JWT of any known kind.
#[derive(Debug, Clone, PartialEq)]
pub enum AnyClaims {
    Operator(OperatorClaims),
    Account(Box<AccountClaims>),
    User(Box<UserClaims>),
    Activation(ActivationClaims),
    /// Any other `nats.type` (or none), with the body as written.
    Generic(GenericClaims),
}

impl AnyClaims {
    pub fn claim_type(&self) -> ClaimType {
        match self {
            AnyClaims::Operator(_) => ClaimType::Operator,
            AnyClaims::Account(_) => ClaimType::Account,
            AnyClaims::User(_) => ClaimType::User,
            AnyClaims::Activation(_) => ClaimType::Activation,
            AnyClaims::Generic(_) => ClaimType::Generic,
        }
    }
}

/// What must be known about a payload before choosing its Rust type.
#[derive(Deserialize)]
struct Peek {
    #[serde(default)]
    iss: String,
    /// Version-1 JWTs carried `type` here instead of in `nats`.
    #[serde(rename = "type", default)]
    legacy_type: Option<String>,
    #[serde(default)]
    nats: PeekNats,
}

#[derive(Deserialize, Default)]
struct PeekNats {
    #[serde(rename = "type", default)]
    claim_type: String,
    #[serde(default)]
    version: u64,
}

#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    typ: String,
    #[serde(default)]
    alg: String,
}

/// Decodes `token` and verifies its signature against its own `iss`. Whether that
/// issuer is trusted (the operator, or a signing key it lists) is the caller's check.
pub fn decode(token: &str) -> Result<AnyClaims, JwtError> {
    decode_with(token, true)
}

/// Like [`decode`] but without checking the signature: for showing what a server or
/// file holds, never for deciding trust.
pub fn decode_unverified(token: &str) -> Result<AnyClaims, JwtError> {
    decode_with(token, false)
}

/// Decodes and verifies a JWT that must be of body type `N`.
pub fn decode_as<N: ClaimBody>(token: &str) -> Result<Claims<N>, JwtError> {
    let (payload, peek) = open(token, true)?;
    if peek.nats.claim_type != N::TYPE.as_str() && N::TYPE != ClaimType::Generic {
        return Err(JwtError::UnexpectedType {
            expected: N::TYPE,
            found: peek.nats.claim_type,
        });
    }
    check_signer(N::TYPE, &peek.iss)?;
    parse_payload(&payload)
}

/// The payload of `token` as JSON, signature verified: for comparing every claim a
/// JWT holds, including those this module has no field for.
pub fn payload_json(token: &str) -> Result<serde_json::Value, JwtError> {
    let (payload, _) = open(token, true)?;
    parse_payload(&payload)
}

fn decode_with(token: &str, verify: bool) -> Result<AnyClaims, JwtError> {
    let (payload, peek) = open(token, verify)?;
    let claims = match peek.nats.claim_type.as_str() {
        "operator" => AnyClaims::Operator(parse_payload(&payload)?),
        "account" => AnyClaims::Account(Box::new(parse_payload(&payload)?)),
        "user" => AnyClaims::User(Box::new(parse_payload(&payload)?)),
        "activation" => AnyClaims::Activation(parse_payload(&payload)?),
        _ => AnyClaims::Generic(parse_payload(&payload)?),
    };
    if verify {
        check_signer(claims.claim_type(), &peek.iss)?;
    }
    Ok(claims)
}

fn parse_payload<T: DeserializeOwned>(payload: &[u8]) -> Result<T, JwtError> {
    serde_json::from_slice(payload).map_err(|source| JwtError::Json {
        part: "payload",
        source,
    })
}

/// Splits, size-checks, parses the header and the routing fields, and (if asked)
/// verifies the signature. Returns the raw payload for typed parsing.
fn open(token: &str, verify: bool) -> Result<(Vec<u8>, Peek), JwtError> {
    let token = token.trim();
    let parts: Vec<&str> = token.split('.').collect();
    let [header_b64, payload_b64, signature_b64] = parts[..] else {
        return Err(JwtError::Malformed(parts.len()));
    };
    // base64 turns 3 bytes into 4 characters: refuse oversized input before decoding it.
    let encoded_limit = MAX_PAYLOAD_BYTES.div_ceil(3) * 4;
    if payload_b64.len() > encoded_limit {
        return Err(JwtError::TooLarge {
            size: payload_b64.len() / 4 * 3,
            limit: MAX_PAYLOAD_BYTES,
        });
    }
    let header: Header =
        serde_json::from_slice(&b64(header_b64, "header")?).map_err(|source| JwtError::Json {
            part: "header",
            source,
        })?;
    if !header.typ.eq_ignore_ascii_case("JWT") || !header.alg.eq_ignore_ascii_case("ed25519-nkey") {
        return Err(JwtError::UnsupportedHeader {
            typ: header.typ,
            alg: header.alg,
        });
    }
    let payload = b64(payload_b64, "payload")?;
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(JwtError::TooLarge {
            size: payload.len(),
            limit: MAX_PAYLOAD_BYTES,
        });
    }
    let peek: Peek = parse_payload(&payload)?;
    if peek.legacy_type.is_some() {
        return Err(JwtError::UnsupportedVersion(1));
    }
    if peek.nats.version > JWT_VERSION {
        return Err(JwtError::UnsupportedVersion(peek.nats.version));
    }
    if verify {
        let signature = b64(signature_b64, "signature")?;
        let bad = || JwtError::BadSignature {
            issuer: peek.iss.clone(),
        };
        let issuer = KeyPair::from_public_key(&peek.iss).map_err(|_| bad())?;
        let signed = &token[..header_b64.len() + 1 + payload_b64.len()];
        issuer
            .verify(signed.as_bytes(), &signature)
            .map_err(|_| bad())?;
    }
    Ok((payload, peek))
}

fn b64(text: &str, part: &'static str) -> Result<Vec<u8>, JwtError> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| JwtError::Base64 { part })
}

// --- per-type rules -------------------------------------------------------------

fn expect_kind(field: &str, key: &str, kind: KeyKind, what: &str) -> Result<(), JwtError> {
    if KeyKind::of(key) == Some(kind) {
        Ok(())
    } else {
        Err(JwtError::Invalid {
            field: field.to_owned(),
            reason: format!("{key:?} is not {what}"),
        })
    }
}

impl ClaimBody for Operator {
    const TYPE: ClaimType = ClaimType::Operator;

    fn normalize(&mut self) {
        self.signing_keys.sort();
        self.signing_keys.dedup();
    }

    fn validate(&self) -> Result<(), JwtError> {
        for key in &self.signing_keys {
            expect_kind(
                "signing_keys",
                key,
                KeyKind::Operator,
                "an operator public key",
            )?;
        }
        if !self.system_account.is_empty() {
            expect_kind(
                "system_account",
                &self.system_account,
                KeyKind::Account,
                "an account public key",
            )?;
        }
        Ok(())
    }
}

impl ClaimBody for Account {
    const TYPE: ClaimType = ClaimType::Account;

    fn normalize(&mut self) {
        self.exports.sort_by(|a, b| a.subject.cmp(&b.subject));
        self.imports.sort_by(|a, b| a.subject.cmp(&b.subject));
        self.signing_keys.sort_by(|a, b| a.key().cmp(b.key()));
    }

    fn validate(&self) -> Result<(), JwtError> {
        let limits = &self.limits;
        if !limits.tiered_jetstream.is_empty() && limits.jetstream != JetStreamLimits::default() {
            return Err(JwtError::Invalid {
                field: "limits".into(),
                reason: "JetStream limits and tiered JetStream limits are mutually exclusive"
                    .into(),
            });
        }
        if limits.tiered_jetstream.contains_key("") {
            return Err(JwtError::Invalid {
                field: "tiered_limits".into(),
                reason: "a tier needs a name".into(),
            });
        }
        for key in &self.signing_keys {
            expect_kind(
                "signing_keys",
                key.key(),
                KeyKind::Account,
                "an account public key",
            )?;
        }
        Ok(())
    }
}

impl ClaimBody for User {
    const TYPE: ClaimType = ClaimType::User;

    fn validate(&self) -> Result<(), JwtError> {
        if !self.issuer_account.is_empty() {
            expect_kind(
                "issuer_account",
                &self.issuer_account,
                KeyKind::Account,
                "an account public key",
            )?;
        }
        Ok(())
    }
}

impl ClaimBody for Activation {
    const TYPE: ClaimType = ClaimType::Activation;
}

impl ClaimBody for serde_json::Map<String, serde_json::Value> {
    const TYPE: ClaimType = ClaimType::Generic;
}
