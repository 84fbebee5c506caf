//! 居民身份证号码: the 18-character resident identity number (GB 11643-1999).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// A syntactically valid ID number: 17 digits with a real birth date and a correct
/// ISO 7064 MOD 11-2 check character. An `IdNumber` that exists is a valid one.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

/// Gender, derived from the 17th digit (odd = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Gender {
    /// 男
    Male,
    /// 女
    Female,
}

/// Why a string is not a valid ID number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    /// Not 18 characters.
    #[error("身份证号码应为 18 位，收到 {0} 位")]
    Length(usize),
    /// A non-digit among the first 17, or a last character other than a digit or X.
    #[error("身份证号码前 17 位应为数字，末位为数字或 X")]
    Characters,
    /// Digits 7–14 are not a real date.
    #[error("身份证号码中的出生日期无效")]
    BirthDate,
    /// The check character does not match.
    #[error("身份证号码校验位错误（应为 {expected}）")]
    CheckDigit {
        /// The check character the first 17 digits require.
        expected: char,
    },
}

/// The check character for the first 17 digits.
pub fn check_char(first17: &[u8; 17]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    match (12 - sum % 11) % 11 {
        10 => 'X',
        n => char::from_digit(n, 10).expect("n < 10"),
    }
}

impl IdNumber {
    /// The number as written (upper-case X).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Birth date encoded in digits 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").expect("validated on construction")
    }

    /// Gender from the 17th digit.
    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }

    /// Masked for display and logs: `110101********123X`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

/// A stored ID number masked for display; one that does not parse shows as `******`.
pub fn masked(raw: &str) -> String {
    raw.parse::<IdNumber>()
        .map_or_else(|_| "******".to_owned(), |i| i.masked())
}

impl FromStr for IdNumber {
    type Err = IdNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_uppercase();
        let len = s.chars().count();
        if len != 18 {
            return Err(IdNumberError::Length(len));
        }
        let bytes = s.as_bytes();
        let first17: &[u8; 17] = bytes[..17]
            .try_into()
            .expect("18 ASCII bytes checked above");
        if !first17.iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(IdNumberError::Characters);
        }
        if NaiveDate::parse_from_str(&s[6..14], "%Y%m%d").is_err() {
            return Err(IdNumberError::BirthDate);
        }
        let expected = check_char(first17);
        if bytes[17] as char != expected {
            return Err(IdNumberError::CheckDigit { expected });
        }
        Ok(IdNumber(s))
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Build a valid ID number from a 6-digit region, a birth date and a 3-digit sequence
/// (odd = male). Used for demo data and tests.
pub fn synthesize(region: u32, birth: NaiveDate, sequence: u16) -> IdNumber {
    let first17 = format!(
        "{:06}{}{:03}",
        region % 1_000_000,
        birth.format("%Y%m%d"),
        sequence % 1000
    );
    let arr: &[u8; 17] = first17.as_bytes().try_into().expect("6 + 8 + 3 digits");
    IdNumber(format!("{first17}{}", check_char(arr)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_known_valid_number() {
        // GB 11643-1999's worked example.
        let id: IdNumber = "11010519491231002X".parse().unwrap();
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn rejects_wrong_check_digit_and_dates() {
        assert_eq!(
            "110105194912310021".parse::<IdNumber>(),
            Err(IdNumberError::CheckDigit { expected: 'X' })
        );
        assert_eq!(
            "11010519491331002X".parse::<IdNumber>(),
            Err(IdNumberError::BirthDate)
        );
        assert_eq!(
            "1101051949123100".parse::<IdNumber>(),
            Err(IdNumberError::Length(16))
        );
        assert_eq!(
            "1101051949123100A2".parse::<IdNumber>(),
            Err(IdNumberError::Characters)
        );
    }

    #[test]
    fn synthesized_numbers_are_valid() {
        let birth = NaiveDate::from_ymd_opt(1990, 2, 28).unwrap();
        for seq in 0..200 {
            let id = synthesize(320102, birth, seq);
            assert_eq!(id.as_str().parse::<IdNumber>().unwrap(), id);
            assert_eq!(id.gender() == Gender::Male, seq % 2 == 1);
        }
    }
}
