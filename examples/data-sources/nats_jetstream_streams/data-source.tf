# Every stream storing messages on orders.* subjects.
data "nats_jetstream_streams" "orders" {
  subject = "ORDERS.*"
}

output "order_streams" {
  value = data.nats_jetstream_streams.orders.names
}
