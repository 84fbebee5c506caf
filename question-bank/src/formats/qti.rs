//! IMS QTI 2.1 and 3.0: one `choiceInteraction` item per question (judge questions as a
//! two-choice item, 正确/错误, never shuffled), packaged as an IMS content package (zip)
//! with `imsmanifest.xml` and an assessment test that references every item.
//!
//! Fields QTI has no place for (area, topic, difficulty, ...) travel as attributes in our
//! own namespace on the item root, which other QTI tools ignore.

use std::io::{Cursor, Read, Write};

use roxmltree::Node;
use zip::write::SimpleFileOptions;

use super::moodle::{line_of, parse_xml};
use super::{issue, points_text, to_row, xml_escape, RawRow};
use crate::bank::{BankErrors, BankHeader};
use crate::question::{Answer, Question, QuestionKind};

/// Our namespace for metadata attributes.
const CE_NS: &str = "urn:craneexam:bank:1";

/// QTI version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// QTI 2.1 (camelCase elements).
    V2p1,
    /// QTI 3.0 (`qti-` kebab-case elements).
    V3p0,
}

impl Version {
    fn item_ns(self) -> &'static str {
        match self {
            Version::V2p1 => "http://www.imsglobal.org/xsd/imsqti_v2p1",
            Version::V3p0 => "http://www.imsglobal.org/xsd/imsqtiasi_v3p0",
        }
    }

    fn resource_type(self, what: &str) -> String {
        match self {
            Version::V2p1 => format!("imsqti_{what}_xmlv2p1"),
            Version::V3p0 => format!("imsqti_{what}_xmlv3p0"),
        }
    }

    fn match_correct(self) -> &'static str {
        match self {
            Version::V2p1 => "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct",
            Version::V3p0 => {
                "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"
            }
        }
    }

    /// Element name: QTI 2.1's camelCase, or QTI 3.0's `qti-` kebab-case.
    fn el(self, name: &str) -> String {
        match self {
            Version::V2p1 => name.to_owned(),
            Version::V3p0 => format!("qti-{}", kebab(name)),
        }
    }

    /// Attribute name.
    fn at(self, name: &str) -> String {
        match self {
            Version::V2p1 => name.to_owned(),
            Version::V3p0 => kebab(name),
        }
    }
}

fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Judge questions are two-choice items with these identifiers.
const TRUE_ID: &str = "T";
const FALSE_ID: &str = "F";

