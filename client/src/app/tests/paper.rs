//! Answering: navigation, choices, flags, saves, restart, submitting, time.

use chrono::TimeDelta;
use question_bank::wire::{PaperStatus, QuestionKind, SaveAnswerResponse};

use crate::app::fixtures::*;
use crate::app::*;
use crate::journal::JournalEntry;

// ---- navigation ----

#[test]
fn next_and_previous_stop_at_the_ends_with_a_notice() {
    let mut state = sitting();
    key(&mut state, t(1), Key::Left);
    assert_eq!(current_no(&state), 1);
    assert!(exam(&state).notice.is_some());
    keys(&mut state, t(1), "nn");
    key(&mut state, t(1), Key::Right);
    key(&mut state, t(1), Key::Enter);
    assert_eq!(current_no(&state), 5);
    keys(&mut state, t(1), "p");
    key(&mut state, t(1), Key::PageUp);
    assert_eq!(current_no(&state), 3);
    key(&mut state, t(1), Key::End);
    assert_eq!(current_no(&state), 10);
    key(&mut state, t(1), Key::Right);
    assert_eq!(current_no(&state), 10);
    assert!(exam(&state).notice.is_some());
    key(&mut state, t(1), Key::Home);
    assert_eq!(current_no(&state), 1);
}

#[test]
fn g_then_a_number_and_enter_jumps_and_a_bad_number_says_the_range() {
    let mut state = sitting();
    keys(&mut state, t(1), "g7");
    assert_eq!(exam(&state).modal, Some(Modal::Goto("7".to_owned())));
    key(&mut state, t(1), Key::Enter);
    assert_eq!(current_no(&state), 7);
    assert_eq!(exam(&state).modal, None);
    keys(&mut state, t(1), "g12");
    key(&mut state, t(1), Key::Backspace);
    keys(&mut state, t(1), "5");
    key(&mut state, t(1), Key::Enter);
    assert_eq!(current_no(&state), 7, "no question 15");
    assert_eq!(exam(&state).notice.as_deref(), Some("题号应为 1-10"));
    keys(&mut state, t(1), "g3");
    key(&mut state, t(1), Key::Esc);
    assert_eq!(current_no(&state), 7);
}

#[test]
fn digits_typed_in_the_jump_box_do_not_answer_the_question() {
    let mut state = sitting();
    let fx = keys(&mut state, t(1), "g2");
    assert!(saves(&fx).is_empty());
}

#[test]
fn clicking_a_number_on_the_answer_card_jumps_there() {
    let mut state = sitting();
    state.update(t(1), Event::Click(Target::Question(9)));
    assert_eq!(current_no(&state), 9);
}

#[test]
fn next_unanswered_skips_answered_questions_and_wraps_around() {
    let mut state = sitting();
    keys(&mut state, t(1), "t"); // 1
    key(&mut state, t(1), Key::Right);
    keys(&mut state, t(1), "f"); // 2
    key(&mut state, t(1), Key::Right);
    keys(&mut state, t(1), "a"); // 3
    key(&mut state, t(1), Key::Home);
    keys(&mut state, t(1), "u");
    assert_eq!(current_no(&state), 4);
    key(&mut state, t(1), Key::End);
    keys(&mut state, t(1), "a"); // 10
    keys(&mut state, t(1), "u");
    assert_eq!(current_no(&state), 4, "wraps past the end");
}

#[test]
fn next_unanswered_says_so_when_everything_is_answered() {
    let mut state = sitting();
    for _ in 0..10 {
        let kind = exam(&state).sheet.current().kind;
        keys(
            &mut state,
            t(1),
            if kind == QuestionKind::Judge {
                "t"
            } else {
                "a"
            },
        );
        key(&mut state, t(1), Key::Right);
    }
    keys(&mut state, t(1), "u");
    assert_eq!(
        exam(&state).notice.as_deref(),
        Some(crate::strings::ALL_ANSWERED)
    );
}

#[test]
fn scrolling_stays_within_what_the_view_reports_and_resets_on_navigation() {
    let mut state = sitting();
    state.update(t(1), Event::Viewport { overflow: 2 });
    for _ in 0..5 {
        key(&mut state, t(1), Key::Down);
    }
    assert_eq!(exam(&state).scroll, 2);
    key(&mut state, t(1), Key::Up);
    assert_eq!(exam(&state).scroll, 1);
    state.update(t(1), Event::Scroll(-3));
    assert_eq!(exam(&state).scroll, 0);
    state.update(t(1), Event::Scroll(1));
    key(&mut state, t(1), Key::Right);
    assert_eq!(exam(&state).scroll, 0);
}

