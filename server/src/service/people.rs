//! A person's exam history across theory and practical sessions, for the retake rules
//! (补考) and joint results.

use chrono::NaiveDate;
use question_bank::practical::{
    retake_eligibility, sittings, Eligibility, Part, PartRecord, PartResult, Sitting,
};
use question_bank::Subject;

use super::practical::practical_part;
use super::AppState;
use crate::clock::china_date;
use crate::error::{ApiError, ApiResult};

/// Every sitting of every subject by the person with `id_number`, oldest first.
pub async fn person_sittings(state: &AppState, id_number: &str) -> ApiResult<Vec<Sitting>> {
    let (theory, practical) = state.store.finished_parts(id_number).await?;
    let mut parts = Vec::new();
    for t in &theory {
        let Ok(subject) = t.subject.parse::<Subject>() else {
            continue;
        };
        let result = match (t.status.as_str(), t.passed, t.score_tenths) {
            ("absent", _, _) => PartResult::Absent,
            (_, Some(true), Some(s)) => PartResult::Passed {
                tenths: u32::try_from(s).unwrap_or(0),
            },
            (_, _, s) => PartResult::Failed {
                tenths: s.and_then(|s| u32::try_from(s).ok()).unwrap_or(0),
            },
        };
        parts.push(PartRecord {
            part: Part::Theory,
            subject,
            date: china_date(t.at),
            result,
        });
    }
    for p in &practical {
        if let Ok(subject) = p.subject.parse::<Subject>() {
            parts.extend(practical_part(
                subject,
                china_date(p.at),
                &p.status,
                p.score_tenths,
            ));
        }
    }
    Ok(sittings(&parts))
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
