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
use crate::model::{Code, Diagnostic, Fact, Meta, Parsed};
use crate::normalize::clean_name;
use crate::vocab::{CodeSource, Dimension, Evidence, FundScope, Measure, Phase, Split, Statement, Unit};

use super::outline::Block;
use super::path::{Glossary, Path, ending_path};
use super::tokens::{After, Number, Token, tokens};
use super::words::{self, Lead, Subject};

/// Reads blocks; keeps what one block tells the next.
pub struct Reader<'a> {
    phase: Phase,
    unit: Option<Unit>,
    year: Option<i16>,
    glossary: &'a Glossary,
    /// The fund scope the last total named: items listed after `财政拨款支出主要内容如下`
    /// in prose whose sections name no scope.
    list_scope: Option<FundScope>,
    /// The fund scope the 三公经费 total's sentence named (`一般公共预算“三公”经费`): its
    /// items take it, whatever their section's heading says.
    three_public_scope: Option<FundScope>,
    out: Parsed,
}

/// What a sentence remembers.
#[derive(Default)]
struct Sentence {
    /// An explanation or a list of uses has begun: the rest says nothing to record.
    skip: bool,
    /// The last subject named in it.
    previous: Option<Subject>,
    /// The last function item named in it: bare names listed with it are its peers.
    mate: Option<Subject>,
    /// Subjects still owed an amount after `收、支分别为`.
    owed: VecDeque<Subject>,
    /// The last total it named is spending (`预算支出 X，其中：一般公共预算拨款 Y`): the
    /// sources named after it say whose money is spent.
    spending: bool,
}

/// Where the reading of a block stands.
struct Cursor<'b> {
    block: &'b Block,
    /// The last subject named in the block: a clause without its own takes it.
    subject: Option<Subject>,
    /// After 人员经费 / 公用经费: the names that follow are economic items.
    economic_list: bool,
    /// Where the amount of the 人员经费 / 公用经费 that opened the list ends: the words up to
    /// the next amount tell whether it is broken down (`主要包括：`) or has peers listed
    /// after it (`、对个人和家庭的补助`).
    economic_list_opened: Option<usize>,
    sentence: Sentence,
    /// Byte where the current clause starts.
    clause_start: usize,
    /// Byte where the words leading to the next amount start (after the last amount).
    lead_start: usize,
    clause_has_amount: bool,
}

impl<'b> Cursor<'b> {
    fn new(block: &'b Block) -> Cursor<'b> {
        Cursor {
            block,
            subject: None,
            economic_list: false,
            economic_list_opened: None,
            sentence: Sentence::default(),
            clause_start: 0,
            lead_start: 0,
            clause_has_amount: false,
        }
    }

    fn text(&self, from: usize, to: usize) -> &'b str {
        self.block.flow.text().get(from..to).unwrap_or("")
    }
}

