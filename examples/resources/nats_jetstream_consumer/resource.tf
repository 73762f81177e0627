resource "nats_jetstream_stream" "orders" {
  name     = "ORDERS"
  subjects = ["ORDERS.*"]
}

# A pull consumer for workers, starting with new orders.
resource "nats_jetstream_consumer" "new_orders" {
  stream_id       = nats_jetstream_stream.orders.id
  durable_name    = "NEW"
  deliver_new     = true
  filter_subject  = "ORDERS.received"
  backoff         = [5, 30, 300]
  max_delivery    = 10
  max_ack_pending = 1000
}

# A push consumer delivering every order to a queue group.
resource "nats_jetstream_consumer" "audit" {
  stream_id        = nats_jetstream_stream.orders.id
  durable_name     = "AUDIT"
  delivery_subject = "audit.orders"
  delivery_group   = "auditors"
  heartbeat        = 10
  flow_control     = true
}
