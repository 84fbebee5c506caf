//! A started paper is open on one terminal at a time: a second terminal gets it only
//! with an invigilator's approval (or at once under the `automatic` policy), and the
//! first terminal is refused from then on.

use question_bank::wire::{CandidateView, Role};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, id_number, spawn_app, TestApp};

/// An open session (with `extra` settings) and one candidate started on terminal A at
/// seat 01: (examiner, session id, candidate, token on A).
async fn started_on_a(app: &TestApp, extra: Value) -> (String, i64, CandidateView, String) {
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session_with(&examiner, extra).await;
    let c = app.register(&examiner, session.id, 1).await;
    app.open(&examiner, session.id).await;
    let a = app
        .candidate_token_on(&c.ticket, &id_number(1), "term-a", "01")
        .await;
    let (status, body) = app.post("/api/v1/exam/start", &a, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (examiner, session.id, c, a)
}

async fn save(app: &TestApp, token: &str, no: u16, answer: &str, seq: u64) -> (StatusCode, Value) {
    app.put(
        &format!("/api/v1/exam/answers/{no}"),
        token,
        json!({"answer": answer, "seq": seq}),
    )
    .await
}

async fn candidate(app: &TestApp, examiner: &str, session: i64) -> Value {
    let (status, list) = app
        .get(&format!("/api/v1/sessions/{session}/candidates"), examiner)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    list[0].clone()
}

#[tokio::test]
async fn a_second_terminal_waits_for_approval_then_the_first_is_refused() {
    let app = spawn_app().await;
    let (examiner, session, c, a) = started_on_a(&app, json!({})).await;
    let (status, body) = save(&app, &a, 1, "T", 1).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Terminal B sees who the candidate is, but not the questions, and must ask.
    let b = app
        .candidate_token_on(&c.ticket, &id_number(1), "term-b", "05")
        .await;
    let (status, view) = app.get("/api/v1/exam", &b).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["held_elsewhere"], "01");
    assert_eq!(view["questions"], json!([]));
    let (status, body) = app.post("/api/v1/exam/start", &b, json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "takeover_required");
    assert!(
        body["message"].as_str().unwrap().contains("座位 01"),
        "{body}"
    );
    let listed = candidate(&app, &examiner, session).await;
    assert_eq!(listed["terminal_seat"], "01");
    assert_eq!(listed["takeover_request"]["terminal_seat"], "05");

    // Only invigilating staff approve, and only with a reason; a refusal changes nothing.
    let path = format!("/api/v1/sessions/{session}/candidates/{}/takeover", c.id);
    for role in [Role::Assessor, Role::Certifier] {
        let token = app.login(role).await;
        let (status, body) = app.post(&path, &token, json!({"reason": "x"})).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    let (status, body) = app.post(&path, &b, json!({"reason": "x"})).await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = app.post(&path, &examiner, json!({"reason": "  "})).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_reason",
    );
    let (status, body) = save(&app, &a, 2, "F", 1).await;
    assert_eq!(status, StatusCode::OK, "A still holds the paper: {body}");

    let (status, body) = app
        .post(&path, &examiner, json!({"reason": "01 号机键盘故障"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["terminal_seat"], "05");
    assert!(body["takeover_request"].is_null(), "{body}");
    let (status, body) = app.post(&path, &examiner, json!({"reason": "again"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "no_takeover_request");

    // B continues with everything A saved; A is told and can do nothing more.
    let (status, view) = app.post("/api/v1/exam/start", &b, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["questions"][0]["answer"], "T");
    assert_eq!(view["questions"][1]["answer"], "F");
    let (status, body) = save(&app, &a, 3, "T", 1).await;
    assert_error(status, &body, StatusCode::CONFLICT, "taken_over");
    let (status, body) = app.post("/api/v1/exam/submit", &a, json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "taken_over");
    let (_, view) = app.get("/api/v1/exam", &a).await;
    assert_eq!(view["held_elsewhere"], "05");
    assert_eq!(view["questions"], json!([]));
    let (status, view) = app.get("/api/v1/exam", &b).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        view["questions"][2]["answer"],
        Value::Null,
        "A's refused save is not stored"
    );

    let (status, body) = save(&app, &b, 3, "T", 1).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app.post("/api/v1/exam/submit", &b, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_same_terminal_signing_in_again_resumes_without_approval() {
    let app = spawn_app().await;
    let (_, _, c, a) = started_on_a(&app, json!({})).await;
    save(&app, &a, 1, "T", 1).await;
    let again = app
        .candidate_token_on(&c.ticket, &id_number(1), "term-a", "01")
        .await;
    let (status, view) = app.post("/api/v1/exam/start", &again, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["questions"][0]["answer"], "T");
    let (status, body) = save(&app, &a, 2, "T", 1).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the old token is the same terminal: {body}"
    );
}

#[tokio::test]
async fn under_the_automatic_policy_the_new_terminal_takes_over_at_once() {
    let app = spawn_app().await;
    let (examiner, session, c, a) =
        started_on_a(&app, json!({"takeover_policy": "automatic"})).await;
    let (status, body) = app
        .get(&format!("/api/v1/sessions/{session}"), &examiner)
        .await;
    assert_eq!(
        (status, body["takeover_policy"].as_str()),
        (StatusCode::OK, Some("automatic"))
    );
    let b = app
        .candidate_token_on(&c.ticket, &id_number(1), "term-b", "05")
        .await;
    let (status, view) = app.post("/api/v1/exam/start", &b, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["questions"].as_array().unwrap().len(), 100);
    let (status, body) = save(&app, &a, 1, "T", 1).await;
    assert_error(status, &body, StatusCode::CONFLICT, "taken_over");
    assert_eq!(
        candidate(&app, &examiner, session).await["terminal_seat"],
        "05"
    );
}

#[tokio::test]
async fn a_malformed_terminal_id_or_policy_is_refused() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 600).await;
    let c = app.register(&examiner, session.id, 1).await;
    let (status, body) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/candidate",
            None,
            Some(json!({"ticket": c.ticket, "id_number": id_number(1), "terminal": "a b/c"})),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_terminal",
    );
    let (status, body) = app
        .post(
            "/api/v1/sessions",
            &examiner,
            json!({"title": "t", "subject": "Q1", "starts_at": chrono::Utc::now(), "seats": 3, "takeover_policy": "never"}),
        )
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "malformed_request");
}
