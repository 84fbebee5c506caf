//! What the invigilator does to a paper, as the terminal sees it: a pause closes input and
//! stops the clock, held-back answers are sent on resume; a terminated paper ends.

use chrono::TimeDelta;
use question_bank::wire::{ExamView, PaperStatus};

use crate::app::exam::PAPER_PAUSED;
use crate::app::fixtures::*;
use crate::app::*;

fn exam_reply(state: &mut State, now: chrono::DateTime<chrono::Utc>, v: ExamView) -> Vec<Effect> {
    net(
        state,
        now,
        Reply::Exam {
            view: Box::new(v),
            at: now,
        },
    )
}

#[test]
fn a_save_refused_by_a_pause_stays_pending_and_is_sent_again_on_resume() {
    let mut state = sitting();
    let fx = keys(&mut state, t(10), "t");
    assert_eq!(saves(&fx), vec![(1, Some("T"), 1)]);
    let job = SaveJob {
        no: 1,
        answer: Some("T".into()),
        seq: 1,
    };
    net(
        &mut state,
        t(11),
        Reply::SaveRejected {
            job,
            failure: failure(PAPER_PAUSED),
        },
    );
    let e = exam(&state);
    assert!(e.paused_at.is_some());
    assert_eq!(e.sheet.current().save_state(), SaveState::Pending);
    assert_eq!(e.sheet.pending(), 1);
    // Input is closed while paused.
    assert!(keys(&mut state, t(12), "f").is_empty());
    // Asked again within three seconds, not thirty.
    assert!(state.update(t(14), Event::Tick).contains(&Effect::Fetch));
    // Still paused on the server, at 11 s: the clock stands still at 3600 - 11.
    let mut paused = view(PaperStatus::Started, true, t(14));
    paused.paused_at = Some(t(11));
    exam_reply(&mut state, t(14), paused);
    let e = exam(&state);
    assert_eq!(
        e.remaining(&state.clock, t(500)),
        TimeDelta::seconds(3600 - 11)
    );
    // No time-out while paused, even past the old deadline.
    assert!(!state.update(t(3700), Event::Tick).contains(&Effect::Submit));
    // Resumed: the deadline moved by the pause; the held-back answer goes out again.
    let mut resumed = view(PaperStatus::Started, true, t(3700));
    resumed.deadline = Some(t(3600 + 3700 - 11));
    let fx = exam_reply(&mut state, t(3700), resumed);
    assert_eq!(saves(&fx), vec![(1, Some("T"), 1)]);
    let e = exam(&state);
    assert_eq!(e.paused_at, None);
    assert_eq!(e.notice.as_deref(), Some(crate::strings::RESUMED));
    assert_eq!(
        e.remaining(&state.clock, t(3700)),
        TimeDelta::seconds(3600 - 11)
    );
    // And answering works again.
    assert_eq!(
        saves(&keys(&mut state, t(3701), "f")),
        vec![(1, Some("F"), 2)]
    );
}

#[test]
fn a_pause_seen_by_the_regular_fetch_closes_input_and_a_submit_during_it_waits() {
    let mut state = sitting();
    assert!(state.update(t(30), Event::Tick).contains(&Effect::Fetch));
    let mut paused = view(PaperStatus::Started, true, t(30));
    paused.paused_at = Some(t(25));
    exam_reply(&mut state, t(30), paused);
    assert_eq!(exam(&state).paused_at, Some(t(25)));
    assert!(keys(&mut state, t(31), "s").is_empty(), "no submit box");

    // A time-out submission that crossed a pause goes back to waiting.
    let mut state = sitting();
    state.update(t(3600), Event::Tick);
    net(
        &mut state,
        t(3601),
        Reply::SubmitFailed(failure(PAPER_PAUSED)),
    );
    let e = exam(&state);
    assert_eq!(e.phase, Phase::Answering);
    assert!(e.paused_at.is_some());
    assert!(matches!(state.screen, Screen::Exam(_)));
}

#[test]
fn a_terminated_paper_ends_with_the_reason_and_no_pass() {
    let mut state = sitting();
    let mut ended = view(PaperStatus::Submitted, true, t(40));
    let mut r = result(false);
    r.terminated_reason = Some("使用手机".into());
    if let Some(score) = r.score.as_mut() {
        score.score = 0.0;
        score.passed = false;
    }
    ended.result = Some(r);
    ended.terminated_reason = Some("使用手机".into());
    exam_reply(&mut state, t(40), ended);
    let Screen::Result(o) = &state.screen else {
        panic!("result screen: {:?}", state.screen)
    };
    let r = o.result.as_ref().expect("result");
    assert_eq!(r.terminated_reason.as_deref(), Some("使用手机"));
    assert!(!r.score.as_ref().unwrap().passed);
}
