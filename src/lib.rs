//! cnbudget turns Chinese government budget and final-accounts disclosures (部门预算/决算公开),
//! as text extracted from PDFs, into exact, analysis-ready Parquet datasets.
//!
//! The pipeline reads each file independently — [`discover`] → [`decode`] → [`normalize`] →
//! [`metadata`] → [`segment`] → [`tables`] → [`codes`] → [`curate`] — in parallel, and streams
//! the results in input order to the [`sink`], which publishes the output folder atomically.
//! [`run`] does all of it for a folder; [`parse_document`] does one file's part and is what
//! the tests, the benchmarks and the fuzzer call.
//!
//! ```
//! use cnbudget::{parse_document, decode::Format, vocab::Statement};
//!
//! let text = "2023年度某某中心部门决算\n\
//!             ## 2023年度支出决算表\n\
//!             部门：某某中心\n\
//!             金额单位：万元\n\
//!             功能分类科目编码\t科目名称\t本年支出合计\t基本支出\t项目支出\n\
//!             类\t栏次\t1\t2\t3\n\
//!             合 计\t\t3,087.79\t417.23\t2,670.56\n\
//!             201\t一般公共服务支出\t2,619.57\t313.93\t2,305.64\n";
//! let doc = parse_document("demo.txt", text.as_bytes(), Format::Text);
//! assert_eq!(doc.meta.fiscal_year, Some(2023));
//! assert_eq!(doc.statements, [Statement::T03]);
//! let basic: Vec<String> = doc.facts.iter()
//!     .filter(|f| f.split.as_str() == "basic")
//!     .map(|f| format!("{} {} {}", f.code.as_ref().map_or("-", |c| c.as_str()), f.amount, f.line))
//!     .collect();
//! assert_eq!(basic, ["- 417.23 7", "201 313.93 8"]);
//! ```

pub mod amount;
pub mod audit;
pub mod cache;
pub mod catalogue;
pub mod codes;
pub mod curate;
pub mod decode;
pub mod discover;
pub mod document;
pub mod error;
pub mod extract;
pub mod inspect;
pub mod lexicon;
pub mod metadata;
pub mod model;
pub mod narrative;
pub mod normalize;
pub mod reconcile;
pub mod segment;
pub mod sink;
pub mod tables;
pub mod vocab;

mod pipeline;

/// The parsers' hash maps. Their keys are a report's own codes, names and keys of a few
/// hundred facts, so aHash, several times faster than the standard SipHash on short keys.
pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;
/// The parsers' hash sets, hashed as [`FastMap`]'s keys are.
pub(crate) type FastSet<T> = std::collections::HashSet<T, ahash::RandomState>;

#[cfg(test)]
mod testing;

pub use amount::Amount;
pub use document::{parse_document, parse_file};
pub use error::{DocError, Error, Result};
pub use model::{Code, Document, Fact};
pub use pipeline::{Config, DEFAULT_MAX_FILE_BYTES, RunSummary, run};

/// Version of the parsing rules: the crate version and a hash of the sources and bundled
/// reference that decide what a report parses into (build.rs). Recorded in
/// `documents.parser_version`, and the key of the cache: any change to the rules re-parses
/// every file.
pub const PARSER_VERSION: &str = concat!("cnbudget-", env!("CARGO_PKG_VERSION"), "/", env!("CNBUDGET_RULES_HASH"));
