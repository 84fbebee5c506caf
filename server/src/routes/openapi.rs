//! The OpenAPI document, generated from the handlers' annotations.

use actix_web::{get, HttpResponse};
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use super::{
    archives, auth, banks, exam, health, institution, practical, reports, sessions, users,
};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The error statuses any operation can answer with, added where an operation does not
/// list them itself: malformed or invalid input where it takes input, unknown ids where
/// its path or body has them, authentication and role failures where it needs a token, and
/// `503 storage_unavailable` wherever it touches the database.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for op in operations.into_iter().flatten() {
                add_common_errors(path, op);
            }
        }
    }
}

fn add_common_errors(path: &str, op: &mut Operation) {
    let takes_input =
        op.request_body.is_some() || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let mut statuses = Vec::new();
    if takes_input {
        statuses.extend([
            ("400", "请求格式错误 malformed request"),
            ("422", "输入无效 invalid input"),
        ]);
    }
    // Ids in the path, or in the body (a template, an assessor...), may name nothing.
    if path.contains('{') || op.request_body.is_some() {
        statuses.push(("404", "不存在 not found"));
    }
    if secured {
        statuses.extend([
            (
                "401",
                "未登录、令牌无效或已过期 missing, invalid or expired token",
            ),
            ("403", "角色无权执行 forbidden for this role"),
        ]);
    }
    if !matches!(path, "/healthz" | "/api/openapi.json") {
        statuses.push(("503", "服务器存储暂不可用 storage unavailable"));
    }
    for (status, description) in statuses {
        op.responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| {
                RefOr::T(
                    ResponseBuilder::new()
                        .description(description)
                        .content(
                            "application/json",
                            ContentBuilder::new()
                                .schema(Some(Ref::from_schema_name("ErrorBody")))
                                .build(),
                        )
                        .build(),
                )
            });
    }
}

/// The API description.
#[derive(OpenApi)]
#[openapi(
    info(title = "CraneExam 起重机作业人员考试系统 API", description = "Theory exam sessions, candidates, answers and results."),
    paths(
        health::healthz, auth::login, auth::candidate_login, users::create, users::list,
        banks::import, banks::overview, banks::export, banks::template,
        sessions::create, sessions::list, sessions::get, sessions::open, sessions::register_candidate, sessions::import_candidates,
        sessions::list_candidates, sessions::approve_takeover, sessions::extend_time, sessions::candidate_action, sessions::session_action, sessions::results, sessions::exposure, exam::view, exam::start, exam::save_answer, exam::submit,
        institution::get_profile, institution::put_profile, institution::compliance, institution::terminals,
        institution::add_terminal, institution::assessors, institution::register_assessor, institution::update_assessor,
        practical::templates, practical::template, practical::create_session, practical::sessions, practical::session_one,
        practical::register_candidate, practical::candidates, practical::sheets, practical::write_sheet,
        practical::sign_sheet, practical::sign_off, practical::results,
        archives::pull, archives::keys, archives::record, archives::purge, archives::transmission,
        reports::statistics, reports::analysis, reports::summary, reports::qti,
        reports::transcript, reports::session_report
    ),
    components(schemas(question_bank::wire::PaperAction, question_bank::analysis::Period)),
    modifiers(&BearerAuth, &CommonErrors)
)]
pub struct ApiDoc;

/// Serve the OpenAPI document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "health", responses((status = 200, description = "OpenAPI 3.1 document")))]
#[get("/api/openapi.json")]
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
