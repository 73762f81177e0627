//! How two subject filters relate, as nats-server decides it for its consumer rules:
//! one within the other (every subject the first matches, the second matches too) or
//! colliding (some subject matches both). Both take valid subjects (see `rules.rs`).

/// Whether every subject `inner` matches is matched by `outer` too (`a.b` is within
/// `a.*`, `a.*` within `>`, but `a.*` not within `a.b`).
pub fn within(inner: &str, outer: &str) -> bool {
    let inner: Vec<&str> = inner.split('.').collect();
    let outer: Vec<&str> = outer.split('.').collect();
    for (index, token) in outer.iter().enumerate() {
        let Some(mine) = inner.get(index) else {
            return false;
        };
        match (*mine, *token) {
            (_, ">") => return true,
            (">", _) => return false,
            (_, "*") => {}
            ("*", _) => return false,
            (mine, token) if mine != token => return false,
            _ => {}
        }
    }
    inner.len() == outer.len()
}

/// Whether some subject is matched by both `a` and `b` (`a.*.c` and `a.b.*` collide).
pub fn collide(a: &str, b: &str) -> bool {
    let a: Vec<&str> = a.split('.').collect();
    let b: Vec<&str> = b.split('.').collect();
    for (left, right) in a.iter().zip(&b) {
        match (*left, *right) {
            (">", _) | (_, ">") => return true,
            ("*", _) | (_, "*") => {}
            (left, right) if left != right => return false,
            _ => {}
        }
    }
    a.len() == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_follows_the_wildcards() {
        for (inner, outer) in [
            ("a.b", "a.b"),
            ("a.b", "a.*"),
            ("a.*", "a.*"),
            ("a.*", ">"),
            ("a.b.c", "a.>"),
            ("a.>", "a.>"),
            ("a.*.c", "a.>"),
            ("a.b.c", "*.*.c"),
        ] {
            assert!(within(inner, outer), "{inner} within {outer}");
        }
        for (inner, outer) in [
            ("a.*", "a.b"),
            ("a", "a.>"),
            ("a.>", "a.*"),
            ("a.b", "a.b.c"),
            ("a.b.c", "a.b"),
            (">", "a.>"),
            ("b.c", "a.*"),
        ] {
            assert!(!within(inner, outer), "{inner} not within {outer}");
        }
    }

    #[test]
    fn collide_when_one_subject_can_match_both() {
        for (a, b) in [
            ("a.b", "a.b"),
            ("a.*.c", "a.b.*"),
            ("a.>", "*.b"),
            (">", "x"),
            ("a.*", "a.b"),
        ] {
            assert!(collide(a, b) && collide(b, a), "{a} collides with {b}");
        }
        for (a, b) in [
            ("a.b", "a.c"),
            ("a.*", "a.b.c"),
            ("a.>", "a"),
            ("a.*.c", "a.b.d"),
        ] {
            assert!(!collide(a, b) && !collide(b, a), "{a} apart from {b}");
        }
    }
}
