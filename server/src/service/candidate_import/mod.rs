//! 批量导入考生: register every candidate of a roster spreadsheet into one theory session.
//!
//! What is guaranteed, and what is not: a registration stores one candidate and their
//! paper in its own transaction (the paper is assembled inside it, from the exposure of
//! the papers before it), so a roster is not registered in one transaction. Instead,
//! every row is checked first, with the rules a single registration applies (name, ID
//! number, ticket, seat, employer, the retake rules) plus duplicates of ticket, seat and
//! ID number within the file and against what is already stored. If any row fails,
//! nobody is registered and every failing row is reported. Only a file with no problem
//! is registered, row by row, through [`sessions::register_candidate`] itself. Should a
//! registration still fail after that (another examiner took the same seat or ticket in
//! the meantime, or the database failed), the rows before it stay registered and the
//! error says which row failed and how many were registered.

pub mod roster;

use std::collections::{HashMap, HashSet};

use question_bank::practical::Part;
use question_bank::wire::{CandidateView, RegisterCandidateRequest};
use question_bank::IdNumber;

use super::people::check_registration;
use super::sessions::{self, load_session, MAX_SEATS};
use super::{validate, AppState};
use crate::auth::Principal;
use crate::clock::china_date;
use crate::error::ApiError;
pub use roster::{read_roster, template_xlsx, Column, RosterRow, RowIssue, MAX_ROSTER_BYTES};

/// Why a roster was not (wholly) registered.
#[derive(Debug)]
pub enum RosterFailure {
    /// Problems found before anything was registered, every one of them.
    Rows(Vec<RowIssue>),
    /// Anything else (no such session, storage, a registration failing midway).
    Other(ApiError),
}

impl From<ApiError> for RosterFailure {
    fn from(e: ApiError) -> Self {
        RosterFailure::Other(e)
    }
}

impl From<sqlx::Error> for RosterFailure {
    fn from(e: sqlx::Error) -> Self {
        RosterFailure::Other(e.into())
    }
}

impl From<RosterFailure> for ApiError {
    fn from(f: RosterFailure) -> Self {
        match f {
            RosterFailure::Rows(issues) => ApiError::invalid_with(
                "roster_invalid",
                format!("考生名单有 {} 处错误，未登记任何考生", issues.len()),
                issues.iter().map(ToString::to_string).collect(),
            ),
            RosterFailure::Other(e) => e,
        }
    }
}

/// What the session (and, for tickets, the whole system) already holds.
#[derive(Debug, Default)]
pub struct Taken {
    /// Seats of the session, normalised (`07`).
    pub seats: HashSet<String>,
    /// ID numbers registered in the session.
    pub id_numbers: HashSet<String>,
    /// Tickets of the file that some candidate already holds.
    pub tickets: HashSet<String>,
}

/// A row that passed every check of [`check_rows`].
#[derive(Debug, Clone)]
pub struct CheckedRow {
    /// 1-based row as Excel shows it.
    pub row: usize,
    /// The registration as written.
    pub request: RegisterCandidateRequest,
    /// The parsed ID number.
    pub id_number: IdNumber,
}

fn issue(row: usize, column: Column, e: &ApiError) -> RowIssue {
    RowIssue::new(row, Some(column), e.to_string())
}

