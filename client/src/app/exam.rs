//! The exam screen: navigation, answering, flags, the submit confirmation and the clock.

use chrono::{DateTime, TimeDelta, Utc};
use question_bank::wire::{ExamView, PaperStatus, QuestionKind, SubmitResult};

use super::sheet::{ChoiceError, Sheet};
use super::{Effect, Key, Outcome, Profile, Reply, SaveJob, ServerClock, TAKEN_OVER};
use crate::journal::JournalEntry;
use crate::strings as s;

/// The warning banner shows from this long before the deadline.
pub const WARN_BEFORE: TimeDelta = TimeDelta::minutes(10);
/// How often the exam is fetched again during the paper (clock skew, added time, a
/// submission made elsewhere).
pub const FETCH_EVERY: TimeDelta = TimeDelta::seconds(30);
/// How often the exam is fetched while it is paused, to resume promptly.
pub const FETCH_EVERY_PAUSED: TimeDelta = TimeDelta::seconds(3);
/// The server's code for "an invigilator paused this paper".
pub const PAPER_PAUSED: &str = "paper_paused";

/// Where the paper is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The candidate is answering.
    Answering,
    /// Submission requested; input is closed.
    Submitting {
        /// Because time ran out.
        auto: bool,
    },
}

/// A box over the exam screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Modal {
    /// Typing a question number to jump to.
    Goto(String),
    /// "Submit now?" with the unanswered and flagged questions.
    ConfirmSubmit,
    /// Key reference.
    Help,
}

/// The paper being answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Exam {
    /// Who.
    pub profile: Profile,
    /// The server's deadline for this paper.
    pub deadline: DateTime<Utc>,
    /// Questions and answers.
    pub sheet: Sheet,
    /// Answering or submitting.
    pub phase: Phase,
    /// Box on top, if any.
    pub modal: Option<Modal>,
    /// One-line message until the next key.
    pub notice: Option<String>,
    /// Lines the question pane is scrolled down.
    pub scroll: u16,
    /// Lines of the current question that do not fit (reported by the view).
    pub overflow: u16,
    /// Questions whose last change reached the server after the deadline.
    pub late_saves: Vec<u16>,
    /// Another terminal has the paper now (its seat label, or `""`): this one must stop.
    pub taken_over: Option<String>,
    /// An invigilator paused the paper at this server time: input is closed and the clock
    /// stands still until the server says it resumed.
    pub paused_at: Option<DateTime<Utc>>,
    fetching: bool,
    next_fetch: DateTime<Utc>,
}

impl Exam {
    /// The exam screen for a started paper, rebuilt from the server's copy and the local
    /// journal; also the journal's unacknowledged changes, to send again. `None` if the
    /// view holds no started paper.
    pub fn begin(
        mut profile: Profile,
        view: &ExamView,
        journal: &[JournalEntry],
        now: DateTime<Utc>,
    ) -> Option<(Exam, Vec<SaveJob>)> {
        if view.status != PaperStatus::Started || view.questions.is_empty() {
            return None;
        }
        let deadline = view.deadline?;
        let (sheet, resend) = Sheet::rebuild(&view.questions, journal);
        profile.status = PaperStatus::Started;
        profile.session_open = true;
        let exam = Exam {
            profile,
            deadline,
            sheet,
            phase: Phase::Answering,
            modal: None,
            notice: None,
            scroll: 0,
            overflow: 0,
            late_saves: Vec::new(),
            taken_over: None,
            paused_at: view.paused_at,
            fetching: false,
            next_fetch: now + FETCH_EVERY,
        };
        Some((exam, resend))
    }

    /// Time left on the server's clock; while paused, what was left when it paused.
    pub fn remaining(&self, clock: &ServerClock, now: DateTime<Utc>) -> TimeDelta {
        match self.paused_at {
            Some(paused) => (self.deadline - paused).max(TimeDelta::zero()),
            None => clock.remaining(self.deadline, now),
        }
    }

    /// Whether the 10-minute warning is on.
    pub fn warning(&self, clock: &ServerClock, now: DateTime<Utc>) -> bool {
        self.remaining(clock, now) <= WARN_BEFORE
    }

    pub(super) fn tick(&mut self, clock: &ServerClock, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        if self.phase == Phase::Answering
            && self.paused_at.is_none()
            && self.remaining(clock, now) <= TimeDelta::zero()
        {
            self.time_up(fx);
        }
        if !self.fetching && now >= self.next_fetch {
            self.fetching = true;
            fx.push(Effect::Fetch);
        }
    }

    fn time_up(&mut self, fx: &mut Vec<Effect>) {
        self.phase = Phase::Submitting { auto: true };
        self.modal = None;
        self.notice = None;
        fx.push(Effect::Submit);
    }

