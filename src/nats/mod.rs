//! NATS clients. Knows nothing of Terraform.
