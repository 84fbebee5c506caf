//! Test fixtures: a paper, exam views, and states driven to a given screen through the
//! model's own events (shared by the model's and the view's tests).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use question_bank::id_number::synthesize;
use question_bank::wire::{
    ExamQuestion, ExamView, PaperScore, PaperStatus, QuestionKind, SaveAnswerResponse, SubmitResult,
};

use super::*;
use crate::journal::JournalEntry;

pub(crate) fn t(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).expect("valid")
        + TimeDelta::milliseconds(secs * 1000)
}

pub(crate) fn id_number() -> String {
    let birth = NaiveDate::from_ymd_opt(1985, 6, 15).expect("valid date");
    synthesize(320_102, birth, 21).to_string()
}

pub(crate) fn question(no: u16, kind: QuestionKind, options: usize) -> ExamQuestion {
    ExamQuestion {
        no,
        kind,
        stem: format!("第{no}题题干"),
        options: (0..options).map(|i| format!("选项{i}")).collect(),
        answer: None,
        seq: 0,
    }
}

/// 1–2 judge, 3–6 single (4 options), 7–10 multiple (5 options).
pub(crate) fn paper() -> Vec<ExamQuestion> {
    (1..=10)
        .map(|no| match no {
            1..=2 => question(no, QuestionKind::Judge, 0),
            3..=6 => question(no, QuestionKind::Single, 4),
            _ => question(no, QuestionKind::Multiple, 5),
        })
        .collect()
}

pub(crate) fn view(status: PaperStatus, open: bool, server_now: DateTime<Utc>) -> ExamView {
    ExamView {
        candidate_name: "张伟".to_owned(),
        ticket: "D0000101".to_owned(),
        seat: "01".to_owned(),
        subject: "Q2-bridge".to_owned(),
        subject_name: "Q2(限桥式起重机)".to_owned(),
        session_title: "演示考试".to_owned(),
        status,
        session_open: open,
        starts_at: t(0),
        deadline: open.then(|| t(3600)),
        server_now,
        duration_seconds: 3600,
        questions: if status == PaperStatus::Started {
            paper()
        } else {
            Vec::new()
        },
        held_elsewhere: None,
        result: None,
        paused_at: None,
        terminated_reason: None,
    }
}

pub(crate) fn result(auto: bool) -> SubmitResult {
    SubmitResult {
        unanswered: 3,
        auto_submitted: auto,
        submitted_at: t(3600),
        score: Some(PaperScore {
            score: 80.0,
            max_score: 100.0,
            pass_mark: 70.0,
            passed: true,
        }),
        terminated_reason: None,
    }
}

pub(crate) fn settings() -> Settings {
    Settings {
        server: "http://127.0.0.1:8080".to_owned(),
        seat: Some("01".to_owned()),
    }
}

pub(crate) fn keys(state: &mut State, now: DateTime<Utc>, keys: &str) -> Vec<Effect> {
    keys.chars()
        .flat_map(|c| state.update(now, Event::Key(Key::Char(c))))
        .collect()
}

pub(crate) fn key(state: &mut State, now: DateTime<Utc>, k: Key) -> Vec<Effect> {
    state.update(now, Event::Key(k))
}

pub(crate) fn net(state: &mut State, now: DateTime<Utc>, reply: Reply) -> Vec<Effect> {
    state.update(now, Event::Net(reply))
}

/// Signed in with `status`, journal read; on the identity screen.
pub(crate) fn signed_in(status: PaperStatus, open: bool, journal: Vec<JournalEntry>) -> State {
    let (mut state, _) = State::new(settings(), t(0));
    net(&mut state, t(0), Reply::Link(LinkStatus::Up));
    keys(&mut state, t(0), "D0000101");
    key(&mut state, t(0), Key::Tab);
    keys(&mut state, t(0), &id_number());
    let fx = key(&mut state, t(0), Key::Enter);
    assert!(matches!(fx.as_slice(), [Effect::Login { .. }]), "{fx:?}");
    let fx = net(
        &mut state,
        t(0),
        Reply::LoggedIn {
            view: Box::new(view(status, open, t(0))),
            at: t(0),
        },
    );
    assert_eq!(
        fx,
        vec![Effect::OpenJournal {
            ticket: "D0000101".to_owned()
        }]
    );
    state.update(t(0), Event::Journal(JournalEvent::Opened(journal)));
    assert!(matches!(state.screen, Screen::Identity(_)));
    state
}

/// On the exam screen at t(0) with the deadline at t(3600); returns the resent saves.
pub(crate) fn sitting_with(
    journal: Vec<JournalEntry>,
    server: Vec<ExamQuestion>,
) -> (State, Vec<Effect>) {
    let mut state = signed_in(PaperStatus::Pending, true, journal);
    key(&mut state, t(0), Key::Enter);
    keys(&mut state, t(0), " ");
    let fx = key(&mut state, t(0), Key::Enter);
    assert_eq!(fx, vec![Effect::Start]);
    let mut v = view(PaperStatus::Started, true, t(0));
    v.questions = server;
    let fx = net(
        &mut state,
        t(0),
        Reply::Started {
            view: Box::new(v),
            at: t(0),
        },
    );
    assert!(matches!(state.screen, Screen::Exam(_)));
    (state, fx)
}

pub(crate) fn sitting() -> State {
    sitting_with(Vec::new(), paper()).0
}

pub(crate) fn exam(state: &State) -> &Exam {
    match &state.screen {
        Screen::Exam(e) => e,
        other => panic!("not on the exam screen: {other:?}"),
    }
}

pub(crate) fn current_no(state: &State) -> u16 {
    exam(state).sheet.current().no
}

pub(crate) fn saves(fx: &[Effect]) -> Vec<(u16, Option<&str>, u64)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Save(j) | Effect::Resend(j) => Some((j.no, j.answer.as_deref(), j.seq)),
            _ => None,
        })
        .collect()
}

pub(crate) fn ack(no: u16, answer: Option<&str>, seq: u64, deadline: DateTime<Utc>) -> Reply {
    Reply::Saved {
        ack: SaveAnswerResponse {
            no,
            answer: answer.map(str::to_owned),
            seq,
            applied: true,
            server_now: t(10),
            deadline,
        },
        at: t(10),
    }
}

pub(crate) fn failure(code: &str) -> Failure {
    Failure {
        code: code.to_owned(),
        message: format!("{code} 消息"),
    }
}

pub(crate) fn answer_entry(no: u16, answer: Option<&str>, seq: u64) -> JournalEntry {
    JournalEntry::Answer {
        no,
        answer: answer.map(str::to_owned),
        seq,
        at: t(0),
    }
}
