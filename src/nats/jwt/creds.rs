//! The `.creds` file: a user JWT and the user's seed, each between BEGIN/END lines,
//! in the exact layout `nsc` writes and every NATS client reads.

use nkeys::KeyPair;

use crate::nats::Secret;

use super::{decode_unverified, AnyClaims};

/// Why creds text could not be written or read. Never carries the seed.
#[derive(Debug, thiserror::Error)]
pub enum CredsError {
    #[error("the creds text has no {0} block (-----BEGIN ... ----- / ------END ... ------)")]
    MissingBlock(&'static str),
    #[error("the JWT in the creds is not a user JWT: {0}")]
    NotUserJwt(String),
    #[error("the seed in the creds is not a valid user seed (SU...)")]
    BadSeed,
    #[error("the seed belongs to {seed_key}, but the JWT is for {jwt_subject}")]
    SeedMismatch {
        seed_key: String,
        jwt_subject: String,
    },
}

/// A user JWT with its seed, as read from creds text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserCreds {
    pub jwt: String,
    pub seed: Secret,
}

const BANNER: &str = "************************* IMPORTANT *************************\n\
NKEY Seed printed below can be used to sign and prove identity.\n\
NKEYs are sensitive and should be treated as secrets.\n";
const FOOTER: &str = "*************************************************************\n";

/// Writes the creds text for a user JWT and its seed, refusing a JWT that is not a
/// user's or a seed that does not belong to the JWT's subject (a classic mix-up the
/// server would only report as "authorization violation").
pub fn format_user_creds(jwt: &str, seed: &Secret) -> Result<Secret, CredsError> {
    let jwt = jwt.trim();
    let seed_text = seed.expose().trim();
    check_pair(jwt, seed_text)?;
    Ok(Secret::new(format!(
        "-----BEGIN NATS USER JWT-----\n{jwt}\n------END NATS USER JWT------\n\n\
         {BANNER}\n\
         -----BEGIN USER NKEY SEED-----\n{seed_text}\n------END USER NKEY SEED------\n\n\
         {FOOTER}"
    )))
}

/// Reads the JWT and seed out of creds text. Tolerates CRLF line ends, indentation
/// and blank lines; checks that the seed belongs to the JWT's subject.
pub fn parse_creds(text: &str) -> Result<UserCreds, CredsError> {
    let mut blocks = blocks(text);
    let jwt = blocks.next().ok_or(CredsError::MissingBlock("JWT"))?;
    let seed = blocks.next().ok_or(CredsError::MissingBlock("seed"))?;
    check_pair(jwt, seed)?;
    Ok(UserCreds {
        jwt: jwt.to_owned(),
        seed: Secret::new(seed),
    })
}

/// The first non-empty line inside each `---BEGIN ...---` ... `---END ...---` pair.
fn blocks(text: &str) -> impl Iterator<Item = &str> {
    let is_marker = |line: &str, word: &str| {
        line.starts_with("---") && line.ends_with("---") && line.contains(word)
    };
    let mut lines = text.lines().map(str::trim);
    std::iter::from_fn(move || {
        lines.by_ref().find(|line| is_marker(line, "BEGIN"))?;
        let content = lines.by_ref().find(|line| !line.is_empty())?;
        if is_marker(content, "END") {
            return Some("");
        }
        Some(content)
    })
    .filter(|content| !content.is_empty())
}

