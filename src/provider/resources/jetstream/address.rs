//! Where a JetStream object is: a name, perhaps in a JetStream domain. Import IDs
//! and state IDs spell it `DOMAIN:` in front of the name or the official provider's ID.

/// An object named by an import ID or identity, perhaps in a JetStream domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub domain: Option<String>,
    pub name: String,
}

impl Address {
    /// Accepts `NAME`, `DOMAIN:NAME`, and the official provider's `<official_prefix>NAME`
    /// (e.g. `JETSTREAM_KV_NAME`), also behind `DOMAIN:`; `check_name` is the naming
    /// rule of the object.
    pub fn parse(
        id: &str,
        official_prefix: &str,
        check_name: fn(&str) -> Result<(), String>,
    ) -> Result<Self, String> {
        // The official form without a domain names the object whole: `:` may be part of
        // a name (nats-server allows it), so `JETSTREAM_STREAM_A:B` is stream `A:B`.
        if let Some(name) = id.strip_prefix(official_prefix) {
            check_name(name)?;
            return Ok(Address {
                domain: None,
                name: name.to_string(),
            });
        }
        let (domain, rest) = split_domain(id)?;
        let name = rest.strip_prefix(official_prefix).unwrap_or(rest);
        check_name(name)?;
        Ok(Address {
            domain,
            name: name.to_string(),
        })
    }
}

/// `DOMAIN:REST` or `REST`; an empty domain is refused rather than taken as "none".
pub fn split_domain(id: &str) -> Result<(Option<String>, &str), String> {
    match id.split_once(':') {
        Some((domain, rest)) if !domain.is_empty() => {
            crate::provider::rules::check_domain(domain)?;
            Ok((Some(domain.to_string()), rest))
        }
        Some(_) => Err(format!("{id:?} has an empty domain before `:`")),
        None => Ok((None, id)),
    }
}

/// `id`, with `DOMAIN:` in front when there is a domain.
pub fn with_domain(domain: Option<&str>, id: String) -> String {
    match domain {
        Some(domain) => format!("{domain}:{id}"),
        None => id,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::rules::{check_bucket, check_name};

    fn parse(id: &str, prefix: &str) -> Result<Address, String> {
        let check = if prefix == "JETSTREAM_STREAM_" {
            check_name
        } else {
            check_bucket
        };
        Address::parse(id, prefix, check)
    }

    #[test]
    fn a_colon_in_a_name_survives_its_own_ids() {
        let plain = parse("JETSTREAM_STREAM_A:B", "JETSTREAM_STREAM_").unwrap();
        assert_eq!((plain.domain, plain.name.as_str()), (None, "A:B"));
        let domained = parse("hub:JETSTREAM_STREAM_A:B", "JETSTREAM_STREAM_").unwrap();
        assert_eq!(
            (domained.domain.as_deref(), domained.name.as_str()),
            (Some("hub"), "A:B")
        );
    }

    #[test]
    fn import_ids_in_every_accepted_form() {
        let plain = parse("config", "JETSTREAM_KV_").unwrap();
        assert_eq!(
            (plain.domain.as_deref(), plain.name.as_str()),
            (None, "config")
        );
        assert_eq!(
            parse("JETSTREAM_KV_config", "JETSTREAM_KV_").unwrap(),
            plain
        );
        let domained = parse("hub:JETSTREAM_KV_config", "JETSTREAM_KV_").unwrap();
        assert_eq!(domained.domain.as_deref(), Some("hub"));
        assert_eq!(domained.name, "config");
        assert_eq!(parse("hub:config", "JETSTREAM_KV_").unwrap(), domained);
        let stream = parse("hub:JETSTREAM_STREAM_ORDERS", "JETSTREAM_STREAM_").unwrap();
        assert_eq!(stream.name, "ORDERS");
        for bad in [":config", "a.b", "hub:", "a b:config", "hub:a*b"] {
            assert!(parse(bad, "JETSTREAM_KV_").is_err(), "{bad:?} accepted");
        }
        // Stream names may hold characters bucket names may not.
        assert!(parse("ORDERS=1", "JETSTREAM_STREAM_").is_ok());
        assert!(parse("ORDERS=1", "JETSTREAM_KV_").is_err());
    }

    #[test]
    fn ids_carry_the_domain_in_front() {
        assert_eq!(with_domain(Some("hub"), "X".into()), "hub:X");
        assert_eq!(with_domain(None, "X".into()), "X");
    }
}
