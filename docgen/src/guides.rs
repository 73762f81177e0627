//! Hand-written guides: `templates/guides/<name>.md` becomes `docs/guides/<name>.md`.
//!
//! The Registry shows every `docs/guides/*.md` under "Guides", titled and grouped by the
//! page's `page_title` and `subcategory` front matter, so both are required here and a
//! guide without them fails the build instead of showing up untitled.
//!
//! A line holding only `{{tffile "examples/some/file.tf"}}` (the directive tfplugindocs
//! uses) is replaced by that file in a `terraform` code block: HCL that lives under
//! `examples/` is `terraform fmt`-checked and can be applied by a test, so a guide that
//! includes it cannot show configuration that no longer works.

use std::collections::BTreeMap;
use std::path::Path;

/// Front matter keys the Registry needs on a guide.
const REQUIRED_KEYS: [&str; 2] = ["page_title", "subcategory"];

/// Every guide, keyed by its path under docs/ (`guides/<name>.md`), or every problem
/// found (a guide with bad front matter, an include that does not exist).
pub fn pages(root: &Path) -> Result<BTreeMap<String, String>, Vec<String>> {
    let source_dir = root.join("templates").join("guides");
    let Ok(entries) = std::fs::read_dir(&source_dir) else {
        // No guides yet: nothing to render.
        return Ok(BTreeMap::new());
    };
    let mut pages = BTreeMap::new();
    let mut problems = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.ends_with(".md") {
            continue;
        }
        let source = format!("templates/guides/{name}");
        let rendered = std::fs::read_to_string(&path)
            .map_err(|e| format!("{source}: cannot read: {e}"))
            .and_then(|text| render(&text, &source, root));
        match rendered {
            Ok(text) => {
                pages.insert(format!("guides/{name}"), text);
            }
            Err(problem) => problems.push(problem),
        }
    }
    if problems.is_empty() {
        Ok(pages)
    } else {
        problems.sort();
        Err(problems)
    }
}

/// One guide's page: its front matter checked, a note saying where to edit it, and its
/// includes expanded. `source` is the path shown in messages and in the note.
fn render(text: &str, source: &str, root: &Path) -> Result<String, String> {
    let (front_matter, body) = split_front_matter(text).ok_or_else(|| {
        format!("{source}: must start with `---` front matter holding page_title and subcategory")
    })?;
    for key in REQUIRED_KEYS {
        if !front_matter.lines().any(|line| defines(line, key)) {
            return Err(format!(
                "{source}: front matter has no `{key}:` (the Registry needs page_title and subcategory on a guide)"
            ));
        }
    }
    let mut page = format!(
        "---\n{front_matter}---\n\n<!-- Generated from {source} by `make docs`: edit that file, not this one. -->\n"
    );
    for (number, line) in body.lines().enumerate() {
        match include_target(line) {
            Some(Ok(relative)) => {
                let hcl = std::fs::read_to_string(root.join(relative)).map_err(|e| {
                    format!(
                        "{source}: line {}: cannot include {relative}: {e}",
                        number + 1
                    )
                })?;
                page.push_str("```terraform\n");
                page.push_str(hcl.trim_end());
                page.push_str("\n```\n");
            }
            Some(Err(())) => {
                return Err(format!(
                    "{source}: line {}: write an include as {{{{tffile \"examples/path/file.tf\"}}}} on a line of its own",
                    number + 1
                ))
            }
            None => {
                page.push_str(line);
                page.push('\n');
            }
        }
    }
    Ok(page)
}

/// The front matter (without its `---` lines, ending in a newline) and the text after it.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("---\n")?;
    if let Some(body) = rest.strip_prefix("---\n") {
        return Some(("", body));
    }
    let end = rest.find("\n---\n")?;
    Some((&rest[..=end], &rest[end + 5..]))
}

/// True when a front matter line sets `key` (at the top level, with a non-empty value
/// or an empty quoted one, which the Registry accepts for `subcategory`).
fn defines(line: &str, key: &str) -> bool {
    line.strip_prefix(key)
        .and_then(|rest| rest.strip_prefix(':'))
        .is_some_and(|value| !value.trim().is_empty())
}

