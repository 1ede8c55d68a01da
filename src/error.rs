//! Errors that stop a run, and the reasons a single document is not read.
//!
//! Takes I/O and Parquet failures; gives [`Error`], which always names the path involved.
//! A bad document is never an [`Error`]: it becomes a [`DocError`], whose one-line message is
//! written to `documents.error`, and the run goes on.

use std::io;
use std::path::PathBuf;

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failure of the run itself: nothing is published.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input folder is missing or unreadable.
    #[error("cannot read input {}: {source}", path.display())]
    Input { path: PathBuf, source: io::Error },
    /// Creating, writing or renaming something under the output folder failed.
    #[error("cannot write {}: {source}", path.display())]
    Output { path: PathBuf, source: io::Error },
    /// The Parquet or Arrow writer refused a batch.
    #[error("cannot write parquet {}: {source}", path.display())]
    Parquet { path: PathBuf, source: parquet::errors::ParquetError },
    /// The output path is an existing folder that a cnbudget run did not write.
    #[error("output {} exists and is not a cnbudget output (it has no run.json): refusing to replace it", path.display())]
    NotAnOutput { path: PathBuf },
    /// Another run holds the output's lock.
    #[error("output {} is in use by another cnbudget run (lock {})", output.display(), lock.display())]
    Locked { output: PathBuf, lock: PathBuf },
    /// The worker pool could not be started.
    #[error("cannot start {jobs} worker threads: {message}")]
    ThreadPool { jobs: usize, message: String },
    /// The thread that writes the datasets panicked: a bug, and nothing is published.
    #[error("internal error: the dataset writer panicked (a cnbudget bug, please report it): {message}")]
    WriterPanicked { message: String },
}

impl Error {
    /// [`Error::WriterPanicked`] for the payload of the writer thread's panic (what
    /// `JoinHandle::join` gives), with its message when the panic had one.
    pub(crate) fn writer_panicked(payload: &(dyn std::any::Any + Send)) -> Error {
        let message = panic_message(payload).unwrap_or_else(|| "(a panic without a message)".to_string());
        Error::WriterPanicked { message }
    }
}

/// The message of a panic's payload (what `catch_unwind` or `JoinHandle::join` gives), when
/// it had one: `panic!` with a literal gives a `&str`, with a format a `String`.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> Option<String> {
    payload.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| payload.downcast_ref::<String>().cloned())
}

/// Why one input file was not read. The `Display` text is the `documents.error` reason.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocError {
    #[error("empty file")]
    Empty,
    #[error("cannot read file: {0}")]
    Unreadable(String),
    #[error("binary file, not text ({0})")]
    Binary(&'static str),
    #[error("unknown text encoding: not UTF-8, UTF-16 or GB18030 (first bad byte at offset {offset})")]
    UnknownEncoding { offset: usize },
    /// A UTF-8 byte-order mark, then bytes that are not UTF-8.
    #[error("invalid UTF-8 after a UTF-8 byte-order mark (first bad byte at offset {offset})")]
    InvalidUtf8AfterBom { offset: usize },
    /// UTF-16 (`UTF-16LE` or `UTF-16BE`), announced by a byte-order mark or, without one,
    /// guessed from the NUL bytes of its ASCII characters, that is not well formed.
    #[error(
        "invalid {encoding} {}: {fault}",
        if *bom { "after its byte-order mark" } else { "(guessed from its NUL bytes, no byte-order mark)" }
    )]
    InvalidUtf16 { encoding: &'static str, bom: bool, fault: Utf16Fault },
    #[error("invalid page-array JSON: {0}")]
    InvalidJson(String),
    #[error("not a budget or final-accounts report: no statement titles and no budget figures found")]
    NotAReport,
    #[error("pdftotext not found: install poppler-utils (or set CNBUDGET_PDFTOTEXT)")]
    PdfToolMissing,
    #[error("cannot extract the PDF's text: {0}")]
    PdfUnreadable(String),
    #[error("no text layer: needs OCR (the PDF holds only images of its pages)")]
    NoTextLayer,
    #[error("same report as {0}, which is read instead")]
    Duplicate(String),
    #[error("file too large: {} MiB (the limit is {} MiB; raise it with --max-file-mb)", bytes >> 20, limit >> 20)]
    TooLarge { bytes: u64, limit: u64 },
}

/// The first thing wrong with a UTF-16 text. Offsets count the file's bytes, its
/// byte-order mark included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Utf16Fault {
    /// A high surrogate not followed by a low one, or a low one not preceded by a high one.
    #[error("unpaired surrogate at offset {offset}")]
    UnpairedSurrogate { offset: usize },
    /// Every character is two or four bytes: a file of `bytes` bytes, odd, ends in half of one.
    #[error("odd length ({bytes} bytes), the last byte is half a code unit")]
    OddLength { bytes: usize },
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `join` gives for a thread that panicked with `f`.
    fn payload_of(f: fn()) -> Box<dyn std::any::Any + Send> {
        std::thread::spawn(f).join().unwrap_err()
    }

    #[test]
    fn a_writer_panic_is_its_own_error_with_its_message() {
        let formatted = Error::writer_panicked(&*payload_of(|| panic!("row group {} too large", 3)));
        assert!(matches!(&formatted, Error::WriterPanicked { message } if message == "row group 3 too large"));
        assert_eq!(
            formatted.to_string(),
            "internal error: the dataset writer panicked (a cnbudget bug, please report it): row group 3 too large"
        );
        let literal = Error::writer_panicked(&*payload_of(|| panic!("static message")));
        assert!(matches!(&literal, Error::WriterPanicked { message } if message == "static message"));
        let other = Error::writer_panicked(&*payload_of(|| std::panic::panic_any(42_u8)));
        assert!(matches!(&other, Error::WriterPanicked { message } if message == "(a panic without a message)"));
    }
}
