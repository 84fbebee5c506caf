use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use chrono::{NaiveDate, TimeZone, Utc};
use roxmltree::Document;

use super::qti_results::ncname;
use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn score(points: f64, passed: bool) -> PartResult {
    PartResult::Score { points, passed }
}

/// A file inside an .xlsx (a zip), as text.
fn zip_text(xlsx: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(xlsx)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// One passed, one theory-absent, one with the practical not taken (a theory retake).
fn fixture() -> Vec<SummaryRow> {
    let base = SummaryRow {
        institution_code: "JG3201".into(),
        authority_code: "TJ3201".into(),
        batch: "2024-05".into(),
        exam_date: date(2024, 5, 10),
        name: "张三".into(),
        gender: "男".into(),
        id_number: "320102197511150049".into(),
        employer: "南京港机工程有限公司".into(),
        item_code: "Q2".into(),
        item_name: "起重机司机".into(),
        limitation: "桥式起重机".into(),
        theory: score(92.5, true),
        practical: score(85.0, true),
        passed: true,
        record_hash: "9f86d081884c7d65".into(),
    };
    vec![
        base.clone(),
        SummaryRow {
            name: "李娜".into(),
            gender: "女".into(),
            id_number: "11010519491231002X".into(),
            employer: "北京建工集团,第三分公司".into(),
            item_code: "Q1".into(),
            item_name: "起重机指挥".into(),
            limitation: String::new(),
            theory: PartResult::Absent,
            practical: score(60.0, false),
            passed: false,
            record_hash: "2c26b46b68ffc68f".into(),
            ..base.clone()
        },
        SummaryRow {
            exam_date: date(2024, 5, 11),
            name: "王五".into(),
            id_number: "440301198001011256".into(),
            employer: "深圳\"鹏程\"吊装公司".into(),
            limitation: "门式起重机".into(),
            theory: score(88.0, true),
            practical: PartResult::NotTaken,
            record_hash: "fcde2b2edba56bf4".into(),
            ..base
        },
    ]
}

#[test]
fn summary_csv_is_exact() {
    let csv = summary_csv(&fixture());
    assert!(csv.starts_with(b"\xEF\xBB\xBF"), "BOM");
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    let expected = "考试机构代码,发证机关代码,批次,考试日期,姓名,性别,身份证号,工作单位,作业项目代码,作业项目,限定范围,理论成绩,实操成绩,考试结论,核验码\r\n\
        JG3201,TJ3201,2024-05,2024-05-10,张三,男,320102197511150049,南京港机工程有限公司,Q2,起重机司机,桥式起重机,92.5,85.0,合格,9f86d081884c7d65\r\n\
        JG3201,TJ3201,2024-05,2024-05-10,李娜,女,11010519491231002X,\"北京建工集团,第三分公司\",Q1,起重机指挥,,缺考,60.0,不合格,2c26b46b68ffc68f\r\n\
        JG3201,TJ3201,2024-05,2024-05-11,王五,男,440301198001011256,\"深圳\"\"鹏程\"\"吊装公司\",Q2,起重机司机,门式起重机,88.0,,合格,fcde2b2edba56bf4\r\n";
    assert_eq!(text, expected);
}

#[test]
fn summary_csv_of_no_rows_is_the_header() {
    let csv = summary_csv(&[]);
    let header: Vec<&str> = SUMMARY_COLUMNS.iter().map(|(_, zh)| *zh).collect();
    assert_eq!(
        csv[3..],
        format!("{}\r\n", header.join(",")).into_bytes()[..]
    );
}

#[test]
fn summary_totals_count_rows_and_rate() {
    assert_eq!(
        summary_totals(&fixture()),
        "合计 3 人，合格 2 人，合格率 66.7%"
    );
    assert_eq!(summary_totals(&[]), "合计 0 人，合格 0 人，合格率 0.0%");
}

#[test]
fn summary_row_json_tags_part_results() {
    let row = &fixture()[1];
    let json = serde_json::to_value(row).unwrap();
    assert_eq!(json["exam_date"], "2024-05-10");
    assert_eq!(json["theory"], serde_json::json!({ "status": "absent" }));
    assert_eq!(
        json["practical"],
        serde_json::json!({ "status": "score", "points": 60.0, "passed": false })
    );
    let back: SummaryRow = serde_json::from_value(json).unwrap();
    assert_eq!(&back, row);
}

#[test]
fn summary_xlsx_round_trips_values_and_keeps_id_numbers_as_text() {
    let rows = fixture();
    let bytes = summary_xlsx(&rows, "2024年5月起重机作业人员考试结果汇总表").unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(&bytes)).unwrap();
    assert_eq!(book.sheet_names(), vec!["汇总报表".to_owned()]);
    let range = book.worksheet_range("汇总报表").unwrap();
    let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let s = |v: &str| Data::String(v.to_owned());

    assert_eq!(cell(0, 0), s("2024年5月起重机作业人员考试结果汇总表"));
    for (c, (_, zh)) in SUMMARY_COLUMNS.iter().enumerate() {
        assert_eq!(cell(1, c as u32), s(zh));
    }
    // Data rows start at row 2; text cells read back as the CSV shows them.
    let csv = String::from_utf8(summary_csv(&rows)[3..].to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for (i, record) in reader.records().enumerate() {
        let record = record.unwrap();
        let r = i as u32 + 2;
        for (c, (key, _)) in SUMMARY_COLUMNS.iter().enumerate() {
            let got = cell(r, c as u32);
            match (*key, &got) {
                ("exam_date", Data::DateTime(d)) => {
                    let serial = (rows[i].exam_date - date(1899, 12, 30)).num_days() as f64;
                    assert_eq!(d.as_f64(), serial);
                }
                ("theory" | "practical", Data::Float(f)) => {
                    assert_eq!(format!("{f:.1}"), record[c]);
                }
                (_, Data::Empty) => assert_eq!(&record[c], "", "row {r} {key}"),
                (_, Data::String(v)) => assert_eq!(v, &record[c], "row {r} {key}"),
                _ => panic!("row {r} {key}: unexpected {got:?}"),
            }
        }
    }
    // The all-digit ID numbers are strings, not 3.2E+17.
    assert_eq!(cell(2, 6), s("320102197511150049"));
    assert_eq!(cell(4, 6), s("440301198001011256"));
    assert_eq!(cell(2, 11), Data::Float(92.5));
    assert_eq!(cell(3, 11), s("缺考"));
    assert_eq!(cell(4, 12), Data::Empty);
    assert_eq!(cell(5, 0), s("合计 3 人，合格 2 人，合格率 66.7%"));

    // Layout: merged title and totals, frozen below the header, autofilter on the header.
    let sheet = zip_text(&bytes, "xl/worksheets/sheet1.xml");
    for needle in [
        "<mergeCell ref=\"A1:O1\"/>",
        "<mergeCell ref=\"A6:O6\"/>",
        "<autoFilter ref=\"A2:O5\"/>",
        "ySplit=\"2\" topLeftCell=\"A3\"",
    ] {
        assert!(sheet.contains(needle), "{needle} in {sheet}");
    }
    let styles = zip_text(&bytes, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"0.0\""), "{styles}");
}

