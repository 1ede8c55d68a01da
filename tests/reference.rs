//! The bundled classification reference (data/reference/*.csv) is what the corpus prints:
//! every entry's code and name are on its cited line of the cited report.

use std::collections::HashMap;

use cnbudget::codes::reference::{Entry, entries};
use cnbudget::decode::{Format, decode};
use cnbudget::discover::format_of;

use crate::util::{corpus, root};

/// The lines of a corpus file, as `sed -n Np` counts them (a page-array JSON's pages joined
/// with form feeds).
fn lines_of(file: &str) -> Vec<String> {
    let path = corpus().join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = decode(&bytes, format_of(&path).unwrap_or(Format::Text)).expect("decodes");
    text.split('\n').map(|l| l.chars().filter(|c| !c.is_whitespace()).collect()).collect()
}

fn check(csv_file: &str) -> usize {
    let csv = std::fs::read_to_string(root().join("data/reference").join(csv_file)).expect("reference");
    let rows: Vec<Entry> = entries(&csv);
    assert_eq!(rows.len(), csv.lines().count() - 1, "{csv_file}: every row parses");
    let mut files: HashMap<String, Vec<String>> = HashMap::new();
    let mut bad = Vec::new();
    for e in &rows {
        let lines = files.entry(e.source_file.clone()).or_insert_with(|| lines_of(&e.source_file));
        let line = lines.get(e.source_line as usize - 1).map(String::as_str).unwrap_or("");
        let name: String = e.name.chars().filter(|c| !c.is_whitespace()).collect();
        // Codes print in one piece (2010350) or in 类/款/项 columns: both squeeze to the digits.
        if !(line.contains(e.code.as_str()) && line.contains(&name)) {
            bad.push(format!("{} {} {}:{}: {line}", e.code, e.name, e.source_file, e.source_line));
        }
    }
    assert!(bad.is_empty(), "{csv_file}: {} entries not printed where cited:\n{}", bad.len(), bad.join("\n"));
    rows.len()
}

#[test]
fn every_functional_entry_is_printed_where_it_says() {
    assert!(check("functional.csv") > 200);
}

#[test]
fn every_economic_entry_is_printed_where_it_says() {
    assert!(check("economic.csv") > 150);
}
