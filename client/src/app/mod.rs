//! The candidate terminal's model, a pure state machine: [`State::update`] takes an
//! [`Event`] (key, click, tick, server reply) at a local instant and returns the
//! [`Effect`]s the runtime must carry out (write the journal, call the server, quit).
//! No terminal, no network and no clock reads here, so every path is unit-tested.

mod checkin;
mod clock;
mod event;
mod exam;
#[cfg(test)]
pub(crate) mod fixtures;
mod sheet;
#[cfg(test)]
mod tests;

use chrono::{DateTime, TimeDelta, Utc};
use question_bank::wire::{ExamView, PaperStatus, SubmitResult};

pub use checkin::{Checkin, LoginField, LoginForm, Profile};
pub use clock::{format_clock, ServerClock};
pub use event::{Effect, Event, Failure, JournalEvent, Key, LinkStatus, Reply, SaveJob, Target};
pub use exam::{Exam, Modal, Phase};
pub use sheet::{number_ranges, Question, SaveState};

use crate::strings as s;

/// The server's code for "the paper is open on another terminal; ask the invigilator".
pub const TAKEOVER_REQUIRED: &str = "takeover_required";
/// The server's code for "another terminal has this paper now".
pub const TAKEN_OVER: &str = "taken_over";

/// How often to retry the server while it cannot be reached, and to poll while waiting.
pub const RETRY_EVERY: TimeDelta = TimeDelta::seconds(3);

/// How this terminal is set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Server base URL.
    pub server: String,
    /// This terminal's seat, if configured.
    pub seat: Option<String>,
}

/// Whether the server can be reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// No request has been answered yet.
    Unknown,
    /// The last request got an answer.
    Up,
    /// The last request got none.
    Down {
        /// Since when (local time).
        since: DateTime<Utc>,
        /// Why.
        error: String,
        /// Retries so far.
        retries: u32,
    },
}

/// The paper is over.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Who.
    pub profile: Profile,
    /// The score, when the server gives it.
    pub result: Option<SubmitResult>,
    /// Submitted at time-out rather than by the candidate.
    pub auto: bool,
    /// Questions whose last change reached the server only after the deadline.
    pub late_saves: Vec<u16>,
}

/// The candidate cannot sit the paper (late, absent, already submitted elsewhere...).
#[derive(Debug, Clone, PartialEq)]
pub struct Blocked {
    /// Who, when known.
    pub profile: Option<Profile>,
    /// Why (the server's message).
    pub message: String,
}

/// The screen on show.
#[derive(Debug, Clone)]
pub enum Screen {
    /// Sign-in with ticket and ID number.
    Login(LoginForm),
    /// 身份确认.
    Identity(Checkin),
    /// 考场规则 with "我已阅读".
    Rules(Checkin),
    /// Waiting for the invigilator to open the session.
    Waiting(Checkin),
    /// Waiting for the server to start the paper.
    Starting(Checkin),
    /// The paper is open on another terminal: waiting for the invigilator to approve
    /// the move here (asks again every few seconds).
    Takeover(Checkin),
    /// Answering.
    Exam(Box<Exam>),
    /// Submitted.
    Result(Outcome),
    /// Cannot sit.
    Blocked(Blocked),
}

/// The whole terminal.
#[derive(Debug, Clone)]
pub struct State {
    /// Configuration.
    pub settings: Settings,
    /// Screen on show.
    pub screen: Screen,
    /// Server reachability.
    pub link: Link,
    /// Skew against the server's clock.
    pub clock: ServerClock,
    /// Local time of the latest event.
    pub now: DateTime<Utc>,
    /// The "leave the program?" question is open.
    pub confirm_quit: bool,
    /// The journal failed: answers still go to the server but are not backed up locally.
    pub journal_warning: Option<String>,
    last_probe: Option<DateTime<Utc>>,
}

impl State {
    /// A terminal at the sign-in screen, and its first effects.
    pub fn new(settings: Settings, now: DateTime<Utc>) -> (State, Vec<Effect>) {
        let state = State {
            settings,
            screen: Screen::Login(LoginForm::default()),
            link: Link::Unknown,
            clock: ServerClock::default(),
            now,
            confirm_quit: false,
            journal_warning: None,
            last_probe: Some(now),
        };
        (state, vec![Effect::Probe])
    }

