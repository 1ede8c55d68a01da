//! The `cnbudget` command: parses arguments, calls the library, maps the outcome to an exit
//! code. All the work is in the library.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, EXIT_DOCUMENTS_FAILED, EXIT_RUN_FAILED};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("cnbudget: {err:#}");
            ExitCode::from(EXIT_RUN_FAILED)
        }
    }
}

fn run(args: cli::RunArgs) -> anyhow::Result<ExitCode> {
    let strict = args.strict;
    let quiet = args.quiet;
    let config = args.into_config(std::io::stderr().is_terminal())?;
    let summary = cnbudget::run(&config)?;
    if !quiet {
        eprintln!(
            "cnbudget: {} files: {} ok, {} partial, {} failed; {} facts; {:.2} s → {}",
            summary.files,
            summary.ok,
            summary.partial,
            summary.failed,
            summary.facts,
            summary.seconds,
            config.output.display()
        );
    }
    Ok(if strict && summary.failed > 0 { ExitCode::from(EXIT_DOCUMENTS_FAILED) } else { ExitCode::SUCCESS })
}
