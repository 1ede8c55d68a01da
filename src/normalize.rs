//! Text to clean, numbered lines.
//!
//! Takes a document's decoded text; gives its [`Line`]s, each with its 1-based number as
//! `sed -n Np` counts it and its page where the input marks pages (`\f`, or a
//! `-- PAGE_BREAK --` line). Each line's text has HTML tags (`<b>`, `<input …>`), markdown
//! emphasis, superscript footnote markers (`^{2.}`, `²⁷`) and carriage returns removed,
//! full-width digits made ASCII, odd spaces made plain, and numbers that OCR split at a
//! separator joined again (`3, 295. 68` → `3,295.68`, see [`repair_numbers`]). Does not split
//! cells or read numbers: a line keeps its tabs and runs of spaces for the table parser.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// One line of the document, cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the source file.
    pub no: u32,
    /// 1-based page, when the input marks pages.
    pub page: Option<u16>,
    pub text: String,
}

impl Line {
    /// True for a line with nothing but whitespace.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

const PAGE_BREAK: &str = "-- PAGE_BREAK --";
const FORM_FEED: char = '\u{c}';

/// Splits and cleans a document. A line that holds a form feed is split there, so one source
/// line may give several [`Line`]s with the same number and successive pages.
pub fn lines(text: &str) -> Vec<Line> {
    // Most texts have neither marker: their lines need not be searched for them.
    let (feeds, breaks) = (text.contains(FORM_FEED), text.contains(PAGE_BREAK));
    let paged = feeds || breaks;
    let mut page: u16 = 1;
    let mut out = Vec::with_capacity(text.len() / 40);
    for (i, raw) in split_lines(text).enumerate() {
        let no = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if breaks && raw.trim() == PAGE_BREAK {
            page = page.saturating_add(1);
            continue;
        }
        if !(feeds && raw.contains(FORM_FEED)) {
            out.push(Line { no, page: paged.then_some(page), text: clean(raw).into_owned() });
            continue;
        }
        for (k, part) in raw.split(FORM_FEED).enumerate() {
            if k > 0 {
                page = page.saturating_add(1);
            }
            // A form feed starts no line: the empty side of one gives no line of its own.
            if part.trim().is_empty() {
                continue;
            }
            out.push(Line { no, page: paged.then_some(page), text: clean(part).into_owned() });
        }
    }
    out
}

/// The lines of `text`, as `text.split('\n')` gives them, found by a vectorised search.
fn split_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut from = 0;
    let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
    ends.map(move |end| {
        // `\n` is ASCII: both ends are character boundaries.
        let line = text.get(from..end).unwrap_or_default();
        from = end + 1;
        line
    })
}

static TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>").expect("valid regex"));
static CARET_SUPERSCRIPT: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\^\{[^{}]{0,8}\}").expect("valid regex"));

/// Cleans one line (see the module doc).
pub fn clean(raw: &str) -> Cow<'_, str> {
    // Most lines hold CJK text: `is_ascii` stops at the first, before any search.
    let needs_work = !raw.is_ascii() || memchr::memchr3(b'<', b'^', b'*', raw.as_bytes()).is_some() || has(b'\r', raw);
    if !needs_work {
        return repair_numbers(raw);
    }
    // The patterns need a `<` or a `^`: most lines have neither.
    let text = if has(b'<', raw) { TAG.replace_all(raw, "") } else { Cow::Borrowed(raw) };
    let text = then(text, |t| if has(b'^', t) { CARET_SUPERSCRIPT.replace_all(t, "") } else { Cow::Borrowed(t) });
    then(then(text, map_chars), repair_numbers)
}

/// True when `text` holds the ASCII byte `b` (a vectorised search).
fn has(b: u8, text: &str) -> bool {
    memchr::memchr(b, text.as_bytes()).is_some()
}

/// Applies a step that may give its input back to a text that may already be a copy: copies
/// only when the step changes something.
fn then<'a>(text: Cow<'a, str>, step: for<'b> fn(&'b str) -> Cow<'b, str>) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(t) => step(t),
        Cow::Owned(t) => {
            let changed = match step(&t) {
                Cow::Borrowed(_) => None,
                Cow::Owned(changed) => Some(changed),
            };
            Cow::Owned(changed.unwrap_or(t))
        }
    }
}

