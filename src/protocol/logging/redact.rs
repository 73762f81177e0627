//! Scrubbing secrets out of log text.
//!
//! Callers must never log secrets; this is the second line of defence for the
//! day one slips through (a `{:?}` of a config struct, an error that quotes a
//! creds file, a dependency that prints what it sent). Hand-written scanners,
//! not regexes: every log line passes through here, and the patterns are
//! simple enough that a few byte loops say exactly what is matched.

use std::borrow::Cow;
use std::ops::Range;

/// What replaces anything that looks like a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// Length of an encoded NATS nkey seed: `S`, the key type, then base32.
const SEED_LEN: usize = 58;

/// Second letter of a seed: operator, account, user, server, cluster,
/// private (signing-only), curve (xkey).
const SEED_KEY_TYPES: &[u8] = b"OAUNCPX";

/// Words that, followed by `=` or `:`, introduce a secret value in free text
/// (`password=...`, `"auth_token":"..."`, `pass: ...`).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "token",
    "secret",
    "seed",
    "private_key",
    "api_key",
    "authorization",
];

/// Fragments of a field name that mark its value as secret whatever it holds.
const SECRET_NAME_PARTS: &[&str] = &[
    "password",
    "passwd",
    "token",
    "seed",
    "creds",
    "credential",
    "secret",
    "private_key",
    "privatekey",
    "api_key",
    "apikey",
    "authorization",
];

/// Whether a structured field's name says its value is a secret, so the value
/// is dropped without looking at it.
pub(crate) fn is_secret_field_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_NAME_PARTS.iter().any(|part| name.contains(part))
        || name == "pass"
        || name.ends_with("_pass")
        || name == "pem"
        || name.ends_with("_pem")
}

/// Returns `text` with seeds, PEM/creds blocks, JWTs and `secret=value` pairs
/// replaced by [`REDACTED`]. Borrows when nothing needed replacing.
pub(crate) fn scrub(text: &str) -> Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    find_armored_blocks(bytes, &mut found);
    find_seeds(bytes, &mut found);
    find_jwts(bytes, &mut found);
    find_secret_assignments(bytes, &mut found);
    if found.is_empty() {
        return Cow::Borrowed(text);
    }
    found.sort_by_key(|range| range.start);
    let mut out = String::with_capacity(text.len());
    let mut copied_up_to = 0;
    for range in found {
        if range.end <= copied_up_to {
            continue; // inside a stretch already redacted
        }
        if range.start >= copied_up_to {
            out.push_str(&text[copied_up_to..range.start]);
            out.push_str(REDACTED);
        }
        copied_up_to = range.end;
    }
    out.push_str(&text[copied_up_to..]);
    Cow::Owned(out)
}

/// `-----BEGIN X-----` ... `-----END X-----` (NATS creds use six dashes
/// around END; PEM keys use five). Everything from BEGIN to the dashes closing
/// the END line goes; an unterminated block runs to the end of the text, since
/// whatever follows an opened block is its content.
fn find_armored_blocks(bytes: &[u8], found: &mut Vec<Range<usize>>) {
    const BEGIN: &[u8] = b"-----BEGIN";
    const END: &[u8] = b"-----END";
    let mut from = 0;
    while let Some(start) = find(bytes, BEGIN, from) {
        // Look for END only after the BEGIN line's own closing dashes, so a
        // label like "LEGENDARY" cannot end the block early.
        let end = find(bytes, b"-----", start + BEGIN.len())
            .and_then(|label_close| find(bytes, END, label_close + 5))
            .and_then(|end_line| find(bytes, b"-----", end_line + END.len()))
            .map(|dashes| skip_while(bytes, dashes, |b| b == b'-'))
            .unwrap_or(bytes.len());
        found.push(start..end);
        from = end;
    }
}

/// Runs of base32 capitals at least a seed long that hold `S` + key type with
/// a full seed's length after it. The whole run goes, so a seed glued to other
/// capitals cannot leave a tail behind. Public keys (56 characters, never
/// starting with `S`) are left readable.
fn find_seeds(bytes: &[u8], found: &mut Vec<Range<usize>>) {
    let is_base32 = |b: u8| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b);
    let mut i = 0;
    while i < bytes.len() {
        if !is_base32(bytes[i]) {
            i += 1;
            continue;
        }
        let run_end = skip_while(bytes, i, is_base32);
        let holds_seed = run_end - i >= SEED_LEN
            && (i..=run_end - SEED_LEN)
                .any(|at| bytes[at] == b'S' && SEED_KEY_TYPES.contains(&bytes[at + 1]));
        if holds_seed {
            found.push(i..run_end);
        }
        i = run_end;
    }
}

