//! 题库: the current bank (pools, import history, per-subject coverage against the
//! standard blueprint), importing a file as a new version, and downloads.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use maud::{html, Markup};
use question_bank::check::{self, Coverage};
use question_bank::formats::{tabular, Format};
use question_bank::wire::{BankImportReport, BankOverview};
use question_bank::{Area, BankIssue, Blueprint};
use serde::Deserialize;

use super::fields::{checkbox, input, is_checked, select, top_error, FormErrors};
use super::sessions::all_subjects;
use super::{china_time, html_response, layout, ConsoleResult, ConsoleUser};
use crate::auth::Permission;
use crate::error::ApiError;
use crate::routes::reports::attachment;
use crate::routes::upload::{read_form, UploadForm, FORM_OVERHEAD};
use crate::service::banks::{self, ImportFailure, Upload, MAX_UPLOAD_BYTES};
use crate::service::AppState;

/// The import form's options, as typed (the file itself cannot be kept).
#[derive(Debug, Default)]
struct ImportForm {
    format: String,
    scope: String,
    area: String,
    topic: String,
    difficulty: String,
    skip_invalid: bool,
}

impl ImportForm {
    fn from_upload(form: &UploadForm) -> ImportForm {
        ImportForm {
            format: form.text("format").to_owned(),
            scope: form.text("scope").to_owned(),
            area: form.text("area").to_owned(),
            topic: form.text("topic").to_owned(),
            difficulty: form.text("difficulty").to_owned(),
            skip_invalid: is_checked(form.text("skip_invalid")),
        }
    }
}

/// What the last import did, shown above the forms.
enum Outcome {
    None,
    Imported(BankImportReport),
    Refused(Vec<BankIssue>),
}

/// A format's name on the page.
fn format_label(f: Format) -> &'static str {
    match f {
        Format::Toml => "TOML",
        Format::Xlsx => "Excel 模板 (.xlsx)",
        Format::Csv => "CSV",
        Format::MoodleXml => "Moodle XML",
        Format::Gift => "GIFT",
        Format::Aiken => "Aiken",
        Format::Qti21 => "QTI 2.1 (.zip)",
        Format::Qti30 => "QTI 3.0 (.zip)",
    }
}

/// The form field an import error belongs to.
fn field_of(code: &str) -> Option<&'static str> {
    Some(match code {
        "invalid_format" => "format",
        "invalid_subject" => "scope",
        "invalid_area" => "area",
        "invalid_difficulty" => "difficulty",
        "empty_file" | "missing_file" | "file_too_large" => "file",
        _ => return None,
    })
}

fn summary_card(o: &BankOverview) -> Markup {
    html! {
        div.card {
            p { "当前题库版本：" code { (o.version) } "，共 " strong { (o.question_count) } " 道题。" }
            p { a href="#import" { "导入题库" } " · " a href="#downloads" { "导出与模板" } " · "
                a href="#coverage" { "各科目覆盖情况" } " · " a href="#history" { "导入记录" } }
        }
    }
}

fn history_section(o: &BankOverview) -> Markup {
    html! {
        h2 id="history" { "导入记录（题库版本）" }
        div.table-wrap { table {
            thead { tr {
                th scope="col" { "时间（北京时间）" } th scope="col" { "文件" } th scope="col" { "格式" }
                th scope="col" { "新增" } th scope="col" { "替换" } th scope="col" { "跳过" }
                th scope="col" { "导入人" } th scope="col" { "生成版本" }
            } }
            tbody {
                @for i in &o.imports { tr {
                    td { (china_time(i.imported_at)) }
                    td { (i.file_name) }
                    td { (i.format) }
                    td { (i.added) } td { (i.replaced) } td { (i.skipped) }
                    td { (i.imported_by) }
                    td {
                        code { (i.version) } " "
                        a href=(format!("/console/banks/export?format=xlsx&version={}", i.version)) {
                            "导出此版本" span.visually-hidden { "（Excel）" }
                        }
                    }
                } }
                @if o.imports.is_empty() {
                    tr { td colspan="8" { span.muted { "尚未导入过题库，当前使用系统内置题库" } } }
                }
            }
        } }
    }
}

