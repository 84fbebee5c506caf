//! The console's invigilator actions (pause, resume, terminate, whole-session pause) and
//! its practical pages: assessors score and sign from the form, the chief signs off.

use question_bank::wire::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::console::{browser, csrf, get, login_as, post};
use crate::helpers::{id_number, spawn_app, TestApp};
use crate::practical::{assessor, pass_theory};

async fn login_with(app: &TestApp, username: &str, password: &str) -> reqwest::Client {
    let client = browser();
    let resp = client
        .post(format!("{}/console/login", app.base))
        .form(&[("username", username), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{username} signs in");
    client
}

#[tokio::test]
async fn invigilators_pause_resume_and_terminate_from_the_seat_table() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;
    let c1 = app.register(&examiner, session.id, 1).await;
    let c2 = app.register(&examiner, session.id, 2).await;
    app.open(&examiner, session.id).await;
    for (n, c) in [(1, &c1), (2, &c2)] {
        let token = app
            .candidate_token_on(
                &c.ticket,
                &id_number(n),
                &format!("term-{n}"),
                &format!("0{n}"),
            )
            .await;
        let (status, body) = app.post("/api/v1/exam/start", &token, json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let client = login_as(&app, Role::Examiner).await;
    let page = format!("/console/sessions/{}", session.id);
    let (status, html) = get(&app, &client, &page).await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "全场暂停",
        "全场恢复",
        ">暂停<",
        ">违纪终止<",
        "剩余时间",
        "最后保存",
        "已答",
    ] {
        assert!(html.contains(shown), "{shown} missing:\n{html}");
    }
    assert!(
        !html.contains("允许迟到入场"),
        "nobody is late within 30 minutes"
    );
    let token = csrf(&html);
    let act = |c: i64| format!("{page}/candidates/{c}/action");

    let resp = post(
        &app,
        &client,
        &act(c1.id),
        &[("_csrf", &token), ("action", "pause"), ("reason", " ")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = resp.text().await.unwrap();
    assert!(
        body.contains("暂停失败") && body.contains("请填写操作原因"),
        "{body}"
    );

    let resp = post(
        &app,
        &client,
        &act(c1.id),
        &[
            ("_csrf", &token),
            ("action", "pause"),
            ("reason", "考生身体不适"),
        ],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, seats) = get(&app, &client, &format!("{page}/seats")).await;
    assert!(
        seats.contains("已暂停") && seats.contains(">恢复<"),
        "{seats}"
    );

    let resp = post(
        &app,
        &client,
        &act(c1.id),
        &[
            ("_csrf", &token),
            ("action", "resume"),
            ("reason", "已恢复"),
        ],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp = post(
        &app,
        &client,
        &act(c1.id),
        &[
            ("_csrf", &token),
            ("action", "terminate"),
            ("reason", "夹带小抄"),
        ],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, seats) = get(&app, &client, &format!("{page}/seats")).await;
    assert!(
        seats.contains("违纪终止") && seats.contains("原因：夹带小抄"),
        "{seats}"
    );

    // The whole session: only the candidate still answering is paused.
    let resp = post(
        &app,
        &client,
        &format!("{page}/action"),
        &[("_csrf", &token), ("action", "pause"), ("reason", "火警")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, list) = app
        .get(
            &format!("/api/v1/sessions/{}/candidates", session.id),
            &examiner,
        )
        .await;
    let paused: Vec<bool> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| !c["paused_at"].is_null())
        .collect();
    assert_eq!(paused, [false, true]);
    let resp = post(
        &app,
        &client,
        &format!("{page}/action"),
        &[("_csrf", &token), ("action", "pause"), ("reason", "火警")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert!(resp.text().await.unwrap().contains("全场暂停失败"));

    // The dashboard lists both seats as needing attention.
    let (_, home) = get(&app, &client, "/console").await;
    assert!(
        home.contains("现场情况") && home.contains("答题中 1 人"),
        "{home}"
    );
    assert!(home.contains("违纪终止</span> 座位 01 考生1"), "{home}");
    assert!(home.contains("已暂停</span> 座位 02 考生2"), "{home}");

    // Without the token nothing happens; a certifier sees no actions.
    let resp = post(
        &app,
        &client,
        &format!("{page}/action"),
        &[("action", "resume"), ("reason", "x")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let (_, list) = app
        .get(
            &format!("/api/v1/sessions/{}/candidates", session.id),
            &examiner,
        )
        .await;
    assert!(!list[1]["paused_at"].is_null(), "still paused");
    let certifier = login_as(&app, Role::Certifier).await;
    let (_, html) = get(&app, &certifier, &page).await;
    assert!(
        !html.contains("全场暂停") && !html.contains(">执行<"),
        "{html}"
    );
}

/// Form fields for a whole sheet: every timed item 0:50, plus `extra`.
fn sheet_fields(
    template: &Value,
    token: &str,
    extra: &[(&str, &str)],
    intent: &str,
) -> Vec<(String, String)> {
    let mut fields = vec![
        ("_csrf".to_owned(), token.to_owned()),
        ("intent".to_owned(), intent.to_owned()),
    ];
    for item in template["items"].as_array().unwrap() {
        if item["time_limit"].is_object() {
            fields.push((
                format!("t.{}", item["code"].as_str().unwrap()),
                "0:50".to_owned(),
            ));
        }
    }
    fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    fields
}

async fn post_fields(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    client
        .post(format!("{}{path}", app.base))
        .form(fields)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn two_assessors_score_and_sign_in_the_console_and_the_chief_signs_off() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let (a1, _) = assessor(&app, &examiner, 1, &["Q2"], 5).await;
    let (a2, _) = assessor(&app, &examiner, 2, &["Q2"], 5).await;
    let (chief, _) = assessor(&app, &examiner, 3, &["Q2"], 9).await;
    assessor(&app, &examiner, 4, &["Q2"], 5).await;
    let (status, s) = app
        .post(
            "/api/v1/practical/sessions",
            &examiner,
            json!({"title": "桥式起重机实操 第1批", "subject": "Q2-bridge", "starts_at": chrono::Utc::now(),
                   "template_id": "Q2-bridge",
                   "apparatus": {"type": "crane", "crane_type": "bridge", "cab": true, "model": "QD 5t-22.5m"},
                   "assessor_ids": [a1, a2], "chief_assessor_id": chief, "rule": {"rule": "mean"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let sid = s["id"].as_i64().unwrap();
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
    let (_, template) = app
        .get("/api/v1/practical/templates/Q2-bridge/1", &examiner)
        .await;
    let page = format!("/console/practical/{sid}/candidates/{cid}");
    let action = format!("{page}/sheet");

    for (n, rule) in [(1, "c.OP2.off50"), (2, "c.OP2.stop")] {
        let client = login_with(&app, &format!("kp{n}"), "assessor-pass-1").await;
        let (status, html) = get(&app, &client, "/console/practical").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            html.contains("桥式起重机实操 第1批") && html.contains("考评员"),
            "{html}"
        );
        let (status, html) = get(&app, &client, &page).await;
        assert_eq!(status, StatusCode::OK);
        for shown in [
            "保存并签名",
            "开始计时",
            "OP2",
            "data-step=\"1\"",
            "name=\"c.OP2.off50\"",
        ] {
            assert!(html.contains(shown), "{shown} missing");
        }
        let token = csrf(&html);
        if n == 2 {
            // A count that is not a whole number is shown at its field; nothing is saved.
            let resp = post_fields(
                &app,
                &client,
                &action,
                &sheet_fields(&template, &token, &[(rule, "-1")], "sign"),
            )
            .await;
            assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let body = resp.text().await.unwrap();
            assert!(
                body.contains("次数须为 0 或正整数") && body.contains("aria-invalid=\"true\""),
                "{body}"
            );
            assert!(body.contains("value=\"-1\""), "what was typed is kept");
            let (_, sheets) = app
                .get(
                    &format!("/api/v1/practical/sessions/{sid}/candidates/{cid}/sheets"),
                    &examiner,
                )
                .await;
            assert_eq!(
                sheets.as_array().unwrap().len(),
                1,
                "only kp1's sheet: {sheets}"
            );
        }
        let resp = post_fields(
            &app,
            &client,
            &action,
            &sheet_fields(&template, &token, &[(rule, "1")], "sign"),
        )
        .await;
        assert_eq!(
            resp.status(),
            StatusCode::SEE_OTHER,
            "{}",
            resp.text().await.unwrap()
        );
        let (_, html) = get(&app, &client, &page).await;
        assert!(html.contains("已签名") && html.contains("95.0"), "{html}");
    }

    // An assessor of another session may not open the sheet.
    let outsider = login_with(&app, "kp4", "assessor-pass-1").await;
    let (status, _) = get(&app, &outsider, &page).await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, html) = get(&app, &outsider, "/console/practical").await;
    assert!(!html.contains("桥式起重机实操 第1批"), "not their session");

    // The chief signs off from the session page.
    let chief_client = login_with(&app, "kp3", "assessor-pass-1").await;
    let session_page = format!("/console/practical/{sid}");
    let (_, html) = get(&app, &chief_client, &session_page).await;
    assert!(
        html.contains("签发成绩") && html.contains("2 / 2"),
        "{html}"
    );
    let token = csrf(&html);
    let resp = post(
        &app,
        &chief_client,
        &format!("{session_page}/candidates/{cid}/signoff"),
        &[("_csrf", &token), ("score", ""), ("note", "复核无误")],
    )
    .await;
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "{}",
        resp.text().await.unwrap()
    );
    let (_, html) = get(&app, &chief_client, &session_page).await;
    assert!(
        html.contains("已签发") && html.contains("95.0") && html.contains("合格"),
        "{html}"
    );
    assert!(!html.contains("签发成绩</button>"), "no second sign-off");

    // Staff see the result and the sheets, with no forms.
    let staff = login_as(&app, Role::Examiner).await;
    let (status, html) = get(&app, &staff, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("保存并签名") && html.contains("已签名"),
        "{html}"
    );
}
