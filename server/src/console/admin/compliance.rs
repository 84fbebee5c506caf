//! 管理：合规检查 — the institution against the annex, rule by rule
//! (`GET /api/v1/institution/compliance`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::html;

use super::super::{ConsoleResult, ConsoleUser};
use super::admin_page;
use crate::auth::Permission;
use crate::service::{institution, AppState};

/// `GET /console/admin/compliance`.
pub async fn compliance_page(
    user: ConsoleUser,
    state: web::Data<AppState>,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewInstitution)?;
    let c = institution::compliance(&state.store)
        .await
        .map_err(|e| user.fail(e))?;
    let failed = c.report.rules.iter().filter(|r| !r.passed).count();
    let body = html! {
        div.card {
            p { "机构：" @if c.institution.is_empty() { span.muted { "（未填写机构名称）" } } @else { strong { (c.institution) } } }
            p { "核查日期：" (c.date.format("%Y年%m月%d日")) }
            @if c.report.passed {
                p { span.badge { "全部符合" } }
            } @else {
                p { span.badge.warn { "有 " (failed) " 项不符合" } }
            }
        }
        div.table-wrap { table {
            caption.visually-hidden { "考试机构基本条件逐条核查" }
            thead { tr {
                th scope="col" { "要求" } th scope="col" { "现有" } th scope="col" { "应达到" }
                th scope="col" { "结果" }
            } }
            tbody { @for r in &c.report.rules { tr {
                td { (r.description_zh) }
                td { (r.figure) }
                td { (r.required) }
                td { @if r.passed { span.badge { "符合" } } @else { span.badge.warn { "不符合" } } }
            } } }
        } }
        p.muted {
            "数据来自 " a href="/console/admin/institution" { "机构信息" } "、"
            a href="/console/admin/terminals" { "考试终端" } " 和 "
            a href="/console/admin/assessors" { "考评员" } "；考评员须资格有效且已备案才计入。"
        }
    };
    admin_page(&user, "合规检查", StatusCode::OK, body)
}
