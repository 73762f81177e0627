//! Ephemeral resources (Terraform >= 1.10): values minted at run time for the provider
//! block or other tools, never written to plan or state.

pub mod user_creds;
