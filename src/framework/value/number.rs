//! Exact numbers. Terraform numbers are arbitrary-precision decimals; byte limits and
//! sequence numbers can exceed i64, so nothing here rounds through f64.

use bigdecimal::{BigDecimal, FromPrimitive, ParseBigDecimalError, ToPrimitive};
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

/// Largest accepted "size" of a parsed number: significant digits plus the magnitude of
/// its decimal exponent, i.e. roughly the length of its plain decimal form.
///
/// Why: a short text such as `1e999999999` would otherwise become a value whose
/// printing, comparison or integer conversion allocates gigabytes. Terraform's own
/// numbers (512-bit mantissa) never come close; every f64 fits comfortably.
pub const MAX_NUMBER_SIZE: u64 = 32_768;

/// An exact decimal number. Equality, ordering and hashing are numeric (`1.0 == 1`).
#[derive(Debug, Clone)]
pub struct Number(Repr);

/// Almost every number a provider sees is a whole number within i64 (sizes, counts,
/// durations): those are kept as one, without the allocation and arithmetic of a
/// decimal. Every such number is an `Int`, so equal numbers have equal forms.
#[derive(Debug, Clone)]
enum Repr {
    Int(i64),
    /// Any other number: a fraction, or a whole number outside i64. Boxed: rare, and
    /// unboxed it would make every `Value` (which holds a `Number`) twice as large.
    Decimal(Box<BigDecimal>),
}

impl Number {
    pub fn from_i64(n: i64) -> Self {
        Number(Repr::Int(n))
    }

    pub fn from_u64(n: u64) -> Self {
        match i64::try_from(n) {
            Ok(n) => Number(Repr::Int(n)),
            Err(_) => Number(Repr::Decimal(Box::new(BigDecimal::from(n)))),
        }
    }

    /// The exact binary value of `f` (0.1f64 becomes 0.1000000000000000055511...).
    /// `None` for NaN and infinities, which Terraform numbers cannot hold.
    pub fn from_f64(f: f64) -> Option<Self> {
        BigDecimal::from_f64(f).map(Number::from_decimal)
    }

    /// The number `decimal` holds, as an `Int` when it is one.
    fn from_decimal(decimal: BigDecimal) -> Self {
        // Only a few digits can be a whole number within i64: skip the conversion
        // (which would expand a large exponent) for anything longer.
        let (_, scale) = decimal.as_bigint_and_exponent();
        let short = decimal.digits().saturating_add(scale.unsigned_abs()) <= 40;
        match short.then(|| decimal.is_integer().then(|| decimal.to_i64())) {
            Some(Some(Some(n))) => Number(Repr::Int(n)),
            _ => Number(Repr::Decimal(Box::new(decimal))),
        }
    }

    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Int(_) => true,
            Repr::Decimal(d) => d.is_integer(),
        }
    }

    /// The value as i64 when it is an integer within range.
    pub fn to_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Int(n) => Some(*n),
            // Never a whole number within i64: that would be an `Int`.
            Repr::Decimal(_) => None,
        }
    }

    /// The value as u64 when it is a non-negative integer within range.
    pub fn to_u64(&self) -> Option<u64> {
        match &self.0 {
            Repr::Int(n) => u64::try_from(*n).ok(),
            Repr::Decimal(d) if d.is_integer() => d.to_u64(),
            Repr::Decimal(_) => None,
        }
    }

    /// The nearest f64 (possibly inexact).
    pub fn to_f64(&self) -> f64 {
        match &self.0 {
            Repr::Int(n) => *n as f64,
            Repr::Decimal(d) => d.to_f64().unwrap_or(f64::NAN),
        }
    }

    /// The value as f64 only when the f64 holds exactly this number (0.5 yes, 0.1 no).
    pub fn to_f64_exact(&self) -> Option<f64> {
        match &self.0 {
            Repr::Int(n) => {
                let nearest = *n as f64;
                // A whole f64 of at most 2^63 converts to i128 exactly.
                (nearest as i128 == i128::from(*n)).then_some(nearest)
            }
            Repr::Decimal(d) => {
                let nearest = d.to_f64()?;
                if !nearest.is_finite() {
                    return None;
                }
                let back = BigDecimal::from_f64(nearest)?;
                (back == **d).then_some(nearest)
            }
        }
    }

    /// The value as a decimal (allocates for an `Int`).
    fn decimal(&self) -> std::borrow::Cow<'_, BigDecimal> {
        match &self.0 {
            Repr::Int(n) => std::borrow::Cow::Owned(BigDecimal::from(*n)),
            Repr::Decimal(d) => std::borrow::Cow::Borrowed(d),
        }
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number::from_i64(n)
    }
}

