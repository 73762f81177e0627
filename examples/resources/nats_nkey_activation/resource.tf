# The partner's account key is made on its own, so the token can name the partner
# and the partner's account can carry the token without a dependency cycle.
resource "nats_nkey" "partner" {
  type = "account"
}

resource "nats_nkey_account" "prices" {
  name        = "PRICES"
  issuer_seed = nats_nkey.operator.seed
  exports = [
    { subject = "prices.>", token_required = true },
  ]
}

# PRICES lets PARTNER (and only PARTNER) import its token-required export.
resource "nats_nkey_activation" "partner_prices" {
  account     = nats_nkey.partner.public_key
  subject     = "prices.>"
  issuer_seed = nats_nkey_account.prices.seed
}

resource "nats_nkey_account" "partner" {
  name        = "PARTNER"
  public_key  = nats_nkey.partner.public_key
  issuer_seed = nats_nkey.operator.seed
  imports = [{
    subject = "prices.>"
    account = nats_nkey_account.prices.public_key
    token   = nats_nkey_activation.partner_prices.token
  }]
}

output "partner_prices_token" {
  value = nats_nkey_activation.partner_prices.token
}
