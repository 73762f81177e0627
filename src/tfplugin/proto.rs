//! Rust types generated from `proto/` by `build.rs`: the tfplugin6 wire contract
//! Terraform speaks, and the go-plugin services every plugin process must offer.
//!
//! The server side lives in `tfplugin6::provider_server` and
//! `plugin::{grpc_controller_server, grpc_stdio_server, grpc_broker_server}`.

/// Terraform's provider protocol, version 6 (messages, `Provider` service).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod tfplugin6 {
    tonic::include_proto!("tfplugin6");
}

/// go-plugin's housekeeping services (controller, stdio, broker).
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod plugin {
    tonic::include_proto!("plugin");
}
