//! A real nats-server per test, on ports the kernel picks.
//!
//! Why no port picking in the harness: choosing a "free" port and handing it to the
//! server races with every other test doing the same. Instead every listener is
//! configured with port -1 (random), and the server reports what it bound in a ports
//! file (`ports_file_dir`) and in `/varz`.

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tempfile::TempDir;

use crate::child::{die_with_parent, send_signal};
use crate::{tools, wait_until, HarnessError};

const DEFAULT_READY_TIMEOUT: Duration = Duration::from_secs(20);
const STOP_GRACE: Duration = Duration::from_secs(10);
const RELOAD_TIMEOUT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(10);

/// Describes the server to start. Every server gets its own temporary directory
/// holding the config file, the JetStream store, the ports file and the log.
///
/// In config text given to [`extra`](Self::extra) or [`from_config`](Self::from_config),
/// `{{dir}}` and `{{store_dir}}` are replaced by that directory and the store inside it,
/// e.g. for `resolver { type: full, dir: "{{dir}}/jwt" }`.
#[derive(Debug, Clone)]
pub struct NatsServerBuilder {
    base: Base,
    extra: Vec<String>,
    ready_timeout: Duration,
}

#[derive(Debug, Clone)]
enum Base {
    /// Settings the builder renders itself.
    Generated {
        server_name: Option<String>,
        jetstream: bool,
        domain: Option<String>,
        leafnode_listen: bool,
    },
    /// A whole config from the test; the harness only adds `ports_file_dir`.
    Verbatim(String),
    /// A config file used as it is (e.g. one natsforge rendered); the ports file
    /// directory is given on the command line.
    File(PathBuf),
}

impl Default for NatsServerBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl NatsServerBuilder {
    /// A plain server: client and monitoring listeners on 127.0.0.1, random ports.
    pub fn new() -> Self {
        NatsServerBuilder {
            base: Base::Generated {
                server_name: None,
                jetstream: false,
                domain: None,
                leafnode_listen: false,
            },
            extra: Vec::new(),
            ready_timeout: DEFAULT_READY_TIMEOUT,
        }
    }

    /// Uses `config` as the whole configuration. The harness appends `ports_file_dir`
    /// only; use `listen: 127.0.0.1:-1` (and `http: 127.0.0.1:-1` for `monitor_url`,
    /// `leafnode_url` and `monitor_json`) so parallel tests never collide.
    pub fn from_config(config: impl Into<String>) -> Self {
        NatsServerBuilder {
            base: Base::Verbatim(config.into()),
            extra: Vec::new(),
            ready_timeout: DEFAULT_READY_TIMEOUT,
        }
    }

    /// Runs `nats-server -c <path>` on a file as it is, with nothing added (the
    /// ports file directory goes on the command line). Use `listen: 127.0.0.1:-1`
    /// (and `http: 127.0.0.1:-1`) in it so parallel tests never collide.
    pub fn from_file(path: impl Into<PathBuf>) -> Self {
        NatsServerBuilder {
            base: Base::File(path.into()),
            extra: Vec::new(),
            ready_timeout: DEFAULT_READY_TIMEOUT,
        }
    }

    /// Enables JetStream with its store in the server's temporary directory.
    pub fn jetstream(mut self) -> Self {
        if let Base::Generated { jetstream, .. } = &mut self.base {
            *jetstream = true;
        }
        self
    }

    /// Sets the JetStream domain (and enables JetStream).
    pub fn domain(mut self, name: &str) -> Self {
        if let Base::Generated {
            jetstream, domain, ..
        } = &mut self.base
        {
            *jetstream = true;
            *domain = Some(name.to_owned());
        }
        self
    }

    pub fn server_name(mut self, name: &str) -> Self {
        if let Base::Generated { server_name, .. } = &mut self.base {
            *server_name = Some(name.to_owned());
        }
        self
    }

    /// Accepts leaf node connections (on a random port, see [`NatsServer::leafnode_url`]).
    /// A leaf that connects out instead passes its `leafnodes { remotes [...] }` via `extra`.
    pub fn leafnode_listen(mut self) -> Self {
        if let Base::Generated {
            leafnode_listen, ..
        } = &mut self.base
        {
            *leafnode_listen = true;
        }
        self
    }

    /// Appends configuration text (accounts, authorization, leafnode remotes, ...).
    pub fn extra(mut self, config_text: &str) -> Self {
        self.extra.push(config_text.to_owned());
        self
    }

    /// How long [`start`](Self::start) waits for the server to listen.
    pub fn ready_timeout(mut self, timeout: Duration) -> Self {
        self.ready_timeout = timeout;
        self
    }

