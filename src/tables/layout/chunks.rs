//! One line of layout text to chunks: its runs of text, each with the character columns it
//! takes.
//!
//! Takes a line as `pdftotext -layout` printed it (columns as runs of spaces; a CJK character
//! and a digit each take one column of the text); gives its [`Chunk`]s, left to right, each
//! with its columns, its text and its [`Kind`]. In a body line, words one space apart are one
//! chunk when both are text (`信息 网络 及软件 购置` is one name) but never when one is a
//! number (`2.85 0.39` are two cells), and a code printed against its name (`310资本性支出`,
//! `2010506统计管理`) is split off. In a header line every word is a chunk of its own, as
//! adjacent labels are often one space apart. Does not decide what a chunk means.

/// What a chunk's text looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A number with a decimal point or thousands separators: always a figure.
    Amount,
    /// Bare digits: a code, a part of one (`201   05   07`), or a figure (`0`, `25`).
    Digits,
    /// A dash standing for an empty cell.
    Empty,
    Text,
}

/// A run of text on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    /// First character column.
    pub x0: usize,
    /// One past the last character column.
    pub x1: usize,
    pub text: String,
    pub kind: Kind,
    /// [`Chunk::printed_width`], counted once: the placing asks for it many times.
    width: usize,
}

impl Chunk {
    fn new(x0: usize, x1: usize, text: &str) -> Chunk {
        Chunk { x0, x1, text: text.to_string(), kind: kind_of(text), width: printed_width(text) }
    }

    /// How wide the text is printed: a CJK character is as wide as two digits, so a label's
    /// columns in the text understate its width on the page.
    pub fn printed_width(&self) -> usize {
        self.width
    }

    /// Appends text to a text chunk (its columns stay as they are).
    pub fn push_text(&mut self, text: &str) {
        self.text.push_str(text);
        self.width += printed_width(text);
    }

    /// The centre of the chunk as printed.
    pub fn center(&self) -> f64 {
        self.x0 as f64 + self.printed_width() as f64 / 2.0
    }

    pub fn is_number(&self) -> bool {
        matches!(self.kind, Kind::Amount | Kind::Digits)
    }
}

fn printed_width(text: &str) -> usize {
    // Figures, the most common chunks, are ASCII: one column a byte.
    if text.is_ascii() {
        return text.len();
    }
    text.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// True for a character that takes two columns on the page (CJK, full-width forms).
pub fn is_wide(c: char) -> bool {
    // Most characters of a report are ASCII or CJK ideographs: answered before the full list.
    match u32::from(c) {
        0..=0x10FF => return false,
        0x4E00..=0x9FFF => return true,
        _ => {}
    }
    matches!(u32::from(c),
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD)
}

fn kind_of(text: &str) -> Kind {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    // An amount starts with a digit or a minus sign: most chunks are names and need no parse.
    let may_be_amount = text.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'-');
    if digits {
        Kind::Digits
    } else if may_be_amount && crate::amount::Amount::parse(text).is_some() {
        Kind::Amount
    } else if !text.is_empty() && text.chars().all(|c| matches!(c, '-' | '—' | '–')) {
        Kind::Empty
    } else {
        Kind::Text
    }
}

/// The words of a line with their columns.
fn words(text: &str) -> Vec<(usize, usize, &str)> {
    // A table line holds a handful of words: room for them up front, not grown 4, 8, 16.
    let mut out = Vec::with_capacity(16);
    // (character column, byte offset) where the current word starts.
    let mut start: Option<(usize, usize)> = None;
    let mut col = 0;
    for (at, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some((x0, from)) = start.take() {
                out.push((x0, col, text.get(from..at).unwrap_or_default()));
            }
        } else if start.is_none() {
            start = Some((col, at));
        }
        col += 1;
    }
    if let Some((x0, from)) = start {
        out.push((x0, col, text.get(from..).unwrap_or_default()));
    }
    out
}

/// Labels a header may print letter-spaced (`合   计`): two characters, one column.
const SPACED_LABELS: &[&str] = &["合计", "小计", "总计", "项目", "金额", "科目", "名称", "编码"];
/// The widest gap between the two characters of a letter-spaced label.
const MAX_LETTER_GAP: usize = 6;

/// The chunks of a header line: every word on its own, but a letter-spaced label one word.
pub fn header_chunks(text: &str) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::new();
    for (x0, x1, w) in words(text) {
        let spaced = out.last().is_some_and(|prev| {
            x0 <= prev.x1 + MAX_LETTER_GAP
                && SPACED_LABELS.iter().any(|l| l.strip_prefix(prev.text.as_str()) == Some(w))
        });
        match out.last_mut() {
            Some(prev) if spaced => {
                prev.push_text(w);
                prev.x1 = x1;
            }
            _ => out.push(Chunk::new(x0, x1, w)),
        }
    }
    out
}

