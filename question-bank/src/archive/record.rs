//! What a sealed archive record holds: one candidate's theory paper or practical
//! assessment, with everything needed to audit and re-score it without the live database.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::blueprint::Blueprint;
use crate::paper::Paper;
use crate::question::Area;
use crate::wire::PaperStatus;

/// The body of a record: one candidate's part result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordBody {
    /// 理论考试: the paper, every answer change, the score.
    Theory(Box<TheoryRecord>),
    /// 实际操作考试: every assessor's sheet and the combined result.
    Practical(Box<PracticalRecord>),
}

impl RecordBody {
    /// The part's kind as stored and filtered on: `theory` or `practical`.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordBody::Theory(_) => "theory",
            RecordBody::Practical(_) => "practical",
        }
    }

    /// Who the record is about.
    pub fn person(&self) -> &PersonRef {
        match self {
            RecordBody::Theory(t) => &t.person,
            RecordBody::Practical(p) => &p.person,
        }
    }

    /// The session it was sat in.
    pub fn session(&self) -> &SessionRef {
        match self {
            RecordBody::Theory(t) => &t.session,
            RecordBody::Practical(p) => &p.session,
        }
    }

    /// The institution that ran it.
    pub fn institution(&self) -> &InstitutionRef {
        match self {
            RecordBody::Theory(t) => &t.institution,
            RecordBody::Practical(p) => &p.institution,
        }
    }

    /// Subject code (`Q1`, `Q2-bridge`, ...).
    pub fn subject(&self) -> &str {
        match self {
            RecordBody::Theory(t) => &t.subject,
            RecordBody::Practical(p) => &p.subject,
        }
    }

    /// Score in tenths of a point (`None` when absent), and whether the part was passed.
    pub fn outcome(&self) -> (Option<u32>, bool) {
        match self {
            RecordBody::Theory(t) => (
                t.score.as_ref().map(|s| s.total_tenths),
                t.score.as_ref().is_some_and(|s| s.passed),
            ),
            RecordBody::Practical(p) => (p.outcome.score_tenths, p.outcome.passed),
        }
    }
}

/// The institution (考试机构) as it was at sealing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionRef {
    /// 考试机构代码.
    pub code: String,
    /// Name.
    pub name: String,
    /// 发证机关代码.
    pub authority_code: String,
}

/// The candidate's identity as checked in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    /// Name.
    pub name: String,
    /// Full 18-character ID number.
    pub id_number: String,
    /// 男 / 女.
    pub gender: String,
    /// Employer (工作单位), may be empty.
    pub employer: String,
}

/// The session a part was sat in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRef {
    /// Session id (theory and practical sessions number separately).
    pub id: i64,
    /// Title.
    pub title: String,
    /// Batch (批次), may be empty.
    pub batch: String,
    /// Exam day in China time.
    pub exam_date: NaiveDate,
}

/// One theory paper, sealed when its session closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TheoryRecord {
    /// Institution.
    pub institution: InstitutionRef,
    /// Candidate.
    pub person: PersonRef,
    /// Candidate id in the session.
    pub candidate_id: i64,
    /// Admission ticket.
    pub ticket: String,
    /// Seat the paper was bound to.
    pub seat: String,
    /// Subject code.
    pub subject: String,
    /// Session.
    pub session: SessionRef,
    /// When the invigilator opened the session.
    pub opened_at: Option<DateTime<Utc>>,
    /// The paper's deadline.
    pub deadline_at: Option<DateTime<Utc>>,
    /// The blueprint the paper was assembled and is marked by.
    pub blueprint: Blueprint,
    /// The paper as generated: bank version, seed, question ids, option orders.
    pub paper: Paper,
    /// Attendance and terminal.
    pub attendance: Attendance,
    /// Every applied answer change, in order of arrival, bank labels.
    pub answer_events: Vec<AnswerEvent>,
    /// Final answers by question number − 1, bank labels.
    pub answers: Vec<Option<String>>,
    /// The score given (absent papers have none).
    pub score: Option<TheoryScore>,
    /// Invigilator and staff actions concerning this candidate.
    pub events: Vec<AuditEntry>,
}

