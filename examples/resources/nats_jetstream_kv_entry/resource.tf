resource "nats_jetstream_kv_bucket" "app" {
  name = "app"
}

resource "nats_jetstream_kv_entry" "log_level" {
  bucket = nats_jetstream_kv_bucket.app.name
  key    = "log.level"
  value  = "info"
}

# A secret: never shown in plans or output.
variable "database_url" {
  type      = string
  sensitive = true
  default   = "postgres://app@db/app"
}

resource "nats_jetstream_kv_entry" "database_url" {
  bucket          = nats_jetstream_kv_bucket.app.name
  key             = "database.url"
  value_sensitive = var.database_url
}
