//! The permission and limit attributes users, scoped signing key templates and an
//! account's default permissions have in common, and their models.

use super::auth_common::{format_duration_nanos, parse_duration_nanos, DURATION};
use crate::framework::schema::{Attribute, Nesting};
use crate::framework::validators::{Each, OneOf, StringRule};
use crate::nats::jwt::{
    Permission, Permissions, ResponsePermission, TimeRange, UserPermissionLimits, NO_LIMIT,
};
use crate::provider::rules::check_subject;
use serde::{Deserialize, Serialize};

/// Time windows are `HH:MM:SS`, as nats-server parses them.
fn clock_rule(text: &str) -> Result<(), String> {
    let parts: Vec<&str> = text.split(':').collect();
    let ok = parts.len() == 3
        && parts
            .iter()
            .all(|p| p.len() == 2 && p.chars().all(|c| c.is_ascii_digit()))
        && parts[0] < "24"
        && parts[1] < "60"
        && parts[2] < "60";
    if ok {
        Ok(())
    } else {
        Err(format!("{text:?} is not a time of day as HH:MM:SS"))
    }
}

const CLOCK: StringRule = StringRule {
    allowed: "a time of day as `HH:MM:SS`",
    rule: clock_rule,
};

/// A subscribe permission may name a queue group after the subject (`orders.* workers`).
fn subscribe_rule(text: &str) -> Result<(), String> {
    match text.split_once(' ') {
        Some((subject, queue)) if !queue.trim().is_empty() && !queue.contains(' ') => {
            check_subject(subject)
        }
        Some(_) => Err(format!("{text:?}: expected `subject` or `subject queue`")),
        None => check_subject(text),
    }
}

const PUBLISH_SUBJECT: StringRule = StringRule {
    allowed: "a NATS subject",
    rule: check_subject,
};
const SUBSCRIBE_SUBJECT: StringRule = StringRule {
    allowed: "a NATS subject, optionally followed by a queue group name",
    rule: subscribe_rule,
};

fn cidr_rule(text: &str) -> Result<(), String> {
    let (address, bits) = text.split_once('/').unwrap_or((text, ""));
    let max = match address.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => 32,
        Ok(std::net::IpAddr::V6(_)) => 128,
        Err(_) => return Err(format!("{text:?} is not an IP address or CIDR block")),
    };
    if bits.is_empty() || bits.parse::<u8>().is_ok_and(|b| b <= max) {
        Ok(())
    } else {
        Err(format!("{text:?} has an invalid prefix length"))
    }
}

/// An IANA zone name as Go's `time.LoadLocation` (the server) reads it; `Local` is
/// the server's own zone.
fn zone_rule(text: &str) -> Result<(), String> {
    if text == "Local" || text.parse::<chrono_tz::Tz>().is_ok() {
        Ok(())
    } else {
        Err(format!(
            "{text:?} is not an IANA time zone name: the server would refuse every connect"
        ))
    }
}

const ZONE: StringRule = StringRule {
    allowed: "an IANA time zone name such as `Europe/Berlin`, `America/New_York` or `UTC`",
    rule: zone_rule,
};

const CIDR: StringRule = StringRule {
    allowed: "an IP address or CIDR block",
    rule: cidr_rule,
};

pub const CONNECTION_TYPES: &[&str] = &[
    "STANDARD",
    "WEBSOCKET",
    "LEAFNODE",
    "LEAFNODE_WS",
    "MQTT",
    "MQTT_WS",
    "IN_PROCESS",
];

// --- permissions ------------------------------------------------------------------

/// Publish/subscribe permissions as written in configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PermissionsModel {
    pub pub_allow: Option<Vec<String>>,
    pub pub_deny: Option<Vec<String>>,
    pub sub_allow: Option<Vec<String>>,
    pub sub_deny: Option<Vec<String>>,
    pub allow_responses: Option<ResponsesModel>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponsesModel {
    pub max: Option<i64>,
    pub ttl: Option<String>,
}

