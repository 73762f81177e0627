//! Decoding a JetStream reply in one pass.
//!
//! Every reply may carry an `error` object, and failed replies also carry
//! zeroed success fields (a failed delete still says `"success": false`), so
//! the error must win over whatever else decodes. Rather than parsing the
//! bytes twice (once for `error`, once for the reply), the reply's map is read
//! once: the `error` key is taken aside while every other key goes to the
//! reply type. The server writes `error` right after `type`, so a reply whose
//! other keys do not fit still reports the server's error.

use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::Deserializer as _;

use super::error::{ApiError, JetStreamError};

/// Decodes a JetStream reply from `subject`: the server's error when it
/// sent one, else the reply as `Resp`.
pub fn decode_reply<Resp: DeserializeOwned>(
    subject: &str,
    reply: &[u8],
) -> Result<Resp, JetStreamError> {
    let mut error = None;
    let mut json = serde_json::Deserializer::from_slice(reply);
    let decoded = json
        .deserialize_map(ReplyVisitor {
            error: &mut error,
            reply: PhantomData::<Resp>,
        })
        .and_then(|value| json.end().map(|()| value));
    match (error, decoded) {
        (Some(error), _) => Err(JetStreamError::Api(error)),
        (None, Ok(value)) => Ok(value),
        (None, Err(source)) => Err(JetStreamError::Decode {
            subject: subject.to_owned(),
            source,
        }),
    }
}

struct ReplyVisitor<'e, Resp> {
    error: &'e mut Option<ApiError>,
    reply: PhantomData<Resp>,
}

impl<'de, Resp: DeserializeOwned> Visitor<'de> for ReplyVisitor<'_, Resp> {
    type Value = Resp;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JetStream API reply (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Resp, A::Error> {
        let rest = WithoutError {
            inner: map,
            error: self.error,
        };
        Resp::deserialize(de::value::MapAccessDeserializer::new(rest))
    }
}

/// The reply's map with its `error` entry taken out into `error`.
struct WithoutError<'e, A> {
    inner: A,
    error: &'e mut Option<ApiError>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for WithoutError<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        while let Some(key) = self.inner.next_key::<String>()? {
            if key == "error" {
                *self.error = self.inner.next_value()?;
                continue;
            }
            return seed
                .deserialize(IntoDeserializer::<A::Error>::into_deserializer(key))
                .map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.inner.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nats::jetstream::ErrorCode;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Deleted {
        #[serde(default)]
        success: bool,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Named {
        name: String,
        #[serde(default)]
        total: u64,
    }

    const NOT_FOUND: &str = r#"{"type":"io.nats.jetstream.api.v1.stream_delete_response","error":{"code":404,"err_code":10059,"description":"stream not found"},"success":false}"#;

    #[test]
    fn the_error_wins_over_zeroed_success_fields() {
        let err =
            decode_reply::<Deleted>("$JS.API.STREAM.DELETE.X", NOT_FOUND.as_bytes()).unwrap_err();
        assert_eq!(err.err_code(), Some(ErrorCode::STREAM_NOT_FOUND));
        assert_eq!(
            err.api_error().map(|e| (e.code, e.description.as_str())),
            Some((404, "stream not found"))
        );
    }

    #[test]
    fn the_error_wins_over_missing_success_fields() {
        let err = decode_reply::<Named>("$JS.API.STREAM.INFO.X", NOT_FOUND.as_bytes()).unwrap_err();
        assert_eq!(err.err_code(), Some(ErrorCode::STREAM_NOT_FOUND));
    }

    #[test]
    fn a_reply_without_error_decodes_every_other_key() {
        let named: Named = decode_reply(
            "s",
            br#"{"type":"t","name":"ORDERS","total":3,"extra":[1,{"a":null}]}"#,
        )
        .unwrap();
        assert_eq!(
            named,
            Named {
                name: "ORDERS".into(),
                total: 3
            }
        );
        let as_json: serde_json::Value =
            decode_reply("s", br#"{"name":"x","error":null,"n":1}"#).unwrap();
        assert_eq!(as_json, serde_json::json!({"name": "x", "n": 1}));
    }

    #[test]
    fn malformed_replies_are_decode_errors_naming_the_subject() {
        let cases: [&[u8]; 8] = [
            b"",
            b"not json",
            br#"{"name":"x""#,
            br#"{"name":7}"#,
            br#"["name"]"#,
            br#"{"name":"x"} trailing"#,
            br#"{"error":"boom"}"#,
            br#"{"error":{"code":"404"}}"#,
        ];
        for reply in cases {
            let err = decode_reply::<Named>("$JS.API.INFO", reply).unwrap_err();
            assert!(
                matches!(&err, JetStreamError::Decode { subject, .. } if subject == "$JS.API.INFO"),
                "{:?} gave {err}",
                String::from_utf8_lossy(reply)
            );
            assert!(std::error::Error::source(&err).is_some(), "{err}");
        }
    }
}
