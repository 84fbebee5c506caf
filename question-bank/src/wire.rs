//! Request and response bodies of the HTTP API, shared by server and client so the two
//! cannot drift. Timestamps are RFC 3339 UTC; scores are points (one decimal).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id_number::Gender;
pub use crate::question::QuestionKind;

/// Who is calling: the role claim of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// 考生: sits a paper.
    Candidate,
    /// 考务人员: schedules sessions, registers candidates, invigilates.
    Examiner,
    /// 考评员: scores practical exams.
    Assessor,
    /// 发证机关: pulls results and archives.
    Certifier,
    /// 系统管理员: accounts and institution settings.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Candidate,
        Role::Examiner,
        Role::Assessor,
        Role::Certifier,
        Role::Admin,
    ];

    /// Lower-case name as used in tokens and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Candidate => "candidate",
            Role::Examiner => "examiner",
            Role::Assessor => "assessor",
            Role::Certifier => "certifier",
            Role::Admin => "admin",
        }
    }

    /// Parse [`Role::as_str`] output.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Every error response: a stable machine code and a readable message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Stable code, e.g. `deadline_passed`.
    pub code: String,
    /// Human-readable message (Chinese).
    pub message: String,
    /// Itemised problems, e.g. one `file:row: field: reason` line per broken bank row.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

/// Staff sign-in.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// Account name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// Candidate sign-in with admission ticket and ID number.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateLoginRequest {
    /// 准考证号.
    pub ticket: String,
    /// 身份证号码.
    pub id_number: String,
    /// This terminal's id (random, kept on the terminal's disk), 1–64 of
    /// `[A-Za-z0-9._:-]`. A started paper is answered on one terminal at a time; sign-ins
    /// without one count as the same unnamed terminal.
    #[serde(default)]
    pub terminal: Option<String>,
    /// The terminal's configured seat label, shown to the invigilator.
    #[serde(default)]
    pub terminal_seat: Option<String>,
}

/// What happens when a candidate whose paper is open on one terminal starts it on another.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TakeoverPolicy {
    /// The new terminal waits until an invigilator approves the move (default).
    #[default]
    Approval,
    /// The new terminal takes the paper over at once; the move is logged.
    Automatic,
}

impl TakeoverPolicy {
    /// Stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            TakeoverPolicy::Approval => "approval",
            TakeoverPolicy::Automatic => "automatic",
        }
    }

    /// From the stored name; unknown names fall back to the safe default.
    pub fn from_stored(s: &str) -> TakeoverPolicy {
        if s == "automatic" {
            TakeoverPolicy::Automatic
        } else {
            TakeoverPolicy::Approval
        }
    }
}

/// An invigilator's decision with its reason (for the audit log).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvigilatorAction {
    /// Why, in words (required, 1–200 characters).
    pub reason: String,
}

/// What an invigilator does to a paper (`POST …/actions/{action}` with a reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PaperAction {
    /// 暂停: stop the clock and close answering (one candidate or the whole session).
    Pause,
    /// 恢复: restart the clock; the deadline moves by the time spent paused.
    Resume,
    /// 允许迟到入场: let a candidate start after the late-entry window (one candidate).
    AdmitLate,
    /// 违纪终止: end the paper for irregularity; the score is void (one candidate).
    Terminate,
}

impl PaperAction {
    /// Every action.
    pub const ALL: [PaperAction; 4] = [
        PaperAction::Pause,
        PaperAction::Resume,
        PaperAction::AdmitLate,
        PaperAction::Terminate,
    ];

    /// The wire name (the `{action}` path segment): `pause`, `admit_late`...
    pub fn as_str(self) -> &'static str {
        match self {
            PaperAction::Pause => "pause",
            PaperAction::Resume => "resume",
            PaperAction::AdmitLate => "admit_late",
            PaperAction::Terminate => "terminate",
        }
    }
}

