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

#[cfg(test)]
mod tests {
    use prost::Message;
    use prost_types::{FileDescriptorSet, MethodDescriptorProto};

    /// The descriptors `build.rs` compiled, i.e. exactly what the generated code was made from.
    fn compiled_descriptors() -> FileDescriptorSet {
        let bytes = include_bytes!(concat!(env!("OUT_DIR"), "/natsforge_descriptors.bin"));
        FileDescriptorSet::decode(&bytes[..]).unwrap()
    }

    /// `(rpc name, client streams, server streams)` for every method of `package.Service`.
    fn methods_of(package: &str, service: &str) -> Vec<(String, bool, bool)> {
        let set = compiled_descriptors();
        let services: Vec<_> = set
            .file
            .iter()
            .filter(|file| file.package() == package)
            .flat_map(|file| file.service.iter())
            .filter(|candidate| candidate.name() == service)
            .collect();
        assert_eq!(services.len(), 1, "{package}.{service} defined once");
        services[0]
            .method
            .iter()
            .map(|method: &MethodDescriptorProto| {
                (
                    method.name().to_owned(),
                    method.client_streaming(),
                    method.server_streaming(),
                )
            })
            .collect()
    }

    fn unary(name: &str) -> (String, bool, bool) {
        (name.to_owned(), false, false)
    }

    #[test]
    fn provider_service_has_every_terraform_1_15_rpc() {
        let expected = vec![
            unary("GetMetadata"),
            unary("GetProviderSchema"),
            unary("ValidateProviderConfig"),
            unary("ValidateResourceConfig"),
            unary("ValidateDataResourceConfig"),
            unary("UpgradeResourceState"),
            unary("GetResourceIdentitySchemas"),
            unary("UpgradeResourceIdentity"),
            unary("ConfigureProvider"),
            unary("ReadResource"),
            unary("PlanResourceChange"),
            unary("ApplyResourceChange"),
            unary("ImportResourceState"),
            unary("MoveResourceState"),
            unary("ReadDataSource"),
            unary("GenerateResourceConfig"),
            unary("ValidateEphemeralResourceConfig"),
            unary("OpenEphemeralResource"),
            unary("RenewEphemeralResource"),
            unary("CloseEphemeralResource"),
            ("ListResource".to_owned(), false, true),
            unary("ValidateListResourceConfig"),
            unary("GetFunctions"),
            unary("CallFunction"),
            unary("ValidateStateStoreConfig"),
            unary("ConfigureStateStore"),
            ("ReadStateBytes".to_owned(), false, true),
            ("WriteStateBytes".to_owned(), true, false),
            unary("LockState"),
            unary("UnlockState"),
            unary("GetStates"),
            unary("DeleteState"),
            unary("PlanAction"),
            ("InvokeAction".to_owned(), false, true),
            unary("ValidateActionConfig"),
            unary("StopProvider"),
        ];
        assert_eq!(expected.len(), 36);
        assert_eq!(methods_of("tfplugin6", "Provider"), expected);
    }

    #[test]
    fn go_plugin_services_match_what_the_host_dials() {
        assert_eq!(
            methods_of("plugin", "GRPCController"),
            vec![unary("Shutdown")]
        );
        assert_eq!(
            methods_of("plugin", "GRPCStdio"),
            vec![("StreamStdio".to_owned(), false, true)]
        );
        assert_eq!(
            methods_of("plugin", "GRPCBroker"),
            vec![("StartStream".to_owned(), true, true)]
        );
    }

    /// Two historical quirks that a "tidy" edit of the proto would silently break.
    #[test]
    fn irregular_field_numbers_survive() {
        use super::tfplugin6::{stop_provider, validate_provider_config, Diagnostic};

        let validate = validate_provider_config::Response {
            diagnostics: vec![Diagnostic::default()],
        };
        // Field 2, length-delimited, empty message.
        assert_eq!(validate.encode_to_vec(), vec![0x12, 0x00]);

        let stop = stop_provider::Response {
            error: "x".to_owned(),
        };
        // Field 1, length-delimited, "x".
        assert_eq!(stop.encode_to_vec(), vec![0x0a, 0x01, b'x']);
    }
}
