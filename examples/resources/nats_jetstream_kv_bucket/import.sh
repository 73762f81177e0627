# A bucket by name, as DOMAIN:NAME, or by the official provider's ID.
terraform import nats_jetstream_kv_bucket.config config
terraform import nats_jetstream_kv_bucket.config JETSTREAM_KV_config