/// Give one candidate more time (延长考试时间), with the reason (for the audit log).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtendTimeRequest {
    /// Minutes to add to the candidate's deadline (1–120).
    pub minutes: u32,
    /// Why, in words (required, 1–200 characters).
    pub reason: String,
}

/// A bearer token.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenResponse {
    /// JWT for `Authorization: Bearer`.
    pub token: String,
    /// Role claim.
    pub role: Role,
    /// When the token stops working.
    pub expires_at: DateTime<Utc>,
}

/// Create a staff account (admin only).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateUserRequest {
    /// Account name, 3–32 of `[a-z0-9_.-]`.
    pub username: String,
    /// Password, at least 10 characters.
    pub password: String,
    /// Staff role (not `candidate`).
    pub role: Role,
    /// Name shown in the console.
    pub display_name: String,
}

/// A staff account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    /// Account id.
    pub id: i64,
    /// Account name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Display name.
    pub display_name: String,
}

/// Schedule a theory exam session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateSessionRequest {
    /// Title, e.g. `2026年11月第3批 Q2 桥式`.
    pub title: String,
    /// Batch (批次) as reported to the issuing authority, e.g. `2026-11-03`; may be empty.
    #[serde(default)]
    pub batch: String,
    /// Subject code: `Q1`, `Q2`, `Q2-bridge`, ...
    pub subject: String,
    /// Scheduled start.
    pub starts_at: DateTime<Utc>,
    /// Exam length; the subject's blueprint default (3600) when omitted.
    pub duration_seconds: Option<u32>,
    /// Number of seats (terminals) in the room, 1–500.
    pub seats: u16,
    /// Minutes after opening during which a candidate may still start (default 30).
    pub late_entry_minutes: Option<u32>,
    /// Mean difficulty (1–5) every paper must hit; default: the pool's expected mean.
    #[serde(default)]
    pub difficulty_mean: Option<f64>,
    /// Largest difference between two papers' mean difficulty (default 0.1).
    #[serde(default)]
    pub difficulty_tolerance: Option<f64>,
    /// Smallest standard deviation of difficulty on each paper (default none).
    #[serde(default)]
    pub difficulty_min_spread: Option<f64>,
    /// Questions per type (default 40 判断 / 50 单选 / 10 多选).
    #[serde(default)]
    pub kind_counts: Option<crate::blueprint::KindCounts>,
    /// Area weights in percent, summing to 100 (default 30/50/20).
    #[serde(default)]
    pub area_weights: Option<crate::blueprint::AreaWeights>,
    /// Moving a started paper to another terminal (default: invigilator approval).
    #[serde(default)]
    pub takeover_policy: Option<TakeoverPolicy>,
    /// Show candidates their score when they submit (default: the server's
    /// `show_score_on_submit`).
    #[serde(default)]
    pub show_score: Option<bool>,
}

/// Lifecycle of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SessionStatus {
    /// Scheduled; candidates may log in and wait.
    Scheduled,
    /// Opened by the invigilator; the clock runs.
    Open,
}

/// A theory exam session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    /// Session id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Batch (批次).
    #[serde(default)]
    pub batch: String,
    /// Subject code.
    pub subject: String,
    /// Subject as printed, e.g. `Q2(限桥式起重机)`.
    pub subject_name: String,
    /// Scheduled start.
    pub starts_at: DateTime<Utc>,
    /// Exam length.
    pub duration_seconds: u32,
    /// Seats.
    pub seats: u16,
    /// Status.
    pub status: SessionStatus,
    /// When the invigilator opened it.
    pub opened_at: Option<DateTime<Utc>>,
    /// Minutes after opening a candidate may still start.
    pub late_entry_minutes: u32,
    /// Bank version papers are drawn from.
    pub bank_version: String,
    /// Registered candidates.
    pub candidates: u32,
    /// Moving a started paper to another terminal.
    pub takeover_policy: TakeoverPolicy,
    /// Candidates see their score when they submit.
    pub show_score: bool,
}

