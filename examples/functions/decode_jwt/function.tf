output "orders_jetstream_disk" {
  value = provider::nats::decode_jwt(nats_nkey_account.orders.jwt).nats.limits.disk_storage
}
