//! The console's bank, candidate and admin pages: imports with error tables, search,
//! accounts, the institution, CSRF and the role matrix.

use question_bank::bank::BankHeader;
use question_bank::bundled::bundled_bank;
use question_bank::formats::{export, Format};
use question_bank::wire::{BankOverview, Role};
use question_bank::{QuestionId, Subject};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::Value;

use crate::console::{browser, csrf, get, login_as, post};
use crate::helpers::{id_number, spawn_app, TestApp};

/// POST a multipart form from a signed-in browser: text fields, then `file`.
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> (StatusCode, String) {
    let mut form = Form::new();
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part("file", Part::bytes(bytes).file_name(name.to_owned()));
    }
    let resp = client
        .post(format!("{}{path}", app.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (resp.status(), resp.text().await.unwrap())
}

async fn bank_overview(app: &TestApp) -> BankOverview {
    let token = app.login(Role::Examiner).await;
    let (status, body) = app.get("/api/v1/banks", &token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body).unwrap()
}

async fn candidates_of(app: &TestApp, session: i64) -> Vec<Value> {
    let token = app.login(Role::Examiner).await;
    let (status, body) = app
        .get(&format!("/api/v1/sessions/{session}/candidates"), &token)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body.as_array().unwrap().clone()
}

/// Five bundled Q2 questions under new ids, as an Excel file.
fn new_questions_xlsx() -> Vec<u8> {
    let bank = bundled_bank().unwrap();
    let mut qs: Vec<_> = bank.pool(Subject::Q2(None)).take(5).cloned().collect();
    for (i, q) in qs.iter_mut().enumerate() {
        q.id = QuestionId(format!("CONSOLE-{i:04}"));
        q.stem = format!("控制台导入题目 {i}：{}", q.stem);
        q.enemies.clear();
    }
    let header = BankHeader {
        id: "console".into(),
        title: "控制台".into(),
        scope: Subject::Q2(None),
    };
    export(Format::Xlsx, &header, &qs)
}

/// A roster workbook: the template's header, then `rows` as text cells.
fn roster(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["姓名", "身份证号", "准考证号", "座位号", "工作单位"]
        .iter()
        .enumerate()
    {
        sheet.write(0, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write(r as u32 + 1, c as u16, *v).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_bank_file_is_imported_from_the_console_as_a_new_version() {
    let app = spawn_app().await;
    let before = bank_overview(&app).await;
    let client = login_as(&app, Role::Examiner).await;
    let (status, html) = get(&app, &client, "/console/banks").await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "覆盖情况",
        "Q2(限桥式起重机)",
        "每卷需要",
        "导入题库",
        &before.version,
    ] {
        assert!(html.contains(text), "{text}: {html}");
    }
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(html.contains("<label for=\"bank-file\">"));
    let token = csrf(&html);

    let (status, html) = upload(
        &app,
        &client,
        "/console/banks/import",
        &[("_csrf", &token), ("scope", "Q2")],
        Some(("新题.xlsx", new_questions_xlsx())),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let after = bank_overview(&app).await;
    assert_ne!(after.version, before.version);
    assert_eq!(after.question_count, before.question_count + 5);
    assert!(html.contains("导入成功"), "{html}");
    assert!(html.contains(&after.version));
    assert!(html.contains("新增 <strong>5</strong> 道"), "{html}");
    assert!(html.contains("新题.xlsx"));

    // Downloads work with the session cookie.
    let resp = client
        .get(format!("{}/console/banks/export?format=moodle", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert!(String::from_utf8(resp.bytes().await.unwrap().to_vec())
        .unwrap()
        .contains("<text>CONSOLE-0004</text>"));
    let resp = client
        .get(format!("{}/console/banks/template", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(
        resp.bytes().await.unwrap().starts_with(b"PK"),
        "an xlsx zip"
    );
    let (status, _) = get(&app, &client, "/console/banks/export?format=aiken").await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "Aiken is import-only"
    );
}

#[tokio::test]
async fn a_broken_bank_file_shows_every_error_in_a_table_and_changes_nothing() {
    let app = spawn_app().await;
    let before = bank_overview(&app).await;
    let csv = "题型,题干,选项A,选项B,答案,知识领域,知识点\n\
               单选题,好题（ ）。,甲,乙,A,安全知识,安全装置\n\
               单选题,坏题（ ）。,甲,乙,C,安全知识,安全装置\n";
    // What the API says is wrong with row 3, to find on the page.
    let token = app.login(Role::Examiner).await;
    let form = Form::new().text("scope", "Q2").part(
        "file",
        Part::bytes(csv.as_bytes().to_vec()).file_name("bank.csv"),
    );
    let api: Value = app
        .http
        .post(format!("{}/api/v1/banks/import", app.base))
        .bearer_auth(&token)
        .multipart(form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let detail = api["details"][0].as_str().unwrap().to_owned();
    let reason = detail.splitn(3, ": ").nth(2).unwrap().to_owned();

    let client = login_as(&app, Role::Examiner).await;
    let (_, html) = get(&app, &client, "/console/banks").await;
    let token = csrf(&html);
    let (status, html) = upload(
        &app,
        &client,
        "/console/banks/import",
        &[("_csrf", &token), ("scope", "Q2"), ("topic", "安全装置")],
        Some(("bank.csv", csv.as_bytes().to_vec())),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("未导入任何题目"), "{html}");
    assert!(
        html.contains("<td>bank.csv</td><td>3</td><td>answer</td>"),
        "{html}"
    );
    assert!(html.contains(&reason), "{reason}: {html}");
    assert!(
        html.contains("value=\"安全装置\""),
        "typed options are kept"
    );
    assert_eq!(bank_overview(&app).await.version, before.version);

    // A bad option is shown at its field; no CSRF token is a 403; neither imports.
    let (status, html) = upload(
        &app,
        &client,
        "/console/banks/import",
        &[("_csrf", &token), ("difficulty", "9")],
        Some(("新题.xlsx", new_questions_xlsx())),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"bank-difficulty-error\""), "{html}");
    assert!(html.contains("aria-describedby=\"bank-difficulty-error\""));
    let (status, html) = upload(
        &app,
        &client,
        "/console/banks/import",
        &[("scope", "Q2")],
        Some(("新题.xlsx", new_questions_xlsx())),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("表单校验失败"));
    let after = bank_overview(&app).await;
    assert_eq!((after.version, after.imports.len()), (before.version, 0));
}

#[tokio::test]
async fn a_roster_registers_everyone_and_they_can_be_found() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;
    let client = login_as(&app, Role::Examiner).await;
    let (status, html) = get(&app, &client, "/console/candidates").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("批量导入考生"), "{html}");
    assert!(html.contains("/console/candidates/template"));
    assert!(html.contains("<label for=\"roster-session\">"));
    let token = csrf(&html);

    let resp = client
        .get(format!("{}/console/candidates/template", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.bytes().await.unwrap().starts_with(b"PK"));

    let (id1, id2, id3) = (id_number(11), id_number(12), id_number(13));
    let file = roster(&[
        ["欧阳明", &id1, "R2030-0011", "11", "杭州港务集团"],
        ["欧阳亮", &id2, "R2030-0012", "12", ""],
        ["陈静", &id3, "R2030-0013", "13", "宁波重工"],
    ]);
    let sid = session.id.to_string();
    let (status, html) = upload(
        &app,
        &client,
        "/console/candidates/import",
        &[("_csrf", &token), ("session", &sid)],
        Some(("名单.xlsx", file)),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已登记 3 名考生"), "{html}");
    let list = candidates_of(&app, session.id).await;
    let mut seats: Vec<&str> = list.iter().map(|c| c["seat"].as_str().unwrap()).collect();
    seats.sort_unstable();
    assert_eq!(seats, vec!["11", "12", "13"]);

    // By part of a name: both 欧阳, not 陈静; with a link to the invigilation page.
    let (status, html) = get(&app, &client, "/console/candidates?q=%E6%AC%A7%E9%98%B3").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("欧阳明") && html.contains("欧阳亮"), "{html}");
    assert!(!html.contains("陈静"));
    assert!(html.contains(&format!("href=\"/console/sessions/{}\"", session.id)));
    assert!(html.contains("测试场次"));
    // By ticket and by full ID number: exactly that person, ID number masked.
    let (_, html) = get(&app, &client, "/console/candidates?q=R2030-0013").await;
    assert!(html.contains("陈静") && !html.contains("欧阳"), "{html}");
    assert!(html.contains("查询结果（1 条）"));
    let (_, html) = get(&app, &client, &format!("/console/candidates?q={id2}")).await;
    assert!(
        html.contains("欧阳亮") && !html.contains("欧阳明"),
        "{html}"
    );
    let masked = format!("{}********{}", &id2[..6], &id2[14..]);
    assert!(html.contains(&format!("<td>{masked}</td>")), "{html}");
    assert_eq!(
        html.matches(id2.as_str()).count(),
        1,
        "only in the search box, masked in the results"
    );
    let (_, html) = get(
        &app,
        &client,
        "/console/candidates?q=%E6%97%A0%E6%AD%A4%E4%BA%BA",
    )
    .await;
    assert!(html.contains("没有找到匹配的考生"));
}

#[tokio::test]
async fn a_roster_with_bad_rows_registers_nobody_and_lists_every_problem() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;
    let client = login_as(&app, Role::Examiner).await;
    let (_, html) = get(&app, &client, "/console/candidates").await;
    let token = csrf(&html);
    let (id1, id2, id3) = (id_number(21), id_number(22), id_number(23));
    let file = roster(&[
        ["张三", &id1, "B2030-0001", "1", ""],
        ["李四", "110101199001011234", "B2030-0002", "2", ""],
        ["王五", &id2, "B2030-0003", "3", ""],
        ["赵六", &id3, "B2030-0004", "01", ""],
    ]);
    let sid = session.id.to_string();
    let (status, html) = upload(
        &app,
        &client,
        "/console/candidates/import",
        &[("_csrf", &token), ("session", &sid)],
        Some(("名单.xlsx", file.clone())),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("名单有 2 处错误，未登记任何考生"), "{html}");
    assert!(html.contains("<td>3</td><td>身份证号</td>"), "{html}");
    assert!(
        html.contains("<td>5</td><td>座位号</td><td>与第 2 行的座位号重复</td>"),
        "{html}"
    );
    assert!(
        html.contains(&format!("<option value=\"{sid}\" selected>")),
        "the chosen session is kept: {html}"
    );
    assert!(candidates_of(&app, session.id).await.is_empty());

    // Without the CSRF token: 403, nobody registered even from a good file.
    let good = roster(&[["张三", &id1, "B2030-0001", "1", ""]]);
    let (status, _) = upload(
        &app,
        &client,
        "/console/candidates/import",
        &[("session", &sid)],
        Some(("名单.xlsx", good.clone())),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(candidates_of(&app, session.id).await.is_empty());

    // No session chosen: the message is at the select.
    let (status, html) = upload(
        &app,
        &client,
        "/console/candidates/import",
        &[("_csrf", &token), ("session", "")],
        Some(("名单.xlsx", good)),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"roster-session-error\""), "{html}");
    assert!(candidates_of(&app, session.id).await.is_empty());
}

#[tokio::test]
async fn the_api_imports_a_roster_and_lists_bad_rows_as_json() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;
    let path = format!("/api/v1/sessions/{}/candidates/import", session.id);
    let send = |token: String, bytes: Vec<u8>| {
        let form = Form::new().part("file", Part::bytes(bytes).file_name("roster.xlsx"));
        app.http
            .post(format!("{}{path}", app.base))
            .bearer_auth(token)
            .multipart(form)
            .send()
    };
    let bad = roster(&[
        ["张三", &id_number(31), "A2030-0001", "1", ""],
        ["", &id_number(32), "A2030-0002", "99", ""],
    ]);
    let resp = send(examiner.clone(), bad).await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "roster_invalid");
    let details: Vec<&str> = body["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(details.len(), 2, "{body}");
    assert!(details[0].starts_with("3: 姓名: "), "{body}");
    assert!(details[1].starts_with("3: 座位号: "), "{body}");
    assert!(candidates_of(&app, session.id).await.is_empty());

    let good = roster(&[
        ["张三", &id_number(31), "A2030-0001", "1", ""],
        ["李四", &id_number(32), "A2030-0002", "2", "港务"],
    ]);
    let certifier = app.login(Role::Certifier).await;
    let resp = send(certifier, good.clone()).await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let resp = send(examiner, good).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body.as_array().unwrap().len(), 2, "{body}");
    assert_eq!(candidates_of(&app, session.id).await.len(), 2);
}

#[tokio::test]
async fn an_admin_creates_an_account_that_can_sign_in() {
    let app = spawn_app().await;
    let admin = login_as(&app, Role::Admin).await;
    let (status, html) = get(&app, &admin, "/console/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("新建账号") && html.contains("certifier"),
        "{html}"
    );
    assert!(html.contains("<label for=\"user-password\">"));
    let token = csrf(&html);
    let mut form = vec![
        ("_csrf", token.as_str()),
        ("username", "zhang.kw"),
        ("display_name", "张考务"),
        ("role", "examiner"),
        ("password", "short"),
        ("password_again", "short"),
    ];
    let resp = post(&app, &admin, "/console/admin/users", &form).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains("id=\"user-password-error\""), "{html}");
    assert!(html.contains("密码至少 10 个字符"));
    assert!(html.contains("value=\"张考务\""), "typed values are kept");
    assert!(
        !html.contains("value=\"short\""),
        "passwords are not echoed"
    );

    form[4] = ("password", "a-long-password-1");
    form[5] = ("password_again", "a-long-password-1");
    let resp = post(&app, &admin, "/console/admin/users", &form[1..]).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN, "no CSRF token");
    let resp = post(&app, &admin, "/console/admin/users", &form).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, html) = get(&app, &admin, "/console/admin/users?created=zhang.kw").await;
    assert!(html.contains("已创建账号 zhang.kw"));
    assert!(html.contains("<td>张考务</td><td>考务人员</td>"), "{html}");
    // The same name again is a conflict at the field.
    let resp = post(&app, &admin, "/console/admin/users", &form).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert!(resp
        .text()
        .await
        .unwrap()
        .contains("id=\"user-username-error\""));

    let newcomer = browser();
    let resp = post(
        &app,
        &newcomer,
        "/console/login",
        &[("username", "zhang.kw"), ("password", "a-long-password-1")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (status, html) = get(&app, &newcomer, "/console").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("zhang.kw（考务人员）"));

    // Only administrators manage accounts.
    let examiner = login_as(&app, Role::Examiner).await;
    let (status, html) = get(&app, &examiner, "/console/admin/users").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(html.contains("无权"));
    let token = csrf(&html);
    form[0] = ("_csrf", &token);
    form[1] = ("username", "sneaky");
    let resp = post(&app, &examiner, "/console/admin/users", &form).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let admin_token = app.login(Role::Admin).await;
    let (_, users) = app.get("/api/v1/users", &admin_token).await;
    assert!(!users.to_string().contains("sneaky"));
}

#[tokio::test]
async fn the_institution_profile_is_edited_and_the_compliance_page_follows() {
    let app = spawn_app().await;
    let admin = login_as(&app, Role::Admin).await;
    let (status, html) = get(&app, &admin, "/console/admin/institution").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("修改机构信息"), "{html}");
    assert!(html.contains("aria-current=\"page\">管理</a>"), "{html}");
    let token = csrf(&html);
    let mut form = vec![
        ("_csrf", token.as_str()),
        ("name", "杭州特种设备考试中心"),
        ("code", "ZJ-HZ-01"),
        ("authority_code", "ZJ"),
        ("full_time_staff", "很多"),
        ("site_area_m2", "200"),
        ("kit_flags", "on"),
        ("kit_whistle", "on"),
        ("apparatus-0-kind", "crane"),
        ("apparatus-0-type", "bridge"),
        ("apparatus-0-cab", "on"),
        ("apparatus-0-model", "QD 5t-22.5m"),
    ];
    let resp = post(&app, &admin, "/console/admin/institution", &form).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains("id=\"inst-full_time_staff-error\""), "{html}");
    assert!(
        html.contains("value=\"QD 5t-22.5m\""),
        "typed rows are kept"
    );
    let token_api = app.login(Role::Examiner).await;
    let (_, profile) = app.get("/api/v1/institution", &token_api).await;
    assert_eq!(profile["name"], "", "nothing saved: {profile}");

    form[4] = ("full_time_staff", "4");
    let resp = post(&app, &admin, "/console/admin/institution", &form).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, profile) = app.get("/api/v1/institution", &token_api).await;
    assert_eq!(profile["name"], "杭州特种设备考试中心");
    assert_eq!(profile["full_time_staff"], 4);
    assert_eq!(profile["apparatus"][0]["type"], "crane", "{profile}");
    assert_eq!(profile["apparatus"][0]["model"], "QD 5t-22.5m");
    assert_eq!(profile["signalling_kit"]["charts"], false);
    let (_, html) = get(&app, &admin, "/console/admin/institution?saved=1").await;
    assert!(html.contains("机构信息已保存"));
    assert!(
        html.contains("桥式起重机（司机室操纵） QD 5t-22.5m"),
        "{html}"
    );

    // The compliance page shows every rule of the API's report with its verdict.
    let (status, html) = get(&app, &admin, "/console/admin/compliance").await;
    assert_eq!(status, StatusCode::OK);
    let (_, report) = app.get("/api/v1/institution/compliance", &token_api).await;
    let rules = report["report"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 5, "{report}");
    for rule in rules {
        let text = rule["description_zh"].as_str().unwrap();
        assert!(html.contains(text), "{text}: {html}");
    }
    assert!(html.contains("不符合"), "no terminals yet: {html}");
    assert!(html.contains("杭州特种设备考试中心"));

    // Examiners and certifiers read the profile; they cannot edit it.
    let examiner = login_as(&app, Role::Examiner).await;
    let (status, html) = get(&app, &examiner, "/console/admin/institution").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("杭州特种设备考试中心"));
    assert!(!html.contains("修改机构信息"));
    let token = csrf(&html);
    form[0] = ("_csrf", &token);
    form[1] = ("name", "篡改");
    let resp = post(&app, &examiner, "/console/admin/institution", &form).await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    let certifier = login_as(&app, Role::Certifier).await;
    let (status, _) = get(&app, &certifier, "/console/admin/compliance").await;
    assert_eq!(status, StatusCode::OK);
    let (_, profile) = app.get("/api/v1/institution", &token_api).await;
    assert_eq!(profile["name"], "杭州特种设备考试中心");
}