    pub(super) fn scroll_by(&mut self, lines: i16) {
        let to = i32::from(self.scroll) + i32::from(lines);
        self.scroll = to.clamp(0, i32::from(self.overflow)) as u16;
    }

    pub(super) fn key(&mut self, key: Key, fx: &mut Vec<Effect>) {
        if self.phase != Phase::Answering || self.paused_at.is_some() {
            return; // input is closed while paused and once the paper is being submitted
        }
        self.notice = None;
        match self.modal.take() {
            Some(Modal::Goto(typed)) => self.goto_key(typed, key),
            Some(Modal::ConfirmSubmit) => match key {
                Key::Char('y' | 'Y') => {
                    self.phase = Phase::Submitting { auto: false };
                    fx.push(Effect::Submit);
                }
                Key::Char('n' | 'N') | Key::Esc => {}
                _ => self.modal = Some(Modal::ConfirmSubmit),
            },
            Some(Modal::Help) => {} // any key closes it
            None => self.paper_key(key, fx),
        }
    }

    fn goto_key(&mut self, mut typed: String, key: Key) {
        match key {
            Key::Char(c) if c.is_ascii_digit() => {
                if typed.len() < 3 {
                    typed.push(c);
                }
                self.modal = Some(Modal::Goto(typed));
            }
            Key::Backspace => {
                typed.pop();
                self.modal = Some(Modal::Goto(typed));
            }
            Key::Enter => match typed.parse::<u16>() {
                Ok(no) if self.sheet.go_to(no) => self.scroll = 0,
                _ => self.notice = Some(s::goto_range(self.sheet.len())),
            },
            Key::Esc => {}
            _ => self.modal = Some(Modal::Goto(typed)),
        }
    }

    fn paper_key(&mut self, key: Key, fx: &mut Vec<Effect>) {
        match key {
            Key::Left | Key::PageUp | Key::Char('p' | 'P') => self.prev(),
            Key::Right | Key::PageDown | Key::Enter | Key::Char('n' | 'N') => self.next(),
            Key::Home => self.jump(1),
            Key::End => self.jump(self.sheet.questions.last().map_or(1, |q| q.no)),
            Key::Up => self.scroll_by(-1),
            Key::Down => self.scroll_by(1),
            Key::Char('m' | 'M') => {
                let (no, flagged) = self.sheet.toggle_flag();
                fx.push(Effect::Flag { no, flagged });
            }
            Key::Char('u' | 'U') => {
                if self.sheet.next_unanswered() {
                    self.scroll = 0;
                } else {
                    self.notice = Some(s::ALL_ANSWERED.to_owned());
                }
            }
            Key::Char('g' | 'G') => self.modal = Some(Modal::Goto(String::new())),
            Key::Char('s' | 'S') | Key::F(10) => self.modal = Some(Modal::ConfirmSubmit),
            Key::Char('h' | 'H' | '?') | Key::F(1) => self.modal = Some(Modal::Help),
            Key::Backspace | Key::Delete => {
                if let Some(job) = self.sheet.clear() {
                    fx.push(Effect::Save(job));
                }
            }
            Key::Char(c) => match option_of_key(self.sheet.current().kind, c) {
                Some(i) => self.choose(i, fx),
                None => self.notice = Some(s::key_hint(self.sheet.current().kind)),
            },
            _ => {}
        }
    }

    fn prev(&mut self) {
        if self.sheet.prev() {
            self.scroll = 0;
        } else {
            self.notice = Some(s::FIRST_QUESTION.to_owned());
        }
    }

    fn next(&mut self) {
        if self.sheet.next() {
            self.scroll = 0;
        } else {
            self.notice = Some(s::LAST_QUESTION.to_owned());
        }
    }

    /// Choose option `i` of the current question (key or click).
    pub(super) fn choose(&mut self, i: usize, fx: &mut Vec<Effect>) {
        if self.phase != Phase::Answering || self.modal.is_some() {
            return;
        }
        self.notice = None;
        match self.sheet.choose(i) {
            Ok(Some(job)) => fx.push(Effect::Save(job)),
            Ok(None) => {}
            Err(ChoiceError::NoSuchOption { count }) => {
                self.notice = Some(s::no_such_option(count));
            }
        }
    }

    /// Go to question `no` (answer card click, Home/End).
    pub(super) fn jump(&mut self, no: u16) {
        if self.phase == Phase::Answering && self.modal.is_none() && self.sheet.go_to(no) {
            self.scroll = 0;
        }
    }

