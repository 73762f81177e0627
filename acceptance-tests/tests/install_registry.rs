//! Installing natsforge the way users do: real `terraform init` from a provider
//! registry (the protocol registry.terraform.io and HCP Terraform's private registry
//! speak), here an HTTPS server on loopback with a CA made for the test. The release
//! is what `scripts/release-package.sh` (used by `make release`) makes of the debug
//! build, signed with a throwaway RSA key.
//!
//! Terraform must check the GPG signature on SHA256SUMS against the key the registry
//! names, and the zip against SHA256SUMS, before it runs anything: a changed zip, a
//! changed SHA256SUMS and a signature by another key are each refused with Terraform's
//! own error, and nothing is installed. Only the first test runs what it installs;
//! the others use stand-in packages (see `package_stand_ins`), as Terraform verifies
//! and hashes those without running them.

use std::collections::BTreeSet;

use acceptance_tests::{
    apply_stream_and_converge, host_platform, package_debug_build, package_stand_ins,
    pinned_stream_config, registry_routes, CliConfig, NatsServer, NatsServerBuilder,
    ProviderRelease, Registry, Routes, SigningKey, Terraform, RELEASE_PLATFORMS,
};

/// A working directory using `nats` from `registry` at exactly the release's version,
/// trusting the registry's CA and nothing else changed: no CLI configuration at all.
fn terraform_for(registry: &Registry, release: &ProviderRelease, server: &NatsServer) -> Terraform {
    let tf = Terraform::with_cli_config(CliConfig::None)
        .unwrap()
        .with_env("SSL_CERT_FILE", registry.ca_file());
    let source = format!("{}/natsforge/nats", registry.host());
    tf.write_file(
        "main.tf",
        &pinned_stream_config(&source, release.version(), server),
    )
    .unwrap();
    tf
}

fn jetstream_server() -> NatsServer {
    NatsServerBuilder::new().jetstream().start().unwrap()
}

/// The hashes `.terraform.lock.hcl` records for our provider.
fn locked_hashes(tf: &Terraform) -> BTreeSet<String> {
    let lock = std::fs::read_to_string(tf.dir().join(".terraform.lock.hcl")).unwrap();
    lock.split('"')
        .filter(|token| token.starts_with("h1:") || token.starts_with("zh:"))
        .map(str::to_owned)
        .collect()
}

fn assert_same_hashes(locked: &BTreeSet<String>, expected: &BTreeSet<String>) {
    let missing: Vec<_> = expected.difference(locked).collect();
    let unexpected: Vec<_> = locked.difference(expected).collect();
    assert!(
        missing.is_empty() && unexpected.is_empty(),
        "the lock file lacks {missing:#?} and has unexpected {unexpected:#?}"
    );
}

/// `zh:` of every file the signed SHA256SUMS lists (every platform's zip, and the
/// manifest, which Terraform records too).
fn signed_hashes(release: &ProviderRelease) -> BTreeSet<String> {
    let sums = String::from_utf8(release.files()[&release.sums_name()].clone()).unwrap();
    let hashes: BTreeSet<String> = sums
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(|hash| format!("zh:{hash}"))
        .collect();
    for (os, arch) in RELEASE_PLATFORMS.iter().filter_map(|p| p.split_once('_')) {
        assert!(
            hashes.contains(&release.zh_hash(os, arch)),
            "{os}_{arch} not in SHA256SUMS"
        );
    }
    hashes
}

fn host_zip(release: &ProviderRelease) -> String {
    let host = host_platform();
    let (os, arch) = host.split_once('_').unwrap();
    release.zip_name(os, arch)
}

fn nothing_installed(tf: &Terraform, registry: &Registry) {
    let installed = tf
        .dir()
        .join(".terraform/providers")
        .join(registry.host())
        .join("natsforge/nats");
    assert!(
        !installed.exists(),
        "a refused package must not be installed, found {}",
        installed.display()
    );
}

#[test]
fn init_verifies_the_signature_and_checksums_then_plans_and_applies() {
    let key = SigningKey::generate("release").unwrap();
    let release = package_debug_build(&key).unwrap();
    let registry = Registry::serve(registry_routes(&release, &key)).unwrap();
    let server = jetstream_server();
    let tf = terraform_for(&registry, &release, &server);

    let init = tf.init().unwrap();
    let installed = format!(
        "Installed {}/natsforge/nats v{} (self-signed, key ID {})",
        registry.host(),
        release.version(),
        key.key_id()
    );
    assert!(
        init.stdout.contains(&installed),
        "expected {installed:?} in:\n{}",
        init.stdout
    );
    let requests = registry.requests();
    for wanted in [
        format!("/files/{}", host_zip(&release)),
        format!("/files/{}", release.sums_name()),
        format!("/files/{}.sig", release.sums_name()),
    ] {
        assert!(
            requests.contains(&wanted),
            "{wanted} not fetched: {requests:#?}"
        );
    }

    // The lock file pins the installed package (h1) and everything the signed
    // SHA256SUMS vouches for (zh), so teammates on other platforms verify theirs.
    let host = host_platform();
    let (os, arch) = host.split_once('_').unwrap();
    let mut expected = signed_hashes(&release);
    expected.insert(release.h1_hash(os, arch));
    assert_same_hashes(&locked_hashes(&tf), &expected);

    apply_stream_and_converge(&tf, &server);
}

