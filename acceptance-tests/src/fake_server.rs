//! A stand-in for nats-server on loopback, for what a real server never does: it
//! speaks just enough of the client protocol (INFO, PONG, MSG) to answer each request
//! with bytes the test chooses (malformed JSON, 10 MB payloads), or to leave it
//! unanswered (a reply lost to a dying node). Everywhere else, tests use real servers.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use crate::HarnessError;

/// How the fake answers a request to `subject`, the `attempt`-th to that subject
/// (from 0): the reply's payload, or `None` to leave it unanswered.
pub type FakeReply = dyn Fn(&str, usize) -> Option<Vec<u8>> + Send + Sync;

/// The fake server; it stops accepting when dropped (connections end with their
/// client, or with the test's runtime).
pub struct FakeServer {
    url: String,
    requests: Arc<Mutex<Vec<String>>>,
    accept: JoinHandle<()>,
}

impl FakeServer {
    /// Listens on a loopback port the kernel picks. Call from a tokio runtime.
    pub async fn start(
        reply: impl Fn(&str, usize) -> Option<Vec<u8>> + Send + Sync + 'static,
    ) -> Result<Self, HarnessError> {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| HarnessError::io("binding the fake NATS server", e))?;
        let port = listener
            .local_addr()
            .map_err(|e| HarnessError::io("reading the fake NATS server's port", e))?
            .port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let reply: Arc<FakeReply> = Arc::new(reply);
        let seen = requests.clone();
        let accept = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                // A client that goes away mid-message ends its connection; nothing to report.
                tokio::spawn(serve(socket, port, reply.clone(), seen.clone()));
            }
        });
        Ok(FakeServer {
            url: format!("nats://127.0.0.1:{port}"),
            requests,
            accept,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The subjects of every request received so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .map(|requests| requests.clone())
            .unwrap_or_default()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn serve(
    socket: TcpStream,
    port: u16,
    reply: Arc<FakeReply>,
    requests: Arc<Mutex<Vec<String>>>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut read = BufReader::new(read);
    let info = format!(
        r#"INFO {{"server_id":"FAKE","server_name":"fake","version":"2.15.1","proto":1,"go":"go1.25","host":"127.0.0.1","port":{port},"headers":true,"max_payload":67108864}}"#
    );
    write.write_all(format!("{info}\r\n").as_bytes()).await?;
    // The client's one subscription: the wildcard inbox its requests' replies go to.
    let mut inbox_sid = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if read.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let (Some(verb), Some(last)) = (words.first(), words.last()) else {
            continue;
        };
        // PUB <subject> [reply] <size> | HPUB <subject> [reply] <header size> <size>
        let words_with_reply = match verb.to_ascii_uppercase().as_str() {
            "PING" => {
                write.write_all(b"PONG\r\n").await?;
                continue;
            }
            "SUB" => {
                inbox_sid = (*last).to_owned();
                continue;
            }
            "PUB" => 4,
            "HPUB" => 5,
            _ => continue,
        };
        let size: usize = last.parse().map_err(std::io::Error::other)?;
        let mut payload = vec![0; size + 2];
        read.read_exact(&mut payload).await?;
        let subject = words[1].to_owned();
        let attempt = match requests.lock() {
            Ok(mut seen) => {
                let attempt = seen.iter().filter(|seen| **seen == subject).count();
                seen.push(subject.clone());
                attempt
            }
            Err(_) => return Ok(()),
        };
        let Some(body) = reply(&subject, attempt) else {
            continue;
        };
        if words.len() != words_with_reply {
            continue;
        }
        let head = format!("MSG {} {inbox_sid} {}\r\n", words[2], body.len());
        write.write_all(head.as_bytes()).await?;
        write.write_all(&body).await?;
        write.write_all(b"\r\n").await?;
    }
}
