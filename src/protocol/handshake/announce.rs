//! What the plugin prints on stdout: the one handshake line go-plugin parses, or
//! (debug mode) the `TF_REATTACH_PROVIDERS` value a person pastes into a shell.

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use rustls_pki_types::CertificateDer;

use super::env::{Network, PROTOCOL_VERSION};

/// go-plugin's own protocol version, the first field of the handshake line.
const CORE_PROTOCOL_VERSION: u32 = 1;

/// `1|6|<network>|<address>|grpc|<cert>`: the certificate is the DER in base64
/// without padding (go's RawStdEncoding), empty when AutoMTLS is off, as go-plugin
/// servers write it.
pub fn handshake_line(
    network: Network,
    address: &str,
    server_cert: Option<&CertificateDer<'_>>,
) -> String {
    let cert = server_cert
        .map(|der| STANDARD_NO_PAD.encode(der.as_ref()))
        .unwrap_or_default();
    format!(
        "{CORE_PROTOCOL_VERSION}|{PROTOCOL_VERSION}|{network}|{address}|grpc|{cert}",
        network = network.as_str()
    )
}

/// The JSON Terraform reads from `TF_REATTACH_PROVIDERS` to attach to a provider
/// it did not start.
pub fn reattach_json(provider_address: &str, network: Network, address: &str, pid: u32) -> String {
    serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": PROTOCOL_VERSION,
            "Pid": pid,
            "Test": true,
            "Addr": { "Network": network.as_str(), "String": address },
        }
    })
    .to_string()
}

/// The text shown on stdout in debug mode, ending with a line ready to paste.
pub fn debug_instructions(reattach_json: &str) -> String {
    // Single-quoted for POSIX shells; a quote inside (only possible through an odd
    // TMPDIR) is closed, escaped and reopened.
    let quoted = reattach_json.replace('\'', r"'\''");
    format!(
        "Provider started in debug mode (plaintext gRPC, no Terraform launch needed).\n\
         To make Terraform use this process, run in the shell where you run terraform:\n\
         \n\
         \texport TF_REATTACH_PROVIDERS='{quoted}'\n\
         \n\
         Stop the provider with Ctrl-C.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handshake_line_with_certificate_uses_unpadded_base64() {
        // 4 bytes encode to 6 characters plus "==" with padding.
        let cert = CertificateDer::from(vec![0xde, 0xad, 0xbe, 0xef]);
        let line = handshake_line(Network::Unix, "/tmp/x/plugin.sock", Some(&cert));
        assert_eq!(line, "1|6|unix|/tmp/x/plugin.sock|grpc|3q2+7w");
    }

    #[test]
    fn handshake_line_without_certificate_ends_with_an_empty_field() {
        let line = handshake_line(Network::Tcp, "127.0.0.1:10001", None);
        assert_eq!(line, "1|6|tcp|127.0.0.1:10001|grpc|");
    }

    #[test]
    fn reattach_json_has_terraforms_field_names() {
        let json = reattach_json(
            "registry.terraform.io/natsforge/nats",
            Network::Unix,
            "/tmp/d/plugin.sock",
            4242,
        );
        assert_eq!(
            json,
            r#"{"registry.terraform.io/natsforge/nats":{"Protocol":"grpc","ProtocolVersion":6,"Pid":4242,"Test":true,"Addr":{"Network":"unix","String":"/tmp/d/plugin.sock"}}}"#
        );
    }

    #[test]
    fn debug_instructions_quote_for_the_shell() {
        let text = debug_instructions(r#"{"a":"it's"}"#);
        assert!(
            text.contains(r#"export TF_REATTACH_PROVIDERS='{"a":"it'\''s"}'"#),
            "{text}"
        );
    }
}
