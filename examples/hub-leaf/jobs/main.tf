# Stage three, operations on the running hub and leaf as Terraform actions
# (Terraform >= 1.14): publish a batch of jobs on the hub, empty the queues. Nothing
# here is created or stored; each action runs when invoked:
#   terraform apply -invoke=action.nats_publish.jobs -var batch=2
terraform {
  required_version = ">= 1.14"
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

variable "batch" {
  type        = number
  description = "Which batch of jobs action.nats_publish.jobs publishes (it names the jobs)."
  default     = 1
}

variable "jobs_per_batch" {
  type        = number
  description = "How many jobs action.nats_publish.jobs publishes."
  default     = 5
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

# A batch of jobs on the hub, through JetStream: each job waits for the hub's QUEUE
# (made by ../streams) to store it, and the output names the sequences.
action "nats_publish" "jobs" {
  provider = nats.hub
  config {
    subject         = "QUEUE.job"
    payloads        = [for n in range(var.jobs_per_batch) : "job ${n + 1} of batch ${var.batch}"]
    jetstream       = true
    expected_stream = "QUEUE"
  }
}

# Empty the queues (the streams and the consumer stay), e.g. before a destroy:
#   terraform apply -invoke=action.nats_jetstream_stream_purge.hub_queue
#   terraform apply -invoke=action.nats_jetstream_stream_purge.leaf_queue
action "nats_jetstream_stream_purge" "hub_queue" {
  provider = nats.hub
  config {
    stream = "QUEUE"
  }
}

action "nats_jetstream_stream_purge" "leaf_queue" {
  provider = nats.leaf
  config {
    stream = "QUEUE"
    domain = "leaf"
  }
}
