//! Compiles `proto/` with a pure-Rust protobuf compiler, so building needs no system `protoc`.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "proto/tfplugin6.proto",
        "proto/grpc_controller.proto",
        "proto/grpc_stdio.proto",
        "proto/grpc_broker.proto",
    ];
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    let descriptors = protox::compile(protos, ["proto"])?;
    // Kept next to the generated code so a unit test can check the contract itself
    // (e.g. that no Provider RPC went missing).
    let descriptor_path =
        std::path::PathBuf::from(std::env::var("OUT_DIR")?).join("natsforge_descriptors.bin");
    std::fs::write(
        descriptor_path,
        protox::prost::Message::encode_to_vec(&descriptors),
    )?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        // Every RPC we do not implement answers UNIMPLEMENTED, as Terraform expects.
        .generate_default_stubs(true)
        .compile_fds(descriptors)?;
    Ok(())
}
