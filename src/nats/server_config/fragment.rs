//! Reading a configuration fragment someone else wrote (the operator-mode settings of
//! `nsc generate config` or a `nats_nkey_operator`), far enough to know it is whole:
//! every string, map and array closed, no `include` (resolved against a directory the
//! fragment's author never saw), no `$name` variable (resolved against keys and the
//! environment of wherever the server runs), and which keys it sets at its top level.
//!
//! The grammar follows nats-server's lexer (`conf/lex.go`): keys end at `:`, `=` or
//! white space; values are `"..."` (with `\` escapes), `'...'` (literal), `{...}`,
//! `[...]` or bare text ending at a line end, `,`, `;`, `]`, `}` or white space;
//! `#` and `//` start comments. `(...)` blocks are not supported.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FragmentError {
    #[error("line {line}: {problem}")]
    Syntax { line: usize, problem: String },
}

struct Reader {
    chars: Vec<char>,
    at: usize,
}

impl Reader {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn line(&self) -> usize {
        1 + self.chars[..self.at.min(self.chars.len())]
            .iter()
            .filter(|c| **c == '\n')
            .count()
    }

    fn fail<T>(&self, problem: impl Into<String>) -> Result<T, FragmentError> {
        Err(FragmentError::Syntax {
            line: self.line(),
            problem: problem.into(),
        })
    }

    fn starts_comment(&self) -> bool {
        self.peek() == Some('#')
            || (self.peek() == Some('/') && self.chars.get(self.at + 1) == Some(&'/'))
    }

    /// Skips white space, comments and (between entries) `,` and `;`.
    fn skip_filler(&mut self, separators: bool) {
        while let Some(c) = self.peek() {
            if self.starts_comment() {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.at += 1;
                }
            } else if c.is_whitespace() || (separators && (c == ',' || c == ';')) {
                self.at += 1;
            } else {
                break;
            }
        }
    }

    /// Entries up to `end` (`None`: the end of the text); returns their keys.
    fn entries(&mut self, end: Option<char>) -> Result<Vec<String>, FragmentError> {
        let mut keys = Vec::new();
        loop {
            self.skip_filler(true);
            match (self.peek(), end) {
                (None, None) => return Ok(keys),
                (None, Some(end)) => return self.fail(format!("`{end}` is missing")),
                (Some(c), Some(end)) if c == end => {
                    self.at += 1;
                    return Ok(keys);
                }
                _ => {}
            }
            let key = self.key()?;
            if key.eq_ignore_ascii_case("include") && self.peek().is_some_and(char::is_whitespace) {
                return self.fail("`include` is not allowed here");
            }
            while self.peek().is_some_and(|c| c == ' ' || c == '\t') {
                self.at += 1;
            }
            if matches!(self.peek(), Some(':' | '=')) {
                self.at += 1;
            }
            self.skip_filler(false);
            self.value(&key)?;
            keys.push(key);
        }
    }

    fn key(&mut self) -> Result<String, FragmentError> {
        match self.peek() {
            Some(quote @ ('"' | '\'')) => {
                self.at += 1;
                let start = self.at;
                while self.peek().is_some_and(|c| c != quote) {
                    self.at += 1;
                }
                if self.peek().is_none() {
                    return self.fail("a quoted key is not closed");
                }
                let key: String = self.chars[start..self.at].iter().collect();
                self.at += 1;
                Ok(key)
            }
            Some(c) if matches!(c, '{' | '}' | '[' | ']' | ':' | '=') => {
                self.fail(format!("expected a key, found `{c}`"))
            }
            _ => {
                let start = self.at;
                while self
                    .peek()
                    .is_some_and(|c| !c.is_whitespace() && !matches!(c, ':' | '=' | '{' | '}'))
                {
                    self.at += 1;
                }
                Ok(self.chars[start..self.at].iter().collect())
            }
        }
    }

    fn value(&mut self, key: &str) -> Result<(), FragmentError> {
        match self.peek() {
            None => self.fail(format!("`{key}` has no value")),
            Some('{') => {
                self.at += 1;
                self.entries(Some('}')).map(drop)
            }
            Some('[') => {
                self.at += 1;
                loop {
                    self.skip_filler(true);
                    match self.peek() {
                        None => return self.fail("`]` is missing"),
                        Some(']') => {
                            self.at += 1;
                            return Ok(());
                        }
                        Some(_) => self.value(key)?,
                    }
                }
            }
            Some('"') => self.double_quoted(),
            Some('\'') => {
                self.at += 1;
                while self.peek().is_some_and(|c| c != '\'') {
                    self.at += 1;
                }
                if self.peek().is_none() {
                    return self.fail("a '...' string is not closed");
                }
                self.at += 1;
                Ok(())
            }
            Some('(') => self.fail("`(...)` blocks are not supported here"),
            Some('$') => self.fail(format!(
                "`{key}` refers to a variable (`$...`), which would be resolved where the server runs"
            )),
            Some(_) => {
                while self.peek().is_some_and(|c| {
                    !c.is_whitespace() && !matches!(c, ',' | ';' | ']' | '}')
                }) {
                    self.at += 1;
                }
                Ok(())
            }
        }
    }

    fn double_quoted(&mut self) -> Result<(), FragmentError> {
        self.at += 1;
        loop {
            match self.peek() {
                None => return self.fail("a \"...\" string is not closed"),
                Some('\\') => self.at += 2,
                Some('"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(_) => self.at += 1,
            }
        }
    }
}

