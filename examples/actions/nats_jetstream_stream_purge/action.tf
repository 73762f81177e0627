# Remove archived orders but the newest 100; the stream and its consumers stay.
#
#   terraform apply -invoke=action.nats_jetstream_stream_purge.archived_orders
action "nats_jetstream_stream_purge" "archived_orders" {
  config {
    stream  = "ORDERS"
    subject = "ORDERS.archived.>"
    keep    = 100
  }
}

# Everything below a sequence, in the leaf's JetStream domain.
action "nats_jetstream_stream_purge" "leaf_queue_backlog" {
  config {
    stream         = "QUEUE"
    domain         = "leaf"
    up_to_sequence = 5000
  }
}
