data "nats_jetstream_consumer" "new_orders" {
  stream_id    = "ORDERS"
  durable_name = "NEW"
}

output "new_orders_pending" {
  value = data.nats_jetstream_consumer.new_orders.num_pending
}