/// Per subject: its pool size (as `GET /api/v1/banks` reports it) and its coverage table,
/// open when a cell falls short.
fn coverage_section(state: &AppState, o: &BankOverview) -> Markup {
    let bank = state.catalog.current();
    let subjects = check::subjects(&bank);
    html! {
        h2 id="coverage" { "各科目题量与覆盖情况（对照标准组卷方案）" }
        p.muted { "每份试卷按标准方案抽题（基础 30%、安全 50%、法规 20%；判断 40、单选 50、多选 10）。题量少于每卷所需的单元无法组卷。" }
        @for subject in subjects {
            @let cov = Coverage::of(&bank, &Blueprint::standard(subject));
            @let pool = o.pools.iter().find(|(code, _)| *code == subject.code()).map_or(0, |(_, n)| *n);
            @let short = cov.rows.iter().filter(|r| r.total() < usize::from(r.needed)).count();
            details open[short > 0] {
                summary {
                    (subject.name_zh()) "：" (pool) " 道 "
                    @if short > 0 { span.badge.warn { (short) " 个单元不足" } }
                    @else { span.badge { "可组卷" } }
                }
                p { "平均难度 " (format!("{:.2}", cov.mean_difficulty))
                    "，曝光率下限 " (format!("{:.2}", cov.exposure_floor)) }
                div.table-wrap { table {
                    caption.visually-hidden { (subject.name_zh()) " 各单元题量" }
                    thead { tr {
                        th scope="col" { "知识领域" } th scope="col" { "题型" }
                        @for d in 1..=5 { th scope="col" { "难度 " (d) } }
                        th scope="col" { "题量" } th scope="col" { "每卷需要" } th scope="col" { "状况" }
                    } }
                    tbody { @for r in &cov.rows { tr {
                        td { (r.area.name_zh()) } td { (r.kind.name_zh()) }
                        @for n in r.by_difficulty { td { (n) } }
                        td { strong { (r.total()) } }
                        td { (r.needed) }
                        td {
                            @if r.needed == 0 { span.muted { "不抽取" } }
                            @else if r.total() >= usize::from(r.needed) { span.badge { "足够" } }
                            @else { span.badge.warn { "不足" } }
                        }
                    } } }
                } }
                @let warnings = cov.warnings();
                @if !warnings.is_empty() {
                    ul { @for w in &warnings { li.error { (w) } } }
                }
            }
        }
    }
}

fn outcome_section(outcome: &Outcome) -> Markup {
    match outcome {
        Outcome::None => html! {},
        Outcome::Imported(r) => html! {
            section.card.success role="status" aria-labelledby="import-result" {
                h2 id="import-result" { "导入成功" }
                p { "文件 " strong { (r.file_name) } "（" (r.format) "）已导入为新的题库版本 " code { (r.version) }
                    "（原版本 " code { (r.previous_version) } "）。" }
                p { "新增 " strong { (r.added) } " 道，替换 " strong { (r.replaced) } " 道，跳过 "
                    strong { (r.skipped.len()) } " 行；新版本共 " strong { (r.question_count) } " 道题。" }
                @if !r.skipped.is_empty() {
                    h3 { "跳过的行" }
                    ul { @for s in &r.skipped { li { code { (s) } } } }
                }
                @if !r.warnings.is_empty() {
                    h3 { "质量提示" }
                    ul { @for w in &r.warnings { li { (w) } } }
                }
            }
        },
        Outcome::Refused(issues) => html! {
            section.card role="alert" aria-labelledby="import-errors" {
                h2 id="import-errors" { "导入失败：文件有 " (issues.len()) " 处错误，未导入任何题目" }
                p { "请修改文件后重新上传；题库没有任何变化。" }
                div.table-wrap { table {
                    thead { tr {
                        th scope="col" { "文件" } th scope="col" { "行" } th scope="col" { "字段（列）" }
                        th scope="col" { "原因" }
                    } }
                    tbody { @for i in issues.iter() { tr {
                        td { (i.file) }
                        td { (i.line) }
                        td { (i.field) @if let Some(c) = i.column { "（第 " (c) " 列）" } }
                        td { (i.reason) }
                    } } }
                } }
            }
        },
    }
}

