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
pub struct Amount(#[serde(with = "decimal_bytes")] Decimal);

/// Serde for a decimal as its 16 bytes (`Decimal::serialize`): exact, keeps the scale, needs
/// nothing of the format (the cache's postcard is not self-describing), and costs no text
/// formatting or parsing. Bytes that no decimal has (a scale over 28, stray flag bits) are an
/// error, not a value.
pub mod decimal_bytes {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        value.serialize().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let bytes = <[u8; 16]>::deserialize(d)?;
        // Flags: bytes 0–1 unused, byte 2 the scale, the top bit of byte 3 the sign.
        let valid = bytes[0] == 0 && bytes[1] == 0 && bytes[2] <= 28 && bytes[3] & 0x7f == 0;
        if !valid {
            return Err(serde::de::Error::custom("not the bytes of a decimal"));
        }
        Ok(Decimal::deserialize(bytes))
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
        let negative = text.starts_with('-');
        let body = text.get(usize::from(negative)..)?;
        let grouped = checked_shape(body.as_bytes())?;
        // Checked: the text is digits, at most one point, a sign and well-placed separators.
        if let Some(value) = small_decimal(body, negative) {
            return Some(Amount(value));
        }
        let value = if grouped { Decimal::from_str(&text.replace(',', "")) } else { Decimal::from_str(text) };
        value.ok().map(Amount)
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
        // In integers: the amount is mantissa / 10^scale of its unit, so its cents are the
        // mantissa times 10^(2 + the unit's digits − scale), exact only when that divides.
        let unit_digits: u32 = match unit {
            Unit::Yuan => 2,
            Unit::Wan => 6,
        };
        let (mantissa, scale) = (self.0.mantissa(), self.0.scale());
        let cents = if scale <= unit_digits {
            mantissa.checked_mul(10i128.checked_pow(unit_digits - scale)?)?
        } else {
            let divisor = 10i128.checked_pow(scale - unit_digits)?;
            if mantissa % divisor != 0 {
                return None;
            }
            mantissa / divisor
        };
        (cents.abs() <= MAX_CENTS).then(|| Decimal::from_i128_with_scale(cents, 2))
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

/// The value of checked digits (separators and one point allowed) of up to 18 digits, which
/// fit a `u64` exactly, as `Decimal::from_str` would read them; `None` for longer numbers,
/// which are left to it. Builds the decimal from its digits, with no text copied.
fn small_decimal(body: &str, negative: bool) -> Option<Decimal> {
    let (mut mantissa, mut digits, mut scale) = (0u64, 0u32, None::<u32>);
    for b in body.bytes() {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                if digits > 18 {
                    return None;
                }
                mantissa = mantissa * 10 + u64::from(b - b'0');
                scale = scale.map(|s| s + 1);
            }
            b'.' => scale = Some(0),
            _ => {} // a thousands separator
        }
    }
    let mut value = Decimal::try_from_i128_with_scale(i128::from(mantissa), scale.unwrap_or(0)).ok()?;
    // As `from_str` reads them, `-0` and `-0.00` are zeros without a sign.
    value.set_sign_negative(negative && mantissa != 0);
    Some(value)
}

