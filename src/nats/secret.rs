//! A string that must never reach a log, a Debug dump or an error message.

use std::fmt;

/// Passwords, tokens, seeds, credentials text and private keys.
///
/// Debug and Display print `<redacted>` so that a secret carried inside a larger
/// struct cannot leak through `{:?}`; the text is reachable only through
/// [`Secret::expose`], which keeps every use easy to find.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Self {
        Secret(text.into())
    }

    /// The secret text, for the one place that hands it to the NATS client.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(text: String) -> Self {
        Secret(text)
    }
}

impl From<&str> for Secret {
    fn from(text: &str) -> Self {
        Secret(text.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_text() {
        let secret = Secret::new("s3cr3t-token");
        assert_eq!(format!("{secret:?}"), "<redacted>");
        assert_eq!(format!("{secret}"), "<redacted>");
        let wrapped = Some(secret.clone());
        assert!(!format!("{wrapped:?}").contains("s3cr3t"));
        assert_eq!(secret.expose(), "s3cr3t-token");
    }
}
