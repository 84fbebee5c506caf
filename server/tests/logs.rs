//! The JSON log (`--log-json`) at info level never holds a password, a token or a full ID
//! number, including in the request span every event carries.

#[allow(dead_code)]
#[path = "api/helpers.rs"]
mod helpers;

use std::io::Write;
use std::sync::{Arc, Mutex};

use helpers::{id_number, spawn_app, JWT_SECRET, PASSWORD};
use question_bank::wire::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

/// Log lines written by the server, shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn json_logs_hold_no_passwords_tokens_or_id_numbers() {
    std::env::remove_var("RUST_LOG");
    let captured = Captured::default();
    let writer = captured.clone();
    exam_server::telemetry::install(true, false, move || writer.clone());

    let app = spawn_app().await;
    let wrong_password = "wrong-password-123";
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "examiner", "password": wrong_password})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;
    let candidate = app.register(&examiner, session.id, 7).await;
    app.open(&examiner, session.id).await;
    let id = id_number(7);
    let (status, _) = app.candidate_login(&candidate.ticket, &id_number(8)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let candidate_token = app.candidate_token(&candidate.ticket, &id).await;
    let transcript = format!("/api/v1/reports/transcript?id_number={id}&subject=Q2-bridge");
    // A candidate asking is refused, and the refusal is logged inside the request span.
    let (status, _) = app
        .call(Method::GET, &transcript, Some(&candidate_token), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    app.call(Method::GET, &transcript, Some(&examiner), None)
        .await;

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let messages: Vec<&str> = lines
        .iter()
        .filter_map(|l| l["fields"]["message"].as_str())
        .collect();
    for expected in [
        "staff signed in",
        "staff sign-in failed",
        "candidate signed in",
        "forbidden",
    ] {
        assert!(messages.contains(&expected), "no {expected:?} in\n{log}");
    }
    let refusal = lines
        .iter()
        .find(|l| l["fields"]["message"] == "forbidden")
        .unwrap();
    assert_eq!(
        refusal["span"]["http.route"], "/api/v1/reports/transcript",
        "events carry the request span: {refusal}"
    );
    let signature = |token: &str| token.rsplit('.').next().unwrap().to_owned();
    for secret in [
        PASSWORD.to_owned(),
        wrong_password.to_owned(),
        JWT_SECRET.to_owned(),
        signature(&examiner),
        signature(&candidate_token),
        id.clone(),
        id_number(8),
    ] {
        assert!(!log.contains(&secret), "{secret:?} logged:\n{log}");
    }
}
