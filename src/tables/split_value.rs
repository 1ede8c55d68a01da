//! A value that OCR split across two cells, joined again only when the row's arithmetic
//! says so.
//!
//! Takes one record's amounts and the row's identities (a total column = the sum of its part
//! columns: a t09's 合计 = 因公出国 + 公务用车 + 公务接待); gives the amounts with a split value
//! joined (`7.4` | `8` → 7.48), and a note for what it did or left out. A split is suspected
//! when a cell prints fewer decimals than the row's other values and the cell to its right
//! holds just the missing digits (`7.4` | `8` where the row prints two decimals). It is joined
//! when the row's identities fail as printed and hold once joined (the right cell then
//! empty); a suspected split that the arithmetic does not settle is left out, both cells, and
//! said so: digits are never guessed. A row whose identities hold as printed is left alone.

use rust_decimal::Decimal;

use crate::amount::Amount;
use crate::model::Diagnostic;

/// A row identity: the amount in column `total` is the sum of those in `parts` (an empty
/// cell counts as zero).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub total: usize,
    pub parts: Vec<usize>,
}

impl Identity {
    fn mentions(&self, col: usize) -> bool {
        self.total == col || self.parts.contains(&col)
    }

    /// True when the identity holds within the rounding of its parts, one unit of the row's
    /// usual last place each (a short fragment's own last place would excuse anything).
    fn holds(&self, amounts: &[(usize, Amount)], scale: u32) -> bool {
        let at = |col: usize| amounts.iter().find(|(c, _)| *c == col).map(|(_, a)| *a);
        let parts: Vec<Amount> = self.parts.iter().filter_map(|&c| at(c)).collect();
        let Some(total) = at(self.total) else { return parts.iter().all(|a| a.is_zero()) };
        let sum: Decimal = parts.iter().map(|a| a.value()).sum();
        let tolerance = Decimal::new(1, scale) * Decimal::from(parts.len());
        (total.value() - sum).abs() <= tolerance
    }
}

/// Repairs the split values of one row (see the module doc), in place.
pub fn repair(amounts: &mut Vec<(usize, Amount)>, identities: &[Identity], line: u32) -> Vec<Diagnostic> {
    let mut notes = Vec::new();
    let Some(scale) = usual_scale(amounts) else { return notes };
    while let Some((i, j)) = suspect(amounts, scale) {
        let (left, right) = (amounts[i], amounts[j]);
        let (lc, rc) = (left.0, right.0);
        let Some(joined) = join(left.1, right.1, scale) else { break };
        let mut fixed = amounts.clone();
        fixed[i].1 = joined;
        fixed.remove(j);
        let relevant: Vec<&Identity> = identities.iter().filter(|id| id.mentions(lc) || id.mentions(rc)).collect();
        let printed_ok = relevant.iter().all(|id| id.holds(amounts, scale));
        let fixed_ok = !relevant.is_empty() && relevant.iter().all(|id| id.holds(&fixed, scale));
        if printed_ok {
            break; // The row adds up as printed: these are two values.
        }
        if fixed_ok {
            notes.push(Diagnostic::new(
                line,
                format!(
                    "`{}` | `{}` read as {joined}, one value split across two cells: the row adds up only so",
                    left.1, right.1
                ),
            ));
            *amounts = fixed;
        } else {
            notes.push(Diagnostic::new(
                line,
                format!(
                    "`{}` | `{}` may be one value split across two cells, and the row's arithmetic does not settle it: both left out",
                    left.1, right.1
                ),
            ));
            amounts.retain(|(c, _)| *c != lc && *c != rc);
        }
    }
    notes
}

/// The number of decimals most of the row's values print, if any print decimals.
fn usual_scale(amounts: &[(usize, Amount)]) -> Option<u32> {
    let mut counts: Vec<(u32, usize)> = Vec::new();
    for (_, a) in amounts {
        let s = a.value().scale();
        match counts.iter_mut().find(|(k, _)| *k == s) {
            Some((_, n)) => *n += 1,
            None => counts.push((s, 1)),
        }
    }
    counts.into_iter().filter(|(s, _)| *s > 0).max_by_key(|(s, n)| (*n, *s)).map(|(s, _)| s)
}

/// The first pair of neighbouring cells that looks like one value split in two: the left
/// short of decimals, the right holding exactly the missing digits.
fn suspect(amounts: &[(usize, Amount)], scale: u32) -> Option<(usize, usize)> {
    (0..amounts.len().saturating_sub(1)).map(|i| (i, i + 1)).find(|&(i, j)| {
        let (l, r) = (amounts[i], amounts[j]);
        let (ls, rv) = (l.1.value().scale(), r.1.value());
        r.0 == l.0 + 1
            && (1..scale).contains(&ls)
            && rv.scale() == 0
            && rv >= Decimal::ZERO
            && digits(rv) == scale - ls
            && l.1.value() >= Decimal::ZERO
    })
}

fn digits(value: Decimal) -> u32 {
    let n = value.mantissa().unsigned_abs();
    if n == 0 { 1 } else { n.ilog10() + 1 }
}

/// `7.4` and `8` at two decimals: 7.48 (`None` past what a decimal holds).
fn join(left: Amount, right: Amount, scale: u32) -> Option<Amount> {
    let l = left.value();
    let shift = 10i128.checked_pow(scale.checked_sub(l.scale())?)?;
    let mantissa = l.mantissa().checked_mul(shift)?.checked_add(right.value().mantissa())?;
    Decimal::try_from_i128_with_scale(mantissa, scale).ok().map(Amount::from_decimal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<(usize, Amount)> {
        cells.iter().enumerate().filter_map(|(c, t)| Amount::parse(t).map(|a| (c, a))).collect()
    }

    fn shown(amounts: &[(usize, Amount)]) -> Vec<String> {
        amounts.iter().map(|(c, a)| format!("{c}:{a}")).collect()
    }

    /// A 三公 half: 合计 = 出国 + 小计 + 接待, 小计 = 购置 + 运行.
    fn three_public() -> Vec<Identity> {
        vec![Identity { total: 0, parts: vec![1, 2, 5] }, Identity { total: 2, parts: vec![3, 4] }]
    }

    /// Each fixture line is a row of six cells (`|`-separated) and what the repair keeps.
    #[test]
    fn split_values_are_joined_on_evidence_only() {
        let fixture =
            std::fs::read_to_string(format!("{}/tests/fixtures/ocr/split-value.txt", env!("CARGO_MANIFEST_DIR")))
                .expect("fixture");
        for line in fixture.lines().filter(|l| !l.starts_with('#') && l.contains('⇒')) {
            let (cells, want) = line.split_once(" ⇒ ").expect("`row ⇒ kept`");
            let mut amounts = row(&cells.split('|').map(str::trim).collect::<Vec<_>>());
            let notes = repair(&mut amounts, &three_public(), 1);
            assert_eq!(shown(&amounts).join(" "), want.trim(), "{line}");
            let changed = shown(&row(&cells.split('|').map(str::trim).collect::<Vec<_>>())).join(" ") != want.trim();
            assert_eq!(!notes.is_empty(), changed, "a note for every change: {line}");
        }
    }
}
