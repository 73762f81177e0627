# Stage one of the hub-and-leaf topology: every identity and both server
# configurations, offline. Start a nats-server on each written file, then apply
# ../streams. `make demo` does all of it.
terraform {
  required_providers {
    nats = {
      source = "natsforge/nats"
    }
  }
}

variable "config_dir" {
  type        = string
  description = "Where the server configurations (and the creds beside them) are written."
}

variable "hub_port" {
  type    = number
  default = 4222
}

variable "hub_leafnode_port" {
  type    = number
  default = 7422
}

variable "hub_monitor_port" {
  type    = number
  default = 8222
}

variable "leaf_port" {
  type    = number
  default = 4223
}

variable "leaf_monitor_port" {
  type    = number
  default = 8223
}

locals {
  # Each side has its own operator, system account and account A, as in the tutorial.
  sides = toset(["hub", "leaf"])
}

resource "nats_nkey" "operator" {
  for_each = local.sides
  type     = "operator"
}

resource "nats_nkey" "system" {
  for_each = local.sides
  type     = "account"
}

resource "nats_nkey_account" "system" {
  for_each    = local.sides
  name        = "SYS"
  public_key  = nats_nkey.system[each.key].public_key
  issuer_seed = nats_nkey.operator[each.key].seed
}

resource "nats_nkey_account" "a" {
  for_each    = local.sides
  name        = "A"
  issuer_seed = nats_nkey.operator[each.key].seed
  jetstream   = {}
}

resource "nats_nkey_operator" "this" {
  for_each         = local.sides
  name             = each.key
  seed             = nats_nkey.operator[each.key].seed
  system_account   = nats_nkey.system[each.key].public_key
  resolver_preload = [nats_nkey_account.system[each.key].jwt, nats_nkey_account.a[each.key].jwt]
}

# Administrators: they create the streams and publish.
resource "nats_nkey_user" "admin" {
  for_each    = local.sides
  name        = "admin"
  issuer_seed = nats_nkey_account.a[each.key].seed
}

# The hub user the leaf's remote logs in as: leaf node connections only.
resource "nats_nkey_user" "leaf_remote" {
  name                     = "leaf"
  issuer_seed              = nats_nkey_account.a["hub"].seed
  allowed_connection_types = ["LEAFNODE"]
}

resource "nats_leafnode_config" "hub" {
  server_name     = "hub"
  listen          = "127.0.0.1:${var.hub_port}"
  http            = "127.0.0.1:${var.hub_monitor_port}"
  operator_config = nats_nkey_operator.this["hub"].server_config
  jetstream = {
    domain    = "hub"
    store_dir = "${var.config_dir}/hub-store"
  }
  leafnodes = {
    listen = "127.0.0.1:${var.hub_leafnode_port}"
  }
  path = "${var.config_dir}/hub.conf"
}

resource "nats_leafnode_config" "leaf" {
  server_name     = "leaf"
  listen          = "127.0.0.1:${var.leaf_port}"
  http            = "127.0.0.1:${var.leaf_monitor_port}"
  operator_config = nats_nkey_operator.this["leaf"].server_config
  jetstream = {
    domain    = "leaf"
    store_dir = "${var.config_dir}/leaf-store"
  }
  # Account A of the leaf joins account A of the hub.
  remote {
    urls        = ["nats-leaf://127.0.0.1:${var.hub_leafnode_port}"]
    account     = nats_nkey_account.a["leaf"].public_key
    credentials = nats_nkey_user.leaf_remote.creds
  }
  path = "${var.config_dir}/leaf.conf"
}

output "hub_url" {
  value = "nats://127.0.0.1:${var.hub_port}"
}

output "leaf_url" {
  value = "nats://127.0.0.1:${var.leaf_port}"
}

output "config_files" {
  value = {
    hub  = nats_leafnode_config.hub.path
    leaf = nats_leafnode_config.leaf.path
  }
}

output "hub_admin_creds" {
  value     = nats_nkey_user.admin["hub"].creds
  sensitive = true
}

output "leaf_admin_creds" {
  value     = nats_nkey_user.admin["leaf"].creds
  sensitive = true
}