/// Check every row against the registration rules, against each other and against what
/// is `taken`, in a session of `seats` seats. Returns the rows with no problem and every
/// problem found (a row may have several).
pub fn check_rows(
    rows: &[RosterRow],
    seats: i64,
    taken: &Taken,
) -> (Vec<CheckedRow>, Vec<RowIssue>) {
    let mut issues = Vec::new();
    let mut checked = Vec::new();
    let mut first_ticket: HashMap<String, usize> = HashMap::new();
    let mut first_seat: HashMap<String, usize> = HashMap::new();
    let mut first_id: HashMap<String, usize> = HashMap::new();
    for RosterRow { row, request } in rows {
        let row = *row;
        let before = issues.len();
        if let Err(e) = validate::person_name(&request.name) {
            issues.push(issue(row, Column::Name, &e));
        }
        let id_number = validate::id_number(request.id_number.trim())
            .map_err(|e| issues.push(issue(row, Column::IdNumber, &e)))
            .ok();
        let ticket = validate::ticket(&request.ticket)
            .map_err(|e| issues.push(issue(row, Column::Ticket, &e)))
            .ok();
        let seat = validate::seat(&request.seat, seats)
            .map_err(|e| issues.push(issue(row, Column::Seat, &e)))
            .ok();
        if let Err(e) = validate::employer(&request.employer) {
            issues.push(issue(row, Column::Employer, &e));
        }
        let mut duplicate = |column: Column, value: &str, seen: &mut HashMap<String, usize>| {
            match seen.get(value) {
                Some(first) => issues.push(RowIssue::new(
                    row,
                    Some(column),
                    format!("与第 {first} 行的{column}重复"),
                )),
                None => {
                    seen.insert(value.to_owned(), row);
                }
            }
        };
        if let Some(t) = ticket {
            duplicate(Column::Ticket, t, &mut first_ticket);
        }
        if let Some(s) = &seat {
            duplicate(Column::Seat, s, &mut first_seat);
        }
        if let Some(id) = &id_number {
            duplicate(Column::IdNumber, id.as_str(), &mut first_id);
        }
        if let Some(t) = ticket.filter(|t| taken.tickets.contains(*t)) {
            issues.push(RowIssue::new(
                row,
                Some(Column::Ticket),
                format!("准考证号 {t} 已被使用"),
            ));
        }
        if let Some(s) = seat.as_ref().filter(|s| taken.seats.contains(*s)) {
            issues.push(RowIssue::new(
                row,
                Some(Column::Seat),
                format!("座位 {s} 已有考生"),
            ));
        }
        if id_number
            .as_ref()
            .is_some_and(|id| taken.id_numbers.contains(id.as_str()))
        {
            issues.push(RowIssue::new(
                row,
                Some(Column::IdNumber),
                "该考生已在本场考试中登记",
            ));
        }
        if let (Some(id_number), true) = (id_number, issues.len() == before) {
            checked.push(CheckedRow {
                row,
                request: request.clone(),
                id_number,
            });
        }
    }
    (checked, issues)
}

/// Put issues in reading order: by row, then by column as the template orders them.
fn sort_issues(issues: &mut [RowIssue]) {
    issues.sort_by_key(|i| {
        (
            i.row,
            i.column
                .and_then(|c| Column::ALL.iter().position(|&x| x == c))
                .map_or(0, |p| p + 1),
        )
    });
}

/// Register every row of an .xlsx roster into theory session `session_id`, or nobody if
/// any row has a problem (see the module documentation for the exact guarantee).
/// Returns the registered candidates in the file's order.
pub async fn import_roster(
    state: &AppState,
    by: &Principal,
    session_id: i64,
    file_name: &str,
    bytes: &[u8],
) -> Result<Vec<CandidateView>, RosterFailure> {
    let session = load_session(state, session_id).await?;
    if bytes.is_empty() {
        return Err(ApiError::invalid("empty_file", "上传的文件为空").into());
    }
    let rows = read_roster(bytes, usize::from(MAX_SEATS)).map_err(RosterFailure::Rows)?;
    let existing = state.store.list_candidates(session_id).await?;
    let mut taken = Taken {
        seats: existing.iter().map(|c| c.seat.clone()).collect(),
        id_numbers: existing.iter().map(|c| c.id_number.clone()).collect(),
        tickets: HashSet::new(),
    };
    for r in &rows {
        let ticket = r.request.ticket.trim();
        if !ticket.is_empty() && state.store.exam_by_ticket(ticket).await?.is_some() {
            taken.tickets.insert(ticket.to_owned());
        }
    }
    let (checked, mut issues) = check_rows(&rows, session.seats, &taken);
    let subject = session.subject().map_err(ApiError::from)?;
    let date = china_date(session.starts_at);
    for c in &checked {
        match check_registration(state, c.id_number.as_str(), subject, date, Part::Theory).await {
            Ok(()) => {}
            Err(e @ ApiError::Conflict { .. }) => issues.push(issue(c.row, Column::IdNumber, &e)),
            Err(e) => return Err(e.into()),
        }
    }
    if !issues.is_empty() {
        sort_issues(&mut issues);
        return Err(RosterFailure::Rows(issues));
    }
    let mut registered = Vec::with_capacity(checked.len());
    for c in checked {
        match sessions::register_candidate(state, by, session_id, c.request).await {
            Ok(view) => registered.push(view),
            Err(e) => return Err(failed_midway(c.row, registered.len(), e).into()),
        }
    }
    state
        .store
        .audit(
            &by.name,
            "candidate.import",
            &format!("session:{session_id}"),
            &format!("{file_name}: {} rows", registered.len()),
        )
        .await?;
    tracing::info!(session_id, candidates = registered.len(), "roster imported");
    Ok(registered)
}

