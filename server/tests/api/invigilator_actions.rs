//! Invigilator actions on papers: pause and resume (one candidate or the whole session),
//! admitting a late candidate, terminating for irregularity. Each needs a reason, is one
//! transaction with its audit line, and what it did is in the sealed record.

use std::time::Duration;

use chrono::{DateTime, Utc};
use question_bank::archive::{rescore_theory, RecordBody, RecordContent};
use question_bank::wire::{ArchivePage, Role};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, eventually, id_number, spawn_app, TestApp};

fn act_path(session: i64, candidate: i64, action: &str) -> String {
    format!("/api/v1/sessions/{session}/candidates/{candidate}/actions/{action}")
}

fn time(v: &Value) -> DateTime<Utc> {
    serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!("{v}: {e}"))
}

/// A started candidate's exam view.
async fn exam(app: &TestApp, token: &str) -> Value {
    let (status, view) = app.get("/api/v1/exam", token).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    view
}

/// An answer to question 1 that fits its kind.
fn first_answer(view: &Value) -> &'static str {
    if view["questions"][0]["kind"] == "judge" {
        "T"
    } else {
        "A"
    }
}

async fn save(app: &TestApp, token: &str, answer: &str, seq: u64) -> (StatusCode, Value) {
    app.put(
        "/api/v1/exam/answers/1",
        token,
        json!({"answer": answer, "seq": seq}),
    )
    .await
}

/// Invigilator actions (audit action, detail) on one candidate, in order.
async fn audit(app: &TestApp, candidate: i64) -> Vec<(String, String)> {
    app.state
        .store
        .audit_of(&format!("candidate:{candidate}"))
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.action.starts_with("exam.") && r.action != "exam.signin")
        .map(|r| (r.action, r.detail))
        .collect()
}

/// An open session of `seconds`: two started candidates and one registered who has not
/// started; (examiner, session, [(id, token)] of the started, id of the other).
async fn session_with_three(app: &TestApp, seconds: u32) -> (String, i64, Vec<(i64, String)>, i64) {
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, seconds).await;
    let mut started = Vec::new();
    let mut ids = Vec::new();
    for n in [1, 2, 3] {
        ids.push(app.register(&examiner, session.id, n).await);
    }
    app.open(&examiner, session.id).await;
    for (n, c) in (1..).zip(&ids[..2]) {
        let token = app.candidate_token(&c.ticket, &id_number(n)).await;
        let (status, body) = app.post("/api/v1/exam/start", &token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        started.push((c.id, token));
    }
    (examiner, session.id, started, ids[2].id)
}

