# What `make demo` applies against the local server it starts.
terraform {
  required_providers {
    nats = {
      source = "natsforge/nats"
    }
  }
}

variable "nats_url" {
  type        = string
  description = "The demo server's client URL."
}

provider "nats" {
  servers = var.nats_url
}

data "nats_server" "demo" {}

output "server" {
  value = {
    name             = data.nats_server.demo.server_name
    version          = data.nats_server.demo.version
    jetstream        = data.nats_server.demo.jetstream
    jetstream_domain = data.nats_server.demo.jetstream_domain
    api_level        = data.nats_server.demo.jetstream_api_level
  }
}