#[test]
fn summary_xlsx_of_no_rows_still_has_header_and_totals() {
    let bytes = summary_xlsx(&[], "空").unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range("汇总报表").unwrap();
    assert_eq!(
        range.get_value((2, 0)),
        Some(&Data::String("合计 0 人，合格 0 人，合格率 0.0%".into()))
    );
}

fn qti_input() -> QtiResultInput {
    let item =
        |i: u32, multiple: bool, correct: &[&str], response: &[&str], score: f64| QtiItemResult {
            identifier: format!("Q2-SAF-{i:04}"),
            sequence_index: i,
            multiple,
            correct: correct.iter().map(|s| (*s).to_owned()).collect(),
            response: response.iter().map(|s| (*s).to_owned()).collect(),
            score,
            max_score: 1.0,
        };
    QtiResultInput {
        institution_code: "JG3201".into(),
        candidate_id: "20240510001".into(),
        id_number_masked: "320102********0049".into(),
        session_identifier: "S-2024-05-10-AM".into(),
        test_identifier: "Q2-v3 <draft> & \"final\"".into(),
        datestamp: Utc.with_ymd_and_hms(2024, 5, 10, 3, 30, 0).unwrap(),
        completed: true,
        score: 85.5,
        max_score: 100.0,
        pass_mark: 70.0,
        passed: true,
        items: vec![
            item(1, false, &["T"], &["T"], 1.0),
            item(2, true, &["A", "C"], &["A", "C"], 0.1 + 0.2),
            item(3, false, &["B"], &[], 0.0),
        ],
    }
}

fn children<'a, 'i>(n: roxmltree::Node<'a, 'i>, name: &str) -> Vec<roxmltree::Node<'a, 'i>> {
    n.children().filter(|c| c.has_tag_name(name)).collect()
}

