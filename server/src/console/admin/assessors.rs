//! 管理：考评员 — assessors on file and registering one with their sign-in account
//! (`GET/POST /api/v1/assessors`).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use chrono::NaiveDate;
use maud::{html, Markup};
use question_bank::id_number::masked;
use question_bank::practical::{AssessorProfile, AssessorStatus, Filing, Title};
use question_bank::wire::{AssessorView, RegisterAssessorRequest};
use question_bank::Subject;
use serde::Deserialize;

use super::super::fields::{input, select, top_error, FormErrors, Pairs};
use super::super::layout::field_error;
use super::super::sessions::all_subjects;
use super::super::{see_other, ConsoleResult, ConsoleUser};
use super::{admin_page, may, saved_notice};
use crate::auth::Permission;
use crate::service::{institution, validate, AppState};

const TITLES: [(&str, Title); 6] = [
    ("technician", Title::Technician),
    ("senior_technician", Title::SeniorTechnician),
    ("assistant_engineer", Title::AssistantEngineer),
    ("engineer", Title::Engineer),
    ("senior_engineer", Title::SeniorEngineer),
    ("other", Title::Other),
];

const STATUSES: [(&str, AssessorStatus); 3] = [
    ("active", AssessorStatus::Active),
    ("suspended", AssessorStatus::Suspended),
    ("expired", AssessorStatus::Expired),
];

/// The registration form as typed (passwords are never re-shown).
#[derive(Debug, Default)]
struct AssessorForm {
    username: String,
    password: String,
    name: String,
    id_number: String,
    subjects: Vec<String>,
    practice_years: String,
    teaching_years: String,
    title: String,
    filing_number: String,
    filing_date: String,
    status: String,
}

impl AssessorForm {
    fn from_pairs(p: &Pairs) -> AssessorForm {
        AssessorForm {
            username: p.get("username").to_owned(),
            password: p.raw("password").to_owned(),
            name: p.get("name").to_owned(),
            id_number: p.get("id_number").to_owned(),
            subjects: p.all("subjects").map(str::to_owned).collect(),
            practice_years: p.get("practice_years").to_owned(),
            teaching_years: p.get("teaching_years").to_owned(),
            title: p.get("title").to_owned(),
            filing_number: p.get("filing_number").to_owned(),
            filing_date: p.get("filing_date").to_owned(),
            status: p.get("status").to_owned(),
        }
    }

    /// The request, or every problem the form itself shows (the service checks the rest).
    fn request(&self) -> Result<RegisterAssessorRequest, FormErrors> {
        let mut errors = FormErrors::default();
        let id_number = validate::id_number(self.id_number.trim().to_ascii_uppercase().as_str())
            .map_err(|e| errors.set("id_number", super::super::message(&e)))
            .ok();
        let subjects: Vec<Subject> = self
            .subjects
            .iter()
            .filter_map(|s| s.parse::<Subject>().ok())
            .collect();
        let mut years = |field: &'static str, raw: &str| {
            raw.parse::<u32>()
                .map_err(|_| errors.set(field, "请填写年数（0–60 的整数）"))
                .ok()
        };
        let practice_years = years("practice_years", &self.practice_years);
        let teaching_years = years("teaching_years", &self.teaching_years);
        let title = TITLES.iter().find(|(c, _)| *c == self.title).map(|t| t.1);
        if title.is_none() {
            errors.set("title", "请选择职称");
        }
        let status = STATUSES
            .iter()
            .find(|(c, _)| *c == self.status)
            .map(|s| s.1);
        if status.is_none() {
            errors.set("status", "请选择状态");
        }
        let filing = match (self.filing_number.as_str(), self.filing_date.as_str()) {
            ("", "") => Some(None),
            ("", _) => {
                errors.set("filing_number", "填写了备案日期时须填写备案编号");
                None
            }
            (number, date) => match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
                Ok(date) => Some(Some(Filing {
                    number: number.to_owned(),
                    date,
                })),
                Err(_) => {
                    errors.set("filing_date", "请填写备案日期（YYYY-MM-DD）");
                    None
                }
            },
        };
        match (
            id_number,
            practice_years,
            teaching_years,
            title,
            status,
            filing,
        ) {
            (
                Some(id_number),
                Some(practice_years),
                Some(teaching_years),
                Some(title),
                Some(status),
                Some(filing),
            ) if !errors.any() => Ok(RegisterAssessorRequest {
                username: self.username.clone(),
                password: self.password.clone(),
                profile: AssessorProfile {
                    name: self.name.trim().to_owned(),
                    id_number,
                    subjects,
                    practice_years,
                    teaching_years,
                    title,
                    filing,
                    status,
                },
            }),
            _ => Err(errors),
        }
    }
}

fn field_of(code: &str) -> Option<&'static str> {
    Some(match code {
        "invalid_username" | "username_taken" => "username",
        "weak_password" => "password",
        "invalid_name" => "name",
        "invalid_id_number" | "assessor_exists" => "id_number",
        "invalid_subjects" => "subjects",
        "invalid_years" => "practice_years",
        _ => return None,
    })
}

