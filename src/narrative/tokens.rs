//! Numbers, units and punctuation in a joined sentence.
//!
//! Takes a [`Flow`](super::flow::Flow)'s text (whitespace already removed); gives its
//! [`Token`]s: numbers with the unit that follows them (`万元`, `元`, `万`, OCR's `万兀`), a
//! percentage, or nothing; the punctuation that separates clauses (`，`, `、`, `：`, `；` and
//! their ASCII forms) and ends sentences (`。`, `！`, `？`, a flow break); text in between is
//! not a token. A thousands comma (`1,559.38`) is part of its number. Does not decide what a
//! number means: a year, a count or an amount all come out as numbers.

use crate::amount::Amount;
use crate::vocab::Unit;

use super::flow::BREAK;

/// What follows a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// A money unit.
    Money(Unit),
    /// `%`.
    Percent,
    /// Punctuation or the end of the text: a bare number such as `均为 0。`.
    Nothing,
    /// Another word (`年`, `人`, `辆`, `万件`): not an amount.
    Word,
}

/// One number as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number {
    pub amount: Amount,
    pub after: After,
    /// `约` before or `左右` after: an estimate, not a stated figure.
    pub estimate: bool,
    /// Byte where the number starts (its sign, if any).
    pub start: usize,
    /// Byte after the number and its unit.
    pub end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Number(Number),
    /// A clause separator at this byte.
    Comma(usize),
    /// A sentence end at this byte.
    Stop(usize),
}

const COMMAS: &[char] = &['，', ',', '、', '：', ':'];
/// `；` ends a sentence too: it closes a list entry, and with it an explanation inside it.
const STOPS: &[char] = &['。', '；', ';', '！', '？', '!', '?', BREAK];

/// Splits a text into tokens.
pub fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&(at, c)) = chars.get(i) {
        if c.is_ascii_digit() && !continues_word(&chars, i) {
            if let Some((number, next)) = number(text, &chars, i) {
                out.push(Token::Number(number));
                i = next;
                continue;
            }
        } else if STOPS.contains(&c) {
            out.push(Token::Stop(at));
        } else if COMMAS.contains(&c) && !joins_abbreviation(&chars, i) {
            out.push(Token::Comma(at));
        }
        i += 1;
    }
    out
}

/// The `、` of `收、支` (收入 and 支出, one compound subject) separates no clauses.
fn joins_abbreviation(chars: &[(usize, char)], i: usize) -> bool {
    char_at(chars, i) == Some('、')
        && i.checked_sub(1).and_then(|p| char_at(chars, p)) == Some('收')
        && char_at(chars, i + 1) == Some('支')
}

/// A digit right after a digit, a decimal point or a Latin letter (`5G`) starts no number.
fn continues_word(chars: &[(usize, char)], i: usize) -> bool {
    i.checked_sub(1)
        .and_then(|p| chars.get(p))
        .is_some_and(|&(_, p)| p.is_ascii_digit() || p == '.' || p.is_ascii_alphabetic())
}

fn char_at(chars: &[(usize, char)], i: usize) -> Option<char> {
    chars.get(i).map(|&(_, c)| c)
}

fn digits_from(chars: &[(usize, char)], mut i: usize) -> usize {
    while char_at(chars, i).is_some_and(|c| c.is_ascii_digit()) {
        i += 1;
    }
    i
}

