//! IMS QTI 3.0 Results Reporting: one `assessmentResult` document per candidate and subject,
//! for exchanging theory results with other QTI tools.
//!
//! Layout, in the order the 1EdTech result schema (`imsqti_resultv3p0_v1p0.xsd`) requires:
//! `context` (candidate and session identifiers), one `testResult` (SCORE, MAXSCORE, PASS,
//! completionStatus), then one `itemResult` per question.
//!
//! Every identifier the schema types as `NCName` (sourcedId, identifiers, identifier values)
//! goes through [`ncname`]: a ticket number like `20240501001` starts with a digit and a
//! masked ID number contains `*`, neither of which is a valid NCName.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::formats::xml_escape;

/// Namespace of QTI 3.0 Results Reporting documents (distinct from the item/test namespace
/// `imsqtiasi_v3p0`).
pub const QTI_RESULT_NS: &str = "http://www.imsglobal.org/xsd/imsqti_result_v3p0";

/// Where the schema lives, for `xsi:schemaLocation`.
const QTI_RESULT_XSD: &str =
    "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_resultv3p0_v1p0.xsd";

/// One candidate's theory result for one subject.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QtiResultInput {
    /// 考试机构代码.
    pub institution_code: String,
    /// 准考证号: the candidate's identifier (`context/@sourcedId`).
    pub candidate_id: String,
    /// Masked ID number, e.g. `110101********1234`.
    pub id_number_masked: String,
    /// The delivery session's identifier.
    pub session_identifier: String,
    /// The test's identifier, e.g. subject code plus bank version prefix.
    pub test_identifier: String,
    /// When the result was finalised (every datestamp in the document).
    pub datestamp: DateTime<Utc>,
    /// Whether the candidate sat the test; `false` = 缺考.
    pub completed: bool,
    /// Points scored.
    pub score: f64,
    /// Points available.
    pub max_score: f64,
    /// Pass mark, reported as SCORE's `masteryValue`.
    pub pass_mark: f64,
    /// Whether the test was passed.
    pub passed: bool,
    /// The questions, in the order to report them.
    pub items: Vec<QtiItemResult>,
}

/// One question of a candidate's paper.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QtiItemResult {
    /// The bank's question id.
    pub identifier: String,
    /// Position on the paper, from 1.
    pub sequence_index: u32,
    /// Multiple-response (多选题): cardinality `multiple`, else `single`.
    pub multiple: bool,
    /// The key: option labels `A`..`F`, or `T` / `F` for a judge question.
    pub correct: Vec<String>,
    /// The candidate's answer in the same labels; empty when unanswered.
    pub response: Vec<String>,
    /// Points scored.
    pub score: f64,
    /// Points available.
    pub max_score: f64,
}

/// Map any text to a valid XML `NCName`: characters other than ASCII letters, digits, `-`,
/// `.` and `_` become `_`, and `_` is prefixed unless the text starts with a letter or `_`
/// (so `20240501001` → `_20240501001`, `110101****1234` → `_110101____1234`).
pub fn ncname(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    if !s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.push('_');
    }
    out.extend(s.chars().map(|c| {
        if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
            c
        } else {
            '_'
        }
    }));
    out
}

/// An NCName attribute value, escaped (a no-op today, kept so a looser [`ncname`] stays safe).
fn id(s: &str) -> String {
    xml_escape(&ncname(s))
}

/// An `xs:double` without locale or float noise: `85`, `1.5`, `INF`, `NaN`.
fn xs_double(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "INF" } else { "-INF" }.to_owned();
    }
    // Scores come in tenths; rounding to 1e-6 hides sums like 0.1 + 0.2.
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        "0".to_owned()
    } else {
        format!("{r}")
    }
}

/// A single-valued outcome variable; `None` leaves it NULL (no `<value>`).
fn outcome(x: &mut String, indent: &str, name: &str, base: &str, extra: &str, v: Option<&str>) {
    let open = format!(
        "{indent}<outcomeVariable identifier=\"{name}\" cardinality=\"single\" baseType=\"{base}\"{extra}"
    );
    match v {
        Some(v) => x.push_str(&format!(
            "{open}>\n{indent}  <value>{}</value>\n{indent}</outcomeVariable>\n",
            xml_escape(v)
        )),
        None => x.push_str(&format!("{open}/>\n")),
    }
}

