//! Operator mode (decentralized JWT auth) for test servers, built with natsforge's own
//! `nats::jwt`, so every test that uses it also proves nats-server accepts our JWTs.
//!
//! ```no_run
//! use acceptance_tests::{NatsServerBuilder, OperatorSetup};
//!
//! let setup = OperatorSetup::new().unwrap();
//! let server = NatsServerBuilder::new()
//!     .jetstream()
//!     .extra(&setup.config_fragment())
//!     .start()
//!     .unwrap();
//! // connect with setup.app_creds_path() or setup.system_creds_path()
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use natsforge::nats::jwt::{
    self, format_user_creds, Account, Claims, CredsError, JetStreamLimits, JwtError, Operator, User,
};
use natsforge::nats::Secret;
use nkeys::KeyPair;
use tempfile::TempDir;

/// The system account's name.
pub const SYSTEM_ACCOUNT: &str = "SYS";
/// The JetStream-enabled application account's name.
pub const APP_ACCOUNT: &str = "APP";

/// Why an operator setup could not be made.
#[derive(Debug, thiserror::Error)]
pub enum OperatorSetupError {
    #[error("signing the {what} JWT failed: {source}")]
    Jwt {
        what: String,
        #[source]
        source: JwtError,
    },
    #[error("the key of {what} has no seed")]
    MissingSeed { what: String },
    #[error("writing creds for {what} failed: {source}")]
    Creds {
        what: String,
        #[source]
        source: CredsError,
    },
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

/// One account: its identity key, its JWT, and one user with a creds file.
struct AccountSetup {
    name: &'static str,
    key: KeyPair,
    jwt: String,
    user_key: KeyPair,
    creds_path: PathBuf,
}

/// An operator (identity key + one signing key), the system account `SYS` with user
/// `sys`, and the account `APP` (unlimited connections, leaf nodes and JetStream) with
/// user `app`. Creds files live in a private temporary directory removed on drop.
///
/// The operator's signing key (not its identity key) signs both accounts, as `nsc`
/// setups usually do, so the signing-key path is exercised too.
pub struct OperatorSetup {
    operator: KeyPair,
    operator_signing_key: KeyPair,
    operator_jwt: String,
    accounts: Vec<AccountSetup>,
    dir: TempDir,
}

impl OperatorSetup {
    pub fn new() -> Result<Self, OperatorSetupError> {
        let dir = tempfile::Builder::new()
            .prefix("natsforge-operator-")
            .tempdir()
            .map_err(|source| OperatorSetupError::Io {
                context: "creating the operator setup's temporary directory".into(),
                source,
            })?;
        let operator = KeyPair::new_operator();
        let operator_signing_key = KeyPair::new_operator();
        let system_key = KeyPair::new_account();

        let operator_claims = Claims::new(
            operator.public_key(),
            "natsforge-test",
            Operator {
                signing_keys: vec![operator_signing_key.public_key()],
                system_account: system_key.public_key(),
                ..Default::default()
            },
        );
        let operator_jwt = sign("operator", &operator_claims, &operator)?;

        let mut app = Account::default();
        app.limits.jetstream = JetStreamLimits::unlimited();
        let mut setup = OperatorSetup {
            operator,
            operator_signing_key,
            operator_jwt,
            accounts: Vec::new(),
            dir,
        };
        setup.add_account(SYSTEM_ACCOUNT, system_key, Account::default(), "sys")?;
        setup.add_account(APP_ACCOUNT, KeyPair::new_account(), app, "app")?;
        Ok(setup)
    }

    fn add_account(
        &mut self,
        name: &'static str,
        key: KeyPair,
        body: Account,
        user_name: &str,
    ) -> Result<(), OperatorSetupError> {
        let claims = Claims::new(key.public_key(), name, body);
        let jwt = sign(
            &format!("{name} account"),
            &claims,
            &self.operator_signing_key,
        )?;
        let user_key = KeyPair::new_user();
        let creds_path = self.write_creds(&key, &user_key, user_name, User::default())?;
        self.accounts.push(AccountSetup {
            name,
            key,
            jwt,
            user_key,
            creds_path,
        });
        Ok(())
    }

    /// Server configuration for operator mode with an in-memory resolver holding both
    /// accounts. Append it with [`crate::NatsServerBuilder::extra`].
    pub fn config_fragment(&self) -> String {
        format!(
            "{}resolver: MEMORY\n{}",
            self.trust_config(),
            self.preload_config()
        )
    }

