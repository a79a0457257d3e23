//! The `feedmill` command. All the work happens in [`cli`] and the `feedmill` library.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