    /// Whether the whole screen should say the server cannot be reached: only where
    /// nothing can go on without it. During the exam the candidate keeps answering.
    pub fn shows_unreachable(&self) -> bool {
        matches!(self.link, Link::Down { .. })
            && matches!(
                self.screen,
                Screen::Login(_) | Screen::Waiting(_) | Screen::Starting(_) | Screen::Takeover(_)
            )
    }

    /// React to `event` at local time `now`.
    pub fn update(&mut self, now: DateTime<Utc>, event: Event) -> Vec<Effect> {
        self.now = now;
        let mut fx = Vec::new();
        match event {
            Event::Net(Reply::Link(status)) => self.set_link(status, now),
            Event::Net(reply) => self.reply(reply, &mut fx),
            Event::Journal(JournalEvent::Opened(entries)) => {
                if let Screen::Identity(c) | Screen::Rules(c) | Screen::Waiting(c) =
                    &mut self.screen
                {
                    c.journal = entries;
                }
            }
            Event::Journal(JournalEvent::Failed(why)) => {
                self.journal_warning = Some(why);
            }
            Event::Viewport { overflow } => {
                if let Screen::Exam(exam) = &mut self.screen {
                    exam.overflow = overflow;
                    exam.scroll = exam.scroll.min(overflow);
                }
            }
            Event::Key(key) => self.key(key, &mut fx),
            Event::Click(target) => self.click(target, &mut fx),
            Event::Scroll(lines) => {
                if let Screen::Exam(exam) = &mut self.screen {
                    exam.scroll_by(lines);
                }
            }
            Event::Tick => {}
        }
        self.tick(now, &mut fx);
        fx
    }

    fn set_link(&mut self, status: LinkStatus, now: DateTime<Utc>) {
        self.link = match (status, &self.link) {
            (LinkStatus::Up, _) => Link::Up,
            (LinkStatus::Down(error), Link::Down { since, retries, .. }) => Link::Down {
                since: *since,
                error,
                retries: retries + 1,
            },
            (LinkStatus::Down(error), _) => Link::Down {
                since: now,
                error,
                retries: 0,
            },
        };
    }

    /// Work that depends only on time: probing, polling, the deadline.
    fn tick(&mut self, now: DateTime<Utc>, fx: &mut Vec<Effect>) {
        let offline = !matches!(self.link, Link::Up);
        match &mut self.screen {
            Screen::Login(form) => {
                let due = self.last_probe.is_none_or(|t| now - t >= RETRY_EVERY);
                if offline && !form.busy && due {
                    self.last_probe = Some(now);
                    fx.push(Effect::Probe);
                }
            }
            Screen::Waiting(c) if !c.polling && now >= c.next_poll => {
                c.polling = true;
                fx.push(Effect::Fetch);
            }
            Screen::Takeover(c) if !c.polling && now >= c.next_poll => {
                c.polling = true;
                fx.push(Effect::Start);
            }
            Screen::Exam(exam) => exam.tick(&self.clock, now, fx),
            _ => {}
        }
    }

