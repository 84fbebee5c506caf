//! `GET /metrics`: request counters by route pattern, saved answers, active papers,
//! sweeper lag and sealed records, in the Prometheus text format.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{eventually, spawn_app, TestApp};

/// The scrape, as text (the tests call from 127.0.0.1, so no token is needed).
async fn scrape(app: &TestApp) -> String {
    let resp = app
        .http
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .expect("scrape");
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain")));
    resp.text().await.unwrap()
}

/// The value of the sample named exactly `series` (name plus labels), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test]
async fn a_saved_answer_shows_in_the_counters_by_route_pattern() {
    let app = spawn_app().await;
    let (_, token, _, exam) = app.started_candidate(3600).await;
    let answer = if exam["questions"][0]["kind"] == "judge" {
        "T"
    } else {
        "A"
    };
    for seq in [1, 1] {
        // The replay of seq 1 is acknowledged but changes nothing.
        let (status, body) = app
            .put(
                "/api/v1/exam/answers/1",
                &token,
                json!({"answer": answer, "seq": seq}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, _) = app
        .call(Method::GET, "/no/such/path/12345", None, None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let text = scrape(&app).await;
    assert_eq!(
        sample(&text, "crane_exam_answers_saved_total"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(&text, "crane_exam_active_papers"),
        Some(1.0),
        "{text}"
    );
    let save = r#"route="/api/v1/exam/answers/{no}""#;
    assert_eq!(
        sample(
            &text,
            &format!(r#"crane_exam_http_requests_total{{method="PUT",{save},status="2xx"}}"#)
        ),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            &format!("crane_exam_http_request_duration_seconds_count{{{save}}}")
        ),
        Some(2.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            r#"crane_exam_http_requests_total{method="POST",route="/api/v1/exam/start",status="2xx"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            r#"crane_exam_http_requests_total{method="GET",route="unmatched",status="4xx"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert!(
        !text.contains("/answers/1\"") && !text.contains("12345"),
        "concrete paths never become labels:\n{text}"
    );
}

#[tokio::test]
async fn the_sweeper_reports_its_lag_and_the_records_it_sealed() {
    let app = spawn_app().await;
    let (_, _token, _, _) = app.started_candidate(1).await;
    assert_eq!(
        sample(&scrape(&app).await, "crane_exam_active_papers"),
        Some(1.0)
    );
    let text = eventually(Duration::from_secs(15), || async {
        let text = scrape(&app).await;
        (sample(&text, "crane_exam_archive_records_sealed_total") == Some(1.0)).then_some(text)
    })
    .await;
    assert_eq!(
        sample(&text, "crane_exam_sweeper_lag_seconds_count"),
        Some(1.0),
        "{text}"
    );
    let lag = sample(&text, "crane_exam_sweeper_lag_seconds_sum").unwrap();
    assert!((0.0..60.0).contains(&lag), "{lag}");
    assert_eq!(
        sample(&text, "crane_exam_active_papers"),
        Some(0.0),
        "{text}"
    );
}