/// Where a header's labels run into each other when a CJK character is counted two columns
/// wide (a small font for the page's grid prints them one column each), every chunk of the
/// header is taken as wide as its characters. True when it is. Two labels of three or more
/// CJK characters must run into their neighbours to tell (a label that mixes in digits, as
/// `其中：2026` / `年`, is spaced by other rules).
pub fn narrow_if_crowded(lines: &mut [Vec<Chunk>]) -> bool {
    let runs_into = |w: &[Chunk]| {
        let wide = w[0].text.chars().filter(|&c| is_wide(c)).count();
        wide >= 3 && wide == w[0].text.chars().count() && w[0].x0 + w[0].width > w[1].x0
    };
    let crowded = lines.iter().map(|line| line.windows(2).filter(|w| runs_into(w)).count()).sum::<usize>() >= 2;
    if crowded {
        for c in lines.iter_mut().flatten() {
            c.width = c.x1 - c.x0;
        }
    }
    crowded
}

/// The chunks of a body line: text words one space apart joined, codes split from names.
pub fn body_chunks(text: &str) -> Vec<Chunk> {
    let mut out: Vec<Chunk> = Vec::with_capacity(8);
    for (x0, x1, word) in words(text) {
        let (first, rest) = split_glued_code(x0, x1, word);
        for chunk in std::iter::once(first).chain(rest) {
            let joins = out
                .last()
                .is_some_and(|prev| prev.kind == Kind::Text && chunk.kind == Kind::Text && chunk.x0 == prev.x1 + 1);
            match out.last_mut() {
                Some(prev) if joins => {
                    prev.push_text(" ");
                    prev.push_text(&chunk.text);
                    prev.x1 = chunk.x1;
                }
                _ => out.push(chunk),
            }
        }
    }
    out
}

/// `310资本性支出` → `310` + `资本性支出`: digits run into a name that starts with a CJK letter
/// (not `2024年`, a date, nor `1、`, an ordinal).
fn split_glued_code(x0: usize, x1: usize, word: &str) -> (Chunk, Option<Chunk>) {
    let digits = word.bytes().take_while(u8::is_ascii_digit).count();
    let next = word.get(digits..).and_then(|rest| rest.chars().next());
    let glued = (1..=7).contains(&digits)
        && next.is_some_and(|c| c.is_alphabetic() && is_wide(c) && !matches!(c, '年' | '月' | '日'));
    if !glued || kind_of(word) != Kind::Text {
        return (Chunk::new(x0, x1, word), None);
    }
    // The digits are ASCII: `digits` is a character boundary.
    let (code, name) = word.split_at(digits);
    (Chunk::new(x0, x0 + digits, code), Some(Chunk::new(x0 + digits, x1, name)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_letter_spaced_label_is_one_header_chunk_and_column_letters_are_not() {
        let texts = |line: &str| super::header_chunks(line).into_iter().map(|c| c.text).collect::<Vec<_>>();
        assert_eq!(texts("  合   计        小   计     人员支出"), ["合计", "小计", "人员支出"]);
        assert_eq!(texts("类      款     项"), ["类", "款", "项"]);
    }

    use super::*;

    fn texts(chunks: &[Chunk]) -> Vec<(usize, &str, Kind)> {
        chunks.iter().map(|c| (c.x0, c.text.as_str(), c.kind)).collect()
    }

    #[test]
    fn body_words_join_as_text_and_split_as_numbers() {
        let got = body_chunks("  信息 网络 及软件 购置   2.85 0.39  201   05");
        assert_eq!(
            texts(&got),
            [
                (2, "信息 网络 及软件 购置", Kind::Text),
                (17, "2.85", Kind::Amount),
                (22, "0.39", Kind::Amount),
                (28, "201", Kind::Digits),
                (34, "05", Kind::Digits)
            ]
        );
    }

    #[test]
    fn a_code_against_its_name_is_split_but_not_a_year_or_an_ordinal() {
        assert_eq!(texts(&body_chunks("310资本性支出")), [(0, "310", Kind::Digits), (3, "资本性支出", Kind::Text)]);
        assert_eq!(texts(&body_chunks("2024年预算")), [(0, "2024年预算", Kind::Text)]);
        assert_eq!(texts(&body_chunks("1、一般公共预算资金")), [(0, "1、一般公共预算资金", Kind::Text)]);
    }

    #[test]
    fn header_words_stay_apart() {
        assert_eq!(header_chunks("合计 因公出国(境)费").len(), 2);
        assert_eq!(body_chunks("合计 因公出国(境)费").len(), 1);
    }

    #[test]
    fn printed_width_counts_cjk_twice() {
        let c = &body_chunks("公务接待费")[0];
        assert_eq!((c.x1 - c.x0, c.printed_width()), (5, 10));
        assert!((c.center() - 5.0).abs() < f64::EPSILON);
    }
}