    fn key(&mut self, key: Key, fx: &mut Vec<Effect>) {
        if self.confirm_quit {
            match key {
                Key::Char('y' | 'Y') => fx.push(Effect::Quit),
                Key::Char('n' | 'N') | Key::Esc => self.confirm_quit = false,
                _ => {}
            }
            return;
        }
        if matches!(key, Key::Ctrl('c' | 'q')) {
            // Leaving mid-exam must be deliberate; elsewhere nothing is lost.
            if matches!(self.screen, Screen::Exam(_)) {
                self.confirm_quit = true;
            } else {
                fx.push(Effect::Quit);
            }
            return;
        }
        if self.shows_unreachable() {
            return;
        }
        let now = self.now;
        let screen = std::mem::replace(&mut self.screen, Screen::Login(LoginForm::default()));
        self.screen = match screen {
            Screen::Login(form) => login_key(form, key, fx),
            Screen::Identity(c) => match key {
                Key::Enter | Key::Char('y' | 'Y') => {
                    if c.profile.status == PaperStatus::Started {
                        fx.push(Effect::Start);
                        Screen::Starting(c)
                    } else {
                        Screen::Rules(c)
                    }
                }
                Key::Esc | Key::Char('n' | 'N') => back_to_sign_in(c.profile.ticket),
                _ => Screen::Identity(c),
            },
            Screen::Rules(mut c) => match key {
                Key::Char(' ' | 'y' | 'Y') => {
                    c.rules_read = !c.rules_read;
                    c.error = None;
                    Screen::Rules(c)
                }
                Key::Enter if !c.rules_read => {
                    c.error = Some(s::RULES_NEED_READ.to_owned());
                    Screen::Rules(c)
                }
                Key::Enter => {
                    if c.profile.session_open {
                        fx.push(Effect::Start);
                        Screen::Starting(c)
                    } else {
                        c.next_poll = now;
                        Screen::Waiting(c)
                    }
                }
                Key::Esc => Screen::Identity(c),
                _ => Screen::Rules(c),
            },
            Screen::Exam(mut exam) => {
                exam.key(key, fx);
                Screen::Exam(exam)
            }
            Screen::Result(outcome) => match key {
                Key::Char('q' | 'Q') => {
                    fx.push(Effect::Quit);
                    Screen::Result(outcome)
                }
                Key::Enter => Screen::Login(LoginForm::default()),
                _ => Screen::Result(outcome),
            },
            Screen::Blocked(b) => match key {
                Key::Char('q' | 'Q') => {
                    fx.push(Effect::Quit);
                    Screen::Blocked(b)
                }
                Key::Enter | Key::Esc => Screen::Login(LoginForm::default()),
                _ => Screen::Blocked(b),
            },
            Screen::Takeover(c) => match key {
                Key::Esc => back_to_sign_in(c.profile.ticket),
                _ => Screen::Takeover(c),
            },
            other @ (Screen::Waiting(_) | Screen::Starting(_)) => other,
        };
    }

    fn click(&mut self, target: Target, fx: &mut Vec<Effect>) {
        match (target, &mut self.screen) {
            (Target::Key(key), _) => self.key(key, fx),
            (Target::Field(field), Screen::Login(form)) if !self.confirm_quit => {
                form.focus = field;
            }
            (Target::Option(i), Screen::Exam(exam)) if !self.confirm_quit => exam.choose(i, fx),
            (Target::Question(no), Screen::Exam(exam)) if !self.confirm_quit => {
                exam.jump(no);
            }
            _ => {}
        }
    }

