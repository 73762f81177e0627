data "nats_jetstream_stream" "orders" {
  name = "ORDERS"
}

output "orders_messages" {
  value = data.nats_jetstream_stream.orders.messages
}

output "orders_max_msgs_per_subject" {
  value = jsondecode(data.nats_jetstream_stream.orders.config_json).max_msgs_per_subject
}
