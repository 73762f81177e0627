//! Provider functions (`provider::nats::<name>(...)`, Terraform >= 1.8): pure helpers
//! over nkeys and JWTs that need no server.

mod nkeys;

pub use self::nkeys::{CredsFunction, DecodeJwtFunction, PublicKeyFunction};