fn outcome_value(n: roxmltree::Node, id: &str) -> Option<String> {
    let v = children(n, "outcomeVariable")
        .into_iter()
        .find(|o| o.attribute("identifier") == Some(id))
        .unwrap_or_else(|| panic!("no outcome {id}"));
    children(v, "value")
        .first()
        .map(|v| v.text().unwrap_or("").to_owned())
}

#[test]
fn qti_result_parses_with_namespace_items_and_responses() {
    let xml = qti_result_xml(&qti_input());
    let doc = Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert!(root.has_tag_name((QTI_RESULT_NS, "assessmentResult")));
    let order: Vec<&str> = root
        .children()
        .filter(|c| c.is_element())
        .map(|c| c.tag_name().name())
        .collect();
    assert_eq!(
        order,
        [
            "context",
            "testResult",
            "itemResult",
            "itemResult",
            "itemResult"
        ]
    );

    let context = children(root, "context")[0];
    assert_eq!(context.attribute("sourcedId"), Some("_20240510001"));
    let ids: Vec<(&str, &str)> = children(context, "sessionIdentifier")
        .iter()
        .map(|s| {
            (
                s.attribute("sourceID").unwrap(),
                s.attribute("identifier").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("urn:craneexam:institution", "JG3201"),
            ("urn:craneexam:ticket", "_20240510001"),
            ("urn:craneexam:id-number-masked", "_320102________0049"),
            ("urn:craneexam:session", "S-2024-05-10-AM"),
        ]
    );

    let test = children(root, "testResult")[0];
    assert_eq!(
        test.attribute("identifier"),
        Some("Q2-v3__draft_____final_")
    );
    assert_eq!(test.attribute("datestamp"), Some("2024-05-10T03:30:00Z"));
    assert_eq!(outcome_value(test, "SCORE").as_deref(), Some("85.5"));
    assert_eq!(outcome_value(test, "MAXSCORE").as_deref(), Some("100"));
    assert_eq!(outcome_value(test, "PASS").as_deref(), Some("true"));
    assert_eq!(
        outcome_value(test, "completionStatus").as_deref(),
        Some("completed")
    );

    let items = children(root, "itemResult");
    let response = |i: usize, which: &str| -> Vec<String> {
        let rv = children(items[i], "responseVariable")[0];
        children(children(rv, which)[0], "value")
            .iter()
            .map(|v| v.text().unwrap().to_owned())
            .collect()
    };
    assert_eq!(items[1].attribute("identifier"), Some("Q2-SAF-0002"));
    assert_eq!(items[1].attribute("sequenceIndex"), Some("2"));
    assert_eq!(items[1].attribute("sessionStatus"), Some("final"));
    let rv = children(items[1], "responseVariable")[0];
    assert_eq!(rv.attribute("cardinality"), Some("multiple"));
    assert_eq!(rv.attribute("baseType"), Some("identifier"));
    assert_eq!(response(1, "correctResponse"), ["A", "C"]);
    assert_eq!(response(1, "candidateResponse"), ["A", "C"]);
    assert_eq!(outcome_value(items[1], "SCORE").as_deref(), Some("0.3"));
    assert_eq!(response(0, "candidateResponse"), ["T"]);
    // Unanswered: the key is there, the candidate's response is empty.
    assert_eq!(response(2, "correctResponse"), ["B"]);
    assert!(response(2, "candidateResponse").is_empty());
    assert!(xml.contains("<candidateResponse/>"));
}

#[test]
fn qti_result_of_an_absent_candidate_has_no_items_and_no_score() {
    let input = QtiResultInput {
        completed: false,
        score: 0.0,
        passed: true, // contradictory input: absent still counts as failed
        ..qti_input()
    };
    let xml = qti_result_xml(&input);
    let doc = Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert!(children(root, "itemResult").is_empty());
    let test = children(root, "testResult")[0];
    assert_eq!(outcome_value(test, "SCORE"), None);
    assert_eq!(outcome_value(test, "PASS").as_deref(), Some("false"));
    assert_eq!(
        outcome_value(test, "completionStatus").as_deref(),
        Some("not_attempted")
    );
}

#[test]
fn ncname_makes_identifiers_valid() {
    assert_eq!(ncname("Q2-SAF-0001"), "Q2-SAF-0001");
    assert_eq!(ncname("20240510001"), "_20240510001");
    assert_eq!(ncname("a b:<c>"), "a_b__c_");
    assert_eq!(ncname(""), "_");
    assert_eq!(ncname("考场1"), "___1");
}