/// The error for a registration that failed after every row had been checked.
fn failed_midway(row: usize, registered: usize, e: ApiError) -> ApiError {
    let why = match &e {
        ApiError::Internal(cause) => {
            tracing::error!(error = ?cause, row, registered, "roster registration failed midway");
            "服务器内部错误".to_owned()
        }
        other => other.to_string(),
    };
    ApiError::conflict(
        "roster_partially_registered",
        format!(
            "第 {row} 行登记失败（{why}）；此前的 {registered} 名考生已登记，其后各行未登记。请在考场页面核对后，只导入未登记的行"
        ),
    )
}

#[cfg(test)]
mod tests {
    use question_bank::id_number::synthesize;

    use super::*;

    fn id(n: u16) -> String {
        synthesize(
            330_106,
            chrono::NaiveDate::from_ymd_opt(1985, 6, 15).expect("valid date"),
            n,
        )
        .to_string()
    }

    fn row(row: usize, name: &str, id_number: &str, ticket: &str, seat: &str) -> RosterRow {
        RosterRow {
            row,
            request: RegisterCandidateRequest {
                name: name.to_owned(),
                id_number: id_number.to_owned(),
                ticket: ticket.to_owned(),
                seat: seat.to_owned(),
                employer: String::new(),
            },
        }
    }

    #[test]
    fn good_rows_pass_and_every_bad_field_is_reported() {
        let rows = [
            row(2, "张三", &id(1), "T-0001", "1"),
            row(3, "", "110101199001011234", "票号", "99"),
            row(4, "李四", &id(2), "T-0002", "2"),
        ];
        let (ok, issues) = check_rows(&rows, 30, &Taken::default());
        assert_eq!(ok.iter().map(|c| c.row).collect::<Vec<_>>(), vec![2, 4]);
        let at: Vec<_> = issues.iter().map(|i| (i.row, i.column)).collect();
        assert_eq!(
            at,
            vec![
                (3, Some(Column::Name)),
                (3, Some(Column::IdNumber)),
                (3, Some(Column::Ticket)),
                (3, Some(Column::Seat)),
            ]
        );
        assert!(issues[3].reason.contains("01–30"), "{}", issues[3].reason);
    }

    #[test]
    fn duplicates_within_the_file_name_the_first_row() {
        let rows = [
            row(2, "张三", &id(1), "T-0001", "1"),
            row(3, "李四", &id(1), "T-0001", "01"),
        ];
        let (ok, issues) = check_rows(&rows, 30, &Taken::default());
        assert_eq!(ok.len(), 1);
        let mut reasons: Vec<_> = issues.iter().map(|i| i.reason.as_str()).collect();
        reasons.sort_unstable();
        assert_eq!(
            reasons,
            vec![
                "与第 2 行的准考证号重复",
                "与第 2 行的座位号重复",
                "与第 2 行的身份证号重复"
            ]
        );
    }

    #[test]
    fn what_the_session_holds_is_refused() {
        let taken = Taken {
            seats: HashSet::from(["05".to_owned()]),
            id_numbers: HashSet::from([id(3)]),
            tickets: HashSet::from(["T-0009".to_owned()]),
        };
        let rows = [
            row(2, "张三", &id(3), "T-0009", "5"),
            row(3, "李四", &id(4), "T-0010", "6"),
        ];
        let (ok, mut issues) = check_rows(&rows, 30, &taken);
        assert_eq!(ok.len(), 1);
        sort_issues(&mut issues);
        let found: Vec<_> = issues
            .iter()
            .map(|i| (i.row, i.column, i.reason.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![
                (2, Some(Column::IdNumber), "该考生已在本场考试中登记"),
                (2, Some(Column::Ticket), "准考证号 T-0009 已被使用"),
                (2, Some(Column::Seat), "座位 05 已有考生"),
            ]
        );
    }

    #[test]
    fn a_roster_failure_becomes_a_422_listing_every_row() {
        let e = ApiError::from(RosterFailure::Rows(vec![
            RowIssue::new(3, Some(Column::Seat), "座位号应为数字"),
            RowIssue::new(5, None, "空行"),
        ]));
        assert_eq!(e.code(), "roster_invalid");
        match e {
            ApiError::Invalid { details, .. } => {
                assert_eq!(details, vec!["3: 座位号: 座位号应为数字", "5: -: 空行"]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
