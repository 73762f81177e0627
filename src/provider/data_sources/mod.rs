//! Data sources: one file each, reading like that data source's documentation.

pub mod server;
