//! natsforge: a Terraform provider for NATS, in layers that only look downwards:
//! `tfplugin` (Terraform's protocol and value system), `nats` (NATS clients),
//! `provider` (the resources, where both meet).

pub mod nats;
pub mod provider;
pub mod tfplugin;
