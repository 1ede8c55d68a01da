//! A totals line whose cells lost their tabs.
//!
//! Takes the text of a line inside a table that is not a table row; gives its label–value
//! pairs when it is a flattened totals line: `人员经费合计 1,236.31 公用经费合计 149.20`, each
//! label a total (…合计, …小计, …总计) followed by its value. OCR sometimes interleaves the
//! table's note with it (`公用经费合计 注: 本表反映…。 149.20`); the note is dropped, and a
//! label keeps the value that follows it. Does not place the pairs in columns: `grid` gives
//! the k-th pair to the k-th column group. A line that does not read exactly as labels and
//! values in turn (a note, an identity `27 行= (1+2) 行`, prose) gives nothing.

use crate::normalize::clean_name;

use super::grid::is_value;

/// The (label, value) pairs of a flattened totals line, or `None` if the line is not one.
pub fn totals(text: &str) -> Option<Vec<(String, String)>> {
    let trimmed = text.trim();
    if trimmed.starts_with('注') || trimmed.contains('\t') {
        return None;
    }
    let tokens = without_note(trimmed.split_whitespace().collect());
    let mut pairs: Vec<(String, String)> = Vec::new();
    let mut label: Vec<&str> = Vec::new();
    for token in tokens {
        if is_value(token) {
            let name = clean_name(&label.concat());
            if !is_total_label(&name) {
                return None;
            }
            pairs.push((name, token.to_string()));
            label.clear();
        } else {
            label.push(token);
        }
    }
    (label.is_empty() && !pairs.is_empty()).then_some(pairs)
}

/// The tokens with an interleaved note (`注:` through the end of its sentence, `。`) removed.
fn without_note(tokens: Vec<&str>) -> Vec<&str> {
    let Some(start) = tokens.iter().position(|t| t.starts_with('注')) else {
        return tokens;
    };
    let end = tokens[start..].iter().position(|t| t.ends_with('。')).map(|k| start + k + 1);
    let Some(end) = end else { return tokens };
    tokens[..start].iter().chain(&tokens[end..]).copied().collect()
}

fn is_total_label(name: &str) -> bool {
    ["合计", "小计", "总计"].iter().any(|t| name.ends_with(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Option<Vec<(String, String)>> {
        totals(text)
    }

    fn owned(p: &[(&str, &str)]) -> Option<Vec<(String, String)>> {
        Some(p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect())
    }

    #[test]
    fn labels_keep_the_value_after_them_across_an_interleaved_note() {
        let fixture =
            std::fs::read_to_string(format!("{}/tests/fixtures/ocr/flattened-totals.txt", env!("CARGO_MANIFEST_DIR")))
                .expect("fixture");
        let lines: Vec<&str> = fixture.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(pairs(lines[0]), owned(&[("人员经费合计", "1,236.31"), ("公用经费合计", "149.20")]));
        assert_eq!(pairs(lines[1]), owned(&[("本年收入合计", "3,087.79"), ("本年支出合计", "3,087.79")]));
        assert_eq!(pairs(lines[2]), owned(&[("合计", "12.00")]));
        for other in &lines[3..] {
            assert_eq!(pairs(other), None, "{other}");
        }
    }
}
