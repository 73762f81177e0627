//! NATS clients. Knows nothing of Terraform.
//!
//! [`ConnectionSettings`] (explicit, possibly merged over a `nats` CLI context
//! from [`load_context`]) become validated [`ConnectOptions`]; [`connect`] or a
//! lazy [`SharedConnection`] turn those into an `async_nats::Client`, over which
//! [`JetStreamApi`] speaks the JetStream JSON API (any domain) and [`SystemApi`]
//! asks servers about themselves through `$SYS`.

pub mod claims;
pub mod connect;
pub mod context;
pub mod info;
pub mod jetstream;
pub mod jwt;
pub mod leafnodes;
pub mod nsc;
pub mod options;
pub mod secret;
pub mod server_config;
pub mod system;
pub mod tls;

pub use connect::{connect, ConnectError, SharedConnection};
pub use context::{context_dir, load_context, load_context_from, ContextError, ContextSettings};
pub use info::{server_info, ServerSummary};
pub use jetstream::{AccountInfo, JetStreamApi, JetStreamError};
pub use options::{
    parse_servers, Auth, ConnectOptions, ConnectionSettings, SettingsError, TlsOptions,
};
pub use secret::Secret;
pub use system::{ServerIdentity, ServerReply, SystemApi, SystemError};
pub use tls::{install_crypto_provider, TlsSetupError};
