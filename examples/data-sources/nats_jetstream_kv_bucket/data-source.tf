data "nats_jetstream_kv_bucket" "config" {
  name = nats_jetstream_kv_bucket.config.name
}

output "config_values" {
  value = data.nats_jetstream_kv_bucket.config.values
}

output "config_history" {
  value = data.nats_jetstream_kv_bucket.config.history
}