/// Register a candidate in a session; the paper is assembled at once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterCandidateRequest {
    /// Full name.
    pub name: String,
    /// 18-character ID number (check digit verified).
    pub id_number: String,
    /// Admission ticket number, unique, 4–32 of `[A-Za-z0-9-]`.
    pub ticket: String,
    /// Seat, `01` .. the session's seat count.
    pub seat: String,
    /// Employer (工作单位), up to 100 characters; may be empty.
    #[serde(default)]
    pub employer: String,
}

/// State of a candidate's paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PaperStatus {
    /// Assembled, not yet opened by the candidate.
    Pending,
    /// Being answered.
    Started,
    /// Submitted and scored.
    Submitted,
    /// Never started before the deadline: absent (fail).
    Absent,
}

/// A registered candidate.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateView {
    /// Candidate id.
    pub id: i64,
    /// Session.
    pub session_id: i64,
    /// Name.
    pub name: String,
    /// ID number, masked.
    pub id_number_masked: String,
    /// Gender from the ID number.
    pub gender: Gender,
    /// Ticket.
    pub ticket: String,
    /// Seat.
    pub seat: String,
    /// Paper state.
    pub paper_status: PaperStatus,
    /// Seat label of the terminal holding the started paper, when it gave one.
    pub terminal_seat: Option<String>,
    /// Another terminal asks to take the paper over (waiting for approval).
    pub takeover_request: Option<TakeoverRequest>,
    /// Passed the identity check (ticket + ID number) at a terminal.
    #[serde(default)]
    pub signed_in: bool,
    /// When the paper was submitted.
    #[serde(default)]
    pub submitted_at: Option<DateTime<Utc>>,
    /// The paper's deadline (set once the session is open).
    #[serde(default)]
    pub deadline_at: Option<DateTime<Utc>>,
    /// Paused by an invigilator since then (the deadline moves on resume).
    #[serde(default)]
    pub paused_at: Option<DateTime<Utc>>,
    /// An invigilator admitted the candidate after the late-entry window.
    #[serde(default)]
    pub late_admitted: bool,
    /// Ended by an invigilator for irregularity (违纪终止): the reason. The score is void.
    #[serde(default)]
    pub terminated_reason: Option<String>,
    /// Questions answered so far.
    #[serde(default)]
    pub answered: u32,
    /// When the last answer was saved.
    #[serde(default)]
    pub last_save_at: Option<DateTime<Utc>>,
    /// When the terminal holding the paper was last heard from (a save or a poll).
    #[serde(default)]
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// A terminal waiting to take over a started paper.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TakeoverRequest {
    /// Seat label of the asking terminal, when it gave one.
    pub terminal_seat: Option<String>,
    /// When it asked.
    pub requested_at: DateTime<Utc>,
}

/// One question as the candidate sees it: options in display order, no key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamQuestion {
    /// Question number, 1-based.
    pub no: u16,
    /// Type.
    pub kind: QuestionKind,
    /// Text.
    pub stem: String,
    /// Options in display order (labelled A, B, ...); empty for judge questions.
    pub options: Vec<String>,
    /// Saved answer in display labels (`T`/`F` or letters), if any.
    pub answer: Option<String>,
    /// Sequence number of the saved answer (0 when none was saved).
    pub seq: u64,
}

