//! The Terraform plugin protocol (tfplugin6 over go-plugin). Knows nothing of NATS.

pub mod diagnostics;
pub mod framework;
pub mod handshake;
pub mod logging;
pub mod plan;
pub mod proto;
pub mod schema;
pub mod server;
pub mod typed;
pub mod validate;
pub mod validators;
pub mod value;
pub mod wire;
