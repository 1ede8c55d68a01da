//! Classification codes for rows that do not print a usable one.
//!
//! Takes one document's facts and its fiscal year; fills `code`, `code_source` and `level`
//! of function and economic rows, and gives notes for what it changed or could not resolve.
//! In order: a printed code that OCR misread is corrected when name and arithmetic agree
//! ([`misread`]); a statement printed without a code column is aligned with a sibling that
//! prints codes ([`align`], `sibling_table`); then a row's name, level and 类/款/项 path are
//! looked up first in the codes the report itself prints (`sibling_table`), then in the
//! bundled reference (`standard`, [`mod@reference`]). A row that fits two codes is ambiguous and
//! stays without one. Once the whole run is read, [`corpus`] tries what is left against the
//! codes the other reports print (`corpus`). Does not change a printed code otherwise.

pub mod align;
pub mod book;
pub mod corpus;
pub mod misread;
pub mod reference;

use crate::model::{Code, Diagnostic, Fact};
use crate::vocab::{CodeSource, Dimension};

use book::{CodeBook, Found};
pub use misread::Correction;
use reference::REFERENCE;

/// What resolution did to a document.
#[derive(Debug, Default)]
pub struct Resolution {
    pub notes: Vec<Diagnostic>,
    pub corrections: Vec<Correction>,
}

/// Resolves a document's codes.
pub fn resolve(facts: &mut [Fact], year: Option<i16>) -> Resolution {
    let corrections = misread::correct(facts, year);
    let mut notes: Vec<Diagnostic> = corrections
        .iter()
        .map(|c| {
            let kids: Vec<&str> = c.children.iter().map(Code::as_str).collect();
            Diagnostic::new(
                c.line,
                format!(
                    "{}: printed code {} read as {} ({}): the name is {}'s and {} add up to it",
                    c.statement,
                    c.printed,
                    c.corrected,
                    c.name,
                    c.corrected,
                    kids.join(" + ")
                ),
            )
        })
        .collect();
    align::align(facts);
    notes.extend(by_name(facts, year));
    Resolution { notes, corrections }
}

/// The codes a document prints, as books by dimension.
fn printed_books(facts: &[Fact]) -> (CodeBook, CodeBook) {
    let (mut functional, mut economic) = (CodeBook::default(), CodeBook::default());
    for f in facts {
        if let (Some(code), Some(CodeSource::Printed)) = (&f.code, f.code_source) {
            match f.dimension {
                Dimension::Function => functional.insert(code, &f.name),
                Dimension::Economic => economic.insert(code, &f.name),
                _ => {}
            }
        }
    }
    (functional, economic)
}

/// Looks every uncoded row up by name (and path): the report's own codes first, then the
/// reference's editions, nearest first.
fn by_name(facts: &mut [Fact], year: Option<i16>) -> Vec<Diagnostic> {
    let (functional, economic) = printed_books(facts);
    let mut notes = Vec::new();
    for fact in facts.iter_mut().filter(|f| needs_code(f)) {
        if !has_enough_path(fact) {
            notes.push(Diagnostic::new(
                fact.line,
                format!("{}: no code for {:?}: its 类/款 path is not printed", fact.statement, fact.name),
            ));
            continue;
        }
        let own = if fact.dimension == Dimension::Economic { &economic } else { &functional };
        let mut ambiguous = None;
        let tries = std::iter::once((own, CodeSource::SiblingTable))
            .chain(REFERENCE.books(fact.dimension, year).into_iter().map(|b| (b, CodeSource::Standard)));
        for (book, source) in tries {
            match book.find(&fact.name, fact.level, &fact.path) {
                Found::One(code) => {
                    fact.level = Some(code.level());
                    fact.code = Some(code);
                    fact.code_source = Some(source);
                    ambiguous = None;
                    break;
                }
                Found::Ambiguous(codes) => {
                    ambiguous.get_or_insert(codes);
                }
                Found::None => {}
            }
        }
        if fact.code.is_some() {
            continue;
        }
        let message = match ambiguous {
            Some(codes) => {
                let list: Vec<&str> = codes.iter().map(Code::as_str).collect();
                format!("{}: ambiguous code for {:?}: {}", fact.statement, fact.name, list.join(" or "))
            }
            None => format!("{}: no code found for {:?}", fact.statement, fact.name),
        };
        notes.push(Diagnostic::new(fact.line, message));
    }
    notes
}

fn needs_code(f: &Fact) -> bool {
    matches!(f.dimension, Dimension::Function | Dimension::Economic)
        && f.code.is_none()
        && f.level != Some(0)
        && !f.name.is_empty()
}

/// A functional 款 or 项 is looked up by its path, never by its leaf name alone: the same
/// name (`事业运行`) sits under many 款, and a book knows only some of them.
fn has_enough_path(f: &Fact) -> bool {
    f.dimension == Dimension::Economic || f.level == Some(1) || !f.path.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::vocab::Statement;

    fn fact(statement: Statement, code: Option<&str>, level: Option<u8>, name: &str, path: &[&str]) -> Fact {
        Fact { level, path: path.iter().map(|s| s.to_string()).collect(), ..Fact::sample(statement, code, name) }
    }

    fn code_of(f: &Fact) -> (Option<&str>, Option<CodeSource>) {
        (f.code.as_ref().map(Code::as_str), f.code_source)
    }

    #[test]
    fn the_report_itself_comes_before_the_reference() {
        let mut facts = vec![
            fact(Statement::T03, Some("221"), Some(1), "住房保障支出", &[]),
            fact(Statement::T01, None, Some(1), "住房保障支出", &[]),
        ];
        let r = resolve(&mut facts, Some(2023));
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        assert_eq!(code_of(&facts[1]), (Some("221"), Some(CodeSource::SiblingTable)));
    }

    #[test]
    fn a_narrative_path_resolves_in_the_reference() {
        let mut facts = vec![fact(
            Statement::Narrative,
            None,
            Some(3),
            "事业运行",
            &["一般公共服务支出", "政府办公厅（室）及相关机构事务"],
        )];
        resolve(&mut facts, Some(2023));
        assert_eq!(code_of(&facts[0]), (Some("2010350"), Some(CodeSource::Standard)));
    }

    #[test]
    fn a_leaf_without_its_path_is_not_looked_up() {
        let mut facts = vec![fact(Statement::Narrative, None, Some(3), "事业运行", &[])];
        let r = resolve(&mut facts, Some(2023));
        assert!(facts[0].code.is_none());
        assert!(r.notes[0].message.contains("path is not printed"), "{:?}", r.notes);
    }

    #[test]
    fn two_codes_for_one_path_are_ambiguous_and_say_so() {
        let mut facts = vec![
            fact(Statement::T03, Some("20899"), Some(2), "其他社会保障和就业支出", &[]),
            fact(Statement::T03, Some("2089999"), Some(3), "其他社会保障和就业支出", &[]),
            fact(Statement::Narrative, None, None, "其他社会保障和就业支出", &["社会保障和就业支出"]),
        ];
        let r = resolve(&mut facts, Some(2023));
        assert!(facts[2].code.is_none());
        assert!(r.notes[0].message.contains("20899 or 2089999"), "{:?}", r.notes);
    }
}
