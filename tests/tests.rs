//! cnbudget's integration tests: one test binary, so that the 2-core CI links once.
//!
//! - `util`: fixture paths, per-test temp dirs, running the binary, reading Parquet back.
//! - `gold`: the gold key as a conformance suite, one test per (report, statement).
//! - `scores`: each report's recall and precision against the thresholds the issues set.
//! - `output_contract`: the datasets' columns and types, spelled out by hand from docs/schema.md.
//! - `checks`: the reports' own arithmetic: documented defects fail, the rest passes.
//! - `evidence`: `confirmed` figures are exactly the gold's; gold figures in a holding
//!   identity are confirmed; the self-audit's coverage and the README's triage query.
//! - `codes`: every gold figure found carries gold's code (none invented).
//! - `cli`: exit codes, `--help`, bad input, determinism and atomic publishing.
//! - `hostile`: broken and hostile input, one test each.
//! - `crash`: SIGKILL at several points of a run, and two runs on one output.
//! - `incremental`: nightly runs re-parse only what changed, and equal a full rebuild.
//! - `consumers`: DuckDB, polars and pyarrow (Python) read the output as users do.
//! - `pdf`: PDFs read through pdftotext equal their text; unreadable PDFs get a reason.
//! - `reference`: the bundled code reference is printed where it says, in the corpus.
//! - `samples`: every sample report reads ok, with the statements it prints and only its
//!   documented defects as non-passing checks.
//! - `wild`: four reports of other provinces with hand-built keys: confirmed figures exact,
//!   coverage stated.

mod util;

mod checks;
mod cli;
mod codes;
mod consumers;
mod crash;
mod evidence;
mod gold;
mod hostile;
mod incremental;
mod output_contract;
mod pdf;
mod reference;
mod samples;
mod scores;
mod wild;
