//! `qlab`: the command-line front end (see `quorum_lab::cli`).

#[cfg(not(target_arch = "wasm32"))]
use std::io::Write;
#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;

/// The CLI is native only; in a wasm build (the browser tests compile every target) it is empty.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match quorum_lab::cli::run(&args) {
        Ok(outcome) => {
            // A closed pipe (`qlab trace … | head`) is not an error worth a message.
            let _ = std::io::stdout().write_all(outcome.stdout.as_bytes());
            ExitCode::from(outcome.code as u8)
        }
        Err(quorum_lab::cli::Usage(message)) => {
            eprintln!("qlab: {message}");
            ExitCode::from(2)
        }
    }
}
