# A public key is not secret, but Terraform marks anything derived from the
# sensitive seed as sensitive; nonsensitive() says that this part may be shown.
output "operator_public_key" {
  value = nonsensitive(provider::nats::public_key(nats_nkey.operator.seed))
}
