terraform {
  required_providers {
    nats = {
      source = "natsforge/nats"
    }
  }
}

variable "hub_url" {
  type    = string
  default = "nats://hub.example.com:4222"
}

variable "hub_creds" {
  type        = string
  sensitive   = true
  description = "Content of a hub user's .creds file."
}

variable "hub_system_creds_file" {
  type        = string
  description = "Path to a hub system-account user's .creds file."
}

# The hub, reached with a user's creds; $SYS operations use a system user.
provider "nats" {
  alias              = "hub"
  servers            = [var.hub_url]
  credentials_data   = var.hub_creds
  system_credentials = var.hub_system_creds_file
  connection_name    = "platform-terraform"
  timeout            = 10
}

# A leaf node, configured from a `nats` CLI context (or NATS_URL, NATS_CREDS, ...).
provider "nats" {
  alias   = "leaf"
  context = "leaf"
}
