//! What the server said about itself in the INFO line of this connection:
//! free to read, and enough for a `nats_server` data source without `$SYS`.

use async_nats::Client;

/// The connected server, with empty strings turned into `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSummary {
    pub server_id: String,
    pub server_name: String,
    pub version: String,
    pub host: String,
    pub port: u16,
    pub cluster: Option<String>,
    /// The JetStream domain, when the server has one.
    pub domain: Option<String>,
    pub jetstream: bool,
    pub max_payload: usize,
    pub auth_required: bool,
    pub tls_required: bool,
    /// This client's address as the server sees it.
    pub client_ip: Option<String>,
}

/// Reads the INFO the client received on its current connection.
pub fn server_info(client: &Client) -> ServerSummary {
    summarize(client.server_info())
}

fn summarize(info: async_nats::ServerInfo) -> ServerSummary {
    let non_empty = |text: Option<String>| text.filter(|t| !t.is_empty());
    ServerSummary {
        server_id: info.server_id,
        server_name: info.server_name,
        version: info.version,
        host: info.host,
        port: info.port,
        cluster: non_empty(info.cluster),
        domain: non_empty(info.domain),
        jetstream: info.jetstream,
        max_payload: info.max_payload,
        auth_required: info.auth_required,
        tls_required: info.tls_required,
        client_ip: non_empty(Some(info.client_ip)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_strings_from_info_become_none() {
        let info = async_nats::ServerInfo {
            server_id: "NABC".into(),
            server_name: "hub-1".into(),
            version: "2.15.1".into(),
            cluster: Some(String::new()),
            domain: Some("hub".into()),
            jetstream: true,
            ..Default::default()
        };
        let summary = summarize(info);
        assert_eq!(summary.cluster, None);
        assert_eq!(summary.domain.as_deref(), Some("hub"));
        assert_eq!(summary.client_ip, None);
        assert!(summary.jetstream);
    }
}
