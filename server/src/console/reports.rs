//! `GET /console/reports` (statistics + download links) and the cookie-authenticated
//! downloads that reuse the report services.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use maud::{html, Markup};
use question_bank::id_number::masked;
use serde::Deserialize;

use super::layout::field_error;
use super::sessions::all_subjects;
use super::{html_response, layout, ConsoleResult, ConsoleUser};
use crate::auth::Permission;
use crate::error::ApiError;
use crate::routes::reports::attachment;
use crate::service::reports::{summary_file, SummaryFormat};
use crate::service::statistics::{statistics, StatsQuery};
use crate::service::{documents, sessions, AppState};

/// Report filters as typed (dates are checked here, so a bad one is shown, not a 400).
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    batch: String,
    #[serde(default)]
    format: String,
}

fn date(raw: &str) -> Result<Option<NaiveDate>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| ())
}

impl Filters {
    /// The statistics query, or (field, message) of the first bad date.
    fn query(&self) -> Result<StatsQuery, (&'static str, &'static str)> {
        let from = date(&self.from).map_err(|_| ("from", "日期格式应为 YYYY-MM-DD"))?;
        let to = date(&self.to).map_err(|_| ("to", "日期格式应为 YYYY-MM-DD"))?;
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(StatsQuery {
            from,
            to,
            subject: text(&self.subject),
            batch: text(&self.batch),
            ..StatsQuery::default()
        })
    }

    /// The filters as a query string (without `format`).
    fn query_string(&self) -> String {
        [
            ("from", &self.from),
            ("to", &self.to),
            ("subject", &self.subject),
            ("batch", &self.batch),
        ]
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("&{k}={}", encode(v.trim())))
        .collect()
    }
}

/// Percent-encode a query value.
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn subject_select(id: &str, selected: &str, any: bool) -> Markup {
    html! {
        select id=(id) name="subject" {
            @if any { option value="" { "全部科目" } }
            @for s in all_subjects() {
                option value=(s.code()) selected[s.code() == selected] { (s.name_zh()) }
            }
        }
    }
}

fn filter_form(f: &Filters, error: Option<(&str, &str)>) -> Markup {
    let err = |field: &str| error.filter(|(f, _)| *f == field).map(|(_, m)| m);
    html! {
        form.card method="get" action="/console/reports" {
            div.grid {
                div { label for="from" { "开始日期" }
                    input id="from" name="from" type="date" value=(f.from);
                    (field_error("from", err("from"))) }
                div { label for="to" { "结束日期" }
                    input id="to" name="to" type="date" value=(f.to);
                    (field_error("to", err("to"))) }
                div { label for="filter-subject" { "科目" } (subject_select("filter-subject", &f.subject, true)) }
                div { label for="batch" { "批次" } input id="batch" name="batch" type="text" value=(f.batch); }
            }
            button type="submit" { "查询" }
        }
    }
}

fn percent(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_owned(), |r| format!("{:.1}%", r * 100.0))
}