#[tokio::test]
async fn terminals_and_assessors_are_registered_from_the_admin_pages() {
    let app = spawn_app().await;
    let admin = login_as(&app, Role::Admin).await;
    let (status, html) = get(&app, &admin, "/console/admin/terminals").await;
    assert_eq!(status, StatusCode::OK);
    let token = csrf(&html);
    let form = [
        ("_csrf", token.as_str()),
        ("label", "07"),
        ("location", "第一考场"),
    ];
    let resp = post(&app, &admin, "/console/admin/terminals", &form).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp = post(&app, &admin, "/console/admin/terminals", &form).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let html = resp.text().await.unwrap();
    assert!(html.contains("id=\"terminal-label-error\""), "{html}");
    assert!(html.contains("终端 07 已登记"));
    let (_, html) = get(&app, &admin, "/console/admin/terminals").await;
    assert!(
        html.contains("<code>07</code>") && html.contains("第一考场"),
        "{html}"
    );
    assert!(html.contains("在用终端 <strong>1</strong> 台"));

    // Examiners manage assessors (as in the API) but not terminals.
    let examiner = login_as(&app, Role::Examiner).await;
    let (_, html) = get(&app, &examiner, "/console/admin/terminals").await;
    assert!(!html.contains("登记终端"));
    let token = csrf(&html);
    let resp = post(
        &app,
        &examiner,
        "/console/admin/terminals",
        &[("_csrf", &token), ("label", "08")],
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    let (status, html) = get(&app, &examiner, "/console/admin/assessors").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("登记考评员"), "{html}");
    let id = id_number(41);
    let mut form = vec![
        ("_csrf", token.as_str()),
        ("name", "刘考评"),
        ("id_number", "110101199001011234"),
        ("subjects", "Q1"),
        ("subjects", "Q2-bridge"),
        ("practice_years", "8"),
        ("teaching_years", "3"),
        ("title", "engineer"),
        ("status", "active"),
        ("filing_number", "BA-2024-001"),
        ("filing_date", "2024-03-01"),
        ("username", "liu.kp"),
        ("password", "assessor-password-1"),
    ];
    let resp = post(&app, &examiner, "/console/admin/assessors", &form).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains("id=\"assessor-id_number-error\""), "{html}");
    assert!(html.contains("value=\"Q2-bridge\" checked"), "{html}");
    form[2] = ("id_number", &id);
    let resp = post(&app, &examiner, "/console/admin/assessors", &form).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (_, html) = get(&app, &examiner, "/console/admin/assessors").await;
    assert!(html.contains("刘考评") && html.contains("liu.kp"), "{html}");
    assert!(html.contains("Q1 起重机指挥、Q2(限桥式起重机)"));
    assert!(html.contains("BA-2024-001"));
    let resp = post(
        &app,
        &browser(),
        "/console/login",
        &[("username", "liu.kp"), ("password", "assessor-password-1")],
    )
    .await;
    assert_eq!(
        resp.status(),
        StatusCode::SEE_OTHER,
        "the assessor signs in"
    );

    // Certifiers read the list without the form.
    let certifier = login_as(&app, Role::Certifier).await;
    let (status, html) = get(&app, &certifier, "/console/admin/assessors").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("刘考评") && !html.contains("登记考评员"));
}

