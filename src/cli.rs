//! Command-line arguments, and their conversion into a validated [`cnbudget::Config`].

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};

/// The run itself failed: nothing was published.
pub const EXIT_RUN_FAILED: u8 = 1;
/// Published, but some documents failed (only with --strict).
pub const EXIT_DOCUMENTS_FAILED: u8 = 3;

/// Extract every figure from Chinese government budget and final-accounts reports
/// (部门预算/决算公开) into exact Parquet datasets.
#[derive(Debug, Parser)]
#[command(name = "cnbudget", version, term_width = 100, after_help = EXIT_STATUS)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

const EXIT_STATUS: &str = "\
EXIT STATUS:
  0  the output was published (documents that could not be read are listed in
     documents.parquet with status 'failed' and a reason)
  1  the run failed and nothing was published (unreadable input folder, output
     locked by another run, write error)
  2  bad command-line arguments
  3  with --strict: the output was published but some documents failed";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read every report under the input folder and publish the datasets.
    ///
    /// Every .txt, .md, .json (page-array) and .pdf file below INPUT is a report (a text beside
    /// its PDF is the same report: the PDF is read). Each gets a row in
    /// documents.parquet; its figures go to facts/ and the curated datasets, partitioned by
    /// fiscal year. The new output is written beside OUTPUT and swapped in only when
    /// complete, so readers and interrupted runs never see a half-written dataset.
    #[command(after_help = EXIT_STATUS)]
    Run(RunArgs),
    /// Show what was read from one report: statement by statement, with failing checks.
    ///
    /// Parses FILE exactly as `run` would and prints its metadata, every fact of every
    /// statement in line order, the arithmetic checks that did not pass, and the notes on what
    /// was left out. Nothing is written.
    Inspect(InspectArgs),
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The report (.txt, .md, page-array .json or .pdf).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// List the checks that pass, too.
    #[arg(long)]
    pub all_checks: bool,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Folder of reports (searched recursively), or a single report file.
    #[arg(long, short, value_name = "DIR", default_value = "data/corpus")]
    pub input: PathBuf,
    /// Folder to publish the datasets in; replaced as a whole at the end of the run.
    #[arg(long, short, value_name = "DIR", default_value = "output")]
    pub output: PathBuf,
    /// Worker threads [default: the number of CPUs].
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Skip (as a failed document) any file larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub max_file_mb: u64,
    /// Parse every file again instead of reusing the last run's results for unchanged files.
    #[arg(long)]
    pub rebuild: bool,
    /// Exit with status 3 when any document failed to parse.
    #[arg(long)]
    pub strict: bool,
    /// Print nothing but errors (no progress bar, no summary).
    #[arg(long, short)]
    pub quiet: bool,
}

impl RunArgs {
    /// Resolves paths and defaults once, before any file is read.
    pub fn into_config(self, terminal: bool) -> anyhow::Result<cnbudget::Config> {
        let cwd = std::env::current_dir().context("reading the current folder")?;
        let jobs = match self.jobs {
            Some(n) => usize::from(n),
            None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        };
        Ok(cnbudget::Config {
            input: cwd.join(&self.input),
            output: cwd.join(&self.output),
            jobs,
            progress: terminal && !self.quiet,
            max_file_bytes: self.max_file_mb << 20,
            rebuild: self.rebuild,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("cnbudget").chain(args.iter().copied()))
    }

    fn run_args(args: &[&str]) -> RunArgs {
        match parse(args).unwrap().command {
            Command::Run(a) => a,
            other => panic!("not a run: {other:?}"),
        }
    }

    #[test]
    fn run_defaults() {
        let a = run_args(&["run"]);
        assert_eq!(a.input, PathBuf::from("data/corpus"));
        assert_eq!(a.output, PathBuf::from("output"));
        assert_eq!(a.jobs, None);
        assert!(!a.strict && !a.quiet);
    }

    #[test]
    fn jobs_must_be_positive() {
        assert!(parse(&["run", "--jobs", "0"]).is_err());
        assert!(parse(&["run", "--jobs", "x"]).is_err());
        let a = run_args(&["run", "-j", "4", "--strict"]);
        assert_eq!((a.jobs, a.strict), (Some(4), true));
    }

    #[test]
    fn inspect_takes_one_file() {
        match parse(&["inspect", "r.txt", "--all-checks"]).unwrap().command {
            Command::Inspect(a) => assert!(a.file == Path::new("r.txt") && a.all_checks),
            other => panic!("{other:?}"),
        }
        assert!(parse(&["inspect"]).is_err());
    }

    #[test]
    fn config_resolves_paths_and_jobs() {
        let a = run_args(&["run", "-i", "in", "-j", "2"]);
        let c = a.into_config(true).unwrap();
        assert!(c.input.is_absolute() && c.input.ends_with("in"));
        assert_eq!(c.jobs, 2);
        assert!(c.progress);
    }
}