#[tokio::test]
async fn a_pause_refuses_saves_and_stops_the_clock_and_resuming_moves_the_deadline() {
    let app = spawn_app().await;
    let (examiner, session, started, _) = session_with_three(&app, 600).await;
    let (a, a_token) = &started[0];
    let (_, b_token) = &started[1];
    let view = exam(&app, a_token).await;
    let answer = first_answer(&view);
    let before = time(&view["deadline"]);

    let (status, body) = app
        .post(
            &act_path(session, *a, "pause"),
            &examiner,
            json!({"reason": "01 号考生身体不适"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let paused_at = time(&body["paused_at"]);
    let (status, body) = save(&app, a_token, answer, 1).await;
    assert_error(status, &body, StatusCode::CONFLICT, "paper_paused");
    let (status, body) = app.post("/api/v1/exam/submit", a_token, json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "paper_paused");
    assert_eq!(time(&exam(&app, a_token).await["paused_at"]), paused_at);
    // The other candidate is not affected.
    let (status, body) = save(&app, b_token, first_answer(&exam(&app, b_token).await), 1).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Pausing twice says so.
    let (status, body) = app
        .post(
            &act_path(session, *a, "pause"),
            &examiner,
            json!({"reason": "再次"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "already_paused");

    tokio::time::sleep(Duration::from_millis(1200)).await;
    let (status, body) = app
        .post(
            &act_path(session, *a, "resume"),
            &examiner,
            json!({"reason": "已恢复"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["paused_at"].is_null(), "{body}");
    let after = time(&exam(&app, a_token).await["deadline"]);
    let moved = (after - before).num_milliseconds();
    assert!(
        (1200..10_000).contains(&moved),
        "the deadline moves by the time paused: {moved} ms"
    );
    let (status, body) = save(&app, a_token, answer, 1).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(
            &act_path(session, *a, "resume"),
            &examiner,
            json!({"reason": "x"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "not_paused");

    assert_eq!(
        audit(&app, *a).await,
        [
            ("exam.pause".to_owned(), "01 号考生身体不适".to_owned()),
            ("exam.resume".to_owned(), "已恢复".to_owned())
        ]
    );
}

#[tokio::test]
async fn a_paused_paper_outlives_its_deadline_and_is_auto_submitted_only_after_resuming() {
    let app = spawn_app().await;
    let (examiner, token, session, view) = app.started_candidate(2).await;
    let (_, list) = app
        .get(&format!("/api/v1/sessions/{session}/candidates"), &examiner)
        .await;
    let candidate = list[0]["id"].as_i64().unwrap();
    let (status, body) = app
        .post(
            &act_path(session, candidate, "pause"),
            &examiner,
            json!({"reason": "停电"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Well past the 2 s deadline, with the sweeper running every 100 ms.
    tokio::time::sleep(Duration::from_millis(3000)).await;
    assert_eq!(exam(&app, &token).await["status"], "started");
    let (status, body) = app
        .post(
            &act_path(session, candidate, "resume"),
            &examiner,
            json!({"reason": "来电"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = save(&app, &token, first_answer(&view), 1).await;
    assert_eq!(status, StatusCode::OK, "the time left was kept: {body}");
    let submitted = eventually(Duration::from_secs(10), || async {
        let v = exam(&app, &token).await;
        (v["status"] == "submitted").then_some(v)
    })
    .await;
    assert_eq!(submitted["result"]["auto_submitted"], true, "{submitted}");
}

#[tokio::test]
async fn the_whole_session_pauses_and_resumes_at_once() {
    let app = spawn_app().await;
    let (examiner, session, started, pending) = session_with_three(&app, 600).await;
    let path = |action: &str| format!("/api/v1/sessions/{session}/actions/{action}");
    let (status, body) = app
        .post(&path("pause"), &examiner, json!({"reason": "火警演练"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut ids: Vec<i64> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [started[0].0, started[1].0, pending]);
    for (_, token) in &started {
        let (status, body) = save(&app, token, first_answer(&exam(&app, token).await), 1).await;
        assert_error(status, &body, StatusCode::CONFLICT, "paper_paused");
    }
    let (status, body) = app
        .post(&path("pause"), &examiner, json!({"reason": "again"}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "nothing_to_pause");
    let (status, body) = app
        .post(&path("resume"), &examiner, json!({"reason": "演练结束"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body.as_array().unwrap().len(), 3);
    let (status, body) = app
        .post(&path("resume"), &examiner, json!({"reason": "again"}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "not_paused");
    for action in ["admit_late", "terminate"] {
        let (status, body) = app
            .post(&path(action), &examiner, json!({"reason": "x"}))
            .await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_action",
        );
    }
    assert_eq!(
        audit(&app, pending).await,
        [
            ("exam.pause".to_owned(), "火警演练".to_owned()),
            ("exam.resume".to_owned(), "演练结束".to_owned())
        ]
    );
}

#[tokio::test]
async fn a_late_candidate_starts_only_once_admitted() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app
        .create_session_with(
            &examiner,
            json!({"duration_seconds": 600, "late_entry_minutes": 0}),
        )
        .await;
    let c = app.register(&examiner, session.id, 1).await;
    let token = app.candidate_token(&c.ticket, &id_number(1)).await;
    let early = app
        .post(
            &act_path(session.id, c.id, "admit_late"),
            &examiner,
            json!({"reason": "x"}),
        )
        .await;
    assert_error(early.0, &early.1, StatusCode::CONFLICT, "session_not_open");
    app.open(&examiner, session.id).await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    let (status, body) = app.post("/api/v1/exam/start", &token, json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "late_entry_closed");

    let (status, body) = app
        .post(
            &act_path(session.id, c.id, "admit_late"),
            &examiner,
            json!({"reason": "公交延误，核验身份后准入"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["late_admitted"], true);
    let (status, body) = app.post("/api/v1/exam/start", &token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post(
            &act_path(session.id, c.id, "admit_late"),
            &examiner,
            json!({"reason": "x"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "already_started");

    // With the usual 30-minute window there is nothing to admit.
    let normal = app.create_session(&examiner, 600).await;
    let d = app.register(&examiner, normal.id, 2).await;
    app.open(&examiner, normal.id).await;
    let (status, body) = app
        .post(
            &act_path(normal.id, d.id, "admit_late"),
            &examiner,
            json!({"reason": "x"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "late_entry_open");
}

#[tokio::test]
async fn terminating_voids_the_score_keeps_the_answers_and_is_sealed_with_the_reason() {
    let app = spawn_app().await;
    let (examiner, session, started, _) = session_with_three(&app, 600).await;
    let (a, a_token) = &started[0];
    let view = exam(&app, a_token).await;
    let (status, body) = save(&app, a_token, first_answer(&view), 1).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body) = app
        .post(
            &act_path(session, *a, "terminate"),
            &examiner,
            json!({"reason": "使用手机查阅答案"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["paper_status"], "submitted");
    assert_eq!(body["terminated_reason"], "使用手机查阅答案");
    let (status, body) = save(&app, a_token, first_answer(&view), 2).await;
    assert_error(status, &body, StatusCode::CONFLICT, "paper_submitted");
    let v = exam(&app, a_token).await;
    assert_eq!(v["terminated_reason"], "使用手机查阅答案");
    assert_eq!(v["result"]["terminated_reason"], "使用手机查阅答案");
    assert_eq!(v["result"]["score"]["score"], 0.0, "{v}");
    assert_eq!(v["result"]["score"]["passed"], false);
    assert_eq!(v["result"]["unanswered"], 99);
    let (status, body) = app
        .post(
            &act_path(session, *a, "terminate"),
            &examiner,
            json!({"reason": "x"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "paper_closed");

    // Close the others so the session seals; the record carries the reason, the void
    // score and the answer, and re-marks cleanly from its bank version.
    for action in ["terminate"] {
        let (_, list) = app
            .get(&format!("/api/v1/sessions/{session}/candidates"), &examiner)
            .await;
        for c in list.as_array().unwrap() {
            if c["paper_status"] != "submitted" {
                let id = c["id"].as_i64().unwrap();
                let (status, body) = app
                    .post(
                        &act_path(session, id, action),
                        &examiner,
                        json!({"reason": "测试收卷"}),
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
            }
        }
    }
    let certifier = app.login(Role::Certifier).await;
    let page = eventually(Duration::from_secs(15), || async {
        let (_, page) = app.get("/api/v1/archives", &certifier).await;
        (page["records"].as_array().map(Vec::len) == Some(3)).then_some(page)
    })
    .await;
    let page: ArchivePage = serde_json::from_value(page).unwrap();
    let record = page
        .records
        .iter()
        .map(|r| serde_json::from_str::<RecordContent>(&r.content).unwrap())
        .find_map(|c| match c.body {
            RecordBody::Theory(t) if t.candidate_id == *a => Some(t),
            _ => None,
        })
        .expect("record of the terminated candidate");
    let terminated = record.attendance.terminated.as_ref().expect("termination");
    assert_eq!(terminated.reason, "使用手机查阅答案");
    let score = record.score.as_ref().expect("void score");
    assert_eq!((score.total_tenths, score.passed), (0, false));
    assert_eq!(record.answer_events.len(), 1);
    assert!(record.events.iter().any(|e| e.action == "exam.terminate"));
    let bank = app
        .state
        .catalog
        .version(&record.paper.bank_version.0)
        .await
        .unwrap();
    assert_eq!(rescore_theory(&record, &bank), Vec::<String>::new());
}

#[tokio::test]
async fn actions_need_a_reason_and_an_invigilators_role() {
    let app = spawn_app().await;
    let (examiner, session, started, _) = session_with_three(&app, 600).await;
    let (a, a_token) = &started[0];
    for reason in ["", "  "] {
        let (status, body) = app
            .post(
                &act_path(session, *a, "pause"),
                &examiner,
                json!({"reason": reason}),
            )
            .await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_reason",
        );
    }
    for role in [Role::Certifier, Role::Assessor] {
        let token = app.login(role).await;
        let (status, body) = app
            .post(
                &act_path(session, *a, "terminate"),
                &token,
                json!({"reason": "x"}),
            )
            .await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    let (status, body) = app
        .post(
            &act_path(session, *a, "pause"),
            a_token,
            json!({"reason": "x"}),
        )
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, _) = app
        .post(
            &act_path(session, *a, "explode"),
            &examiner,
            json!({"reason": "x"}),
        )
        .await;
    assert!(status.is_client_error(), "unknown action: {status}");
    let (status, body) = app
        .post(
            &act_path(session + 1, *a, "pause"),
            &examiner,
            json!({"reason": "x"}),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    // Nothing happened to the paper.
    let v = exam(&app, a_token).await;
    assert!(v["paused_at"].is_null() && v["status"] == "started", "{v}");
    assert!(audit(&app, *a).await.is_empty());
}
