//! Where in a model the serializer or deserializer is, kept on the stack (no
//! allocation) and turned into an `AttributePath` only when something goes wrong.

use crate::framework::value::AttributePath;
use std::cell::RefCell;

#[derive(Clone, Copy)]
pub(super) enum Path<'a> {
    Root,
    Attr(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
    Key(&'a Path<'a>, &'a str),
}

impl Path<'_> {
    pub(super) fn to_attribute_path(self) -> AttributePath {
        match self {
            Path::Root => AttributePath::root(),
            Path::Attr(parent, name) => parent.to_attribute_path().child(name),
            Path::Index(parent, index) => parent.to_attribute_path().index(index),
            Path::Key(parent, key) => parent.to_attribute_path().key(key),
        }
    }
}

/// Model/schema disagreements found while converting, for the consistency check:
/// conversion itself stays lenient (a missing attribute is null), the audit says so.
#[derive(Default)]
pub struct Audit(RefCell<Vec<String>>);

impl Audit {
    pub(super) fn record(&self, path: &Path<'_>, problem: &str) {
        let at = path.to_attribute_path();
        let line = if at.is_root() {
            problem.to_string()
        } else {
            format!("{at}: {problem}")
        };
        let mut found = self.0.borrow_mut();
        if !found.contains(&line) {
            found.push(line);
        }
    }

    pub fn into_problems(self) -> Vec<String> {
        self.0.into_inner()
    }
}