// ---- answering ----

#[test]
fn judge_questions_take_t_f_and_1_2() {
    let mut state = sitting();
    let fx = keys(&mut state, t(1), "tF21");
    assert_eq!(
        saves(&fx),
        vec![(1, Some("T"), 1), (1, Some("F"), 2), (1, Some("T"), 3)],
        "the repeated F is not a change"
    );
    let fx = keys(&mut state, t(1), "a");
    assert!(saves(&fx).is_empty());
    assert!(exam(&state).notice.is_some(), "explains T/F");
}

#[test]
fn single_choice_replaces_the_answer_and_repeating_it_sends_nothing() {
    let mut state = sitting();
    state.update(t(1), Event::Click(Target::Question(3)));
    let fx = keys(&mut state, t(1), "bB3");
    assert_eq!(saves(&fx), vec![(3, Some("B"), 1), (3, Some("C"), 2)]);
}

#[test]
fn multiple_choice_letters_toggle_and_clearing_everything_sends_null() {
    let mut state = sitting();
    state.update(t(1), Event::Click(Target::Question(7)));
    let fx = keys(&mut state, t(1), "ecae");
    assert_eq!(
        saves(&fx),
        vec![
            (7, Some("E"), 1),
            (7, Some("CE"), 2),
            (7, Some("ACE"), 3),
            (7, Some("AC"), 4)
        ]
    );
    let fx = keys(&mut state, t(1), "ac");
    assert_eq!(saves(&fx), vec![(7, Some("C"), 5), (7, None, 6)]);
    assert!(!exam(&state).sheet.current().is_answered());
}

#[test]
fn backspace_clears_an_answer_once() {
    let mut state = sitting();
    keys(&mut state, t(1), "t");
    let fx = key(&mut state, t(1), Key::Backspace);
    assert_eq!(saves(&fx), vec![(1, None, 2)]);
    assert!(key(&mut state, t(1), Key::Delete).is_empty());
}

#[test]
fn a_letter_beyond_the_options_says_how_many_there_are() {
    let mut state = sitting();
    state.update(t(1), Event::Click(Target::Question(3)));
    let fx = keys(&mut state, t(1), "e");
    assert!(saves(&fx).is_empty());
    assert_eq!(
        exam(&state).notice.as_deref(),
        Some("本题只有 A-D 共 4 个选项")
    );
}

#[test]
fn clicking_an_option_answers_like_its_key() {
    let mut state = sitting();
    let fx = state.update(t(1), Event::Click(Target::Option(1)));
    assert_eq!(saves(&fx), vec![(1, Some("F"), 1)]);
}

#[test]
fn sequence_numbers_count_per_question() {
    let mut state = sitting();
    keys(&mut state, t(1), "tf");
    key(&mut state, t(1), Key::Right);
    let fx = keys(&mut state, t(1), "t");
    assert_eq!(saves(&fx), vec![(2, Some("T"), 1)]);
}

// ---- flags and saves ----

#[test]
fn m_flags_and_unflags_and_each_change_goes_to_the_journal() {
    let mut state = sitting();
    let fx = keys(&mut state, t(1), "m");
    assert_eq!(
        fx,
        vec![Effect::Flag {
            no: 1,
            flagged: true
        }]
    );
    key(&mut state, t(1), Key::Right);
    keys(&mut state, t(1), "mm");
    key(&mut state, t(1), Key::Right);
    keys(&mut state, t(1), "m");
    assert_eq!(exam(&state).sheet.flagged(), vec![1, 3]);
}

#[test]
fn pending_count_falls_only_when_the_latest_change_is_acknowledged() {
    let mut state = sitting();
    keys(&mut state, t(1), "tf");
    assert_eq!(exam(&state).sheet.pending(), 1);
    net(&mut state, t(2), ack(1, Some("T"), 1, t(3600)));
    assert_eq!(exam(&state).sheet.pending(), 1, "seq 2 is still on its way");
    assert_eq!(
        exam(&state).sheet.current().save_state(),
        SaveState::Pending
    );
    net(&mut state, t(2), ack(1, Some("F"), 2, t(3600)));
    assert_eq!(exam(&state).sheet.pending(), 0);
    assert_eq!(exam(&state).sheet.current().save_state(), SaveState::Saved);
}