/// Drops carriage returns, `*` marks, zero-width characters and superscript digits; maps
/// full-width digits to ASCII and odd spaces to a space. Copies the runs between them whole.
fn map_chars(text: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut run_start = 0;
    // What this maps is ASCII or starts with one of these bytes: the CJK text between is not
    // decoded.
    let lead = |b: u8| matches!(b, b'\r' | b'*' | 0xC2 | 0xE2 | 0xE3 | 0xEF);
    for (at, c) in chars_led_by(text, lead) {
        let with = match c {
            '\r' | '*' | '\u{200b}' | '\u{feff}' => None,
            '\u{FF10}'..='\u{FF19}' => Some(char::from(b'0' + (c as u32 - 0xFF10) as u8)),
            '\u{a0}' | '\u{2002}'..='\u{200a}' | '\u{3000}' => Some(' '),
            c if is_superscript_digit(c) => None,
            _ => continue,
        };
        let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(text.get(run_start..at).unwrap_or_default());
        out.extend(with);
        run_start = at + c.len_utf8();
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(text.get(run_start..).unwrap_or_default());
            Cow::Owned(out)
        }
    }
}

/// Joins numbers that OCR split after a separator, by deleting the spaces of the gap and
/// nothing else (so no digit is ever made up, moved or dropped):
///
/// - a decimal gap, `2196. 49` → `2196.49`: digits, `.`, spaces, then one or two digits that
///   end the number (followed by the end, a space, a tab, `%`, a unit `万`/`元`/`亿` or
///   punctuation). Not a list ordinal: a one- or two-digit number that opens a line without
///   tabs (`1. 12 月`) stays, and so does a `.` that follows another `.` gap (a date
///   `2023. 12. 31`);
/// - a thousands gap, `3, 295. 68` → `3,295.68`: one to three digits, then `,` groups of
///   exactly three digits, at least one after spaces, when the run is plainly one number: it
///   goes on with decimals, is followed by a unit (`万元`, `元`, `亿`), or fills a table cell
///   on its own. `1, 2, 3` and `12, 345 个` stay.
///
/// ```
/// use cnbudget::normalize::repair_numbers;
/// assert_eq!(repair_numbers("合计\t3, 295. 68\t0. 00"), "合计\t3,295.68\t0.00");
/// assert_eq!(repair_numbers("支出 2196. 49 万元,占 82. 6%"), "支出 2196.49 万元,占 82.6%");
/// assert_eq!(repair_numbers("1. 2025年部门收支"), "1. 2025年部门收支");
/// ```
pub fn repair_numbers(text: &str) -> Cow<'_, str> {
    // A `.` or `,` followed by a space: most lines have none.
    let bytes = text.as_bytes();
    if !memchr::memchr2_iter(b'.', b',', bytes).any(|at| bytes.get(at + 1) == Some(&b' ')) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut gaps = decimal_gaps(&chars);
    gaps.extend(thousands_gaps(&chars, &gaps));
    if gaps.is_empty() {
        return Cow::Borrowed(text);
    }
    gaps.sort_unstable_by_key(|g| g.start);
    let mut out = String::with_capacity(text.len());
    let mut next_gap = gaps.iter().peekable();
    for (i, c) in chars.iter().enumerate() {
        while next_gap.peek().is_some_and(|g| g.end <= i) {
            next_gap.next();
        }
        if next_gap.peek().is_some_and(|g| g.contains(&i)) {
            continue;
        }
        out.push(*c);
    }
    Cow::Owned(out)
}

/// Characters that may follow the last digit of a number in a report.
fn ends_number(c: Option<&char>) -> bool {
    c.is_none_or(|c| {
        matches!(
            c,
            ' ' | '\t' | '%' | '万' | '元' | '亿' | ',' | '，' | ';' | '；' | '。' | '、' | ')' | '）' | ':' | '：'
        )
    })
}

