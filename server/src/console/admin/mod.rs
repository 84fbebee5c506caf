//! 管理: staff accounts, the institution profile, its compliance with the annex, exam
//! terminals and assessors. Each page checks the same permission as its API endpoint;
//! examiners and certifiers see the institution pages read-only, as the API lets them.

mod assessors;
mod compliance;
mod institution;
mod terminals;
mod users;

pub use assessors::{assessors_page, register_assessor};
pub use compliance::compliance_page;
pub use institution::{institution_page, save_institution};
pub use terminals::{add_terminal, terminals_page};
pub use users::{create_user, users_page};

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use maud::{html, Markup};

use super::{html_response, layout, ConsoleResult, ConsoleUser};
use crate::auth::Permission;
use crate::error::ApiError;

/// One page of the admin section.
struct Section {
    href: &'static str,
    label: &'static str,
    about: &'static str,
    permission: Permission,
}

const SECTIONS: [Section; 5] = [
    Section {
        href: "/console/admin/users",
        label: "账号",
        about: "系统管理员、考务人员、考评员和发证机关的登录账号。",
        permission: Permission::ManageUsers,
    },
    Section {
        href: "/console/admin/institution",
        label: "机构信息",
        about: "机构名称与代码、专职人员、实操场地、设备和指挥信号用具。",
        permission: Permission::ViewInstitution,
    },
    Section {
        href: "/console/admin/compliance",
        label: "合规检查",
        about: "对照《起重机操作人员考试机构基本要求》逐条检查。",
        permission: Permission::ViewInstitution,
    },
    Section {
        href: "/console/admin/terminals",
        label: "考试终端",
        about: "已登记的理论考试机位（至少 10 台）。",
        permission: Permission::ViewInstitution,
    },
    Section {
        href: "/console/admin/assessors",
        label: "考评员",
        about: "考评员资格（实践、教学年限，职称，备案）与登录账号。",
        permission: Permission::ViewInstitution,
    },
];

fn may(user: &ConsoleUser, p: Permission) -> bool {
    p.roles().contains(&user.principal.role)
}

/// Whether the user may open any admin page (the nav shows 管理 then).
pub fn may_administer(user: &ConsoleUser) -> bool {
    SECTIONS.iter().any(|s| may(user, s.permission))
}

/// The admin pages this user may open, `current` marked.
fn subnav(user: &ConsoleUser, current: &str) -> Markup {
    html! {
        nav.sub aria-label="管理页面" {
            @for s in SECTIONS.iter().filter(|s| may(user, s.permission)) {
                @if s.label == current {
                    a href=(s.href) aria-current="page" { (s.label) }
                } @else {
                    a href=(s.href) { (s.label) }
                }
            }
        }
    }
}

/// An admin page: title `管理：{label}`, the sub-nav, then `body`.
fn admin_page(
    user: &ConsoleUser,
    label: &str,
    status: StatusCode,
    body: Markup,
) -> ConsoleResult<HttpResponse> {
    let title = format!("管理：{label}");
    let body = html! {
        (subnav(user, label))
        h1 { (label) }
        (body)
    };
    Ok(html_response(
        status,
        layout(&title, Some(user), body).into_string(),
    ))
}

/// A notice that the last action succeeded.
fn saved_notice(text: Option<&str>) -> Markup {
    html! {
        @if let Some(t) = text {
            p.card.success role="status" { (t) }
        }
    }
}

/// `GET /console/admin`: the admin pages this role may open.
pub async fn hub(user: ConsoleUser) -> ConsoleResult<HttpResponse> {
    if !may_administer(&user) {
        return Err(user.fail(ApiError::Forbidden));
    }
    let body = html! {
        h1 { "管理" }
        div.grid {
            @for s in SECTIONS.iter().filter(|s| may(&user, s.permission)) {
                div.card {
                    h2 { a href=(s.href) { (s.label) } }
                    p { (s.about) }
                }
            }
        }
    };
    Ok(html_response(
        StatusCode::OK,
        layout("管理", Some(&user), body).into_string(),
    ))
}