#[test]
fn a_refused_save_is_marked_and_explained() {
    let mut state = sitting();
    keys(&mut state, t(1), "t");
    let job = SaveJob {
        no: 1,
        answer: Some("T".into()),
        seq: 1,
    };
    net(
        &mut state,
        t(2),
        Reply::SaveRejected {
            job,
            failure: failure("invalid_answer"),
        },
    );
    assert_eq!(
        exam(&state).sheet.current().save_state(),
        SaveState::Rejected
    );
    assert_eq!(exam(&state).sheet.pending(), 0);
    assert!(exam(&state).notice.is_some());
}

#[test]
fn an_answer_saved_from_another_terminal_replaces_an_older_one() {
    let mut state = sitting();
    keys(&mut state, t(1), "t");
    net(&mut state, t(2), ack(1, Some("F"), 5, t(3600)));
    let q = exam(&state).sheet.current();
    assert!(!q.is_chosen(0) && q.is_chosen(1));
    let fx = keys(&mut state, t(3), "t");
    assert_eq!(saves(&fx), vec![(1, Some("T"), 6)]);
}

// ---- rebuilding after a restart ----

#[test]
fn restart_rebuilds_from_the_server_and_resends_newer_journal_entries() {
    let mut server = paper();
    server[0].answer = Some("T".into());
    server[0].seq = 2;
    server[2].answer = Some("A".into());
    server[2].seq = 1;
    let journal = vec![
        answer_entry(1, Some("F"), 1), // older than the server's: already there
        answer_entry(1, Some("T"), 2),
        answer_entry(3, Some("B"), 2), // never acknowledged
        answer_entry(3, Some("C"), 3),
        answer_entry(7, Some("AB"), 1),
        answer_entry(4, Some("Z"), 1), // not an answer to question 4: ignored
        JournalEntry::Flag {
            no: 5,
            flagged: true,
            at: t(0),
        },
        JournalEntry::Flag {
            no: 6,
            flagged: true,
            at: t(0),
        },
        JournalEntry::Flag {
            no: 6,
            flagged: false,
            at: t(0),
        },
    ];
    let (mut state, fx) = sitting_with(journal, server);
    assert_eq!(
        saves(&fx),
        vec![(3, Some("B"), 2), (3, Some("C"), 3), (7, Some("AB"), 1)]
    );
    assert!(fx.iter().all(|e| matches!(e, Effect::Resend(_))));
    let sheet = &exam(&state).sheet;
    assert!(sheet.questions[0].is_chosen(0), "server answer kept");
    assert!(sheet.questions[2].is_chosen(2), "journal's newer C wins");
    assert!(!sheet.questions[3].is_answered());
    assert_eq!(sheet.flagged(), vec![5]);
    assert_eq!(sheet.pending(), 2);
    // New changes continue above the journal's seq.
    state.update(t(1), Event::Click(Target::Question(3)));
    let fx = keys(&mut state, t(1), "d");
    assert_eq!(saves(&fx), vec![(3, Some("D"), 4)]);
}

// ---- submitting ----

#[test]
fn submit_confirmation_lists_unanswered_and_flagged_and_n_goes_back() {
    let mut state = sitting();
    keys(&mut state, t(1), "tm");
    key(&mut state, t(1), Key::Right);
    keys(&mut state, t(1), "m");
    keys(&mut state, t(1), "s");
    assert_eq!(exam(&state).modal, Some(Modal::ConfirmSubmit));
    let sheet = &exam(&state).sheet;
    assert_eq!(number_ranges(&sheet.unanswered()), "2-10");
    assert_eq!(number_ranges(&sheet.flagged()), "1-2");
    // Answer keys do nothing while the box is open.
    assert!(keys(&mut state, t(1), "a").is_empty());
    keys(&mut state, t(1), "n");
    assert_eq!(exam(&state).modal, None);
    assert_eq!(exam(&state).phase, Phase::Answering);
}

#[test]
fn y_submits_closes_input_and_shows_the_score() {
    let mut state = sitting();
    let fx = keys(&mut state, t(1), "sy");
    assert_eq!(fx, vec![Effect::Submit]);
    assert_eq!(exam(&state).phase, Phase::Submitting { auto: false });
    assert!(
        keys(&mut state, t(1), "t").is_empty(),
        "no answers after submitting"
    );
    net(&mut state, t(2), Reply::Submitted(result(false)));
    let Screen::Result(o) = &state.screen else {
        panic!("result")
    };
    assert!(!o.auto);
    assert!(o
        .result
        .as_ref()
        .is_some_and(|r| r.score.is_some_and(|p| p.passed)));
}

#[test]
fn number_ranges_are_compact() {
    assert_eq!(number_ranges(&[1, 2, 3, 5, 7, 8, 100]), "1-3、5、7-8、100");
    assert_eq!(number_ranges(&[]), "");
}

