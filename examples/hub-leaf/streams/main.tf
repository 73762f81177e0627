# Stage two, once the hub and the leaf run on the configurations of stage one:
# the tutorial's hub stream, a copy in the leaf's JetStream domain that sources it
# across the leaf connection, a consumer on the copy, and a report of both.
# Publishing jobs and emptying the queues are actions, in ../jobs (Terraform >= 1.14).
terraform {
  required_providers {
    nats = {
      source = "natsforge/nats"
    }
  }
}

variable "identities_state" {
  type        = string
  description = "The state file of stage one (../identities)."
  default     = "../identities/terraform.tfstate"
}

data "terraform_remote_state" "identities" {
  backend = "local"
  config = {
    path = var.identities_state
  }
}

locals {
  identities = data.terraform_remote_state.identities.outputs
}

provider "nats" {
  alias            = "hub"
  servers          = local.identities.hub_url
  credentials_data = local.identities.hub_admin_creds
}

provider "nats" {
  alias            = "leaf"
  servers          = local.identities.leaf_url
  credentials_data = local.identities.leaf_admin_creds
}

# As in the tutorial's plan: limits retention, file storage, 1024 messages,
# 10 MiB, one day.
resource "nats_jetstream_stream" "queue" {
  provider  = nats.hub
  name      = "QUEUE"
  subjects  = ["QUEUE.>"]
  retention = "limits"
  storage   = "file"
  max_msgs  = 1024
  max_bytes = 10485760
  max_age   = 86400
}

# In the leaf's domain: QUEUE sourced from the hub's domain over the leaf connection.
resource "nats_jetstream_stream" "leaf_queue" {
  provider = nats.leaf
  name     = "QUEUE"
  domain   = "leaf"

  source {
    name   = nats_jetstream_stream.queue.name
    domain = "hub"
  }
}

# Workers on the leaf read the copy, even while the hub is out of reach.
resource "nats_jetstream_consumer" "workers" {
  provider     = nats.leaf
  stream_id    = nats_jetstream_stream.leaf_queue.id
  durable_name = "WORKERS"
}

data "nats_jetstream_stream" "hub" {
  provider = nats.hub
  name     = nats_jetstream_stream.queue.name
}

data "nats_jetstream_stream" "leaf" {
  provider = nats.leaf
  name     = nats_jetstream_stream.leaf_queue.name
  domain   = "leaf"
}

locals {
  report = {
    for side, stream in { hub = data.nats_jetstream_stream.hub, leaf = data.nats_jetstream_stream.leaf } :
    side => {
      stream     = stream.name
      domain     = side
      messages   = stream.messages
      bytes      = stream.bytes
      source_lag = stream.source_lag
    }
  }
}

# Apply again (`terraform apply`) to read the streams anew.
output "report" {
  value = local.report
}

# The same figures as a table, like `nats stream report` (the lag summed over sources).
output "report_table" {
  value = join("\n", concat(
    [format("%-8s %-8s %10s %10s %12s", "Stream", "Domain", "Messages", "Bytes", "Source lag")],
    [for side, row in local.report : format("%-8s %-8s %10d %10d %12d", row.stream, row.domain, row.messages, row.bytes, sum(concat([0], values(row.source_lag))))],
  ))
}
