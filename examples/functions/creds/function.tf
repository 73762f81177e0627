# The same text as nats_nkey_user.order_service.creds, built from its parts.
output "order_service_creds_again" {
  value     = provider::nats::creds(nats_nkey_user.order_service.jwt, nats_nkey_user.order_service.seed)
  sensitive = true
}
