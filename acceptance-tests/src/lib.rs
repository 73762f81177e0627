//! Harness for natsforge's acceptance tests: real `terraform` against real `nats-server`,
//! through the provider binary built from this workspace.
//!
//! Tests run in parallel (nextest runs each in its own process), so nothing here uses a
//! fixed port or a shared directory: every server and every terraform working directory
//! lives in its own temporary directory, and every listener takes a port the kernel picks.
//!
//! ```no_run
//! use acceptance_tests::{NatsServerBuilder, Terraform};
//!
//! let hub = NatsServerBuilder::new().jetstream().domain("hub").leafnode_listen().start().unwrap();
//! let tf = Terraform::new().unwrap();
//! tf.write_file("main.tf", &format!(
//!     "provider \"nats\" {{\n  servers = \"{}\"\n}}\ndata \"nats_server\" \"this\" {{}}\n",
//!     hub.client_url(),
//! )).unwrap();
//! tf.apply().unwrap();
//! tf.expect_no_changes().unwrap();
//! ```

mod child;
mod cluster;
mod error;
mod estate;
mod fake_server;
mod fixtures;
mod nats_server;
mod operator;
mod plan_errors;
mod process;
mod registry;
mod release;
mod terraform;
mod tools;

use std::time::{Duration, Instant};

pub use cluster::{free_ports, jetstream_cluster, jetstream_cluster_ready, start_cluster};
pub use error::HarnessError;
pub use estate::Estate;
pub use fake_server::{FakeReply, FakeServer};
pub use fixtures::{
    assert_errors_per_resource, assert_no_streams, block_on, creds_options, edit_stream,
    hub_and_leaf, jetstream, official_provider_stand_in, one_line, plan_text, provider_config,
    state_resources, stream_info, streams_in_state, streams_on_server, terraform_with, write_main,
    write_test_pki, TestPki, FULL_RESOLVER_TRUST,
};
pub use nats_server::{check_config, NatsServer, NatsServerBuilder};
pub use operator::{OperatorSetup, OperatorSetupError, APP_ACCOUNT, SYSTEM_ACCOUNT};
pub use plan_errors::{assert_plan_errors, PlanErrorCase, PlanErrorSetup};
pub use process::{children_running, is_running, kill_process, RunningTerraform};
pub use registry::{registry_routes, Registry, Routes};
pub use release::{
    apply_stream_and_converge, host_platform, package_debug_build, package_stand_ins,
    pinned_stream_config, provider_version, sha256_hex, ProviderRelease, SigningKey,
    RELEASE_PLATFORMS,
};
pub use terraform::{dev_overrides_config, CliConfig, Terraform, TfOutput, PROVIDER_ADDRESS};
pub use tools::{
    nats_server_binary, nats_server_release, provider_binary, target_dir, terraform_binary,
    version_at_least, workspace_root, PROVIDER_BINARY_NAME,
};

/// Polls `condition` until it returns true or `timeout` passes; returns whether it did.
/// For state that settles asynchronously (a leaf node connecting, a reload applying).
#[must_use = "assert on the result: a condition that never held is a test failure"]
pub fn wait_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(5);
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}
