//! Terraform's plugin protocol: the tfplugin6 and go-plugin contract, the handshake
//! (magic cookie, socket, AutoMTLS, reattach) and hclog-style logging. Knows nothing
//! of schemas, resources or NATS.

pub mod handshake;
pub mod logging;
pub mod proto;