/// The four subject lists and the response permission.
pub fn permission_attributes(who: &str) -> Vec<Attribute> {
    let subjects = |name: &str, text: String, rule| {
        Attribute::string_list(name)
            .optional()
            .description(text)
            .validate(Each(rule))
    };
    vec![
        subjects("pub_allow", format!("Subjects {who} may publish to (empty: any)."), PUBLISH_SUBJECT),
        subjects("pub_deny", format!("Subjects {who} may not publish to."), PUBLISH_SUBJECT),
        subjects("sub_allow", format!("Subjects {who} may subscribe to, optionally with a queue group (`orders.* workers`)."), SUBSCRIBE_SUBJECT),
        subjects("sub_deny", format!("Subjects {who} may not subscribe to."), SUBSCRIBE_SUBJECT),
        Attribute::nested(
            "allow_responses",
            Nesting::Single,
            vec![
                Attribute::number("max")
                    .default(1)
                    .description("Replies allowed per request received."),
                Attribute::string("ttl")
                    .optional()
                    .description("How long the permission to reply lasts (no limit when unset).")
                    .validate(DURATION),
            ],
        )
        .optional()
        .description(format!("Lets {who} publish to the reply subject of requests it received, even where publishing is not otherwise allowed.")),
    ]
}

/// A list attribute as configured: unset when empty.
pub fn non_empty(list: &[String]) -> Option<Vec<String>> {
    (!list.is_empty()).then(|| list.to_vec())
}

fn responses_from(response: Option<&ResponsePermission>) -> Option<ResponsesModel> {
    response.map(|r| ResponsesModel {
        max: Some(r.max),
        ttl: (r.ttl != 0).then(|| format_duration_nanos(r.ttl)),
    })
}

impl PermissionsModel {
    /// The arguments stating `permissions` (for import); `None` when they say nothing.
    pub fn from_claims(permissions: &Permissions) -> Option<PermissionsModel> {
        (!permissions.is_empty()).then(|| PermissionsModel {
            pub_allow: non_empty(&permissions.publish.allow),
            pub_deny: non_empty(&permissions.publish.deny),
            sub_allow: non_empty(&permissions.subscribe.allow),
            sub_deny: non_empty(&permissions.subscribe.deny),
            allow_responses: responses_from(permissions.response.as_ref()),
        })
    }

    pub fn publish(&self) -> Permission {
        Permission {
            allow: self.pub_allow.clone().unwrap_or_default(),
            deny: self.pub_deny.clone().unwrap_or_default(),
        }
    }

    pub fn subscribe(&self) -> Permission {
        Permission {
            allow: self.sub_allow.clone().unwrap_or_default(),
            deny: self.sub_deny.clone().unwrap_or_default(),
        }
    }

    pub fn response(&self) -> Option<ResponsePermission> {
        self.allow_responses.as_ref().map(|r| ResponsePermission {
            max: r.max.unwrap_or(1),
            ttl: r
                .ttl
                .as_deref()
                .and_then(|t| parse_duration_nanos(t).ok())
                .unwrap_or(0),
        })
    }
}

/// What a user may do, as written in configuration (users and scoped signing keys).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
///
/// Flat, without `#[serde(flatten)]`: flattening buffers values and loses the exact
/// numbers the typed layer relies on.
pub struct UserLimitsModel {
    pub pub_allow: Option<Vec<String>>,
    pub pub_deny: Option<Vec<String>>,
    pub sub_allow: Option<Vec<String>>,
    pub sub_deny: Option<Vec<String>>,
    pub allow_responses: Option<ResponsesModel>,
    pub source_networks: Option<Vec<String>>,
    pub connect_times: Option<Vec<TimeWindow>>,
    pub connect_times_location: Option<String>,
    pub max_subscriptions: Option<i64>,
    pub max_data: Option<i64>,
    pub max_payload: Option<i64>,
    pub bearer_token: Option<bool>,
    pub allowed_connection_types: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeWindow {
    pub start: String,
    pub end: String,
}

/// Permissions plus connection limits, for users and scoped signing key templates.
pub fn user_limit_attributes(who: &str) -> Vec<Attribute> {
    let limit = |name: &str, text: &str| {
        Attribute::number(name)
            .default(NO_LIMIT)
            .description(format!("{text} `-1` is unlimited."))
    };
    let mut attributes = permission_attributes(who);
    attributes.extend([
        Attribute::string_list("source_networks")
            .optional()
            .description(format!("IP addresses or CIDR blocks {who} may connect from (empty: anywhere)."))
            .validate(Each(CIDR)),
        Attribute::nested(
            "connect_times",
            Nesting::List,
            vec![
                Attribute::string("start").required().description("Start of the window, `HH:MM:SS`.").validate(CLOCK),
                Attribute::string("end").required().description("End of the window, `HH:MM:SS`.").validate(CLOCK),
            ],
        )
        .optional()
        .description(format!("Daily windows in which {who} may connect (empty: any time).")),
        Attribute::string("connect_times_location")
            .optional()
            .validate(ZONE)
            .description("IANA time zone of `connect_times`, e.g. `Europe/Berlin` (default: the server's)."),
        limit("max_subscriptions", "Subscriptions per connection."),
        limit("max_data", "Bytes in flight per connection."),
        limit("max_payload", "Largest message payload, in bytes."),
        Attribute::bool("bearer_token")
            .default(false)
            .description("Allow connecting with the JWT alone, without proving the seed. The account may forbid it (`disallow_bearer`)."),
        Attribute::string_set("allowed_connection_types")
            .optional()
            .description("Connection types allowed (empty: all), e.g. `[\"LEAFNODE\"]` for a leaf node remote's user.")
            .validate(Each(OneOf(CONNECTION_TYPES))),
    ]);
    attributes
}

impl UserLimitsModel {
    fn permissions(&self) -> PermissionsModel {
        PermissionsModel {
            pub_allow: self.pub_allow.clone(),
            pub_deny: self.pub_deny.clone(),
            sub_allow: self.sub_allow.clone(),
            sub_deny: self.sub_deny.clone(),
            allow_responses: self.allow_responses.clone(),
        }
    }

