//! What goes into the model ([`Event`]: keys, clicks, ticks, server replies, the journal)
//! and what comes out ([`Effect`]: what the runtime must do).

use chrono::{DateTime, Utc};
use question_bank::wire::{ExamView, SaveAnswerResponse, SubmitResult};

use super::LoginField;
use crate::journal::JournalEntry;

/// A key press, independent of the terminal library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A printable character.
    Char(char),
    /// Ctrl + a letter.
    Ctrl(char),
    /// Enter.
    Enter,
    /// Esc.
    Esc,
    /// Backspace.
    Backspace,
    /// Delete.
    Delete,
    /// Tab.
    Tab,
    /// Shift+Tab.
    BackTab,
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
    /// Page up.
    PageUp,
    /// Page down.
    PageDown,
    /// Home.
    Home,
    /// End.
    End,
    /// Function key F1–F12.
    F(u8),
}

/// Something on screen a mouse click lands on (found by the view's hit map).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A button: the same as pressing its key.
    Key(Key),
    /// Option `i` of the current question (0 = A, or 正确 for judge questions).
    Option(usize),
    /// A question number on the answer card.
    Question(u16),
    /// A field of the sign-in form.
    Field(LoginField),
}

/// A change of the save to send: display labels, per-question `seq`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveJob {
    /// Question number.
    pub no: u16,
    /// Display labels (`T`/`F`, `A`, `ACD`); `None` clears.
    pub answer: Option<String>,
    /// Per-question sequence number.
    pub seq: u64,
}

/// Why a request failed for good.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Stable code from the server, or `unreachable`.
    pub code: String,
    /// Message to show (Chinese).
    pub message: String,
}

/// Whether the server answers at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkStatus {
    /// A request got an answer.
    Up,
    /// A request got no answer; why.
    Down(String),
}

/// A server reply, as the network task reports it. `at` is the local time half-way
/// through the request, for measuring clock skew.
#[derive(Debug, Clone)]
pub enum Reply {
    /// The server became reachable or unreachable.
    Link(LinkStatus),
    /// Signed in; the candidate's exam.
    LoggedIn {
        /// The exam.
        view: Box<ExamView>,
        /// Local midpoint of the request.
        at: DateTime<Utc>,
    },
    /// Sign-in refused or impossible.
    LoginFailed(Failure),
    /// A fresh copy of the exam.
    Exam {
        /// The exam.
        view: Box<ExamView>,
        /// Local midpoint of the request.
        at: DateTime<Utc>,
    },
    /// Fetching the exam failed.
    FetchFailed(Failure),
    /// The paper is started (or resumed); its questions.
    Started {
        /// The exam with its questions.
        view: Box<ExamView>,
        /// Local midpoint of the request.
        at: DateTime<Utc>,
    },
    /// The paper cannot be started.
    StartFailed(Failure),
    /// A save is durable on the server.
    Saved {
        /// The acknowledgement.
        ack: SaveAnswerResponse,
        /// Local midpoint of the request.
        at: DateTime<Utc>,
    },
    /// A save was refused for good.
    SaveRejected {
        /// What was sent.
        job: SaveJob,
        /// Why it was refused.
        failure: Failure,
    },
    /// The paper is submitted and scored.
    Submitted(SubmitResult),
    /// Submitting was refused.
    SubmitFailed(Failure),
}

/// What the runtime reports about the local journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalEvent {
    /// The paper's journal is open; what it holds.
    Opened(Vec<JournalEntry>),
    /// The journal could not be opened or written.
    Failed(String),
}

/// Everything the model reacts to.
#[derive(Debug, Clone)]
pub enum Event {
    /// A key press.
    Key(Key),
    /// A mouse click on something.
    Click(Target),
    /// Mouse wheel over the question: lines down (negative: up).
    Scroll(i16),
    /// Time passed.
    Tick,
    /// A server reply.
    Net(Reply),
    /// The local journal.
    Journal(JournalEvent),
    /// How many lines of the current question do not fit on screen.
    Viewport {
        /// Lines hidden below the question pane when not scrolled.
        overflow: u16,
    },
}

/// What the runtime must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Check whether the server answers.
    Probe,
    /// Sign in.
    Login {
        /// 准考证号.
        ticket: String,
        /// 身份证号.
        id_number: String,
    },
    /// Open the journal of this ticket and report what it holds.
    OpenJournal {
        /// Ticket.
        ticket: String,
    },
    /// Fetch the exam (GET /exam).
    Fetch,
    /// Start or resume the paper.
    Start,
    /// Append the change to the journal, then send it until acknowledged.
    Save(SaveJob),
    /// Send a change that is already in the journal.
    Resend(SaveJob),
    /// Append a flag change to the journal.
    Flag {
        /// Question number.
        no: u16,
        /// New flag.
        flagged: bool,
    },
    /// Submit the paper (after every queued save).
    Submit,
    /// Leave the program.
    Quit,
}
