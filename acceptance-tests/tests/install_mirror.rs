//! Installing natsforge without a registry, as HCP Terraform workspaces and air-gapped
//! CI do: a provider bundled in the configuration's own `terraform.d/plugins` (the
//! implied local mirror Terraform searches with no CLI configuration at all), and a
//! packed `filesystem_mirror` holding the release zips. Terraform reaches no network:
//! a lookup that fell through to registry.terraform.io would fail the test.

use acceptance_tests::{
    apply_stream_and_converge, host_platform, package_debug_build, pinned_stream_config,
    provider_binary, provider_version, CliConfig, NatsServer, NatsServerBuilder, SigningKey,
    Terraform,
};

fn write_config(tf: &Terraform, version: &str, server: &NatsServer) {
    tf.write_file(
        "main.tf",
        &pinned_stream_config("natsforge/nats", version, server),
    )
    .unwrap();
}

fn lock_file(tf: &Terraform) -> String {
    std::fs::read_to_string(tf.dir().join(".terraform.lock.hcl")).unwrap()
}

/// The HCP Terraform recipe: the unpacked binary committed under
/// `terraform.d/plugins/registry.terraform.io/natsforge/nats/<version>/<os_arch>/`,
/// `terraform init` with no CLI configuration, then apply.
#[test]
fn bundled_implied_mirror_needs_no_cli_configuration() {
    let version = provider_version().unwrap();
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let tf = Terraform::with_cli_config(CliConfig::None).unwrap();
    write_config(&tf, &version, &server);
    let bundle = tf
        .dir()
        .join("terraform.d/plugins/registry.terraform.io/natsforge/nats")
        .join(&version)
        .join(host_platform());
    std::fs::create_dir_all(&bundle).unwrap();
    std::fs::copy(
        provider_binary().unwrap(),
        bundle.join(format!("terraform-provider-nats_v{version}")),
    )
    .unwrap();

    let init = tf.init().unwrap();
    let installed = format!("Installed natsforge/nats v{version} (unauthenticated)");
    assert!(
        init.stdout.contains(&installed),
        "expected {installed:?} in:\n{}",
        init.stdout
    );
    assert!(lock_file(&tf).contains("h1:"), "{}", lock_file(&tf));
    apply_stream_and_converge(&tf, &server);
}

/// A packed mirror (the release zips under `registry.terraform.io/natsforge/nats/`,
/// as `make release` writes `dist/mirror`) named by `filesystem_mirror`.
#[test]
fn packed_filesystem_mirror_installs_the_release_zip() {
    let key = SigningKey::generate("release").unwrap();
    let release = package_debug_build(&key).unwrap();
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let tf = Terraform::with_cli_config(CliConfig::Text(format!(
        "provider_installation {{\n  filesystem_mirror {{\n    path    = \"{}\"\n    include = [\"registry.terraform.io/natsforge/nats\"]\n  }}\n}}\n",
        release.mirror_dir().display()
    )))
    .unwrap();
    write_config(&tf, release.version(), &server);

    let init = tf.init().unwrap();
    let installed = format!(
        "Installed natsforge/nats v{} (unauthenticated)",
        release.version()
    );
    assert!(
        init.stdout.contains(&installed),
        "expected {installed:?} in:\n{}",
        init.stdout
    );
    // The unpacked package's hash, as we compute it from the binary in the zip.
    let host = host_platform();
    let (os, arch) = host.split_once('_').unwrap();
    let lock = lock_file(&tf);
    let hash = release.h1_hash(os, arch);
    assert!(lock.contains(&hash), "{hash} not in the lock file:\n{lock}");
    apply_stream_and_converge(&tf, &server);
}