/// The candidate's view of their exam.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExamView {
    /// Name.
    pub candidate_name: String,
    /// Ticket.
    pub ticket: String,
    /// Seat.
    pub seat: String,
    /// Subject code.
    pub subject: String,
    /// Subject as printed.
    pub subject_name: String,
    /// Session title.
    pub session_title: String,
    /// Paper state.
    pub status: PaperStatus,
    /// Whether the invigilator has opened the session.
    pub session_open: bool,
    /// Scheduled start.
    pub starts_at: DateTime<Utc>,
    /// Server-authoritative end of this paper, once the session is open.
    pub deadline: Option<DateTime<Utc>>,
    /// Server clock, for skew correction.
    pub server_now: DateTime<Utc>,
    /// Exam length.
    pub duration_seconds: u32,
    /// Questions; empty until the session is open, and on any terminal but the one the
    /// started paper is open on.
    pub questions: Vec<ExamQuestion>,
    /// The started paper is open on another terminal (its seat label, or `""`).
    #[serde(default)]
    pub held_elsewhere: Option<String>,
    /// Result, once submitted (if the session shows scores).
    pub result: Option<SubmitResult>,
    /// Paused by an invigilator since then: answering is closed and the clock stands
    /// still at `deadline - paused_at` until the paper resumes.
    #[serde(default)]
    pub paused_at: Option<DateTime<Utc>>,
    /// The invigilator ended the paper for irregularity (违纪终止): the reason given.
    #[serde(default)]
    pub terminated_reason: Option<String>,
}

/// Save (or clear) one answer. Idempotent: a `seq` not above the stored one changes nothing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveAnswerRequest {
    /// Display labels (`T`/`F`, `A`, `ACD`); `null` clears the answer.
    pub answer: Option<String>,
    /// Client sequence number, increasing per question.
    pub seq: u64,
}

/// Acknowledgement of a durable save.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveAnswerResponse {
    /// Question number.
    pub no: u16,
    /// The answer now stored (display labels).
    pub answer: Option<String>,
    /// Sequence number now stored.
    pub seq: u64,
    /// False when the request was a replay or older than the stored answer.
    pub applied: bool,
    /// Server clock.
    pub server_now: DateTime<Utc>,
    /// Current deadline.
    pub deadline: DateTime<Utc>,
}

/// Outcome of a submitted paper.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitResult {
    /// Questions left blank.
    pub unanswered: u32,
    /// Submitted by the server at the deadline.
    pub auto_submitted: bool,
    /// When it was submitted.
    pub submitted_at: DateTime<Utc>,
    /// The score, when the session shows it to candidates at submission (staff always
    /// see it in the results).
    pub score: Option<PaperScore>,
    /// Ended by an invigilator for irregularity (违纪终止): the reason; the score is void.
    #[serde(default)]
    pub terminated_reason: Option<String>,
}

/// A marked paper's score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaperScore {
    /// Points earned.
    pub score: f64,
    /// Points available.
    pub max_score: f64,
    /// Points needed to pass.
    pub pass_mark: f64,
    /// Whether the pass mark was reached.
    pub passed: bool,
}

/// One question of a candidate's result, in the bank's own option labels.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QuestionResult {
    /// Question number on the paper.
    pub no: u16,
    /// Bank question id.
    pub question_id: String,
    /// Candidate's answer (bank labels).
    pub answer: Option<String>,
    /// The same answer as the candidate saw it on screen (display labels).
    pub shown_answer: Option<String>,
    /// Key (bank labels).
    pub correct: String,
    /// Points earned.
    pub points: f64,
}

/// One candidate's result.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateResult {
    /// Ticket.
    pub ticket: String,
    /// Name.
    pub name: String,
    /// Seat.
    pub seat: String,
    /// Paper state.
    pub status: PaperStatus,
    /// Points, once scored.
    pub score: Option<f64>,
    /// Passed the theory exam.
    pub passed: bool,
    /// Submission time.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Submitted by the server at the deadline.
    pub auto_submitted: bool,
    /// Per question (empty until scored).
    pub questions: Vec<QuestionResult>,
}

/// How evenly a session's papers use the pool, and how parallel they are.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionExposure {
    /// Papers assembled.
    pub papers: u32,
    /// Questions in the subject's pool.
    pub pool: usize,
    /// Questions on at least one paper.
    pub used: usize,
    /// Most papers any one question is on.
    pub max_uses: u32,
    /// Mean papers per pool question.
    pub mean_uses: f64,
    /// `max_uses / mean_uses` (target ≤ 1.5 over a large session).
    pub ratio: f64,
    /// Mean difficulty each paper aims at.
    pub target_difficulty: f64,
    /// Lowest paper mean difficulty (none before the first paper is assembled).
    pub min_paper_difficulty: Option<f64>,
    /// Highest paper mean difficulty (none before the first paper is assembled).
    pub max_paper_difficulty: Option<f64>,
}

