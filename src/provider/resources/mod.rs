//! Managed resources, one module (file or directory) per resource type.

pub mod auth_common;
pub mod auth_import;
pub mod auth_permissions;
pub mod auth_signer;
pub mod jetstream;
pub mod jetstream_consumer;
pub mod jetstream_kv_bucket;
pub mod jetstream_kv_entry;
pub mod jetstream_object_bucket;
pub mod jetstream_stream;
pub mod leafnode_config;
pub mod nkey;
pub mod nkey_account;
pub mod nkey_activation;
pub mod nkey_operator;
pub mod nkey_user;
