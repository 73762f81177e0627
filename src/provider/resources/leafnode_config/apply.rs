//! Create and update: write the files, then (with system credentials) reload and wait
//! for the remotes. Whatever fails, the state returned says what the files on disk
//! hold: the configuration last written whole, with `files` and `content` read back
//! from disk after a write that stopped half-way.

use super::live;
use super::render::{render, sha256_hex, Rendered};
use super::schema::LeafnodeConfigModel;
use super::{files, LeafnodeConfigResource};
use crate::framework::diagnostics::Diagnostic;
use crate::framework::{Failed, Field};
use crate::provider::client::NatsClient;
use std::collections::BTreeMap;
use std::path::Path;

type Model = LeafnodeConfigModel;

/// `model` as just written from `rendered`: content and file hashes, no live view yet.
fn as_written(mut model: Model, rendered: &Rendered) -> Model {
    model.id = model.server_name.clone();
    model.content_sha256 = Field::Known(sha256_hex(rendered.content.as_bytes()));
    model.content = Field::Known(rendered.content.clone());
    model.files = Field::Known(rendered.file_hashes());
    model.connections = Field::Null;
    model
}

/// Reads back what `model.files` lists: the hashes of the files that exist, and the
/// configuration text at `path` (kept as recorded when the file cannot be read).
pub fn observe_files(model: &mut Model) {
    let Field::Known(recorded) = &model.files else {
        return;
    };
    model.files = Field::Known(files::hashes_on_disk(recorded));
    let text = model
        .path
        .known()
        .and_then(|p| std::path::absolute(p).ok())
        .and_then(|p| files::read_text(Path::new(&p)));
    if let Some(text) = text {
        model.content_sha256 = Field::Known(sha256_hex(text.as_bytes()));
        model.content = Field::Known(text);
    }
}

/// Writes `rendered`, first adding its files to those this resource has `touched`.
fn write(rendered: &Rendered, touched: &mut BTreeMap<String, String>) -> Result<(), Diagnostic> {
    touched.extend(rendered.file_hashes());
    files::write_all(rendered)
}

/// The state after a write stopped half-way: `whole` (the configuration last written
/// whole, else the one attempted) with every touched file read back from disk;
/// nothing when nothing was ever written.
fn on_disk_after(
    whole: Option<&Model>,
    attempted: &Model,
    touched: &BTreeMap<String, String>,
) -> Option<Model> {
    let mut state = whole.cloned().unwrap_or_else(|| attempted.clone());
    state.files = Field::Known(touched.clone());
    observe_files(&mut state);
    let nothing_written = whole.is_none() && state.files.is_known_and(BTreeMap::is_empty);
    (!nothing_written).then_some(state)
}

impl LeafnodeConfigResource {
    pub(super) async fn apply(
        client: &NatsClient,
        planned: Model,
        prior: Option<&Model>,
    ) -> Result<Model, Failed<Model>> {
        let rendered = render(&planned).map_err(Diagnostic::from)?;
        let system = live::system(client, &planned).await?;
        if let Some(system) = &system {
            live::check_remotes_reloadable(system, prior, &planned).await?;
        }
        let mut touched = prior
            .and_then(|p| p.files.known().cloned())
            .unwrap_or_default();
        let mut whole = prior.cloned();
        // nats-server refuses to change a remote's settings by reload, but adds and
        // removes remotes (>= 2.14): a changed remote is removed by one reload and comes
        // back, changed, with the next.
        if let (Some(system), Some(interim)) = (
            &system,
            prior.and_then(|p| live::without_changed_remotes(p, &planned)),
        ) {
            let interim_rendered = render(&interim).map_err(Diagnostic::from)?;
            write(&interim_rendered, &mut touched).map_err(|diagnostic| Failed {
                diagnostics: diagnostic.into(),
                state: on_disk_after(whole.as_ref(), &interim, &touched),
            })?;
            let interim = as_written(interim, &interim_rendered);
            if let Err(diagnostics) = live::reload(system, &planned).await {
                return Err(Failed {
                    diagnostics,
                    state: Some(interim),
                });
            }
            whole = Some(interim);
        }
        write(&rendered, &mut touched).map_err(|diagnostic| Failed {
            diagnostics: diagnostic.into(),
            state: on_disk_after(whole.as_ref(), &planned, &touched),
        })?;
        let mut applied = as_written(planned, &rendered);
        if let Err(diagnostic) = files::remove_stale(&touched, &rendered) {
            // A stale file that could not go stays recorded, so it is not forgotten.
            applied.files = Field::Known(touched);
            observe_files(&mut applied);
            return Err(Failed {
                diagnostics: diagnostic.into(),
                state: Some(applied),
            });
        }
        let Some(system) = system else {
            return Ok(applied);
        };
        match live::reload_and_wait(&system, &applied).await {
            Ok(connections) => {
                applied.connections = Field::Known(connections);
                Ok(applied)
            }
            Err((diagnostics, connections)) => {
                applied.connections = Field::Known(connections);
                Err(Failed {
                    diagnostics,
                    state: Some(applied),
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::schema::RemoteModel;
    use super::*;

    fn model(dir: &Path, creds: &str) -> Model {
        Model {
            server_name: Field::Known("leaf".into()),
            path: Field::Known(dir.join("conf/leaf.conf").display().to_string()),
            remote: Field::Known(vec![RemoteModel {
                urls: Field::Known(vec!["nats-leaf://127.0.0.1:7422".into()]),
                credentials: Field::Known(creds.into()),
                ..RemoteModel::default()
            }]),
            ..Model::default()
        }
    }

    #[test]
    fn a_write_that_fails_records_what_is_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let conf_dir = dir.path().join("conf");
        let planned = model(dir.path(), "creds one");
        let Ok(rendered) = render(&planned) else {
            panic!("renders")
        };
        // Nothing written and the directory cannot be made: nothing to record.
        std::fs::write(&conf_dir, "a file where the directory goes").unwrap();
        let mut touched = BTreeMap::new();
        assert!(write(&rendered, &mut touched).is_err());
        assert!(on_disk_after(None, &planned, &touched).is_none());

        // A whole configuration on disk, then a write that stops after the creds
        // (a directory stands where the configuration goes, even for root).
        std::fs::remove_file(&conf_dir).unwrap();
        write(&rendered, &mut touched).unwrap();
        let whole = as_written(planned, &rendered);
        let config = conf_dir.join("leaf.conf");
        std::fs::remove_file(&config).unwrap();
        std::fs::create_dir_all(config.join("blocker")).unwrap();
        let changed = model(dir.path(), "creds two");
        let Ok(changed_rendered) = render(&changed) else {
            panic!("renders")
        };
        assert!(write(&changed_rendered, &mut touched).is_err());
        let state = on_disk_after(Some(&whole), &changed, &touched).unwrap();
        let creds = conf_dir.join("leaf.remote-0.creds").display().to_string();
        let files = state.files.known().unwrap();
        assert_eq!(
            files[&creds],
            sha256_hex(b"creds two"),
            "the new creds are on disk"
        );
        assert!(!files.contains_key(&config.display().to_string()));
        assert_eq!(
            state.remotes()[0].credentials,
            Field::Known("creds one".to_owned())
        );
    }
}
