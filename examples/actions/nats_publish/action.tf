# Publish three orders through JetStream: each waits for the stream's
# acknowledgement, and the message ids make a second invocation within the
# stream's duplicate window store nothing twice.
#
#   terraform apply -invoke=action.nats_publish.orders
action "nats_publish" "orders" {
  config {
    subject         = "ORDERS.new"
    payloads        = [for n in [1, 2, 3] : jsonencode({ order = n })]
    headers         = { "Content-Type" = "application/json" }
    jetstream       = true
    msg_id          = "orders-batch-1"
    expected_stream = "ORDERS"
  }
}

# Announce a new stream once it exists: run after the create, by Terraform.
resource "nats_jetstream_stream" "audit" {
  name     = "AUDIT"
  subjects = ["AUDIT.>"]

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.nats_publish.audit_created]
    }
  }
}

action "nats_publish" "audit_created" {
  config {
    subject   = "AUDIT.created"
    payload   = "stream AUDIT created by Terraform"
    jetstream = true
  }
}