fn digits_before(chars: &[char], end: usize) -> usize {
    chars[..end].iter().rev().take_while(|c| c.is_ascii_digit()).count()
}

fn digits_from(chars: &[char], start: usize) -> usize {
    chars.get(start..).map_or(0, |rest| rest.iter().take_while(|c| c.is_ascii_digit()).count())
}

fn spaces_from(chars: &[char], start: usize) -> usize {
    chars.get(start..).map_or(0, |rest| rest.iter().take_while(|c| **c == ' ').count())
}

/// The last character before `at` that is not a space.
fn previous_solid(chars: &[char], at: usize) -> Option<char> {
    chars[..at].iter().rev().find(|c| **c != ' ').copied()
}

/// The spans of spaces to delete for decimal gaps (`2196. 49`).
fn decimal_gaps(chars: &[char]) -> Vec<Range<usize>> {
    let tabbed = chars.contains(&'\t');
    let mut out = Vec::new();
    for (dot, _) in chars.iter().enumerate().filter(|(_, c)| **c == '.') {
        let int_len = digits_before(chars, dot);
        let spaces = spaces_from(chars, dot + 1);
        let frac_len = digits_from(chars, dot + 1 + spaces);
        if int_len == 0 || spaces == 0 || !(1..=2).contains(&frac_len) {
            continue;
        }
        let start = dot - int_len;
        if !ends_number(chars.get(dot + 1 + spaces + frac_len)) || previous_solid(chars, start) == Some('.') {
            continue;
        }
        let opens_line = chars[..start].iter().all(|c| c.is_whitespace() || *c == '-');
        if opens_line && int_len <= 2 && !tabbed {
            continue; // a list ordinal: `1. 12 月份`
        }
        out.push(dot + 1..dot + 1 + spaces);
    }
    out
}

/// The spans of spaces to delete for thousands gaps (`3, 295`), given the decimal gaps
/// already found (a run followed by a repaired decimal part goes on with decimals).
fn thousands_gaps(chars: &[char], decimal: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let lead = digits_from(chars, i);
        let starts_run = lead > 0 && (i == 0 || !matches!(chars[i - 1], '0'..='9' | '.' | ','));
        if !starts_run {
            i += lead.max(1);
            continue;
        }
        let mut end = i + lead;
        let mut gaps = Vec::new();
        while chars.get(end) == Some(&',') {
            let spaces = spaces_from(chars, end + 1);
            if digits_from(chars, end + 1 + spaces) != 3 {
                break;
            }
            if spaces > 0 {
                gaps.push(end + 1..end + 1 + spaces);
            }
            end += 1 + spaces + 3;
        }
        if lead <= 3 && !gaps.is_empty() && is_one_number(chars, i, end, decimal) {
            out.extend(gaps);
        }
        i = end.max(i + 1);
    }
    out
}

/// A thousands run `chars[start..end]` that is plainly one number.
fn is_one_number(chars: &[char], start: usize, end: usize, decimal: &[Range<usize>]) -> bool {
    let next = chars.get(end);
    if next.is_some_and(char::is_ascii_digit) {
        return false;
    }
    let with_decimals = next == Some(&'.')
        && (chars.get(end + 1).is_some_and(char::is_ascii_digit) || decimal.iter().any(|g| g.start == end + 1));
    let after = chars.get(end + spaces_from(chars, end));
    let with_unit = matches!(after, Some('万' | '元' | '亿'));
    let cell_start = previous_solid(chars, start).is_none_or(|c| c == '\t');
    let cell_end = after.is_none_or(|c| *c == '\t');
    with_decimals || with_unit || (cell_start && cell_end)
}

static ORDINAL_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:-|[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．](?:\D|$)|[(（][一二三四五六七八九十\d]{1,3}[)）]|[①-⑳])",
    )
    .expect("valid regex")
});
/// The characters an ordinal prefix ([`ORDINAL_PREFIX`]) can start with, besides the numeric
/// ones (`\d`, `①`–`⑳`).
const ORDINAL_FIRST: &str = "-(（一二三四五六七八九十";
static LEVEL_MARKER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[(（][类款项][)）]").expect("valid regex"));

