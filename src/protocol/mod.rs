//! Terraform's plugin protocol: the tfplugin6 and go-plugin contract, the handshake
//! (magic cookie, socket, AutoMTLS, reattach), hclog-style logging, and the gRPC service
//! that hands each request to a `server::ProviderServer`. Knows nothing of schemas,
//! resources or NATS.

pub mod handshake;
pub mod logging;
pub mod proto;
pub mod server;
