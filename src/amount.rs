//! Exact amounts.
//!
//! Takes the text of one printed number (`3,087.79`, `800`, `-12.50`); gives an [`Amount`]
//! that keeps the printed decimals (`1808.5` stays `1808.5`) and converts exactly to yuan at
//! the DECIMAL(18,2) scale of the output. Does not repair OCR damage (`3, 295. 68`): that is
//! `normalize`'s job, before a cell or a sentence reaches this parser.

use rust_decimal::Decimal;
use std::fmt;
use std::str::FromStr;

use crate::vocab::Unit;

/// The largest absolute value that DECIMAL(18,2) holds, in hundredths.
const MAX_CENTS: i128 = 10i128.pow(18) - 1;

/// A printed amount, exact, in the unit it was printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct Amount(#[serde(with = "decimal_text")] Decimal);

/// Serde for a decimal as its text (`"1808.5"`): exact, keeps the scale, and needs nothing of
/// the format (the cache's postcard is not self-describing).
pub mod decimal_text {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};
    use std::str::FromStr;

    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&value.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let text = String::deserialize(d)?;
        Decimal::from_str(&text).map_err(serde::de::Error::custom)
    }
}

impl Amount {
    /// Parses a printed number: an optional minus sign, digits with optional `,` thousands
    /// separators (groups of exactly three), and optional decimals. Anything else, including
    /// an empty string, a lone `.` or a percentage, is not an amount.
    ///
    /// ```
    /// use cnbudget::Amount;
    /// assert_eq!(Amount::parse("3,087.79").unwrap().to_string(), "3087.79");
    /// assert_eq!(Amount::parse("1808.5").unwrap().to_string(), "1808.5");
    /// assert!(Amount::parse("30,87.79").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<Amount> {
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        let digits = integer_digits(int_part)?;
        if let Some(f) = frac_part
            && (f.is_empty() || f.len() > 6 || !f.bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
        let mut plain = String::with_capacity(body.len() + 1);
        if negative {
            plain.push('-');
        }
        plain.push_str(&digits);
        if let Some(f) = frac_part {
            plain.push('.');
            plain.push_str(f);
        }
        Decimal::from_str(&plain).ok().map(Amount)
    }

    /// Wraps a decimal that is already exact (used by the OCR repair and the tests).
    pub const fn from_decimal(value: Decimal) -> Amount {
        Amount(value)
    }

    /// The value as printed, in its own unit.
    pub const fn value(self) -> Decimal {
        self.0
    }

    /// True for a printed `0`, `0.00` or `-0`.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// The amount in yuan at scale 2, or `None` when it cannot be stored exactly as
    /// DECIMAL(18,2) (more than two decimals in yuan, or too large).
    pub fn to_yuan(self, unit: Unit) -> Option<Decimal> {
        let yuan = match unit {
            Unit::Yuan => self.0,
            Unit::Wan => self.0.checked_mul(Decimal::from(10_000))?,
        };
        let mut cents = yuan.checked_mul(Decimal::from(100))?;
        cents.normalize_assign();
        if cents.scale() != 0 {
            return None;
        }
        let n = cents.mantissa();
        if n.abs() > MAX_CENTS {
            return None;
        }
        Some(Decimal::from_i128_with_scale(n, 2))
    }

    /// One unit in the last printed place, in yuan: the rounding a printed figure admits
    /// (0.01 万元 = 100 元 for `3,087.79` 万元; 1 元 for `2,932,700` 元).
    pub fn ulp_yuan(self, unit: Unit) -> Decimal {
        let ulp = Decimal::new(1, self.0.scale());
        match unit {
            Unit::Yuan => ulp,
            Unit::Wan => (ulp * Decimal::from(10_000)).normalize(),
        }
    }

    /// The value at scale 2 for a DECIMAL(18,2) column of the printed `amount`, if exact.
    pub fn to_scale2(self) -> Option<Decimal> {
        self.to_yuan(Unit::Yuan)
    }
}

/// Checks and strips the integer part: plain digits, or 1–3 digits then `,ddd` groups.
fn integer_digits(int_part: &str) -> Option<String> {
    if int_part.is_empty() {
        return None;
    }
    let mut groups = int_part.split(',');
    let first = groups.next()?;
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut digits = first.to_string();
    let mut grouped = false;
    for g in groups {
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        grouped = true;
        digits.push_str(g);
    }
    if grouped && first.len() > 3 {
        return None;
    }
    Some(digits)
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yuan(s: &str, unit: Unit) -> String {
        Amount::parse(s).unwrap().to_yuan(unit).unwrap().to_string()
    }

    #[test]
    fn keeps_printed_decimals() {
        assert_eq!(Amount::parse("1808.5").unwrap().to_string(), "1808.5");
        assert_eq!(Amount::parse("800").unwrap().to_string(), "800");
        assert_eq!(Amount::parse("0.00").unwrap().to_string(), "0.00");
        assert!(Amount::parse("0.00").unwrap().is_zero());
    }

    #[test]
    fn thousands_separators_must_be_groups_of_three() {
        assert_eq!(Amount::parse("156,211,123").unwrap().to_string(), "156211123");
        assert!(Amount::parse("1,2").is_none());
        assert!(Amount::parse("1234,567").is_none());
        assert!(Amount::parse(",123").is_none());
    }

    #[test]
    fn rejects_non_numbers() {
        for s in ["", ".", "1.", ".5", "12%", "1.2.3", "abc", "-", "1 2", "１２"] {
            assert!(Amount::parse(s).is_none(), "{s:?}");
        }
    }

    #[test]
    fn converts_to_yuan_exactly() {
        assert_eq!(yuan("3,087.79", Unit::Wan), "30877900.00");
        assert_eq!(yuan("1808.5", Unit::Wan), "18085000.00");
        assert_eq!(yuan("0.000001", Unit::Wan), "0.01");
        assert_eq!(yuan("2,932,700", Unit::Yuan), "2932700.00");
        assert_eq!(yuan("-12.5", Unit::Yuan), "-12.50");
        assert!(Amount::parse("0.0000001").is_none());
        assert!(Amount::parse("1.005").unwrap().to_yuan(Unit::Yuan).is_none());
    }

    #[test]
    fn ulp_is_the_last_printed_place() {
        assert_eq!(Amount::parse("3,087.79").unwrap().ulp_yuan(Unit::Wan).to_string(), "100");
        assert_eq!(Amount::parse("1808.5").unwrap().ulp_yuan(Unit::Wan).to_string(), "1000");
        assert_eq!(Amount::parse("2,932,700").unwrap().ulp_yuan(Unit::Yuan).to_string(), "1");
    }

    #[test]
    fn refuses_what_decimal_18_2_cannot_hold() {
        assert_eq!(yuan("9999999999999999.99", Unit::Yuan), "9999999999999999.99");
        assert!(Amount::parse("10000000000000000").unwrap().to_yuan(Unit::Yuan).is_none());
        assert!(Amount::parse("9999999999999").unwrap().to_yuan(Unit::Wan).is_none());
    }
}
