//! Codes learned from the other reports of a run (`code_source = corpus`).
//!
//! Takes, in a first pass, the code–name pairs every document of the run prints
//! ([`CorpusIndex::learn`]); gives, in the second, codes for the rows a document could not
//! resolve from itself or from the bundled reference ([`fill`]), looked up by name, level and
//! 类/款/项 path exactly as the reference is, nearest fiscal year first. It is the last resort:
//! a row it cannot resolve keeps its NULL code and its note. Does not change a code that is
//! already set.

use std::collections::BTreeMap;

use crate::model::{Document, Fact};
use crate::vocab::{CodeSource, Dimension};

use super::book::{CodeBook, Found};
use super::{has_enough_path, needs_code};

/// The codes the run's reports print, by dimension and fiscal year.
#[derive(Debug, Default)]
pub struct CorpusIndex {
    functional: BTreeMap<Option<i16>, CodeBook>,
    economic: BTreeMap<Option<i16>, CodeBook>,
}

impl CorpusIndex {
    /// Adds the pairs one document prints.
    pub fn learn(&mut self, doc: &Document) {
        let year = doc.meta.fiscal_year;
        for f in &doc.facts {
            if let (Some(code), Some(CodeSource::Printed)) = (&f.code, f.code_source) {
                let books = match f.dimension {
                    Dimension::Function => &mut self.functional,
                    Dimension::Economic => &mut self.economic,
                    _ => continue,
                };
                books.entry(year).or_default().insert(code, &f.name);
            }
        }
    }

    /// The books of a dimension, the report's own year first, then the nearest.
    fn books(&self, dimension: Dimension, year: Option<i16>) -> Vec<&CodeBook> {
        let map = if dimension == Dimension::Economic { &self.economic } else { &self.functional };
        let mut books: Vec<(&Option<i16>, &CodeBook)> = map.iter().collect();
        books.sort_by_key(|(y, _)| match (y, year) {
            (Some(a), Some(b)) => ((i32::from(*a) - i32::from(b)).abs(), *a > b),
            _ => (i32::MAX, false),
        });
        books.into_iter().map(|(_, b)| b).collect()
    }

    fn find(&self, fact: &Fact, year: Option<i16>) -> Option<crate::model::Code> {
        self.books(fact.dimension, year).into_iter().find_map(|b| match b.find(&fact.name, fact.level, &fact.path) {
            Found::One(code) => Some(code),
            _ => None,
        })
    }
}

/// Gives codes from the corpus to a document's unresolved rows; drops the notes that said they
/// were unresolved. Gives true when any code was filled.
pub fn fill(doc: &mut Document, index: &CorpusIndex) -> bool {
    let year = doc.meta.fiscal_year;
    let mut filled = Vec::new();
    for fact in doc.facts.iter_mut().filter(|f| needs_code(f) && has_enough_path(f)) {
        if let Some(code) = index.find(fact, year) {
            fact.level = Some(code.level());
            fact.code = Some(code);
            fact.code_source = Some(CodeSource::Corpus);
            filled.push((fact.line, format!("{:?}", fact.name)));
        }
    }
    doc.notes.retain(|n| {
        let about = |(line, name): &(u32, String)| n.line == *line && n.message.contains(name.as_str());
        !(filled.iter().any(about) && (n.message.contains("no code") || n.message.contains("ambiguous code")))
    });
    !filled.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::model::{Code, Diagnostic, Meta};
    use crate::vocab::{Statement, Status};

    fn fact(code: Option<&str>, name: &str, path: &[&str]) -> Fact {
        let statement = if code.is_some() { Statement::T03 } else { Statement::Narrative };
        let sample = Fact::sample(statement, code, name);
        Fact { level: sample.level.or(Some(3)), path: path.iter().map(|s| s.to_string()).collect(), line: 7, ..sample }
    }

    fn doc(facts: Vec<Fact>, notes: Vec<Diagnostic>) -> Document {
        Document {
            report_id: "x".into(),
            source_file: "x.txt".into(),
            status: Status::Ok,
            error: None,
            meta: Meta { fiscal_year: Some(2023), ..Meta::default() },
            statements: vec![],
            facts,
            checks: vec![],
            notes,
            audit: Default::default(),
        }
    }

    #[test]
    fn another_report_s_printed_path_gives_the_code() {
        let mut index = CorpusIndex::default();
        index.learn(&doc(
            vec![
                fact(Some("201"), "一般公共服务支出", &[]),
                fact(Some("20113"), "商贸事务", &[]),
                fact(Some("2011308"), "招商引资", &[]),
            ],
            vec![],
        ));
        let note = Diagnostic::new(7, "narrative: no code found for \"招商引资\"");
        let mut d = doc(vec![fact(None, "招商引资", &["一般公共服务支出", "商贸事务"])], vec![note]);
        assert!(fill(&mut d, &index));
        assert_eq!(d.facts[0].code.as_ref().map(Code::as_str), Some("2011308"));
        assert_eq!(d.facts[0].code_source, Some(CodeSource::Corpus));
        assert!(d.notes.is_empty(), "the resolved row's note goes");
    }

    #[test]
    fn nothing_learned_nothing_filled() {
        let mut d = doc(vec![fact(None, "招商引资", &["一般公共服务支出", "商贸事务"])], vec![]);
        assert!(!fill(&mut d, &CorpusIndex::default()));
        assert!(d.facts[0].code.is_none());
    }
}
