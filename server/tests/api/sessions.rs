use question_bank::wire::{Role, SessionExposure};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{assert_error, id_number, spawn_app};

#[tokio::test]
async fn bad_registrations_get_clear_4xx_and_store_nothing() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;
    let path = format!("/api/v1/sessions/{}/candidates", session.id);
    let mut wrong_check = id_number(1);
    let last = wrong_check.pop().unwrap();
    wrong_check.push(if last == '0' { '1' } else { '0' });
    let cases = [
        (
            json!({"name": "张三", "id_number": wrong_check, "ticket": "T0001", "seat": "1"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_id_number",
        ),
        (
            json!({"name": "张三", "id_number": "12345", "ticket": "T0001", "seat": "1"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_id_number",
        ),
        (
            json!({"name": "张三", "id_number": id_number(1), "ticket": "T0001", "seat": "31"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_seat",
        ),
        (
            json!({"name": "", "id_number": id_number(1), "ticket": "T0001", "seat": "1"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_name",
        ),
        (
            json!({"name": "张三", "id_number": id_number(1), "ticket": "票", "seat": "1"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_ticket",
        ),
        (
            json!({"name": "张三", "ticket": "T0001", "seat": "1"}),
            StatusCode::BAD_REQUEST,
            "malformed_request",
        ),
    ];
    for (body, status, code) in cases {
        let (got, resp) = app.post(&path, &examiner, body.clone()).await;
        assert_eq!((got, resp["code"].as_str()), (status, Some(code)), "{body}");
        assert!(!resp["message"].as_str().unwrap().is_empty());
    }
    let (_, listed) = app.get(&path, &examiner).await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        0,
        "nothing was registered"
    );
}

#[tokio::test]
async fn malformed_json_is_400_with_a_code() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let resp = app
        .http
        .post(format!("{}/api/v1/sessions", app.base))
        .bearer_auth(&examiner)
        .header("content-type", "application/json")
        .body("{\"title\": \"x\", ")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "malformed_request");
    let (_, sessions) = app.get("/api/v1/sessions", &examiner).await;
    assert_eq!(sessions.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn duplicate_ticket_seat_and_person_conflict() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let s = app.create_session(&examiner, 3600).await;
    let first = app.register(&examiner, s.id, 1).await;
    assert_eq!(
        (first.seat.as_str(), first.id_number_masked.len()),
        ("01", 18)
    );
    let path = format!("/api/v1/sessions/{}/candidates", s.id);
    let (status, body) = app
        .post(
            &path,
            &examiner,
            json!({"name": "李四", "id_number": id_number(2), "ticket": first.ticket, "seat": "2"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "ticket_taken");
    let (status, body) = app
        .post(
            &path,
            &examiner,
            json!({"name": "李四", "id_number": id_number(2), "ticket": "NEW-1", "seat": "01"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "seat_taken");
    let (status, body) = app
        .post(
            &path,
            &examiner,
            json!({"name": "张三", "id_number": id_number(1), "ticket": "NEW-2", "seat": "3"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "already_registered");
}

#[tokio::test]
async fn unknown_subject_and_unknown_session_are_clear_errors() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let (status, body) = app
        .post(
            "/api/v1/sessions",
            &examiner,
            json!({"title": "x", "subject": "Q9", "starts_at": chrono::Utc::now(), "seats": 10}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_subject",
    );
    let (status, body) = app.get("/api/v1/sessions/999", &examiner).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    let (status, body) = app.get("/api/v1/no-such-thing", &examiner).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn papers_are_assembled_at_registration_and_differ_between_candidates() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let s = app.create_session(&examiner, 3600).await;
    let a = app.register(&examiner, s.id, 1).await;
    let b = app.register(&examiner, s.id, 2).await;
    app.open(&examiner, s.id).await;
    let mut stems = Vec::new();
    for (c, n) in [(a, 1), (b, 2)] {
        let token = app.candidate_token(&c.ticket, &id_number(n)).await;
        let (_, exam) = app.post("/api/v1/exam/start", &token, json!({})).await;
        let qs = exam["questions"].as_array().unwrap();
        assert_eq!(qs.len(), 100);
        assert!(
            !exam.to_string().contains("\"key\""),
            "candidates never see the key"
        );
        stems.push(
            qs.iter()
                .map(|q| q["stem"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>(),
        );
    }
    assert_ne!(stems[0], stems[1]);
}

#[tokio::test]
async fn a_session_spreads_exposure_and_keeps_papers_parallel() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app
        .create_session_with(&examiner, json!({"seats": 60, "difficulty_tolerance": 0.1}))
        .await;
    for n in 1..=60 {
        app.register(&examiner, session.id, n).await;
    }
    let (status, body) = app
        .get(
            &format!("/api/v1/sessions/{}/exposure", session.id),
            &examiner,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let exposure: SessionExposure = serde_json::from_value(body).unwrap();
    assert_eq!(exposure.papers, 60);
    assert_eq!(exposure.used, exposure.pool, "{exposure:?}");
    assert!(exposure.ratio <= 1.5, "{exposure:?}");
    assert!(
        exposure.max_paper_difficulty.unwrap() - exposure.min_paper_difficulty.unwrap()
            <= 0.1 + 1e-9,
        "{exposure:?}"
    );
}

#[tokio::test]
async fn an_infeasible_blueprint_is_rejected_at_scheduling() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let (status, body) = app
        .post(
            "/api/v1/sessions",
            &examiner,
            json!({"title": "难卷", "subject": "Q1", "starts_at": chrono::Utc::now(), "seats": 10, "difficulty_mean": 4.9}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "blueprint_infeasible",
    );
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("4.90") && message.contains("相差"),
        "{message}"
    );
    let (_, sessions) = app.get("/api/v1/sessions", &examiner).await;
    assert_eq!(sessions.as_array().unwrap().len(), 0, "nothing stored");
}

#[tokio::test]
async fn a_session_can_set_its_own_counts_and_weights() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app
        .create_session_with(
            &examiner,
            json!({"kind_counts": {"judge": 20, "single": 25, "multiple": 5}, "area_weights": {"basic": 20, "safety": 60, "law": 20}}),
        )
        .await;
    let c = app.register(&examiner, session.id, 1).await;
    app.open(&examiner, session.id).await;
    let token = app.candidate_token(&c.ticket, &id_number(1)).await;
    let (status, exam) = app.post("/api/v1/exam/start", &token, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{exam}");
    assert_eq!(exam["questions"].as_array().unwrap().len(), 50);

    let (status, body) = app
        .post(
            "/api/v1/sessions",
            &examiner,
            json!({"title": "坏蓝图", "subject": "Q1", "starts_at": chrono::Utc::now(), "seats": 10, "area_weights": {"basic": 50, "safety": 50, "law": 20}}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "blueprint_infeasible",
    );
    assert!(body["message"].as_str().unwrap().contains("120"), "{body}");
}