/// JWTs: a base64url JSON header (`eyJ` is `{"`) followed by `.payload` and
/// usually `.signature`. NATS user JWTs are bearer material in some setups,
/// so all of them go.
fn find_jwts(bytes: &[u8], found: &mut Vec<Range<usize>>) {
    let is_b64url = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let mut from = 0;
    while let Some(start) = find(bytes, b"eyJ", from) {
        from = start + 3;
        if start > 0 && is_b64url(bytes[start - 1]) {
            continue;
        }
        let mut end = skip_while(bytes, start, is_b64url);
        let mut dots = 0;
        while dots < 2 && bytes.get(end) == Some(&b'.') {
            end = skip_while(bytes, end + 1, is_b64url);
            dots += 1;
        }
        if dots > 0 {
            found.push(start..end);
            from = end;
        }
    }
}

/// `word=value`, `word: value`, `"word":"value"` for the [`SECRET_WORDS`];
/// only the value goes. The word must not be the tail of a longer word
/// (`bypass: true` is not a password), but `_` may precede it (`auth_token`).
fn find_secret_assignments(bytes: &[u8], found: &mut Vec<Range<usize>>) {
    for start in 0..bytes.len() {
        if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
            continue;
        }
        for word in SECRET_WORDS {
            let word = word.as_bytes();
            let Some(candidate) = bytes.get(start..start + word.len()) else {
                continue;
            };
            if !candidate.eq_ignore_ascii_case(word) {
                continue;
            }
            if let Some(value) = assigned_value(bytes, start + word.len()) {
                found.push(value);
            }
        }
    }
}

/// After a secret word: optional closing quote, spaces, `=` or `:`, spaces,
/// then the value (quoted, possibly with escaped quotes as `{:?}` writes them,
/// or bare up to a delimiter). `None` when no assignment follows.
fn assigned_value(bytes: &[u8], after_word: usize) -> Option<Range<usize>> {
    let is_space = |b: u8| b == b' ' || b == b'\t';
    let mut i = after_word;
    if matches!(bytes.get(i), Some(b'"' | b'\'')) {
        i += 1;
    } else if bytes.get(i..i + 2) == Some(&b"\\\""[..]) {
        i += 2;
    }
    i = skip_while(bytes, i, is_space);
    if !matches!(bytes.get(i), Some(b'=' | b':')) {
        return None;
    }
    i = skip_while(bytes, i + 1, is_space);
    let value = match bytes.get(i) {
        Some(&quote @ (b'"' | b'\'')) => {
            let mut end = i + 1;
            while end < bytes.len() && bytes[end] != quote {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            // Keep the closing quote so the surrounding text stays readable.
            i + 1..end.min(bytes.len())
        }
        Some(b'\\') if bytes.get(i + 1) == Some(&b'"') => {
            // An escaped quoted value (`\"secret\"` inside Debug output).
            let end = find(bytes, b"\\\"", i + 2).unwrap_or(bytes.len());
            i + 2..end
        }
        _ => i..bare_value_end(bytes, i),
    };
    (!value.is_empty()).then_some(value)
}

/// End of an unquoted value: the first space or separator outside
/// parentheses and quotes, so `Some("two words")` goes as a whole.
fn bare_value_end(bytes: &[u8], from: usize) -> usize {
    let mut depth = 0usize;
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'(' => depth += 1,
            b')' if depth == 0 => return i,
            b')' => depth -= 1,
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            _ if depth == 0 && (b.is_ascii_whitespace() || b",;&]}".contains(&b)) => return i,
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|at| at + from)
}

