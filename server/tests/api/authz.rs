//! The role matrix, checked route by route against the OpenAPI document the server
//! serves, so a new route cannot be added without a row here; plus sign-in throttling
//! with a configured limit.

use std::collections::BTreeSet;

use exam_server::auth::Permission;
use question_bank::wire::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{assert_error, id_number, spawn_app, spawn_app_with, PASSWORD};

/// Who may call a route.
#[derive(Debug, Clone, Copy)]
enum Access {
    /// Anyone, without a token.
    Public,
    /// Roles holding this permission.
    Needs(Permission),
}

use Access::{Needs, Public};
use Permission as P;

/// Every API operation: (method, path template as in the OpenAPI document, access).
const ROUTES: &[(&str, &str, Access)] = &[
    ("get", "/healthz", Public),
    ("post", "/api/v1/auth/login", Public),
    ("post", "/api/v1/auth/candidate", Public),
    ("get", "/api/v1/users", Needs(P::ManageUsers)),
    ("post", "/api/v1/users", Needs(P::ManageUsers)),
    ("post", "/api/v1/banks/import", Needs(P::ManageBanks)),
    ("get", "/api/v1/banks", Needs(P::ManageBanks)),
    ("get", "/api/v1/banks/export", Needs(P::ManageBanks)),
    ("get", "/api/v1/banks/template", Needs(P::ManageBanks)),
    ("post", "/api/v1/sessions", Needs(P::ManageSessions)),
    ("get", "/api/v1/sessions", Needs(P::ViewSessions)),
    ("get", "/api/v1/sessions/{id}", Needs(P::ViewSessions)),
    (
        "get",
        "/api/v1/sessions/{id}/exposure",
        Needs(P::ViewSessions),
    ),
    (
        "post",
        "/api/v1/sessions/{id}/open",
        Needs(P::ManageSessions),
    ),
    (
        "post",
        "/api/v1/sessions/{id}/candidates",
        Needs(P::ManageSessions),
    ),
    (
        "get",
        "/api/v1/sessions/{id}/candidates",
        Needs(P::ViewSessions),
    ),
    (
        "post",
        "/api/v1/sessions/{id}/candidates/{candidate}/takeover",
        Needs(P::Invigilate),
    ),
    (
        "post",
        "/api/v1/sessions/{id}/candidates/{candidate}/extend",
        Needs(P::Invigilate),
    ),
    (
        "post",
        "/api/v1/sessions/{id}/candidates/{candidate}/actions/{action}",
        Needs(P::Invigilate),
    ),
    (
        "post",
        "/api/v1/sessions/{id}/actions/{action}",
        Needs(P::Invigilate),
    ),
    (
        "post",
        "/api/v1/sessions/{id}/candidates/import",
        Needs(P::ManageSessions),
    ),
    (
        "get",
        "/api/v1/sessions/{id}/results",
        Needs(P::ViewResults),
    ),
    ("get", "/api/v1/sessions/{id}/report", Needs(P::ViewReports)),
    ("get", "/api/v1/exam", Needs(P::TakeExam)),
    ("post", "/api/v1/exam/start", Needs(P::TakeExam)),
    ("put", "/api/v1/exam/answers/{no}", Needs(P::TakeExam)),
    ("post", "/api/v1/exam/submit", Needs(P::TakeExam)),
    ("get", "/api/v1/institution", Needs(P::ViewInstitution)),
    ("put", "/api/v1/institution", Needs(P::ManageInstitution)),
    (
        "get",
        "/api/v1/institution/compliance",
        Needs(P::ViewInstitution),
    ),
    ("get", "/api/v1/terminals", Needs(P::ViewInstitution)),
    ("post", "/api/v1/terminals", Needs(P::ManageInstitution)),
    ("get", "/api/v1/assessors", Needs(P::ViewInstitution)),
    ("post", "/api/v1/assessors", Needs(P::ManageAssessors)),
    ("put", "/api/v1/assessors/{id}", Needs(P::ManageAssessors)),
    (
        "get",
        "/api/v1/practical/templates",
        Needs(P::ViewPractical),
    ),
    (
        "get",
        "/api/v1/practical/templates/{id}/{version}",
        Needs(P::ViewPractical),
    ),
    (
        "post",
        "/api/v1/practical/sessions",
        Needs(P::ManagePractical),
    ),
    ("get", "/api/v1/practical/sessions", Needs(P::ViewPractical)),
    (
        "get",
        "/api/v1/practical/sessions/{id}",
        Needs(P::ViewPractical),
    ),
    (
        "post",
        "/api/v1/practical/sessions/{id}/candidates",
        Needs(P::ManagePractical),
    ),
    (
        "get",
        "/api/v1/practical/sessions/{id}/candidates",
        Needs(P::ViewPractical),
    ),
    (
        "get",
        "/api/v1/practical/sessions/{id}/candidates/{candidate}/sheets",
        Needs(P::ViewPractical),
    ),
    (
        "put",
        "/api/v1/practical/sessions/{id}/candidates/{candidate}/sheet",
        Needs(P::ScorePractical),
    ),
    (
        "post",
        "/api/v1/practical/sessions/{id}/candidates/{candidate}/sheet/sign",
        Needs(P::ScorePractical),
    ),
    (
        "post",
        "/api/v1/practical/sessions/{id}/candidates/{candidate}/signoff",
        Needs(P::ScorePractical),
    ),
    (
        "get",
        "/api/v1/practical/sessions/{id}/results",
        Needs(P::ViewResults),
    ),
    ("get", "/api/v1/archives", Needs(P::ViewArchives)),
    ("get", "/api/v1/archives/keys", Public),
    (
        "get",
        "/api/v1/archives/records/{hash}",
        Needs(P::ViewArchives),
    ),
    (
        "get",
        "/api/v1/archives/records/{hash}/qti",
        Needs(P::ViewReports),
    ),
    ("post", "/api/v1/archives/purge", Needs(P::PurgeArchives)),
    ("get", "/api/v1/transmission", Needs(P::ViewReports)),
    ("get", "/api/v1/statistics", Needs(P::ViewReports)),
    ("get", "/api/v1/analysis", Needs(P::ViewReports)),
    ("get", "/api/v1/reports/summary", Needs(P::ViewReports)),
    ("get", "/api/v1/reports/transcript", Needs(P::ViewReports)),
];

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// Every (method, path template) the OpenAPI document lists.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let paths = doc["paths"].as_object().expect("paths object");
    paths
        .iter()
        .flat_map(|(path, item)| {
            METHODS
                .iter()
                .filter(|m| item.get(**m).is_some())
                .map(move |m| (m.to_string(), path.clone()))
        })
        .collect()
}