    /// A server reply; `Some` once the paper is over.
    pub(super) fn reply(
        &mut self,
        reply: Reply,
        clock: &mut ServerClock,
        now: DateTime<Utc>,
        fx: &mut Vec<Effect>,
    ) -> Option<Outcome> {
        match reply {
            Reply::Saved { ack, at } => {
                clock.observe(ack.server_now, at);
                self.deadline = ack.deadline;
                self.sheet
                    .acknowledge(ack.no, ack.seq, ack.answer.as_deref());
            }
            Reply::SaveRejected { failure, .. } if failure.code == PAPER_PAUSED => {
                // Not refused for good: the change stays pending and is sent again on resume.
                self.pause(clock.server_time(now), now);
            }
            Reply::SaveRejected { job, failure } => {
                self.sheet.reject(job.no, job.seq, &failure.message);
                match failure.code.as_str() {
                    "deadline_passed" => {
                        if !self.late_saves.contains(&job.no) {
                            self.late_saves.push(job.no);
                        }
                        if self.phase == Phase::Answering {
                            self.time_up(fx);
                        }
                    }
                    TAKEN_OVER => self.taken_over = Some(String::new()),
                    "paper_submitted" => {
                        // Submitted elsewhere or by the server: fetch the stored result.
                        if self.phase == Phase::Answering {
                            self.phase = Phase::Submitting { auto: false };
                            self.modal = None;
                            fx.push(Effect::Submit);
                        }
                    }
                    _ => self.notice = Some(s::save_refused(job.no, &failure.message)),
                }
            }
            Reply::Exam { view, at } => {
                self.fetching = false;
                self.next_fetch = now + FETCH_EVERY;
                clock.observe(view.server_now, at);
                if let Some(deadline) = view.deadline {
                    self.deadline = deadline;
                }
                match (self.paused_at, view.paused_at) {
                    (_, Some(paused)) => {
                        self.pause(paused, now);
                        self.paused_at = Some(paused); // the server's time, not our estimate
                    }
                    (Some(_), None) => {
                        // Resumed: send again what the pause held back.
                        self.paused_at = None;
                        self.notice = Some(s::RESUMED.to_owned());
                        fx.extend(self.sheet.unsent().into_iter().map(Effect::Save));
                    }
                    (None, None) => {}
                }
                if view.held_elsewhere.is_some() {
                    self.taken_over = view.held_elsewhere;
                    return None;
                }
                match view.status {
                    PaperStatus::Started => self.sheet.merge_server(&view.questions),
                    PaperStatus::Submitted | PaperStatus::Absent => {
                        return Some(self.outcome(view.result));
                    }
                    PaperStatus::Pending => {}
                }
            }
            Reply::FetchFailed(_) => {
                self.fetching = false;
                self.next_fetch = now
                    + if self.paused_at.is_some() {
                        FETCH_EVERY_PAUSED
                    } else {
                        FETCH_EVERY
                    };
            }
            Reply::Submitted(result) => return Some(self.outcome(Some(result))),
            Reply::SubmitFailed(failure) if failure.code == TAKEN_OVER => {
                self.taken_over = Some(String::new());
            }
            Reply::SubmitFailed(failure) if failure.code == PAPER_PAUSED => {
                // Paused before the submission arrived (even at time-out): wait for resume.
                self.phase = Phase::Answering;
                self.pause(clock.server_time(now), now);
            }
            Reply::SubmitFailed(failure) => {
                if self.phase == (Phase::Submitting { auto: true }) {
                    return Some(self.outcome(None));
                }
                self.phase = Phase::Answering;
                self.notice = Some(failure.message);
            }
            _ => {}
        }
        None
    }

    /// The paper is paused (since `at`, server time): close input, stop the clock, and
    /// ask the server again soon.
    fn pause(&mut self, at: DateTime<Utc>, now: DateTime<Utc>) {
        if self.paused_at.is_none() {
            self.paused_at = Some(at);
        }
        self.modal = None;
        self.notice = None;
        if !self.fetching {
            self.next_fetch = self.next_fetch.min(now + FETCH_EVERY_PAUSED);
        }
    }

    fn outcome(&self, result: Option<SubmitResult>) -> Outcome {
        let mut profile = self.profile.clone();
        profile.status = PaperStatus::Submitted;
        Outcome {
            auto: self.phase == (Phase::Submitting { auto: true })
                || result.as_ref().is_some_and(|r| r.auto_submitted),
            profile,
            result,
            late_saves: self.late_saves.clone(),
        }
    }
}

/// The option a key stands for: T/1 and F/2 on judge questions, A–F or 1–6 on choices.
fn option_of_key(kind: QuestionKind, c: char) -> Option<usize> {
    let c = c.to_ascii_lowercase();
    match kind {
        QuestionKind::Judge => match c {
            't' | '1' => Some(0),
            'f' | '2' => Some(1),
            _ => None,
        },
        QuestionKind::Single | QuestionKind::Multiple => match c {
            'a'..='f' => Some(c as usize - 'a' as usize),
            '1'..='6' => Some(c as usize - '1' as usize),
            _ => None,
        },
    }
}