    /// Starts the server and waits until its client port accepts connections.
    pub fn start(self) -> Result<NatsServer, HarnessError> {
        let binary = tools::nats_server_binary()?;
        let dir = tempfile::Builder::new()
            .prefix("natsforge-server-")
            .tempdir()
            .map_err(|e| HarnessError::io("creating the server's temporary directory", e))?;
        let store_dir = dir.path().join("store");
        let ports_dir = dir.path().join("ports");
        for needed in [&store_dir, &ports_dir] {
            fs::create_dir(needed)
                .map_err(|e| HarnessError::io(format!("creating {}", needed.display()), e))?;
        }
        let config_path = match &self.base {
            Base::File(path) => path.clone(),
            _ => {
                let config = self
                    .render(&ports_dir)
                    .replace("{{store_dir}}", &store_dir.display().to_string())
                    .replace("{{dir}}", &dir.path().display().to_string());
                let config_path = dir.path().join("nats-server.conf");
                fs::write(&config_path, config).map_err(|e| {
                    HarnessError::io(format!("writing {}", config_path.display()), e)
                })?;
                config_path
            }
        };

        let launch = Launch {
            binary,
            config_path,
            ports_dir,
            ports_dir_argument: matches!(self.base, Base::File(_)),
            log_path: dir.path().join("nats-server.log"),
            ready_timeout: self.ready_timeout,
        };
        let child = launch.spawn(dir.path(), &[])?;
        let mut server = NatsServer {
            child,
            exited: false,
            client_url: String::new(),
            monitor_url: None,
            leafnode_url: None,
            store_dir,
            launch,
            dir,
        };
        server.wait_ready()?;
        Ok(server)
    }

    fn render(&self, ports_dir: &Path) -> String {
        let mut text = String::new();
        match &self.base {
            Base::Generated {
                server_name,
                jetstream,
                domain,
                leafnode_listen,
            } => {
                if let Some(name) = server_name {
                    text.push_str(&format!("server_name: \"{name}\"\n"));
                }
                text.push_str("listen: \"127.0.0.1:-1\"\nhttp: \"127.0.0.1:-1\"\n");
                if *jetstream {
                    text.push_str("jetstream {\n  store_dir: \"{{store_dir}}\"\n");
                    if let Some(domain) = domain {
                        text.push_str(&format!("  domain: \"{domain}\"\n"));
                    }
                    text.push_str("}\n");
                }
                if *leafnode_listen {
                    text.push_str("leafnodes {\n  listen: \"127.0.0.1:-1\"\n}\n");
                }
            }
            Base::Verbatim(config) => {
                text.push_str(config);
                text.push('\n');
            }
            Base::File(_) => return text,
        }
        for extra in &self.extra {
            text.push_str(extra);
            text.push('\n');
        }
        text.push_str(&format!("ports_file_dir: \"{}\"\n", ports_dir.display()));
        text
    }
}

/// How a server's process is started, kept to start it again after a crash.
#[derive(Debug)]
struct Launch {
    binary: PathBuf,
    config_path: PathBuf,
    ports_dir: PathBuf,
    /// A config file used as it is names no ports file directory itself.
    ports_dir_argument: bool,
    log_path: PathBuf,
    ready_timeout: Duration,
}

impl Launch {
    /// Starts `nats-server -c <config> <extra_args>`, appending to the log (a restart
    /// keeps what the crashed process logged).
    fn spawn(&self, dir: &Path, extra_args: &[String]) -> Result<Child, HarnessError> {
        let log_file = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_path)
            .map_err(|e| HarnessError::io(format!("opening {}", self.log_path.display()), e))?;
        let log_for_stdout = log_file
            .try_clone()
            .map_err(|e| HarnessError::io("duplicating the log file handle", e))?;
        let mut command = Command::new(&self.binary);
        command.arg("-c").arg(&self.config_path);
        if self.ports_dir_argument {
            command.arg("--ports_file_dir").arg(&self.ports_dir);
        }
        command
            .args(extra_args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(log_for_stdout)
            .stderr(log_file);
        die_with_parent(&mut command);
        command.spawn().map_err(|source| HarnessError::Spawn {
            program: self.binary.clone(),
            source,
        })
    }
}

/// `nats-server -t -c <path>`: the server's own verdict on a configuration file
/// (it parses the file and loads what it names, e.g. TLS certificates, without
/// starting).
pub fn check_config(path: &Path) -> Result<(), HarnessError> {
    let binary = tools::nats_server_binary()?;
    let output = Command::new(&binary)
        .arg("-t")
        .arg("-c")
        .arg(path)
        .output()
        .map_err(|source| HarnessError::Spawn {
            program: binary.clone(),
            source,
        })?;
    if output.status.success() {
        return Ok(());
    }
    Err(HarnessError::ConfigRefused {
        path: path.to_owned(),
        output: format!(
            "{}{}\n--- file ---\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            fs::read_to_string(path).unwrap_or_default()
        ),
    })
}

