# The tutorial's hub stream: limits retention, file storage, a day of messages.
resource "nats_jetstream_stream" "queue" {
  provider  = nats.hub
  name      = "QUEUE"
  subjects  = ["QUEUE.>"]
  max_msgs  = 1024
  max_bytes = 10485760
  max_age   = 86400
  metadata  = { owner = "platform" }
}

# On a leaf node with its own JetStream domain: a copy that sources the hub's
# stream across the leaf connection. `domain` on the source becomes the external
# API prefix `$JS.hub.API`.
resource "nats_jetstream_stream" "queue_copy" {
  provider = nats.leaf
  name     = "QUEUE_COPY"
  domain   = "leaf"

  source {
    name   = nats_jetstream_stream.queue.name
    domain = "hub"
  }
}
