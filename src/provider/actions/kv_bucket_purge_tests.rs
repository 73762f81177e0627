//! nats_jetstream_kv_bucket_purge: exactly one of `keys` and `deleted`, at its path.

use super::*;

fn model(keys: Field<Vec<String>>, deleted: Field<bool>) -> KvBucketPurgeModel {
    KvBucketPurgeModel {
        bucket: Field::Known("config".into()),
        domain: Field::Null,
        keys,
        deleted,
    }
}

#[test]
fn one_kind_of_purge_at_a_time() {
    let some_keys = || Field::Known(vec!["a.b".to_string()]);
    let cases = [
        ("keys", some_keys(), Field::Null, None),
        (
            "keys, deleted false",
            some_keys(),
            Field::Known(false),
            None,
        ),
        ("deleted", Field::Null, Field::Known(true), None),
        ("both", some_keys(), Field::Known(true), Some("deleted")),
        ("neither", Field::Null, Field::Null, Some("keys")),
        (
            "deleted false alone",
            Field::Null,
            Field::Known(false),
            Some("keys"),
        ),
        (
            "no keys",
            Field::Known(Vec::new()),
            Field::Null,
            Some("keys"),
        ),
        (
            "unknown keys wait",
            Field::Unknown,
            Field::Known(true),
            None,
        ),
        ("unknown deleted waits", Field::Null, Field::Unknown, None),
    ];
    for (name, keys, deleted, blamed) in cases {
        let found = KEYS_OR_DELETED.run(&model(keys, deleted));
        let paths: Vec<String> = found
            .iter()
            .map(|d| d.path.as_ref().map(|p| p.to_string()).unwrap_or_default())
            .collect();
        assert_eq!(
            paths,
            blamed.into_iter().map(String::from).collect::<Vec<_>>(),
            "{name}"
        );
    }
}

#[test]
fn keys_are_checked_as_the_clients_check_them() {
    for good in ["a", "a.b", "app/config=1", "x-y_z"] {
        assert!((KEY.rule)(good).is_ok(), "{good}");
    }
    for bad in ["", "a..b", ".a", "a.", "a b", "a*", ">"] {
        assert!((KEY.rule)(bad).is_err(), "{bad}");
    }
}
