//! PDF to text, with poppler's `pdftotext -layout`.
//!
//! Takes a PDF's bytes; gives the text `pdftotext -layout - -` writes for it (pages ended by
//! a form feed, columns as runs of spaces: the same text as the `.txt` reports of the sample
//! corpus), or the one-line reason there is none: the tool is not installed, the PDF is
//! encrypted or broken, it has no text layer (scanned pages need OCR), or extraction took too
//! long. Runs one `pdftotext` process per file, fed through a pipe, inside the caller's worker
//! thread. Does not read the text.

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::error::DocError;

/// The extractor (override with `CNBUDGET_PDFTOTEXT`, e.g. for a poppler outside `PATH`).
fn program() -> String {
    std::env::var("CNBUDGET_PDFTOTEXT").unwrap_or_else(|_| "pdftotext".to_string())
}

/// Longest a single PDF may take.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Extracts the text layer of a PDF.
pub fn pdf_text(pdf: &[u8]) -> Result<String, DocError> {
    let mut child = Command::new(program())
        .args(["-layout", "-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DocError::PdfToolMissing,
            _ => DocError::PdfUnreadable(format!("cannot start pdftotext: {e}")),
        })?;
    // Feed and drain on their own threads, so that neither pipe can fill up and stall.
    let mut stdin = child.stdin.take();
    let input = pdf.to_vec();
    let feeder = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            let _ = s.write_all(&input);
        }
    });
    let (finished, output_closed) = mpsc::channel();
    let stdout = child.stdout.take().map(|r| drain(r, Some(finished)));
    let stderr = child.stderr.take().map(|r| drain(r, None));
    let status = wait(&mut child, &output_closed)?;
    let _ = feeder.join();
    let text = stdout.and_then(|h| h.join().ok()).unwrap_or_default();
    let errors = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
    if !status.success() {
        return Err(refusal(&String::from_utf8_lossy(&errors)));
    }
    let text = String::from_utf8(text)
        .map_err(|_| DocError::PdfUnreadable("pdftotext wrote text that is not UTF-8".into()))?;
    if text.trim().is_empty() {
        return Err(DocError::NoTextLayer);
    }
    Ok(text)
}

/// Reads a pipe to its end on a thread of its own; says so on `finished`, if given.
fn drain<R: std::io::Read + Send + 'static>(
    mut r: R,
    finished: Option<mpsc::Sender<()>>,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        if let Some(f) = finished {
            let _ = f.send(());
        }
        buf
    })
}

/// Waits for pdftotext to end, no longer than [`TIMEOUT`]. It closes its output as it exits,
/// so the wait is on that (no polling, which cost up to a poll interval per file).
fn wait(
    child: &mut std::process::Child,
    output_closed: &mpsc::Receiver<()>,
) -> Result<std::process::ExitStatus, DocError> {
    if let Err(mpsc::RecvTimeoutError::Timeout) = output_closed.recv_timeout(TIMEOUT) {
        let _ = child.kill();
        let _ = child.wait();
        return Err(DocError::PdfUnreadable(format!("pdftotext took more than {} s", TIMEOUT.as_secs())));
    }
    child.wait().map_err(|e| DocError::PdfUnreadable(format!("waiting for pdftotext: {e}")))
}

/// Why pdftotext refused, from its first error line.
fn refusal(stderr: &str) -> DocError {
    let lines: Vec<&str> = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let first = lines.iter().find(|l| l.contains("Error")).or(lines.first()).copied().unwrap_or("no message");
    if first.contains("password") || first.contains("ncrypt") {
        DocError::PdfUnreadable(format!("encrypted PDF ({first})"))
    } else {
        DocError::PdfUnreadable(first.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_are_named_by_their_first_line() {
        let e = refusal("Syntax Warning: x\nSyntax Error: Couldn't find trailer dictionary\n");
        assert_eq!(e.to_string(), "cannot extract the PDF's text: Syntax Error: Couldn't find trailer dictionary");
        let e = refusal("Command Line Error: Incorrect password\n");
        assert_eq!(
            e.to_string(),
            "cannot extract the PDF's text: encrypted PDF (Command Line Error: Incorrect password)"
        );
    }
}
