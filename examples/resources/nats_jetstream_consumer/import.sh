# STREAM:CONSUMER, DOMAIN:STREAM:CONSUMER, or the official provider's ID
terraform import nats_jetstream_consumer.new_orders ORDERS:NEW
terraform import nats_jetstream_consumer.new_orders JETSTREAM_STREAM_ORDERS_CONSUMER_NEW
