//! The `cnbudget` command: parses arguments, calls the library, maps the outcome to an exit
//! code. All the work is in the library.

mod cli;

use std::io::{IsTerminal, Write as _};
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command, EXIT_DOCUMENTS_FAILED, EXIT_RUN_FAILED};

/// The binary's allocator: a run allocates and frees millions of short strings from several
/// threads, and jemalloc does that with about 12 % less CPU than glibc's malloc
/// (docs/performance.md).
#[cfg(all(feature = "jemalloc", not(target_env = "msvc")))]
mod allocator {
    #[global_allocator]
    static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

    /// jemalloc's options, read before `main`: freed pages go back to the system after a quarter
    /// of a second (by default ten) and at once when only lazily freed, so that peak memory
    /// stays that of the live data of a long run, not of its garbage (9 MiB less at 20,000
    /// reports than after one second, for the same CPU time; at once, 40 % more CPU).
    #[unsafe(export_name = "_rjem_malloc_conf")]
    static MALLOC_CONF: Conf = Conf(c"dirty_decay_ms:250,muzzy_decay_ms:0".as_ptr());

    /// The `const char *` jemalloc reads its options from.
    #[repr(transparent)]
    struct Conf(*const std::ffi::c_char);
    // SAFETY: the pointer is to a string literal: immutable and alive for the whole program.
    unsafe impl Sync for Conf {}
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Inspect(args) => inspect(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("cnbudget: {err:#}");
            ExitCode::from(EXIT_RUN_FAILED)
        }
    }
}

fn inspect(args: cli::InspectArgs) -> anyhow::Result<ExitCode> {
    let doc = cnbudget::parse_file(&args.file)?;
    let text = cnbudget::inspect::render(&doc, cnbudget::inspect::Options { all_checks: args.all_checks });
    if let Err(e) = std::io::stdout().write_all(text.as_bytes()) {
        // `inspect FILE | head` closes the pipe early: that is not an error.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(e.into());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn run(args: cli::RunArgs) -> anyhow::Result<ExitCode> {
    let strict = args.strict;
    let quiet = args.quiet;
    let config = args.into_config(std::io::stderr().is_terminal())?;
    let summary = cnbudget::run(&config)?;
    if !quiet {
        eprintln!(
            "cnbudget: {} files: {} ok, {} partial, {} failed, {} skipped; {} facts; {:.2} s → {}",
            summary.files,
            summary.ok,
            summary.partial,
            summary.failed,
            summary.skipped,
            summary.facts,
            summary.seconds,
            config.output.display()
        );
    }
    Ok(if strict && summary.failed > 0 { ExitCode::from(EXIT_DOCUMENTS_FAILED) } else { ExitCode::SUCCESS })
}