fn skip_while(bytes: &[u8], from: usize, keep: impl Fn(u8) -> bool) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| !keep(b)))
        .map_or(bytes.len(), |at| at + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user_seed() -> String {
        nkeys::KeyPair::new_user().seed().unwrap()
    }

    #[test]
    fn seeds_of_every_key_type_are_redacted() {
        let seeds = [
            nkeys::KeyPair::new_operator().seed().unwrap(),
            nkeys::KeyPair::new_account().seed().unwrap(),
            user_seed(),
            nkeys::KeyPair::new_server().seed().unwrap(),
            nkeys::KeyPair::new_cluster().seed().unwrap(),
            nkeys::KeyPair::new(nkeys::KeyPairType::Curve)
                .seed()
                .unwrap(),
        ];
        for seed in seeds {
            assert_eq!(seed.len(), SEED_LEN);
            let text = format!("using seed {seed}, then going on");
            let scrubbed = scrub(&text);
            assert_eq!(scrubbed, "using seed <redacted>, then going on");
            // Glued to other capitals, the whole run still goes.
            let glued = format!("KEY{seed}XYZ");
            assert_eq!(scrub(&glued), REDACTED);
        }
    }

    #[test]
    fn public_keys_stay_readable() {
        let user = nkeys::KeyPair::new_user();
        let text = format!("user {} signed by {}", user.public_key(), "OABC");
        assert_eq!(scrub(&text), text);
    }

    #[test]
    fn creds_file_loses_jwt_and_seed() {
        let seed = user_seed();
        let jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJqdGkiOiJYIn0.c2lnbmF0dXJl";
        let creds = format!(
            "-----BEGIN NATS USER JWT-----\n{jwt}\n------END NATS USER JWT------\n\n\
             ************************* IMPORTANT *************************\n\
             NKEY Seed printed below can be used to sign and prove identity.\n\n\
             -----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n"
        );
        for text in [creds.clone(), format!("{creds:?}")] {
            let scrubbed = scrub(&text);
            assert!(!scrubbed.contains(&seed), "{scrubbed}");
            assert!(!scrubbed.contains("eyJ0eXAi"), "{scrubbed}");
            assert!(!scrubbed.contains("BEGIN"), "{scrubbed}");
            assert!(scrubbed.contains("IMPORTANT"), "{scrubbed}");
        }
    }

    #[test]
    fn unterminated_block_is_redacted_to_the_end() {
        let text = "key: -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq";
        assert_eq!(scrub(text), "key: <redacted>");
    }

    #[test]
    fn bare_jwt_is_redacted_but_not_other_words() {
        let text = "jwt=eyJhbGciOiJlZDI1NTE5In0.eyJzdWIiOiJVQSJ9.sig_-x end";
        assert_eq!(scrub(text), "jwt=<redacted> end");
        let not_jwt = "theyJump and eyJ alone";
        assert_eq!(scrub(not_jwt), not_jwt);
    }

    #[test]
    fn secret_assignments_lose_only_their_value() {
        let cases = [
            (
                "connect password=hunter2 ok",
                "connect password=<redacted> ok",
            ),
            (
                r#"{"pass":"hunter2","user":"bob"}"#,
                r#"{"pass":"<redacted>","user":"bob"}"#,
            ),
            (
                r#"{"auth_token": "t0k\"en", "x": 1}"#,
                r#"{"auth_token": "<redacted>", "x": 1}"#,
            ),
            (
                r#"Opts { password: Some("hunter2"), user: "bob" }"#,
                r#"Opts { password: <redacted>, user: "bob" }"#,
            ),
            (
                r#"msg \"token\":\"abc\" end"#,
                r#"msg \"token\":\"<redacted>\" end"#,
            ),
            ("Token: abc", "Token: <redacted>"),
            (
                r#"p(password: Some("two words")) x"#,
                "p(password: <redacted>) x",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(scrub(input), expected, "input: {input}");
        }
    }

    #[test]
    fn harmless_text_is_borrowed_untouched() {
        for text in [
            "bypass: true",
            "passed: 3 tests",
            "token_count=4",
            "password",
            "seed:",
            "",
            "ÄÖÜ ünïcödé password=",
        ] {
            assert!(
                matches!(scrub(text), Cow::Borrowed(t) if t == text),
                "{text}"
            );
        }
    }

    #[test]
    fn secret_field_names() {
        for name in [
            "password",
            "user_password",
            "token",
            "auth_token",
            "seed",
            "nkey_seed",
            "creds",
            "credentials_data",
            "client_secret",
            "private_key",
            "tls_key_pem",
            "pem",
            "pass",
            "PASSWORD",
        ] {
            assert!(is_secret_field_name(name), "{name}");
        }
        for name in [
            "tf_rpc",
            "tf_req_id",
            "user",
            "servers",
            "passive",
            "jwt_issuer",
        ] {
            assert!(!is_secret_field_name(name), "{name}");
        }
    }

    #[test]
    fn odd_text_never_panics() {
        let seed = user_seed();
        let nasty = [
            "-----BEGIN".to_string(),
            "-----BEGIN END".to_string(),
            "eyJ.".to_string(),
            "eyJ".to_string(),
            "password=\"unterminated \\".to_string(),
            "token:\\".to_string(),
            "token:\\\"".to_string(),
            seed[..57].to_string(),
            "S".repeat(200),
            "é".repeat(100) + "password: é",
        ];
        for text in nasty {
            let _ = scrub(&text);
        }
    }
}
