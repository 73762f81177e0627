# Application settings, three values of history per key, kept for a week.
resource "nats_jetstream_kv_bucket" "config" {
  name             = "config"
  description      = "application settings"
  history          = 3
  ttl              = 604800
  max_value_size   = 65536
  max_bucket_size  = 10485760
  replicas         = 1
  compression      = true
  limit_marker_ttl = 60
  metadata = {
    team = "platform"
  }
  # Every change to a setting is also published on settings.changed.<key>.
  republish_destination = "settings.changed.>"
}

# A bucket that collects the keys of `config` (and could source more buckets,
# also from other JetStream domains with `domain = "hub"`).
resource "nats_jetstream_kv_bucket" "all_settings" {
  name = "all_settings"
  source {
    name = nats_jetstream_kv_bucket.config.name
  }
}