// ---- time ----

#[test]
fn remaining_time_follows_the_server_clock_measured_at_each_reply() {
    let mut state = signed_in(PaperStatus::Started, true, Vec::new());
    key(&mut state, t(0), Key::Enter);
    // The server is 100 s ahead of this terminal.
    let v = view(PaperStatus::Started, true, t(100));
    net(
        &mut state,
        t(0),
        Reply::Started {
            view: Box::new(v),
            at: t(0),
        },
    );
    let e = exam(&state);
    assert_eq!(e.remaining(&state.clock, t(0)), TimeDelta::seconds(3500));
    // A save reply measures again (now in step) and brings the deadline the invigilator
    // extended by five minutes.
    net(
        &mut state,
        t(10),
        Reply::Saved {
            ack: SaveAnswerResponse {
                no: 1,
                answer: None,
                seq: 0,
                applied: false,
                server_now: t(10),
                deadline: t(3900),
            },
            at: t(10),
        },
    );
    let e = exam(&state);
    assert_eq!(e.remaining(&state.clock, t(10)), TimeDelta::seconds(3890));
}

#[test]
fn the_warning_starts_ten_minutes_before_the_end() {
    let mut state = sitting();
    state.update(t(3000), Event::Tick);
    assert!(!exam(&state).warning(&state.clock, t(2999)));
    assert!(exam(&state).warning(&state.clock, t(3000)));
}

#[test]
fn at_zero_input_stops_the_paper_is_submitted_and_the_result_says_automatic() {
    let mut state = sitting();
    keys(&mut state, t(5), "gs");
    assert!(exam(&state).modal.is_some());
    let fx = state.update(t(3600), Event::Tick);
    assert!(fx.contains(&Effect::Submit));
    assert_eq!(exam(&state).phase, Phase::Submitting { auto: true });
    assert_eq!(exam(&state).modal, None, "boxes close at time-out");
    assert!(keys(&mut state, t(3601), "f").is_empty());
    assert!(
        !state.update(t(3602), Event::Tick).contains(&Effect::Submit),
        "submitted once"
    );
    // The server may report a normal submission if its clock was a hair behind.
    net(&mut state, t(3603), Reply::Submitted(result(false)));
    let Screen::Result(o) = &state.screen else {
        panic!("result")
    };
    assert!(o.auto);
}

#[test]
fn a_save_refused_after_the_deadline_ends_the_paper_and_is_reported() {
    let mut state = sitting();
    keys(&mut state, t(1), "t");
    let job = SaveJob {
        no: 1,
        answer: Some("T".into()),
        seq: 1,
    };
    let fx = net(
        &mut state,
        t(2),
        Reply::SaveRejected {
            job,
            failure: failure("deadline_passed"),
        },
    );
    assert_eq!(fx, vec![Effect::Submit]);
    net(&mut state, t(3), Reply::Submitted(result(true)));
    let Screen::Result(o) = &state.screen else {
        panic!("result")
    };
    assert_eq!(o.late_saves, vec![1]);
}

#[test]
fn the_exam_is_fetched_every_thirty_seconds_and_a_submission_elsewhere_ends_it() {
    let mut state = sitting();
    assert!(!state.update(t(29), Event::Tick).contains(&Effect::Fetch));
    assert!(state.update(t(30), Event::Tick).contains(&Effect::Fetch));
    assert!(!state.update(t(31), Event::Tick).contains(&Effect::Fetch));
    let mut v = view(PaperStatus::Submitted, true, t(31));
    v.result = Some(result(false));
    net(
        &mut state,
        t(31),
        Reply::Exam {
            view: Box::new(v),
            at: t(31),
        },
    );
    assert!(matches!(state.screen, Screen::Result(_)));
}

// ---- leaving ----

#[test]
fn ctrl_c_during_the_exam_asks_first() {
    let mut state = sitting();
    assert!(key(&mut state, t(1), Key::Ctrl('c')).is_empty());
    assert!(state.confirm_quit);
    assert!(keys(&mut state, t(1), "t").is_empty(), "box swallows keys");
    keys(&mut state, t(1), "n");
    assert!(!state.confirm_quit);
    key(&mut state, t(1), Key::Ctrl('c'));
    assert_eq!(keys(&mut state, t(1), "y"), vec![Effect::Quit]);
}

#[test]
fn ctrl_c_before_the_exam_quits_at_once() {
    let (mut state, _) = State::new(settings(), t(0));
    assert_eq!(key(&mut state, t(0), Key::Ctrl('c')), vec![Effect::Quit]);
}
