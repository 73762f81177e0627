# The leaf node connections of the server named "leaf" (the provider needs
# `system_credentials` that reach it).
data "nats_leafnodes" "leaf" {
  server_name = "leaf"
}

output "leaf_connections" {
  value = [
    for c in data.nats_leafnodes.leaf.connections : "${c.account} -> ${c.name} (${c.rtt})"
  ]
}
