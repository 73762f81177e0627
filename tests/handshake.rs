//! The built provider binary against a client that behaves like Terraform's
//! go-plugin client: magic cookie and AutoMTLS environment, handshake line on
//! stdout, mutual TLS with a P-521 client certificate, health check, shutdown.

use std::io;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD_NO_PAD;
use base64::Engine;
use hyper_util::rt::TokioIo;
use natsforge::protocol::proto::plugin::grpc_controller_client::GrpcControllerClient;
use natsforge::protocol::proto::plugin::Empty;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, BufReader};
use tokio::net::{TcpStream, UnixStream};
use tokio::process::{Child, ChildStdout, Command};
use tonic::transport::{Channel, Endpoint, Uri};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

const COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
const COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// Terraform kills the plugin this long after asking it to shut down.
const TERRAFORM_KILL_DELAY: Duration = Duration::from_secs(2);

/// A certificate like the one Terraform's go-plugin client makes for each launch.
struct ClientIdentity {
    cert: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
    pem: String,
}

fn terraform_like_client_identity() -> ClientIdentity {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).unwrap();
    ClientIdentity {
        cert: cert.der().clone(),
        key: PrivatePkcs8KeyDer::from(key.serialize_der()),
        pem: cert.pem(),
    }
}

/// Starts the binary with a clean go-plugin environment plus `extra`.
fn spawn_plugin(args: &[&str], extra: &[(&str, &str)]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_terraform-provider-nats"));
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for key in [
        COOKIE_KEY,
        "PLUGIN_PROTOCOL_VERSIONS",
        "PLUGIN_CLIENT_CERT",
        "PLUGIN_MIN_PORT",
        "PLUGIN_MAX_PORT",
        "PLUGIN_UNIX_SOCKET_DIR",
        "NATSFORGE_PLUGIN_NETWORK",
        "TF_LOG",
        "TF_LOG_PROVIDER",
    ] {
        command.env_remove(key);
    }
    command.envs(extra.iter().copied());
    command.spawn().unwrap()
}

fn spawn_like_terraform(client: &ClientIdentity, extra: &[(&str, &str)]) -> Child {
    let mut env = vec![
        (COOKIE_KEY, COOKIE),
        ("PLUGIN_PROTOCOL_VERSIONS", "5,6"),
        ("PLUGIN_MIN_PORT", "10000"),
        ("PLUGIN_MAX_PORT", "25000"),
        ("PLUGIN_CLIENT_CERT", client.pem.as_str()),
    ];
    env.extend_from_slice(extra);
    spawn_plugin(&[], &env)
}

/// The parsed handshake line.
#[derive(Debug)]
struct Handshake {
    network: String,
    address: String,
    server_cert: CertificateDer<'static>,
}

async fn read_handshake(child: &mut Child) -> (Handshake, BufReader<ChildStdout>) {
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    tokio::time::timeout(STARTUP_TIMEOUT, stdout.read_line(&mut line))
        .await
        .expect("no handshake line in time")
        .unwrap();
    let line = line
        .strip_suffix('\n')
        .expect("handshake line ends with a newline");
    let fields: Vec<&str> = line.split('|').collect();
    assert_eq!(fields.len(), 6, "{line}");
    assert_eq!(&fields[..2], ["1", "6"], "{line}");
    assert_eq!(fields[4], "grpc", "{line}");
    assert!(
        !fields[5].ends_with('='),
        "certificate must be unpadded: {line}"
    );
    let der = STANDARD_NO_PAD.decode(fields[5]).expect("RawStd base64");
    let handshake = Handshake {
        network: fields[2].to_owned(),
        address: fields[3].to_owned(),
        server_cert: CertificateDer::from(der),
    };
    (handshake, stdout)
}

