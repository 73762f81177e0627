//! Exact numbers. Terraform numbers are arbitrary-precision decimals; byte limits and
//! sequence numbers can exceed i64, so nothing here rounds through f64.

use bigdecimal::{BigDecimal, FromPrimitive, ParseBigDecimalError, ToPrimitive};
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
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Number(BigDecimal);

impl Number {
    pub fn from_i64(n: i64) -> Self {
        Number(BigDecimal::from(n))
    }

    pub fn from_u64(n: u64) -> Self {
        Number(BigDecimal::from(n))
    }

    /// The exact binary value of `f` (0.1f64 becomes 0.1000000000000000055511...).
    /// `None` for NaN and infinities, which Terraform numbers cannot hold.
    pub fn from_f64(f: f64) -> Option<Self> {
        BigDecimal::from_f64(f).map(Number)
    }

    pub fn is_integer(&self) -> bool {
        self.0.is_integer()
    }

    /// The value as i64 when it is an integer within range.
    pub fn to_i64(&self) -> Option<i64> {
        if self.is_integer() {
            self.0.to_i64()
        } else {
            None
        }
    }

    /// The value as u64 when it is a non-negative integer within range.
    pub fn to_u64(&self) -> Option<u64> {
        if self.is_integer() {
            self.0.to_u64()
        } else {
            None
        }
    }

    /// The nearest f64 (possibly inexact).
    pub fn to_f64(&self) -> f64 {
        self.0.to_f64().unwrap_or(f64::NAN)
    }

    /// The value as f64 only when the f64 holds exactly this number (0.5 yes, 0.1 no).
    pub fn to_f64_exact(&self) -> Option<f64> {
        let nearest = self.0.to_f64()?;
        if !nearest.is_finite() {
            return None;
        }
        let back = BigDecimal::from_f64(nearest)?;
        (back == self.0).then_some(nearest)
    }

    pub fn as_decimal(&self) -> &BigDecimal {
        &self.0
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
        Ok(Number(parsed))
    }
}

/// Hashes the normalized form so that numerically equal numbers (`1.0`, `1`) hash alike.
impl Hash for Number {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.normalized().into_bigint_and_exponent().hash(state);
    }
}

/// Plain decimal notation, no exponent, no trailing zeros: what Terraform prints.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.normalized().to_plain_string())
    }
}
