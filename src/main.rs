//! `terraform-provider-nats`: started by Terraform (go-plugin handshake) or by a
//! person with `-debug` to attach Terraform to it through `TF_REATTACH_PROVIDERS`.

use std::process::ExitCode;
use std::time::Duration;

use natsforge::protocol::handshake::{self, ServeOptions};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The provider's type name: names its log module and `TF_LOG_PROVIDER_NATS`.
const PROVIDER_TYPE: &str = "nats";
/// Background tasks still running at exit (a stuck NATS call, say) get this long.
const RUNTIME_SHUTDOWN_TIMEOUT: Duration = Duration::from_millis(200);

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Serve { debug: bool },
    Version,
}

fn parse_args(args: &[String]) -> Option<Command> {
    match args {
        [] => Some(Command::Serve { debug: false }),
        [flag] => match flag.as_str() {
            "-debug" | "--debug" => Some(Command::Serve { debug: true }),
            "-version" | "--version" => Some(Command::Version),
            _ => None,
        },
        _ => None,
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = parse_args(&args) else {
        eprintln!(
            "usage: terraform-provider-nats [-debug | -version]\n\
             \n\
             Terraform starts this provider by itself; run terraform, not this binary.\n\
             \x20 -debug    serve without Terraform launching it and print TF_REATTACH_PROVIDERS\n\
             \x20 -version  print the provider version"
        );
        return ExitCode::from(2);
    };
    let debug = match command {
        Command::Version => {
            println!("terraform-provider-nats {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        Command::Serve { debug } => debug,
    };

    // Dependencies may compile in both ring and aws-lc-rs; rustls then refuses to
    // guess, so name ours (aws-lc-rs verifies Terraform's P-521 certificate). An
    // error only means a provider is already installed.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    natsforge::protocol::logging::init(PROVIDER_TYPE);

    // One thread: the provider waits on Terraform and on NATS servers far more than it
    // computes, and a single thread spares every request the cross-thread wake-ups,
    // work stealing and context switches of a worker pool (they were a fifth of the
    // plugin's CPU in a 1000-stream refresh plan). Requests still run concurrently.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("terraform-provider-nats: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let options = ServeOptions {
        debug,
        provider_address: natsforge::provider::PROVIDER_ADDRESS.to_owned(),
    };
    let result = runtime.block_on(handshake::serve(natsforge::provider::service(), options));
    runtime.shutdown_timeout(RUNTIME_SHUTDOWN_TIMEOUT);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Option<Command> {
        let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
        parse_args(&args)
    }

    #[test]
    fn flags() {
        assert_eq!(parse(&[]), Some(Command::Serve { debug: false }));
        assert_eq!(parse(&["-debug"]), Some(Command::Serve { debug: true }));
        assert_eq!(parse(&["--debug"]), Some(Command::Serve { debug: true }));
        assert_eq!(parse(&["-version"]), Some(Command::Version));
        assert_eq!(parse(&["--version"]), Some(Command::Version));
        assert_eq!(parse(&["-debug", "-version"]), None);
        assert_eq!(parse(&["serve"]), None);
        assert_eq!(parse(&["-h"]), None);
    }
}