fn values(x: &mut String, indent: &str, element: &str, vals: &[String]) {
    let vals: Vec<&String> = vals.iter().filter(|v| !v.trim().is_empty()).collect();
    if vals.is_empty() {
        x.push_str(&format!("{indent}<{element}/>\n"));
        return;
    }
    x.push_str(&format!("{indent}<{element}>\n"));
    for v in vals {
        x.push_str(&format!("{indent}  <value>{}</value>\n", id(v.trim())));
    }
    x.push_str(&format!("{indent}</{element}>\n"));
}

/// A candidate's result as a QTI 3.0 `assessmentResult` document.
///
/// `context/@sourcedId` is the ticket number; `sessionIdentifier`s carry the institution
/// (`urn:craneexam:institution`), ticket (`urn:craneexam:ticket`), masked ID number
/// (`urn:craneexam:id-number-masked`) and delivery session (`urn:craneexam:session`).
/// SCORE carries `normalMinimum` 0, `normalMaximum` and the pass mark as `masteryValue`.
///
/// An absent candidate (`completed == false`) gets completionStatus `not_attempted`, a NULL
/// SCORE (缺考 is not a score of 0), PASS `false` (absent counts as failed) and no
/// `itemResult` at all: no paper was presented, and the schema asks for item results only for
/// presented items. Items are written in the given order; blank response values are dropped.
pub fn qti_result_xml(r: &QtiResultInput) -> String {
    let stamp = r.datestamp.to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut x = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    x.push_str(&format!(
        "<assessmentResult xmlns=\"{QTI_RESULT_NS}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"{QTI_RESULT_NS} {QTI_RESULT_XSD}\">\n"
    ));
    x.push_str(&format!(
        "  <context sourcedId=\"{}\">\n",
        id(&r.candidate_id)
    ));
    for (source, value) in [
        ("institution", &r.institution_code),
        ("ticket", &r.candidate_id),
        ("id-number-masked", &r.id_number_masked),
        ("session", &r.session_identifier),
    ] {
        x.push_str(&format!(
            "    <sessionIdentifier sourceID=\"urn:craneexam:{source}\" identifier=\"{}\"/>\n",
            id(value)
        ));
    }
    x.push_str("  </context>\n");
    x.push_str(&format!(
        "  <testResult identifier=\"{}\" datestamp=\"{stamp}\">\n",
        id(&r.test_identifier)
    ));
    let score_attrs = format!(
        " normalMinimum=\"0\" normalMaximum=\"{}\" masteryValue=\"{}\"",
        xs_double(r.max_score),
        xs_double(r.pass_mark)
    );
    let score = r.completed.then(|| xs_double(r.score));
    let ind = "    ";
    outcome(
        &mut x,
        ind,
        "SCORE",
        "float",
        &score_attrs,
        score.as_deref(),
    );
    outcome(
        &mut x,
        ind,
        "MAXSCORE",
        "float",
        "",
        Some(&xs_double(r.max_score)),
    );
    let pass = if r.passed && r.completed {
        "true"
    } else {
        "false"
    };
    outcome(&mut x, ind, "PASS", "boolean", "", Some(pass));
    let status = if r.completed {
        "completed"
    } else {
        "not_attempted"
    };
    outcome(
        &mut x,
        ind,
        "completionStatus",
        "identifier",
        "",
        Some(status),
    );
    x.push_str("  </testResult>\n");
    for item in r.items.iter().filter(|_| r.completed) {
        x.push_str(&format!(
            "  <itemResult identifier=\"{}\" sequenceIndex=\"{}\" datestamp=\"{stamp}\" sessionStatus=\"final\">\n",
            id(&item.identifier),
            item.sequence_index
        ));
        let cardinality = if item.multiple { "multiple" } else { "single" };
        x.push_str(&format!(
            "    <responseVariable identifier=\"RESPONSE\" cardinality=\"{cardinality}\" baseType=\"identifier\">\n"
        ));
        // correctResponse needs at least one value when present.
        if item.correct.iter().any(|v| !v.trim().is_empty()) {
            values(&mut x, "      ", "correctResponse", &item.correct);
        }
        values(&mut x, "      ", "candidateResponse", &item.response);
        x.push_str("    </responseVariable>\n");
        let max = format!(
            " normalMinimum=\"0\" normalMaximum=\"{}\"",
            xs_double(item.max_score)
        );
        outcome(
            &mut x,
            ind,
            "SCORE",
            "float",
            &max,
            Some(&xs_double(item.score)),
        );
        outcome(
            &mut x,
            ind,
            "MAXSCORE",
            "float",
            "",
            Some(&xs_double(item.max_score)),
        );
        x.push_str("  </itemResult>\n");
    }
    x.push_str("</assessmentResult>\n");
    x
}