/// Results of a session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionResults {
    /// Session id.
    pub session_id: i64,
    /// Subject code.
    pub subject: String,
    /// Points needed to pass.
    pub pass_mark: f64,
    /// Per candidate, by seat.
    pub candidates: Vec<CandidateResult>,
}

/// Tenths of a point as points.
pub fn points(tenths: u32) -> f64 {
    f64::from(tenths) / 10.0
}

/// A demo staff account in `demo.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoAccount {
    /// Role.
    pub role: Role,
    /// Account name.
    pub username: String,
    /// Password (random, per start).
    pub password: String,
}

/// A demo candidate in `demo.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoCandidate {
    /// Name.
    pub name: String,
    /// Ticket.
    pub ticket: String,
    /// ID number.
    pub id_number: String,
    /// Seat.
    pub seat: String,
}

/// `<data-dir>/demo.json`, written by `exam-server serve --demo`, read by `exam-client simulate`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoFile {
    /// Where the server listens.
    pub server: String,
    /// Demo session id.
    pub session_id: i64,
    /// Demo practical session id.
    #[serde(default)]
    pub practical_session_id: Option<i64>,
    /// Staff accounts.
    pub accounts: Vec<DemoAccount>,
    /// Candidates.
    pub candidates: Vec<DemoCandidate>,
}

impl DemoFile {
    /// The account of a role.
    pub fn account(&self, role: Role) -> Option<&DemoAccount> {
        self.accounts.iter().find(|a| a.role == role)
    }
}

/// What an import did to the bank.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BankImportReport {
    /// The new current bank version.
    pub version: String,
    /// The version it replaced.
    pub previous_version: String,
    /// Uploaded file name.
    pub file_name: String,
    /// Format read (`xlsx`, `csv`, `moodle`, `gift`, `aiken`, `qti21`, `qti30`, `toml`).
    pub format: String,
    /// Questions new to the bank.
    pub added: usize,
    /// Questions that replaced one with the same id.
    pub replaced: usize,
    /// Rows left out (only with `skip_invalid`), as `file:row: field: reason`.
    pub skipped: Vec<String>,
    /// Questions in the new version.
    pub question_count: usize,
    /// Quality warnings for the new version (near-duplicates, small pools...).
    pub warnings: Vec<String>,
}

/// One import in the bank's history.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BankImportView {
    /// Import id.
    pub id: i64,
    /// Version it produced.
    pub version: String,
    /// Version before it.
    pub previous_version: String,
    /// Uploaded file name.
    pub file_name: String,
    /// Format read.
    pub format: String,
    /// Questions added.
    pub added: i64,
    /// Questions replaced.
    pub replaced: i64,
    /// Rows skipped.
    pub skipped: i64,
    /// Who imported.
    pub imported_by: String,
    /// When.
    pub imported_at: DateTime<Utc>,
}

/// The bank new sessions draw from, and how it came to be.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BankOverview {
    /// Current version.
    pub version: String,
    /// Questions in it.
    pub question_count: usize,
    /// Questions per subject pool (`Q1`, `Q2-bridge`...).
    pub pools: Vec<(String, usize)>,
    /// Imports, newest first.
    pub imports: Vec<BankImportView>,
}

// ---- Practical exam (实际操作技能考核), assessors and the institution ----

use crate::practical::wire::{PracticalResultView, SheetScoreView};
use crate::practical::{
    Apparatus, AssessorProfile, CombinationRule, ComplianceReport, PartResult, SheetRecord,
    SignallingKit,
};

