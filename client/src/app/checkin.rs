//! Check-in: sign-in form, identity confirmation, rules and waiting for the invigilator.

use chrono::{DateTime, Utc};
use question_bank::wire::{ExamView, PaperStatus};
use question_bank::IdNumber;

use crate::journal::JournalEntry;
use crate::strings as s;

/// Longest admission ticket the server accepts.
const TICKET_MAX: usize = 32;
/// ID numbers have 18 characters.
const ID_LEN: usize = 18;

/// Which field of the sign-in form has the cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoginField {
    /// 准考证号.
    #[default]
    Ticket,
    /// 身份证号.
    IdNumber,
}

/// The sign-in form.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoginForm {
    /// Admission ticket as typed.
    pub ticket: String,
    /// ID number as typed (upper case).
    pub id_number: String,
    /// Field with the cursor.
    pub focus: LoginField,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// Waiting for the server's answer.
    pub busy: bool,
}

impl LoginForm {
    /// Type a character into the focused field; characters a field cannot hold are ignored.
    pub fn type_char(&mut self, c: char) {
        match self.focus {
            LoginField::Ticket => {
                if (c.is_ascii_alphanumeric() || c == '-') && self.ticket.len() < TICKET_MAX {
                    self.ticket.push(c.to_ascii_uppercase());
                }
            }
            LoginField::IdNumber => {
                let c = c.to_ascii_uppercase();
                if (c.is_ascii_digit() || c == 'X') && self.id_number.len() < ID_LEN {
                    self.id_number.push(c);
                }
            }
        }
        self.error = None;
    }

    /// Delete the last character of the focused field.
    pub fn backspace(&mut self) {
        match self.focus {
            LoginField::Ticket => self.ticket.pop(),
            LoginField::IdNumber => self.id_number.pop(),
        };
    }

    /// Move the cursor to the other field.
    pub fn switch_field(&mut self) {
        self.focus = match self.focus {
            LoginField::Ticket => LoginField::IdNumber,
            LoginField::IdNumber => LoginField::Ticket,
        };
    }

    /// Check the form before sending it; the error says what to fix.
    pub fn validate(&self) -> Result<(), String> {
        if self.ticket.is_empty() {
            return Err(s::LOGIN_NEED_TICKET.to_owned());
        }
        self.id_number
            .parse::<IdNumber>()
            .map(drop)
            .map_err(|e| e.to_string())
    }
}

/// Who is signed in and which exam they sit, from the server's `ExamView`.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Name.
    pub name: String,
    /// Admission ticket.
    pub ticket: String,
    /// Seat the candidate is registered for.
    pub seat: String,
    /// Subject as printed, e.g. `Q2(限桥式起重机)`.
    pub subject_name: String,
    /// Session title.
    pub session_title: String,
    /// Scheduled start (server time).
    pub starts_at: DateTime<Utc>,
    /// Exam length.
    pub duration_seconds: u32,
    /// Paper state.
    pub status: PaperStatus,
    /// Whether the invigilator has opened the session.
    pub session_open: bool,
    /// The started paper is open on another terminal (its seat label, or `""`).
    pub held_elsewhere: Option<String>,
}

impl Profile {
    /// The identity part of an exam view.
    pub fn from_view(view: &ExamView) -> Profile {
        Profile {
            name: view.candidate_name.clone(),
            ticket: view.ticket.clone(),
            seat: view.seat.clone(),
            subject_name: view.subject_name.clone(),
            session_title: view.session_title.clone(),
            starts_at: view.starts_at,
            duration_seconds: view.duration_seconds,
            status: view.status,
            session_open: view.session_open,
            held_elsewhere: view.held_elsewhere.clone(),
        }
    }
}

/// A signed-in candidate between sign-in and the first question.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkin {
    /// Who.
    pub profile: Profile,
    /// The local journal of this paper, read at sign-in.
    pub journal: Vec<JournalEntry>,
    /// "我已阅读" ticked on the rules screen.
    pub rules_read: bool,
    /// A poll of the exam is on its way.
    pub polling: bool,
    /// When to poll next (local time).
    pub next_poll: DateTime<Utc>,
    /// Why starting failed, shown while retrying.
    pub error: Option<String>,
}

impl Checkin {
    /// Check-in for a freshly signed-in candidate.
    pub fn new(profile: Profile, now: DateTime<Utc>) -> Checkin {
        Checkin {
            profile,
            journal: Vec::new(),
            rules_read: false,
            polling: false,
            next_poll: now,
            error: None,
        }
    }

    /// Whether this terminal's configured seat differs from the candidate's seat.
    pub fn seat_mismatch(&self, terminal_seat: Option<&str>) -> bool {
        terminal_seat.is_some_and(|seat| seat_number(seat) != seat_number(&self.profile.seat))
    }
}

/// `7` and `07` are the same seat.
fn seat_number(seat: &str) -> &str {
    let t = seat.trim().trim_start_matches('0');
    if t.is_empty() {
        "0"
    } else {
        t
    }
}
