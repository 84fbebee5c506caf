//! `GET /console/archives`: signing keys, the number of sealed records, and how a
//! certification body pulls and verifies them.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use maud::html;

use super::{html_response, layout, ConsoleResult, ConsoleUser};
use crate::auth::Permission;
use crate::service::{archive, AppState};

/// `GET /console/archives`.
pub async fn page(user: ConsoleUser, state: web::Data<AppState>) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewArchives)?;
    let keys = archive::keys(&state).await.map_err(|e| user.fail(e))?;
    let sealed = archive::sealed_count(&state)
        .await
        .map_err(|e| user.fail(e))?;
    let current = keys
        .iter()
        .find(|k| k.current)
        .map_or("<公钥>", |k| k.public_key.as_str());
    let body = html! {
        h1 { "存档" }
        div.card {
            p { "已封存记录：" strong { (sealed) } " 条" }
            p.muted { "记录一经封存不可更改；每条记录以 SHA-256 链接前一条并由机构密钥（Ed25519）签名。" }
        }
        h2 { "签名公钥" }
        div.table-wrap { table {
            thead { tr { th scope="col" { "密钥编号" } th scope="col" { "公钥（hex）" }
                th scope="col" { "算法" } th scope="col" { "状态" } } }
            tbody { @for k in &keys { tr {
                td { code { (k.key_id) } }
                td { code { (k.public_key) } }
                td { (k.algorithm) }
                td { @if k.current { span.badge { "当前" } } @else { span.muted { "历史" } } }
            } } }
        } }
        h2 { "发证机关如何获取" }
        p { "使用发证机关账号的令牌，按游标分页拉取已封存记录；保存每页返回的 "
            code { "next_cursor" } "，下次以 " code { "after=" } " 续取，每条记录恰好取得一次：" }
        pre { "GET /api/v1/archives?after=<next_cursor>&limit=100\nAuthorization: Bearer <令牌>" }
        h2 { "如何离线核验" }
        p { "导出存档包后，用上面的公钥核验签名、哈希链并按题库版本重新评分：" }
        pre { "exam-server archive verify --bundle archive.zip --public-key " (current) }
    };
    Ok(html_response(
        StatusCode::OK,
        layout("存档", Some(&user), body).into_string(),
    ))
}
