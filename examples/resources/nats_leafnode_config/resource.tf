# A hub's account A, and the user its leaf nodes log in as.
resource "nats_nkey" "operator" {
  type = "operator"
}

resource "nats_nkey_account" "a" {
  name        = "A"
  issuer_seed = nats_nkey.operator.seed
  jetstream   = {}
}

resource "nats_nkey_user" "leaf" {
  name                     = "leaf"
  issuer_seed              = nats_nkey_account.a.seed
  allowed_connection_types = ["LEAFNODE"]
}

resource "nats_nkey_operator" "hub" {
  name             = "hub"
  seed             = nats_nkey.operator.seed
  resolver_preload = [nats_nkey_account.a.jwt]
}

# The hub accepts leaf nodes on 7422.
resource "nats_leafnode_config" "hub" {
  server_name     = "hub"
  listen          = "0.0.0.0:4222"
  http            = "127.0.0.1:8222"
  operator_config = nats_nkey_operator.hub.server_config
  jetstream = {
    domain = "hub"
  }
  leafnodes = {
    listen = "0.0.0.0:7422"
  }
  path = "${path.module}/hub.conf"
}

# The leaf keeps its own JetStream domain and joins the hub's account A; the
# creds are written to leaf.remote-0.creds beside leaf.conf (mode 0600).
resource "nats_leafnode_config" "leaf" {
  server_name = "leaf"
  listen      = "127.0.0.1:4223"
  jetstream = {
    domain = "leaf"
  }
  remote {
    urls         = ["nats-leaf://hub.example.com:7422"]
    credentials  = nats_nkey_user.leaf.creds
    deny_exports = ["local.>"]
  }
  path = "${path.module}/leaf.conf"
}
