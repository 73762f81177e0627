//! Writing nats-server configuration text (the HOCON-like format `nats-server -c`
//! reads). Values are built as a small tree and rendered with every string
//! double-quoted and escaped, so no value can break out of its place (a `}` in a
//! path, a `$` that would otherwise be read as a variable reference, a newline).
//!
//! The renderer knows nothing of what the keys mean: callers decide the layout.
//! [`address`] checks listeners and URLs, [`fragment`] reads configuration text
//! written elsewhere before it is taken in whole.

pub mod address;
pub mod fragment;

use std::fmt::Write;

/// One configuration value.
#[derive(Clone, PartialEq, Eq)]
pub enum ConfValue {
    /// Always written quoted, so it is never read as a number, a unit or `$VAR`.
    Str(String),
    Int(i64),
    Bool(bool),
    List(Vec<ConfValue>),
    Block(ConfBlock),
}

// Values may hold URLs with passwords: never print them in Debug output.
impl std::fmt::Debug for ConfValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConfValue(<not shown>)")
    }
}

impl From<&str> for ConfValue {
    fn from(text: &str) -> Self {
        ConfValue::Str(text.to_owned())
    }
}

impl From<String> for ConfValue {
    fn from(text: String) -> Self {
        ConfValue::Str(text)
    }
}

impl From<i64> for ConfValue {
    fn from(number: i64) -> Self {
        ConfValue::Int(number)
    }
}

impl From<bool> for ConfValue {
    fn from(flag: bool) -> Self {
        ConfValue::Bool(flag)
    }
}

impl From<ConfBlock> for ConfValue {
    fn from(block: ConfBlock) -> Self {
        ConfValue::Block(block)
    }
}

impl From<Vec<String>> for ConfValue {
    fn from(items: Vec<String>) -> Self {
        ConfValue::List(items.into_iter().map(ConfValue::Str).collect())
    }
}

/// An ordered map of keys to values: the whole file, or a `{ ... }` block.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ConfBlock {
    entries: Vec<Entry>,
}

#[derive(Clone, PartialEq, Eq)]
enum Entry {
    Pair(String, ConfValue),
    /// `include <quoted path>`: another file, resolved by nats-server relative to
    /// this one; already quoted as the lexer reads include paths.
    Include(String),
    /// Text written as given, e.g. a fragment another tool rendered.
    Verbatim(String),
}

impl ConfBlock {
    pub fn new() -> Self {
        ConfBlock::default()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds `key: value`.
    pub fn set(&mut self, key: &str, value: impl Into<ConfValue>) -> &mut Self {
        self.entries.push(Entry::Pair(key.to_owned(), value.into()));
        self
    }

    /// Adds `key: value` when there is a value.
    pub fn set_some<V: Into<ConfValue>>(&mut self, key: &str, value: Option<V>) -> &mut Self {
        if let Some(value) = value {
            self.set(key, value);
        }
        self
    }

    /// Adds `key { ... }` unless the block is empty.
    pub fn set_block(&mut self, key: &str, block: ConfBlock) -> &mut Self {
        if !block.is_empty() {
            self.set(key, block);
        }
        self
    }

    /// Adds `include <path>`, or says why nats-server could not read `path` back.
    pub fn include(&mut self, path: &str) -> Result<&mut Self, String> {
        let quoted = quote_include(path)?;
        self.entries.push(Entry::Include(quoted));
        Ok(self)
    }

    /// Appends text as is; the caller vouches for its syntax.
    pub fn verbatim(&mut self, text: &str) -> &mut Self {
        self.entries.push(Entry::Verbatim(text.to_owned()));
        self
    }

    /// The configuration file text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.render_entries(&mut out, 0);
        out
    }

    fn render_entries(&self, out: &mut String, depth: usize) {
        let indent = "  ".repeat(depth);
        for entry in &self.entries {
            match entry {
                Entry::Pair(key, value) => {
                    let _ = write!(out, "{indent}{}", render_key(key));
                    match value {
                        ConfValue::Block(_) => out.push(' '),
                        _ => out.push_str(": "),
                    }
                    render_value(value, out, depth);
                    out.push('\n');
                }
                Entry::Include(quoted) => {
                    let _ = writeln!(out, "{indent}include {quoted}");
                }
                Entry::Verbatim(text) => {
                    for line in text.lines() {
                        let _ = writeln!(out, "{indent}{line}");
                    }
                }
            }
        }
    }
}

