resource "nats_nkey_user" "order_service" {
  name        = "order-service"
  issuer_seed = nats_nkey_account.orders.seed
  pub_allow   = ["orders.events.>", "_INBOX.>"]
  sub_allow   = ["orders.api.>"]
  allow_responses = {
    max = 1
  }
}

# The creds file text the service connects with.
output "order_service_creds" {
  value     = nats_nkey_user.order_service.creds
  sensitive = true
}
