# A stream in the provider's default domain, by name (the official provider's
# JETSTREAM_STREAM_<name> ID works too):
terraform import nats_jetstream_stream.queue QUEUE

# A stream in a named JetStream domain:
terraform import nats_jetstream_stream.queue_copy leaf:QUEUE_COPY
