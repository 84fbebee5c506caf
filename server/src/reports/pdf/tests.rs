//! Render both documents from fixtures and read them back with `pdftotext`.
//!
//! Tests that need a CJK font or poppler-utils print "SKIPPED: …" and pass when the
//! machine lacks them. Set `CRANEEXAM_PDF_OUT=/some/dir` to keep the rendered PDFs.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::*;

mod fixtures;
use fixtures::*;

fn font() -> Option<FontSource> {
    match find_cjk_font(None) {
        Ok(f) => Some(f),
        Err(e) => {
            eprintln!("SKIPPED: no CJK font installed (apt-get install fonts-noto-cjk): {e}");
            None
        }
    }
}

/// Writes `pdf` to `dir/name` (and to `$CRANEEXAM_PDF_OUT` when set) and returns the path.
fn save(dir: &Path, name: &str, pdf: &[u8]) -> PathBuf {
    if let Some(out) = std::env::var_os("CRANEEXAM_PDF_OUT") {
        let _ = std::fs::create_dir_all(&out);
        let _ = std::fs::write(Path::new(&out).join(name), pdf);
    }
    let path = dir.join(name);
    std::fs::write(&path, pdf).expect("write pdf");
    path
}

/// `pdftotext -layout` of pages `first..=last` (all when `None`); `None` when not installed.
fn pdftotext(path: &Path, pages: Option<(u32, u32)>) -> Option<String> {
    let mut cmd = Command::new("pdftotext");
    cmd.arg("-layout");
    if let Some((f, l)) = pages {
        cmd.args(["-f", &f.to_string(), "-l", &l.to_string()]);
    }
    match cmd.arg(path).arg("-").output() {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => panic!("pdftotext failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => {
            eprintln!("SKIPPED: pdftotext not available (apt-get install poppler-utils): {e}");
            None
        }
    }
}

fn page_count(text: &str) -> usize {
    text.matches('\u{c}').count().max(1)
}

fn assert_has(text: &str, needles: &[&str]) {
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    for n in needles {
        let n: String = n.chars().filter(|c| !c.is_whitespace()).collect();
        assert!(squeezed.contains(&n), "missing {n:?} in:\n{text}");
    }
}

#[test]
fn transcript_renders_with_expected_text() {
    let Some(font) = font() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let pass = save(
        dir.path(),
        "transcript.pdf",
        &transcript_pdf(&transcript(), &font).expect("render"),
    );
    let fail = save(
        dir.path(),
        "transcript-fail.pdf",
        &transcript_pdf(&failed_transcript(), &font).expect("render"),
    );
    let empty = save(
        dir.path(),
        "transcript-empty.pdf",
        &transcript_pdf(&empty_transcript(), &font).expect("render"),
    );
    let Some(text) = pdftotext(&pass, None) else {
        return;
    };
    assert_has(
        &text,
        &[
            "特种设备作业人员考试成绩单",
            "张伟",
            "理论考试",
            "实际操作考试",
            "合格",
            "某市特种设备作业人员考试中心",
        ],
    );
    assert_has(
        &text,
        &[
            HASH,
            "110105********0012",
            "Q2(限桥式起重机)",
            "第 1 页 / 共 1 页",
            "2026-11-23 16:05",
        ],
    );
    assert_has(&text, &["考试机构（盖章）", "基础知识", "24", "80%"]);
    assert_eq!(
        page_count(&text),
        1,
        "transcript should fit one page:\n{text}"
    );
    // Printed twice (monospaced line and API path), each extractable in one piece.
    assert!(
        text.matches(HASH).count() >= 2,
        "hash not in one piece:\n{text}"
    );
    let text = pdftotext(&fail, None).unwrap_or_default();
    assert_has(
        &text,
        &[
            "不合格（理论考试不合格，可在 2027-11-20 前补考一次）",
            "58.5",
            "未参加",
        ],
    );
    let text = pdftotext(&empty, None).unwrap_or_default();
    assert_has(&text, &["特种设备作业人员考试成绩单", "未参加", "第 1 页"]);
}

