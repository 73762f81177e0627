//! The files on disk: written atomically with mode 0600 (a server reloading at the
//! wrong moment never reads half a file, and creds are readable by their owner only),
//! read back for drift, removed on destroy. Windows has no mode bits: there a file
//! gets its directory's access rules.

use super::render::{sha256_hex, Rendered};
use crate::framework::diagnostics::Diagnostic;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

fn io_error(what: &str, path: &Path, error: std::io::Error) -> Diagnostic {
    Diagnostic::error(
        format!("Cannot {what} {}", path.display()),
        error.to_string(),
    )
}

/// Writes `bytes` to a temporary file in the same directory and renames it over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| io_error("create the directory of", path, e))?;
    // tempfile creates the file with mode 0600 (on Unix).
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| io_error("write", path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.as_file().sync_all())
        .map_err(|e| io_error("write", path, e))?;
    file.persist(path)
        .map_err(|e| io_error("write", path, e.error))?;
    Ok(())
}

/// Creds first, so the configuration never names a creds file that is not there yet.
pub fn write_all(rendered: &Rendered) -> Result<(), Diagnostic> {
    for (path, creds) in &rendered.creds {
        write_atomic(path, creds.expose().as_bytes())?;
    }
    if let Some(path) = &rendered.config_path {
        write_atomic(path, rendered.content.as_bytes())?;
    }
    Ok(())
}

/// The SHA-256 of each file as it is on disk now; missing files are left out.
pub fn hashes_on_disk(files: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    files
        .keys()
        .filter_map(|path| {
            std::fs::read(path)
                .ok()
                .map(|bytes| (path.clone(), sha256_hex(&bytes)))
        })
        .collect()
}

/// The configuration text on disk, when it can be read.
pub fn read_text(path: &Path) -> Option<String> {
    std::fs::read_to_string(path).ok()
}

/// Removes the files written earlier; one already gone is fine.
pub fn remove_all(files: &BTreeMap<String, String>) -> Result<(), Diagnostic> {
    for path in files.keys() {
        match std::fs::remove_file(path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("remove", Path::new(path), e)),
        }
    }
    Ok(())
}

/// Removes files an earlier apply wrote that this one no longer writes (a remote's
/// creds after the remote went away).
pub fn remove_stale(
    before: &BTreeMap<String, String>,
    rendered: &Rendered,
) -> Result<(), Diagnostic> {
    let now = rendered.file_hashes();
    let stale: BTreeMap<String, String> = before
        .iter()
        .filter(|(path, _)| !now.contains_key(*path))
        .map(|(p, h)| (p.clone(), h.clone()))
        .collect();
    remove_all(&stale)
}

#[cfg(test)]
mod tests {
    use super::super::render::display;
    use super::*;
    use crate::nats::Secret;

    #[test]
    fn files_are_written_0600_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("sub/leaf.conf");
        let creds = dir.path().join("sub/leaf.remote-0.creds");
        let rendered = Rendered {
            content: "server_name: \"x\"\n".into(),
            config_path: Some(config.clone()),
            creds: vec![(creds.clone(), Secret::new("creds"))],
        };
        write_all(&rendered).unwrap();
        #[cfg(unix)]
        for path in [&config, &creds] {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", path.display());
        }
        let expected = rendered.file_hashes();
        assert_eq!(hashes_on_disk(&expected), expected);
        std::fs::write(&config, "edited").unwrap();
        std::fs::remove_file(&creds).unwrap();
        let seen = hashes_on_disk(&expected);
        assert_eq!(seen.len(), 1);
        assert_ne!(seen[&display(&config)], expected[&display(&config)]);
        remove_all(&expected).unwrap();
        assert!(!config.exists());
    }
}