/// Reads the number that starts at char `i`; gives it and the char index after it.
fn number(text: &str, chars: &[(usize, char)], i: usize) -> Option<(Number, usize)> {
    let mut j = digits_from(chars, i);
    // Thousands groups: `,` then exactly three digits.
    while char_at(chars, j) == Some(',') {
        let k = digits_from(chars, j + 1);
        if k - (j + 1) != 3 {
            break;
        }
        j = k;
    }
    if matches!(char_at(chars, j), Some('.' | '．')) && char_at(chars, j + 1).is_some_and(|c| c.is_ascii_digit()) {
        j = digits_from(chars, j + 1);
    }
    let signed = i.checked_sub(1).is_some_and(|p| char_at(chars, p) == Some('-'))
        && !i.checked_sub(2).and_then(|p| char_at(chars, p)).is_some_and(|c| c.is_ascii_alphanumeric());
    let start = if signed { i - 1 } else { i };
    let byte = |k: usize| chars.get(k).map_or(text.len(), |&(b, _)| b);
    let printed = text.get(byte(start)..byte(j))?.replace('．', ".");
    let amount = Amount::parse(&printed)?;
    let (after, unit_chars) = unit_after(chars, j);
    let end_index = j + unit_chars;
    let estimate = text.get(byte(end_index)..).is_some_and(|rest| rest.starts_with("左右"))
        || text.get(..byte(start)).is_some_and(|before| before.ends_with('约'));
    Some((Number { amount, after, estimate, start: byte(start), end: byte(end_index) }, end_index))
}

/// What follows the number at char `j`, and how many chars it takes.
fn unit_after(chars: &[(usize, char)], j: usize) -> (After, usize) {
    let c0 = char_at(chars, j);
    let c1 = char_at(chars, j + 1);
    match (c0, c1) {
        (Some('万'), Some('元' | '兀')) => (After::Money(Unit::Wan), 2),
        (Some('元' | '兀'), _) => (After::Money(Unit::Yuan), 1),
        // `400 万、`: 万 alone is 万元 when no other word follows (`13 万件` is a count).
        (Some('万'), next) if next.is_none_or(|c| !is_word_char(c) || c == '左') => (After::Money(Unit::Wan), 1),
        (Some('%' | '％'), _) => (After::Percent, 1),
        (None, _) => (After::Nothing, 0),
        (Some(c), _) if STOPS.contains(&c) || COMMAS.contains(&c) || matches!(c, '）' | ')') => (After::Nothing, 0),
        _ => (After::Word, 0),
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbers(text: &str) -> Vec<(String, After, bool)> {
        tokens(text)
            .into_iter()
            .filter_map(|t| match t {
                Token::Number(n) => Some((n.amount.to_string(), n.after, n.estimate)),
                _ => None,
            })
            .collect()
    }

    const WAN: After = After::Money(Unit::Wan);

    #[test]
    fn amounts_keep_their_unit_and_printed_decimals() {
        assert_eq!(
            numbers("支出决算为1,559.38万元，项目经费135.4万、城乡社区支出800万元。"),
            [("1559.38".into(), WAN, false), ("135.4".into(), WAN, false), ("800".into(), WAN, false)]
        );
        assert_eq!(numbers("合计2,932,700元"), [("2932700".into(), After::Money(Unit::Yuan), false)]);
        assert_eq!(numbers("公务用车购置费用为0，"), [("0".into(), After::Nothing, false)]);
    }

    #[test]
    fn years_counts_percentages_and_estimates_are_told_apart() {
        assert_eq!(
            numbers("2023年共13万件，占77.16%，预计在45万左右，5G设备"),
            [
                ("2023".into(), After::Word, false),
                ("13".into(), After::Word, false),
                ("77.16".into(), After::Percent, false),
                ("45".into(), WAN, true),
                ("5".into(), After::Word, false),
            ]
        );
    }

    #[test]
    fn separators_and_stops() {
        let t = tokens("收入，支出；合计。\n收、支");
        assert_eq!(t, [Token::Comma(6), Token::Stop(15), Token::Stop(24), Token::Stop(27)]);
    }

    #[test]
    fn a_change_keeps_its_sign_and_a_dash_between_words_is_no_sign() {
        assert_eq!(numbers("增加-1621.32万元")[0].0, "-1621.32");
        assert_eq!(numbers("防控-隔离点51.31万元")[0].0, "51.31");
        assert_eq!(numbers("A-5万元")[0].0, "5");
    }

    #[test]
    fn a_comma_not_followed_by_three_digits_separates() {
        let t = tokens("分别为1,2万元");
        assert!(matches!(t[0], Token::Number(n) if n.amount.to_string() == "1"));
        assert!(matches!(t[1], Token::Comma(_)));
    }
}