/// A running nats-server. Killed when dropped; see [`crate::child`] for the case where
/// the whole test process dies instead.
pub struct NatsServer {
    child: Child,
    exited: bool,
    client_url: String,
    monitor_url: Option<String>,
    leafnode_url: Option<String>,
    store_dir: PathBuf,
    launch: Launch,
    // Last field: dropped after the process is gone, so the server never sees its directory vanish.
    dir: TempDir,
}

impl NatsServer {
    pub fn builder() -> NatsServerBuilder {
        NatsServerBuilder::new()
    }

    /// `nats://127.0.0.1:<port>` of the client listener.
    pub fn client_url(&self) -> &str {
        &self.client_url
    }

    /// `nats-leaf://127.0.0.1:<port>` of the leaf node listener.
    ///
    /// # Panics
    /// If the server has no leaf node listener or no monitoring port (a test mistake).
    pub fn leafnode_url(&self) -> &str {
        self.leafnode_url
            .as_deref()
            .expect("server has no leafnode listener: use .leafnode_listen() (and keep `http`)")
    }

    /// `http://127.0.0.1:<port>` of the monitoring listener.
    ///
    /// # Panics
    /// If the configuration has no `http` listener (a test mistake).
    pub fn monitor_url(&self) -> &str {
        self.monitor_url
            .as_deref()
            .expect("server has no monitoring listener: add `http: 127.0.0.1:-1`")
    }

    pub fn store_dir(&self) -> &Path {
        &self.store_dir
    }

    pub fn config_path(&self) -> &Path {
        &self.launch.config_path
    }

    /// The server's private temporary directory (what `{{dir}}` stood for).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Everything the server has logged so far.
    pub fn log(&self) -> String {
        fs::read(&self.launch.log_path)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    }

    /// GETs a monitoring endpoint (`"/varz"`, `"/jsz?accounts=true"`, `"/leafz"`, ...)
    /// and parses the JSON reply.
    pub fn monitor_json(&self, endpoint: &str) -> Result<Value, HarnessError> {
        let url = format!("{}{endpoint}", self.monitor_url());
        let body = http_get(&url)?;
        serde_json::from_str(&body).map_err(|source| HarnessError::Json {
            what: url,
            text: body,
            source,
        })
    }

    /// Makes the server re-read its config file (SIGHUP) and waits for the verdict,
    /// so the next step of the test sees the new configuration.
    pub fn reload(&self) -> Result<(), HarnessError> {
        const DONE: &str = "Reloaded server configuration";
        const FAILED: &str = "Failed to reload server configuration";
        let before = self.log();
        let (done_before, failed_before) =
            (before.matches(DONE).count(), before.matches(FAILED).count());
        send_signal(self.pid(), libc::SIGHUP)
            .map_err(|e| HarnessError::io("sending SIGHUP to nats-server", e))?;
        let mut log = String::new();
        let answered = wait_until(RELOAD_TIMEOUT, || {
            log = self.log();
            log.matches(DONE).count() > done_before || log.matches(FAILED).count() > failed_before
        });
        if answered && log.matches(FAILED).count() == failed_before {
            return Ok(());
        }
        Err(HarnessError::Reload {
            timeout: RELOAD_TIMEOUT,
            log,
        })
    }

    /// Stops the server gracefully (SIGTERM, then SIGKILL after a grace period) and
    /// reaps it. The log and store stay readable until the value is dropped.
    pub fn stop(&mut self) -> Result<(), HarnessError> {
        if self.exited {
            return Ok(());
        }
        send_signal(self.pid(), libc::SIGTERM)
            .map_err(|e| HarnessError::io("sending SIGTERM to nats-server", e))?;
        let deadline = Instant::now() + STOP_GRACE;
        while Instant::now() < deadline {
            match self.child.try_wait() {
                Ok(Some(_)) => {
                    self.exited = true;
                    return Ok(());
                }
                Ok(None) => std::thread::sleep(POLL),
                Err(e) => return Err(HarnessError::io("waiting for nats-server to stop", e)),
            }
        }
        self.kill();
        Ok(())
    }

    /// SIGKILL, at once (a crash, for fault drills), and reaps the process. The log
    /// and store stay readable until the value is dropped.
    pub fn kill(&mut self) {
        if !self.exited {
            // Errors here mean the process is already gone; either way it is reaped below.
            let _ = self.child.kill();
            let _ = self.child.wait();
            self.exited = true;
        }
    }