fn check_pair(jwt: &str, seed: &str) -> Result<(), CredsError> {
    let subject = match decode_unverified(jwt) {
        Ok(AnyClaims::User(user)) => user.subject,
        Ok(other) => {
            return Err(CredsError::NotUserJwt(format!(
                "it is a {} JWT",
                other.claim_type()
            )))
        }
        Err(e) => return Err(CredsError::NotUserJwt(e.to_string())),
    };
    if !seed.starts_with("SU") {
        return Err(CredsError::BadSeed);
    }
    let key = KeyPair::from_seed(seed).map_err(|_| CredsError::BadSeed)?;
    let seed_key = key.public_key();
    if seed_key != subject {
        return Err(CredsError::SeedMismatch {
            seed_key,
            jwt_subject: subject,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nats::jwt::{encode, Claims, User};

    fn user_jwt(account: &KeyPair, user: &KeyPair) -> String {
        let mut claims = Claims::new(user.public_key(), "app", User::default());
        claims.issued_at = 1_700_000_000;
        encode(&claims, account).unwrap()
    }

    fn fixture() -> (String, Secret) {
        let account = KeyPair::new_from_raw(nkeys::KeyPairType::Account, [1; 32]).unwrap();
        let user = KeyPair::new_from_raw(nkeys::KeyPairType::User, [2; 32]).unwrap();
        (user_jwt(&account, &user), Secret::new(user.seed().unwrap()))
    }

    #[test]
    fn creds_text_has_the_exact_nsc_layout() {
        let (jwt, seed) = fixture();
        let text = format_user_creds(&jwt, &seed).unwrap();
        let expected = format!(
            "-----BEGIN NATS USER JWT-----
{jwt}
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.
NKEYs are sensitive and should be treated as secrets.

-----BEGIN USER NKEY SEED-----
{}
------END USER NKEY SEED------

*************************************************************
",
            seed.expose()
        );
        assert_eq!(text.expose(), expected);
    }

    #[test]
    fn parse_round_trips_and_tolerates_crlf_and_indentation() {
        let (jwt, seed) = fixture();
        let text = format_user_creds(&jwt, &seed).unwrap();
        assert_eq!(
            parse_creds(text.expose()).unwrap(),
            UserCreds {
                jwt: jwt.clone(),
                seed: seed.clone()
            }
        );
        let messy: String = text
            .expose()
            .lines()
            .map(|line| format!("  {line}  \r\n"))
            .collect();
        let parsed = parse_creds(&format!("\r\n{messy}\r\n")).unwrap();
        assert_eq!(parsed.jwt, jwt);
        assert_eq!(parsed.seed, seed);
    }

    #[test]
    fn a_seed_of_another_user_is_refused_without_showing_it() {
        let (jwt, _) = fixture();
        let other = KeyPair::new_from_raw(nkeys::KeyPairType::User, [3; 32]).unwrap();
        let other_seed = other.seed().unwrap();
        let err = format_user_creds(&jwt, &Secret::new(other_seed.clone())).unwrap_err();
        assert!(matches!(err, CredsError::SeedMismatch { .. }), "{err}");
        assert!(!err.to_string().contains(&other_seed));
        assert!(!format!("{err:?}").contains(&other_seed));
    }

    #[test]
    fn non_user_material_is_refused() {
        let (jwt, _) = fixture();
        let account_seed = KeyPair::new_from_raw(nkeys::KeyPairType::Account, [4; 32])
            .unwrap()
            .seed()
            .unwrap();
        let err = format_user_creds(&jwt, &Secret::new(account_seed.clone())).unwrap_err();
        assert!(matches!(err, CredsError::BadSeed));
        assert!(!format!("{err} {err:?}").contains(&account_seed));

        let operator = KeyPair::new_from_raw(nkeys::KeyPairType::Operator, [5; 32]).unwrap();
        let account_claims = Claims::new(
            KeyPair::new_account().public_key(),
            "A",
            crate::nats::jwt::Account::default(),
        );
        let account_jwt = encode(&account_claims, &operator).unwrap();
        let (_, seed) = fixture();
        assert!(matches!(
            format_user_creds(&account_jwt, &seed),
            Err(CredsError::NotUserJwt(_))
        ));
        assert!(matches!(
            parse_creds("no blocks here"),
            Err(CredsError::MissingBlock("JWT"))
        ));
    }

    #[test]
    fn debug_of_parsed_creds_hides_the_seed() {
        let (jwt, seed) = fixture();
        let text = format_user_creds(&jwt, &seed).unwrap();
        let parsed = parse_creds(text.expose()).unwrap();
        assert!(!format!("{parsed:?}").contains(seed.expose()));
        assert!(!format!("{text:?}").contains(seed.expose()));
    }
}
