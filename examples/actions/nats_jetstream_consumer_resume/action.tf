# Let the workers go on before the pause ends.
#
#   terraform apply -invoke=action.nats_jetstream_consumer_resume.workers
action "nats_jetstream_consumer_resume" "workers" {
  config {
    stream   = "ORDERS"
    consumer = "WORKERS"
  }
}
