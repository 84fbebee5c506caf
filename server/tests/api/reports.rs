//! Statistics, item analysis, the result summary and QTI result documents over sealed
//! records.

use chrono::NaiveDate;
use question_bank::archive::{PracticalOutcome, RecordBody};
use question_bank::wire::Role;
use reqwest::StatusCode;

use crate::archives::{practical, sealed_session, seed};
use crate::helpers::{assert_error, id_number, spawn_app};

/// A practical record with a given score (`None` = absent).
fn practical_scored(
    n: u32,
    subject: &str,
    day: NaiveDate,
    batch: &str,
    score: Option<u32>,
) -> exam_server::store::archive::Pending {
    let mut p = practical(n, subject, day);
    if let RecordBody::Practical(r) = &mut p.body {
        r.session.batch = batch.into();
        r.person.id_number = id_number(u16::try_from(n).unwrap());
        r.outcome = PracticalOutcome {
            status: if score.is_some() {
                "signed_off"
            } else {
                "absent"
            }
            .into(),
            score_tenths: score,
            passed: score.is_some_and(|s| s >= 700),
            signed_off_by: None,
            signed_off_at: None,
            combination: None,
        };
    }
    p
}

/// [`sealed_session`], and candidate 1 also passed (85.0) the practical part of the same
/// subject and batch. Returns the theory session id.
async fn sealed_with_practical(app: &crate::helpers::TestApp) -> i64 {
    let session = sealed_session(app).await;
    let today = exam_server::clock::china_date(exam_server::clock::now_millis());
    seed(
        &app.state,
        vec![practical_scored(
            1,
            "Q2-bridge",
            today,
            "2026-11-B3",
            Some(850),
        )],
    )
    .await;
    session
}

#[tokio::test]
async fn statistics_match_hand_computed_pass_rates_means_and_trend() {
    let app = spawn_app().await;
    let oct = NaiveDate::from_ymd_opt(2026, 10, 12).unwrap();
    let nov = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
    seed(
        &app.state,
        vec![
            practical_scored(11, "Q1", oct, "B1", Some(800)),
            practical_scored(12, "Q1", oct, "B1", Some(600)),
            practical_scored(13, "Q1", nov, "B2", None),
            practical_scored(14, "Q1", nov, "B2", Some(905)),
            practical_scored(15, "Q2-mobile", nov, "B2", Some(700)),
        ],
    )
    .await;
    let examiner = app.login(Role::Examiner).await;
    let (status, stats) = app.get("/api/v1/statistics", &examiner).await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    let q1 = &stats["groups"][0];
    // Q1: 4 results, 1 absent, 2 passed (80.0, 90.5); mean of present = (80+60+90.5)/3.
    assert_eq!(
        (
            q1["subject"].as_str(),
            q1["records"].as_u64(),
            q1["absent"].as_u64(),
            q1["passed"].as_u64()
        ),
        (Some("Q1"), Some(4), Some(1), Some(2))
    );
    assert_eq!(q1["pass_rate"].as_f64(), Some(0.5));
    assert_eq!(q1["mean_score"].as_f64(), Some(76.8));
    assert_eq!(stats["groups"][1]["subject_name"], "Q2(限流动式起重机)");
    // Trend by month: October 1 of 2, November 2 of 3 (the absent one fails).
    let trend: Vec<_> = stats["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap().to_owned(),
                p["count"].as_u64().unwrap(),
                p["passed"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        trend,
        [("2026-10".to_owned(), 2, 1), ("2026-11".to_owned(), 3, 2)]
    );
    let (_, b2) = app
        .get("/api/v1/statistics?batch=B2&subject=Q1", &examiner)
        .await;
    assert_eq!(b2["groups"][0]["records"].as_u64(), Some(2));
    let (status, body) = app
        .get(
            "/api/v1/statistics?from=2026-12-01&to=2026-11-01",
            &examiner,
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_range",
    );
    let assessor = app.login(Role::Assessor).await;
    let (status, _) = app.get("/api/v1/statistics", &assessor).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_summary_pairs_theory_and_practical_and_downloads_as_csv_and_xlsx() {
    let app = spawn_app().await;
    sealed_with_practical(&app).await;
    let examiner = app.login(Role::Examiner).await;
    let (status, disposition, bytes) = app.download("/api/v1/reports/summary", &examiner).await;
    assert_eq!(status, StatusCode::OK);
    assert!(disposition.contains(".csv"), "{disposition}");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<_> = text.lines().collect();
    assert!(
        lines[0].starts_with("考试机构代码,发证机关代码,批次,考试日期"),
        "{}",
        lines[0]
    );
    assert_eq!(lines.len(), 4, "header + 3 candidates:\n{text}");
    let first = lines.iter().find(|l| l.contains(&id_number(1))).unwrap();
    assert!(
        first.contains("85.0") && first.contains("桥式起重机"),
        "{first}"
    );
    let absent = lines.iter().find(|l| l.contains(&id_number(3))).unwrap();
    assert!(
        absent.contains("缺考") && absent.contains("不合格"),
        "{absent}"
    );

    let (status, _, xlsx) = app
        .download("/api/v1/reports/summary?format=xlsx", &examiner)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(xlsx.starts_with(b"PK"));
    let (status, body) = app
        .get("/api/v1/reports/summary?format=pdf", &examiner)
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_format",
    );
}

#[tokio::test]
async fn a_sealed_paper_gives_a_qti_result_document_and_feeds_item_analysis() {
    let app = spawn_app().await;
    let session = sealed_session(&app).await;
    let certifier = app.login(Role::Certifier).await;
    let (_, page) = app.get("/api/v1/archives", &certifier).await;
    let hash = page["records"][0]["hash"].as_str().unwrap();
    let (status, _, xml) = app
        .download(&format!("/api/v1/archives/records/{hash}/qti"), &certifier)
        .await;
    assert_eq!(status, StatusCode::OK);
    let xml = String::from_utf8(xml).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "assessmentResult");
    let items = root
        .descendants()
        .filter(|n| n.tag_name().name() == "itemResult")
        .count();
    assert_eq!(items, 100);

    let examiner = app.login(Role::Examiner).await;
    let (_, s) = app
        .get(&format!("/api/v1/sessions/{session}"), &examiner)
        .await;
    let version = s["bank_version"].as_str().unwrap();
    let (status, analysis) = app
        .get(
            &format!("/api/v1/analysis?bank_version={version}"),
            &examiner,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{analysis}");
    assert_eq!(analysis["examinees"].as_u64(), Some(2));
    let sessions = analysis["sessions"].as_array().unwrap();
    assert_eq!(
        (sessions.len(), sessions[0]["stats"]["examinees"].as_u64()),
        (1, Some(2))
    );
    let items = analysis["items"].as_array().unwrap();
    assert!(items.len() >= 100 && items.iter().all(|i| i["n"].as_u64() >= Some(1)));
    let (status, _) = app
        .get("/api/v1/analysis?bank_version=nope", &examiner)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Text of a PDF via pdftotext, or None (with a loud message) when it is not installed.
fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output();
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        _ => {
            eprintln!("SKIPPED: pdftotext (poppler-utils) not installed; PDF text not checked");
            None
        }
    }
}

