//! natsforge: a Terraform provider for NATS, in layers that only look downwards:
//! `protocol` (Terraform's wire protocol and handshake), `framework` (values, schemas,
//! planning and apply orchestration: what a resource author touches), `nats` (NATS
//! clients) and `provider` (the resources, where both meet).

pub mod framework;
pub mod nats;
pub mod protocol;
pub mod provider;
