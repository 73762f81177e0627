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
    // The encoded descriptors let a unit test check the contract (e.g. the RPC list).
    let descriptor_path = std::path::PathBuf::from(std::env::var("OUT_DIR")?)
        .join("natsforge_descriptors.bin");
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .file_descriptor_set_path(descriptor_path)
        .compile_fds(descriptors)?;
    Ok(())
}
