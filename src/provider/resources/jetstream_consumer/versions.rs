//! Settings newer than the server. nats-server ignores fields it does not know, so a
//! consumer with, say, `priority_policy = "pinned_client"` sent to 2.10 is created
//! without it and reads back as something else. Each such setting needs a JetStream API
//! level (nats-server's `setStaticConsumerMetadata` records the one a consumer needs);
//! the server of the consumer's domain reports its own in `$JS.API.INFO`. A setting
//! above it is refused before anything is created, naming the version needed.

use super::model::ConsumerModel;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::value::AttributePath;
use crate::nats::jetstream::{AckPolicy, JetStreamApi, PriorityPolicy};
use crate::provider::client::NatsClient;

/// The first nats-server release of each API level a consumer setting needs.
const RELEASES: [(u64, &str); 3] = [(1, "2.11"), (2, "2.12"), (4, "2.14")];

/// The first nats-server version that serves `level`.
pub fn release_of(level: u64) -> &'static str {
    RELEASES
        .iter()
        .find(|(at, _)| *at == level)
        .map_or("a newer release", |(_, release)| release)
}

/// One setting of the consumer and the API level it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs {
    pub attribute: &'static str,
    pub setting: String,
    pub level: u64,
}

fn needs(attribute: &'static str, setting: String, level: u64) -> Needs {
    Needs {
        attribute,
        setting,
        level,
    }
}

/// The settings of `consumer` that need an API level above 0 (nats-server 2.10).
/// Priority groups and the pin timeout come with a priority policy (the rules of
/// `validate.rs` refuse them without one), so the policy speaks for all three.
pub fn newer_settings(consumer: &ConsumerModel) -> Vec<Needs> {
    let mut found = Vec::new();
    if let Some(policy) = consumer.priority_policy.known().filter(|p| !p.is_none()) {
        let level = if *policy == PriorityPolicy::Prioritized {
            2
        } else {
            1
        };
        let name = serde_json::to_value(policy)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        found.push(needs(
            "priority_policy",
            format!("`priority_policy = \"{name}\"`"),
            level,
        ));
    }
    if consumer.pause_until.is_known() {
        found.push(needs("pause_until", "`pause_until`".into(), 1));
    }
    if consumer.ack_policy.known() == Some(&AckPolicy::FlowControl) {
        found.push(needs(
            "ack_policy",
            "`ack_policy = \"flow_control\"`".into(),
            4,
        ));
    }
    found
}

/// Diagnostics for the settings of `consumer` above `level`, the API level the
/// server answered; `server` describes that server (its version when known).
pub fn refusals(consumer: &ConsumerModel, level: u64, server: &str) -> Diagnostics {
    let mut out = Diagnostics::new();
    for found in newer_settings(consumer)
        .into_iter()
        .filter(|n| n.level > level)
    {
        out.attribute_error(
            &AttributePath::attr(found.attribute),
            "Setting needs a newer nats-server",
            format!(
                "{} needs nats-server {} or newer (JetStream API level {}); {server} serves API level {level}. nats-server ignores settings it does not know, so the consumer would be created without it. Remove the setting or upgrade the server.",
                found.setting,
                release_of(found.level),
                found.level,
            ),
        );
    }
    out
}

/// The server the consumer's JetStream requests reach, for messages: with its version
/// when it is the server this connection talks to (no other domain named).
async fn describe(client: &NatsClient, domain: Option<&str>) -> String {
    let version = match client.connection().await {
        Ok(connection) => {
            let info = crate::nats::server_info(&connection);
            let same_domain = domain.is_none() || domain == info.domain.as_deref();
            same_domain.then_some(info.version)
        }
        Err(_) => None,
    };
    match (domain, version) {
        (_, Some(version)) => format!("the server (nats-server {version})"),
        (Some(domain), None) => format!("the JetStream server of domain {domain}"),
        (None, None) => "the server".to_string(),
    }
}