/// Whether and how a candidate sat the paper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    /// Final state: submitted or absent.
    pub status: PaperStatus,
    /// When the candidate started.
    pub started_at: Option<DateTime<Utc>>,
    /// When the paper was submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Submitted by the server at the deadline.
    pub auto_submitted: bool,
    /// Terminal id that held the paper last.
    pub terminal: Option<String>,
    /// Seat that terminal reported.
    pub terminal_seat: Option<String>,
    /// Ended by an invigilator for irregularity (违纪终止): the score is void.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terminated: Option<Termination>,
}

/// An invigilator ended the paper for irregularity. The answers stay in the record as
/// evidence; the score is void (0 points, failed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Termination {
    /// When.
    pub at: DateTime<Utc>,
    /// The reason the invigilator gave.
    pub reason: String,
}

/// One applied answer change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerEvent {
    /// Question number.
    pub no: u16,
    /// New answer in bank labels (`None` = cleared).
    pub answer: Option<String>,
    /// The terminal's sequence number.
    pub seq: i64,
    /// Server time of receipt.
    pub at: DateTime<Utc>,
}

/// The score as given at submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TheoryScore {
    /// Points earned, tenths.
    pub total_tenths: u32,
    /// Points available, tenths.
    pub max_tenths: u32,
    /// Pass mark, tenths.
    pub pass_mark_tenths: u32,
    /// Passed.
    pub passed: bool,
    /// Questions left unanswered.
    pub unanswered: u32,
    /// Per content area.
    pub areas: Vec<AreaScore>,
}

/// Points in one content area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AreaScore {
    /// Area.
    pub area: Area,
    /// Earned, tenths.
    pub earned_tenths: u32,
    /// Available, tenths.
    pub max_tenths: u32,
}

/// An audit-log entry concerning the candidate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (account name).
    pub actor: String,
    /// What, e.g. `takeover_approved`.
    pub action: String,
    /// Details as logged (reason, terminals, ...).
    pub detail: Value,
}

/// One practical assessment, sealed when the chief signed it off or it was recorded absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticalRecord {
    /// Institution.
    pub institution: InstitutionRef,
    /// Candidate.
    pub person: PersonRef,
    /// Candidate id in the practical session.
    pub candidate_id: i64,
    /// Subject code.
    pub subject: String,
    /// Session.
    pub session: SessionRef,
    /// The crane or simulator used.
    pub apparatus: Value,
    /// Sheet template id and version.
    pub template: TemplateRef,
    /// Combination rule.
    pub rule: Value,
    /// Every sheet version of every assessor, superseded ones included.
    pub sheets: Vec<SheetEntry>,
    /// The combined result.
    pub outcome: PracticalOutcome,
    /// Staff actions concerning this candidate.
    pub events: Vec<AuditEntry>,
}

/// A sheet template reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRef {
    /// Template id.
    pub id: String,
    /// Version.
    pub version: u32,
}

/// One version of one assessor's score sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetEntry {
    /// Assessor id.
    pub assessor_id: i64,
    /// Assessor name.
    pub assessor_name: String,
    /// Version (corrections count up).
    pub version: u32,
    /// `signed` or `superseded` (drafts are not archived).
    pub status: String,
    /// The recorded deductions, as stored.
    pub record: Value,
    /// Sheet score, tenths.
    pub score_tenths: u32,
    /// When signed.
    pub signed_at: Option<DateTime<Utc>>,
    /// Why this version replaced the previous one.
    pub correction_reason: Option<String>,
}

/// The practical result as signed off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PracticalOutcome {
    /// `signed_off` or `absent`.
    pub status: String,
    /// Combined score, tenths (`None` when absent).
    pub score_tenths: Option<u32>,
    /// Passed.
    pub passed: bool,
    /// Chief assessor who signed off.
    pub signed_off_by: Option<i64>,
    /// When.
    pub signed_off_at: Option<DateTime<Utc>>,
    /// How the sheets were combined.
    pub combination: Option<Value>,
}