/// Parses decimal text (`"42"`, `"-0.1"`, `"1e400"`), rejecting numbers larger than
/// [`MAX_NUMBER_SIZE`].
impl FromStr for Number {
    type Err = ParseBigDecimalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // The text length bounds the digit count before the (superlinear) parse runs.
        if s.len() as u64 > MAX_NUMBER_SIZE {
            return Err(ParseBigDecimalError::Other(format!(
                "number text longer than {MAX_NUMBER_SIZE} characters"
            )));
        }
        let parsed = BigDecimal::from_str(s)?.normalized();
        let (_, scale) = parsed.as_bigint_and_exponent();
        if parsed.digits().saturating_add(scale.unsigned_abs()) > MAX_NUMBER_SIZE {
            return Err(ParseBigDecimalError::Other(format!(
                "number exponent out of range (more than {MAX_NUMBER_SIZE} digits)"
            )));
        }
        Ok(Number::from_decimal(parsed))
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Repr::Int(a), Repr::Int(b)) => a == b,
            (Repr::Decimal(a), Repr::Decimal(b)) => a == b,
            // An `Int` never equals a `Decimal`: equal numbers have equal forms.
            _ => false,
        }
    }
}

impl Eq for Number {}

impl Ord for Number {
    fn cmp(&self, other: &Self) -> Ordering {
        match (&self.0, &other.0) {
            (Repr::Int(a), Repr::Int(b)) => a.cmp(b),
            _ => self.decimal().as_ref().cmp(other.decimal().as_ref()),
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Equal numbers have equal forms, and a decimal hashes its normalized form (`1.5` and
/// `1.50` alike).
impl Hash for Number {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match &self.0 {
            Repr::Int(n) => n.hash(state),
            Repr::Decimal(d) => d.normalized().into_bigint_and_exponent().hash(state),
        }
    }
}

/// Plain decimal notation, no exponent, no trailing zeros: what Terraform prints.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Int(n) => write!(f, "{n}"),
            Repr::Decimal(d) => f.write_str(&d.normalized().to_plain_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::hash_map::DefaultHasher;

    fn n(text: &str) -> Number {
        text.parse().unwrap()
    }

    fn hash(number: &Number) -> u64 {
        let mut hasher = DefaultHasher::new();
        number.hash(&mut hasher);
        hasher.finish()
    }

    #[test]
    fn every_whole_number_within_i64_has_one_form() {
        let ones = [
            Number::from_i64(1),
            Number::from_u64(1),
            Number::from_f64(1.0).unwrap(),
            n("1"),
            n("1.000"),
            n("0.1e1"),
        ];
        for one in &ones {
            assert!(matches!(one.0, Repr::Int(1)), "{one:?}");
            assert_eq!(one, &ones[0]);
            assert_eq!(hash(one), hash(&ones[0]));
        }
        assert!(matches!(n("-9223372036854775808").0, Repr::Int(i64::MIN)));
        assert!(matches!(n("1e18").0, Repr::Int(1_000_000_000_000_000_000)));
    }

    #[test]
    fn other_numbers_stay_exact_decimals() {
        let beyond = Number::from_u64(u64::MAX);
        assert_eq!(beyond, n("18446744073709551615"));
        assert_eq!(hash(&beyond), hash(&n("18446744073709551615.0")));
        assert_eq!(beyond.to_i64(), None);
        assert_eq!(beyond.to_u64(), Some(u64::MAX));
        assert_eq!(n("-9223372036854775809").to_i64(), None);
        assert_eq!(n("1.5"), n("1.50"));
        assert_eq!(hash(&n("1.5")), hash(&n("1.50")));
        assert!(!n("1.5").is_integer());
        assert!(n("1e30").is_integer());
        assert_eq!(n("1.5").to_u64(), None);
        assert_eq!(n("1e30").to_string(), format!("1{}", "0".repeat(30)));
    }

    #[test]
    fn order_is_numeric_across_forms() {
        let ascending = [
            n("-1e30"),
            Number::from_i64(i64::MIN),
            n("-0.5"),
            Number::from_i64(0),
            n("0.5"),
            Number::from_i64(i64::MAX),
            Number::from_u64(u64::MAX),
        ];
        for pair in ascending.windows(2) {
            assert!(pair[0] < pair[1], "{pair:?}");
            assert!(pair[1] > pair[0], "{pair:?}");
        }
    }

    #[test]
    fn exact_floats_of_whole_numbers() {
        assert_eq!(Number::from_i64(3).to_f64_exact(), Some(3.0));
        assert_eq!(
            Number::from_i64(i64::MIN).to_f64_exact(),
            Some(-9_223_372_036_854_775_808.0)
        );
        // 2^63 - 1 has no f64: the nearest is 2^63.
        assert_eq!(Number::from_i64(i64::MAX).to_f64_exact(), None);
        assert_eq!(Number::from_i64((1 << 53) + 1).to_f64_exact(), None);
        assert_eq!(n("0.5").to_f64_exact(), Some(0.5));
        assert_eq!(n("0.1").to_f64_exact(), None);
        assert_eq!(Number::from_i64(-42).to_string(), "-42");
    }
}