/// `GET /console/reports`.
pub async fn page(
    user: ConsoleUser,
    state: web::Data<AppState>,
    filters: web::Query<Filters>,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewReports)?;
    let (stats, error) = match filters.query() {
        Ok(q) => match statistics(&state, &q).await {
            Ok(s) => (Some(s), None),
            Err(e @ ApiError::Invalid { .. }) => (None, Some(("from", super::message(&e)))),
            Err(e) => return Err(user.fail(e)),
        },
        Err((field, m)) => (None, Some((field, m.to_owned()))),
    };
    let list = sessions::list_sessions(&state)
        .await
        .map_err(|e| user.fail(e))?;
    let qs = filters.query_string();
    let body = html! {
        h1 { "报表" }
        (filter_form(&filters, error.as_ref().map(|(f, m)| (*f, m.as_str()))))
        h2 { "统计（已封存成绩）" }
        @if let Some(s) = &stats {
            div.table-wrap { table {
                thead { tr {
                    th scope="col" { "科目" } th scope="col" { "部分" } th scope="col" { "人次" }
                    th scope="col" { "缺考" } th scope="col" { "合格" } th scope="col" { "合格率" }
                    th scope="col" { "平均分" }
                } }
                tbody {
                    @for g in &s.groups { tr {
                        td { (g.subject_name) }
                        td { @if g.part == "theory" { "理论" } @else if g.part == "practical" { "实操" } @else { (g.part) } }
                        td { (g.records) } td { (g.absent) } td { (g.passed) }
                        td { (percent(g.pass_rate)) }
                        td { (g.mean_score.map_or_else(|| "—".to_owned(), |m| format!("{m:.1}"))) }
                    } }
                    @if s.groups.is_empty() { tr { td colspan="7" { span.muted { "所选范围内暂无已封存成绩" } } } }
                }
            } }
        }
        h2 { "汇总报表" }
        p {
            a.button href=(format!("/console/download/summary?format=csv{qs}")) { "下载 CSV" } " "
            a.button href=(format!("/console/download/summary?format=xlsx{qs}")) { "下载 Excel" }
        }
        h2 { "考试场次报告" }
        p.muted { "仅已封存的场次可下载。" }
        div.table-wrap { table {
            thead { tr { th scope="col" { "场次" } th scope="col" { "科目" } th scope="col" { "下载" } } }
            tbody { @for s in &list { tr {
                td { (s.title) }
                td { (s.subject_name) }
                td {
                    a href=(format!("/console/download/session/{}?format=pdf", s.id)) { "PDF" } " · "
                    a href=(format!("/console/download/session/{}?format=xlsx", s.id)) { "Excel" }
                }
            } } }
        } }
        h2 { "成绩单" }
        form.card method="get" action="/console/download/transcript" {
            div.grid {
                div { label for="id_number" { "身份证号" }
                    input id="id_number" name="id_number" type="text" required maxlength="18"
                        autocomplete="off"; }
                div { label for="transcript-subject" { "科目" } (subject_select("transcript-subject", "", false)) }
            }
            button type="submit" { "下载成绩单（PDF）" }
        }
    };
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(html_response(
        status,
        layout("报表", Some(&user), body).into_string(),
    ))
}

fn bad_format(user: &ConsoleUser, allowed: &str) -> super::ConsoleError {
    user.fail(ApiError::invalid(
        "invalid_format",
        format!("格式只能是 {allowed}"),
    ))
}

/// `GET /console/download/summary?format=csv|xlsx&...`.
pub async fn summary(
    user: ConsoleUser,
    state: web::Data<AppState>,
    filters: web::Query<Filters>,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewReports)?;
    let format = match filters.format.as_str() {
        "" | "csv" => SummaryFormat::Csv,
        "xlsx" => SummaryFormat::Xlsx,
        _ => return Err(bad_format(&user, "csv 或 xlsx")),
    };
    let query = filters
        .query()
        .map_err(|(_, m)| user.fail(ApiError::invalid("invalid_date", m)))?;
    let (bytes, content_type, name) = summary_file(&state, &query, format)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(attachment(bytes, content_type, name))
}

/// `?format=` of a session report.
#[derive(Debug, Default, Deserialize)]
pub struct FormatParam {
    #[serde(default)]
    format: String,
}

/// `GET /console/download/session/{id}?format=pdf|xlsx`.
pub async fn session_report(
    user: ConsoleUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    params: web::Query<FormatParam>,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewReports)?;
    let id = id.into_inner();
    let result = match params.format.as_str() {
        "" | "pdf" => documents::session_report_pdf(&state, id)
            .await
            .map(|b| attachment(b, "application/pdf", format!("考试场次报告_{id}.pdf"))),
        "xlsx" => documents::session_report_xlsx(&state, id).await.map(|b| {
            attachment(
                b,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                format!("考试场次报告_{id}.xlsx"),
            )
        }),
        _ => return Err(bad_format(&user, "pdf 或 xlsx")),
    };
    result.map_err(|e| user.fail(e))
}

/// Whose 成绩单.
#[derive(Debug, Default, Deserialize)]
pub struct TranscriptParams {
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    subject: String,
}

/// `GET /console/download/transcript?id_number=&subject=`.
pub async fn transcript(
    user: ConsoleUser,
    state: web::Data<AppState>,
    params: web::Query<TranscriptParams>,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewReports)?;
    let id_number = params.id_number.trim().to_ascii_uppercase();
    let subject = params.subject.trim();
    let pdf = documents::transcript(&state, &id_number, subject)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(attachment(
        pdf,
        "application/pdf",
        format!("成绩单_{subject}_{}.pdf", masked(&id_number)),
    ))
}
