resource "nats_nkey_account" "system" {
  name        = "SYS"
  public_key  = nats_nkey.system.public_key
  issuer_seed = nats_nkey.operator.seed
}

# Unset limits are unlimited; JetStream is on because `jetstream` is set.
resource "nats_nkey_account" "orders" {
  name        = "ORDERS"
  issuer_seed = nats_nkey.operator.seed
  limits = {
    connections = 100
  }
  jetstream = {
    disk_storage = 1073741824
    streams      = 10
  }
  exports = [
    { subject = "orders.events.>" },
    { subject = "orders.api.>", type = "service" },
  ]
}