/// `text` with its whitespace removed: the form in which titles, names and labels are
/// compared, since extraction and OCR put spaces inside words (`一般公共 服务`).
///
/// ```
/// assert_eq!(cnbudget::normalize::squeeze(" 一般公共\u{3000}服务 支出"), "一般公共服务支出");
/// ```
pub fn squeeze(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_squeezed(&mut out, text);
    out
}

/// Appends `text` to `out` with its whitespace removed (see [`squeeze`]). Copies runs, not
/// `char`s: this runs on most lines of every report.
pub fn push_squeezed(out: &mut String, text: &str) {
    // Every whitespace character starts with one of these bytes (ASCII, U+0085, U+00A0,
    // U+1680, U+2000–U+205F, U+3000); CJK text starts with others.
    let lead = |b: u8| matches!(b, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1..=0xE3);
    push_replacing(out, text, lead, |_, c| c.is_whitespace().then_some(""));
}

/// Appends `text` to `out`, each character that `with` gives a replacement for replaced by it
/// (`""` drops it), the rest copied in runs. `with` sees only the characters [`chars_led_by`]
/// finds with `lead`, and each with its byte offset in `text`.
pub(crate) fn push_replacing(
    out: &mut String,
    text: &str,
    lead: impl Fn(u8) -> bool,
    with: impl Fn(usize, char) -> Option<&'static str>,
) {
    out.reserve(text.len());
    let mut run = 0;
    for (at, c) in chars_led_by(text, lead) {
        if let Some(replacement) = with(at, c) {
            out.push_str(&text[run..at]);
            out.push_str(replacement);
            run = at + c.len_utf8();
        }
    }
    out.push_str(&text[run..]);
}

/// True when `text` holds `c`. `str::contains` hands a non-ASCII `char` to its substring
/// searcher, whose set-up costs more than a short line; this looks for the last byte of `c`'s
/// UTF-8 with `memchr` and compares the bytes before it. (A match is always a whole character:
/// UTF-8 never starts a character with a continuation byte.)
pub(crate) fn has_char(text: &str, c: char) -> bool {
    let mut buf = [0u8; 4];
    let needle = c.encode_utf8(&mut buf).as_bytes();
    let Some((&last, head)) = needle.split_last() else { return false };
    let bytes = text.as_bytes();
    memchr::memchr_iter(last, bytes).any(|i| i >= head.len() && bytes.get(i - head.len()..i) == Some(head))
}

/// The characters of `text` whose UTF-8 starts with a byte `lead` accepts, with their byte
/// offsets. Finds rare characters among CJK text without decoding the rest: it steps from
/// character to character by their leading bytes alone, so a CJK character costs one test, not
/// three, and a continuation byte (`0x80`–`0xBF`) is never shown to `lead`.
pub(crate) fn chars_led_by(text: &str, lead: impl Fn(u8) -> bool) -> impl Iterator<Item = (usize, char)> {
    let bytes = text.as_bytes();
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(&b) = bytes.get(from) {
            let at = from;
            from += utf8_len(b);
            if lead(b) {
                // `at` is a character boundary: every step above was a whole character.
                let c = text.get(at..)?.chars().next()?;
                return Some((at, c));
            }
        }
        None
    })
}

/// The length of the UTF-8 sequence a leading byte starts.
fn utf8_len(lead: u8) -> usize {
    // By the high nibble: 0–7 ASCII, C–D two bytes, E three, F four (8–B, continuation bytes,
    // never lead a character).
    const LEN: [u8; 16] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4];
    usize::from(LEN[usize::from(lead >> 4)])
}

