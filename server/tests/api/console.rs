//! The staff web console: cookie sessions, CSRF, scheduling, invigilation, reports.

use question_bank::wire::{Role, SessionView};
use reqwest::{redirect, StatusCode};
use serde_json::json;

use crate::helpers::{id_number, spawn_app, TestApp, PASSWORD};

/// A browser-like client: keeps cookies, does not follow redirects.
pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

pub(crate) async fn login_as(app: &TestApp, role: Role) -> reqwest::Client {
    let client = browser();
    let resp = client
        .post(format!("{}/console/login", app.base))
        .form(&[("username", role.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    client
}

pub(crate) async fn get(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
) -> (StatusCode, String) {
    let resp = client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .unwrap();
    (resp.status(), resp.text().await.unwrap())
}

pub(crate) async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(format!("{}{path}", app.base))
        .form(form)
        .send()
        .await
        .unwrap()
}

/// The `_csrf` value of the first form on a page.
pub(crate) fn csrf(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("csrf field") + 20;
    html[at..at + 64].to_owned()
}

async fn api_sessions(app: &TestApp) -> Vec<SessionView> {
    let token = app.login(Role::Examiner).await;
    let (status, body) = app.get("/api/v1/sessions", &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

fn schedule_form<'a>(csrf: &'a str, title: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("_csrf", csrf),
        ("title", title),
        ("batch", "2030-01"),
        ("subject", "Q2-bridge"),
        ("starts_at", "2030-01-02T09:30"),
        ("duration_minutes", "45"),
        ("seats", "20"),
    ]
}

#[tokio::test]
async fn login_page_is_a_chinese_form_and_wrong_password_sets_no_cookie() {
    let app = spawn_app().await;
    let client = browser();
    let (status, html) = get(&app, &client, "/console/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("lang=\"zh-CN\""));
    assert!(
        html.contains("<label for=\"username\">用户名</label>"),
        "{html}"
    );
    assert!(html.contains("<label for=\"password\">密码</label>"));

    let resp = post(
        &app,
        &client,
        "/console/login",
        &[("username", "examiner"), ("password", "wrong-password")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers().get("set-cookie").is_none());
    let html = resp.text().await.unwrap();
    assert!(html.contains("id=\"password-error\""), "{html}");
    assert!(html.contains("用户名或密码错误"));
    assert!(html.contains("value=\"examiner\""));
    // Still not signed in.
    let (status, _) = get(&app, &client, "/console").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn login_sets_a_strict_http_only_cookie_and_shows_the_dashboard() {
    let app = spawn_app().await;
    let client = browser();
    let resp = post(
        &app,
        &client,
        "/console/login",
        &[("username", "examiner"), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/console");
    let cookie = resp.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("ce_session=ey"), "{cookie}");
    for part in ["HttpOnly", "SameSite=Strict", "Path=/console"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");

    let (status, html) = get(&app, &client, "/console").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("今日考场"), "{html}");
    assert!(html.contains("examiner（考务人员）"));
    assert!(html.contains("退出"));

    // Logging out needs the CSRF token, then clears the cookie.
    let resp = post(&app, &client, "/console/logout", &[("_csrf", "x")]).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = post(&app, &client, "/console/logout", &[("_csrf", &csrf(&html))]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (status, _) = get(&app, &client, "/console").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn pages_without_a_cookie_redirect_to_login() {
    let app = spawn_app().await;
    for path in [
        "/console/sessions",
        "/console/reports",
        "/console/sessions/1/seats",
    ] {
        let resp = browser()
            .get(format!("{}{path}", app.base))
            .header("cookie", "ce_session=not-a-jwt")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{path}");
        assert_eq!(resp.headers()["location"], "/console/login");
    }
    let (status, _) = get(&app, &browser(), "/console/sessions").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Unknown console pages are HTML, not the API's JSON.
    let client = login_as(&app, Role::Examiner).await;
    let resp = client
        .get(format!("{}/console/nope", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(resp.text().await.unwrap().contains("页面不存在"));
}

#[tokio::test]
async fn posts_without_a_valid_csrf_token_change_nothing() {
    let app = spawn_app().await;
    let client = login_as(&app, Role::Examiner).await;
    let mut form = schedule_form("", "无令牌场次");
    form.remove(0);
    let resp = post(&app, &client, "/console/sessions", &form).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(resp.text().await.unwrap().contains("表单校验失败"));
    let wrong = "0".repeat(64);
    let resp = post(
        &app,
        &client,
        "/console/sessions",
        &schedule_form(&wrong, "错误令牌场次"),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(api_sessions(&app).await.is_empty());
}

#[tokio::test]
async fn scheduling_through_the_form_creates_a_session_in_china_time() {
    let app = spawn_app().await;
    let client = login_as(&app, Role::Examiner).await;
    let (status, html) = get(&app, &client, "/console/sessions").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("安排考试场次"));
    assert!(html.contains("Q2(限桥式起重机)"));
    let token = csrf(&html);
    let resp = post(
        &app,
        &client,
        "/console/sessions",
        &schedule_form(&token, "2030年1月 桥式司机"),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();

    let sessions = api_sessions(&app).await;
    assert_eq!(sessions.len(), 1);
    let s = &sessions[0];
    assert_eq!(location, format!("/console/sessions/{}", s.id));
    assert_eq!(
        (s.title.as_str(), s.batch.as_str(), s.subject.as_str()),
        ("2030年1月 桥式司机", "2030-01", "Q2-bridge")
    );
    assert_eq!(s.starts_at.to_rfc3339(), "2030-01-02T01:30:00+00:00");
    assert_eq!((s.duration_seconds, s.seats), (2700, 20));

    let (status, html) = get(&app, &client, "/console/sessions").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("2030年1月 桥式司机"));
    assert!(html.contains("2030-01-02 09:30"));
    let (status, html) = get(&app, &client, &location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("{location}/open")), "{html}");
}

#[tokio::test]
async fn an_invalid_form_is_shown_again_with_the_message_at_the_field() {
    let app = spawn_app().await;
    let client = login_as(&app, Role::Examiner).await;
    let (_, html) = get(&app, &client, "/console/sessions").await;
    let token = csrf(&html);
    let mut form = schedule_form(&token, "  ");
    form[6] = ("seats", "很多");
    let resp = post(&app, &client, "/console/sessions", &form).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    let title_input = html.find("id=\"title\"").unwrap();
    let title_error = html.find("id=\"title-error\"").expect("title error");
    let batch_label = html.find("for=\"batch\"").unwrap();
    assert!(title_input < title_error && title_error < batch_label);
    assert!(html[title_error..batch_label].contains("考试名称不能为空"));
    assert!(html.contains("id=\"seats-error\""));
    // What was typed is kept.
    assert!(html.contains("value=\"2030-01-02T09:30\""));
    assert!(html.contains("value=\"很多\""));
    assert!(api_sessions(&app).await.is_empty());
}

#[tokio::test]
async fn a_certifier_sees_sessions_but_may_not_schedule() {
    let app = spawn_app().await;
    let client = login_as(&app, Role::Certifier).await;
    let (status, html) = get(&app, &client, "/console/sessions").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("安排考试场次"));
    assert!(html.contains("/console/archives"));
    let token = csrf(&html); // the logout form's
    let resp = post(
        &app,
        &client,
        "/console/sessions",
        &schedule_form(&token, "发证机关场次"),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(resp.text().await.unwrap().contains("无权"));
    assert!(api_sessions(&app).await.is_empty());
    let (status, html) = get(&app, &client, "/console/archives").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ed25519"));
    assert!(html.contains("archive verify"));
    // An examiner may not see archives.
    let examiner = login_as(&app, Role::Examiner).await;
    let (status, _) = get(&app, &examiner, "/console/archives").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_invigilation_page_lists_seats_and_opens_the_session() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;
    let c1 = app.register(&examiner, session.id, 1).await;
    app.register(&examiner, session.id, 2).await;
    let client = login_as(&app, Role::Examiner).await;
    let page = format!("/console/sessions/{}", session.id);
    let (status, html) = get(&app, &client, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("考生1") && html.contains("考生2"), "{html}");
    assert!(html.contains("未登录"));
    assert!(html.contains("/seats"));

    // The candidate signs in on a terminal: the fragment shows them waiting.
    app.candidate_token_on(&c1.ticket, &id_number(1), "term-a", "01")
        .await;
    let (status, fragment) = get(&app, &client, &format!("{page}/seats")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(fragment.starts_with("<tbody id=\"seats\">"), "{fragment}");
    assert!(fragment.contains("等待开考") && fragment.contains("未登录"));
    assert!(!fragment.contains("<html"));

    // 开考 with the token; a second time conflicts.
    let token = csrf(&html);
    let resp = post(&app, &client, &format!("{page}/open"), &[("_csrf", &token)]).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, html) = get(&app, &client, &page).await;
    assert!(html.contains("已开考"));
    let resp = post(&app, &client, &format!("{page}/open"), &[("_csrf", &token)]).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_waiting_takeover_is_approved_from_the_seat_table() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;
    let c = app.register(&examiner, session.id, 1).await;
    app.open(&examiner, session.id).await;
    let a = app
        .candidate_token_on(&c.ticket, &id_number(1), "term-a", "01")
        .await;
    let (status, body) = app.post("/api/v1/exam/start", &a, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let b = app
        .candidate_token_on(&c.ticket, &id_number(1), "term-b", "05")
        .await;
    let (status, _) = app.post("/api/v1/exam/start", &b, json!({})).await;
    assert_eq!(status, StatusCode::CONFLICT);

    let client = login_as(&app, Role::Examiner).await;
    let page = format!("/console/sessions/{}", session.id);
    let (_, html) = get(&app, &client, &page).await;
    assert!(
        html.contains("答题中") && html.contains("换机待批"),
        "{html}"
    );
    assert!(html.contains("批准换机"));
    let action = format!("{page}/candidates/{}/takeover", c.id);
    let token = csrf(&html);
    let resp = post(
        &app,
        &client,
        &action,
        &[("_csrf", &token), ("reason", " ")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("请填写操作原因"));
    let resp = post(
        &app,
        &client,
        &action,
        &[("_csrf", &token), ("reason", "原终端死机")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, fragment) = get(&app, &client, &format!("{page}/seats")).await;
    assert!(!fragment.contains("换机待批"), "{fragment}");
    assert!(fragment.contains("05"));
}

#[tokio::test]
async fn reports_render_and_downloads_work_with_the_cookie() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;
    let client = login_as(&app, Role::Examiner).await;
    let (status, html) = get(&app, &client, "/console/reports").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("统计") && html.contains("成绩单") && html.contains("身份证号"));
    assert!(html.contains("/console/download/summary?format=csv"));

    let resp = client
        .get(format!(
            "{}/console/download/summary?format=csv&subject=Q1&batch=%E6%89%B9",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let bytes = resp.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "CSV with BOM");
    // Without the cookie: to the login page.
    let resp = browser()
        .get(format!("{}/console/download/summary?format=csv", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);

    // A session not sealed yet: 409 as a Chinese page; a bad date: 422 on the form.
    let (status, html) = get(
        &app,
        &client,
        &format!("/console/download/session/{}?format=xlsx", session.id),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{html}");
    assert!(html.contains("操作冲突"));
    let (status, html) = get(&app, &client, "/console/reports?from=2030-13-01").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"from-error\""));
}

#[tokio::test]
async fn time_is_extended_from_the_seat_table_and_errors_stay_on_the_row() {
    let app = spawn_app().await;
    let (_, token, session, exam) = app.started_candidate(3600).await;
    let before: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(exam["deadline"].clone()).unwrap();
    let examiner = app.login(Role::Examiner).await;
    let (_, list) = app
        .get(&format!("/api/v1/sessions/{session}/candidates"), &examiner)
        .await;
    let candidate = list[0]["id"].as_i64().unwrap();

    let client = login_as(&app, Role::Examiner).await;
    let page = format!("/console/sessions/{session}");
    let (status, html) = get(&app, &client, &page).await;
    assert_eq!(status, StatusCode::OK);
    let action = format!("{page}/candidates/{candidate}/extend");
    assert!(html.contains(&format!("action=\"{action}\"")), "{html}");
    assert!(html.contains("截止时间") && html.contains("延长时间"));
    assert!(
        html.contains(&format!("id=\"extend-reason-{candidate}\" name=\"reason\"")),
        "the refresh pauses while the reason is typed: {html}"
    );
    assert!(html.contains("value=\"10\""), "default minutes: {html}");
    let csrf = csrf(&html);

    // Without the token: refused, nothing changed.
    let resp = post(
        &app,
        &client,
        &action,
        &[("minutes", "10"), ("reason", "断电")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // Empty reason: the message and the typed minutes on the row.
    let resp = post(
        &app,
        &client,
        &action,
        &[("_csrf", &csrf), ("minutes", "25"), ("reason", " ")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains("延长时间失败：请填写操作原因"), "{html}");
    assert!(html.contains("value=\"25\""), "{html}");
    let resp = post(
        &app,
        &client,
        &action,
        &[("_csrf", &csrf), ("minutes", "abc"), ("reason", "断电")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains("延长时间须为 1 到 120 分钟"), "{html}");
    assert!(html.contains("value=\"断电\""), "{html}");
    let (_, view) = app.get("/api/v1/exam", &token).await;
    assert_eq!(view["deadline"], exam["deadline"]);

    let resp = post(
        &app,
        &client,
        &action,
        &[
            ("_csrf", &csrf),
            ("minutes", "15"),
            ("reason", "01 号机断电"),
        ],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], page.as_str());
    let (_, view) = app.get("/api/v1/exam", &token).await;
    let after: chrono::DateTime<chrono::Utc> =
        serde_json::from_value(view["deadline"].clone()).unwrap();
    assert_eq!(after, before + chrono::Duration::minutes(15));
}

#[tokio::test]
async fn candidates_are_registered_from_the_session_page() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;
    let client = login_as(&app, Role::Examiner).await;
    let page = format!("/console/sessions/{}", session.id);
    let (_, html) = get(&app, &client, &page).await;
    assert!(html.contains("考生报名"), "{html}");
    let csrf = csrf(&html);
    let action = format!("{page}/candidates");
    let id = id_number(7);
    let mut form = vec![
        ("_csrf", csrf.as_str()),
        ("name", "张三"),
        ("id_number", "110101199001011234"),
        ("ticket", "T2030-0007"),
        ("seat", "7"),
        ("employer", "杭州港务集团"),
    ];

    // A wrong ID number: the message at the field, everything typed kept.
    let resp = post(&app, &client, &action, &form).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains("id=\"register-id_number-error\""), "{html}");
    for kept in [
        "value=\"张三\"",
        "value=\"T2030-0007\"",
        "value=\"杭州港务集团\"",
    ] {
        assert!(html.contains(kept), "{kept}: {html}");
    }
    let (_, list) = app
        .get(
            &format!("/api/v1/sessions/{}/candidates", session.id),
            &examiner,
        )
        .await;
    assert_eq!(list, json!([]));

    form[2] = ("id_number", &id);
    let resp = post(&app, &client, &action, &form[1..]).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let resp = post(&app, &client, &action, &form).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, list) = app
        .get(
            &format!("/api/v1/sessions/{}/candidates", session.id),
            &examiner,
        )
        .await;
    assert_eq!(
        (list[0]["name"].as_str(), list[0]["seat"].as_str()),
        (Some("张三"), Some("07")),
        "{list}"
    );

    // The same seat again: a conflict shown at the seat field.
    let other = id_number(8);
    form[2] = ("id_number", &other);
    form[3] = ("ticket", "T2030-0008");
    let resp = post(&app, &client, &action, &form).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let html = resp.text().await.unwrap();
    assert!(html.contains("id=\"register-seat-error\""), "{html}");

    // Staff without the session role see no form and may not post it.
    let certifier = login_as(&app, Role::Certifier).await;
    let (_, html) = get(&app, &certifier, &page).await;
    assert!(!html.contains("考生报名"));
    let resp = post(&app, &certifier, &action, &form).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
}