/// The keys `text` sets at its top level, in order, when it is a whole fragment.
pub fn top_level_keys(text: &str) -> Result<Vec<String>, FragmentError> {
    Reader {
        chars: text.chars().collect(),
        at: 0,
    }
    .entries(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_nsc_and_natsforge_write_is_read_key_by_key() {
        let nsc = "# Operator named OP\noperator: eyJ0eXAi.x.y\n\n# System Account named SYS\nsystem_account: ADU\n\nresolver {\n    type: full\n    dir: './jwt'\n    allow_delete: false\n    interval: \"2m\"\n    limit: 1000\n}\n\nresolver_preload: {\n\tADU: eyJ.a.b,\n}\n";
        assert_eq!(
            top_level_keys(nsc).unwrap(),
            ["operator", "system_account", "resolver", "resolver_preload"]
        );
        let ours = "operator: \"eyJ\"\nsystem_account: \"A\"\nresolver: MEMORY\nresolver_preload {\n  A: \"eyJ\"\n}\n";
        assert_eq!(
            top_level_keys(ours).unwrap(),
            ["operator", "system_account", "resolver", "resolver_preload"]
        );
        let spaced = "operator = \"a \\\" } b\" // comment\n'system_account' 'A'; trusted_keys [\"O1\", \"O2\"]";
        assert_eq!(
            top_level_keys(spaced).unwrap(),
            ["operator", "system_account", "trusted_keys"]
        );
    }

    #[test]
    fn a_fragment_that_could_change_the_file_around_it_is_refused() {
        let problem = |text: &str| top_level_keys(text).unwrap_err().to_string();
        assert!(problem("operator: \"eyJ").contains("not closed"));
        assert!(problem("resolver {\n type: full\n").contains("line 3: `}` is missing"));
        assert!(problem("resolver: MEMORY\n}\nlisten: 1").contains("found `}`"));
        assert!(problem("include ./other.conf").contains("`include` is not allowed"));
        assert!(problem("resolver { include 'x.conf' }").contains("`include`"));
        assert!(problem("operator: $OPERATOR_JWT").contains("variable"));
        assert!(problem("trusted_keys: [ $KEY ]").contains("variable"));
        assert!(problem("operator: 'eyJ").contains("not closed"));
        assert!(problem("operator:").contains("has no value"));
        assert!(problem("operator: (\nx\n)\n").contains("not supported"));
    }
}