fn import_form(user: &ConsoleUser, form: &ImportForm, errors: &FormErrors) -> Markup {
    let formats: Vec<(String, String)> =
        std::iter::once((String::new(), "按文件扩展名识别".to_owned()))
            .chain(
                Format::ALL
                    .into_iter()
                    .map(|f| (f.code().to_owned(), format_label(f).to_owned())),
            )
            .collect();
    let scopes: Vec<(String, String)> = all_subjects()
        .into_iter()
        .map(|s| (s.code(), s.name_zh()))
        .collect();
    let areas: Vec<(String, String)> = std::iter::once((String::new(), "不指定".to_owned()))
        .chain(
            Area::ALL
                .into_iter()
                .map(|a| (a.code().to_owned(), a.name_zh().to_owned())),
        )
        .collect();
    let difficulties: Vec<(String, String)> = std::iter::once((String::new(), "不指定".to_owned()))
        .chain((1..=5).map(|d| (d.to_string(), d.to_string())))
        .collect();
    let file_error = errors.get("file");
    html! {
        h2 id="import" { "导入题库" }
        form.card method="post" action="/console/banks/import" enctype="multipart/form-data" {
            input type="hidden" name="_csrf" value=(user.csrf);
            (top_error(errors))
            p.muted { "支持 Excel 模板 (.xlsx)、CSV、Moodle XML、GIFT、Aiken、QTI 2.1/3.0 (.zip)、TOML。"
                "文件中有任何错误时不导入任何题目（除非勾选“跳过错误行”）。导入后生成新的题库版本，已安排的场次仍使用原版本。" }
            div {
                label for="bank-file" { "题库文件" }
                input id="bank-file" name="file" type="file" required
                    accept=".xlsx,.csv,.xml,.gift,.txt,.aiken,.zip,.toml"
                    aria-invalid=[file_error.map(|_| "true")]
                    aria-describedby=[file_error.map(|_| "bank-file-error")];
                (super::layout::field_error("bank-file", file_error))
            }
            div.grid {
                (select("bank", "format", "文件格式", &formats, &form.format, errors))
                (select("bank", "scope", "适用科目（文件未注明时）", &scopes, &form.scope, errors))
                (select("bank", "area", "知识领域（文件未注明时）", &areas, &form.area, errors))
                (input("bank", "topic", "知识点（文件未注明时）", "text", &form.topic, errors))
                (select("bank", "difficulty", "难度（文件未注明时）", &difficulties, &form.difficulty, errors))
            }
            (checkbox("bank", "skip_invalid", "跳过错误行，只导入正确的题目", form.skip_invalid))
            button type="submit" { "导入" }
        }
    }
}

fn downloads() -> Markup {
    html! {
        h2 id="downloads" { "导出与模板" }
        p {
            @for f in Format::ALL.into_iter().filter(|f| f.can_export()) {
                a.button.secondary href=(format!("/console/banks/export?format={}", f.code())) {
                    "导出 " (format_label(f))
                } " "
            }
        }
        p { a href="/console/banks/template" { "下载 Excel 题库模板（含各列说明）" } }
    }
}

async fn render(
    state: &AppState,
    user: &ConsoleUser,
    form: &ImportForm,
    errors: &FormErrors,
    outcome: &Outcome,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    let overview = banks::overview(state).await.map_err(|e| user.fail(e))?;
    let body = html! {
        h1 { "题库" }
        (outcome_section(outcome))
        (summary_card(&overview))
        (import_form(user, form, errors))
        (downloads())
        (coverage_section(state, &overview))
        (history_section(&overview))
    };
    Ok(html_response(
        status,
        layout("题库", Some(user), body).into_string(),
    ))
}