/// Accepts exactly the certificate announced in the handshake line, checking
/// signatures with it, as go-plugin's client does by making it its only root.
#[derive(Debug)]
struct AnnouncedServerCert {
    expected: CertificateDer<'static>,
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AnnouncedServerCert {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        assert_eq!(server_name.to_str(), "localhost");
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "not the announced certificate".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

fn tls_connector(
    handshake: &Handshake,
    client: Option<&ClientIdentity>,
) -> tokio_rustls::TlsConnector {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(AnnouncedServerCert {
        expected: handshake.server_cert.clone(),
        provider: provider.clone(),
    });
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match client {
        Some(client) => builder
            .with_client_auth_cert(
                vec![client.cert.clone()],
                PrivateKeyDer::Pkcs8(client.key.clone_key()),
            )
            .unwrap(),
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

async fn dial(network: &str, address: &str) -> io::Result<Box<dyn Io>> {
    Ok(match network {
        "unix" => Box::new(UnixStream::connect(address).await?),
        "tcp" => Box::new(TcpStream::connect(address).await?),
        other => panic!("unexpected network {other}"),
    })
}

/// A gRPC channel to the plugin over its socket, with TLS unless `tls` is `None`.
async fn connect(
    network: &str,
    address: &str,
    tls: Option<tokio_rustls::TlsConnector>,
) -> Result<Channel, tonic::transport::Error> {
    let (network, address) = (network.to_owned(), address.to_owned());
    Endpoint::from_static("http://localhost")
        .connect_timeout(CALL_TIMEOUT)
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let (network, address, tls) = (network.clone(), address.clone(), tls.clone());
            async move {
                let raw = dial(&network, &address).await?;
                let stream: Box<dyn Io> = match tls {
                    Some(tls) => {
                        let name = ServerName::try_from("localhost").unwrap();
                        Box::new(tls.connect(name, raw).await?)
                    }
                    None => raw,
                };
                Ok::<_, io::Error>(TokioIo::new(stream))
            }
        }))
        .await
}

async fn health_of_plugin(channel: Channel) -> Result<i32, tonic::Status> {
    let request = HealthCheckRequest {
        service: "plugin".to_owned(),
    };
    let response = tokio::time::timeout(CALL_TIMEOUT, HealthClient::new(channel).check(request))
        .await
        .expect("health check timed out")?;
    Ok(response.into_inner().status)
}

/// Asks the plugin to exit the way Terraform does, and checks it is gone in time.
async fn shut_down_like_terraform(channel: Channel, mut child: Child) {
    tokio::time::timeout(
        CALL_TIMEOUT,
        GrpcControllerClient::new(channel).shutdown(Empty {}),
    )
    .await
    .expect("Shutdown call timed out")
    .expect("Shutdown call failed");
    let status = tokio::time::timeout(TERRAFORM_KILL_DELAY, child.wait())
        .await
        .expect("plugin still running two seconds after Shutdown")
        .unwrap();
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn terraform_like_client_gets_served_over_mutual_tls() {
    let client = terraform_like_client_identity();
    let mut child = spawn_like_terraform(&client, &[]);
    let (handshake, mut stdout) = read_handshake(&mut child).await;
    assert_eq!(handshake.network, "unix");
    let socket = std::path::PathBuf::from(&handshake.address);
    assert!(socket.exists());

    let tls = tls_connector(&handshake, Some(&client));
    let channel = connect("unix", &handshake.address, Some(tls))
        .await
        .unwrap();
    assert_eq!(
        health_of_plugin(channel.clone()).await.unwrap(),
        ServingStatus::Serving as i32
    );

    shut_down_like_terraform(channel, child).await;
    assert!(!socket.exists(), "socket removed on exit");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "", "nothing but the handshake line on stdout");
}

#[tokio::test]
async fn other_certificates_are_refused_and_the_server_survives_them() {
    let client = terraform_like_client_identity();
    let stranger = terraform_like_client_identity();
    let mut child = spawn_like_terraform(&client, &[]);
    let (handshake, _stdout) = read_handshake(&mut child).await;

    for intruder in [Some(&stranger), None] {
        let tls = tls_connector(&handshake, intruder);
        // With TLS 1.3 the client may finish its side before the server rejects
        // the certificate, so the refusal can surface at connect or at the call.
        let refused = match connect("unix", &handshake.address, Some(tls)).await {
            Err(_) => true,
            Ok(channel) => health_of_plugin(channel).await.is_err(),
        };
        assert!(
            refused,
            "a client with {:?} must be refused",
            intruder.map(|_| "another certificate")
        );
    }

    let tls = tls_connector(&handshake, Some(&client));
    let channel = connect("unix", &handshake.address, Some(tls))
        .await
        .unwrap();
    assert_eq!(
        health_of_plugin(channel.clone()).await.unwrap(),
        ServingStatus::Serving as i32
    );
    shut_down_like_terraform(channel, child).await;
}

#[tokio::test]
async fn tcp_can_be_forced_and_stays_within_the_port_range() {
    let client = terraform_like_client_identity();
    let mut child = spawn_like_terraform(&client, &[("NATSFORGE_PLUGIN_NETWORK", "tcp")]);
    let (handshake, _stdout) = read_handshake(&mut child).await;
    assert_eq!(handshake.network, "tcp");
    let (host, port) = handshake.address.rsplit_once(':').unwrap();
    assert_eq!(host, "127.0.0.1");
    assert!((10000..=25000).contains(&port.parse::<u16>().unwrap()));

    let tls = tls_connector(&handshake, Some(&client));
    let channel = connect("tcp", &handshake.address, Some(tls)).await.unwrap();
    assert_eq!(
        health_of_plugin(channel.clone()).await.unwrap(),
        ServingStatus::Serving as i32
    );
    shut_down_like_terraform(channel, child).await;
}

#[tokio::test]
async fn started_by_hand_it_explains_itself_and_exits_1() {
    let child = spawn_plugin(&[], &[]);
    let output = tokio::time::timeout(STARTUP_TIMEOUT, child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("plugin for Terraform"), "{stderr}");
    assert!(stderr.contains("-debug"), "{stderr}");
}

#[tokio::test]
async fn terraform_without_protocol_6_gets_a_clear_error() {
    let child = spawn_plugin(
        &[],
        &[(COOKIE_KEY, COOKIE), ("PLUGIN_PROTOCOL_VERSIONS", "4,5")],
    );
    let output = tokio::time::timeout(STARTUP_TIMEOUT, child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("only speaks version 6"), "{stderr}");
}

#[tokio::test]
async fn debug_mode_prints_a_usable_reattach_config() {
    let mut child = spawn_plugin(&["-debug"], &[]);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let prefix = "export TF_REATTACH_PROVIDERS='";
    let mut line = String::new();
    let export = tokio::time::timeout(STARTUP_TIMEOUT, async {
        loop {
            line.clear();
            assert_ne!(
                stdout.read_line(&mut line).await.unwrap(),
                0,
                "stdout ended early"
            );
            if let Some(start) = line.trim().strip_prefix(prefix) {
                return start.strip_suffix('\'').unwrap().to_owned();
            }
        }
    })
    .await
    .expect("no TF_REATTACH_PROVIDERS line in time");

    let reattach: serde_json::Value = serde_json::from_str(&export).unwrap();
    let entry = &reattach["registry.terraform.io/natsforge/nats"];
    assert_eq!(entry["Protocol"], "grpc");
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Pid"], child.id().unwrap());
    assert_eq!(entry["Test"], true);
    assert_eq!(entry["Addr"]["Network"], "unix");
    let address = entry["Addr"]["String"].as_str().unwrap();

    // Plaintext: Terraform attaches without any certificate.
    let channel = connect("unix", address, None).await.unwrap();
    assert_eq!(
        health_of_plugin(channel.clone()).await.unwrap(),
        ServingStatus::Serving as i32
    );
    shut_down_like_terraform(channel, child).await;
    assert!(!std::path::Path::new(address).exists());
}

/// Sends `signal` (a name `kill` understands) to the child.
fn send_signal(child: &Child, signal: &str) {
    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &pid])
        .status()
        .unwrap();
    assert!(status.success());
}

