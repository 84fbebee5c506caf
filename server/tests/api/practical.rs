//! The practical exam through the API: assessors and their qualification, the
//! compliance report, sessions with two assessors and a chief, sheets (private until
//! signed, immutable once signed, corrected as new versions), sign-off, joint results
//! and the retake rules.

use std::collections::BTreeMap;

use question_bank::wire::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, id_number, spawn_app, TestApp};

fn profile(n: u16, name: &str, subjects: &[&str], teaching_years: u32) -> Value {
    json!({
        "name": name, "id_number": id_number(n), "subjects": subjects,
        "practice_years": 8, "teaching_years": teaching_years, "title": "engineer",
        "filing": {"number": format!("BA-{n}"), "date": "2024-01-10"}, "status": "active"
    })
}

/// Register an assessor; (assessor id, their token).
pub(crate) async fn assessor(
    app: &TestApp,
    examiner: &str,
    n: u16,
    subjects: &[&str],
    teaching: u32,
) -> (i64, String) {
    let username = format!("kp{n}");
    let (status, body) = app
        .post(
            "/api/v1/assessors",
            examiner,
            json!({"username": username, "password": "assessor-pass-1", "profile": profile(n, &format!("考评员{n}"), subjects, teaching)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, token) = app
        .call(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": username, "password": "assessor-pass-1"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{token}");
    (
        body["id"].as_i64().unwrap(),
        token["token"].as_str().unwrap().to_owned(),
    )
}

/// A full record against `template` with `counts` deductions on item `OP2`.
pub(crate) fn record(template: &Value, absent: bool, op2: &[(&str, u32)]) -> Value {
    let mut items = BTreeMap::new();
    for item in template["items"].as_array().unwrap() {
        let code = item["code"].as_str().unwrap().to_owned();
        let mut r = json!({});
        if let Some(limit) = item["time_limit"]["seconds"].as_u64() {
            r["elapsed_seconds"] = json!(limit - 10);
        }
        if code == "OP2" {
            r["counts"] = json!(op2
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect::<BTreeMap<_, _>>());
        }
        items.insert(code, r);
    }
    json!({"record": {"template_id": "Q2-bridge", "template_version": 1, "absent": absent, "items": items}})
}

#[tokio::test]
async fn the_compliance_report_lists_every_rule_and_fails_exactly_the_two_unmet() {
    let app = spawn_app().await;
    let admin = app.login(Role::Admin).await;
    let examiner = app.login(Role::Examiner).await;
    for n in 1..=2 {
        assessor(&app, &examiner, n, &["Q2"], 5).await;
        assessor(&app, &examiner, 10 + n, &["Q1"], 5).await;
    }
    for seat in 1..=10 {
        let (status, body) = app
            .post(
                "/api/v1/terminals",
                &admin,
                json!({"label": format!("{seat:02}")}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body) = app
        .post("/api/v1/terminals", &admin, json!({"label": "01"}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "terminal_exists");
    let institution = json!({
        "name": "某市特种设备作业人员考试中心", "code": "TS3201001", "authority_code": "SJ3201",
        "full_time_staff": 2, "site_area_m2": 120,
        "apparatus": [{"type": "crane", "crane_type": "bridge", "cab": true, "model": "QD 5t-22.5m"},
                      {"type": "simulator", "crane_type": "mobile", "model": "QY-SIM 3"}],
        "signalling_kit": {"flags": true, "whistle": true, "charts": true}
    });
    let (status, body) = app
        .put("/api/v1/institution", &examiner, institution.clone())
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = app.put("/api/v1/institution", &admin, institution).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let certifier = app.login(Role::Certifier).await;
    let (status, report) = app.get("/api/v1/institution/compliance", &certifier).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    let rules = report["report"]["rules"].as_array().unwrap();
    let failed: Vec<&str> = rules
        .iter()
        .filter(|r| r["passed"] == false)
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(failed, vec!["staff", "site_area"], "{report:#}");
    assert!(rules.len() >= 8, "{report:#}");
    assert_eq!(report["report"]["passed"], false);
    let terminals = rules.iter().find(|r| r["code"] == "terminals").unwrap();
    assert!(
        terminals["figure"].as_str().unwrap().contains("10"),
        "{terminals}"
    );
}

#[tokio::test]
async fn two_assessors_and_a_chief_score_sign_and_publish_a_joint_result() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let (a1, t1) = assessor(&app, &examiner, 1, &["Q2"], 5).await;
    let (a2, t2) = assessor(&app, &examiner, 2, &["Q2-bridge"], 5).await;
    let (chief, tc) = assessor(&app, &examiner, 3, &["Q2"], 9).await;
    let (novice, _) = assessor(&app, &examiner, 4, &["Q2"], 1).await;
    let (_, list) = app.get("/api/v1/assessors", &examiner).await;
    let novice_view = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == novice)
        .unwrap();
    assert!(
        novice_view["problems"][0]
            .as_str()
            .unwrap()
            .contains("教学"),
        "{novice_view}"
    );

    let session = |assessors: Vec<i64>| {
        json!({"title": "2026年第1批 桥式起重机实操", "subject": "Q2-bridge", "starts_at": chrono::Utc::now(),
               "template_id": "Q2-bridge",
               "apparatus": {"type": "crane", "crane_type": "bridge", "cab": true, "model": "QD 5t-22.5m"},
               "assessor_ids": assessors, "chief_assessor_id": chief, "rule": {"rule": "mean"}})
    };
    let (status, body) = app
        .post(
            "/api/v1/practical/sessions",
            &examiner,
            session(vec![a1, novice]),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "assessor_unqualified",
    );
    assert!(
        body["details"][0].as_str().unwrap().contains("考评员4"),
        "{body}"
    );
    let (status, s) = app
        .post(
            "/api/v1/practical/sessions",
            &examiner,
            session(vec![a1, a2]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{s}");
    assert_eq!(s["apparatus_name"], "桥式起重机（司机室操纵） QD 5t-22.5m");
    let sid = s["id"].as_i64().unwrap();
    let (_, template) = app
        .get("/api/v1/practical/templates/Q2-bridge/1", &t1)
        .await;

    // The candidate passed theory (all judge questions answered with the key) first.
    pass_theory(&app, &examiner, 21).await;
    let (status, c) = app
        .post(
            &format!("/api/v1/practical/sessions/{sid}/candidates"),
            &examiner,
            json!({"name": "考生21", "id_number": id_number(21)}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let cid = c["id"].as_i64().unwrap();
    let base = format!("/api/v1/practical/sessions/{sid}/candidates/{cid}");

    // A1 drafts: A2 cannot see it, nor can a candidate or an examiner change it.
    let (status, body) = app
        .put(
            &format!("{base}/sheet"),
            &t1,
            record(&template, false, &[("off50", 1)]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["status"].as_str(), body["score"]["total"].as_f64()),
        (Some("draft"), Some(95.0))
    );
    let (_, seen) = app.get(&format!("{base}/sheets"), &t2).await;
    assert_eq!(seen, json!([]), "A2 sees nothing before signing");
    let (status, body) = app
        .put(
            &format!("{base}/sheet"),
            &examiner,
            record(&template, false, &[]),
        )
        .await;
    assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    let (status, body) = app
        .put(
            &format!("{base}/sheet"),
            &t1,
            json!({"record": {"template_id": "Q2-bridge", "template_version": 1, "items": {}}}),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "sheet_invalid",
    );
    assert!(!body["details"].as_array().unwrap().is_empty(), "{body}");

    // Signed means final; a correction is a new version with a reason.
    let (status, body) = app
        .post(&format!("{base}/sheet/sign"), &t1, json!({}))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("signed")),
        "{body}"
    );
    let (status, body) = app
        .put(&format!("{base}/sheet"), &t1, record(&template, false, &[]))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "sheet_signed");
    let mut correction = record(&template, false, &[("off50", 2)]);
    correction["correction_reason"] = json!("复核录像：两次落点超出 ±50 mm");
    let (status, body) = app.put(&format!("{base}/sheet"), &t1, correction).await;
    assert_eq!(
        (status, body["version"].as_u64()),
        (StatusCode::OK, Some(2)),
        "{body}"
    );

    // A2 records and signs; then sees A1's signed sheet but not A1's pending correction.
    app.put(
        &format!("{base}/sheet"),
        &t2,
        record(&template, false, &[("stop", 1)]),
    )
    .await;
    let (status, _) = app
        .post(&format!("{base}/sheet/sign"), &t2, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, seen) = app.get(&format!("{base}/sheets"), &t2).await;
    let versions: Vec<(i64, u64)> = seen
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["assessor_id"].as_i64().unwrap(),
                s["version"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(versions, vec![(a1, 1), (a2, 1)]);

    // Only the chief signs off, and only when no correction is pending.
    let (status, body) = app.post(&format!("{base}/signoff"), &t1, json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "not_chief");
    let (status, body) = app.post(&format!("{base}/signoff"), &tc, json!({})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "sheets_missing");
    app.post(&format!("{base}/sheet/sign"), &t1, json!({}))
        .await;
    let (status, body) = app
        .post(&format!("{base}/signoff"), &tc, json!({"note": "复核无误"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // A1 (v2): 100 − 2×5 = 90; A2: 100 − 5 = 95; mean 92.5.
    assert_eq!(body["status"], "signed_off");
    assert_eq!(body["result"]["score"].as_f64(), Some(92.5), "{body}");
    let (_, all) = app.get(&format!("{base}/sheets"), &examiner).await;
    let statuses: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        vec!["superseded", "signed", "signed"],
        "every sheet is kept"
    );
    let (status, body) = app
        .put(&format!("{base}/sheet"), &t2, record(&template, false, &[]))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "signed_off");

    // Joint result: both parts passed, valid one year; a candidate sees none of it.
    let certifier = app.login(Role::Certifier).await;
    let (status, results) = app
        .get(
            &format!("/api/v1/practical/sessions/{sid}/results"),
            &certifier,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{results}");
    let r = &results[0];
    assert_eq!(
        (
            r["passed"].as_bool(),
            r["practical"]["tenths"].as_u64(),
            r["theory"]["status"].as_str()
        ),
        (Some(true), Some(925), Some("passed")),
        "{r}"
    );
    assert!(r["valid_until"].is_string(), "{r}");

    // Registering the same person again while the pass is valid is refused.
    let (status, s2) = app
        .post(
            "/api/v1/practical/sessions",
            &examiner,
            session(vec![a1, a2]),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{s2}");
    let (status, body) = app
        .post(
            &format!("/api/v1/practical/sessions/{}/candidates", s2["id"]),
            &examiner,
            json!({"name": "考生21", "id_number": id_number(21)}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "registration_refused");
    assert!(
        body["message"].as_str().unwrap().contains("有效期"),
        "{body}"
    );
}

#[tokio::test]
async fn a_candidate_cannot_reach_the_practical_api() {
    let app = spawn_app().await;
    let (_, token, _, _) = app.started_candidate(600).await;
    for path in [
        "/api/v1/practical/sessions",
        "/api/v1/practical/sessions/1/candidates/1/sheets",
        "/api/v1/practical/sessions/1/results",
        "/api/v1/assessors",
        "/api/v1/institution/compliance",
    ] {
        let (status, body) = app.get(path, &token).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
}

/// Register person `n` in an all-judge theory session and answer every question with its
/// key (read from the examiner's results), so the theory part is passed.
pub(crate) async fn pass_theory(app: &TestApp, examiner: &str, n: u16) {
    let session = app
        .create_session_with(
            examiner,
            json!({"kind_counts": {"judge": 100, "single": 0, "multiple": 0}}),
        )
        .await;
    let c = app.register(examiner, session.id, n).await;
    app.open(examiner, session.id).await;
    let token = app.candidate_token(&c.ticket, &id_number(n)).await;
    app.post("/api/v1/exam/start", &token, json!({})).await;
    let results = app.results(examiner, session.id).await;
    for q in results["candidates"][0]["questions"].as_array().unwrap() {
        let (status, body) = app
            .put(
                &format!("/api/v1/exam/answers/{}", q["no"]),
                &token,
                json!({"answer": q["correct"], "seq": 1}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, result) = app.post("/api/v1/exam/submit", &token, json!({})).await;
    assert_eq!(
        (status, result["score"]["passed"].as_bool()),
        (StatusCode::OK, Some(true)),
        "{result}"
    );
}

#[tokio::test]
async fn an_absent_practical_is_a_fail_and_the_retake_re_sits_only_the_failed_part() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let (a1, t1) = assessor(&app, &examiner, 1, &["Q2"], 5).await;
    let (a2, t2) = assessor(&app, &examiner, 2, &["Q2"], 5).await;
    pass_theory(&app, &examiner, 29).await;
    let new_session = || {
        json!({"title": "实操", "subject": "Q2-bridge", "starts_at": chrono::Utc::now(), "template_id": "Q2-bridge",
               "apparatus": {"type": "simulator", "crane_type": "bridge", "model": "SIM-1"},
               "assessor_ids": [a1, a2], "chief_assessor_id": a1})
    };
    let (_, s) = app
        .post("/api/v1/practical/sessions", &examiner, new_session())
        .await;
    let sid = s["id"].as_i64().unwrap();
    let (_, c) = app
        .post(
            &format!("/api/v1/practical/sessions/{sid}/candidates"),
            &examiner,
            json!({"name": "考生29", "id_number": id_number(29)}),
        )
        .await;
    let base = format!("/api/v1/practical/sessions/{sid}/candidates/{}", c["id"]);
    let (_, template) = app
        .get("/api/v1/practical/templates/Q2-bridge/1", &t1)
        .await;
    for t in [&t1, &t2] {
        let (status, body) = app
            .put(&format!("{base}/sheet"), t, record(&template, true, &[]))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        app.post(&format!("{base}/sheet/sign"), t, json!({})).await;
    }
    let (status, body) = app.post(&format!("{base}/signoff"), &t1, json!({})).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (StatusCode::OK, Some("absent")),
        "{body}"
    );

    // Theory passed, practical failed (absent): the retake is the practical part only.
    let theory = app.create_session(&examiner, 600).await;
    let (status, body) = app
        .post(&format!("/api/v1/sessions/{}/candidates", theory.id), &examiner,
              json!({"name": "考生29", "id_number": id_number(29), "ticket": "R0000029", "seat": "1"}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "retake_part_passed");
    let (_, s2) = app
        .post("/api/v1/practical/sessions", &examiner, new_session())
        .await;
    let (status, body) = app
        .post(
            &format!("/api/v1/practical/sessions/{}/candidates", s2["id"]),
            &examiner,
            json!({"name": "考生29", "id_number": id_number(29)}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the practical retake is allowed: {body}"
    );
}
