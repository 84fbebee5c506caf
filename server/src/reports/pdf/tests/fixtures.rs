//! Realistic and degenerate inputs for the rendering tests.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::super::*;

pub(super) fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub(super) fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

pub(super) const HASH: &str = "3f9a1c2be4d5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f";

pub(super) fn area(name: &str, earned: f64, max: f64) -> AreaLine {
    AreaLine {
        name: name.into(),
        earned,
        max,
    }
}

pub(super) fn transcript() -> Transcript {
    Transcript {
        institution_name: "某市特种设备作业人员考试中心".into(),
        institution_code: "TS3201001".into(),
        authority_code: "SJ3201".into(),
        candidate_name: "张伟".into(),
        id_number_masked: "110105********0012".into(),
        gender: "男".into(),
        employer: "某市重型机械制造有限公司第二装配车间（桥式起重机班组）".into(),
        subject_name: "Q2(限桥式起重机)".into(),
        batch: "2026年第11批".into(),
        exam_date: day(2026, 11, 20),
        theory: Some(PartScore {
            score: 86.0,
            pass_mark: 70.0,
            passed: true,
            absent: false,
            date: day(2026, 11, 20),
            areas: vec![
                area("基础知识", 24.0, 30.0),
                area("安全技术与法规", 27.5, 30.0),
                area("起重机械结构与操作", 34.5, 40.0),
            ],
        }),
        practical: Some(PartScore {
            score: 92.0,
            pass_mark: 70.0,
            passed: true,
            absent: false,
            date: day(2026, 11, 21),
            areas: vec![
                area("吊运作业", 55.0, 60.0),
                area("指挥信号识别", 37.0, 40.0),
            ],
        }),
        overall_passed: true,
        overall_text: "合格".into(),
        verification_hash: HASH.into(),
        issued_at: at("2026-11-23T08:05:00Z"),
    }
}

pub(super) fn failed_transcript() -> Transcript {
    let mut t = transcript();
    if let Some(p) = t.theory.as_mut() {
        p.score = 58.5;
        p.passed = false;
        p.areas = vec![
            area("基础知识", 18.0, 30.0),
            area("安全技术与法规", 17.5, 30.0),
            area("起重机械结构与操作", 23.0, 40.0),
        ];
    }
    t.practical = None;
    t.overall_passed = false;
    t.overall_text = "不合格（理论考试不合格，可在 2027-11-20 前补考一次）".into();
    t
}

pub(super) fn empty_transcript() -> Transcript {
    Transcript {
        institution_name: String::new(),
        institution_code: String::new(),
        authority_code: String::new(),
        candidate_name: String::new(),
        id_number_masked: String::new(),
        gender: String::new(),
        employer: String::new(),
        subject_name: String::new(),
        batch: String::new(),
        exam_date: day(2026, 1, 1),
        theory: None,
        practical: None,
        overall_passed: false,
        overall_text: String::new(),
        verification_hash: String::new(),
        issued_at: at("2026-01-01T00:00:00Z"),
    }
}

pub(super) const SURNAMES: [&str; 12] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙",
];
pub(super) const GIVEN: [&str; 12] = [
    "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "勇", "军", "杰", "涛",
];

pub(super) fn candidate_name(i: usize) -> String {
    format!(
        "{}{}{}",
        SURNAMES[i % 12],
        GIVEN[(i * 5) % 12],
        GIVEN[(i * 7 + 3) % 12]
    )
}

pub(super) fn session(candidates: usize) -> SessionReport {
    let rows: Vec<ReportRow> = (0..candidates)
        .map(|i| {
            let absent = i % 11 == 5;
            let score = (!absent).then(|| 48.0 + ((i * 37) % 52) as f64);
            ReportRow {
                seat: format!("A{:02}", i + 1),
                name: candidate_name(i),
                id_number_masked: format!("3201{:02}********{:04}", i % 90, 1000 + i * 37),
                status: if absent {
                    "缺考".into()
                } else {
                    "已交卷".into()
                },
                score,
                passed: score.is_some_and(|s| s >= 70.0),
            }
        })
        .collect();
    let scores: Vec<f64> = rows.iter().filter_map(|r| r.score).collect();
    let mut histogram: Vec<HistogramBin> = (0..10)
        .map(|b| HistogramBin {
            label: if b == 9 {
                "90-100".into()
            } else {
                format!("{}-{}", b * 10, b * 10 + 9)
            },
            count: 0,
        })
        .collect();
    for s in &scores {
        let b = ((*s as usize) / 10).min(9);
        if let Some(bin) = histogram.get_mut(b) {
            bin.count += 1;
        }
    }
    let present = scores.len() as u32;
    let passed = rows.iter().filter(|r| r.passed).count() as u32;
    let t0 = at("2026-11-20T01:00:00Z");
    let full = candidates > 0;
    SessionReport {
        institution_name: "某市特种设备作业人员考试中心".into(),
        title: "2026年第11批 Q2(限桥式起重机) 理论考试（上午场）".into(),
        subject_name: "Q2(限桥式起重机)".into(),
        batch: "2026年第11批".into(),
        exam_date: day(2026, 11, 20),
        kind: "理论考试".into(),
        registered: candidates as u32,
        present,
        absent: candidates as u32 - present,
        passed,
        pass_mark: 70.0,
        mean: full.then_some(74.3),
        sd: full.then_some(12.46),
        median: full.then_some(75.0),
        min: full.then_some(48.0),
        max: full.then_some(99.0),
        kr20: full.then_some(0.874),
        histogram: if full { histogram } else { Vec::new() },
        areas: if full {
            vec![
                AreaMean {
                    name: "基础知识".into(),
                    mean: 22.4,
                    max: 30.0,
                },
                AreaMean {
                    name: "安全技术与法规".into(),
                    mean: 24.1,
                    max: 30.0,
                },
                AreaMean {
                    name: "起重机械结构与操作".into(),
                    mean: 27.8,
                    max: 40.0,
                },
            ]
        } else {
            Vec::new()
        },
        candidates: rows,
        actions: if full {
            vec![
                ActionRow {
                    at: t0,
                    actor: "监考员 李明".into(),
                    action: "开考".into(),
                    target: "全场".into(),
                    reason: "考试开始".into(),
                },
                ActionRow {
                    at: t0 + Duration::minutes(23),
                    actor: "监考员 李明".into(),
                    action: "延长时间 5 分钟".into(),
                    target: format!("A07 {}", candidate_name(6)),
                    reason:
                        "考生终端断电重启，经主考批准补足耽误的作答时间，相关情况已记录在监考日志中"
                            .into(),
                },
                ActionRow {
                    at: t0 + Duration::minutes(95),
                    actor: "主考 王建国".into(),
                    action: "强制收卷".into(),
                    target: format!("A12 {}", candidate_name(11)),
                    reason: "考试时间到".into(),
                },
            ]
        } else {
            Vec::new()
        },
        trend: if full {
            [
                ("2026-05", 41, 30),
                ("2026-07", 38, 29),
                ("2026-09", 44, 35),
                ("2026-11", present, passed),
            ]
            .into_iter()
            .map(|(p, sat, passed)| TrendPoint {
                period: p.into(),
                sat,
                passed,
            })
            .collect()
        } else {
            vec![TrendPoint {
                period: "2026-11".into(),
                sat: 0,
                passed: 0,
            }]
        },
        generated_at: at("2026-11-23T08:05:00Z"),
    }
}