impl<'a> Reader<'a> {
    pub fn new(meta: &Meta, glossary: &'a Glossary) -> Reader<'a> {
        Reader {
            // `parse` reads no prose without a phase.
            phase: meta.phase.unwrap_or(Phase::Final),
            unit: meta.unit,
            year: meta.fiscal_year,
            glossary,
            list_scope: None,
            three_public_scope: None,
            out: Parsed::default(),
        }
    }

    pub fn finish(self) -> Parsed {
        self.out
    }

    /// Reads one block.
    pub fn block(&mut self, block: &Block) {
        let text = block.flow.text();
        let mut c = Cursor::new(block);
        for token in tokens(text) {
            match token {
                Token::Comma(at) => self.end_clause(&mut c, at),
                Token::Stop(at) => {
                    self.end_clause(&mut c, at);
                    c.sentence = Sentence::default();
                }
                Token::Number(n) => self.number(&mut c, n),
            }
        }
        self.end_clause(&mut c, text.len());
    }

    /// At a clause's end: a clause without an amount may name the subject of the next ones;
    /// any clause may start an explanation that the rest of the sentence is part of.
    fn end_clause(&mut self, c: &mut Cursor, at: usize) {
        if c.clause_has_amount {
            c.sentence.skip |= explains(c.text(c.lead_start, at));
        } else {
            self.clause_without_amount(c, c.text(c.clause_start, at));
        }
        c.clause_start = next_char(c.block.flow.text(), at);
        c.lead_start = c.clause_start;
        c.clause_has_amount = false;
    }

    fn clause_without_amount(&mut self, c: &mut Cursor, clause: &str) {
        if c.sentence.skip {
            return;
        }
        if explains(clause) || lists_uses(clause) {
            c.sentence.skip = true;
            return;
        }
        let head = clause.split("主要").next().unwrap_or("");
        let label = words::bare_label(head);
        let subject = if c.block.context.three_public {
            words::three_public(&label)
        } else {
            ending_path(&label).map(function).or_else(|| words::fixed(&label, self.phase))
        };
        if let Some(s) = subject {
            self.remember(c, s);
        }
    }

    fn number(&mut self, c: &mut Cursor, n: Number) {
        match n.after {
            After::Word => {}
            After::Percent => c.lead_start = n.end,
            After::Money(_) | After::Nothing => {
                if self.amount(c, n) {
                    c.lead_start = n.end;
                    c.clause_has_amount = true;
                }
            }
        }
    }

    /// Reads one number with the words before it; false when it is not an amount at all (a
    /// bare number that is no stated zero), so that its words still lead to the next one.
    fn amount(&mut self, c: &mut Cursor, n: Number) -> bool {
        let l = words::lead(c.text(c.lead_start, n.start), self.phase);
        if n.after == After::Nothing && !(n.amount.is_zero() && l.copula) {
            return false;
        }
        let clause = c.text(c.clause_start, n.start);
        if c.sentence.skip || n.estimate {
            return true;
        }
        if explains(clause) || lists_uses(clause) {
            c.sentence.skip = true;
            return true;
        }
        if words::is_not_a_figure(clause) {
            return true;
        }
        if let Some(from) = c.economic_list_opened.take()
            && !words::breaks_down(c.text(from, n.start))
        {
            c.economic_list = false;
        }
        let Some(subject) = self.subject(c, &l) else {
            if l.label.is_empty() {
                let (line, _) = c.block.flow.origin(n.start);
                let unit = if let After::Money(u) = n.after { u.as_str() } else { "" };
                let message = format!("narrative: {}{unit} stated without a subject to give it", n.amount);
                self.out.diagnostics.push(Diagnostic::new(line, message));
            }
            return true;
        };
        if subject.dimension == Dimension::ThreePublic && subject.level == Some(0) {
            // The fund its sentence names (一般公共预算 or 财政拨款), read as a total's words are.
            let named = Some(words::own_scope(clause)).filter(|s| matches!(s, FundScope::Gpb | FundScope::Fiscal));
            self.three_public_scope = named.or(self.three_public_scope);
        }
        self.remember(c, subject.clone());
        if subject.opens_economic_list() {
            c.economic_list_opened = Some(n.end);
        }
        self.emit(c.block, n, &subject, &l);
        true
    }

    /// The subject of an amount: its own label's, a part owed by `分别为`, or the last one named.
    fn subject(&self, c: &mut Cursor, l: &Lead) -> Option<Subject> {
        let label = l.label.as_str();
        if label.is_empty()
            && let Some(s) = c.sentence.owed.pop_front()
        {
            return Some(s);
        }
        if let Some(s) = c.sentence.previous.as_ref().and_then(|p| words::other_side(label, p)) {
            return Some(s);
        }
        if label.is_empty()
            && let Some(s) = self.named(c, &l.before_year)
        {
            return Some(s);
        }
        if words::is_anaphoric(label) {
            return c.subject.clone();
        }
        if l.respectively
            && let Some(mut parts) = words::compound_parts(label).map(VecDeque::from)
        {
            let first = parts.pop_front();
            c.sentence.owed = parts;
            return first;
        }
        let found = self.classify(c, label);
        if found.is_none() {
            // An unknown subject (a named project): what follows it is not the last one's.
            c.subject = None;
        }
        found
    }

    /// A subject that the label names by itself — a 三公 item, a 类/款/项 path or a fixed
    /// label — and not only by its context (a bare name is a peer of the last item).
    fn named(&self, c: &Cursor, label: &str) -> Option<Subject> {
        if label.is_empty() {
            return None;
        }
        if (c.block.context.three_public || label.contains("三公"))
            && let Some(s) = words::three_public(label)
        {
            return Some(s);
        }
        ending_path(label).map(function).or_else(|| words::fixed(label, self.phase))
    }

    fn classify(&self, c: &Cursor, label: &str) -> Option<Subject> {
        let three_public = c.block.context.three_public;
        if three_public || label.contains("三公") {
            let tp = words::three_public(label);
            if tp.is_some() || three_public {
                return tp;
            }
        }
        if let Some((code, name)) = words::coded(label) {
            return self.printed_code(code, name);
        }
        if let Some(p) = ending_path(label) {
            return Some(function(p));
        }
        if let Some(s) = words::fixed(label, self.phase) {
            return self.revenue_in_context(c, s);
        }
        if words::is_fund_money(label) {
            return Some(if c.sentence.spending {
                words::total(label, Split::Total)
            } else {
                Subject::new(Dimension::Revenue, 1, clean_name(label))
            });
        }
        if !words::is_name_like(label) {
            return None;
        }
        let name = clean_name(label);
        if c.economic_list {
            return Some(self.economic(name));
        }
        if let Some(m) = &c.sentence.mate {
            return Some(Subject { name, ..m.clone() });
        }
        if let Some(p) = self.glossary.find(&name) {
            return Some(Subject { name, ..function(p.clone()) });
        }
        self.reference_level(Dimension::Function, &name).map(|level| Subject::new(Dimension::Function, level, name))
    }

    /// A revenue source as its sentence and section read it: under a spending total it
    /// only says whose money is spent (nothing to record); in a section about one fund
    /// scope, that scope's own revenue (`六、财政拨款收支情况` … `财政拨款收入`) is its total.
    fn revenue_in_context(&self, c: &Cursor, s: Subject) -> Option<Subject> {
        if s.dimension != Dimension::Revenue {
            return Some(s);
        }
        if c.sentence.spending {
            return None;
        }
        let own = words::own_scope(&s.name);
        if own != FundScope::All && c.block.context.scope == Some(own) {
            return Some(words::total(&s.name, Split::Total));
        }
        Some(s)
    }

    /// An item printed with its code: a function item (功能分类 codes start with 2) or a
    /// 部门预算 economic item (3). Other codes — the 政府预算支出经济分类 (`501`) that the prose
    /// may restate beside the departmental one — give nothing.
    fn printed_code(&self, code: Code, name: &str) -> Option<Subject> {
        let dimension = match code.as_str().as_bytes().first() {
            Some(b'2') => Dimension::Function,
            Some(b'3') => Dimension::Economic,
            _ => return None,
        };
        let level = code.level();
        Some(Subject { code: Some(code), ..Subject::new(dimension, level, clean_name(name)) })
    }

    /// An economic item, at the level the reference gives its name (a 款 when unknown: the
    /// items listed under 人员经费 / 公用经费 are 款).
    fn economic(&self, name: String) -> Subject {
        // `对个人和家庭的补助支出`: the reference names the class without the word 支出.
        let level = self
            .reference_level(Dimension::Economic, &name)
            .or_else(|| name.strip_suffix("支出").and_then(|n| self.reference_level(Dimension::Economic, n)))
            .unwrap_or(2);
        Subject::new(Dimension::Economic, level, name)
    }

    /// The level the bundled reference gives a name, when it gives one.
    fn reference_level(&self, dimension: Dimension, name: &str) -> Option<u8> {
        REFERENCE.books(dimension, self.year).into_iter().find_map(|b| match b.find(name, None, &[]) {
            Found::One(code) => Some(code.level()),
            _ => None,
        })
    }

    /// Keeps a subject for the clauses after it; a total also ends an economic list and
    /// gives the scope of the items listed after it.
    fn remember(&mut self, c: &mut Cursor, s: Subject) {
        if s.opens_economic_list() {
            c.economic_list = true;
        } else if s.dimension == Dimension::Total {
            c.economic_list = false;
            self.list_scope = s.scope;
        }
        if s.dimension == Dimension::Function {
            c.sentence.mate = Some(s.clone());
        }
        if s.dimension == Dimension::Total {
            if s.name.contains("支出") {
                c.sentence.spending = true;
            } else if s.name.contains("收入") {
                c.sentence.spending = false;
            }
        }
        c.sentence.previous = Some(s.clone());
        c.subject = Some(s);
    }

    fn emit(&mut self, block: &Block, n: Number, s: &Subject, l: &Lead) {
        let unit = match (n.after, self.unit) {
            (After::Money(u), _) | (_, Some(u)) => u,
            // No unit in the sentence and none in the document: never assumed.
            _ => return,
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
        // `其中：一般公共预算拨款支出 X` in a section about all appropriations.
        let own_within = s.scope.filter(|own| own.within(block.context.scope.unwrap_or(FundScope::All)));
        let fund_scope = match (s.dimension, self.three_public_scope, own_within) {
            (Dimension::ThreePublic, Some(scope), _) | (Dimension::Total, _, Some(scope)) => scope,
            _ => block.context.scope.unwrap_or_else(|| match s.dimension {
                Dimension::Total => s.scope.unwrap_or(FundScope::All),
                Dimension::ThreePublic => FundScope::Fiscal,
                _ => self.list_scope.unwrap_or(FundScope::All),
            }),
        };
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
                code: s.code.clone(),
                code_source: s.code.as_ref().map(|_| CodeSource::Printed),
                level: s.level,
                name: s.name.clone(),
                path: s.path.clone(),
                split,
                measure,
                amount: n.amount,
                unit,
                line,
                page,
                evidence: Evidence::Unchecked,
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
