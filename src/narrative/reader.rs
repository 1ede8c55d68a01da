//! Clauses to facts.
//!
//! Takes the blocks of the in-scope prose, one at a time; gives a fact for every amount whose
//! subject it can name, with the fund scope, split and measure that the section, the subject
//! and the measure words give it. A clause without a subject of its own (`支出决算为 X`,
//! `金额为 X`) takes the one named last in the block — also by a clause without an amount,
//! such as a 类/款/项 path sentence. A clause about a change, a share or an excluded matter
//! gives nothing, and so does the rest of a sentence once it explains (`主要原因是…`) or lists
//! what money is used for (`主要用于…`).

use std::collections::VecDeque;

use crate::codes::book::Found;
use crate::codes::reference::REFERENCE;
use crate::model::{Diagnostic, Fact, Meta, Parsed};
use crate::normalize::clean_name;
use crate::vocab::{Dimension, FundScope, Measure, Phase, Statement, Unit};

use super::outline::{Block, Context};
use super::path::{Glossary, Path, ending_path};
use super::tokens::{After, Number, Token, tokens};
use super::words::{self, Lead, Subject};

/// Reads blocks; keeps what one block tells the next.
pub struct Reader<'a> {
    phase: Phase,
    unit: Unit,
    year: Option<i16>,
    glossary: &'a Glossary,
    /// The fund scope the last total named: items listed after `财政拨款支出主要内容如下`
    /// in prose whose sections name no scope.
    list_scope: Option<FundScope>,
    out: Parsed,
}

/// What a block remembers while it is read.
#[derive(Default)]
struct Item {
    subject: Option<Subject>,
    /// After 人员经费 / 公用经费: the names that follow are economic items.
    economic_list: bool,
}

/// What a sentence remembers.
#[derive(Default)]
struct Sentence {
    /// An explanation or a list of uses has begun: the rest says nothing to record.
    skip: bool,
    /// The last subject named in it.
    previous: Option<Subject>,
    /// The last 类/款/项 item named with its marker: bare names listed with it are its peers.
    mate: Option<Subject>,
    /// Subjects still owed an amount after `收、支分别为`.
    owed: VecDeque<Subject>,
}

