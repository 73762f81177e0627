# Forget two settings with their history; watchers see a purge of each key.
#
#   terraform apply -invoke=action.nats_jetstream_kv_bucket_purge.retired_settings
action "nats_jetstream_kv_bucket_purge" "retired_settings" {
  config {
    bucket = "settings"
    keys   = ["feature.old_checkout", "feature.beta_banner"]
  }
}

# Remove what is left of deleted keys (their markers and history), as
# `nats kv purge-deletes` does; live keys stay.
action "nats_jetstream_kv_bucket_purge" "deleted_settings" {
  config {
    bucket  = "settings"
    deleted = true
  }
}