/// Register an assessor (考评员) with a sign-in account of role `assessor`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterAssessorRequest {
    /// Account name, 3–32 of `[A-Za-z0-9_.-]`.
    pub username: String,
    /// Initial password, at least 10 characters.
    pub password: String,
    /// What the institution keeps on file.
    pub profile: AssessorProfile,
}

/// An assessor on file, and whether they may be assigned today.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessorView {
    /// Assessor id (used when scheduling practical sessions).
    pub id: i64,
    /// Sign-in account.
    pub username: String,
    /// Profile.
    pub profile: AssessorProfile,
    /// Every reason they may not assess their subjects today (empty: qualified).
    pub problems: Vec<String>,
}

/// The institution's own record (考试机构).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InstitutionProfile {
    /// Name.
    pub name: String,
    /// 考试机构代码.
    pub code: String,
    /// 发证机关代码 of the issuing authority it reports to.
    pub authority_code: String,
    /// Full-time staff.
    pub full_time_staff: u32,
    /// Practical site area, square metres.
    pub site_area_m2: u32,
    /// Cranes and simulators on file.
    pub apparatus: Vec<Apparatus>,
    /// Signaller kit on file.
    pub signalling_kit: SignallingKit,
}

/// The compliance report with the figures it was computed from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplianceView {
    /// Institution name.
    pub institution: String,
    /// Day of the check.
    pub date: chrono::NaiveDate,
    /// Each rule, its figure and pass/fail.
    pub report: ComplianceReport,
}

/// Register an exam terminal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterTerminalRequest {
    /// Label, e.g. the seat number `07` or a machine name.
    pub label: String,
    /// Where it stands, e.g. `第一考场`.
    #[serde(default)]
    pub location: String,
}

/// A registered exam terminal.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TerminalView {
    /// Id.
    pub id: i64,
    /// Label.
    pub label: String,
    /// Location.
    pub location: String,
    /// In service.
    pub active: bool,
    /// When registered.
    pub registered_at: DateTime<Utc>,
}

/// Schedule a practical exam session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatePracticalSessionRequest {
    /// Title.
    pub title: String,
    /// Batch (批次); may be empty.
    #[serde(default)]
    pub batch: String,
    /// Subject code (`Q1`, `Q2-bridge`, ...).
    pub subject: String,
    /// When it takes place.
    pub starts_at: DateTime<Utc>,
    /// Sheet template id (e.g. `Q2-bridge`).
    pub template_id: String,
    /// Template version; the newest when omitted.
    #[serde(default)]
    pub template_version: Option<u32>,
    /// The crane or simulator used (recorded on every sheet).
    pub apparatus: Apparatus,
    /// Assessors who each record a sheet for every candidate (at least 2).
    pub assessor_ids: Vec<i64>,
    /// The chief examiner (主考评员), who signs results off.
    pub chief_assessor_id: i64,
    /// How the sheets combine (default `mean`).
    #[serde(default)]
    pub rule: Option<CombinationRule>,
}

/// A practical exam session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PracticalSessionView {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Batch (批次).
    #[serde(default)]
    pub batch: String,
    /// Subject code.
    pub subject: String,
    /// Subject as printed.
    pub subject_name: String,
    /// When.
    pub starts_at: DateTime<Utc>,
    /// Sheet template id.
    pub template_id: String,
    /// Its version.
    pub template_version: u32,
    /// Crane or simulator.
    pub apparatus: Apparatus,
    /// The apparatus in words.
    pub apparatus_name: String,
    /// Combination rule.
    pub rule: CombinationRule,
    /// Assessors recording sheets.
    pub assessor_ids: Vec<i64>,
    /// Chief examiner.
    pub chief_assessor_id: i64,
}

/// Register a candidate for a practical session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterPracticalCandidateRequest {
    /// Full name.
    pub name: String,
    /// 18-character ID number.
    pub id_number: String,
    /// Employer (工作单位); may be empty.
    #[serde(default)]
    pub employer: String,
}