/// A row or item name as the output keeps it: whitespace (line wraps, OCR gaps) removed,
/// ordinal prefixes (`一、`, `1.`, `(1)`, `- `), level markers (`（类）`) and quote marks
/// dropped, trailing punctuation trimmed. The document's own bracket style is kept.
///
/// ```
/// use cnbudget::normalize::clean_name;
/// assert_eq!(clean_name("一、一般公共服务 支出"), "一般公共服务支出");
/// assert_eq!(clean_name("一般公共服务（类）支出"), "一般公共服务支出");
/// assert_eq!(clean_name("维修（护）费"), "维修（护）费");
/// // A marker between a class's name and a repeated 支出 (`…支出（类）支出`).
/// assert_eq!(clean_name("一般公共服务支出（类）支出"), "一般公共服务支出");
/// ```
pub fn clean_name(raw: &str) -> String {
    let mut name = String::new();
    // Whitespace and quote marks (`"`, and `“”‘’`, which start with E2) are dropped.
    let lead = |b: u8| matches!(b, b'\t'..=b'\r' | b' ' | b'"' | 0xC2 | 0xE1..=0xE3);
    let quote_or_space = |c: char| c.is_whitespace() || matches!(c, '“' | '”' | '"' | '‘' | '’');
    push_replacing(&mut name, raw, lead, |_, c| quote_or_space(c).then_some(""));
    // Every ordinal the pattern strips starts with one of these: most names start with none.
    let may_be_ordinal = |name: &str| name.starts_with(|c: char| c.is_numeric() || ORDINAL_FIRST.contains(c));
    while may_be_ordinal(&name) {
        let stripped = match ORDINAL_PREFIX.find(&name) {
            // Keep the character after a `1.` that the pattern had to look at.
            Some(m) if m.as_str().starts_with(|c: char| c.is_ascii_digit()) => {
                let cut = m
                    .as_str()
                    .char_indices()
                    .find(|(_, c)| matches!(c, '、' | '.' | '．'))
                    .map(|(i, c)| i + c.len_utf8());
                cut.map(|i| name[i..].to_string())
            }
            Some(m) => Some(name[m.end()..].to_string()),
            None => None,
        };
        match stripped {
            Some(rest) if rest != name => name = rest,
            _ => break,
        }
    }
    let name = if name.contains('(') || has_char(&name, '（') {
        let unmarked = LEVEL_MARKER.replace_all(&name, "");
        // `一般公共服务支出（类）支出`: the marker stood between the name and a repeated word.
        match unmarked.strip_suffix("支出支出") {
            Some(stem) if unmarked.len() < name.len() => Cow::Owned(format!("{stem}支出")),
            _ => unmarked,
        }
    } else {
        Cow::Borrowed(name.as_str())
    };
    name.trim_matches(|c: char| matches!(c, '：' | ':' | '，' | ',' | '。' | '；' | ';')).to_string()
}

