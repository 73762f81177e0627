# A bucket by name, as DOMAIN:NAME, or by the official provider's ID.
terraform import nats_jetstream_object_bucket.assets assets
terraform import nats_jetstream_object_bucket.assets JETSTREAM_OBJ_assets
