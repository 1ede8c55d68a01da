//! PDFs as first-class reports: each of the sample PDFs (data/pdf) gives exactly the facts of
//! its `pdftotext -layout` text in data/corpus; a PDF without text, an encrypted or a broken one
//! and a machine without the extractor each give a `failed` row with the reason; a PDF and its
//! text side by side are one report.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::util::{Dir, cnbudget, corpus, corpus_output, documents, fact_lines, fixture, root};

/// Every fact of one source file, all columns but report_id and source_file.
fn facts_of(out: &Path, file: &str) -> Vec<String> {
    let columns = [
        "department",
        "fiscal_year",
        "phase",
        "statement",
        "fund_scope",
        "dimension",
        "code",
        "code_source",
        "level",
        "name",
        "split",
        "measure",
        "amount",
        "unit",
        "amount_yuan",
        "source",
        "source_line",
        "source_page",
    ];
    fact_lines(out, file, &columns)
}

#[test]
fn every_sample_pdf_gives_the_facts_of_its_text() {
    let dir = Dir::new("pdfs");
    let pdfs: Vec<_> = fs::read_dir(root().join("data/pdf")).unwrap().flatten().map(|e| e.path()).collect();
    assert_eq!(pdfs.len(), 10);
    cnbudget(dir.path(), &["run", "-i", root().join("data/pdf").to_str().unwrap(), "-o", "out", "-q"], 0);
    let out = dir.join("out");
    for pdf in pdfs {
        let stem = pdf.file_stem().unwrap().to_str().unwrap().to_string();
        let txt = format!("{stem}.txt");
        assert!(corpus().join(&txt).is_file(), "{txt} is the PDF's text in data/corpus");
        let from_pdf = facts_of(&out, &format!("{stem}.pdf"));
        let from_txt = facts_of(corpus_output(), &txt);
        assert!(!from_txt.is_empty(), "{txt} has facts to compare");
        assert_eq!(from_pdf, from_txt, "{stem}: the PDF's facts differ from its text's");
    }
    assert!(documents(&out).iter().all(|d| d.1 == "ok"), "{:?}", documents(&out));
}

#[test]
fn pdfs_that_cannot_be_read_get_a_reason() {
    let dir = Dir::new("bad-pdfs");
    fs::create_dir(dir.join("in")).unwrap();
    for f in ["no-text-layer.pdf", "encrypted.pdf", "corrupt.pdf"] {
        fs::copy(fixture(&format!("pdf/{f}")), dir.join("in").join(f)).unwrap();
    }
    fs::copy(corpus().join("wuhan-jianghan-bigdata-2023-final.txt"), dir.join("in/good.txt")).unwrap();
    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out", "-q"], 0);
    let docs = documents(&dir.join("out"));
    let error = |f: &str| docs.iter().find(|d| d.0 == f).and_then(|d| d.2.clone()).unwrap_or_default();
    assert_eq!(error("no-text-layer.pdf"), "no text layer: needs OCR (the PDF holds only images of its pages)");
    assert_eq!(
        error("encrypted.pdf"),
        "cannot extract the PDF's text: encrypted PDF (Command Line Error: Incorrect password)"
    );
    assert!(error("corrupt.pdf").starts_with("cannot extract the PDF's text: Syntax Error"), "{docs:?}");
    assert_eq!(docs.iter().find(|d| d.0 == "good.txt").map(|d| d.1.as_str()), Some("ok"));

    // A machine without pdftotext: the reason says what to install, and the run goes on.
    let status = Command::new(env!("CARGO_BIN_EXE_cnbudget"))
        .args(["run", "-i", "in", "-o", "out2", "-q"])
        .env("CNBUDGET_PDFTOTEXT", "/nonexistent/pdftotext")
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(status.success());
    let docs = documents(&dir.join("out2"));
    for d in docs.iter().filter(|d| d.0.ends_with(".pdf")) {
        assert_eq!(d.2.as_deref(), Some("pdftotext not found: install poppler-utils (or set CNBUDGET_PDFTOTEXT)"));
    }
}

#[test]
fn a_pdf_and_its_text_are_one_report() {
    let dir = Dir::new("pdf-and-text");
    let stem = "shanghai-putuo-wanli-subdistrict-2024-budget";
    fs::create_dir(dir.join("in")).unwrap();
    fs::copy(root().join(format!("data/pdf/{stem}.pdf")), dir.join(&format!("in/{stem}.pdf"))).unwrap();
    fs::copy(corpus().join(format!("{stem}.txt")), dir.join(&format!("in/{stem}.txt"))).unwrap();
    cnbudget(dir.path(), &["run", "-i", "in", "-o", "out", "-q"], 0);
    let docs = documents(&dir.join("out"));
    assert_eq!(
        docs,
        [
            (format!("{stem}.pdf"), "ok".to_string(), None),
            (
                format!("{stem}.txt"),
                "skipped".to_string(),
                Some(format!("same report as {stem}.pdf, which is read instead"))
            ),
        ]
    );
    assert!(facts_of(&dir.join("out"), &format!("{stem}.txt")).is_empty());
}
