//! Sign-in, identity, rules, waiting, reachability.

use question_bank::wire::PaperStatus;

use crate::app::fixtures::*;
use crate::app::*;

// ---- check-in ----

#[test]
fn sign_in_is_not_sent_with_an_invalid_id_number() {
    let (mut state, fx) = State::new(settings(), t(0));
    assert_eq!(fx, vec![Effect::Probe]);
    keys(&mut state, t(0), "d0000101");
    key(&mut state, t(0), Key::Enter); // moves to the ID field
    keys(&mut state, t(0), "123456789012345678");
    let fx = key(&mut state, t(0), Key::Enter);
    assert!(fx.is_empty());
    let Screen::Login(form) = &state.screen else {
        panic!("still on sign-in")
    };
    assert_eq!(form.ticket, "D0000101", "tickets are upper-cased");
    assert!(form.error.is_some());
    assert!(!form.busy);
}

#[test]
fn refused_sign_in_shows_the_servers_reason_and_keeps_what_was_typed() {
    let (mut state, _) = State::new(settings(), t(0));
    keys(&mut state, t(0), "D1");
    key(&mut state, t(0), Key::Tab);
    keys(&mut state, t(0), &id_number());
    key(&mut state, t(0), Key::Enter);
    net(
        &mut state,
        t(1),
        Reply::LoginFailed(failure("bad_credentials")),
    );
    let Screen::Login(form) = &state.screen else {
        panic!("still on sign-in")
    };
    assert_eq!(form.error.as_deref(), Some("bad_credentials 消息"));
    assert_eq!(form.ticket, "D1");
    assert!(!form.busy);
}

#[test]
fn rules_must_be_ticked_before_continuing_and_a_closed_session_means_waiting() {
    let mut state = signed_in(PaperStatus::Pending, false, Vec::new());
    key(&mut state, t(0), Key::Enter);
    assert!(matches!(state.screen, Screen::Rules(_)));
    let fx = key(&mut state, t(0), Key::Enter);
    assert!(fx.is_empty());
    let Screen::Rules(c) = &state.screen else {
        panic!("still on the rules")
    };
    assert!(c.error.is_some(), "asks to tick 我已阅读");
    keys(&mut state, t(0), " ");
    let fx = key(&mut state, t(0), Key::Enter);
    assert!(matches!(state.screen, Screen::Waiting(_)));
    assert_eq!(fx, vec![Effect::Fetch], "polls at once");
}

#[test]
fn waiting_polls_every_three_seconds_and_starts_when_the_invigilator_opens() {
    let mut state = signed_in(PaperStatus::Pending, false, Vec::new());
    key(&mut state, t(0), Key::Enter);
    keys(&mut state, t(0), " ");
    key(&mut state, t(0), Key::Enter);
    // No second poll while one is on its way.
    assert!(state.update(t(1), Event::Tick).is_empty());
    let closed = view(PaperStatus::Pending, false, t(1));
    net(
        &mut state,
        t(1),
        Reply::Exam {
            view: Box::new(closed),
            at: t(1),
        },
    );
    assert!(state.update(t(3), Event::Tick).is_empty());
    assert_eq!(state.update(t(4), Event::Tick), vec![Effect::Fetch]);
    let open = view(PaperStatus::Pending, true, t(4));
    let fx = net(
        &mut state,
        t(4),
        Reply::Exam {
            view: Box::new(open),
            at: t(4),
        },
    );
    assert_eq!(fx, vec![Effect::Start]);
    assert!(matches!(state.screen, Screen::Starting(_)));
}

#[test]
fn a_resumed_paper_goes_from_identity_straight_to_the_questions() {
    let mut state = signed_in(PaperStatus::Started, true, Vec::new());
    let fx = key(&mut state, t(0), Key::Enter);
    assert_eq!(fx, vec![Effect::Start]);
    assert!(matches!(state.screen, Screen::Starting(_)));
}

#[test]
fn not_me_on_the_identity_screen_returns_to_sign_in() {
    let mut state = signed_in(PaperStatus::Pending, true, Vec::new());
    key(&mut state, t(0), Key::Esc);
    let Screen::Login(form) = &state.screen else {
        panic!("back at sign-in")
    };
    assert!(form.id_number.is_empty());
}

