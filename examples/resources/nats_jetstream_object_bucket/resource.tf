resource "nats_jetstream_object_bucket" "assets" {
  name            = "assets"
  description     = "images and downloads"
  ttl             = 2592000
  max_bucket_size = 1073741824
  compression     = true
  metadata = {
    team = "web"
  }
}