/// One item document.
pub fn write_item(q: &Question, v: Version) -> String {
    let row = to_row(q);
    let (e, a) = (|n: &str| v.el(n), |n: &str| v.at(n));
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let meta: String = [
        ("kind", q.kind.code()),
        ("area", q.area.code()),
        ("topic", row.topic.as_str()),
        ("subtopic", row.subtopic.as_str()),
        ("difficulty", row.difficulty.as_str()),
        ("reference", row.reference.as_str()),
        ("scope", row.scope.as_str()),
        ("enemies", row.enemies.as_str()),
        ("explanation", row.explanation.as_str()),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!(" ce:{k}=\"{}\"", xml_escape(v)))
    .collect();
    x.push_str(&format!(
        "<{} xmlns=\"{}\" xmlns:ce=\"{CE_NS}\" identifier=\"{}\" title=\"{}\" adaptive=\"false\" {}=\"false\"{meta}>\n",
        e("assessmentItem"),
        v.item_ns(),
        xml_escape(&q.id.0),
        xml_escape(&q.id.0),
        a("timeDependent"),
    ));
    let (cardinality, keys): (&str, Vec<String>) = match q.key {
        Answer::Judge(k) => (
            "single",
            vec![if k { TRUE_ID } else { FALSE_ID }.to_owned()],
        ),
        Answer::Choice(set) => (
            if q.kind == QuestionKind::Multiple {
                "multiple"
            } else {
                "single"
            },
            set.indices()
                .map(|i| char::from(b'A' + i as u8).to_string())
                .collect(),
        ),
    };
    x.push_str(&format!(
        "  <{} identifier=\"RESPONSE\" cardinality=\"{cardinality}\" {}=\"identifier\">\n    <{}>\n",
        e("responseDeclaration"),
        a("baseType"),
        e("correctResponse")
    ));
    for k in &keys {
        x.push_str(&format!("      <{0}>{k}</{0}>\n", e("value")));
    }
    x.push_str(&format!(
        "    </{}>\n  </{}>\n",
        e("correctResponse"),
        e("responseDeclaration")
    ));
    for (id, default) in [
        ("SCORE", "0".to_owned()),
        ("MAXSCORE", points_text(q.points_tenths)),
    ] {
        x.push_str(&format!(
            "  <{od} identifier=\"{id}\" cardinality=\"single\" {bt}=\"float\">\n    <{dv}><{val}>{default}</{val}></{dv}>\n  </{od}>\n",
            od = e("outcomeDeclaration"),
            bt = a("baseType"),
            dv = e("defaultValue"),
            val = e("value"),
        ));
    }
    let max_choices = if q.kind == QuestionKind::Multiple {
        0
    } else {
        1
    };
    x.push_str(&format!(
        "  <{}>\n    <{} {}=\"RESPONSE\" shuffle=\"{}\" {}=\"{max_choices}\">\n      <{p}>{}</{p}>\n",
        e("itemBody"),
        e("choiceInteraction"),
        a("responseIdentifier"),
        q.kind != QuestionKind::Judge,
        a("maxChoices"),
        xml_escape(&q.stem),
        p = e("prompt"),
    ));
    let choices: Vec<(String, String)> = if q.kind == QuestionKind::Judge {
        vec![
            (TRUE_ID.into(), "正确".into()),
            (FALSE_ID.into(), "错误".into()),
        ]
    } else {
        q.options
            .iter()
            .enumerate()
            .map(|(i, o)| (char::from(b'A' + i as u8).to_string(), o.clone()))
            .collect()
    };
    for (id, text) in choices {
        x.push_str(&format!(
            "      <{sc} identifier=\"{id}\">{}</{sc}>\n",
            xml_escape(&text),
            sc = e("simpleChoice")
        ));
    }
    x.push_str(&format!(
        "    </{}>\n  </{}>\n  <{} template=\"{}\"/>\n</{}>\n",
        e("choiceInteraction"),
        e("itemBody"),
        e("responseProcessing"),
        v.match_correct(),
        e("assessmentItem")
    ));
    x
}

fn item_href(q: &Question) -> String {
    format!("items/{}.xml", q.id.0)
}

/// A content package: manifest, one file per item, one assessment test.
pub fn write_package(header: &BankHeader, questions: &[Question], v: Version) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = SimpleFileOptions::default();
    let (e, a) = (|n: &str| v.el(n), |n: &str| v.at(n));
    let manifest_ns = match v {
        Version::V2p1 => "http://www.imsglobal.org/xsd/imscp_v1p1",
        Version::V3p0 => "http://www.imsglobal.org/xsd/qti/qtiv3p0/imscp_v1p1",
    };
    let mut manifest = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest xmlns=\"{manifest_ns}\" identifier=\"{}\">\n  <metadata><schema>{}</schema><schemaversion>{}</schemaversion></metadata>\n  <organizations/>\n  <resources>\n",
        xml_escape(&header.id),
        match v { Version::V2p1 => "QTIv2.1 Package", Version::V3p0 => "QTI Package" },
        match v { Version::V2p1 => "1.0.0", Version::V3p0 => "3.0.0" },
    );
    let mut test = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{} xmlns=\"{}\" identifier=\"{}\" title=\"{}\">\n  <{} identifier=\"P1\" {}=\"linear\" {}=\"simultaneous\">\n    <{} identifier=\"S1\" title=\"{}\" visible=\"true\">\n",
        e("assessmentTest"),
        v.item_ns(),
        xml_escape(&header.id),
        xml_escape(&header.title),
        e("testPart"),
        a("navigationMode"),
        a("submissionMode"),
        e("assessmentSection"),
        xml_escape(&header.title),
    );
    for q in questions {
        let href = item_href(q);
        zip.start_file(&href, opts).expect("zip in memory");
        zip.write_all(write_item(q, v).as_bytes())
            .expect("zip in memory");
        manifest.push_str(&format!(
            "    <resource identifier=\"{id}\" type=\"{}\" href=\"{href}\"><file href=\"{href}\"/></resource>\n",
            v.resource_type("item"),
            id = xml_escape(&q.id.0),
        ));
        test.push_str(&format!(
            "      <{} identifier=\"{}\" href=\"../{href}\"/>\n",
            e("assessmentItemRef"),
            xml_escape(&q.id.0)
        ));
    }
    test.push_str(&format!(
        "    </{}>\n  </{}>\n</{}>\n",
        e("assessmentSection"),
        e("testPart"),
        e("assessmentTest")
    ));
    manifest.push_str(&format!(
        "    <resource identifier=\"TEST\" type=\"{}\" href=\"tests/test.xml\"><file href=\"tests/test.xml\"/></resource>\n  </resources>\n</manifest>\n",
        v.resource_type("test"),
    ));
    zip.start_file("tests/test.xml", opts)
        .expect("zip in memory");
    zip.write_all(test.as_bytes()).expect("zip in memory");
    zip.start_file("imsmanifest.xml", opts)
        .expect("zip in memory");
    zip.write_all(manifest.as_bytes()).expect("zip in memory");
    zip.finish().expect("zip in memory").into_inner()
}