/// A concrete, syntactically valid path for a template, with the query the route
/// expects (parameters are validated after the role check, so any value will do).
fn concrete(template: &str, session: i64) -> String {
    let path = template
        .replace("{id}", &session.to_string())
        .replace("{candidate}", "1")
        .replace("{no}", "1")
        .replace("{version}", "1")
        .replace("{hash}", &"0".repeat(64))
        .replace("{action}", "pause");
    match template {
        "/api/v1/reports/transcript" => {
            format!("{path}?id_number={}&subject=Q2-bridge", id_number(1))
        }
        "/api/v1/banks/export" => format!("{path}?format=csv"),
        _ => path,
    }
}

#[tokio::test]
async fn every_openapi_route_grants_exactly_the_roles_of_its_permission() {
    let app = spawn_app().await;
    let (_, doc) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    let documented = operations(&doc);
    let table: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(m, p, _)| (m.to_string(), p.to_string()))
        .collect();
    assert_eq!(table.len(), ROUTES.len(), "duplicate rows in ROUTES");
    let missing: Vec<_> = documented.difference(&table).collect();
    assert!(
        missing.is_empty(),
        "routes in /api/openapi.json without a row in ROUTES (add them with their permission): {missing:?}"
    );
    let stale: Vec<_> = table.difference(&documented).collect();
    assert!(
        stale.is_empty(),
        "rows in ROUTES the API no longer has: {stale:?}"
    );

    let (_, candidate, session, _) = app.started_candidate(3600).await;
    let mut tokens: Vec<(Role, String)> = vec![(Role::Candidate, candidate)];
    for role in [Role::Admin, Role::Examiner, Role::Certifier, Role::Assessor] {
        tokens.push((role, app.login(role).await));
    }
    let mut checked = 0;
    for (method, template, access) in ROUTES {
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let path = concrete(template, session);
        let body = (method != Method::GET).then(|| json!({}));
        checked += 1;
        let Needs(permission) = access else {
            let (status, body) = app.call(method.clone(), &path, None, body).await;
            assert_ne!(
                status,
                StatusCode::UNAUTHORIZED,
                "{method} {path} is public: {body}"
            );
            continue;
        };
        let (status, reply) = app.call(method.clone(), &path, None, body.clone()).await;
        assert_error(status, &reply, StatusCode::UNAUTHORIZED, "unauthenticated");
        for (role, token) in &tokens {
            let (status, reply) = app
                .call(method.clone(), &path, Some(token), body.clone())
                .await;
            if permission.roles().contains(role) {
                assert!(
                    status != StatusCode::UNAUTHORIZED && reply["code"] != "forbidden",
                    "{role:?} holds {permission:?} but {method} {path} refused it: {status} {reply}"
                );
            } else {
                assert_eq!(
                    (status, reply["code"].as_str()),
                    (StatusCode::FORBIDDEN, Some("forbidden")),
                    "{role:?} lacks {permission:?}: {method} {path}"
                );
            }
        }
    }
    assert_eq!(
        checked,
        documented.len(),
        "every documented operation checked"
    );
}

#[tokio::test]
async fn sign_in_locks_after_the_configured_number_of_failures() {
    let app = spawn_app_with(|s| {
        s.login_max_failures = 2;
        s.login_lock_seconds = 120;
    })
    .await;
    let examiner = app.login(Role::Examiner).await;
    let session = app.create_session(&examiner, 3600).await;
    let c = app.register(&examiner, session.id, 1).await;
    let attempts: [(&str, Value, Value); 2] = [
        (
            "/api/v1/auth/login",
            json!({"username": "certifier", "password": "nope"}),
            json!({"username": "certifier", "password": PASSWORD}),
        ),
        (
            "/api/v1/auth/candidate",
            json!({"ticket": c.ticket, "id_number": id_number(2)}),
            json!({"ticket": c.ticket, "id_number": id_number(1)}),
        ),
    ];
    for (path, wrong, right) in attempts {
        for _ in 0..2 {
            let (status, body) = app
                .call(Method::POST, path, None, Some(wrong.clone()))
                .await;
            assert_error(status, &body, StatusCode::UNAUTHORIZED, "bad_credentials");
        }
        let resp = app
            .http
            .post(format!("{}{path}", app.base))
            .json(&right)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS, "{path}");
        let retry_after: i64 = resp.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=120).contains(&retry_after), "{retry_after}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["code"], "too_many_attempts", "{path}: {body}");
    }
}
