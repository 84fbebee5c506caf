use exam_server::auth::TokenKeys;
use question_bank::wire::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_error, spawn_app, JWT_SECRET, PASSWORD};

#[tokio::test]
async fn health_and_openapi_are_public_and_list_the_fixed_endpoints() {
    let app = spawn_app().await;
    let (status, body) = app.call(Method::GET, "/healthz", None, None).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("ok"))
    );
    let (status, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(status, StatusCode::OK);
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/candidate",
        "/api/v1/sessions/{id}/results",
        "/api/v1/exam/answers/{no}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "OpenAPI lacks {path}");
    }
}

#[tokio::test]
async fn wrong_password_is_401_and_lockout_after_five_failures_is_429() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let (status, body) = app
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "examiner", "password": "nope"})),
            )
            .await;
        assert_error(status, &body, StatusCode::UNAUTHORIZED, "bad_credentials");
    }
    // Locked: even the right password is refused now.
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "examiner", "password": PASSWORD})),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
    );
    // Other accounts are unaffected.
    app.login(Role::Admin).await;
}

#[tokio::test]
async fn expired_and_forged_tokens_are_rejected() {
    let app = spawn_app().await;
    let (expired, _) = TokenKeys::new(JWT_SECRET.as_bytes())
        .issue(1, Role::Admin, "admin", None, chrono::Duration::minutes(-5))
        .unwrap();
    let (status, body) = app.get("/api/v1/users", &expired).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "token_expired");
    let (forged, _) = TokenKeys::new(b"someone-else")
        .issue(1, Role::Admin, "admin", None, chrono::Duration::minutes(5))
        .unwrap();
    let (status, body) = app.get("/api/v1/users", &forged).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
    let (status, _) = app.call(Method::GET, "/api/v1/users", None, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn admin_creates_accounts_with_validation() {
    let app = spawn_app().await;
    let admin = app.login(Role::Admin).await;
    let (status, body) = app
        .post("/api/v1/users", &admin, json!({"username": "li.si", "password": "short", "role": "examiner", "display_name": "李四"}))
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "weak_password",
    );
    let (status, body) = app
        .post("/api/v1/users", &admin, json!({"username": "li.si", "password": "long-enough-1", "role": "examiner", "display_name": "李四"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .post("/api/v1/users", &admin, json!({"username": "li.si", "password": "long-enough-1", "role": "examiner", "display_name": "李四"}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "username_taken");
    let (_, users) = app.get("/api/v1/users", &admin).await;
    assert_eq!(users.as_array().unwrap().len(), 5);
    assert!(
        !users.to_string().contains("argon2"),
        "hashes never leave the server"
    );
}

#[tokio::test]
async fn role_matrix_denies_every_endpoint_to_roles_without_permission() {
    let app = spawn_app().await;
    let (_, candidate, session, _) = app.started_candidate(3600).await;
    let s = format!("/api/v1/sessions/{session}");
    // (method, path, roles allowed)
    let matrix: Vec<(Method, String, &[Role])> = vec![
        (Method::GET, "/api/v1/users".into(), &[Role::Admin]),
        (Method::POST, "/api/v1/users".into(), &[Role::Admin]),
        (
            Method::POST,
            "/api/v1/sessions".into(),
            &[Role::Examiner, Role::Admin],
        ),
        (
            Method::GET,
            "/api/v1/sessions".into(),
            &[Role::Examiner, Role::Admin, Role::Certifier],
        ),
        (
            Method::GET,
            s.clone(),
            &[Role::Examiner, Role::Admin, Role::Certifier],
        ),
        (
            Method::POST,
            format!("{s}/open"),
            &[Role::Examiner, Role::Admin],
        ),
        (
            Method::POST,
            format!("{s}/candidates"),
            &[Role::Examiner, Role::Admin],
        ),
        (
            Method::GET,
            format!("{s}/candidates"),
            &[Role::Examiner, Role::Admin, Role::Certifier],
        ),
        (
            Method::GET,
            format!("{s}/results"),
            &[Role::Examiner, Role::Certifier],
        ),
        (Method::GET, "/api/v1/exam".into(), &[Role::Candidate]),
        (
            Method::POST,
            "/api/v1/exam/start".into(),
            &[Role::Candidate],
        ),
        (
            Method::PUT,
            "/api/v1/exam/answers/1".into(),
            &[Role::Candidate],
        ),
        (
            Method::POST,
            "/api/v1/exam/submit".into(),
            &[Role::Candidate],
        ),
    ];
    let mut tokens = vec![(Role::Candidate, candidate)];
    for role in [Role::Admin, Role::Examiner, Role::Assessor, Role::Certifier] {
        tokens.push((role, app.login(role).await));
    }
    for (method, path, allowed) in &matrix {
        for (role, token) in &tokens {
            if allowed.contains(role) {
                continue;
            }
            let (status, body) = app
                .call(method.clone(), path, Some(token), Some(json!({})))
                .await;
            assert_eq!(
                (status, body["code"].as_str()),
                (StatusCode::FORBIDDEN, Some("forbidden")),
                "{role:?} {method} {path}"
            );
        }
    }
}