/// `Some(Ok(path))` for a `{{tffile "path"}}` line, `Some(Err(()))` for a line that
/// mentions `tffile` in braces but is malformed, `None` for ordinary text.
fn include_target(line: &str) -> Option<Result<&str, ()>> {
    let trimmed = line.trim();
    if !trimmed.starts_with("{{") || !trimmed.contains("tffile") {
        return None;
    }
    let inner = trimmed
        .strip_prefix("{{")
        .and_then(|t| t.strip_suffix("}}"))
        .map(str::trim)
        .and_then(|t| t.strip_prefix("tffile"))
        .map(str::trim)
        .and_then(|t| t.strip_prefix('"'))
        .and_then(|t| t.strip_suffix('"'));
    Some(match inner {
        Some(path) if !path.is_empty() && !path.contains('"') && !path.contains("..") => Ok(path),
        _ => Err(()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("templates/guides")).unwrap();
        std::fs::create_dir_all(dir.path().join("examples/guides")).unwrap();
        dir
    }

    const FRONT: &str = "---\npage_title: \"Adopting\"\nsubcategory: \"\"\n---\n";

    #[test]
    fn a_guide_is_copied_with_its_front_matter_and_a_note_where_to_edit() {
        let dir = workspace();
        let text = format!("{FRONT}\n# Adopting\n\nText.\n");
        std::fs::write(dir.path().join("templates/guides/adopting.md"), &text).unwrap();
        let pages = pages(dir.path()).unwrap();
        let page = &pages["guides/adopting.md"];
        assert!(page.starts_with(FRONT), "{page}");
        assert!(
            page.contains("<!-- Generated from templates/guides/adopting.md"),
            "{page}"
        );
        assert!(page.ends_with("# Adopting\n\nText.\n"), "{page}");
    }

    #[test]
    fn tffile_lines_become_terraform_blocks() {
        let dir = workspace();
        std::fs::write(
            dir.path().join("examples/guides/main.tf"),
            "provider \"nats\" {}\n\n",
        )
        .unwrap();
        let text =
            format!("{FRONT}Before\n  {{{{ tffile \"examples/guides/main.tf\" }}}}\nAfter\n");
        std::fs::write(dir.path().join("templates/guides/g.md"), text).unwrap();
        let pages = pages(dir.path()).unwrap();
        assert!(
            pages["guides/g.md"]
                .ends_with("Before\n```terraform\nprovider \"nats\" {}\n```\nAfter\n"),
            "{}",
            pages["guides/g.md"]
        );
    }

    #[test]
    fn problems_name_the_guide_and_what_is_wrong() {
        let dir = workspace();
        let guides = dir.path().join("templates/guides");
        std::fs::write(guides.join("no_front.md"), "# Title\n").unwrap();
        std::fs::write(
            guides.join("no_category.md"),
            "---\npage_title: \"T\"\n---\nx\n",
        )
        .unwrap();
        std::fs::write(
            guides.join("missing_include.md"),
            format!("{FRONT}{{{{tffile \"examples/guides/none.tf\"}}}}\n"),
        )
        .unwrap();
        std::fs::write(
            guides.join("bad_include.md"),
            format!("{FRONT}{{{{tffile examples/x.tf}}}}\n"),
        )
        .unwrap();
        std::fs::write(guides.join("notes.txt"), "not a guide").unwrap();
        let problems = pages(dir.path()).unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        let all = problems.join("\n");
        for expected in [
            "templates/guides/no_front.md: must start with `---` front matter",
            "templates/guides/no_category.md: front matter has no `subcategory:`",
            "templates/guides/missing_include.md: line 1: cannot include examples/guides/none.tf",
            "templates/guides/bad_include.md: line 1: write an include as {{tffile",
        ] {
            assert!(all.contains(expected), "missing {expected:?} in\n{all}");
        }
    }

    #[test]
    fn no_guides_folder_means_no_guides() {
        let dir = tempfile::tempdir().unwrap();
        assert!(pages(dir.path()).unwrap().is_empty());
    }
}