fn render_value(value: &ConfValue, out: &mut String, depth: usize) {
    match value {
        ConfValue::Str(text) => out.push_str(&quote(text)),
        ConfValue::Int(number) => {
            let _ = write!(out, "{number}");
        }
        ConfValue::Bool(flag) => {
            let _ = write!(out, "{flag}");
        }
        ConfValue::List(items) => {
            if items
                .iter()
                .all(|item| !matches!(item, ConfValue::Block(_)))
            {
                out.push('[');
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        out.push_str(", ");
                    }
                    render_value(item, out, depth);
                }
                out.push(']');
                return;
            }
            let indent = "  ".repeat(depth + 1);
            out.push_str("[\n");
            for item in items {
                out.push_str(&indent);
                render_value(item, out, depth + 1);
                out.push('\n');
            }
            out.push_str(&"  ".repeat(depth));
            out.push(']');
        }
        ConfValue::Block(block) => {
            out.push_str("{\n");
            block.render_entries(out, depth + 1);
            out.push_str(&"  ".repeat(depth));
            out.push('}');
        }
    }
}

/// Keys are written bare when they are plain words, quoted otherwise.
fn render_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_owned()
    } else {
        quote(key)
    }
}

/// A double-quoted string with the escapes nats-server's lexer understands (`\"`,
/// `\\`, `\n`, `\r`, `\t`, `\xXX`), so the server reads back exactly `text`.
pub fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            control if control.is_ascii_control() => {
                let _ = write!(quoted, "\\x{:02x}", u32::from(control));
            }
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

/// Why nats-server could not read `path` back from an `include`, if it could not.
/// Its lexer takes an include path literally up to the closing quote, without
/// escapes: a path is written in `"..."`, or in `'...'` when it holds `"`.
pub fn include_problem(path: &str) -> Option<String> {
    if path.is_empty() {
        return Some("an include path cannot be empty".into());
    }
    if let Some(bad) = path.chars().find(|c| c.is_control()) {
        return Some(format!("{path:?} contains the control character {bad:?}"));
    }
    if path.contains('"') && path.contains('\'') {
        return Some(format!(
            "{path:?} holds both `\"` and `'`; nats-server reads an include path up to the next quote of the kind it started with, so one of them must go"
        ));
    }
    None
}

fn quote_include(path: &str) -> Result<String, String> {
    if let Some(problem) = include_problem(path) {
        return Err(problem);
    }
    let delimiter = if path.contains('"') { '\'' } else { '"' };
    Ok(format!("{delimiter}{path}{delimiter}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_blocks_and_lists_render_as_nats_server_reads_them() {
        let mut remote = ConfBlock::new();
        remote
            .set("urls", vec!["nats-leaf://127.0.0.1:7422".to_string()])
            .set("hub", true);
        let mut leafnodes = ConfBlock::new();
        leafnodes.set("remotes", ConfValue::List(vec![remote.into()]));
        let mut root = ConfBlock::new();
        root.set("server_name", "leaf")
            .set("max_payload", 1024)
            .set_block("leafnodes", leafnodes)
            .set_block("cluster", ConfBlock::new());
        root.include("extra.conf")
            .unwrap()
            .verbatim("resolver: MEMORY\n");
        assert_eq!(
            root.render(),
            "server_name: \"leaf\"\nmax_payload: 1024\nleafnodes {\n  remotes: [\n    {\n      \
             urls: [\"nats-leaf://127.0.0.1:7422\"]\n      hub: true\n    }\n  ]\n}\n\
             include \"extra.conf\"\nresolver: MEMORY\n"
        );
    }

    #[test]
    fn include_paths_are_written_as_the_lexer_reads_them() {
        let render = |path: &str| {
            let mut root = ConfBlock::new();
            root.include(path).map(|root| root.render())
        };
        assert_eq!(
            render("dir\\x $y }#.conf").unwrap(),
            "include \"dir\\x $y }#.conf\"\n"
        );
        assert_eq!(
            render("say \"hi\".conf").unwrap(),
            "include 'say \"hi\".conf'\n"
        );
        assert!(render("both\"'.conf").unwrap_err().contains("both"));
        assert!(include_problem("x\n.conf").is_some());
        assert!(include_problem("").is_some());
        assert_eq!(include_problem("it's.conf"), None);
    }

    #[test]
    fn strings_cannot_break_out_of_their_quotes() {
        assert_eq!(quote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(quote("bell\u{7}del\u{7f}é"), "\"bell\\x07del\\x7fé\"");
        assert_eq!(render_key("A B"), "\"A B\"");
        assert_eq!(render_key("store_dir"), "store_dir");
    }

    #[test]
    fn debug_never_shows_values() {
        let value = ConfValue::from("nats://user:secret@host");
        assert!(!format!("{value:?}").contains("secret"));
    }
}