impl<'a> Reader<'a> {
    pub fn new(meta: &Meta, glossary: &'a Glossary) -> Reader<'a> {
        Reader {
            phase: meta.phase.unwrap_or(Phase::Final),
            unit: meta.unit.unwrap_or(Unit::Wan),
            year: meta.fiscal_year,
            glossary,
            list_scope: None,
            out: Parsed::default(),
        }
    }

    pub fn finish(self) -> Parsed {
        self.out
    }

    /// Reads one block.
    pub fn block(&mut self, block: &Block) {
        let text = block.flow.text();
        let mut item = Item::default();
        let mut sentence = Sentence::default();
        let mut clause_start = 0;
        let mut lead_start = 0;
        let mut clause_has_amount = false;
        for token in tokens(text) {
            match token {
                Token::Comma(at) | Token::Stop(at) => {
                    let clause = text.get(clause_start..at).unwrap_or("");
                    if clause_has_amount {
                        let tail = text.get(lead_start..at).unwrap_or("");
                        sentence.skip |= explains(tail);
                    } else {
                        self.clause_without_amount(clause, block.context, &mut item, &mut sentence);
                    }
                    clause_start = next_char(text, at);
                    lead_start = clause_start;
                    clause_has_amount = false;
                    if matches!(token, Token::Stop(_)) {
                        sentence = Sentence::default();
                    }
                }
                Token::Number(n) => match n.after {
                    After::Word => {}
                    After::Percent => lead_start = n.end,
                    After::Money(_) | After::Nothing => {
                        let clause = text.get(clause_start..n.start).unwrap_or("");
                        let lead = text.get(lead_start..n.start).unwrap_or("");
                        if self.amount(block, n, clause, lead, &mut item, &mut sentence) {
                            lead_start = n.end;
                            clause_has_amount = true;
                        }
                    }
                },
            }
        }
        if !clause_has_amount {
            let clause = text.get(clause_start..).unwrap_or("");
            self.clause_without_amount(clause, block.context, &mut item, &mut sentence);
        }
    }

    /// A clause that states no amount may still name the subject of the next ones, or end
    /// what the sentence records.
    fn clause_without_amount(&mut self, clause: &str, ctx: Context, item: &mut Item, sentence: &mut Sentence) {
        if sentence.skip {
            return;
        }
        if explains(clause) || lists_uses(clause) {
            sentence.skip = true;
            return;
        }
        let head = clause.split("主要").next().unwrap_or("");
        let label = words::bare_label(head);
        let subject = if ctx.three_public {
            words::three_public(&label)
        } else {
            ending_path(&label).map(function).or_else(|| words::fixed(&label, self.phase))
        };
        if let Some(s) = subject {
            self.remember(s, item, sentence);
        }
    }

    /// Reads one number with the words before it; false when it is not an amount at all (a
    /// bare number that is no stated zero), so that its words still lead to the next one.
    fn amount(
        &mut self,
        block: &Block,
        n: Number,
        clause: &str,
        lead: &str,
        item: &mut Item,
        sentence: &mut Sentence,
    ) -> bool {
        let l = words::lead(lead, self.phase);
        if n.after == After::Nothing && !(n.amount.is_zero() && l.copula) {
            return false;
        }
        if sentence.skip || n.estimate {
            return true;
        }
        if explains(clause) || lists_uses(clause) {
            sentence.skip = true;
            return true;
        }
        if words::is_not_a_figure(clause) {
            return true;
        }
        let Some(subject) = self.subject(&l, block.context, item, sentence) else {
            if l.label.is_empty() {
                let (line, _) = block.flow.origin(n.start);
                self.out.diagnostics.push(Diagnostic::new(line, format!("narrative: {} with no subject", n.amount)));
            }
            return true;
        };
        self.remember(subject.clone(), item, sentence);
        self.emit(block, n, &subject, &l);
        true
    }

    /// The subject of an amount: its own label's, a part owed by `分别为`, or the last one named.
    fn subject(&self, l: &Lead, ctx: Context, item: &mut Item, sentence: &mut Sentence) -> Option<Subject> {
        let label = l.label.as_str();
        if label.is_empty()
            && let Some(s) = sentence.owed.pop_front()
        {
            return Some(s);
        }
        if let Some(s) = sentence.previous.as_ref().and_then(|p| words::other_side(label, p)) {
            return Some(s);
        }
        if words::is_anaphoric(label) {
            return item.subject.clone();
        }
        if l.respectively
            && let Some(mut parts) = words::compound_parts(label).map(VecDeque::from)
        {
            let first = parts.pop_front();
            sentence.owed = parts;
            return first;
        }
        let found = self.classify(label, ctx, item, sentence);
        if found.is_none() {
            // An unknown subject (a named project): what follows it is not the last one's.
            item.subject = None;
        }
        found
    }

    fn classify(&self, label: &str, ctx: Context, item: &Item, sentence: &Sentence) -> Option<Subject> {
        if ctx.three_public || label.contains("三公") {
            let tp = words::three_public(label);
            if tp.is_some() || ctx.three_public {
                return tp;
            }
        }
        if let Some(p) = ending_path(label) {
            return Some(function(p));
        }
        if let Some(s) = words::fixed(label, self.phase) {
            return Some(s);
        }
        if !words::is_name_like(label) {
            return None;
        }
        let name = clean_name(label);
        if item.economic_list {
            return Some(self.economic(name));
        }
        if let Some(m) = &sentence.mate {
            return Some(Subject { name, path: m.path.clone(), ..m.clone() });
        }
        if let Some(p) = self.glossary.find(&name) {
            return Some(Subject { name, ..function(p.clone()) });
        }
        self.reference_level(Dimension::Function, &name).map(|level| Subject::new(Dimension::Function, level, name))
    }

    /// An economic item, at the level the reference gives its name (a 款 when unknown: the
    /// items listed under 人员经费 / 公用经费 are 款).
    fn economic(&self, name: String) -> Subject {
        let level = self.reference_level(Dimension::Economic, &name).unwrap_or(2);
        Subject::new(Dimension::Economic, level, name)
    }

    /// The level the bundled reference gives a name, when it gives one.
    fn reference_level(&self, dimension: Dimension, name: &str) -> Option<u8> {
        REFERENCE.books(dimension, self.year).into_iter().find_map(|b| match b.find(name, None, &[]) {
            Found::One(code) => Some(code.level()),
            _ => None,
        })
    }

    fn remember(&mut self, s: Subject, item: &mut Item, sentence: &mut Sentence) {
        if s.opens_economic_list() {
            item.economic_list = true;
        } else if s.dimension == Dimension::Total {
            item.economic_list = false;
            self.list_scope = s.scope;
        }
        if s.dimension == Dimension::Function {
            sentence.mate = Some(s.clone());
        }
        sentence.previous = Some(s.clone());
        item.subject = Some(s);
    }

    fn emit(&mut self, block: &Block, n: Number, s: &Subject, l: &Lead) {
        let unit = match n.after {
            After::Money(u) => u,
            _ => self.unit,
        };
        // A stated zero is a fact only for a function item or a 三公 item.
        if n.amount.is_zero() && !matches!(s.dimension, Dimension::Function | Dimension::ThreePublic) {
            return;
        }
        let (line, page) = block.flow.origin(n.start);
        if n.amount.to_yuan(unit).is_none() {
            self.out.diagnostics.push(Diagnostic::new(line, format!("narrative: {} cannot be held exactly", n.amount)));
            return;
        }
        let fund_scope = block.context.scope.unwrap_or_else(|| match s.dimension {
            Dimension::Total => s.scope.unwrap_or(FundScope::All),
            Dimension::ThreePublic => FundScope::Fiscal,
            _ => self.list_scope.unwrap_or(FundScope::All),
        });
        let split = match (s.dimension, block.context.focus) {
            (Dimension::Function, Some(focus)) => focus,
            _ => s.split,
        };
        let default = [self.default_measure()];
        let measures: &[Measure] = if l.measures.is_empty() { &default } else { &l.measures };
        for &measure in measures {
            self.out.facts.push(Fact {
                statement: Statement::Narrative,
                fund_scope,
                dimension: s.dimension,
                code: None,
                code_source: None,
                level: s.level,
                name: s.name.clone(),
                path: s.path.clone(),
                split,
                measure,
                amount: n.amount,
                unit,
                line,
                page,
            });
        }
    }

    fn default_measure(&self) -> Measure {
        match self.phase {
            Phase::Final => Measure::Final,
            Phase::Budget => Measure::Budget,
        }
    }
}

fn function(p: Path) -> Subject {
    Subject { path: p.ancestors, ..Subject::new(Dimension::Function, p.level, p.name) }
}

/// `主要原因是…`: the rest of the sentence explains, it states no figure of its own.
fn explains(clause: &str) -> bool {
    clause.contains("原因")
}

/// `项目支出主要用于…`: what follows names projects. `主要用于以下方面：` introduces the
/// function classes instead.
fn lists_uses(clause: &str) -> bool {
    clause.contains("用于") && !clause.contains("以下方面") && !clause.contains("如下")
}

fn next_char(text: &str, at: usize) -> usize {
    text.get(at..).and_then(|s| s.chars().next()).map_or(at, |c| at + c.len_utf8())
}