    fn reply(&mut self, reply: Reply, fx: &mut Vec<Effect>) {
        let now = self.now;
        let screen = std::mem::replace(&mut self.screen, Screen::Login(LoginForm::default()));
        self.screen = match (screen, reply) {
            (Screen::Login(mut form), Reply::LoginFailed(f)) => {
                form.busy = false;
                form.error = Some(f.message);
                Screen::Login(form)
            }
            (Screen::Login(form), Reply::LoggedIn { view, at }) if form.busy => {
                self.clock.observe(view.server_now, at);
                self.signed_in(&view, fx)
            }
            (Screen::Waiting(mut c), Reply::Exam { view, at }) => {
                self.clock.observe(view.server_now, at);
                c.polling = false;
                c.error = None;
                c.next_poll = now + RETRY_EVERY;
                c.profile = Profile::from_view(&view);
                match view.status {
                    PaperStatus::Submitted => outcome_of(c.profile, view.result),
                    PaperStatus::Absent => blocked(Some(c.profile), s::ABSENT),
                    _ if view.session_open => {
                        fx.push(Effect::Start);
                        Screen::Starting(c)
                    }
                    _ => Screen::Waiting(c),
                }
            }
            (Screen::Waiting(mut c), Reply::FetchFailed(f)) => {
                c.error = Some(f.message);
                c.polling = false;
                c.next_poll = now + RETRY_EVERY;
                Screen::Waiting(c)
            }
            (Screen::Starting(c) | Screen::Takeover(c), Reply::Started { view, at }) => {
                self.clock.observe(view.server_now, at);
                match Exam::begin(c.profile.clone(), &view, &c.journal, now) {
                    Some((exam, resend)) => {
                        fx.extend(resend.into_iter().map(Effect::Resend));
                        Screen::Exam(Box::new(exam))
                    }
                    None if view.status == PaperStatus::Submitted => {
                        outcome_of(Profile::from_view(&view), view.result)
                    }
                    None => blocked(Some(c.profile), s::NO_PAPER),
                }
            }
            (Screen::Starting(mut c) | Screen::Takeover(mut c), Reply::StartFailed(f))
                if f.code == TAKEOVER_REQUIRED =>
            {
                c.polling = false;
                c.error = Some(f.message);
                c.next_poll = now + RETRY_EVERY;
                Screen::Takeover(c)
            }
            (Screen::Starting(c) | Screen::Takeover(c), Reply::StartFailed(f)) => {
                if f.code == "paper_submitted" {
                    // Submitting is idempotent: it hands back the stored result.
                    fx.push(Effect::Submit);
                    Screen::Starting(c)
                } else {
                    blocked(Some(c.profile), &f.message)
                }
            }
            (Screen::Starting(c), Reply::Submitted(result)) => Screen::Result(Outcome {
                auto: result.auto_submitted,
                profile: c.profile,
                result: Some(result),
                late_saves: Vec::new(),
            }),
            (Screen::Starting(c), Reply::SubmitFailed(f)) => blocked(Some(c.profile), &f.message),
            (Screen::Exam(mut exam), reply) => match exam.reply(reply, &mut self.clock, now, fx) {
                Some(outcome) => Screen::Result(outcome),
                None => match exam.taken_over.take() {
                    Some(seat) => blocked(
                        Some(exam.profile.clone()),
                        &s::taken_over(&seat, exam.sheet.unacknowledged()),
                    ),
                    None => Screen::Exam(exam),
                },
            },
            (screen, _) => screen, // a reply for a screen that is gone
        };
    }

    fn signed_in(&mut self, view: &ExamView, fx: &mut Vec<Effect>) -> Screen {
        let profile = Profile::from_view(view);
        match view.status {
            PaperStatus::Submitted => outcome_of(profile, view.result.clone()),
            PaperStatus::Absent => blocked(Some(profile), s::ABSENT),
            PaperStatus::Pending | PaperStatus::Started => {
                fx.push(Effect::OpenJournal {
                    ticket: profile.ticket.clone(),
                });
                Screen::Identity(Checkin::new(profile, self.now))
            }
        }
    }
}

fn outcome_of(profile: Profile, result: Option<SubmitResult>) -> Screen {
    Screen::Result(Outcome {
        auto: result.as_ref().is_some_and(|r| r.auto_submitted),
        profile,
        result,
        late_saves: Vec::new(),
    })
}

/// The sign-in form again, the ticket kept and the cursor on the ID number.
fn back_to_sign_in(ticket: String) -> Screen {
    Screen::Login(LoginForm {
        ticket,
        focus: LoginField::IdNumber,
        ..LoginForm::default()
    })
}

fn blocked(profile: Option<Profile>, message: &str) -> Screen {
    Screen::Blocked(Blocked {
        profile,
        message: message.to_owned(),
    })
}

fn login_key(mut form: LoginForm, key: Key, fx: &mut Vec<Effect>) -> Screen {
    if form.busy {
        return Screen::Login(form);
    }
    match key {
        Key::Tab | Key::BackTab | Key::Up | Key::Down => form.switch_field(),
        Key::Backspace => form.backspace(),
        Key::Char(c) => form.type_char(c),
        Key::Enter if form.focus == LoginField::Ticket && form.id_number.is_empty() => {
            form.focus = LoginField::IdNumber;
        }
        Key::Enter => match form.validate() {
            Ok(()) => {
                form.busy = true;
                form.error = None;
                fx.push(Effect::Login {
                    ticket: form.ticket.clone(),
                    id_number: form.id_number.clone(),
                });
            }
            Err(why) => form.error = Some(why),
        },
        _ => {}
    }
    Screen::Login(form)
}
