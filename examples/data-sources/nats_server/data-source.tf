data "nats_server" "hub" {
  provider = nats.hub
}

output "hub_version" {
  value = data.nats_server.hub.version
}

output "hub_jetstream_domain" {
  value = data.nats_server.hub.jetstream_domain
}