/// `GET /console/banks`.
pub async fn page(user: ConsoleUser, state: web::Data<AppState>) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ManageBanks)?;
    let form = ImportForm {
        scope: "Q1".to_owned(),
        ..ImportForm::default()
    };
    render(
        &state,
        &user,
        &form,
        &FormErrors::default(),
        &Outcome::None,
        StatusCode::OK,
    )
    .await
}

/// `POST /console/banks/import` (multipart): a new bank version, or the file's errors as
/// a table with nothing changed.
pub async fn import(
    user: ConsoleUser,
    state: web::Data<AppState>,
    body: Multipart,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ManageBanks)?;
    let mut errors = FormErrors::default();
    let upload = match read_form(body, MAX_UPLOAD_BYTES + FORM_OVERHEAD).await {
        Ok(upload) => upload,
        Err(e @ ApiError::Invalid { .. }) => {
            errors.put(&e, field_of);
            let form = ImportForm {
                scope: "Q1".to_owned(),
                ..ImportForm::default()
            };
            return render(
                &state,
                &user,
                &form,
                &errors,
                &Outcome::None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(_) => return Err(super::bad_request()),
    };
    user.check_csrf(upload.text("_csrf"))?;
    let form = ImportForm::from_upload(&upload);
    let file = upload.file.unwrap_or_default();
    if file.name.is_empty() && file.bytes.is_empty() {
        errors.set("file", "请选择要导入的题库文件");
        return render(
            &state,
            &user,
            &form,
            &errors,
            &Outcome::None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let text = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
    let request = Upload {
        file_name: file.name,
        bytes: file.bytes,
        format: text(&form.format),
        scope: text(&form.scope),
        area: text(&form.area),
        topic: text(&form.topic),
        difficulty: text(&form.difficulty),
        skip_invalid: form.skip_invalid,
    };
    let (outcome, status) =
        match banks::import_bank_itemised(&state, &user.principal, request).await {
            Ok(report) => (Outcome::Imported(report), StatusCode::OK),
            Err(ImportFailure::Rows(issues)) => {
                (Outcome::Refused(issues), StatusCode::UNPROCESSABLE_ENTITY)
            }
            Err(ImportFailure::Other(e)) if e.status_code().is_client_error() => {
                let status = e.status_code();
                if status == StatusCode::FORBIDDEN || status == StatusCode::UNAUTHORIZED {
                    return Err(user.fail(e));
                }
                errors.put(&e, field_of);
                (Outcome::None, status)
            }
            Err(ImportFailure::Other(e)) => return Err(user.fail(e)),
        };
    render(&state, &user, &form, &errors, &outcome, status).await
}

/// `?format=&version=` of an export.
#[derive(Debug, Default, Deserialize)]
pub struct ExportParams {
    #[serde(default)]
    format: String,
    #[serde(default)]
    version: String,
}

/// `GET /console/banks/export?format=…[&version=…]`.
pub async fn export(
    user: ConsoleUser,
    state: web::Data<AppState>,
    params: web::Query<ExportParams>,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ManageBanks)?;
    let version = Some(params.version.trim()).filter(|v| !v.is_empty());
    let (bytes, format, name) = banks::export_bank(&state, params.format.trim(), version)
        .await
        .map_err(|e| user.fail(e))?;
    Ok(attachment(bytes, format.mime(), name))
}

/// `GET /console/banks/template`: the empty Excel template.
pub async fn template(user: ConsoleUser) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ManageBanks)?;
    Ok(attachment(
        tabular::template_xlsx(),
        Format::Xlsx.mime(),
        "craneexam-bank-template.xlsx".to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn option_errors_land_on_their_fields() {
        let mut errors = FormErrors::default();
        errors.put(
            &ApiError::invalid("invalid_area", "知识领域 `x` 无效"),
            field_of,
        );
        errors.put(
            &ApiError::conflict("bank_changed", "题库已被其他导入更新"),
            field_of,
        );
        assert_eq!(errors.get("area"), Some("知识领域 `x` 无效"));
        assert_eq!(errors.top.as_deref(), Some("题库已被其他导入更新"));
    }
}