async fn exits_cleanly_in_time(mut child: Child) {
    let status = tokio::time::timeout(TERRAFORM_KILL_DELAY, child.wait())
        .await
        .expect("plugin still running two seconds after the signal")
        .unwrap();
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn under_terraform_ctrl_c_is_ignored_and_sigterm_stops() {
    let client = terraform_like_client_identity();
    let mut child = spawn_like_terraform(&client, &[]);
    let (handshake, _stdout) = read_handshake(&mut child).await;

    // Ctrl-C in Terraform's terminal reaches the plugin too; Terraform decides.
    send_signal(&child, "INT");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let tls = tls_connector(&handshake, Some(&client));
    let channel = connect("unix", &handshake.address, Some(tls))
        .await
        .unwrap();
    assert_eq!(
        health_of_plugin(channel).await.unwrap(),
        ServingStatus::Serving as i32
    );

    send_signal(&child, "TERM");
    exits_cleanly_in_time(child).await;
    assert!(!std::path::Path::new(&handshake.address).exists());
}

/// The socket a plugin started with `-debug` names in its reattach instructions.
async fn debug_socket(child: &mut Child) -> String {
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut text = String::new();
    let socket = tokio::time::timeout(STARTUP_TIMEOUT, async {
        loop {
            text.clear();
            assert_ne!(stdout.read_line(&mut text).await.unwrap(), 0);
            if let Some((_, rest)) = text.split_once(r#""String":""#) {
                return rest.split('"').next().unwrap().to_owned();
            }
        }
    })
    .await
    .unwrap();
    socket
}

#[tokio::test]
async fn in_debug_mode_ctrl_c_stops_and_cleans_up() {
    let mut child = spawn_plugin(&["-debug"], &[]);
    let socket = debug_socket(&mut child).await;
    assert!(std::path::Path::new(&socket).exists());

    send_signal(&child, "INT");
    exits_cleanly_in_time(child).await;
    assert!(!std::path::Path::new(&socket).exists());
}

#[tokio::test]
async fn shutdown_does_not_wait_forever_for_a_call_that_never_ends() {
    let client = terraform_like_client_identity();
    let mut child = spawn_like_terraform(&client, &[]);
    let (handshake, _stdout) = read_handshake(&mut child).await;
    let tls = tls_connector(&handshake, Some(&client));
    let channel = connect("unix", &handshake.address, Some(tls))
        .await
        .unwrap();

    // Health/Watch streams until the client hangs up: a stand-in for a provider
    // call stuck on an unresponsive server.
    let request = HealthCheckRequest {
        service: "plugin".to_owned(),
    };
    let mut watch = HealthClient::new(channel.clone())
        .watch(request)
        .await
        .unwrap()
        .into_inner();
    let first = watch.message().await.unwrap().unwrap();
    assert_eq!(first.status, ServingStatus::Serving as i32);

    let started = std::time::Instant::now();
    shut_down_like_terraform(channel, child).await;
    assert!(
        started.elapsed() >= Duration::from_millis(500),
        "the stuck call was given some grace"
    );
    drop(watch);
}

/// Whether `pid` is a live process (a zombie waiting to be reaped has exited).
fn is_running(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        // The state follows the command name, which may itself hold spaces or ')'.
        std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
            let state = stat.rsplit_once(')').map(|(_, rest)| rest.trim_start());
            !state.is_some_and(|state| state.starts_with('Z'))
        })
    } else {
        let output = std::process::Command::new("ps")
            .args(["-o", "stat=", "-p", &pid.to_string()])
            .output()
            .unwrap();
        let state = String::from_utf8_lossy(&output.stdout);
        output.status.success() && !state.trim().starts_with('Z')
    }
}