    /// Like [`config_fragment`](Self::config_fragment) but with a full (directory)
    /// resolver that accepts `$SYS` claim updates and deletes. `dir` may use the
    /// harness placeholder, e.g. `"{{dir}}/jwt"`.
    pub fn config_fragment_full_resolver(&self, dir: &str) -> String {
        format!(
            "{}resolver {{\n  type: full\n  dir: \"{dir}\"\n  allow_delete: true\n}}\n{}",
            self.trust_config(),
            self.preload_config()
        )
    }

    fn trust_config(&self) -> String {
        format!(
            "operator: \"{}\"\nsystem_account: \"{}\"\n",
            self.operator_jwt,
            self.account_public_key(SYSTEM_ACCOUNT)
        )
    }

    fn preload_config(&self) -> String {
        let mut text = String::from("resolver_preload {\n");
        for account in &self.accounts {
            text.push_str(&format!(
                "  {}: \"{}\"\n",
                account.key.public_key(),
                account.jwt
            ));
        }
        text.push_str("}\n");
        text
    }

    /// Signs a user of `account` (with the account's identity key) and writes its
    /// creds file `<user_name>.creds`; for tests that need users with particular
    /// permissions. Names `sys` and `app` are taken.
    ///
    /// # Panics
    /// As [`account_public_key`](Self::account_public_key).
    pub fn write_user_creds(
        &self,
        account: &str,
        user_name: &str,
        user: User,
    ) -> Result<PathBuf, OperatorSetupError> {
        self.write_creds(
            &self.account(account).key,
            &KeyPair::new_user(),
            user_name,
            user,
        )
    }

    fn write_creds(
        &self,
        account_key: &KeyPair,
        user_key: &KeyPair,
        user_name: &str,
        body: User,
    ) -> Result<PathBuf, OperatorSetupError> {
        let what = format!("user {user_name}");
        let claims = Claims::new(user_key.public_key(), user_name, body);
        let jwt = sign(&what, &claims, account_key)?;
        let seed = user_key
            .seed()
            .map(Secret::new)
            .map_err(|_| OperatorSetupError::MissingSeed { what: what.clone() })?;
        let text = format_user_creds(&jwt, &seed)
            .map_err(|source| OperatorSetupError::Creds { what, source })?;
        let path = self.dir.path().join(format!("{user_name}.creds"));
        fs::write(&path, text.expose()).map_err(|source| OperatorSetupError::Io {
            context: format!("writing {}", path.display()),
            source,
        })?;
        Ok(path)
    }

    /// Creds of user `sys` in the system account.
    pub fn system_creds_path(&self) -> &Path {
        &self.account(SYSTEM_ACCOUNT).creds_path
    }

    /// Creds of user `app` in account `APP`.
    pub fn app_creds_path(&self) -> &Path {
        &self.account(APP_ACCOUNT).creds_path
    }

    pub fn operator_public_key(&self) -> String {
        self.operator.public_key()
    }

    pub fn operator_jwt(&self) -> &str {
        &self.operator_jwt
    }

    /// The operator's identity key (signs the operator JWT).
    pub fn operator_key(&self) -> &KeyPair {
        &self.operator
    }

    /// The operator signing key that signed `SYS` and `APP`.
    pub fn operator_signing_key(&self) -> &KeyPair {
        &self.operator_signing_key
    }

    /// # Panics
    /// If `name` is not [`SYSTEM_ACCOUNT`] or [`APP_ACCOUNT`] (a test mistake).
    pub fn account_public_key(&self, name: &str) -> String {
        self.account(name).key.public_key()
    }

    /// # Panics
    /// As [`account_public_key`](Self::account_public_key).
    pub fn account_key(&self, name: &str) -> &KeyPair {
        &self.account(name).key
    }

    /// # Panics
    /// As [`account_public_key`](Self::account_public_key).
    pub fn account_jwt(&self, name: &str) -> &str {
        &self.account(name).jwt
    }

    /// The key of the account's first user (`sys` or `app`).
    ///
    /// # Panics
    /// As [`account_public_key`](Self::account_public_key).
    pub fn user_key(&self, account: &str) -> &KeyPair {
        &self.account(account).user_key
    }

    /// The private directory holding the creds files.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    fn account(&self, name: &str) -> &AccountSetup {
        self.accounts
            .iter()
            .find(|account| account.name == name)
            .unwrap_or_else(|| panic!("OperatorSetup has no account {name:?} (SYS or APP)"))
    }
}

fn sign<N: jwt::ClaimBody>(
    what: &str,
    claims: &Claims<N>,
    signer: &KeyPair,
) -> Result<String, OperatorSetupError> {
    jwt::encode(claims, signer).map_err(|source| OperatorSetupError::Jwt {
        what: what.to_owned(),
        source,
    })
}