/// Serves `release` with `change` applied to its routes, runs `terraform init`, and
/// returns Terraform's error output, checking nothing was installed.
fn refused_init(
    key: &SigningKey,
    release: &ProviderRelease,
    change: impl FnOnce(&mut Routes),
) -> String {
    let mut routes = registry_routes(release, key);
    change(&mut routes);
    let registry = Registry::serve(routes).unwrap();
    let server = jetstream_server();
    let tf = terraform_for(&registry, release, &server);
    let stderr = tf
        .expect_error(&["init", "-input=false", "-no-color"])
        .unwrap();
    nothing_installed(&tf, &registry);
    stderr
}

/// Terraform prints errors in a box whose lines wrap; this joins them back.
fn unwrapped(stderr: &str) -> String {
    stderr
        .lines()
        .map(|line| line.trim_start_matches(['│', '╷', '╵']).trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A stand-in release, its key, the host's zip name and that zip with bytes appended.
fn tampered_host_zip() -> (SigningKey, ProviderRelease, String, Vec<u8>) {
    let key = SigningKey::generate("release").unwrap();
    let release = package_stand_ins(&key).unwrap();
    let zip = host_zip(&release);
    let mut tampered = release.files()[&zip].clone();
    tampered.extend_from_slice(b"tampered");
    (key, release, zip, tampered)
}

#[test]
fn a_tampered_zip_is_refused() {
    let (key, release, zip, tampered) = tampered_host_zip();
    let tampered_hash = acceptance_tests::sha256_hex(&tampered);

    let stderr = refused_init(&key, &release, |routes| {
        routes.get_mut(&format!("/files/{zip}")).unwrap().1 = tampered.clone();
    });
    let expected = format!(
        "archive has incorrect checksum zh:{tampered_hash} (expected zh:{})",
        release.sha256_hex(&zip)
    );
    assert!(
        unwrapped(&stderr).contains(&expected),
        "expected {expected:?} in:\n{stderr}"
    );
}

/// An attacker who can change the zip can change SHA256SUMS and the download
/// document to match; the signature over SHA256SUMS then no longer verifies.
#[test]
fn a_tampered_zip_with_matching_checksums_fails_the_signature() {
    let (key, release, zip, tampered) = tampered_host_zip();
    let tampered_hash = acceptance_tests::sha256_hex(&tampered);
    let sums = release.sums_name();
    let forged_sums = String::from_utf8(release.files()[&sums].clone())
        .unwrap()
        .replace(&release.sha256_hex(&zip), &tampered_hash);

    let stderr = refused_init(&key, &release, |routes| {
        routes.get_mut(&format!("/files/{zip}")).unwrap().1 = tampered.clone();
        routes.get_mut(&format!("/files/{sums}")).unwrap().1 = forged_sums.into_bytes();
        for (path, (_, body)) in routes.iter_mut() {
            if path.contains("/download/") {
                let text = String::from_utf8(body.clone()).unwrap();
                *body = text
                    .replace(&release.sha256_hex(&zip), &tampered_hash)
                    .into_bytes();
            }
        }
    });
    let text = unwrapped(&stderr);
    assert!(
        text.contains("error checking signature: openpgp: invalid signature"),
        "expected a signature failure in:\n{stderr}"
    );
}

#[test]
fn a_signature_by_another_key_is_refused() {
    let key = SigningKey::generate("release").unwrap();
    let impostor = SigningKey::generate("impostor").unwrap();
    let release = package_stand_ins(&key).unwrap();
    let sums = release.sums_name();
    let forged = impostor.sign(&release.files()[&sums]).unwrap();

    let stderr = refused_init(&key, &release, |routes| {
        routes.get_mut(&format!("/files/{sums}.sig")).unwrap().1 = forged.clone();
    });
    assert!(
        unwrapped(&stderr).contains("authentication signature from unknown issuer"),
        "expected Terraform to refuse the impostor's signature:\n{stderr}"
    );
}

/// A team on several platforms locks all of them once: `terraform providers lock`
/// downloads and verifies every platform's package and records each one's hash.
#[test]
fn providers_lock_records_every_platform() {
    let key = SigningKey::generate("release").unwrap();
    let release = package_stand_ins(&key).unwrap();
    let registry = Registry::serve(registry_routes(&release, &key)).unwrap();
    let server = jetstream_server();
    let tf = terraform_for(&registry, &release, &server);

    let mut args = vec!["providers", "lock", "-no-color"];
    let platforms: Vec<String> = RELEASE_PLATFORMS
        .iter()
        .map(|p| format!("-platform={p}"))
        .collect();
    args.extend(platforms.iter().map(String::as_str));
    let output = tf.run_ok(&args).unwrap();

    let mut expected = signed_hashes(&release);
    for (os, arch) in RELEASE_PLATFORMS.iter().filter_map(|p| p.split_once('_')) {
        expected.insert(release.h1_hash(os, arch));
        assert!(
            registry
                .requests()
                .contains(&format!("/files/{}", release.zip_name(os, arch))),
            "the {os}_{arch} package was not downloaded"
        );
    }
    assert_same_hashes(&locked_hashes(&tf), &expected);
    assert!(output.stdout.contains("Success!"), "{}", output.stdout);
    // Every platform's package and zip has a hash of its own, plus the manifest's.
    assert_eq!(expected.len(), 2 * RELEASE_PLATFORMS.len() + 1);
}