async fn exits_within(pid: u32, limit: Duration) -> bool {
    let deadline = tokio::time::Instant::now() + limit;
    while tokio::time::Instant::now() < deadline {
        if !is_running(pid) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    !is_running(pid)
}

#[tokio::test]
async fn terraform_closing_the_connection_without_shutdown_stops_the_plugin() {
    let client = terraform_like_client_identity();
    let mut child = spawn_like_terraform(&client, &[]);
    let (handshake, _stdout) = read_handshake(&mut child).await;
    let tls = tls_connector(&handshake, Some(&client));
    let channel = connect("unix", &handshake.address, Some(tls))
        .await
        .unwrap();
    assert_eq!(
        health_of_plugin(channel.clone()).await.unwrap(),
        ServingStatus::Serving as i32
    );
    // Idle but connected: the plugin keeps serving.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "stopped while connected"
    );

    // What a killed Terraform leaves: the connection closes, no Shutdown call.
    drop(channel);
    exits_cleanly_in_time(child).await;
    assert!(!std::path::Path::new(&handshake.address).exists());
}

#[tokio::test]
async fn the_plugin_stops_when_the_process_that_started_it_dies() {
    // A shell starts the plugin (inheriting the go-plugin environment and stdout),
    // tells us its pid and waits; SIGKILL of the shell orphans the plugin before any
    // connection was made, so only the parent watch can notice.
    let client = terraform_like_client_identity();
    let mut shell = tokio::process::Command::new("sh");
    shell
        .args(["-c", "\"$0\" & echo \"$!\" >&2; wait"])
        .arg(env!("CARGO_BIN_EXE_terraform-provider-nats"))
        .env(COOKIE_KEY, COOKIE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("PLUGIN_CLIENT_CERT", &client.pem)
        .env_remove("PLUGIN_UNIX_SOCKET_DIR")
        .env_remove("NATSFORGE_PLUGIN_NETWORK")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut shell = shell.spawn().unwrap();
    let mut stderr = BufReader::new(shell.stderr.take().unwrap());
    let mut pid = String::new();
    tokio::time::timeout(STARTUP_TIMEOUT, stderr.read_line(&mut pid))
        .await
        .expect("the shell names the plugin's pid")
        .unwrap();
    let plugin: u32 = pid.trim().parse().unwrap();
    let (handshake, _stdout) = read_handshake(&mut shell).await;

    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(is_running(plugin), "stopped while its parent lives");
    shell.start_kill().unwrap();
    shell.wait().await.unwrap();
    let exited = exits_within(plugin, TERRAFORM_KILL_DELAY).await;
    if !exited {
        // Not left behind by a failing test.
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &plugin.to_string()])
            .status();
    }
    assert!(
        exited,
        "plugin {plugin} still running two seconds after its parent died"
    );
    assert!(
        !std::path::Path::new(&handshake.address).exists(),
        "it stopped cleanly, removing its socket"
    );
}

#[tokio::test]
async fn debug_mode_serves_one_terraform_command_after_another() {
    let mut child = spawn_plugin(&["-debug"], &[]);
    let socket = debug_socket(&mut child).await;

    // Each terraform command attaches through TF_REATTACH_PROVIDERS and leaves.
    for _ in 0..3 {
        let channel = connect("unix", &socket, None).await.unwrap();
        assert_eq!(
            health_of_plugin(channel).await.unwrap(),
            ServingStatus::Serving as i32
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(child.try_wait().unwrap().is_none(), "debug plugin stopped");
    }
    let channel = connect("unix", &socket, None).await.unwrap();
    shut_down_like_terraform(channel, child).await;
}