/// Rows of a QTI 2.1 or 3.0 content package: items in manifest order (or, without a
/// manifest, every item file in name order). Errors name the file inside the package.
pub fn read_package(file: &str, bytes: &[u8]) -> Result<Vec<RawRow>, BankErrors> {
    let fail = |reason: String| BankErrors(vec![issue(file, 1, "-", reason)]);
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| fail(format!("不是有效的 zip 内容包: {e}")))?;
    let read =
        |archive: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str| -> Result<String, BankErrors> {
            let mut entry = archive
                .by_name(name)
                .map_err(|_| fail(format!("内容包中缺少 `{name}`")))?;
            let mut text = String::new();
            entry
                .read_to_string(&mut text)
                .map_err(|e| fail(format!("无法读取 `{name}`: {e}")))?;
            Ok(text)
        };
    let hrefs: Vec<String> = match read(&mut archive, "imsmanifest.xml") {
        Ok(manifest) => {
            let doc = parse_xml(&format!("{file}/imsmanifest.xml"), &manifest)?;
            doc.descendants()
                .filter(|n| n.has_tag_name("resource"))
                .filter(|n| {
                    n.attribute("type")
                        .is_some_and(|t| t.starts_with("imsqti_item"))
                })
                .filter_map(|n| n.attribute("href").map(str::to_owned))
                .collect()
        }
        Err(_) => {
            let mut names: Vec<String> = (0..archive.len())
                .filter_map(|i| archive.by_index(i).ok().map(|f| f.name().to_owned()))
                .filter(|n| n.ends_with(".xml"))
                .collect();
            names.sort();
            names
        }
    };
    let mut rows = Vec::new();
    for href in hrefs {
        let text = read(&mut archive, &href)?;
        rows.push(read_item(&format!("{file}/{href}"), &text)?);
    }
    Ok(rows)
}

fn find<'a, 'i>(node: Node<'a, 'i>, v: Version, name: &str) -> Option<Node<'a, 'i>> {
    let want = v.el(name);
    node.descendants().find(|n| n.tag_name().name() == want)
}

