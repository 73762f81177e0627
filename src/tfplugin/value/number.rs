//! Exact numbers. Terraform numbers are arbitrary-precision decimals; byte limits and
//! sequence numbers can exceed i64, so nothing here rounds through f64.

use bigdecimal::{BigDecimal, FromPrimitive, ToPrimitive};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(BigDecimal);

impl Number {
    pub fn from_i64(n: i64) -> Self {
        Number(BigDecimal::from(n))
    }

    pub fn from_u64(n: u64) -> Self {
        Number(BigDecimal::from(n))
    }

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

    pub fn as_decimal(&self) -> &BigDecimal {
        &self.0
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number::from_i64(n)
    }
}

impl FromStr for Number {
    type Err = bigdecimal::ParseBigDecimalError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        BigDecimal::from_str(s).map(|d| Number(d.normalized()))
    }
}

/// Plain decimal notation, no exponent, no trailing zeros: what Terraform prints.
impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let normalized = self.0.normalized();
        if normalized.is_integer() {
            write!(f, "{}", normalized.with_scale(0))
        } else {
            write!(f, "{}", normalized.to_plain_string())
        }
    }
}
