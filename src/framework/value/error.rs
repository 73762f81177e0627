//! Errors of the msgpack and JSON codecs. Each names the attribute path where the
//! problem was found and what was expected there. Messages never echo string or number
//! contents: a value may be a secret.

use super::{AttributePath, PathStep, Type};

/// Bytes (from Terraform or from stored state) that are not a value of the expected type.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DecodeError {
    #[error("{}: input ends in the middle of a value", at(.path))]
    Truncated { path: AttributePath },
    #[error("{}: expected {expected}, found {found}", at(.path))]
    Mismatch {
        path: AttributePath,
        expected: Type,
        found: &'static str,
    },
    #[error("{}: unsupported attribute {name:?}", at(.path))]
    UnsupportedAttribute { path: AttributePath, name: String },
    #[error("{}: expected a tuple of {expected} elements, found {found}", at(.path))]
    TupleLength {
        path: AttributePath,
        expected: usize,
        found: usize,
    },
    #[error("{}: invalid number ({reason})", at(.path))]
    InvalidNumber {
        path: AttributePath,
        reason: &'static str,
    },
    #[error("{}: string is not valid UTF-8", at(.path))]
    InvalidUtf8 { path: AttributePath },
    #[error("{}: invalid dynamic value: {reason}", at(.path))]
    InvalidDynamic { path: AttributePath, reason: String },
    #[error("{}: nested more than {limit} levels deep", at(.path))]
    TooDeep { path: AttributePath, limit: usize },
    #[error("{count} unexpected bytes after the value")]
    TrailingBytes { count: usize },
    #[error("not valid JSON: {0}")]
    Json(String),
}

/// A [`super::Value`] that cannot be written under the given type.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EncodeError {
    #[error("{}: a {found} value does not fit type {expected}", at(.path))]
    Mismatch {
        path: AttributePath,
        expected: Type,
        found: &'static str,
    },
    #[error("{}: attribute {name:?} is not part of the object type", at(.path))]
    UnsupportedAttribute { path: AttributePath, name: String },
    #[error("{}: expected a tuple of {expected} elements, found {found}", at(.path))]
    TupleLength {
        path: AttributePath,
        expected: usize,
        found: usize,
    },
    #[error("{}: unknown values cannot be written as JSON", at(.path))]
    UnknownInJson { path: AttributePath },
    #[error(
        "{}: cannot tell the type of this value for a dynamic attribute (its elements differ in type)",
        at(.path)
    )]
    CannotInferType { path: AttributePath },
    #[error("{}: number has no JSON representation", at(.path))]
    InvalidNumber { path: AttributePath },
    #[error("{}: string or collection too long for msgpack (over 4 GiB)", at(.path))]
    TooLong { path: AttributePath },
}

impl DecodeError {
    /// Where the problem was found; `None` for problems of the input as a whole.
    pub fn path(&self) -> Option<&AttributePath> {
        match self {
            DecodeError::Truncated { path }
            | DecodeError::Mismatch { path, .. }
            | DecodeError::UnsupportedAttribute { path, .. }
            | DecodeError::TupleLength { path, .. }
            | DecodeError::InvalidNumber { path, .. }
            | DecodeError::InvalidUtf8 { path }
            | DecodeError::InvalidDynamic { path, .. }
            | DecodeError::TooDeep { path, .. } => Some(path),
            DecodeError::TrailingBytes { .. } | DecodeError::Json(_) => None,
        }
    }
}

impl EncodeError {
    /// Where the offending value sits.
    pub fn path(&self) -> &AttributePath {
        match self {
            EncodeError::Mismatch { path, .. }
            | EncodeError::UnsupportedAttribute { path, .. }
            | EncodeError::TupleLength { path, .. }
            | EncodeError::UnknownInJson { path }
            | EncodeError::CannotInferType { path }
            | EncodeError::InvalidNumber { path }
            | EncodeError::TooLong { path } => path,
        }
    }
}

fn at(path: &AttributePath) -> String {
    if path.is_root() {
        "(root)".to_owned()
    } else {
        path.to_string()
    }
}

/// The steps walked so far by a codec, borrowed from the type and the value being
/// walked; turned into an [`AttributePath`] only when an error needs one, so the happy
/// path neither clones paths nor allocates a name per attribute.
#[derive(Debug, Default)]
pub(crate) struct PathTrail<'a> {
    /// Where the walk started: the steps above a `dynamic` value, whose type is only
    /// made during the walk and so cannot lend its names to the outer trail.
    above: Vec<PathStep>,
    steps: Vec<TrailStep<'a>>,
}

#[derive(Debug, Clone, Copy)]
enum TrailStep<'a> {
    Attribute(&'a str),
    Key(&'a str),
    Index(usize),
}

impl<'a> PathTrail<'a> {
    pub(crate) fn push_attribute(&mut self, name: &'a str) {
        self.steps.push(TrailStep::Attribute(name));
    }

    pub(crate) fn push_key(&mut self, key: &'a str) {
        self.steps.push(TrailStep::Key(key));
    }

    pub(crate) fn push_index(&mut self, index: usize) {
        self.steps.push(TrailStep::Index(index));
    }

    pub(crate) fn pop(&mut self) {
        self.steps.pop();
    }

    /// A trail continuing this one, for a walk below a value whose type was made here.
    pub(crate) fn nested<'b>(&self) -> PathTrail<'b> {
        PathTrail {
            above: self.current().steps().to_vec(),
            steps: Vec::new(),
        }
    }

    pub(crate) fn current(&self) -> AttributePath {
        let mut steps = Vec::with_capacity(self.above.len() + self.steps.len());
        steps.extend_from_slice(&self.above);
        steps.extend(self.steps.iter().map(|step| match *step {
            TrailStep::Attribute(name) => PathStep::Attribute(name.to_owned()),
            TrailStep::Key(key) => PathStep::ElementKeyString(key.to_owned()),
            TrailStep::Index(index) => {
                PathStep::ElementKeyInt(i64::try_from(index).unwrap_or(i64::MAX))
            }
        }));
        AttributePath::from_steps(steps)
    }
}
