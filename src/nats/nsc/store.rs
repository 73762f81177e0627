//! An nsc store: one directory per operator under the store root, each holding the
//! operator's JWT, and `accounts/<name>/<name>.jwt` with `users/<name>.jwt` beneath.

use std::path::{Path, PathBuf};

use super::NscError;
use crate::nats::jwt::{self, AnyClaims};

/// One operator's directory of an nsc store.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
    dir: PathBuf,
    name: String,
}

/// nsc's `.nsc` file: what the directory is.
#[derive(serde::Deserialize)]
struct Info {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
}

const ACCOUNTS: &str = "accounts";
const USERS: &str = "users";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> NscError + '_ {
    move |source| NscError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn read_text(path: &Path) -> Result<String, NscError> {
    std::fs::read_to_string(path)
        .map(|text| text.trim().to_owned())
        .map_err(io(path))
}

/// Names of the subdirectories of `dir` that hold `<name>.jwt`, sorted.
fn jwt_dirs(dir: &Path) -> Result<Vec<String>, NscError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io(dir)(e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().join(format!("{name}.jwt")).is_file() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

impl Store {
    /// The operator directory `<root>/<operator>`.
    pub fn open(root: &Path, operator: &str) -> Result<Store, NscError> {
        let dir = root.join(operator);
        let info_path = dir.join(".nsc");
        let bytes = std::fs::read(&info_path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => NscError::Missing {
                root: root.to_path_buf(),
                what: "operator",
                name: operator.to_owned(),
            },
            _ => io(&info_path)(e),
        })?;
        let info: Info = serde_json::from_slice(&bytes).map_err(|source| NscError::Json {
            path: info_path,
            source,
        })?;
        if info.kind != "operator" {
            return Err(NscError::NotAnOperator(dir));
        }
        let name = if info.name.is_empty() {
            operator.to_owned()
        } else {
            info.name
        };
        Ok(Store {
            root: root.to_path_buf(),
            dir,
            name,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn operator_jwt(&self) -> Result<String, NscError> {
        read_text(&self.dir.join(format!("{}.jwt", self.name)))
    }

    pub fn accounts(&self) -> Result<Vec<String>, NscError> {
        jwt_dirs(&self.dir.join(ACCOUNTS))
    }

    pub fn account_jwt(&self, account: &str) -> Result<String, NscError> {
        let path = self
            .dir
            .join(ACCOUNTS)
            .join(account)
            .join(format!("{account}.jwt"));
        if !path.is_file() {
            return Err(self.missing("account", account));
        }
        read_text(&path)
    }

    /// The users of `account`, sorted by name.
    pub fn users(&self, account: &str) -> Result<Vec<String>, NscError> {
        let dir = self.dir.join(ACCOUNTS).join(account);
        if !dir.is_dir() {
            return Err(self.missing("account", account));
        }
        let dir = dir.join(USERS);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&dir)(e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io(&dir))?;
            let file = entry.file_name().to_string_lossy().into_owned();
            if let Some(name) = file.strip_suffix(".jwt") {
                names.push(name.to_owned());
            }
        }
        names.sort();
        Ok(names)
    }

    pub fn user_jwt(&self, account: &str, user: &str) -> Result<String, NscError> {
        let path = self
            .dir
            .join(ACCOUNTS)
            .join(account)
            .join(USERS)
            .join(format!("{user}.jwt"));
        if !path.is_file() {
            return Err(self.missing("user", &format!("{account}/{user}")));
        }
        read_text(&path)
    }

    fn missing(&self, what: &'static str, name: &str) -> NscError {
        NscError::Missing {
            root: self.root.clone(),
            what,
            name: format!("{}/{name}", self.name),
        }
    }
}

/// The operator directories of a store root, sorted.
pub fn operators(root: &Path) -> Result<Vec<String>, NscError> {
    let entries = std::fs::read_dir(root).map_err(io(root))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io(root))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if Store::open(root, &name).is_ok() {
            names.push(name);
        }
    }
    names.sort();
    Ok(names)
}

/// Where a JWT was found in a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub operator: String,
    pub account: Option<String>,
    pub user: Option<String>,
    pub jwt: String,
}

fn subject(token: &str) -> Option<String> {
    Some(match jwt::decode_unverified(token).ok()? {
        AnyClaims::Operator(c) => c.subject,
        AnyClaims::Account(c) => c.subject,
        AnyClaims::User(c) => c.subject,
        AnyClaims::Activation(c) => c.subject,
        AnyClaims::Generic(c) => c.subject,
    })
}

/// The operator whose identity key is `public_key`, in any operator of the store.
pub fn find_operator(root: &Path, public_key: &str) -> Result<Option<Found>, NscError> {
    for operator in operators(root)? {
        let token = Store::open(root, &operator)?.operator_jwt()?;
        if subject(&token).as_deref() == Some(public_key) {
            return Ok(Some(Found {
                operator,
                account: None,
                user: None,
                jwt: token,
            }));
        }
    }
    Ok(None)
}

/// The account whose identity key is `public_key`, in any operator of the store.
pub fn find_account(root: &Path, public_key: &str) -> Result<Option<Found>, NscError> {
    for operator in operators(root)? {
        let store = Store::open(root, &operator)?;
        for account in store.accounts()? {
            let token = store.account_jwt(&account)?;
            if subject(&token).as_deref() == Some(public_key) {
                return Ok(Some(Found {
                    operator,
                    account: Some(account),
                    user: None,
                    jwt: token,
                }));
            }
        }
    }
    Ok(None)
}

/// The user whose key is `public_key`, in any account of any operator of the store.
pub fn find_user(root: &Path, public_key: &str) -> Result<Option<Found>, NscError> {
    for operator in operators(root)? {
        let store = Store::open(root, &operator)?;
        for account in store.accounts()? {
            for user in store.users(&account)? {
                let token = store.user_jwt(&account, &user)?;
                if subject(&token).as_deref() == Some(public_key) {
                    return Ok(Some(Found {
                        operator,
                        account: Some(account),
                        user: Some(user),
                        jwt: token,
                    }));
                }
            }
        }
    }
    Ok(None)
}
