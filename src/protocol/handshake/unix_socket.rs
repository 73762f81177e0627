//! The Unix socket go-plugin hosts expect on Linux and macOS: in our own `0700`
//! directory, or under a random name in the directory the host chose, owner-only.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use tokio::net::UnixListener;

use super::env::Network;
use super::listener::{BoundSocket, Listener, SocketCleanup};
use super::ServeError;

/// Name of the socket inside our own private directory.
const SOCKET_FILE_NAME: &str = "plugin.sock";

/// Listens on a Unix socket: in the host's directory when it named one, else in a
/// private directory of our own.
pub fn bind_unix(host_dir: Option<&Path>) -> Result<BoundSocket, ServeError> {
    let failed = |source: io::Error| ServeError::Listen {
        what: "a Unix socket",
        source,
    };
    let (listener, path, cleanup) = match host_dir {
        // Like go-plugin, put the socket straight into the host's directory under a
        // random name: the host may share that directory with another user or a sandbox.
        Some(dir) => {
            let named = tempfile::Builder::new()
                .prefix("plugin")
                .make_in(dir, |path| UnixListener::bind(path))
                .map_err(failed)?;
            let path = named.path().to_path_buf();
            let (listener, temp_path) = named.into_parts();
            (listener, path, SocketCleanup::SocketFile(temp_path))
        }
        None => {
            let dir = tempfile::Builder::new()
                .prefix("natsforge-plugin")
                .permissions(std::fs::Permissions::from_mode(0o700))
                .tempdir()
                .map_err(failed)?;
            let path = dir.path().join(SOCKET_FILE_NAME);
            let listener = UnixListener::bind(&path).map_err(failed)?;
            (listener, path, SocketCleanup::PrivateDir(dir))
        }
    };
    // Owner-only regardless of the umask we inherited.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(failed)?;
    Ok(BoundSocket {
        listener: Listener::Unix(listener),
        network: Network::Unix,
        address: socket_path_text(&path)?,
        cleanup,
    })
}

/// go-plugin's line format cannot carry a path that is not UTF-8 or contains `|`.
fn socket_path_text(path: &Path) -> Result<String, ServeError> {
    match path.to_str() {
        Some(text) if !text.contains('|') && !text.contains('\n') => Ok(text.to_owned()),
        _ => Err(ServeError::Listen {
            what: "a Unix socket",
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("socket path {path:?} cannot be announced to Terraform"),
            ),
        }),
    }
}
