use question_bank::bank::BankHeader;
use question_bank::bundled::bundled_bank;
use question_bank::formats::{export, Format};
use question_bank::wire::{BankImportReport, BankOverview, Role};
use question_bank::{QuestionId, Subject};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, spawn_app, TestApp};

async fn upload(
    app: &TestApp,
    token: &str,
    name: &str,
    bytes: Vec<u8>,
    fields: &[(&str, &str)],
) -> (StatusCode, Value) {
    let mut form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    let resp = app
        .http
        .post(format!("{}/api/v1/banks/import", app.base))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Five bundled Q2 questions under new ids, as an Excel file.
fn new_questions_xlsx() -> Vec<u8> {
    let bank = bundled_bank().unwrap();
    let mut qs: Vec<_> = bank.pool(Subject::Q2(None)).take(5).cloned().collect();
    for (i, q) in qs.iter_mut().enumerate() {
        q.id = QuestionId(format!("NEW-{i:04}"));
        q.stem = format!("新增题目 {i}：{}", q.stem);
        q.enemies.clear();
    }
    let header = BankHeader {
        id: "new".into(),
        title: "新题".into(),
        scope: Subject::Q2(None),
    };
    export(Format::Xlsx, &header, &qs)
}

#[tokio::test]
async fn a_broken_file_imports_nothing_and_says_where() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let (_, before) = app.get("/api/v1/banks", &examiner).await;
    let csv = "题型,题干,选项A,选项B,答案,知识领域,知识点\n\
               单选题,好题（ ）。,甲,乙,A,安全知识,安全装置\n\
               单选题,坏题（ ）。,甲,乙,C,安全知识,安全装置\n";
    let (status, body) = upload(&app, &examiner, "bank.csv", csv.into(), &[("scope", "Q2")]).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bank_invalid",
    );
    assert!(
        body["details"][0]
            .as_str()
            .unwrap()
            .starts_with("bank.csv:3: answer:"),
        "{body}"
    );
    let (_, after) = app.get("/api/v1/banks", &examiner).await;
    assert_eq!(before, after, "nothing changed");

    // With skip_invalid the good row lands and the bad one is reported.
    let (status, body) = upload(
        &app,
        &examiner,
        "bank.csv",
        csv.into(),
        &[("scope", "Q2"), ("skip_invalid", "true")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report: BankImportReport = serde_json::from_value(body).unwrap();
    assert_eq!((report.added, report.skipped.len()), (1, 1));
}

#[tokio::test]
async fn an_import_is_a_new_version_that_new_sessions_use_and_export_returns() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let old = app.create_session(&examiner, 3600).await;

    let (status, body) = upload(&app, &examiner, "新题.xlsx", new_questions_xlsx(), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let report: BankImportReport = serde_json::from_value(body).unwrap();
    assert_eq!((report.added, report.replaced), (5, 0));
    assert_ne!(report.version, report.previous_version);
    assert_eq!(report.previous_version, old.bank_version);

    let (_, body) = app.get("/api/v1/banks", &examiner).await;
    let overview: BankOverview = serde_json::from_value(body).unwrap();
    assert_eq!(overview.version, report.version);
    assert_eq!(overview.imports.len(), 1);
    assert_eq!(overview.imports[0].imported_by, "examiner");

    let new = app.create_session(&examiner, 3600).await;
    assert_eq!(
        new.bank_version, report.version,
        "new sessions draw from the import"
    );
    let (_, old_again) = app
        .get(&format!("/api/v1/sessions/{}", old.id), &examiner)
        .await;
    assert_eq!(
        old_again["bank_version"],
        json!(old.bank_version),
        "old sessions keep theirs"
    );

    // Re-importing the same file replaces, it does not duplicate.
    let (_, body) = upload(&app, &examiner, "新题.xlsx", new_questions_xlsx(), &[]).await;
    let again: BankImportReport = serde_json::from_value(body).unwrap();
    assert_eq!(
        (again.added, again.replaced, again.version),
        (0, 5, report.version.clone())
    );

    let (status, disposition, xml) = app
        .download("/api/v1/banks/export?format=moodle", &examiner)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.contains(".xml"), "{disposition}");
    let xml = String::from_utf8(xml).unwrap();
    assert!(xml.contains("<text>NEW-0004</text>"));

    let (status, body) = app
        .get("/api/v1/banks/export?format=aiken", &examiner)
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_format",
    );
}

#[tokio::test]
async fn only_examiners_and_admins_touch_banks() {
    let app = spawn_app().await;
    for role in [Role::Certifier, Role::Assessor] {
        let token = app.login(role).await;
        let (status, body) = upload(&app, &token, "x.csv", b"x".to_vec(), &[]).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
        let (status, body) = app.get("/api/v1/banks/export?format=csv", &token).await;
        assert_error(status, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    let admin = app.login(Role::Admin).await;
    let (status, _, template) = app.download("/api/v1/banks/template", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert!(template.starts_with(b"PK"), "an xlsx is a zip");
    let (status, body) = upload(&app, &admin, "x.docx", b"x".to_vec(), &[]).await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_format",
    );
}

#[tokio::test]
async fn an_upload_without_a_file_or_with_an_unknown_field_is_refused() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let (status, body) = upload(
        &app,
        &examiner,
        "q.xlsx",
        new_questions_xlsx(),
        &[("colour", "red")],
    )
    .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_field",
    );
    assert!(
        body["message"].as_str().unwrap().contains("colour"),
        "{body}"
    );
    let resp = app
        .http
        .post(format!("{}/api/v1/banks/import", app.base))
        .bearer_auth(&examiner)
        .multipart(Form::new().text("scope", "Q2"))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    let body: Value = resp.json().await.unwrap();
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "missing_file",
    );
    let (_, overview) = app.get("/api/v1/banks", &examiner).await;
    assert!(
        overview["imports"].as_array().is_none_or(Vec::is_empty),
        "{overview}"
    );
}
