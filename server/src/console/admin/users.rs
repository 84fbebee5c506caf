//! 管理：账号 — staff accounts (admin only, as `GET/POST /api/v1/users`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use maud::{html, Markup};
use question_bank::wire::{CreateUserRequest, Role, UserView};
use serde::Deserialize;

use super::super::fields::{input, select, top_error, FormErrors};
use super::super::{role_zh, see_other, ConsoleResult, ConsoleUser};
use super::{admin_page, saved_notice};
use crate::auth::Permission;
use crate::service::{users, AppState};

/// Roles an account may be given here (candidates sign in with their ticket).
const STAFF_ROLES: [Role; 4] = [Role::Examiner, Role::Assessor, Role::Certifier, Role::Admin];

/// The new-account form, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct UserForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

/// `?created=` after a successful POST.
#[derive(Debug, Default, Deserialize)]
pub struct Created {
    #[serde(default)]
    created: String,
}

fn field_of(code: &str) -> Option<&'static str> {
    Some(match code {
        "invalid_username" | "username_taken" => "username",
        "invalid_display_name" => "display_name",
        "invalid_role" => "role",
        "weak_password" => "password",
        _ => return None,
    })
}

fn users_table(list: &[UserView]) -> Markup {
    html! {
        div.table-wrap { table {
            thead { tr { th scope="col" { "账号" } th scope="col" { "姓名" } th scope="col" { "角色" } } }
            tbody { @for u in list { tr {
                td { code { (u.username) } } td { (u.display_name) } td { (role_zh(u.role)) }
            } } }
        } }
    }
}

fn user_form(user: &ConsoleUser, form: &UserForm, errors: &FormErrors) -> Markup {
    let roles: Vec<(String, String)> = STAFF_ROLES
        .iter()
        .map(|r| (r.as_str().to_owned(), role_zh(*r).to_owned()))
        .collect();
    html! {
        h2 id="create" { "新建账号" }
        form.card method="post" action="/console/admin/users" {
            input type="hidden" name="_csrf" value=(user.csrf);
            (top_error(errors))
            p.muted { "账号为 3–32 位小写字母、数字或 _ . -，初始密码至少 10 个字符。"
                "考评员的资格信息请在“考评员”页面登记，那里会同时建立其账号。" }
            div.grid {
                (input("user", "username", "账号", "text", &form.username, errors))
                (input("user", "display_name", "姓名", "text", &form.display_name, errors))
                (select("user", "role", "角色", &roles, &form.role, errors))
                (input("user", "password", "初始密码", "password", "", errors))
                (input("user", "password_again", "再次输入密码", "password", "", errors))
            }
            button type="submit" { "创建账号" }
        }
    }
}

async fn render(
    state: &AppState,
    user: &ConsoleUser,
    form: &UserForm,
    errors: &FormErrors,
    notice: Option<&str>,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    let list = users::list_users(state).await.map_err(|e| user.fail(e))?;
    let body = html! {
        (saved_notice(notice))
        (users_table(&list))
        (user_form(user, form, errors))
    };
    admin_page(user, "账号", status, body)
}

/// `GET /console/admin/users`.
pub async fn users_page(
    user: ConsoleUser,
    state: web::Data<AppState>,
    created: web::Query<Created>,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ManageUsers)?;
    let form = UserForm {
        role: Role::Examiner.as_str().to_owned(),
        ..UserForm::default()
    };
    let notice = Some(created.created.trim())
        .filter(|c| !c.is_empty())
        .map(|c| format!("已创建账号 {c}，可用初始密码登录。"));
    render(
        &state,
        &user,
        &form,
        &FormErrors::default(),
        notice.as_deref(),
        StatusCode::OK,
    )
    .await
}

/// `POST /console/admin/users`: create an account (`users::create_user`).
pub async fn create_user(
    user: ConsoleUser,
    state: web::Data<AppState>,
    form: web::Form<UserForm>,
) -> ConsoleResult<HttpResponse> {
    user.check_csrf(&form.csrf)?;
    user.require(Permission::ManageUsers)?;
    let mut errors = FormErrors::default();
    let role = Role::parse(form.role.trim()).filter(|r| STAFF_ROLES.contains(r));
    if role.is_none() {
        errors.set("role", "请选择角色");
    }
    if form.password != form.password_again {
        errors.set("password_again", "两次输入的密码不一致");
    }
    let result = match role {
        Some(role) if !errors.any() => {
            let request = CreateUserRequest {
                username: form.username.clone(),
                password: form.password.clone(),
                role,
                display_name: form.display_name.clone(),
            };
            users::create_user(&state, &user.principal, request).await
        }
        _ => {
            return render(
                &state,
                &user,
                &form,
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    match result {
        Ok(created) => Ok(see_other(&format!(
            "/console/admin/users?created={}",
            created.username
        ))),
        Err(e) if e.status_code().is_client_error() => {
            errors.put(&e, field_of);
            render(&state, &user, &form, &errors, None, e.status_code()).await
        }
        Err(e) => Err(user.fail(e)),
    }
}
