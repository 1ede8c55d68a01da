//! The bundled classification reference (`data/reference/*.csv`), compiled into the binary.
//!
//! Takes nothing at run time; gives one [`CodeBook`] per dimension and edition (fiscal year),
//! and [`Reference::books`], the books to try for a report of a given year, nearest edition
//! first. The reference was built from the code–name pairs that the sample reports print
//! (data/reference/README.md): it stands in for the official 政府收支分类科目, which could not
//! be obtained as a file.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use crate::model::Code;
use crate::vocab::Dimension;

use super::book::CodeBook;

const FUNCTIONAL: &str = include_str!("../../data/reference/functional.csv");
const ECONOMIC: &str = include_str!("../../data/reference/economic.csv");

/// One reference row: `edition,code,level,name,parent,source_file,source_line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub edition: i16,
    pub code: Code,
    pub name: String,
    pub source_file: String,
    pub source_line: u32,
}

/// Parses a reference file; a malformed row is skipped (the reference test checks there is
/// none).
pub fn entries(csv: &str) -> Vec<Entry> {
    csv.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            let [edition, code, _level, name, _parent, source_file, source_line] = f.as_slice() else {
                return None;
            };
            Some(Entry {
                edition: edition.parse().ok()?,
                code: Code::parse(code)?,
                name: name.to_string(),
                source_file: source_file.to_string(),
                source_line: source_line.parse().ok()?,
            })
        })
        .collect()
}

/// The functional and economic books, by edition.
pub struct Reference {
    functional: BTreeMap<i16, CodeBook>,
    economic: BTreeMap<i16, CodeBook>,
}

fn by_edition(csv: &str) -> BTreeMap<i16, CodeBook> {
    let mut books: BTreeMap<i16, CodeBook> = BTreeMap::new();
    for e in entries(csv) {
        books.entry(e.edition).or_default().insert(&e.code, &e.name);
    }
    books
}

/// The reference, parsed once.
pub static REFERENCE: LazyLock<Reference> =
    LazyLock::new(|| Reference { functional: by_edition(FUNCTIONAL), economic: by_edition(ECONOMIC) });

impl Reference {
    /// The books of a dimension, the report's own edition first, then the nearest ones
    /// (earlier before later at equal distance). Without a year, newest first.
    pub fn books(&self, dimension: Dimension, year: Option<i16>) -> Vec<&CodeBook> {
        let map = match dimension {
            Dimension::Economic => &self.economic,
            _ => &self.functional,
        };
        let mut editions: Vec<(&i16, &CodeBook)> = map.iter().collect();
        match year {
            Some(y) => editions.sort_by_key(|(e, _)| ((**e - y).abs(), **e > y)),
            None => editions.reverse(),
        }
        editions.into_iter().map(|(_, b)| b).collect()
    }

    /// True when some edition lists the code.
    pub fn knows(&self, dimension: Dimension, code: &Code) -> bool {
        self.books(dimension, None).iter().any(|b| b.contains(code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::book::Found;

    #[test]
    fn every_row_parses() {
        for csv in [FUNCTIONAL, ECONOMIC] {
            assert_eq!(entries(csv).len(), csv.lines().count() - 1);
        }
    }

    #[test]
    fn nearest_edition_first() {
        let books = REFERENCE.books(Dimension::Function, Some(2024));
        assert!(books.len() >= 3);
        assert!(books[0].contains(&Code::parse("201").unwrap()));
        let found = books[0].find("一般公共服务支出", Some(1), &[]);
        assert_eq!(found, Found::One(Code::parse("201").unwrap()));
    }
}
