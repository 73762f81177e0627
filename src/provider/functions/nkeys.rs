//! `public_key(seed)`, `creds(jwt, seed)` and `decode_jwt(jwt)`.

use crate::framework::value::{Number, Type, Value};
use crate::framework::{Function, FunctionDefinition, FunctionError, Parameter};
use crate::nats::jwt::{self, format_user_creds};
use crate::nats::Secret;
use crate::provider::resources::auth_common::inspect_seed;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use std::str::FromStr;

fn string_argument(arguments: &[Value], index: usize) -> Result<&str, FunctionError> {
    arguments
        .get(index)
        .and_then(Value::as_str)
        .ok_or_else(|| FunctionError::argument(index, "expected a string"))
}

/// The public key of a seed, e.g. to name a key kept outside Terraform.
pub struct PublicKeyFunction;

impl Function for PublicKeyFunction {
    fn name(&self) -> &'static str {
        "public_key"
    }

    fn definition(&self) -> FunctionDefinition {
        FunctionDefinition {
            summary: "The public key of an nkey seed",
            description: "Returns the public key (`O...`, `A...`, `U...`, `N...`, `C...` or `X...`) of an nkey seed (`S...`). The seed is not echoed in any error.",
            parameters: vec![Parameter {
                name: "seed",
                ty: Type::String,
                description: "An nkey seed.",
                allow_null: false,
            }],
            returns: Type::String,
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        let seed = string_argument(arguments, 0)?;
        inspect_seed(seed)
            .map(|(_, public_key)| Value::string(public_key))
            .map_err(|problem| FunctionError::argument(0, format!("the seed {problem}")))
    }
}

/// The creds file text of a user JWT and the user's seed.
pub struct CredsFunction;

impl Function for CredsFunction {
    fn name(&self) -> &'static str {
        "creds"
    }

    fn definition(&self) -> FunctionDefinition {
        FunctionDefinition {
            summary: "Creds file text from a user JWT and its seed",
            description: "Returns the `.creds` text NATS clients read, refusing a JWT that is not a user's or a seed that does not belong to it. Mark what you store it in as sensitive.",
            parameters: vec![
                Parameter {
                    name: "jwt",
                    ty: Type::String,
                    description: "A user JWT.",
                    allow_null: false,
                },
                Parameter {
                    name: "seed",
                    ty: Type::String,
                    description: "The user's seed (`SU...`).",
                    allow_null: false,
                },
            ],
            returns: Type::String,
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        let token = string_argument(arguments, 0)?;
        let seed = Secret::new(string_argument(arguments, 1)?);
        let creds = format_user_creds(token, &seed).map_err(|e| {
            let argument = match e {
                jwt::CredsError::NotUserJwt(_) => 0,
                _ => 1,
            };
            FunctionError::argument(argument, e.to_string())
        })?;
        Ok(Value::string(creds.expose()))
    }
}

/// The claims of a JWT as an object, after checking its signature.
pub struct DecodeJwtFunction;

impl Function for DecodeJwtFunction {
    fn name(&self) -> &'static str {
        "decode_jwt"
    }

    fn definition(&self) -> FunctionDefinition {
        FunctionDefinition {
            summary: "The claims of a NATS JWT",
            description: "Verifies a NATS JWT's signature against its issuer and returns its payload as an object (`sub`, `iss`, `iat`, `name`, `nats`, ...). Whether the issuer is trusted is for the caller to judge.",
            parameters: vec![Parameter {
                name: "jwt",
                ty: Type::String,
                description: "A NATS JWT (operator, account, user or activation).",
                allow_null: false,
            }],
            returns: Type::Dynamic,
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        let token = string_argument(arguments, 0)?.trim();
        jwt::decode(token).map_err(|e| FunctionError::argument(0, e.to_string()))?;
        let payload = token
            .split('.')
            .nth(1)
            .and_then(|part| URL_SAFE_NO_PAD.decode(part).ok())
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
            .ok_or_else(|| FunctionError::argument(0, "the JWT payload is not JSON"))?;
        json_value(&payload).ok_or_else(|| {
            FunctionError::argument(0, "the JWT holds a number Terraform cannot represent")
        })
    }
}

/// JSON as a Terraform value: arrays become tuples (their elements may differ in type,
/// as plain and scoped signing keys do), objects become objects.
fn json_value(json: &serde_json::Value) -> Option<Value> {
    use serde_json::Value as J;
    Some(match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => Value::Number(Number::from_str(&n.to_string()).ok()?),
        J::String(s) => Value::String(s.clone()),
        J::Array(items) => Value::Tuple(items.iter().map(json_value).collect::<Option<_>>()?),
        J::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| Some((k.clone(), json_value(v)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::resources::auth_common::KeyKind;

    #[test]
    fn public_key_of_a_seed_and_a_bad_seed() {
        let (public_key, seed) = KeyKind::User.generate().unwrap();
        let got = PublicKeyFunction
            .call(&[Value::string(seed.expose())])
            .unwrap();
        assert_eq!(got, Value::string(public_key));
        let error = PublicKeyFunction
            .call(&[Value::string("SUnope")])
            .unwrap_err();
        assert_eq!(error.argument, Some(0));
        assert!(!error.text.contains("SUnope"));
    }

    #[test]
    fn decode_and_creds_round_trip() {
        let account = nkeys::KeyPair::new_account();
        let (user, seed) = KeyKind::User.generate().unwrap();
        let claims = jwt::Claims::new(&user, "alice", jwt::User::default());
        let token = jwt::encode(&claims, &account).unwrap();
        let decoded = DecodeJwtFunction.call(&[Value::string(&token)]).unwrap();
        assert_eq!(decoded.attr("sub"), Some(&Value::string(&user)));
        assert_eq!(decoded.attr("name"), Some(&Value::string("alice")));
        assert!(decoded.implied_type().is_some());
        let creds = CredsFunction
            .call(&[Value::string(&token), Value::string(seed.expose())])
            .unwrap();
        assert!(creds.as_str().unwrap().contains(&token));
        let (_, other_seed) = KeyKind::User.generate().unwrap();
        let mismatch = CredsFunction
            .call(&[Value::string(&token), Value::string(other_seed.expose())])
            .unwrap_err();
        assert_eq!(mismatch.argument, Some(1));
        let tampered = format!("{token}x");
        assert!(DecodeJwtFunction.call(&[Value::string(tampered)]).is_err());
    }
}