fn assessors_table(list: &[AssessorView]) -> Markup {
    html! {
        div.table-wrap { table {
            thead { tr {
                th scope="col" { "姓名" } th scope="col" { "账号" } th scope="col" { "身份证号" }
                th scope="col" { "考评项目" } th scope="col" { "实践/教学年限" } th scope="col" { "职称" }
                th scope="col" { "备案" } th scope="col" { "状态" } th scope="col" { "资格" }
            } }
            tbody {
                @for a in list { @let p = &a.profile; tr {
                    td { (p.name) }
                    td { code { (a.username) } }
                    td { (masked(p.id_number.as_str())) }
                    td { (p.subjects.iter().map(|s| s.name_zh()).collect::<Vec<_>>().join("、")) }
                    td { (p.practice_years) " / " (p.teaching_years) " 年" }
                    td { (p.title.name_zh()) }
                    td { @match &p.filing {
                        Some(f) => { (f.number) "（" (f.date.format("%Y-%m-%d")) "）" }
                        None => { span.muted { "未备案" } }
                    } }
                    td { (p.status.name_zh()) }
                    td {
                        @if a.problems.is_empty() { span.badge { "符合" } }
                        @else { ul { @for why in &a.problems { li.error { (why) } } } }
                    }
                } }
                @if list.is_empty() { tr { td colspan="9" { span.muted { "尚未登记考评员" } } } }
            }
        } }
    }
}

fn assessor_form(user: &ConsoleUser, form: &AssessorForm, errors: &FormErrors) -> Markup {
    let titles: Vec<(String, String)> = std::iter::once((String::new(), "请选择".to_owned()))
        .chain(
            TITLES
                .iter()
                .map(|(c, t)| ((*c).to_owned(), t.name_zh().to_owned())),
        )
        .collect();
    let statuses: Vec<(String, String)> = STATUSES
        .iter()
        .map(|(c, s)| ((*c).to_owned(), s.name_zh().to_owned()))
        .collect();
    let subjects_error = errors.get("subjects");
    html! {
        h2 id="register" { "登记考评员" }
        form.card method="post" action="/console/admin/assessors" {
            input type="hidden" name="_csrf" value=(user.csrf);
            (top_error(errors))
            p.muted { "资格要求：实际操作 ≥ 3 年、教学 ≥ 2 年、工程师或技师及以上职称、已向发证机关备案。"
                "未满足要求的考评员也可登记，但不能被安排考评。" }
            div.grid {
                (input("assessor", "name", "姓名", "text", &form.name, errors))
                (input("assessor", "id_number", "身份证号", "text", &form.id_number, errors))
                (input("assessor", "practice_years", "实际操作年限（年）", "number", &form.practice_years, errors))
                (input("assessor", "teaching_years", "教学年限（年）", "number", &form.teaching_years, errors))
                (select("assessor", "title", "职称", &titles, &form.title, errors))
                (select("assessor", "status", "状态", &statuses, &form.status, errors))
                (input("assessor", "filing_number", "备案编号（未备案可不填）", "text", &form.filing_number, errors))
                (input("assessor", "filing_date", "备案日期", "date", &form.filing_date, errors))
            }
            fieldset aria-describedby=[subjects_error.map(|_| "assessor-subjects-error")] {
                legend { "考评项目（可多选；Q2 含全部起重机类型）" }
                @for s in all_subjects() {
                    @let id = format!("assessor-subject-{}", s.code());
                    div.check {
                        input id=(id) name="subjects" type="checkbox" value=(s.code())
                            checked[form.subjects.contains(&s.code())];
                        label for=(id) { (s.name_zh()) }
                    }
                }
                (field_error("assessor-subjects", subjects_error))
            }
            div.grid {
                (input("assessor", "username", "登录账号（小写字母、数字或 _ . -）", "text", &form.username, errors))
                (input("assessor", "password", "初始密码（至少 10 个字符）", "password", "", errors))
            }
            button type="submit" { "登记" }
        }
    }
}

/// `?added=1` after a successful POST.
#[derive(Debug, Default, Deserialize)]
pub struct Added {
    #[serde(default)]
    added: String,
}

async fn render(
    state: &AppState,
    user: &ConsoleUser,
    form: &AssessorForm,
    errors: &FormErrors,
    notice: Option<&str>,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    let list = institution::assessors(state)
        .await
        .map_err(|e| user.fail(e))?;
    let body = html! {
        (saved_notice(notice))
        (assessors_table(&list))
        @if may(user, Permission::ManageAssessors) { (assessor_form(user, form, errors)) }
    };
    admin_page(user, "考评员", status, body)
}

/// `GET /console/admin/assessors`.
pub async fn assessors_page(
    user: ConsoleUser,
    state: web::Data<AppState>,
    added: web::Query<Added>,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewInstitution)?;
    let form = AssessorForm {
        status: "active".to_owned(),
        ..AssessorForm::default()
    };
    let notice = (added.added == "1").then_some("考评员已登记，可用初始密码登录。");
    render(
        &state,
        &user,
        &form,
        &FormErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// `POST /console/admin/assessors`: register an assessor and their account
/// (`institution::register_assessor`).
pub async fn register_assessor(
    user: ConsoleUser,
    state: web::Data<AppState>,
    pairs: web::Form<Pairs>,
) -> ConsoleResult<HttpResponse> {
    user.check_csrf(pairs.get("_csrf"))?;
    user.require(Permission::ManageAssessors)?;
    let form = AssessorForm::from_pairs(&pairs);
    let request = match form.request() {
        Ok(r) => r,
        Err(errors) => {
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
    match institution::register_assessor(&state, &user.principal, request).await {
        Ok(_) => Ok(see_other("/console/admin/assessors?added=1")),
        Err(e) if e.status_code().is_client_error() => {
            let mut errors = FormErrors::default();
            errors.put(&e, field_of);
            render(&state, &user, &form, &errors, None, e.status_code()).await
        }
        Err(e) => Err(user.fail(e)),
    }
}