/// One QTI 2.1 or 3.0 item.
pub fn read_item(file: &str, text: &str) -> Result<RawRow, BankErrors> {
    let doc = parse_xml(file, text)?;
    let root = doc.root_element();
    let v = match root.tag_name().name() {
        "assessmentItem" => Version::V2p1,
        "qti-assessment-item" => Version::V3p0,
        other => {
            return Err(BankErrors(vec![issue(
                file,
                1,
                "-",
                format!("不是 QTI 题目：根元素为 <{other}>"),
            )]))
        }
    };
    let meta = |k: &str| root.attribute((CE_NS, k)).unwrap_or_default().to_owned();
    let mut row = RawRow {
        line: line_of(&doc, root),
        path: file.rsplit('/').next().unwrap_or(file).to_owned(),
        id: root.attribute("identifier").unwrap_or_default().to_owned(),
        area: meta("area"),
        topic: meta("topic"),
        subtopic: meta("subtopic"),
        difficulty: meta("difficulty"),
        reference: meta("reference"),
        scope: meta("scope"),
        enemies: meta("enemies"),
        explanation: meta("explanation"),
        ..RawRow::default()
    };
    let Some(interaction) = find(root, v, "choiceInteraction") else {
        row.broken = Some(("kind", "只支持选择类交互（choiceInteraction）".to_owned()));
        return Ok(row);
    };
    row.stem = find(interaction, v, "prompt")
        .map(|p| {
            p.descendants()
                .filter(|n| n.is_text())
                .filter_map(|n| n.text())
                .collect::<String>()
        })
        .unwrap_or_default()
        .trim()
        .to_owned();
    let choices: Vec<(String, String)> = interaction
        .children()
        .filter(|n| n.tag_name().name() == v.el("simpleChoice"))
        .map(|n| {
            (
                n.attribute("identifier").unwrap_or_default().to_owned(),
                n.descendants()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text())
                    .collect::<String>()
                    .trim()
                    .to_owned(),
            )
        })
        .collect();
    let keys: Vec<String> = find(root, v, "correctResponse")
        .map(|c| {
            c.children()
                .filter(|n| n.tag_name().name() == v.el("value"))
                .filter_map(|n| n.text().map(|t| t.trim().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    row.points = find(root, v, "outcomeDeclaration")
        .into_iter()
        .chain(
            root.children()
                .filter(|n| n.tag_name().name() == v.el("outcomeDeclaration")),
        )
        .find(|n| n.attribute("identifier") == Some("MAXSCORE"))
        .and_then(|n| find(n, v, "value"))
        .and_then(|n| n.text())
        .unwrap_or_default()
        .trim()
        .to_owned();
    let max_choices: u32 = interaction
        .attribute(v.at("maxChoices").as_str())
        .and_then(|m| m.parse().ok())
        .unwrap_or(1);
    let declared = meta("kind");
    let is_judge = declared == "judge"
        || (declared.is_empty()
            && choices.len() == 2
            && choices
                .iter()
                .all(|(id, _)| id == TRUE_ID || id == FALSE_ID));
    if is_judge {
        row.kind = "judge".to_owned();
        row.answer = keys.first().cloned().unwrap_or_default();
    } else {
        row.kind = if declared.is_empty() {
            if max_choices == 1 {
                "single"
            } else {
                "multiple"
            }
            .to_owned()
        } else {
            declared
        };
        row.options = choices.iter().map(|(_, t)| t.clone()).collect();
        let mut letters = String::new();
        for k in &keys {
            match choices.iter().position(|(id, _)| id == k) {
                Some(i) => letters.push(char::from(b'A' + i.min(25) as u8)),
                None => {
                    row.broken = Some((
                        "answer",
                        format!("正确答案 `{k}` 不是任何选项的 identifier"),
                    ));
                }
            }
        }
        row.answer = letters;
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{import, round_trip, Format, ImportOptions};
    use crate::subject::Subject;

    #[test]
    fn both_versions_round_trip() {
        round_trip::check(Format::Qti21, |_| {});
        round_trip::check(Format::Qti30, |_| {});
    }

    #[test]
    fn a_plain_qti21_item_without_our_metadata_imports_with_defaults() {
        let item = r#"<?xml version="1.0" encoding="UTF-8"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="choice" title="t" adaptive="false" timeDependent="false">
  <responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">
    <correctResponse><value>ChoiceB</value></correctResponse>
  </responseDeclaration>
  <itemBody>
    <choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">
      <prompt>起重机的额定起重量是指（ ）。</prompt>
      <simpleChoice identifier="ChoiceA">吊钩自重</simpleChoice>
      <simpleChoice identifier="ChoiceB">允许起吊的最大质量</simpleChoice>
    </choiceInteraction>
  </itemBody>
</assessmentItem>"#;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("item1.xml", SimpleFileOptions::default())
            .unwrap();
        zip.write_all(item.as_bytes()).unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        let mut opts = ImportOptions::new("q", Subject::Q2(None));
        let errs = import(Format::Qti21, "p.zip", &bytes, &opts).unwrap_err().0;
        assert_eq!(
            errs.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(),
            vec!["item1.xml/area", "item1.xml/topic"]
        );
        opts.area = Some(crate::Area::Basic);
        opts.topic = Some("主要参数".into());
        let q = import(Format::Qti21, "p.zip", &bytes, &opts)
            .unwrap()
            .file
            .questions
            .remove(0);
        assert_eq!(
            (q.kind, q.key.to_wire()),
            (QuestionKind::Single, "B".to_owned())
        );
    }

    #[test]
    fn qti30_items_use_kebab_case() {
        let (_, qs) = round_trip::sample();
        let x = write_item(&qs[0], Version::V3p0);
        assert!(
            x.contains("<qti-assessment-item") && x.contains("response-identifier=\"RESPONSE\""),
            "{x}"
        );
        assert!(roxmltree::Document::parse(&x).is_ok());
    }
}
