use std::time::Duration;

use question_bank::wire::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, eventually, id_number, spawn_app};

fn question(exam: &Value, no: usize) -> &Value {
    &exam["questions"][no - 1]
}

fn first_of_kind(exam: &Value, kind: &str) -> usize {
    exam["questions"]
        .as_array()
        .unwrap()
        .iter()
        .position(|q| q["kind"] == kind)
        .unwrap()
        + 1
}

#[tokio::test]
async fn candidate_waits_until_session_opens() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let s = app.create_session(&examiner, 3600).await;
    let c = app.register(&examiner, s.id, 1).await;
    let token = app.candidate_token(&c.ticket, &id_number(1)).await;
    let (status, view) = app.get("/api/v1/exam", &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            view["session_open"].as_bool(),
            view["questions"].as_array().map(Vec::len)
        ),
        (Some(false), Some(0))
    );
    let (status, body) = app.post("/api/v1/exam/start", &token, json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "session_not_open");
    let (status, body) = app
        .put(
            "/api/v1/exam/answers/1",
            &token,
            json!({"answer": "T", "seq": 1}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "paper_not_started");
}

#[tokio::test]
async fn wrong_id_number_cannot_sign_in() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let s = app.create_session(&examiner, 3600).await;
    let c = app.register(&examiner, s.id, 1).await;
    let (status, body) = app.candidate_login(&c.ticket, &id_number(2)).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "bad_credentials");
    let (status, _) = app.candidate_login("NO-SUCH", &id_number(1)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn saves_are_idempotent_by_seq_and_older_seqs_change_nothing() {
    let app = spawn_app().await;
    let (_, token, _, exam) = app.started_candidate(3600).await;
    let no = first_of_kind(&exam, "single");
    let path = format!("/api/v1/exam/answers/{no}");
    let (status, ack) = app
        .put(&path, &token, json!({"answer": "B", "seq": 5}))
        .await;
    assert_eq!(
        (status, ack["applied"].as_bool(), ack["answer"].as_str()),
        (StatusCode::OK, Some(true), Some("B"))
    );
    let (_, replay) = app
        .put(&path, &token, json!({"answer": "B", "seq": 5}))
        .await;
    assert_eq!(
        (replay["applied"].as_bool(), replay["seq"].as_u64()),
        (Some(false), Some(5))
    );
    let (_, stale) = app
        .put(&path, &token, json!({"answer": "C", "seq": 4}))
        .await;
    assert_eq!(
        (stale["applied"].as_bool(), stale["answer"].as_str()),
        (Some(false), Some("B"))
    );
    let (_, newer) = app
        .put(&path, &token, json!({"answer": "D", "seq": 6}))
        .await;
    assert_eq!(newer["answer"], "D");
    let (_, cleared) = app
        .put(&path, &token, json!({"answer": null, "seq": 7}))
        .await;
    assert_eq!(
        (cleared["applied"].as_bool(), cleared["answer"].is_null()),
        (Some(true), true)
    );
    let (_, view) = app.get("/api/v1/exam", &token).await;
    assert!(question(&view, no)["answer"].is_null());
    assert_eq!(question(&view, no)["seq"], 7);
}

#[tokio::test]
async fn bad_answers_are_rejected_and_change_nothing() {
    let app = spawn_app().await;
    let (_, token, _, exam) = app.started_candidate(3600).await;
    let judge = first_of_kind(&exam, "judge");
    let single = first_of_kind(&exam, "single");
    app.put(
        &format!("/api/v1/exam/answers/{single}"),
        &token,
        json!({"answer": "A", "seq": 1}),
    )
    .await;
    let options = question(&exam, single)["options"].as_array().unwrap().len();
    let beyond = ((b'A' + options as u8) as char).to_string();
    let cases = [
        (
            single,
            json!({"answer": beyond, "seq": 2}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_answer",
        ),
        (
            single,
            json!({"answer": "AB", "seq": 2}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_answer",
        ),
        (
            judge,
            json!({"answer": "A", "seq": 2}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_answer",
        ),
        (
            single,
            json!({"answer": "B", "seq": 0}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_seq",
        ),
        (
            101,
            json!({"answer": "T", "seq": 2}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_question_number",
        ),
        (
            0,
            json!({"answer": "T", "seq": 2}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_question_number",
        ),
        (
            single,
            json!({"answer": 3, "seq": 2}),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
    ];
    for (no, body, status, code) in cases {
        let (got, resp) = app
            .put(&format!("/api/v1/exam/answers/{no}"), &token, body.clone())
            .await;
        assert_eq!(
            (got, resp["code"].as_str()),
            (status, Some(code)),
            "question {no}: {body}"
        );
    }
    let (status, _) = app
        .put(
            "/api/v1/exam/answers/abc",
            &token,
            json!({"answer": "T", "seq": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, view) = app.get("/api/v1/exam", &token).await;
    assert_eq!(
        (
            question(&view, single)["answer"].as_str(),
            question(&view, single)["seq"].as_u64()
        ),
        (Some("A"), Some(1))
    );
    assert!(question(&view, judge)["answer"].is_null());
}

#[tokio::test]
async fn a_session_may_keep_the_score_from_the_candidate_but_not_from_staff() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app
        .create_session_with(&examiner, json!({"show_score": false}))
        .await;
    assert!(!session.show_score);
    let c = app.register(&examiner, session.id, 1).await;
    app.open(&examiner, session.id).await;
    let token = app.candidate_token(&c.ticket, &id_number(1)).await;
    app.post("/api/v1/exam/start", &token, json!({})).await;
    let (status, result) = app.post("/api/v1/exam/submit", &token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(
        (result["score"].clone(), result["unanswered"].as_u64()),
        (Value::Null, Some(100))
    );
    let (_, view) = app.get("/api/v1/exam", &token).await;
    assert_eq!(view["result"]["score"], Value::Null, "{view}");
    let results = app.results(&examiner, session.id).await;
    assert_eq!(results["candidates"][0]["score"].as_f64(), Some(0.0));
}

#[tokio::test]
async fn submit_scores_and_results_use_bank_labels() {
    let app = spawn_app().await;
    let (examiner, token, session, exam) = app.started_candidate(3600).await;
    // Answer the first 10 questions with A (choice) or T (judge).
    let mut shown = Vec::new();
    for q in exam["questions"].as_array().unwrap().iter().take(10) {
        let answer = if q["kind"] == "judge" {
            "T"
        } else if q["kind"] == "single" {
            "A"
        } else {
            "AB"
        };
        let no = q["no"].as_u64().unwrap();
        let (status, _) = app
            .put(
                &format!("/api/v1/exam/answers/{no}"),
                &token,
                json!({"answer": answer, "seq": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        shown.push((no, answer));
    }
    let (status, result) = app.post("/api/v1/exam/submit", &token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(
        (
            result["unanswered"].as_u64(),
            result["auto_submitted"].as_bool()
        ),
        (Some(90), Some(false))
    );
    // Submitting again returns the same result; saving after submission is refused.
    let (_, again) = app.post("/api/v1/exam/submit", &token, json!({})).await;
    assert_eq!(again["score"], result["score"]);
    let (status, body) = app
        .put(
            "/api/v1/exam/answers/20",
            &token,
            json!({"answer": "T", "seq": 1}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "paper_submitted");

    let results = app.results(&examiner, session).await;
    let certifier = app.login(Role::Certifier).await;
    assert_eq!(app.results(&certifier, session).await, results);
    let c = &results["candidates"][0];
    assert_eq!(
        (c["status"].as_str(), c["score"].as_f64()),
        (Some("submitted"), result["score"]["score"].as_f64())
    );
    let qs = c["questions"].as_array().unwrap();
    assert_eq!(qs.len(), 100);
    let mut total = 0.0;
    for q in qs {
        let answer = q["answer"].as_str();
        let correct = q["correct"].as_str().unwrap();
        let points = q["points"].as_f64().unwrap();
        assert_eq!(points > 0.0, answer == Some(correct), "{q}");
        total += points;
        if let Some(&(_, sent)) = shown.iter().find(|(no, _)| q["no"].as_u64() == Some(*no)) {
            assert_eq!(q["shown_answer"].as_str(), Some(sent));
            assert_eq!(
                answer.map(str::len),
                Some(sent.len()),
                "bank labels translate the same options"
            );
        }
    }
    assert_eq!(
        Some(total),
        c["score"].as_f64(),
        "score is the sum of per-question points"
    );
}

#[tokio::test]
async fn answers_after_the_deadline_are_rejected_and_not_stored() {
    let app = spawn_app().await;
    let (examiner, token, session, _) = app.started_candidate(1).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, body) = app
        .put(
            "/api/v1/exam/answers/1",
            &token,
            json!({"answer": "T", "seq": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        matches!(
            body["code"].as_str(),
            Some("deadline_passed" | "paper_submitted")
        ),
        "{body}"
    );
    let results = app.results(&examiner, session).await;
    assert!(results["candidates"][0]["questions"][0]["answer"].is_null());
}

#[tokio::test]
async fn paper_of_a_vanished_terminal_is_auto_submitted_at_the_deadline() {
    let app = spawn_app().await;
    let (examiner, token, session, exam) = app.started_candidate(2).await;
    let judge = first_of_kind(&exam, "judge");
    let (status, _) = app
        .put(
            &format!("/api/v1/exam/answers/{judge}"),
            &token,
            json!({"answer": "F", "seq": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // The terminal is gone: no submit. The sweeper must submit at the deadline.
    let c = eventually(Duration::from_secs(10), || async {
        let results = app.results(&examiner, session).await;
        let c = results["candidates"][0].clone();
        (c["status"] == "submitted").then_some(c)
    })
    .await;
    assert_eq!(c["auto_submitted"], true);
    assert_eq!(
        c["questions"][judge - 1]["answer"],
        "F",
        "the acknowledged answer was kept"
    );
    let (_, view) = app.get("/api/v1/exam", &token).await;
    assert_eq!(view["result"]["auto_submitted"], true);
}

#[tokio::test]
async fn candidate_who_never_started_is_recorded_absent() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let s = app.create_session(&examiner, 1).await;
    app.register(&examiner, s.id, 1).await;
    app.open(&examiner, s.id).await;
    let c = eventually(Duration::from_secs(10), || async {
        let results = app.results(&examiner, s.id).await;
        let c = results["candidates"][0].clone();
        (c["status"] == "absent").then_some(c)
    })
    .await;
    assert_eq!(
        (c["passed"].as_bool(), c["score"].as_f64()),
        (Some(false), Some(0.0))
    );
}

#[tokio::test]
async fn a_candidate_token_reaches_only_its_own_paper() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let s = app.create_session(&examiner, 3600).await;
    let a = app.register(&examiner, s.id, 1).await;
    let b = app.register(&examiner, s.id, 2).await;
    app.open(&examiner, s.id).await;
    let ta = app.candidate_token(&a.ticket, &id_number(1)).await;
    let tb = app.candidate_token(&b.ticket, &id_number(2)).await;
    app.post("/api/v1/exam/start", &ta, json!({})).await;
    app.post("/api/v1/exam/start", &tb, json!({})).await;
    app.put(
        "/api/v1/exam/answers/1",
        &ta,
        json!({"answer": "T", "seq": 1}),
    )
    .await;
    let (_, vb) = app.get("/api/v1/exam", &tb).await;
    assert_eq!(vb["ticket"], b.ticket.as_str());
    assert!(
        vb["questions"][0]["answer"].is_null(),
        "B does not see A's answer"
    );
}

#[tokio::test]
async fn late_candidates_are_refused_after_the_entry_window_but_others_resume() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let s = app
        .create_session_with(&examiner, json!({"late_entry_minutes": 0}))
        .await;
    let a = app.register(&examiner, s.id, 1).await;
    let b = app.register(&examiner, s.id, 2).await;
    app.open(&examiner, s.id).await;
    // A second session with the default 30-minute window, where a candidate starts in time.
    let s2 = app.create_session(&examiner, 3600).await;
    let resumer = app.register(&examiner, s2.id, 3).await;
    app.open(&examiner, s2.id).await;
    let token = app.candidate_token(&resumer.ticket, &id_number(3)).await;
    let (status, _) = app.post("/api/v1/exam/start", &token, json!({})).await;
    assert_eq!(status, StatusCode::OK);

    tokio::time::sleep(Duration::from_millis(20)).await;
    for (c, n) in [(a, 1), (b, 2)] {
        let token = app.candidate_token(&c.ticket, &id_number(n)).await;
        let (status, body) = app.post("/api/v1/exam/start", &token, json!({})).await;
        assert_error(status, &body, StatusCode::CONFLICT, "late_entry_closed");
    }
    // A started candidate signs in again (new terminal) and resumes with the same paper.
    let (_, first) = app.get("/api/v1/exam", &token).await;
    let token2 = app.candidate_token(&resumer.ticket, &id_number(3)).await;
    let (status, again) = app.post("/api/v1/exam/start", &token2, json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["questions"], first["questions"]);
    assert_eq!(
        again["deadline"], first["deadline"],
        "re-login does not move the deadline"
    );
}

#[tokio::test]
async fn starting_a_paper_marks_its_terminal_seen_and_shows_every_question_unanswered() {
    let app = spawn_app().await;
    let (examiner, _, session, exam) = app.started_candidate(3600).await;
    let questions = exam["questions"].as_array().unwrap();
    assert!(!questions.is_empty());
    assert!(
        questions
            .iter()
            .all(|q| q["answer"].is_null() && q["seq"] == 0),
        "{exam}"
    );
    // The invigilator sees the terminal at once, before it has polled or saved anything.
    let (status, seats) = app
        .get(&format!("/api/v1/sessions/{session}/candidates"), &examiner)
        .await;
    assert_eq!(status, StatusCode::OK, "{seats}");
    let seat = &seats[0];
    assert_eq!(seat["paper_status"], "started", "{seat}");
    assert!(seat["last_seen_at"].is_string(), "{seat}");
    assert!(seat["last_save_at"].is_null(), "{seat}");
}
