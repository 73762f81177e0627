resource "nats_nkey_operator" "main" {
  name             = "ACME"
  seed             = nats_nkey.operator.seed
  system_account   = nats_nkey.system.public_key
  resolver_preload = [nats_nkey_account.system.jwt, nats_nkey_account.orders.jwt]
}

# Everything a nats-server needs to trust the operator and know its accounts:
# include it in the server's configuration file.
output "server_config" {
  value = nats_nkey_operator.main.server_config
}
