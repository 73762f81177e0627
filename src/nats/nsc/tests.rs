use super::*;
use crate::nats::jwt::{encode, Account, Claims, Operator, User};
use nkeys::KeyPair;
use std::fs;

fn env(home: &Path) -> NscEnv {
    NscEnv {
        home: Some(home.to_path_buf()),
        ..NscEnv::default()
    }
}

#[test]
fn directories_follow_nsc_defaults_and_environment() {
    let home = tempfile::tempdir().unwrap();
    let dirs = env(home.path()).dirs().unwrap();
    let data = home.path().join(".local/share/nats/nsc");
    assert_eq!(dirs.store_root, data.join("stores"));
    assert_eq!(dirs.keystore, data.join("keys"));

    // Only the pre-XDG directories exist: nsc keeps using them.
    fs::create_dir_all(home.path().join(".nkeys")).unwrap();
    fs::create_dir_all(home.path().join(".nsc/nats")).unwrap();
    let old = env(home.path()).dirs().unwrap();
    assert_eq!(old.keystore, home.path().join(".nkeys"));
    assert_eq!(old.store_root, home.path().join(".nsc/nats"));

    // NSC_HOME's nsc.json names the store root; NKEYS_PATH the keystore (with ~).
    let config = home.path().join("cfg");
    fs::create_dir_all(&config).unwrap();
    fs::write(
        config.join("nsc.json"),
        r#"{"store_root":"~/mystores","operator":"OP"}"#,
    )
    .unwrap();
    let given = NscEnv {
        nsc_home: Some(config),
        nkeys_path: Some(PathBuf::from("~/keys")),
        ..env(home.path())
    }
    .dirs()
    .unwrap();
    assert_eq!(given.store_root, home.path().join("mystores"));
    assert_eq!(given.keystore, home.path().join("keys"));
}

#[test]
fn nsc_urls_name_operator_account_user_and_directories() {
    assert!(NscUrl::parse("A123").is_none());
    let url = NscUrl::parse("nsc://OP/APP/bob?store=/s&keystore=/k")
        .unwrap()
        .unwrap();
    assert_eq!(url.operator, "OP");
    assert_eq!(url.account.as_deref(), Some("APP"));
    assert_eq!(url.user.as_deref(), Some("bob"));
    let dirs = url.dirs(&NscEnv::default()).unwrap();
    assert_eq!(dirs.store_root, PathBuf::from("/s"));
    assert_eq!(dirs.keystore, PathBuf::from("/k"));
    for bad in ["nsc://", "nsc://a/b/c/d", "nsc://OP?seeds"] {
        assert!(
            matches!(NscUrl::parse(bad), Some(Err(NscError::BadUrl { .. }))),
            "{bad}"
        );
    }
}

#[test]
fn a_store_is_read_as_nsc_writes_it() {
    let root = tempfile::tempdir().unwrap();
    let operator = KeyPair::new_operator();
    let account = KeyPair::new_account();
    let user = KeyPair::new_user();
    let op_dir = root.path().join("OP");
    let account_dir = op_dir.join("accounts/APP");
    fs::create_dir_all(account_dir.join("users")).unwrap();
    fs::write(
        op_dir.join(".nsc"),
        r#"{"managed":false,"name":"OP","kind":"operator","version":"1"}"#,
    )
    .unwrap();
    let op_jwt = encode(
        &Claims::new(operator.public_key(), "OP", Operator::default()),
        &operator,
    )
    .unwrap();
    let account_jwt = encode(
        &Claims::new(account.public_key(), "APP", Account::default()),
        &operator,
    )
    .unwrap();
    let user_jwt = encode(
        &Claims::new(user.public_key(), "bob", User::default()),
        &account,
    )
    .unwrap();
    fs::write(op_dir.join("OP.jwt"), format!("{op_jwt}\n")).unwrap();
    fs::write(account_dir.join("APP.jwt"), &account_jwt).unwrap();
    fs::write(account_dir.join("users/bob.jwt"), &user_jwt).unwrap();
    fs::create_dir_all(root.path().join("not-an-operator")).unwrap();

    assert_eq!(operators(root.path()).unwrap(), vec!["OP".to_string()]);
    let store = Store::open(root.path(), "OP").unwrap();
    assert_eq!(store.operator_jwt().unwrap(), op_jwt);
    assert_eq!(store.accounts().unwrap(), vec!["APP".to_string()]);
    assert_eq!(store.users("APP").unwrap(), vec!["bob".to_string()]);
    assert!(matches!(
        store.account_jwt("NOPE"),
        Err(NscError::Missing { .. })
    ));
    let found = find_user(root.path(), &user.public_key()).unwrap().unwrap();
    assert_eq!(found.account.as_deref(), Some("APP"));
    assert_eq!(found.jwt, user_jwt);
    let found = find_account(root.path(), &account.public_key())
        .unwrap()
        .unwrap();
    assert_eq!(found.operator, "OP");
    assert!(find_operator(root.path(), &operator.public_key())
        .unwrap()
        .is_some());
    assert!(find_account(root.path(), &user.public_key())
        .unwrap()
        .is_none());
}

#[test]
fn the_keystore_gives_the_seed_of_a_key_and_refuses_another() {
    let dir = tempfile::tempdir().unwrap();
    let keystore = Keystore::new(dir.path());
    let key = KeyPair::new_account();
    let public = key.public_key();
    let path = keystore.key_path(&public);
    assert!(path.ends_with(format!("keys/A/{}/{public}.nk", &public[1..3])));
    assert!(keystore.seed(&public).unwrap().is_none());
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, key.seed().unwrap()).unwrap();
    assert_eq!(
        keystore.seed(&public).unwrap().unwrap().expose(),
        key.seed().unwrap()
    );
    let other = KeyPair::new_account().seed().unwrap();
    fs::write(&path, &other).unwrap();
    let error = keystore.seed(&public).unwrap_err();
    assert!(!format!("{error} {error:?}").contains(&other));
}