fn is_superscript_digit(c: char) -> bool {
    matches!(c, '⁰' | '¹' | '²' | '³' | '⁴'..='⁹')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    #[test]
    fn has_char_agrees_with_contains() {
        let mut rng = Rng(0x0c4a_7e57);
        // 丨 ends in the byte 表 ends in, 师 in the byte （ ends in: a last byte alone is no match.
        let pieces = ["表", "表格", "年", "a", " ", "（", "(", "：", "算", "位", "丨", "师", "袁", "é"];
        let wanted = ['表', '（', '(', '：', 'a', '年', '袁', 'é', '\u{1F600}'];
        for _ in 0..5_000 {
            let text = rng.text(&pieces, 6);
            for c in wanted {
                assert_eq!(has_char(&text, c), text.contains(c), "{text:?} {c:?}");
            }
        }
    }

    #[test]
    fn numbers_lines_as_sed_does() {
        let ls = lines("a\r\nb\n\nc");
        let nos: Vec<(u32, &str)> = ls.iter().map(|l| (l.no, l.text.as_str())).collect();
        assert_eq!(nos, [(1, "a"), (2, "b"), (3, ""), (4, "c")]);
        assert!(ls.iter().all(|l| l.page.is_none()));
    }

    #[test]
    fn split_lines_splits_as_str_split_does() {
        for text in ["", "\n", "a", "a\n", "\na\n\n", "一\n二\r\n三"] {
            assert_eq!(split_lines(text).collect::<Vec<_>>(), text.split('\n').collect::<Vec<_>>(), "on {text:?}");
        }
    }

    #[test]
    fn form_feeds_start_pages_not_lines() {
        let ls = lines("p1\n\u{c}p2 first\np2\u{c}p3");
        let got: Vec<(u32, Option<u16>, &str)> = ls.iter().map(|l| (l.no, l.page, l.text.as_str())).collect();
        assert_eq!(got, [(1, Some(1), "p1"), (2, Some(2), "p2 first"), (3, Some(2), "p2"), (3, Some(3), "p3")]);
    }

    #[test]
    fn page_break_markers_count_as_lines() {
        let ls = lines("a\n-- PAGE_BREAK --\nb");
        assert_eq!(ls.len(), 2);
        assert_eq!((ls[1].no, ls[1].page), (3, Some(2)));
    }

    #[test]
    fn strips_tags_emphasis_and_superscripts() {
        assert_eq!(clean("<b>本年收入合计</b>\t<b>27</b>"), "本年收入合计\t27");
        assert_eq!(clean("1、部门预算项目 <input checked=\"\" type=\"checkbox\"/> 2"), "1、部门预算项目  2");
        assert_eq!(clean("^{2.} 本套报表"), " 本套报表");
        assert_eq!(clean("²⁷ 行= (1+2) 行"), " 行= (1+2) 行");
        assert_eq!(clean("## **二、机构设置情况**"), "## 二、机构设置情况");
        assert_eq!(clean("≤30分钟 <x 3"), "≤30分钟 <x 3");
    }

    #[test]
    fn names_lose_ordinals_markers_and_gaps() {
        let cases = [
            ("一、一般公共预算财政拨款收入", "一般公共预算财政拨款收入"),
            ("合 计", "合计"),
            ("十九、住房保障支 出", "住房保障支出"),
            ("(1)公务用车购置", "公务用车购置"),
            ("- 1. 基本工资", "基本工资"),
            ("2.公务用车购置及运行费", "公务用车购置及运行费"),
            ("“三公”经费", "三公经费"),
            ("因公出国 (境)费", "因公出国(境)费"),
            ("住房保障支出（类）住房改革支出（款）", "住房保障支出住房改革支出"),
            ("其他政府办公厅(室)及相关机构事 务支出", "其他政府办公厅(室)及相关机构事务支出"),
            ("2023年度", "2023年度"),
            ("①办公费", "办公费"),
        ];
        for (raw, want) in cases {
            assert_eq!(clean_name(raw), want, "{raw}");
        }
    }

    fn ocr_fixture(name: &str) -> String {
        let path = format!("{}/tests/fixtures/ocr/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Each fixture line is `input ⇒ expected` (tabs written `\t`).
    #[test]
    fn split_numbers_are_joined_and_nothing_else() {
        for (no, line) in
            ocr_fixture("numbers.txt").lines().enumerate().filter(|(_, l)| !l.starts_with('#') && l.contains('⇒'))
        {
            let Some((input, want)) = line.split_once(" ⇒ ") else { continue };
            let (input, want) = (input.replace("\\t", "\t"), want.replace("\\t", "\t"));
            assert_eq!(repair_numbers(&input), want, "numbers.txt line {}", no + 1);
            assert_eq!(reference_repair(&input), want, "reference, numbers.txt line {}", no + 1);
        }
    }

    #[test]
    fn prose_and_cells_are_repaired_when_lines_are_cleaned() {
        let ls = lines("2023 年度收入合计 3295. 68 万元。\n一、一般公共预算财政拨款收入\t1\t3, 295. 68\t");
        assert_eq!(ls[0].text, "2023 年度收入合计 3295.68 万元。");
        assert_eq!(ls[1].text, "一、一般公共预算财政拨款收入\t1\t3,295.68\t");
    }

    /// The rules restated gap by gap, slowly: for every run of spaces after a `.` or `,`, read
    /// the number around it and decide. The fast scanner must agree with it on any text.
    fn reference_repair(text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut keep = vec![true; chars.len()];
        let mut a = 0;
        while a < chars.len() {
            let b = a + chars[a..].iter().take_while(|c| **c == ' ').count();
            if b > a && a > 0 && reference_joins(&chars, a, b) {
                keep[a..b].iter_mut().for_each(|k| *k = false);
            }
            a = b.max(a + 1);
        }
        chars.iter().zip(keep).filter(|(_, k)| *k).map(|(c, _)| *c).collect()
    }

    fn reference_joins(chars: &[char], a: usize, b: usize) -> bool {
        let is_digit = |i: usize| chars.get(i).is_some_and(|c| c.is_ascii_digit());
        let run_left = |end: usize| (0..end).rev().take_while(|&i| is_digit(i)).count();
        let run_right = |start: usize| (start..chars.len()).take_while(|&i| is_digit(i)).count();
        let follows_ok = |i: usize| chars.get(i).is_none_or(|c| " \t%万元亿,，;；。、)）:：".contains(*c));
        let solid_before = |i: usize| chars[..i].iter().rev().find(|c| **c != ' ').copied();
        match chars[a - 1] {
            '.' => {
                let int = run_left(a - 1);
                let frac = run_right(b);
                let start = a - 1 - int;
                let ordinal =
                    int <= 2 && !chars.contains(&'\t') && chars[..start].iter().all(|c| c.is_whitespace() || *c == '-');
                int > 0
                    && (1..=2).contains(&frac)
                    && follows_ok(b + frac)
                    && solid_before(start) != Some('.')
                    && !ordinal
            }
            ',' => {
                // Walk left to the start of the run of `,ddd` groups, then right to its end.
                let mut start = a - 1;
                loop {
                    let d = run_left(start);
                    if d == 3 && start >= 3 {
                        let before = start - 3;
                        let s = chars[..before].iter().rev().take_while(|c| **c == ' ').count();
                        if before > s && chars[before - s - 1] == ',' {
                            start = before - s - 1;
                            continue;
                        }
                    }
                    start -= d;
                    break;
                }
                let lead = run_left(start + run_right(start));
                let lead_len = run_right(start);
                if lead_len == 0 || lead_len > 3 || lead != lead_len {
                    return false;
                }
                if start > 0 && matches!(chars[start - 1], '0'..='9' | '.' | ',') {
                    return false;
                }
                let mut end = start + lead_len;
                let mut has_gap_here = false;
                while chars.get(end) == Some(&',') {
                    let s = (end + 1..chars.len()).take_while(|&i| chars[i] == ' ').count();
                    if run_right(end + 1 + s) != 3 {
                        break;
                    }
                    has_gap_here |= end + 1 == a;
                    end += 1 + s + 3;
                }
                if !has_gap_here || is_digit(end) {
                    return false;
                }
                let dec_spaces = (end + 1..chars.len()).take_while(|&i| chars[i] == ' ').count();
                let with_decimals = chars.get(end) == Some(&'.')
                    && (is_digit(end + 1) || (dec_spaces > 0 && reference_joins(chars, end + 1, end + 1 + dec_spaces)));
                let after = (end..chars.len()).find(|&i| chars[i] != ' ');
                let with_unit = after.is_some_and(|i| matches!(chars[i], '万' | '元' | '亿'));
                let cell = solid_before(start).is_none_or(|c| c == '\t') && after.is_none_or(|i| chars[i] == '\t');
                with_decimals || with_unit || cell
            }
            _ => false,
        }
    }

    #[test]
    fn fast_repair_agrees_with_the_reference_on_random_text() {
        const PIECES: &[&str] = &[
            "1", "3", "12", "295", "2196", "68", "4", "000", "1234", ".", ". ", ",", ", ", ",  ", " ", "\t", "万元",
            "元", "%", "本表", "年", "-", "。", "、", "(", ")",
        ];
        let mut rng = Rng(0x5eed_40c2);
        for _ in 0..20_000 {
            let n = 1 + (rng.next() % 12) as usize;
            let text = rng.text(PIECES, n);
            let fast = repair_numbers(&text);
            assert_eq!(fast, reference_repair(&text), "on {text:?}");
            // Only spaces are ever removed: the digits and everything else stay in order.
            let solid = |s: &str| s.chars().filter(|c| *c != ' ').collect::<String>();
            assert_eq!(solid(&fast), solid(&text), "on {text:?}");
        }
    }

    #[test]
    fn map_chars_agrees_with_a_char_by_char_reference() {
        let reference = |text: &str| -> String {
            text.chars()
                .filter_map(|c| match c {
                    '\r' | '*' | '\u{200b}' | '\u{feff}' => None,
                    '\u{FF10}'..='\u{FF19}' => Some(char::from(b'0' + (c as u32 - 0xFF10) as u8)),
                    '\u{a0}' | '\u{2002}'..='\u{200a}' | '\u{3000}' => Some(' '),
                    c if is_superscript_digit(c) => None,
                    c => Some(c),
                })
                .collect()
        };
        for c in ('\0'..=char::MAX).filter(|c| reference(&c.to_string()) != c.to_string()) {
            assert_eq!(map_chars(&format!("表{c}1")), reference(&format!("表{c}1")), "{c:?}");
        }
        const PIECES: &[&str] = &[
            "收入", "\r", "*", "\u{200b}", "\u{feff}", "１", "９", "\u{a0}", "\u{2002}", "\u{3000}", "\u{3001}", "²",
            "⁹", "¹", "（", "，", "\u{ff1a}", "€", "a", " ",
        ];
        let mut rng = Rng(0x3a9_c4a5);
        for _ in 0..20_000 {
            let n = (rng.next() % 10) as usize;
            let text = rng.text(PIECES, n);
            assert_eq!(map_chars(&text), reference(&text), "on {text:?}");
        }
    }

    #[test]
    fn chars_led_by_passes_over_a_continuation_byte() {
        // 支 is E6 94 AF, 出 E5 87 BA: a lead that takes 0x94 or 0xBA still finds only 出.
        let found: Vec<(usize, char)> = chars_led_by("支出", |b| matches!(b, 0x94 | 0xBA | 0xE5)).collect();
        assert_eq!(found, [(3, '出')]);
    }

    #[test]
    fn chars_led_by_steps_over_characters_of_every_length() {
        let text = "a\u{a0}出𠀀 b\u{3000}";
        let all: Vec<(usize, char)> = chars_led_by(text, |_| true).collect();
        assert_eq!(all, text.char_indices().collect::<Vec<_>>());
        let spaces: Vec<(usize, char)> = chars_led_by(text, |b| b == b' ' || b == 0xE3).collect();
        assert_eq!(spaces, [(10, ' '), (12, '\u{3000}')]);
    }

    #[test]
    fn squeeze_removes_exactly_the_whitespace() {
        // Every whitespace character, its UTF-8 neighbours, CJK text and punctuation.
        const PIECES: &[&str] = &[
            " ",
            "\t",
            "\n",
            "\r",
            "\u{b}",
            "\u{c}",
            "\u{85}",
            "\u{a0}",
            "\u{1680}",
            "\u{2000}",
            "\u{200a}",
            "\u{200b}",
            "\u{2028}",
            "\u{2029}",
            "\u{202f}",
            "\u{205f}",
            "\u{3000}",
            "\u{3001}",
            "\u{84}",
            "\u{a1}",
            "一般",
            "公共",
            "服务",
            "（类）",
            "、",
            "。",
            "1",
            "23",
            "a",
            "ᚠ",
            "€",
            "😀",
        ];
        for space in ('\0'..=char::MAX).filter(|c| c.is_whitespace()) {
            assert_eq!(squeeze(&format!("表{space}1")), "表1", "{space:?}");
        }
        let mut rng = Rng(0x5eed_5eed);
        for _ in 0..20_000 {
            let n = (rng.next() % 10) as usize;
            let text = rng.text(PIECES, n);
            let reference: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(squeeze(&text), reference, "on {text:?}");
        }
    }

    #[test]
    fn makes_digits_and_spaces_plain() {
        assert_eq!(clean("２０２３年\u{3000}收入"), "2023年 收入");
        assert_eq!(clean("plain ascii"), "plain ascii");
    }
}
