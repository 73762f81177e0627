# Hold the workers for the next ten minutes, e.g. during a migration; the
# consumer keeps its place and its pending acknowledgements.
#
#   terraform apply -invoke=action.nats_jetstream_consumer_pause.workers
action "nats_jetstream_consumer_pause" "workers" {
  config {
    stream   = "ORDERS"
    consumer = "WORKERS"
    duration = 600
  }
}