#[test]
fn a_paper_already_submitted_shows_its_result_at_sign_in() {
    let (mut state, _) = State::new(settings(), t(0));
    keys(&mut state, t(0), "D1");
    key(&mut state, t(0), Key::Tab);
    keys(&mut state, t(0), &id_number());
    key(&mut state, t(0), Key::Enter);
    let mut v = view(PaperStatus::Submitted, true, t(0));
    v.result = Some(result(true));
    net(
        &mut state,
        t(0),
        Reply::LoggedIn {
            view: Box::new(v),
            at: t(0),
        },
    );
    let Screen::Result(o) = &state.screen else {
        panic!("result")
    };
    assert!(o.auto);
    assert_eq!(
        o.result.as_ref().and_then(|r| r.score).map(|p| p.score),
        Some(80.0)
    );
}

#[test]
fn late_entry_refusal_is_shown_with_the_servers_message() {
    let mut state = signed_in(PaperStatus::Pending, true, Vec::new());
    key(&mut state, t(0), Key::Enter);
    keys(&mut state, t(0), " ");
    key(&mut state, t(0), Key::Enter);
    net(
        &mut state,
        t(0),
        Reply::StartFailed(failure("late_entry_closed")),
    );
    let Screen::Blocked(b) = &state.screen else {
        panic!("blocked")
    };
    assert_eq!(b.message, "late_entry_closed 消息");
}

#[test]
fn seat_mismatch_is_detected_ignoring_leading_zeros() {
    let state = signed_in(PaperStatus::Pending, true, Vec::new());
    let Screen::Identity(c) = &state.screen else {
        panic!("identity")
    };
    assert!(!c.seat_mismatch(Some("1")));
    assert!(!c.seat_mismatch(Some("01")));
    assert!(c.seat_mismatch(Some("07")));
    assert!(!c.seat_mismatch(None));
}

// ---- reachability ----

#[test]
fn an_unreachable_server_blocks_sign_in_and_is_probed_every_three_seconds() {
    let (mut state, _) = State::new(settings(), t(0));
    net(
        &mut state,
        t(0),
        Reply::Link(LinkStatus::Down("refused".into())),
    );
    assert!(state.shows_unreachable());
    assert!(keys(&mut state, t(1), "D1").is_empty());
    assert!(state.update(t(2), Event::Tick).is_empty());
    assert_eq!(state.update(t(3), Event::Tick), vec![Effect::Probe]);
    assert!(state.update(t(4), Event::Tick).is_empty());
    net(
        &mut state,
        t(6),
        Reply::Link(LinkStatus::Down("refused".into())),
    );
    let Link::Down { since, retries, .. } = &state.link else {
        panic!("down")
    };
    assert_eq!((*since, *retries), (t(0), 1));
    net(&mut state, t(7), Reply::Link(LinkStatus::Up));
    assert!(!state.shows_unreachable());
    let Screen::Login(form) = &state.screen else {
        panic!("sign-in")
    };
    assert!(
        form.ticket.is_empty(),
        "keys typed while unreachable are ignored"
    );
}

#[test]
fn the_candidate_keeps_answering_while_the_network_is_down() {
    let mut state = sitting();
    net(
        &mut state,
        t(5),
        Reply::Link(LinkStatus::Down("refused".into())),
    );
    assert!(!state.shows_unreachable());
    let fx = keys(&mut state, t(6), "t");
    assert_eq!(saves(&fx), vec![(1, Some("T"), 1)]);
    key(&mut state, t(6), Key::Right);
    let fx = keys(&mut state, t(7), "f");
    assert_eq!(saves(&fx), vec![(2, Some("F"), 1)]);
    assert_eq!(exam(&state).sheet.pending(), 2);
    net(&mut state, t(9), Reply::Link(LinkStatus::Up));
    net(&mut state, t(9), ack(1, Some("T"), 1, t(3600)));
    net(&mut state, t(9), ack(2, Some("F"), 1, t(3600)));
    assert_eq!(exam(&state).sheet.pending(), 0);
}