/// Refusals for `consumer` against the API level its server reports. Nothing when
/// the consumer needs no newer setting, or when the level cannot be read (the server
/// then judges the request itself).
pub async fn check(
    client: &NatsClient,
    api: &JetStreamApi,
    consumer: &ConsumerModel,
) -> Diagnostics {
    let needed = newer_settings(consumer);
    if needed.is_empty() {
        return Diagnostics::new();
    }
    let level = match api.account_info().await {
        Ok(info) => info.api.level,
        Err(error) => {
            tracing::debug!(%error, "JetStream API level not read; the server judges the consumer");
            return Diagnostics::new();
        }
    };
    if needed.iter().all(|n| n.level <= level) {
        return Diagnostics::new();
    }
    let domain = consumer
        .effective_domain()
        .or_else(|| client.default_domain());
    let server = describe(client, domain.as_deref()).await;
    refusals(consumer, level, &server)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Field;

    fn consumer() -> ConsumerModel {
        ConsumerModel {
            priority_policy: Field::Known(PriorityPolicy::None),
            priority_timeout: Field::Known(0),
            ack_policy: Field::Known(AckPolicy::Explicit),
            ..ConsumerModel::default()
        }
    }

    fn levels(consumer: &ConsumerModel) -> Vec<(&'static str, u64)> {
        newer_settings(consumer)
            .iter()
            .map(|n| (n.attribute, n.level))
            .collect()
    }

    #[test]
    fn plain_consumers_need_no_newer_server() {
        assert_eq!(levels(&consumer()), vec![]);
        assert!(refusals(&consumer(), 0, "the server").is_empty());
    }

    #[test]
    fn each_newer_setting_names_its_level() {
        let pinned = ConsumerModel {
            priority_policy: Field::Known(PriorityPolicy::PinnedClient),
            priority_groups: Field::Known(vec!["g".into()]),
            priority_timeout: Field::Known(120),
            pause_until: Field::Known("2030-01-01T00:00:00Z".into()),
            ..consumer()
        };
        assert_eq!(
            levels(&pinned),
            vec![("priority_policy", 1), ("pause_until", 1)]
        );
        let prioritized = ConsumerModel {
            priority_policy: Field::Known(PriorityPolicy::Prioritized),
            ack_policy: Field::Known(AckPolicy::FlowControl),
            ..consumer()
        };
        assert_eq!(
            levels(&prioritized),
            vec![("priority_policy", 2), ("ack_policy", 4)]
        );
        // Not known yet: judged once it is.
        let unknown = ConsumerModel {
            priority_policy: Field::Unknown,
            pause_until: Field::Unknown,
            ack_policy: Field::Unknown,
            ..consumer()
        };
        assert_eq!(levels(&unknown), vec![]);
    }

    #[test]
    fn refusals_name_the_release_and_the_server() {
        let consumer = ConsumerModel {
            priority_policy: Field::Known(PriorityPolicy::Prioritized),
            priority_groups: Field::Known(vec!["g".into()]),
            pause_until: Field::Known("2030-01-01T00:00:00Z".into()),
            ..consumer()
        };
        let on_2_11 = refusals(&consumer, 1, "the server (nats-server 2.11.4)");
        let found: Vec<_> = on_2_11.iter().collect();
        assert_eq!(
            found.len(),
            1,
            "only the prioritized policy is above level 1"
        );
        assert_eq!(found[0].path, Some(AttributePath::attr("priority_policy")));
        assert!(found[0].detail.starts_with(
            "`priority_policy = \"prioritized\"` needs nats-server 2.12 or newer (JetStream API level 2); the server (nats-server 2.11.4) serves API level 1."
        ));
        assert_eq!(refusals(&consumer, 0, "the server").iter().count(), 2);
        assert!(refusals(&consumer, 2, "the server").is_empty());
    }

    #[test]
    fn levels_map_to_their_first_release() {
        assert_eq!(release_of(1), "2.11");
        assert_eq!(release_of(2), "2.12");
        assert_eq!(release_of(4), "2.14");
        assert_eq!(release_of(3), "a newer release");
    }
}