#[tokio::test]
async fn the_score_report_and_session_report_are_pdfs_with_the_expected_chinese_text() {
    let app = spawn_app().await;
    let session = sealed_with_practical(&app).await;
    let examiner = app.login(Role::Examiner).await;
    let path = format!(
        "/api/v1/reports/transcript?id_number={}&subject=Q2-bridge",
        id_number(1)
    );
    let (status, _, pdf) = app.download(&path, &examiner).await;
    if app.state.report_font.is_err() {
        eprintln!("SKIPPED: no CJK font installed; PDF reports answer 503");
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        return;
    }
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF"));
    let certifier = app.login(Role::Certifier).await;
    let (_, page) = app.get("/api/v1/archives", &certifier).await;
    if let Some(text) = pdf_text(&pdf) {
        for expected in [
            "特种设备作业人员考试成绩单",
            "考生1",
            "理论考试",
            "实际操作考试",
            "85",
            "Q2(限桥式起重机)",
            "2026-11-B3",
        ] {
            assert!(text.contains(expected), "missing {expected} in:\n{text}");
        }
        // The hash of the latest sealed record (the practical one) is printed to verify it.
        let (_, all) = app.get("/api/v1/archives?limit=1000", &certifier).await;
        let latest = all["records"].as_array().unwrap().last().unwrap()["hash"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            text.replace(char::is_whitespace, "").contains(&latest),
            "hash {latest} not in:\n{text}"
        );
    }
    assert_eq!(page["records"].as_array().map(Vec::len), Some(4));

    let (status, _, pdf) = app
        .download(&format!("/api/v1/sessions/{session}/report"), &examiner)
        .await;
    assert_eq!(status, StatusCode::OK);
    if let Some(text) = pdf_text(&pdf) {
        for expected in [
            "考试场次报告",
            "合格率",
            "缺考",
            "考生3",
            "成绩分布",
            "第1页",
        ] {
            let compact = text.replace(char::is_whitespace, "");
            assert!(compact.contains(expected), "missing {expected} in:\n{text}");
        }
    }
    let (status, _, xlsx) = app
        .download(
            &format!("/api/v1/sessions/{session}/report?format=xlsx"),
            &examiner,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(xlsx.starts_with(b"PK"));

    let (status, body) = app
        .get(
            &format!(
                "/api/v1/reports/transcript?id_number={}&subject=Q1",
                id_number(1)
            ),
            &examiner,
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, body) = app
        .get(
            "/api/v1/reports/transcript?id_number=123&subject=Q1",
            &examiner,
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_id_number",
    );
}

#[tokio::test]
async fn a_session_not_yet_sealed_has_no_report() {
    let app = spawn_app().await;
    let examiner = app.login(Role::Examiner).await;
    let s = app.create_session(&examiner, 3600).await;
    let (status, body) = app
        .get(
            &format!("/api/v1/sessions/{}/report?format=xlsx", s.id),
            &examiner,
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "session_not_sealed");
    let (status, body) = app.get("/api/v1/sessions/9999/report", &examiner).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
}
