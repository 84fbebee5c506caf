//! Checks of fields that several use cases take (names, ID numbers, accounts, titles,
//! subjects), so each refuses the same input with the same code and message.

use question_bank::{IdNumber, Subject};

use crate::error::{ApiError, ApiResult};

/// A person's name, trimmed: 1–50 characters.
pub fn person_name(name: &str) -> ApiResult<&str> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 50 {
        return Err(ApiError::invalid(
            "invalid_name",
            "姓名不能为空且不超过 50 字",
        ));
    }
    Ok(name)
}

/// An 18-character ID number with a valid birth date and check character.
pub fn id_number(raw: &str) -> ApiResult<IdNumber> {
    raw.parse()
        .map_err(|e: question_bank::id_number::IdNumberError| {
            ApiError::invalid("invalid_id_number", e.to_string())
        })
}

/// An account name, trimmed: 3–32 of lower-case letters, digits and `_ . -`.
pub fn username(name: &str) -> ApiResult<&str> {
    let name = name.trim();
    let valid = (3..=32).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
    if !valid {
        return Err(ApiError::invalid(
            "invalid_username",
            "账号应为 3–32 位小写字母、数字或 _ . -",
        ));
    }
    Ok(name)
}

/// An admission ticket number (准考证号), trimmed: 4–32 of ASCII letters, digits and `-`.
pub fn ticket(raw: &str) -> ApiResult<&str> {
    let ticket = raw.trim();
    let valid = (4..=32).contains(&ticket.len())
        && ticket
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !valid {
        return Err(ApiError::invalid(
            "invalid_ticket",
            "准考证号应为 4–32 位字母、数字或连字符",
        ));
    }
    Ok(ticket)
}

/// A seat number within `1..=seats`, normalised to at least two digits (`7` → `07`).
pub fn seat(raw: &str, seats: i64) -> ApiResult<String> {
    let n: i64 = raw
        .trim()
        .parse()
        .map_err(|_| ApiError::invalid("invalid_seat", format!("座位号 `{raw}` 应为数字")))?;
    if !(1..=seats).contains(&n) {
        return Err(ApiError::invalid(
            "invalid_seat",
            format!("座位号应在 01–{seats:02} 之间"),
        ));
    }
    Ok(format!("{n:02}"))
}

/// A new password: at least 10 characters.
pub fn password(password: &str) -> ApiResult<()> {
    if password.chars().count() < 10 {
        return Err(ApiError::invalid("weak_password", "密码至少 10 个字符"));
    }
    Ok(())
}

/// A session title, trimmed: 1–100 characters.
pub fn title(title: &str) -> ApiResult<&str> {
    let title = title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        return Err(ApiError::invalid(
            "invalid_title",
            "考试名称不能为空且不超过 100 字",
        ));
    }
    Ok(title)
}

/// A subject code (`Q1`, `Q2`, `Q2-bridge`, ...).
pub fn subject(code: &str) -> ApiResult<Subject> {
    code.parse()
        .map_err(|e: question_bank::subject::UnknownSubject| {
            ApiError::invalid("invalid_subject", e.to_string())
        })
}

/// A batch label (批次): optional, up to 40 characters, no control characters.
pub fn batch(batch: &str) -> ApiResult<&str> {
    let batch = batch.trim();
    if batch.chars().count() > 40 || batch.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "invalid_batch",
            "批次不超过 40 个字符，且不能含控制字符",
        ));
    }
    Ok(batch)
}

/// An employer (工作单位): optional, up to 100 characters, no control characters.
pub fn employer(employer: &str) -> ApiResult<&str> {
    let employer = employer.trim();
    if employer.chars().count() > 100 || employer.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            "invalid_employer",
            "工作单位不超过 100 个字符，且不能含控制字符",
        ));
    }
    Ok(employer)
}

/// A stated reason (for an invigilator action, a purge, ...): trimmed, 1–200 characters.
/// `action` names what it is for in the message, e.g. `操作`.
pub fn reason<'a>(reason: &'a str, action: &str) -> ApiResult<&'a str> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 200 {
        return Err(ApiError::invalid(
            "invalid_reason",
            format!("请填写{action}原因（不超过 200 字）"),
        ));
    }
    Ok(reason)
}

/// An exam part filter: `theory` or `practical`, when given.
pub fn part_kind(kind: Option<&str>) -> ApiResult<()> {
    match kind {
        None | Some("theory") | Some("practical") => Ok(()),
        Some(_) => Err(ApiError::invalid(
            "invalid_kind",
            "kind 只能是 theory（理论）或 practical（实操）",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seats_are_normalised_and_bounded() {
        assert_eq!(seat("7", 12).unwrap(), "07");
        assert_eq!(seat(" 012 ", 12).unwrap(), "12");
        assert!(seat("13", 12).is_err());
        assert!(seat("0", 12).is_err());
        assert!(seat("A1", 12).is_err());
    }

    #[test]
    fn tickets_are_short_ascii_codes() {
        assert_eq!(ticket(" D0001-01 ").unwrap(), "D0001-01");
        assert!(ticket("ab").is_err());
        assert!(ticket("票号1234").is_err());
        assert!(ticket(&"9".repeat(33)).is_err());
    }
}