/// Where a practical candidate stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PracticalStatus {
    /// Sheets being recorded.
    Pending,
    /// Signed off as absent (fail).
    Absent,
    /// Result signed off by the chief examiner.
    SignedOff,
}

/// A candidate of a practical session.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PracticalCandidateView {
    /// Id.
    pub id: i64,
    /// Session.
    pub session_id: i64,
    /// Name.
    pub name: String,
    /// ID number, masked.
    pub id_number_masked: String,
    /// Status.
    pub status: PracticalStatus,
    /// Assessors who have signed their sheet.
    pub signed_by: Vec<i64>,
    /// Sheets needed.
    pub sheets_required: u32,
    /// The signed-off result.
    pub result: Option<PracticalResultView>,
}

/// Lifecycle of one sheet version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SheetStatus {
    /// Being filled; only its assessor sees it.
    Draft,
    /// Signed: never changes again.
    Signed,
    /// Signed, then replaced by a signed correction; kept for audit.
    Superseded,
}

/// One version of an assessor's sheet for a candidate.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetView {
    /// Id.
    pub id: i64,
    /// Candidate.
    pub candidate_id: i64,
    /// Assessor.
    pub assessor_id: i64,
    /// Version, from 1.
    pub version: u32,
    /// Status.
    pub status: SheetStatus,
    /// What the assessor recorded.
    pub record: SheetRecord,
    /// Its score.
    pub score: SheetScoreView,
    /// The apparatus the candidate used.
    pub apparatus_name: String,
    /// When signed.
    pub signed_at: Option<DateTime<Utc>>,
    /// Why this version corrects an earlier one.
    pub correction_reason: Option<String>,
}

/// Write one's own sheet: replaces the draft; after signing, only a correction (with a
/// reason) may change it, as a new version.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WriteSheetRequest {
    /// The record.
    pub record: SheetRecord,
    /// Required to correct a signed sheet.
    #[serde(default)]
    pub correction_reason: Option<String>,
}

/// The chief examiner's sign-off of a candidate's combined result.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignOffRequest {
    /// The chief's score, required only when the assessors' totals disagree beyond the
    /// consensus tolerance.
    #[serde(default)]
    pub score: Option<f64>,
    /// A note for the record.
    #[serde(default)]
    pub note: Option<String>,
}

/// Theory and practical joined for one candidate (both ≥ 70 → passed).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JointResultView {
    /// Name.
    pub name: String,
    /// ID number, masked.
    pub id_number_masked: String,
    /// Subject code.
    pub subject: String,
    /// Subject as printed.
    pub subject_name: String,
    /// Theory part, once it is finished.
    pub theory: Option<PartResult>,
    /// Practical part, once signed off.
    pub practical: Option<PartResult>,
    /// This sitting is a retake (补考).
    pub retake: bool,
    /// Both parts passed.
    pub passed: bool,
    /// Last day the pass is valid.
    pub valid_until: Option<chrono::NaiveDate>,
}

/// A page of sealed archive records, in chain order.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArchivePage {
    /// Records; `hash` is the SHA-256 of `content`, `signature` the Ed25519 signature of
    /// the hash bytes by the key named in the content.
    pub records: Vec<crate::archive::SealedRecord>,
    /// Pass as `after` to get the next page; `None` when this page reached the end.
    pub next_cursor: Option<String>,
}

/// A public key that signs archive records.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArchiveKeyView {
    /// Id carried by each record (`key_id`).
    pub key_id: String,
    /// Ed25519 public key, 64 hex characters.
    pub public_key: String,
    /// Always `Ed25519`.
    pub algorithm: String,
    /// Signs new records.
    pub current: bool,
}

/// Purge sealed records past retention.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurgeRequest {
    /// Why (kept in the purge log and the audit log).
    pub reason: String,
    /// Purge records of exams before this day; default and latest allowed: today minus
    /// the retention period.
    #[serde(default)]
    pub before: Option<chrono::NaiveDate>,
}

