data "nats_server" "hub" {
  provider = nats.hub
}

data "nats_server" "leaf" {
  provider = nats.leaf
}

output "hub_version" {
  value = data.nats_server.hub.version
}

output "hub_connections" {
  value = data.nats_server.hub.statistics.connections
}

output "leaf_jetstream_domain" {
  value = data.nats_server.leaf.jetstream_domain
}
