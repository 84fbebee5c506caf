//! Moodle XML: `multichoice` (single or multiple) and `truefalse` questions. Categories
//! map to topics (`$course$/top/<area>/<topic>`); our other fields travel as tags
//! (`difficulty:3`, `scope:Q2-bridge`, ...) so an export reads back unchanged.

use roxmltree::{Document, Node};

use super::{category_path, issue, points_text, to_row, xml_escape, RawRow};
use crate::bank::BankErrors;
use crate::question::{Answer, Question, QuestionKind};

/// Parse XML; a syntax error names the file and line.
pub(crate) fn parse_xml<'a>(file: &str, text: &'a str) -> Result<Document<'a>, BankErrors> {
    Document::parse(text).map_err(|e| {
        BankErrors(vec![issue(
            file,
            e.pos().row as usize,
            "-",
            format!("XML 格式错误: {e}"),
        )])
    })
}

pub(crate) fn line_of(doc: &Document, node: Node) -> usize {
    doc.text_pos_at(node.range().start).row as usize
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name(name))
}

/// Text of `<name><text>…</text></name>`, HTML reduced to plain text when the element
/// says `format="html"` (Moodle's default).
fn text_of(node: Node, name: &str) -> String {
    let Some(el) = child(node, name) else {
        return String::new();
    };
    let text = child(el, "text")
        .and_then(|t| t.text())
        .unwrap_or_default()
        .to_owned();
    if el
        .attribute("format")
        .is_none_or(|f| f == "html" || f == "moodle_auto_format")
    {
        strip_html(&text)
    } else {
        text
    }
}

/// Plain text of a small HTML fragment: tags dropped, common entities decoded.
pub(crate) fn strip_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
        .trim()
        .to_owned()
}

