variable "nats_url" {
  type = string
}

variable "orders_account_seed" {
  type      = string
  sensitive = true
}

# Creds valid for 15 minutes, minted for this run only and never stored.
ephemeral "nats_user_creds" "deployer" {
  name        = "deployer"
  issuer_seed = var.orders_account_seed
  ttl         = "15m"
}

provider "nats" {
  alias            = "deployer"
  servers          = var.nats_url
  credentials_data = ephemeral.nats_user_creds.deployer.creds
}
