//! 延长考试时间: an invigilator moves one candidate's deadline later, with a reason that
//! reaches the audit log and the sealed record.

use std::time::Duration;

use chrono::{DateTime, Utc};
use question_bank::archive::{RecordBody, RecordContent};
use question_bank::wire::{ArchivePage, Role};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, eventually, id_number, spawn_app, spawn_app_with, TestApp};

fn deadline_of(view: &Value) -> DateTime<Utc> {
    serde_json::from_value(view["deadline"].clone()).expect("deadline in exam view")
}

async fn deadline(app: &TestApp, token: &str) -> DateTime<Utc> {
    let (status, view) = app.get("/api/v1/exam", token).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    deadline_of(&view)
}

/// Details of the candidate's `exam.extend` audit entries, in order.
async fn extensions(app: &TestApp, candidate: i64) -> Vec<String> {
    app.state
        .store
        .audit_of(&format!("candidate:{candidate}"))
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "exam.extend")
        .map(|r| r.detail)
        .collect()
}

fn extend_path(session: i64, candidate: i64) -> String {
    format!("/api/v1/sessions/{session}/candidates/{candidate}/extend")
}

/// An open session of `seconds` with two candidates, both started: (examiner, session,
/// [(candidate id, token)]).
async fn two_started(app: &TestApp, seconds: u32) -> (String, i64, Vec<(i64, String)>) {
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, seconds).await;
    let mut cands = Vec::new();
    for n in [1, 2] {
        let c = app.register(&examiner, session.id, n).await;
        cands.push((c.id, c.ticket));
    }
    app.open(&examiner, session.id).await;
    let mut started = Vec::new();
    for (n, (id, ticket)) in (1..).zip(cands) {
        let token = app.candidate_token(&ticket, &id_number(n)).await;
        let (status, body) = app.post("/api/v1/exam/start", &token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        started.push((id, token));
    }
    (examiner, session.id, started)
}

