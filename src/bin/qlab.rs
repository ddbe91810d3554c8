//! `qlab`: the command-line front end (see `quorum_lab::cli`).

use std::io::Write;
use std::process::ExitCode;

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
