//! Property tests: random types with random conforming values survive both codecs, and
//! arbitrary bytes never make a decoder panic.

use super::*;
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::str::FromStr;

fn attribute_name() -> impl Strategy<Value = String> {
    "[a-z_][a-z0-9_]{0,6}"
}

/// A type nested at most `depth` levels below the root.
fn arb_type(depth: u32) -> BoxedStrategy<Type> {
    let leaf = prop_oneof![
        Just(Type::Bool),
        Just(Type::Number),
        Just(Type::String),
        Just(Type::Dynamic),
    ];
    if depth == 0 {
        return leaf.boxed();
    }
    let inner = arb_type(depth - 1);
    prop_oneof![
        2 => leaf,
        1 => inner.clone().prop_map(Type::list),
        1 => inner.clone().prop_map(Type::set),
        1 => inner.clone().prop_map(Type::map),
        1 => prop::collection::vec(inner.clone(), 0..4).prop_map(Type::Tuple),
        1 => prop::collection::btree_map(attribute_name(), inner, 0..5).prop_flat_map(|attrs| {
            let names: Vec<String> = attrs.keys().cloned().collect();
            let optional = prop::sample::subsequence(names.clone(), 0..=names.len());
            optional.prop_map(move |opt| Type::Object(attrs.clone(), opt.into_iter().collect::<BTreeSet<_>>()))
        }),
    ]
    .boxed()
}

fn arb_number() -> BoxedStrategy<Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from_i64),
        any::<u64>().prop_map(Number::from_u64),
        any::<f64>().prop_filter_map("finite", Number::from_f64),
        ("-?[0-9]{1,30}\\.[0-9]{1,30}").prop_map(|s| Number::from_str(&s).unwrap()),
        ("[1-9][0-9]{0,5}", -450i32..450)
            .prop_map(|(m, e)| Number::from_str(&format!("{m}e{e}")).unwrap()),
    ]
    .boxed()
}

/// A value of type `ty`; nulls anywhere, unknowns anywhere when `unknowns` is set.
fn arb_value(ty: &Type, unknowns: bool) -> BoxedStrategy<Value> {
    let known = arb_known(ty, unknowns);
    let mut choices = vec![(1, Just(Value::Null).boxed()), (6, known)];
    if unknowns {
        choices.push((1, Just(Value::Unknown).boxed()));
    }
    prop::strategy::Union::new_weighted(choices).boxed()
}

fn arb_known(ty: &Type, unknowns: bool) -> BoxedStrategy<Value> {
    match ty {
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => arb_number().prop_map(Value::Number).boxed(),
        Type::String => any::<String>().prop_map(Value::String).boxed(),
        Type::List(element) => prop::collection::vec(arb_value(element, unknowns), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(element) => prop::collection::vec(arb_value(element, unknowns), 0..4)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(element) => {
            prop::collection::btree_map(any::<String>(), arb_value(element, unknowns), 0..4)
                .prop_map(Value::Map)
                .boxed()
        }
        Type::Tuple(types) => {
            let parts: Vec<_> = types.iter().map(|t| arb_value(t, unknowns)).collect();
            parts.prop_map(Value::Tuple).boxed()
        }
        Type::Object(attributes, _) => {
            let parts: Vec<_> = attributes
                .iter()
                .map(|(name, t)| (Just(name.clone()), arb_value(t, unknowns)))
                .collect();
            parts
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect()))
                .boxed()
        }
        // A dynamic value picks its concrete type at random (a small one).
        Type::Dynamic => arb_type(1)
            .prop_filter("concrete", |t| *t != Type::Dynamic)
            .prop_flat_map(move |concrete| {
                arb_value(&concrete, unknowns)
                    .prop_map(move |v| Value::Dynamic(Box::new(concrete.clone()), Box::new(v)))
            })
            .boxed(),
    }
}

fn typed_value(unknowns: bool) -> impl Strategy<Value = (Type, Value)> {
    arb_type(3).prop_flat_map(move |ty| {
        let value = arb_value(&ty, unknowns);
        (Just(ty), value)
    })
}

/// Numbers normalized and set elements sorted, so that `==` means Terraform equality.
fn canonical(value: &Value) -> Value {
    match value {
        Value::Number(n) => Value::Number(Number::from_str(&n.to_string()).unwrap()),
        Value::List(items) => Value::List(items.iter().map(canonical).collect()),
        Value::Tuple(items) => Value::Tuple(items.iter().map(canonical).collect()),
        Value::Set(items) => {
            let mut items: Vec<Value> = items.iter().map(canonical).collect();
            items.sort_by_key(|v| format!("{v:?}"));
            Value::Set(items)
        }
        Value::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), canonical(v)))
                .collect(),
        ),
        Value::Object(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), canonical(v)))
                .collect(),
        ),
        Value::Dynamic(ty, inner) => Value::Dynamic(ty.clone(), Box::new(canonical(inner))),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn msgpack_round_trips((ty, value) in typed_value(true)) {
        let bytes = encode_msgpack(&value, &ty).unwrap();
        let decoded = decode_msgpack(&bytes, &ty).unwrap();
        prop_assert!(decoded.eq_semantic(&value));
        prop_assert_eq!(canonical(&decoded), canonical(&value));
    }

    #[test]
    fn json_round_trips((ty, value) in typed_value(false)) {
        let bytes = encode_json(&value, &ty).unwrap();
        let decoded = decode_json(&bytes, &ty).unwrap();
        prop_assert!(decoded.eq_semantic(&value));
        prop_assert_eq!(canonical(&decoded), canonical(&value));
    }

    #[test]
    fn type_json_round_trips(ty in arb_type(4)) {
        prop_assert_eq!(Type::from_json_bytes(&ty.to_json_bytes()).unwrap(), ty);
    }

    #[test]
    fn decoders_never_panic_on_arbitrary_bytes(
        ty in arb_type(3),
        bytes in prop::collection::vec(any::<u8>(), 0..256),
    ) {
        let _ = decode_msgpack(&bytes, &ty);
        let _ = decode_json(&bytes, &ty);
    }

    #[test]
    fn decoders_never_panic_on_corrupted_encodings(
        (ty, value) in typed_value(true),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut bytes = encode_msgpack(&value, &ty).unwrap();
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let _ = decode_msgpack(&bytes, &ty);
        let _ = decode_msgpack(&bytes[..cut.index(bytes.len() + 1)], &ty);
        if let Ok(json) = encode_json(&value, &ty) {
            let mut json = json;
            let i = cut.index(json.len());
            json[i] = json[i].wrapping_add(1);
            let _ = decode_json(&json, &ty);
        }
    }
}
