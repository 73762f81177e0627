//! Generates `docs/` in the Terraform Registry layout from the provider's own schema
//! descriptions and the HCL in `examples/`, so documentation cannot drift from code,
//! plus the hand-written guides in `templates/guides/` (see `guides.rs`).
//!
//! `natsforge-docgen` writes the files; `natsforge-docgen --check` fails (exit 1) and
//! names every stale or missing file instead, which is what CI runs.

mod guides;
mod render;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let check = std::env::args().any(|a| a == "--check");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut pages = render::pages(&root.join("examples"));
    match guides::pages(&root) {
        Ok(guides) => pages.extend(guides),
        Err(problems) => {
            for problem in &problems {
                eprintln!("{problem}");
            }
            return ExitCode::FAILURE;
        }
    }
    let docs = root.join("docs");
    if check {
        return check_pages(&docs, &pages);
    }
    for (relative, text) in &pages {
        let path = docs.join(relative);
        if let Some(parent) = path.parent() {
            if let Err(error) = std::fs::create_dir_all(parent) {
                eprintln!("cannot create {}: {error}", parent.display());
                return ExitCode::FAILURE;
            }
        }
        if let Err(error) = std::fs::write(&path, text) {
            eprintln!("cannot write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    }
    for stale in unexpected_files(&docs, &pages) {
        if let Err(error) = std::fs::remove_file(&stale) {
            eprintln!("cannot remove {}: {error}", stale.display());
            return ExitCode::FAILURE;
        }
    }
    println!("wrote {} pages under {}", pages.len(), docs.display());
    ExitCode::SUCCESS
}

fn check_pages(docs: &Path, pages: &BTreeMap<String, String>) -> ExitCode {
    let mut problems = Vec::new();
    for (relative, text) in pages {
        match std::fs::read_to_string(docs.join(relative)) {
            Ok(existing) if &existing == text => {}
            Ok(_) => problems.push(format!("docs/{relative} is stale")),
            Err(_) => problems.push(format!("docs/{relative} is missing")),
        }
    }
    for stale in unexpected_files(docs, pages) {
        problems.push(format!(
            "{} documents nothing the provider has and has no source in templates/guides/",
            stale.display()
        ));
    }
    if problems.is_empty() {
        println!("docs/ is up to date ({} pages)", pages.len());
        return ExitCode::SUCCESS;
    }
    for problem in &problems {
        eprintln!("{problem}");
    }
    eprintln!("run `make docs` to regenerate docs/ from the schema and templates/guides/");
    ExitCode::FAILURE
}

/// Markdown files under docs/ that no current page produces.
fn unexpected_files(docs: &Path, pages: &BTreeMap<String, String>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    collect_markdown(docs, docs, &mut found);
    found
        .into_iter()
        .filter(|(relative, _)| !pages.contains_key(relative))
        .map(|(_, path)| path)
        .collect()
}

fn collect_markdown(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_markdown(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            if let Ok(relative) = path.strip_prefix(root) {
                out.push((relative.to_string_lossy().into_owned(), path.clone()));
            }
        }
    }
}