    /// The arguments stating `limits` (for import), defaults written out as planning
    /// writes them.
    pub fn from_claims(limits: &UserPermissionLimits) -> UserLimitsModel {
        UserLimitsModel {
            pub_allow: non_empty(&limits.publish.allow),
            pub_deny: non_empty(&limits.publish.deny),
            sub_allow: non_empty(&limits.subscribe.allow),
            sub_deny: non_empty(&limits.subscribe.deny),
            allow_responses: responses_from(limits.response.as_ref()),
            source_networks: non_empty(&limits.src),
            connect_times: (!limits.times.is_empty()).then(|| {
                limits
                    .times
                    .iter()
                    .map(|t| TimeWindow {
                        start: t.start.clone(),
                        end: t.end.clone(),
                    })
                    .collect()
            }),
            connect_times_location: (!limits.times_location.is_empty())
                .then(|| limits.times_location.clone()),
            max_subscriptions: Some(limits.subs),
            max_data: Some(limits.data),
            max_payload: Some(limits.payload),
            bearer_token: Some(limits.bearer_token),
            allowed_connection_types: non_empty(&limits.allowed_connection_types),
        }
    }

    pub fn to_claims(&self) -> UserPermissionLimits {
        let mut types = self.allowed_connection_types.clone().unwrap_or_default();
        types.sort();
        let permissions = self.permissions();
        UserPermissionLimits {
            publish: permissions.publish(),
            subscribe: permissions.subscribe(),
            response: permissions.response(),
            src: self.source_networks.clone().unwrap_or_default(),
            times: self
                .connect_times
                .iter()
                .flatten()
                .map(|w| TimeRange {
                    start: w.start.clone(),
                    end: w.end.clone(),
                })
                .collect(),
            times_location: self.connect_times_location.clone().unwrap_or_default(),
            subs: self.max_subscriptions.unwrap_or(NO_LIMIT),
            data: self.max_data.unwrap_or(NO_LIMIT),
            payload: self.max_payload.unwrap_or(NO_LIMIT),
            bearer_token: self.bearer_token.unwrap_or(false),
            allowed_connection_types: types,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clocks_networks_and_queue_subscriptions() {
        assert!(clock_rule("08:00:00").is_ok());
        assert!(clock_rule("8:00").is_err());
        assert!(cidr_rule("10.0.0.0/8").is_ok());
        assert!(cidr_rule("10.0.0.0/33").is_err());
        assert!(subscribe_rule("orders.* workers").is_ok());
        assert!(subscribe_rule("orders..x").is_err());
        assert!(zone_rule("Europe/Berlin").is_ok());
        assert!(zone_rule("UTC").is_ok());
        assert!(zone_rule("Europe/Atlantis").is_err());
        assert!(zone_rule("CEST+2").is_err());
    }
}
