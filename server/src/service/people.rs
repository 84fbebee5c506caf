//! A person's exam history across theory and practical sessions, for the retake rules
//! (补考) and joint results.

use chrono::NaiveDate;
use question_bank::practical::{
    retake_eligibility, sittings, Eligibility, Part, PartRecord, PartResult, Sitting,
};
use question_bank::Subject;

use super::AppState;
use crate::clock::china_date;
use crate::error::{ApiError, ApiResult};
use crate::store::practical::PartRow;

/// Every sitting of every subject by the person with `id_number`, oldest first.
pub async fn person_sittings(state: &AppState, id_number: &str) -> ApiResult<Vec<Sitting>> {
    let (theory, practical) = state.store.finished_parts(id_number).await?;
    let parts: Vec<PartRecord> = theory
        .iter()
        .filter_map(|row| part_record(Part::Theory, row))
        .chain(
            practical
                .iter()
                .filter_map(|row| part_record(Part::Practical, row)),
        )
        .collect();
    Ok(sittings(&parts))
}

/// A finished part as the retake rules see it: absent, or passed/failed as stored.
fn part_record(part: Part, row: &PartRow) -> Option<PartRecord> {
    let tenths = row
        .score_tenths
        .and_then(|s| u32::try_from(s).ok())
        .unwrap_or(0);
    let result = match (row.status.as_str(), row.passed) {
        ("absent", _) => PartResult::Absent,
        (_, Some(true)) => PartResult::Passed { tenths },
        _ => PartResult::Failed { tenths },
    };
    Some(PartRecord {
        part,
        subject: row.subject.parse::<Subject>().ok()?,
        date: china_date(row.at),
        result,
    })
}

/// Refuse a registration the retake rules do not allow: a pass still valid, a retake
/// used up or out of time is a new application, and a retake re-sits only failed parts.
pub async fn check_registration(
    state: &AppState,
    id_number: &str,
    subject: Subject,
    date: NaiveDate,
    part: Part,
) -> ApiResult<()> {
    let history: Vec<_> = person_sittings(state, id_number)
        .await?
        .iter()
        .filter_map(Sitting::attempt)
        .collect();
    match retake_eligibility(&history, subject, date) {
        Eligibility::Refused { reason } => Err(ApiError::conflict(
            "registration_refused",
            reason.to_string(),
        )),
        Eligibility::Retake {
            theory, practical, ..
        } if !(match part {
            Part::Theory => theory,
            Part::Practical => practical,
        }) =>
        {
            let which = match part {
                Part::Theory => "理论考试已合格，补考只需参加实际操作考试",
                Part::Practical => "实际操作考试已合格，补考只需参加理论考试",
            };
            Err(ApiError::conflict("retake_part_passed", which))
        }
        _ => Ok(()),
    }
}