#[tokio::test]
async fn pages_and_nav_follow_the_role_matrix() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;

    let assessor = login_as(&app, Role::Assessor).await;
    let (_, html) = get(&app, &assessor, "/console").await;
    for link in ["/console/banks", "/console/candidates", "/console/admin"] {
        assert!(!html.contains(&format!("href=\"{link}\"")), "{link}");
    }
    for page in [
        "/console/banks",
        "/console/banks/template",
        "/console/candidates",
        "/console/candidates/template",
        "/console/admin",
        "/console/admin/compliance",
        "/console/admin/assessors",
    ] {
        let (status, html) = get(&app, &assessor, page).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{page}");
        assert!(html.contains("您的角色无权执行此操作"), "{page}");
    }

    let certifier = login_as(&app, Role::Certifier).await;
    let (_, html) = get(&app, &certifier, "/console").await;
    assert!(html.contains("href=\"/console/candidates\""));
    assert!(html.contains("href=\"/console/admin\""));
    assert!(!html.contains("href=\"/console/banks\""));
    let (status, _) = get(&app, &certifier, "/console/banks").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, html) = get(&app, &certifier, "/console/candidates").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("批量导入考生"), "certifiers search only");
    let (_, html) = get(&app, &certifier, "/console/admin").await;
    assert!(html.contains("/console/admin/compliance") && !html.contains("/console/admin/users"));
    let token = csrf(&html);
    let sid = session.id.to_string();
    let (status, _) = upload(
        &app,
        &certifier,
        "/console/candidates/import",
        &[("_csrf", &token), ("session", &sid)],
        Some((
            "名单.xlsx",
            roster(&[["张三", &id_number(51), "C2030-0001", "1", ""]]),
        )),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(candidates_of(&app, session.id).await.is_empty());

    let examiner = login_as(&app, Role::Examiner).await;
    let (_, html) = get(&app, &examiner, "/console/banks").await;
    for link in ["/console/banks", "/console/candidates", "/console/admin"] {
        assert!(html.contains(&format!("href=\"{link}\"")), "{link}");
    }
    assert!(html.contains("aria-current=\"page\">题库</a>"));
}