    /// Starts the server again after [`kill`](Self::kill) or [`stop`](Self::stop), as a
    /// supervisor restarts a crashed server: the same configuration file, JetStream
    /// store and log, on the same client and monitoring ports (given on the command
    /// line, which overrides the file's random ones). A leaf node listener on a random
    /// port gets a new one. Waits until the server listens again.
    pub fn restart(&mut self) -> Result<(), HarnessError> {
        if !self.exited {
            return Err(HarnessError::io(
                "restarting nats-server",
                std::io::Error::other("it is still running: kill or stop it first"),
            ));
        }
        // A killed server leaves its ports file behind; it must not pass for the new one's.
        if let Ok(entries) = fs::read_dir(&self.launch.ports_dir) {
            for entry in entries.flatten() {
                fs::remove_file(entry.path()).map_err(|e| {
                    HarnessError::io(format!("removing {}", entry.path().display()), e)
                })?;
            }
        }
        let mut args = Vec::new();
        if let Some(port) = url_port(&self.client_url) {
            args.extend(["--port".to_owned(), port.to_owned()]);
        }
        if let Some(port) = self.monitor_url.as_deref().and_then(url_port) {
            args.extend(["--http_port".to_owned(), port.to_owned()]);
        }
        self.child = self.launch.spawn(self.dir.path(), &args)?;
        self.exited = false;
        self.wait_ready()
    }

    fn wait_ready(&mut self) -> Result<(), HarnessError> {
        let (ports_dir, timeout) = (self.launch.ports_dir.clone(), self.launch.ready_timeout);
        let deadline = Instant::now() + timeout;
        let ports = loop {
            if let Some(status) = self
                .child
                .try_wait()
                .map_err(|e| HarnessError::io("checking on nats-server", e))?
            {
                self.exited = true;
                return Err(HarnessError::ServerExited {
                    status,
                    log: self.log(),
                });
            }
            if let Some(ports) = read_ports_file(&ports_dir) {
                break ports;
            }
            if Instant::now() >= deadline {
                return Err(HarnessError::ServerNotReady {
                    timeout,
                    log: self.log(),
                });
            }
            std::thread::sleep(POLL);
        };
        self.client_url = first_url(&ports, "nats").unwrap_or_default();
        self.monitor_url = first_url(&ports, "monitoring");
        let address = self.client_url.trim_start_matches("nats://").to_owned();
        if TcpStream::connect(&address).is_err() {
            return Err(HarnessError::ServerNotReady {
                timeout,
                log: self.log(),
            });
        }
        // The ports file does not list leaf node listeners; /varz does.
        if self.monitor_url.is_some() {
            let varz = self.monitor_json("/varz")?;
            self.leafnode_url = varz
                .pointer("/leaf/port")
                .and_then(Value::as_u64)
                .filter(|port| *port != 0)
                .map(|port| format!("nats-leaf://127.0.0.1:{port}"));
        }
        Ok(())
    }
}

impl Drop for NatsServer {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The port of a `scheme://host:port` URL.
fn url_port(url: &str) -> Option<&str> {
    url.rsplit_once(':').map(|(_, port)| port)
}

/// The ports file once it exists and parses (it may be caught half-written).
fn read_ports_file(ports_dir: &Path) -> Option<Value> {
    let entries = fs::read_dir(ports_dir).ok()?;
    for entry in entries.flatten() {
        if entry.path().extension().is_some_and(|ext| ext == "ports") {
            let text = fs::read_to_string(entry.path()).ok()?;
            let ports: Value = serde_json::from_str(&text).ok()?;
            if ports.get("nats").is_some() {
                return Some(ports);
            }
        }
    }
    None
}

/// The first URL of a listener kind, preferring loopback when the server lists several
/// addresses (it does when listening on 0.0.0.0).
fn first_url(ports: &Value, kind: &str) -> Option<String> {
    let urls: Vec<&str> = ports
        .get(kind)?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    urls.iter()
        .find(|url| url.contains("://127.0.0.1:"))
        .or_else(|| urls.first())
        .map(|url| (*url).to_owned())
}

/// A minimal HTTP/1.0 GET: enough for nats-server's monitoring endpoints, without
/// pulling an HTTP client into every test binary.
fn http_get(url: &str) -> Result<String, HarnessError> {
    let failure = |reason: String| HarnessError::Monitor {
        url: url.to_owned(),
        reason,
    };
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| failure("only http:// is supported".into()))?;
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = TcpStream::connect(host).map_err(|e| failure(e.to_string()))?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| failure(e.to_string()))?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n")
        .map_err(|e| failure(e.to_string()))?;
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .map_err(|e| failure(e.to_string()))?;
    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| failure("response has no header/body separator".into()))?;
    let status_line = head.lines().next().unwrap_or_default();
    if status_line.split_whitespace().nth(1) != Some("200") {
        return Err(failure(format!("{status_line}\n{body}")));
    }
    Ok(body.to_owned())
}