/// Whether `body` (a number without its sign) is well formed, in one pass: plain digits, or
/// 1–3 digits then `,ddd` groups (never misgrouped, `30,87`), then optionally a point and 1–6
/// digits. `Some(true)` when it has separators.
fn checked_shape(body: &[u8]) -> Option<bool> {
    let point = body.iter().position(|&b| b == b'.').unwrap_or(body.len());
    let (int_part, frac_part) = body.split_at(point);
    // Digits before the first separator, and in the group since the last one.
    let (mut lead, mut group): (usize, Option<usize>) = (0, None);
    for &b in int_part {
        match (b, &mut group) {
            (b'0'..=b'9', Some(n)) => *n += 1,
            (b'0'..=b'9', None) => lead += 1,
            (b',', Some(3)) => group = Some(0),
            (b',', None) if (1..=3).contains(&lead) => group = Some(0),
            _ => return None,
        }
    }
    let int_ok = lead > 0 && group.is_none_or(|n| n == 3);
    let frac_ok = frac_part.get(1..).is_none_or(|f| (1..=6).contains(&f.len()) && f.iter().all(u8::is_ascii_digit));
    (int_ok && frac_ok).then_some(group.is_some())
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`Amount::parse`] accepts, as its doc states it.
    static GRAMMAR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^-?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]{1,6})?$").unwrap()
    });

    #[test]
    fn accepts_its_grammar_and_parses_as_decimal_from_str_does() {
        const PIECES: &[&str] = &["0", "1", "9", "12", "345", "000", ",", ".", "-", "5", "07", "999"];
        let mut rng = crate::testing::Rng(0x0dec_13a1);
        let mut compared = 0;
        for _ in 0..50_000 {
            let n = 1 + (rng.next() % 12) as usize;
            let text = rng.text(PIECES, n);
            let digits = text.bytes().filter(u8::is_ascii_digit).count();
            if digits <= 28 {
                assert_eq!(Amount::parse(&text).is_some(), GRAMMAR.is_match(&text), "on {text:?}");
            }
            let Some(got) = Amount::parse(&text) else { continue };
            let want = Decimal::from_str(&text.replace(',', "")).unwrap();
            // Same value, scale and sign (`-0.00` included): the same 16 bytes.
            assert_eq!(got.0.serialize(), want.serialize(), "on {text:?}");
            assert_eq!(got.to_string(), want.to_string(), "on {text:?}");
            compared += 1;
        }
        assert!(compared > 5_000, "only {compared} amounts among the samples");
    }

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

    /// `to_yuan` as decimal arithmetic states it: times 10,000 for 万元, times 100, exact
    /// when no decimal is left.
    fn yuan_by_decimals(a: Amount, unit: Unit) -> Option<Decimal> {
        let yuan = if unit == Unit::Wan { a.0.checked_mul(Decimal::from(10_000))? } else { a.0 };
        let mut cents = yuan.checked_mul(Decimal::from(100))?;
        cents.normalize_assign();
        (cents.scale() == 0 && cents.mantissa().abs() <= MAX_CENTS)
            .then(|| Decimal::from_i128_with_scale(cents.mantissa(), 2))
    }

    #[test]
    fn to_yuan_agrees_with_decimal_arithmetic() {
        const PIECES: &[&str] = &["0", "1", "9", "12", "345", "000", ".", "-", "5", "07", "999", "100"];
        let mut rng = crate::testing::Rng(0x7_0e_a5);
        let mut converted = 0;
        for _ in 0..50_000 {
            let n = 1 + (rng.next() % 10) as usize;
            let text = rng.text(PIECES, n);
            let Some(a) = Amount::parse(&text) else { continue };
            for unit in [Unit::Yuan, Unit::Wan] {
                let got = a.to_yuan(unit);
                assert_eq!(
                    got.map(|d| d.serialize()),
                    yuan_by_decimals(a, unit).map(|d| d.serialize()),
                    "{text:?} {unit:?}"
                );
                converted += usize::from(got.is_some());
            }
        }
        assert!(converted > 5_000, "only {converted} conversions among the samples");
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

    #[test]
    fn cache_bytes_keep_value_and_scale() {
        for text in ["1808.5", "0.00", "-12.50", "156,211,123", "0.000001"] {
            let a = Amount::parse(text).unwrap();
            let bytes = postcard::to_stdvec(&a).unwrap();
            let back: Amount = postcard::from_bytes(&bytes).unwrap();
            assert_eq!((back, back.to_string()), (a, a.to_string()));
        }
        let mut bad = postcard::to_stdvec(&Amount::parse("1.5").unwrap()).unwrap();
        bad[2] = 29; // a scale no decimal has
        assert!(postcard::from_bytes::<Amount>(&bad).is_err());
    }
}
