//! One terminal per paper: waiting for the invigilator's approval on the new terminal,
//! and the old terminal stopping when the paper has moved.

use question_bank::wire::PaperStatus;

use crate::app::fixtures::*;
use crate::app::*;

/// A second terminal: signed in on a paper that is started elsewhere, identity confirmed.
fn asking_to_take_over() -> State {
    let mut state = signed_in(PaperStatus::Started, true, Vec::new());
    let fx = key(&mut state, t(0), Key::Enter);
    assert_eq!(fx, vec![Effect::Start]);
    net(
        &mut state,
        t(1),
        Reply::StartFailed(failure(TAKEOVER_REQUIRED)),
    );
    state
}

#[test]
fn a_paper_open_elsewhere_waits_for_approval_and_asks_again_every_three_seconds() {
    let mut state = asking_to_take_over();
    let Screen::Takeover(c) = &state.screen else {
        panic!("waiting for approval: {:?}", state.screen)
    };
    assert_eq!(c.error.as_deref(), Some("takeover_required 消息"));
    assert!(state.update(t(2), Event::Tick).is_empty(), "not yet");
    assert_eq!(state.update(t(4), Event::Tick), vec![Effect::Start]);
    assert!(
        state.update(t(5), Event::Tick).is_empty(),
        "one ask at a time"
    );
    // Still waiting, then approved.
    net(
        &mut state,
        t(5),
        Reply::StartFailed(failure(TAKEOVER_REQUIRED)),
    );
    assert!(matches!(state.screen, Screen::Takeover(_)));
    assert_eq!(state.update(t(8), Event::Tick), vec![Effect::Start]);
    let started = view(PaperStatus::Started, true, t(8));
    net(
        &mut state,
        t(8),
        Reply::Started {
            view: Box::new(started),
            at: t(8),
        },
    );
    assert!(matches!(state.screen, Screen::Exam(_)));
}

#[test]
fn esc_gives_up_waiting_and_other_refusals_block() {
    let mut state = asking_to_take_over();
    key(&mut state, t(2), Key::Esc);
    let Screen::Login(form) = &state.screen else {
        panic!("back to sign-in")
    };
    assert_eq!(form.ticket, "D0000101");

    let mut state = asking_to_take_over();
    state.update(t(4), Event::Tick);
    net(
        &mut state,
        t(4),
        Reply::StartFailed(failure("deadline_passed")),
    );
    assert!(matches!(state.screen, Screen::Blocked(_)));
}

#[test]
fn the_identity_screen_knows_the_paper_is_open_elsewhere() {
    let (mut state, _) = State::new(settings(), t(0));
    net(&mut state, t(0), Reply::Link(LinkStatus::Up));
    keys(&mut state, t(0), "D0000101");
    key(&mut state, t(0), Key::Tab);
    keys(&mut state, t(0), &id_number());
    key(&mut state, t(0), Key::Enter);
    let mut v = view(PaperStatus::Started, true, t(0));
    v.questions.clear();
    v.held_elsewhere = Some("07".into());
    net(
        &mut state,
        t(0),
        Reply::LoggedIn {
            view: Box::new(v),
            at: t(0),
        },
    );
    let Screen::Identity(c) = &state.screen else {
        panic!("identity")
    };
    assert_eq!(c.profile.held_elsewhere.as_deref(), Some("07"));
}

#[test]
fn a_save_refused_as_taken_over_stops_the_old_terminal_and_counts_what_is_unsaved() {
    let mut state = sitting();
    keys(&mut state, t(1), "t");
    net(
        &mut state,
        t(2),
        Reply::SaveRejected {
            job: SaveJob {
                no: 1,
                answer: Some("T".into()),
                seq: 1,
            },
            failure: failure(TAKEN_OVER),
        },
    );
    let Screen::Blocked(b) = &state.screen else {
        panic!("stopped: {:?}", state.screen)
    };
    assert!(b.message.contains("另一台终端"), "{}", b.message);
    assert!(b.message.contains("1 题"), "{}", b.message);
    assert!(keys(&mut state, t(3), "t").is_empty(), "no more answering");
}

#[test]
fn a_fresh_copy_saying_the_paper_is_elsewhere_stops_the_old_terminal() {
    let mut state = sitting();
    let fx = state.update(t(31), Event::Tick);
    assert_eq!(fx, vec![Effect::Fetch]);
    let mut v = view(PaperStatus::Started, true, t(31));
    v.questions.clear();
    v.held_elsewhere = Some("12".into());
    net(
        &mut state,
        t(31),
        Reply::Exam {
            view: Box::new(v),
            at: t(31),
        },
    );
    let Screen::Blocked(b) = &state.screen else {
        panic!("stopped: {:?}", state.screen)
    };
    assert!(b.message.contains("座位 12 的终端"), "{}", b.message);
    assert!(
        !b.message.contains("未保存"),
        "nothing unsaved: {}",
        b.message
    );
}
