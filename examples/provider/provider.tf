terraform {
  required_providers {
    nats = {
      source = "natsforge/nats"
    }
  }
}

# The hub, reached with a user's creds; $SYS operations use a system user.
provider "nats" {
  alias              = "hub"
  servers            = ["nats://hub.example.com:4222"]
  credentials_data   = var.hub_creds
  system_credentials = "/etc/nats/hub-sys.creds"
  jetstream_domain   = "hub"
  connection_name    = "platform-terraform"
  timeout            = 10
}

# A leaf node, configured entirely from the environment (NATS_URL, NATS_CREDS, ...)
# or from a `nats` CLI context.
provider "nats" {
  alias   = "leaf"
  context = "leaf"
}

variable "hub_creds" {
  type      = string
  sensitive = true
}