/// What a purge removed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PurgeReport {
    /// Records removed.
    pub removed: u64,
    /// Exam days before this were eligible.
    pub before: chrono::NaiveDate,
}

/// The result summary POSTed to the issuing authority for each sealed record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResultSummaryMessage {
    /// Always `crane-exam.result-summary.v1`.
    pub schema: String,
    /// The sealed record it summarises.
    pub record_seq: u64,
    /// Its hash.
    pub record_hash: String,
    /// 考试机构代码.
    pub institution_code: String,
    /// 发证机关代码.
    pub authority_code: String,
    /// 批次.
    pub batch: String,
    /// Exam day.
    pub exam_date: chrono::NaiveDate,
    /// Subject code.
    pub subject: String,
    /// Subject as printed.
    pub subject_name: String,
    /// `theory` or `practical`.
    pub part: String,
    /// Name.
    pub name: String,
    /// 男 / 女.
    pub gender: String,
    /// ID number.
    pub id_number: String,
    /// Employer.
    pub employer: String,
    /// Score, `None` when absent.
    pub score: Option<f64>,
    /// Passed.
    pub passed: bool,
    /// Absent (缺考).
    pub absent: bool,
}

/// One delivery attempt to the issuing authority.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryView {
    /// Archive record delivered.
    pub record_seq: u64,
    /// When.
    pub at: DateTime<Utc>,
    /// Endpoint.
    pub endpoint: String,
    /// HTTP status, when a response came.
    pub http_status: Option<u16>,
    /// `delivered` or `failed`.
    pub outcome: String,
    /// Why it failed.
    pub error: Option<String>,
}

/// Delivery state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryStatus {
    /// Configured endpoint (empty: delivery off).
    pub endpoint: String,
    /// Summaries delivered.
    pub delivered: u64,
    /// Summaries waiting, including retries.
    pub waiting: u64,
    /// Latest attempts, newest first.
    pub log: Vec<DeliveryView>,
}

/// Results of one subject and part over the filtered period.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatGroup {
    /// Subject code.
    pub subject: String,
    /// Subject as printed.
    pub subject_name: String,
    /// `theory` or `practical`.
    pub part: String,
    /// Sealed results.
    pub records: u64,
    /// Absent (缺考, counted as failed).
    pub absent: u64,
    /// Passed.
    pub passed: u64,
    /// `passed / records`.
    pub pass_rate: Option<f64>,
    /// Mean score of those present.
    pub mean_score: Option<f64>,
}

/// Statistics over sealed results: per subject and part, and the pass rate over time.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatisticsView {
    /// Per subject and part.
    pub groups: Vec<StatGroup>,
    /// Pass rate per period, oldest first.
    pub trend: Vec<crate::analysis::PeriodPassRate>,
}

/// Statistics of one session's papers.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionAnalysis {
    /// Session id.
    pub session_id: i64,
    /// Title.
    pub title: String,
    /// Score summary, histogram, pass rate, KR-20.
    pub stats: crate::analysis::SessionStats,
}

/// Item analysis of one bank version over the papers sealed from it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemAnalysisView {
    /// Bank version analysed.
    pub bank_version: String,
    /// Papers (examinees present) analysed.
    pub examinees: usize,
    /// Items that need review (a flag set).
    pub flagged: usize,
    /// Per item seen on at least one paper; flagged items first.
    pub items: Vec<crate::analysis::ItemStats>,
    /// Per session.
    pub sessions: Vec<SessionAnalysis>,
}

#[cfg(test)]
mod tests {
    use super::PaperAction;

    #[test]
    fn paper_action_names_are_their_serde_names() {
        for action in PaperAction::ALL {
            assert_eq!(
                serde_json::to_value(action).unwrap(),
                serde_json::json!(action.as_str())
            );
        }
    }
}
