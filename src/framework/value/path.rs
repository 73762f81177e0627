//! Attribute paths: where in a value a diagnostic or a plan rule applies.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    Attribute(String),
    ElementKeyString(String),
    ElementKeyInt(i64),
}

/// A path from the root object of a schema to one nested value.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributePath(Vec<PathStep>);

impl AttributePath {
    pub fn root() -> Self {
        AttributePath(Vec::new())
    }

    pub fn attr(name: impl Into<String>) -> Self {
        AttributePath(vec![PathStep::Attribute(name.into())])
    }

    pub fn steps(&self) -> &[PathStep] {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    #[must_use]
    pub fn child(&self, name: impl Into<String>) -> Self {
        self.with(PathStep::Attribute(name.into()))
    }

    #[must_use]
    pub fn index(&self, i: usize) -> Self {
        self.with(PathStep::ElementKeyInt(
            i64::try_from(i).unwrap_or(i64::MAX),
        ))
    }

    #[must_use]
    pub fn key(&self, key: impl Into<String>) -> Self {
        self.with(PathStep::ElementKeyString(key.into()))
    }

    #[must_use]
    pub fn with(&self, step: PathStep) -> Self {
        let mut steps = self.0.clone();
        steps.push(step);
        AttributePath(steps)
    }

    pub fn from_steps(steps: Vec<PathStep>) -> Self {
        AttributePath(steps)
    }
}

/// HCL-like rendering (`source[0].name`, `metadata["k"]`) for messages and logs.
impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.0.iter().enumerate() {
            match step {
                PathStep::Attribute(name) if i == 0 => write!(f, "{name}")?,
                PathStep::Attribute(name) => write!(f, ".{name}")?,
                PathStep::ElementKeyString(key) => write!(f, "[{key:?}]")?,
                PathStep::ElementKeyInt(idx) => write!(f, "[{idx}]")?,
            }
        }
        Ok(())
    }
}
