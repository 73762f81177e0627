//! Data sources: one file each, reading like that data source's documentation.

pub mod jetstream_consumer;
pub mod jetstream_kv_bucket;
pub mod jetstream_stream;
pub mod jetstream_streams;
pub mod leafnodes;
pub mod server;