#[tokio::test]
async fn extending_moves_only_that_candidates_deadline_by_the_minutes() {
    let app = spawn_app().await;
    let (examiner, session, cands) = two_started(&app, 600).await;
    let (a, a_token) = &cands[0];
    let (_, b_token) = &cands[1];
    let a_before = deadline(&app, a_token).await;
    let b_before = deadline(&app, b_token).await;

    let (status, body) = app
        .post(
            &extend_path(session, *a),
            &examiner,
            json!({"minutes": 10, "reason": "01 号机断电重启"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["id"], *a);
    let listed: DateTime<Utc> = serde_json::from_value(body["deadline_at"].clone()).unwrap();
    assert_eq!(listed, a_before + chrono::Duration::minutes(10));
    assert_eq!(
        deadline(&app, a_token).await,
        a_before + chrono::Duration::minutes(10)
    );
    assert_eq!(deadline(&app, b_token).await, b_before);

    // An admin may extend too; the extensions add up.
    let admin = app.login(Role::Admin).await;
    let (status, body) = app
        .post(
            &extend_path(session, *a),
            &admin,
            json!({"minutes": 5, "reason": "补足时间"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        deadline(&app, a_token).await,
        a_before + chrono::Duration::minutes(15)
    );

    let detail: Vec<String> = extensions(&app, *a).await;
    assert_eq!(detail, ["+10 分钟：01 号机断电重启", "+5 分钟：补足时间"]);
}

#[tokio::test]
async fn bad_requests_and_other_roles_change_nothing() {
    let app = spawn_app().await;
    let (examiner, session, cands) = two_started(&app, 600).await;
    let (a, a_token) = &cands[0];
    let before = deadline(&app, a_token).await;
    let path = extend_path(session, *a);

    for reason in ["", "   "] {
        let (status, body) = app
            .post(&path, &examiner, json!({"minutes": 10, "reason": reason}))
            .await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_reason",
        );
    }
    for minutes in [0, 121, 500] {
        let (status, body) = app
            .post(&path, &examiner, json!({"minutes": minutes, "reason": "x"}))
            .await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_minutes",
        );
    }
    for role in [Role::Certifier, Role::Assessor] {
        let token = app.login(role).await;
        let (status, body) = app
            .post(&path, &token, json!({"minutes": 10, "reason": "x"}))
            .await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    let (status, body) = app
        .post(&path, a_token, json!({"minutes": 10, "reason": "x"}))
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = app
        .post(
            &extend_path(session + 1, *a),
            &examiner,
            json!({"minutes": 10, "reason": "x"}),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");

    assert_eq!(deadline(&app, a_token).await, before);
    assert_eq!(extensions(&app, *a).await, Vec::<String>::new());
}

#[tokio::test]
async fn closed_papers_and_unopened_sessions_cannot_be_extended() {
    let app = spawn_app().await;
    let (examiner, session, cands) = two_started(&app, 600).await;
    let (a, a_token) = &cands[0];
    let (status, body) = app.post("/api/v1/exam/submit", a_token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(
            &extend_path(session, *a),
            &examiner,
            json!({"minutes": 10, "reason": "x"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "paper_closed");

    let scheduled = app.create_session(&examiner, 600).await;
    let c = app.register(&examiner, scheduled.id, 1).await;
    let (status, body) = app
        .post(
            &extend_path(scheduled.id, c.id),
            &examiner,
            json!({"minutes": 10, "reason": "x"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "session_not_open");
}

#[tokio::test]
async fn a_save_after_the_old_deadline_is_accepted_and_the_extension_is_sealed() {
    let app = spawn_app().await;
    let (examiner, token, session, exam) = app.started_candidate(2).await;
    let (status, list) = app
        .get(&format!("/api/v1/sessions/{session}/candidates"), &examiner)
        .await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let candidate = list[0]["id"].as_i64().unwrap();
    let (status, body) = app
        .post(
            &extend_path(session, candidate),
            &examiner,
            json!({"minutes": 1, "reason": "考生身体不适暂停答题"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    tokio::time::sleep(Duration::from_millis(2500)).await;
    let answer = if exam["questions"][0]["kind"] == "judge" {
        "T"
    } else {
        "A"
    };
    let (status, body) = app
        .put(
            "/api/v1/exam/answers/1",
            &token,
            json!({"answer": answer, "seq": 1}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the new deadline holds: {body}");
    let (status, body) = app.post("/api/v1/exam/submit", &token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["auto_submitted"], false, "{body}");

    // The extension is part of the candidate's sealed record.
    let certifier = app.login(Role::Certifier).await;
    let page = eventually(Duration::from_secs(15), || async {
        let (_, page) = app.get("/api/v1/archives", &certifier).await;
        (page["records"].as_array().map(Vec::len) == Some(1)).then_some(page)
    })
    .await;
    let page: ArchivePage = serde_json::from_value(page).unwrap();
    let content: RecordContent = serde_json::from_str(&page.records[0].content).unwrap();
    let RecordBody::Theory(theory) = content.body else {
        panic!("theory record expected");
    };
    assert!(
        theory.events.iter().any(
            |e| e.action == "exam.extend" && e.detail == json!("+1 分钟：考生身体不适暂停答题")
        ),
        "{:?}",
        theory.events
    );
}

#[tokio::test]
async fn a_deadline_that_has_passed_is_not_extended() {
    // No sweep after the first: the paper stays open past its deadline.
    let app = spawn_app_with(|s| s.sweeper_interval_ms = 600_000).await;
    let (examiner, token, session, _) = app.started_candidate(1).await;
    let (_, list) = app
        .get(&format!("/api/v1/sessions/{session}/candidates"), &examiner)
        .await;
    let candidate = list[0]["id"].as_i64().unwrap();
    let before = deadline(&app, &token).await;
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (status, body) = app
        .post(
            &extend_path(session, candidate),
            &examiner,
            json!({"minutes": 10, "reason": "x"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "deadline_passed");
    assert_eq!(deadline(&app, &token).await, before);
    assert!(extensions(&app, candidate).await.is_empty());
}
