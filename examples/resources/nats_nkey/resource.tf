# Keys made apart from the JWTs that use them: the operator names the system
# account's public key, and the system account is signed with the operator's seed.
resource "nats_nkey" "operator" {
  type = "operator"
}

resource "nats_nkey" "system" {
  type = "account"
}