/// Rows of a Moodle XML `<quiz>`.
pub fn read(file: &str, text: &str) -> Result<Vec<RawRow>, BankErrors> {
    let doc = parse_xml(file, text)?;
    let quiz = doc.root_element();
    if !quiz.has_tag_name("quiz") {
        return Err(BankErrors(vec![issue(
            file,
            1,
            "-",
            format!("根元素应为 <quiz>，收到 <{}>", quiz.tag_name().name()),
        )]));
    }
    let mut rows = Vec::new();
    let (mut area, mut topic) = (String::new(), String::new());
    for (i, q) in quiz
        .children()
        .filter(|c| c.has_tag_name("question"))
        .enumerate()
    {
        let kind = q.attribute("type").unwrap_or_default();
        if kind == "category" {
            let path = child(q, "category")
                .and_then(|c| child(c, "text"))
                .and_then(|t| t.text())
                .unwrap_or_default();
            (area, topic) = category_path(path);
            continue;
        }
        let mut row = RawRow {
            line: line_of(&doc, q),
            path: format!("question[{}]", i + 1),
            // Moodle names are free text; only an id-shaped name is kept as the id.
            id: Some(text_of(q, "name"))
                .filter(|n| super::is_question_id(n))
                .unwrap_or_default(),
            stem: text_of(q, "questiontext"),
            explanation: text_of(q, "generalfeedback"),
            points: child(q, "defaultgrade")
                .and_then(|g| g.text())
                .unwrap_or_default()
                .trim()
                .to_owned(),
            area: area.clone(),
            topic: topic.clone(),
            ..RawRow::default()
        };
        if let Some(tags) = child(q, "tags") {
            for tag in tags.children().filter(|t| t.has_tag_name("tag")) {
                let t = child(tag, "text")
                    .and_then(|t| t.text())
                    .unwrap_or_default();
                if let Some((k, v)) = t.split_once(':') {
                    let v = v.trim().to_owned();
                    match k.trim() {
                        "area" => row.area = v,
                        "topic" => row.topic = v,
                        "subtopic" => row.subtopic = v,
                        "difficulty" => row.difficulty = v,
                        "reference" => row.reference = v,
                        "scope" => row.scope = v,
                        "enemies" => row.enemies = v,
                        _ => {}
                    }
                }
            }
        }
        let answers: Vec<(f64, String)> = q
            .children()
            .filter(|c| c.has_tag_name("answer"))
            .map(|a| {
                let fraction = a
                    .attribute("fraction")
                    .and_then(|f| f.trim().parse().ok())
                    .unwrap_or(0.0);
                let text = child(a, "text").and_then(|t| t.text()).unwrap_or_default();
                let text = if a.attribute("format") == Some("html") {
                    strip_html(text)
                } else {
                    text.trim().to_owned()
                };
                (fraction, text)
            })
            .collect();
        match kind {
            "truefalse" => {
                row.kind = "judge".to_owned();
                row.answer = answers
                    .iter()
                    .find(|(f, _)| *f > 0.0)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default();
            }
            "multichoice" => {
                let single = child(q, "single")
                    .and_then(|s| s.text())
                    .is_none_or(|s| s.trim() != "false");
                row.kind = if single { "single" } else { "multiple" }.to_owned();
                row.options = answers.iter().map(|(_, t)| t.clone()).collect();
                row.answer = answers
                    .iter()
                    .enumerate()
                    .filter(|(_, (f, _))| *f > 0.0)
                    .map(|(i, _)| char::from(b'A' + i.min(25) as u8))
                    .collect();
            }
            other => {
                row.broken = Some((
                    "kind",
                    format!("不支持的 Moodle 题型 `{other}`（只支持 truefalse、multichoice）"),
                ))
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

/// A Moodle XML quiz: one category per area/topic, then its questions.
pub fn write(questions: &[Question]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<quiz>\n");
    let mut category = String::new();
    for q in questions {
        let path = format!("$course$/top/{}/{}", q.area.name_zh(), q.topic);
        if path != category {
            out.push_str(&format!(
                "  <question type=\"category\">\n    <category><text>{}</text></category>\n  </question>\n",
                xml_escape(&path)
            ));
            category = path;
        }
        let row = to_row(q);
        let kind = match q.kind {
            QuestionKind::Judge => "truefalse",
            _ => "multichoice",
        };
        out.push_str(&format!("  <question type=\"{kind}\">\n"));
        out.push_str(&format!(
            "    <name><text>{}</text></name>\n",
            xml_escape(&q.id.0)
        ));
        out.push_str(&format!(
            "    <questiontext format=\"plain_text\"><text>{}</text></questiontext>\n",
            xml_escape(&q.stem)
        ));
        out.push_str(&format!(
            "    <generalfeedback format=\"plain_text\"><text>{}</text></generalfeedback>\n",
            xml_escape(&q.explanation)
        ));
        out.push_str(&format!(
            "    <defaultgrade>{}</defaultgrade>\n    <penalty>0</penalty>\n    <hidden>0</hidden>\n",
            points_text(q.points_tenths)
        ));
        match q.key {
            Answer::Judge(key) => {
                for (value, correct) in [("true", key), ("false", !key)] {
                    out.push_str(&format!(
                        "    <answer fraction=\"{}\" format=\"moodle_auto_format\"><text>{value}</text></answer>\n",
                        if correct { 100 } else { 0 }
                    ));
                }
            }
            Answer::Choice(set) => {
                out.push_str(&format!(
                    "    <single>{}</single>\n    <shuffleanswers>true</shuffleanswers>\n    <answernumbering>ABCD</answernumbering>\n",
                    q.kind == QuestionKind::Single
                ));
                let share = 100.0 / set.len() as f64;
                for (i, o) in q.options.iter().enumerate() {
                    let fraction = if set.contains(i) {
                        format!("{share:.5}")
                    } else if q.kind == QuestionKind::Multiple {
                        "-100".to_owned()
                    } else {
                        "0".to_owned()
                    };
                    out.push_str(&format!(
                        "    <answer fraction=\"{}\" format=\"plain_text\"><text>{}</text></answer>\n",
                        fraction.trim_end_matches('0').trim_end_matches('.'),
                        xml_escape(o)
                    ));
                }
            }
        }
        out.push_str("    <tags>\n");
        for (k, v) in [
            ("area", q.area.code()),
            ("difficulty", row.difficulty.as_str()),
            ("subtopic", row.subtopic.as_str()),
            ("reference", row.reference.as_str()),
            ("scope", row.scope.as_str()),
            ("enemies", row.enemies.as_str()),
        ] {
            if !v.is_empty() {
                out.push_str(&format!(
                    "      <tag><text>{}</text></tag>\n",
                    xml_escape(&format!("{k}:{v}"))
                ));
            }
        }
        out.push_str("    </tags>\n  </question>\n");
    }
    out.push_str("</quiz>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{import, round_trip, Format, ImportOptions};
    use crate::question::Area;
    use crate::subject::Subject;

    #[test]
    fn round_trips() {
        round_trip::check(Format::MoodleXml, |_| {});
    }

    #[test]
    fn reads_a_moodle_export_with_html_and_unsupported_types() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/起重机/安全知识/钢丝绳</text></category></question>
  <question type="multichoice">
    <name><text>钢丝绳报废</text></name>
    <questiontext format="html"><text><![CDATA[<p>钢丝绳出现下列（&nbsp;）情况应报废。</p>]]></text></questiontext>
    <single>false</single>
    <answer fraction="50"><text>整股断裂</text></answer>
    <answer fraction="50"><text>绳芯挤出</text></answer>
    <answer fraction="-100"><text>表面有油</text></answer>
  </question>
  <question type="essay"><name><text>论述</text></name><questiontext><text>x</text></questiontext></question>
</quiz>"#;
        let opts = ImportOptions::new("m", Subject::Q2(None));
        let errs = import(Format::MoodleXml, "m.xml", xml.as_bytes(), &opts)
            .unwrap_err()
            .0;
        // The essay is not a supported type.
        let fields: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(fields, vec![(12, "question[3]/kind")], "{errs:#?}");
        let opts = ImportOptions {
            skip_invalid: true,
            ..opts
        };
        let got = import(Format::MoodleXml, "m.xml", xml.as_bytes(), &opts).unwrap();
        let q = &got.file.questions[0];
        assert_eq!(q.id.0, "M-0001", "a free-text name is not an id");
        assert_eq!(q.stem, "钢丝绳出现下列（ ）情况应报废。");
        assert_eq!(
            (q.area, q.topic.as_str(), q.key.to_wire()),
            (Area::Safety, "钢丝绳", "AB".to_owned())
        );
        assert_eq!(q.kind, QuestionKind::Multiple);
        assert_eq!(got.skipped.len(), 1);
    }
}