#[test]
fn session_report_renders_with_expected_text() {
    let Some(font) = font() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let report = session(35);
    let full = save(
        dir.path(),
        "session.pdf",
        &session_report_pdf(&report, &font).expect("render"),
    );
    let empty = save(
        dir.path(),
        "session-empty.pdf",
        &session_report_pdf(&session(0), &font).expect("render"),
    );
    let Some(text) = pdftotext(&full, None) else {
        return;
    };
    let pages = page_count(&text);
    assert!(
        pages >= 2,
        "35 candidates should need a second page, got {pages}"
    );
    assert_has(
        &text,
        &[
            "考试场次报告",
            "某市特种设备作业人员考试中心",
            "合格率",
            "应考人数",
            "KR-20",
        ],
    );
    assert_has(
        &text,
        &[
            "第 1 页",
            &format!("共 {pages} 页"),
            "成绩分布",
            "合格率趋势",
            "监考操作记录",
        ],
    );
    assert_has(
        &text,
        &[
            "延长时间 5 分钟",
            "强制收卷",
            "考试机构（盖章）",
            "0.874",
            "2026-11-20 09:23",
        ],
    );
    let last = candidate_name(34);
    let later = pdftotext(&full, Some((2, pages as u32))).unwrap_or_default();
    assert_has(&later, &[&last, "第 2 页"]);
    // The roster continues on a later page, with its header repeated there.
    let roster_pages = (1..=pages as u32)
        .filter(|p| {
            pdftotext(&full, Some((*p, *p)))
                .unwrap_or_default()
                .contains("身份证号")
        })
        .count();
    assert!(
        roster_pages >= 2,
        "roster header should repeat on every roster page"
    );
    let text = pdftotext(&empty, None).unwrap_or_default();
    assert_has(
        &text,
        &["考试场次报告", "合格率", "无成绩数据", "第 1 页 / 共 1 页"],
    );
    assert!(
        !text.contains("合格率趋势"),
        "a single trend point draws no chart"
    );
    assert!(!text.contains("NaN"));
}

#[test]
fn hostile_input_does_not_panic() {
    let Some(font) = font() else { return };
    let mut t = transcript();
    t.candidate_name = "名".repeat(300);
    t.employer = "x".repeat(2000);
    t.overall_text = "不合格\n\t😀 🚧".repeat(40);
    t.verification_hash = "f".repeat(500);
    if let Some(p) = t.theory.as_mut() {
        p.score = f64::NAN;
        p.pass_mark = f64::INFINITY;
        p.areas = (0..60)
            .map(|i| area(&format!("分项{i}"), f64::NAN, 0.0))
            .collect();
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = transcript_pdf(&t, &font).expect("render");
    assert!(pdf.starts_with(b"%PDF"));
    save(dir.path(), "transcript-hostile.pdf", &pdf);
    let mut r = session(120);
    r.histogram.push(HistogramBin {
        label: "超长的标签文字".repeat(10),
        count: u32::MAX,
    });
    r.pass_mark = f64::NAN;
    r.areas.push(AreaMean {
        name: "零".into(),
        mean: f64::NAN,
        max: 0.0,
    });
    r.trend.push(TrendPoint {
        period: "x".repeat(100),
        sat: 0,
        passed: 5,
    });
    r.trend.push(TrendPoint {
        period: "2027".into(),
        sat: 3,
        passed: 9,
    });
    r.present = 0;
    let pdf = session_report_pdf(&r, &font).expect("render");
    assert!(pdf.starts_with(b"%PDF"));
    save(dir.path(), "session-hostile.pdf", &pdf);
}

#[test]
fn missing_configured_font_is_font_missing() {
    let p = Path::new("/nonexistent/fonts/NoSuchFont.ttc");
    match find_cjk_font(Some(p)) {
        Err(e @ PdfError::FontMissing { .. }) => {
            let msg = e.to_string();
            assert!(
                msg.contains("fonts-noto-cjk") && msg.contains("fonts-wqy-microhei"),
                "{msg}"
            );
            assert!(
                msg.contains("reports.font") && msg.contains("NoSuchFont.ttc"),
                "{msg}"
            );
            assert!(
                matches!(e, PdfError::FontMissing { searched } if searched == vec![p.to_path_buf()])
            );
        }
        other => panic!("expected FontMissing, got {other:?}"),
    }
}

#[test]
fn non_font_file_is_a_render_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("fake.ttc");
    std::fs::write(&p, b"not a font").expect("write");
    assert!(matches!(find_cjk_font(Some(&p)), Err(PdfError::Render(_))));
}

#[test]
fn every_installed_default_font_renders() {
    let installed: Vec<&str> = DEFAULT_FONT_PATHS
        .iter()
        .copied()
        .filter(|p| Path::new(p).is_file())
        .collect();
    if installed.is_empty() {
        eprintln!("SKIPPED: no CJK font installed (apt-get install fonts-noto-cjk)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for path in installed {
        let font = find_cjk_font(Some(Path::new(path))).expect("load installed font");
        if path.contains("Noto") {
            assert_eq!(font.index(), 2, "Noto CJK TTC: index 2 is the SC face");
            assert!(font.family().ends_with("SC"), "{}", font.family());
        }
        let pdf = transcript_pdf(&transcript(), &font).expect("render");
        let stem = Path::new(path)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned());
        let name = format!("transcript-font-{}.pdf", stem.unwrap_or_default());
        let file = save(dir.path(), &name, &pdf);
        if let Some(text) = pdftotext(&file, None) {
            assert_has(&text, &["特种设备作业人员考试成绩单", "张伟", HASH]);
        }
    }
}

#[test]
fn font_source_is_shareable() {
    fn assert_send_sync<T: Send + Sync + Clone>() {}
    assert_send_sync::<FontSource>();
}
