# BUCKET:KEY, DOMAIN:BUCKET:KEY, or the official provider's ID.
terraform import nats_jetstream_kv_entry.log_level app:log.level
terraform import nats_jetstream_kv_entry.log_level JETSTREAM_KV_app_ENTRY_log.level
