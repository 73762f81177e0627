//! NATS naming rules shared by resources, as validators with user-facing wording.

use crate::framework::validators::StringRule;

/// A subject that can be subscribed to or listed on a stream: dot-separated tokens,
/// none empty, `*` a whole token, `>` only as the whole last token.
pub fn check_subject(subject: &str) -> Result<(), String> {
    if subject.is_empty() {
        return Err("a subject cannot be empty".into());
    }
    if subject.chars().any(char::is_whitespace) {
        return Err(format!("{subject:?} contains white space"));
    }
    let tokens: Vec<&str> = subject.split('.').collect();
    for (index, token) in tokens.iter().enumerate() {
        if token.is_empty() {
            return Err(format!(
                "{subject:?} has an empty token (two dots, or a dot at an end)"
            ));
        }
        if token.contains('>') && (*token != ">" || index + 1 != tokens.len()) {
            return Err(format!("{subject:?}: `>` must be the whole last token"));
        }
        if token.contains('*') && *token != "*" {
            return Err(format!("{subject:?}: `*` must be a whole token"));
        }
    }
    Ok(())
}

pub const SUBJECT: StringRule = StringRule {
    allowed:
        "a NATS subject: dot-separated tokens, `*` as a whole token, `>` only as the last token",
    rule: check_subject,
};

/// Stream and consumer names travel inside API subjects, so they cannot contain the
/// characters that would split or widen those subjects.
pub fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a name cannot be empty".into());
    }
    if name.len() > 255 {
        return Err(format!("{} characters is too long", name.len()));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || matches!(c, '.' | '*' | '>' | '/' | '\\'))
    {
        return Err(format!("{name:?} contains {bad:?}"));
    }
    Ok(())
}

pub const NAME: StringRule = StringRule {
    allowed: "a name without white space, `.`, `*`, `>`, `/` or `\\`, at most 255 characters",
    rule: check_name,
};

/// KV and object store buckets become stream names `KV_<bucket>` / `OBJ_<bucket>` and
/// subjects, so the clients allow only these characters.
pub fn check_bucket(bucket: &str) -> Result<(), String> {
    if bucket.is_empty() {
        return Err("a bucket name cannot be empty".into());
    }
    match bucket
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        Some(bad) => Err(format!("{bucket:?} contains {bad:?}")),
        None => Ok(()),
    }
}

pub const BUCKET: StringRule = StringRule {
    allowed: "letters, digits, `_` and `-` only",
    rule: check_bucket,
};

/// A JetStream domain becomes a subject token in `$JS.<domain>.API`.
pub fn check_domain(domain: &str) -> Result<(), String> {
    if domain.is_empty() {
        return Err("a domain cannot be empty; leave the attribute out instead".into());
    }
    check_name(domain)
}

pub const DOMAIN: StringRule = StringRule {
    allowed: "a JetStream domain name without white space, `.`, `*`, `>`, `/` or `\\`",
    rule: check_domain,
};

/// Whether some subject matches both `a` and `b` (the server's `SubjectsCollide`):
/// a stream whose subjects collide would store one message twice.
pub fn subjects_collide(a: &str, b: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for (x, y) in a.iter().zip(&b) {
        if *x == ">" || *y == ">" {
            return true;
        }
        if x != y && *x != "*" && *y != "*" {
            return false;
        }
    }
    a.len() == b.len()
}

/// Whether every subject `subject` matches is also matched by `of` (the server's
/// `subjectIsSubsetMatch`).
pub fn subject_is_within(subject: &str, of: &str) -> bool {
    let subject: Vec<&str> = subject.split('.').collect();
    let of: Vec<&str> = of.split('.').collect();
    for (index, pattern) in of.iter().enumerate() {
        let Some(token) = subject.get(index) else {
            return false;
        };
        match *pattern {
            ">" => return true,
            "*" if *token != ">" => {}
            literal if literal == *token => {}
            _ => return false,
        }
    }
    subject.len() == of.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects() {
        for good in ["a", "a.b", "a.*.c", "a.>", ">", "*", "$KV.b.>"] {
            assert!(check_subject(good).is_ok(), "{good}");
        }
        for bad in ["", "a..b", ".a", "a.", "a.>.b", "a>", "a*", "a b", "a.b*"] {
            assert!(check_subject(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_and_buckets() {
        assert!(check_name("ORDERS_v2-x").is_ok());
        for bad in ["", "a.b", "a b", "a*", "a>", "a/b", "a\\b"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
        assert!(check_name(&"x".repeat(256)).is_err());
        assert!(check_bucket("config_v1-a").is_ok());
        assert!(check_bucket("a.b").is_err());
        assert!(check_domain("").is_err());
    }

    #[test]
    fn colliding_subjects() {
        for (a, b) in [
            ("a.b", "a.b"),
            ("a.*", "a.b"),
            ("a.>", "a.b.c"),
            ("*.b", "a.*"),
            (">", "x"),
            ("a.*.c", "a.b.>"),
            ("a.*.c", "a.b.*"),
            ("a.>", "*.b"),
        ] {
            assert!(subjects_collide(a, b), "{a} {b}");
            assert!(subjects_collide(b, a), "{b} {a}");
        }
        for (a, b) in [
            ("a.b", "a.c"),
            ("a.*", "a.b.c"),
            ("a.*", "b.>"),
            ("a", "a.>"),
            ("a.*.c", "a.b.d"),
        ] {
            assert!(!subjects_collide(a, b), "{a} {b}");
            assert!(!subjects_collide(b, a), "{b} {a}");
        }
    }

    #[test]
    fn subjects_within_others() {
        for (subject, of) in [
            ("$JS.EVENT.x", "$JS.EVENT.>"),
            ("$JS.EVENT.>", "$JS.EVENT.>"),
            ("a.*", "a.*"),
            ("a.b", "a.*"),
            ("a.b.c", ">"),
            ("a.*.c", "a.>"),
            ("a.b.c", "*.*.c"),
        ] {
            assert!(subject_is_within(subject, of), "{subject} in {of}");
        }
        for (subject, of) in [
            ("$JS.>", "$JS.EVENT.>"),
            ("a.>", "a.*"),
            ("a.*", "a.b"),
            ("a", "a.>"),
            ("a.b", "a.b.c"),
            ("a.b.c", "a.b"),
            (">", "a.>"),
            ("b.c", "a.*"),
        ] {
            assert!(!subject_is_within(subject, of), "{subject} in {of}");
        }
    }
}
