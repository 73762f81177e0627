//! What a configured provider instance hands to its resources: one lazily opened,
//! reconnecting connection (and one for the system account when configured), shared by
//! every request of this instance.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::nats::claims::ResolverCache;
use crate::nats::{ConnectError, JetStreamApi, SharedConnection, SystemApi};

pub struct NatsClient {
    state: ClientState,
    /// The account resolver's servers, learned once per provider instance (AUTH).
    resolver: ResolverCache,
}

enum ClientState {
    Ready {
        main: SharedConnection,
        system: Option<SharedConnection>,
        jetstream_domain: Option<String>,
    },
    /// The provider block depends on values known only after apply; nothing can be
    /// reached yet, but planning must go on.
    Deferred,
}

impl NatsClient {
    pub fn ready(
        main: SharedConnection,
        system: Option<SharedConnection>,
        jetstream_domain: Option<String>,
    ) -> Self {
        NatsClient {
            state: ClientState::Ready {
                main,
                system,
                jetstream_domain,
            },
            resolver: ResolverCache::default(),
        }
    }

    pub fn deferred() -> Self {
        NatsClient {
            state: ClientState::Deferred,
            resolver: ResolverCache::default(),
        }
    }

    /// What this instance learned about the account resolver's servers.
    pub fn resolver_cache(&self) -> &ResolverCache {
        &self.resolver
    }

    /// The shared connection, opened on first use.
    pub async fn connection(&self) -> Result<async_nats::Client, Diagnostics> {
        match &self.state {
            ClientState::Ready { main, .. } => main.client().await.map_err(connect_diagnostic),
            ClientState::Deferred => Err(deferred_diagnostic()),
        }
    }

    /// The system-account connection, or `None` when no system credentials are set.
    pub async fn system(&self) -> Result<Option<SystemApi>, Diagnostics> {
        match &self.state {
            ClientState::Ready {
                system: Some(system),
                ..
            } => Ok(Some(SystemApi::new(
                system.client().await.map_err(connect_diagnostic)?,
            ))),
            ClientState::Ready { system: None, .. } => Ok(None),
            ClientState::Deferred => Err(deferred_diagnostic()),
        }
    }

    /// JetStream in `domain`, or in the provider's default domain when `None`.
    pub async fn jetstream(&self, domain: Option<&str>) -> Result<JetStreamApi, Diagnostics> {
        let client = self.connection().await?;
        let domain = domain.map(str::to_string).or_else(|| self.default_domain());
        let api = JetStreamApi::new(client, domain);
        // Every call, retries of a healing cluster included, fits in `timeout`.
        Ok(match &self.state {
            ClientState::Ready { main, .. } => api.with_timeout(main.options().timeout),
            ClientState::Deferred => api,
        })
    }

    pub fn default_domain(&self) -> Option<String> {
        match &self.state {
            ClientState::Ready {
                jetstream_domain, ..
            } => jetstream_domain.clone(),
            ClientState::Deferred => None,
        }
    }
}

fn connect_diagnostic(error: ConnectError) -> Diagnostics {
    Diagnostic::error("Cannot connect to NATS", error.to_string()).into()
}

fn deferred_diagnostic() -> Diagnostics {
    Diagnostic::error(
        "Provider configuration not known yet",
        "The provider block uses values that are only known after apply, so NATS cannot be reached during this plan. Apply the resources it depends on first (e.g. with -target), or split the configuration.",
    )
    .into()
}
