//! The page frame (top bar, nav by role, inline style) and error pages.

use actix_web::http::StatusCode;
use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::{role_zh, ConsoleError, ConsoleUser};
use crate::auth::Permission;

/// System name in the top bar and titles.
pub const SYSTEM: &str = "起重机作业人员考试系统";

const STYLE: &str = r#"
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;font-size:16px;line-height:1.5;color:#1f2933;background:#f5f7fa}
a{color:#0b5cad}
header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.5rem 1rem;background:#12355b;color:#fff}
header.top .brand{font-weight:600;font-size:1.1rem;margin-right:auto}
header.top .who{font-size:.95rem}
header.top form{margin:0}
header.top button{background:#fff;color:#12355b;border-color:#fff}
nav.main{display:flex;flex-wrap:wrap;gap:.25rem;padding:.25rem 1rem;background:#e4ebf3}
nav.main a{display:inline-flex;align-items:center;min-height:44px;padding:0 1rem;text-decoration:none;border-radius:6px;color:#12355b}
nav.main a[aria-current=page]{background:#12355b;color:#fff}
main{padding:1rem;max-width:1200px;margin:0 auto}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.card{background:#fff;border:1px solid #d9e2ec;border-radius:8px;padding:1rem;margin-bottom:1rem}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;background:#fff;border:1px solid #d9e2ec;border-radius:8px}
table{border-collapse:collapse;width:100%;min-width:600px}
th,td{text-align:left;padding:.5rem .75rem;border-bottom:1px solid #e4e7eb;vertical-align:top}
th{background:#f0f4f8;font-weight:600;white-space:nowrap}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input,select,button,.button{font:inherit;min-height:44px;padding:.4rem .75rem;border:1px solid #9aa5b1;border-radius:6px;background:#fff;color:inherit}
input,select{width:100%;max-width:28rem}
button,.button{cursor:pointer;background:#0b5cad;color:#fff;border-color:#0b5cad;display:inline-flex;align-items:center;text-decoration:none;margin-top:.75rem}
button.secondary{background:#fff;color:#0b5cad}
:focus-visible{outline:3px solid #f0a500;outline-offset:2px}
.error{color:#b42318;font-weight:600;margin:.25rem 0}
.notice{padding:.75rem 1rem;border-radius:6px;background:#fdecea;color:#b42318;border:1px solid #f5c2bd}
.badge{display:inline-block;padding:.1rem .5rem;border-radius:999px;background:#e4ebf3;white-space:nowrap}
.badge.warn{background:#fff3cd;color:#7a4f01}
.inline{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end}
.inline label{margin:0}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:0 1rem}
.muted{color:#52606d}
code,pre{font-family:ui-monospace,Consolas,monospace;font-size:.9rem;overflow-wrap:anywhere}
pre{white-space:pre-wrap;background:#f0f4f8;padding:.75rem;border-radius:6px}
h3{font-size:1.05rem;margin:1.25rem 0 .5rem}
.card.success{border-color:#8fd19e;background:#edf7ee}
.check{display:flex;align-items:center;gap:.5rem;margin:.5rem 0;min-height:44px}
.check input{width:1.25rem;height:1.25rem;min-height:0;margin:0}
.check label{margin:0;font-weight:400}
fieldset .check{display:inline-flex;margin:0 1.5rem 0 0}
fieldset{border:1px solid #d9e2ec;border-radius:8px;margin:.75rem 0;padding:.5rem 1rem}
legend{font-weight:600;padding:0 .25rem}
input[type=file]{max-width:100%}
nav.sub{display:flex;flex-wrap:wrap;gap:.25rem;margin:.25rem 0 .5rem}
nav.sub a{display:inline-flex;align-items:center;min-height:44px;padding:0 .75rem;border-radius:6px;text-decoration:none;border:1px solid #d9e2ec;background:#fff}
nav.sub a[aria-current=page]{background:#0b5cad;color:#fff;border-color:#0b5cad}
details{background:#fff;border:1px solid #d9e2ec;border-radius:8px;margin:.5rem 0;padding:0 1rem}
details[open]{padding-bottom:1rem}
summary{cursor:pointer;padding:.6rem 0;min-height:44px;font-weight:600}
.visually-hidden{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
"#;

/// A whole page: top bar with the user and 退出, nav by role, then `body`.
pub fn layout(title: &str, user: Option<&ConsoleUser>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (SYSTEM) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header.top {
                    span.brand { (SYSTEM) " · 考务控制台" }
                    @if let Some(u) = user {
                        span.who {
                            "当前用户：" (u.principal.name) "（" (role_zh(u.principal.role)) "）"
                        }
                        form method="post" action="/console/logout" {
                            input type="hidden" name="_csrf" value=(u.csrf);
                            button type="submit" { "退出" }
                        }
                    }
                }
                @if let Some(u) = user {
                    (nav(u, title))
                }
                main { (body) }
            }
        }
    }
}

fn nav(user: &ConsoleUser, title: &str) -> Markup {
    let can = |p: Permission| p.roles().contains(&user.principal.role);
    let mut links = vec![("/console", "首页")];
    if can(Permission::ViewSessions) {
        links.push(("/console/sessions", "考场"));
        links.push(("/console/candidates", "考生"));
    }
    if can(Permission::ManageBanks) {
        links.push(("/console/banks", "题库"));
    }
    if can(Permission::ViewPractical) {
        links.push(("/console/practical", "实操"));
    }
    if can(Permission::ViewReports) {
        links.push(("/console/reports", "报表"));
    }
    if can(Permission::ViewArchives) {
        links.push(("/console/archives", "存档"));
    }
    if super::admin::may_administer(user) {
        links.push(("/console/admin", "管理"));
    }
    html! {
        nav.main aria-label="主导航" {
            @for (href, label) in links {
                // Admin pages are titled `管理：…`.
                @if title == label || title.strip_prefix(label).is_some_and(|rest| rest.starts_with('：')) {
                    a href=(href) aria-current="page" { (label) }
                } @else {
                    a href=(href) { (label) }
                }
            }
        }
    }
}

/// A message next to a field, when there is one.
pub fn field_error(id: &str, message: Option<&str>) -> Markup {
    html! {
        @if let Some(m) = message {
            p.error id=(format!("{id}-error")) role="alert" { (m) }
        }
    }
}

/// An error page with `status`.
pub fn error_page(user: Option<&ConsoleUser>, status: StatusCode, message: &str) -> ConsoleError {
    let title = match status {
        StatusCode::FORBIDDEN => "无权访问",
        StatusCode::NOT_FOUND => "未找到",
        StatusCode::CONFLICT => "操作冲突",
        StatusCode::UNPROCESSABLE_ENTITY => "输入有误",
        StatusCode::SERVICE_UNAVAILABLE => "服务暂不可用",
        StatusCode::BAD_REQUEST => "请求有误",
        StatusCode::TOO_MANY_REQUESTS => "请求过多",
        _ => "出错了",
    };
    let body = html! {
        h1 { (title) }
        p.notice role="alert" { (message) }
        p { a href="/console" { "返回首页" } }
    };
    ConsoleError::Page {
        status,
        html: layout(title, user, body).into_string(),
    }
}
