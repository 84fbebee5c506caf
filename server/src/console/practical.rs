//! 实操考试 in the console: the practical sessions, a scoring form per candidate built from
//! the session's sheet template (tap to count a deduction, a timer per timed item), signing
//! one's sheet, and the chief assessor's sign-off. Works on a tablet and without scripts;
//! the buttons and timers are progressive enhancement over plain number inputs.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use maud::{html, Markup, PreEscaped};
use question_bank::practical::{DeductionKind, ItemRecord, SheetRecord, SheetTemplate, TimeLimit};
use question_bank::wire::{
    PracticalCandidateView, PracticalSessionView, PracticalStatus, Role, SheetStatus, SheetView,
    SignOffRequest, WriteSheetRequest,
};
use serde::Deserialize;

use super::fields::Pairs;
use super::{china_time, html_response, layout, message, see_other, ConsoleResult, ConsoleUser};
use crate::auth::Permission;
use crate::error::ApiError;
use crate::service::{institution, practical, AppState};

/// The caller's assessor id, when they are an assessor.
async fn my_assessor_id(state: &AppState, user: &ConsoleUser) -> ConsoleResult<Option<i64>> {
    if user.principal.role != Role::Assessor {
        return Ok(None);
    }
    let me = state
        .store
        .assessor_by_user(user.principal.id)
        .await
        .map_err(|e| user.fail(e.into()))?;
    Ok(me.map(|a| a.id))
}

/// What the caller does in a session: records sheets (考评员), signs off results
/// (主考评员), both (a chief who is also one of its assessors), or neither (staff, or an
/// assessor of another session, who only look).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Part {
    scores: bool,
    chief: bool,
}

impl Part {
    fn none(self) -> bool {
        !self.scores && !self.chief
    }

    fn zh(self) -> &'static str {
        match (self.scores, self.chief) {
            (true, true) => "考评员、主考评员",
            (false, true) => "主考评员",
            (true, false) => "考评员",
            (false, false) => "—",
        }
    }
}

fn part_in(session: &PracticalSessionView, me: Option<i64>) -> Part {
    Part {
        scores: me.is_some_and(|me| session.assessor_ids.contains(&me)),
        chief: me == Some(session.chief_assessor_id),
    }
}

/// Assessor id → name, for display.
async fn assessor_names(
    state: &AppState,
    user: &ConsoleUser,
) -> ConsoleResult<BTreeMap<i64, String>> {
    Ok(institution::assessors(state)
        .await
        .map_err(|e| user.fail(e))?
        .into_iter()
        .map(|a| (a.id, a.profile.name))
        .collect())
}

fn status_zh(c: &PracticalCandidateView) -> &'static str {
    match c.status {
        PracticalStatus::Pending => "评分中",
        PracticalStatus::Absent => "缺考",
        PracticalStatus::SignedOff => "已签发",
    }
}

/// `GET /console/practical`: the practical sessions (an assessor sees their own).
pub async fn list(user: ConsoleUser, state: web::Data<AppState>) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewPractical)?;
    let me = my_assessor_id(&state, &user).await?;
    let sessions: Vec<PracticalSessionView> = practical::list_sessions(&state)
        .await
        .map_err(|e| user.fail(e))?
        .into_iter()
        .filter(|s| user.principal.role != Role::Assessor || !part_in(s, me).none())
        .collect();
    let body = html! {
        h1 { "实操考试" }
        div.table-wrap { table {
            thead { tr {
                th scope="col" { "场次" } th scope="col" { "科目" } th scope="col" { "设备" }
                th scope="col" { "开始时间" } th scope="col" { "我的职责" }
            } }
            tbody {
                @for s in &sessions {
                    tr {
                        td { a href=(format!("/console/practical/{}", s.id)) { (s.title) }
                             @if !s.batch.is_empty() { br; span.muted { (s.batch) } } }
                        td { (s.subject_name) }
                        td { (s.apparatus_name) }
                        td { (china_time(s.starts_at)) }
                        td { (part_in(s, me).zh()) }
                    }
                }
                @if sessions.is_empty() { tr { td colspan="5" { span.muted { "暂无实操考试场次" } } } }
            }
        } }
    };
    Ok(html_response(
        StatusCode::OK,
        layout("实操", Some(&user), body).into_string(),
    ))
}

/// A failed sign-off, shown on its row.
struct SignOffError {
    candidate: i64,
    message: String,
    details: Vec<String>,
    score: String,
    note: String,
}

async fn render_session(
    state: &AppState,
    user: &ConsoleUser,
    id: i64,
    error: Option<&SignOffError>,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewPractical)?;
    let session = practical::get_session(state, id)
        .await
        .map_err(|e| user.fail(e))?;
    let candidates = practical::list_candidates(state, id)
        .await
        .map_err(|e| user.fail(e))?;
    let names = assessor_names(state, user).await?;
    let part = part_in(&session, my_assessor_id(state, user).await?);
    let name_of = |id: &i64| {
        names
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("编号 {id}"))
    };
    let body = html! {
        p { a href="/console/practical" { "← 返回实操考试" } }
        h1 { (session.title) }
        div.card.grid {
            p { "科目：" (session.subject_name) }
            p { "设备：" (session.apparatus_name) }
            p { "开始时间：" (china_time(session.starts_at)) }
            p { "评分表：" (session.template_id) " 第 " (session.template_version) " 版" }
            p { "考评员：" (session.assessor_ids.iter().map(name_of).collect::<Vec<_>>().join("、")) }
            p { "主考评员：" (name_of(&session.chief_assessor_id)) }
        }
        @if let Some(e) = error {
            div.notice role="alert" {
                "签发失败：" (e.message)
                @if !e.details.is_empty() { ul { @for d in &e.details { li { (d) } } } }
            }
        }
        div.table-wrap { table {
            thead { tr {
                th scope="col" { "考生" } th scope="col" { "状态" } th scope="col" { "已签名评分表" }
                th scope="col" { "成绩" } th scope="col" { "操作" }
            } }
            tbody {
                @for c in &candidates {
                    @let row_error = error.filter(|e| e.candidate == c.id);
                    tr {
                        td { (c.name) br; span.muted { (c.id_number_masked) } }
                        td { span.badge { (status_zh(c)) } }
                        td { (c.signed_by.len()) " / " (c.sheets_required)
                             @if !c.signed_by.is_empty() { br; span.muted { (c.signed_by.iter().map(name_of).collect::<Vec<_>>().join("、")) } } }
                        td { @match c.result.as_ref().and_then(|r| r.score) {
                                Some(score) => { (format!("{score:.1}")) " "
                                    @if c.result.as_ref().and_then(|r| r.passed) == Some(true) { span.badge { "合格" } }
                                    @else { span.badge.warn { "不合格" } } }
                                None => { "—" }
                        } }
                        td {
                            a href=(format!("/console/practical/{id}/candidates/{}", c.id)) {
                                @if part.scores && c.status == PracticalStatus::Pending { "评分" } @else { "查看评分表" }
                            }
                            @if part.chief && c.status == PracticalStatus::Pending {
                                (sign_off_form(id, c.id, user, row_error))
                            }
                        }
                    }
                }
                @if candidates.is_empty() { tr { td colspan="5" { span.muted { "尚无考生" } } } }
            }
        } }
    };
    Ok(html_response(
        status,
        layout("实操", Some(user), body).into_string(),
    ))
}

fn sign_off_form(
    session: i64,
    candidate: i64,
    user: &ConsoleUser,
    error: Option<&SignOffError>,
) -> Markup {
    let score_id = format!("signoff-score-{candidate}");
    let note_id = format!("signoff-note-{candidate}");
    html! {
        form.signoff method="post" action=(format!("/console/practical/{session}/candidates/{candidate}/signoff")) {
            input type="hidden" name="_csrf" value=(user.csrf);
            label for=(score_id) { "主考评员给分（评分相差过大时填写）" }
            input id=(score_id) name="score" type="number" min="0" max="100" step="0.1"
                value=(error.map(|e| e.score.as_str()).unwrap_or(""));
            label for=(note_id) { "备注" }
            input id=(note_id) name="note" type="text" maxlength="200"
                value=(error.map(|e| e.note.as_str()).unwrap_or(""));
            button type="submit" { "签发成绩" }
        }
    }
}

/// `GET /console/practical/{id}`.
pub async fn session_page(
    user: ConsoleUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ConsoleResult<HttpResponse> {
    render_session(&state, &user, id.into_inner(), None, StatusCode::OK).await
}

/// The chief's sign-off form.
#[derive(Debug, Default, Deserialize)]
pub struct SignOffForm {
    #[serde(default, rename = "_csrf")]
    csrf: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    note: String,
}

/// `POST /console/practical/{id}/candidates/{candidate}/signoff`: 签发成绩.
pub async fn sign_off(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<SignOffForm>,
) -> ConsoleResult<HttpResponse> {
    user.check_csrf(&form.csrf)?;
    user.require(Permission::ScorePractical)?;
    let (id, candidate) = path.into_inner();
    let score = match form.score.trim() {
        "" => None,
        typed => match typed.parse::<f64>() {
            Ok(points) => Some(points),
            Err(_) => Some(-1.0), // refused below as out of range, with the service's words
        },
    };
    let note = Some(form.note.trim().to_owned()).filter(|n| !n.is_empty());
    match practical::sign_off(
        &state,
        &user.principal,
        id,
        candidate,
        SignOffRequest { score, note },
    )
    .await
    {
        Ok(_) => Ok(see_other(&format!("/console/practical/{id}"))),
        Err(e) if e.status_code().is_client_error() && e.code() != "not_found" => {
            let error = SignOffError {
                candidate,
                message: message(&e),
                details: e.details().to_vec(),
                score: form.score.clone(),
                note: form.note.clone(),
            };
            render_session(&state, &user, id, Some(&error), e.status_code()).await
        }
        Err(e) => Err(user.fail(e)),
    }
}

/// The sheet form as typed. Names: `c.{item}.{rule}` occurrences, `t.{item}` time taken
/// (`m:ss` or seconds), `n.{item}` notes, `absent`, `correction_reason`, `intent` (`save`
/// or `sign`).
type SheetFields = Pairs;

/// What the assessor asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// 保存草稿.
    Save,
    /// 保存并签名.
    Sign,
}

/// A sheet read from the form, or the problems found, per field.
#[derive(Debug, PartialEq)]
pub struct ParsedSheet {
    /// The record to save.
    pub record: SheetRecord,
    /// Why a signed sheet is being corrected.
    pub correction_reason: Option<String>,
    /// Save or save and sign.
    pub intent: Intent,
}

/// Read the sheet form against the template: every item present (an item with no
/// deductions counts zero), counts whole numbers ≥ 0, times `m:ss` or seconds. Problems are
/// `(field name, message)`.
pub fn parse_sheet(
    template: &SheetTemplate,
    fields: &SheetFields,
) -> Result<ParsedSheet, Vec<(String, String)>> {
    let value = |name: &str| fields.get(name);
    let mut problems = Vec::new();
    let mut items = BTreeMap::new();
    for item in &template.items {
        let mut record = ItemRecord::default();
        for rule in &item.deductions {
            let field = format!("c.{}.{}", item.code, rule.code);
            match value(&field) {
                "" => {}
                typed => match typed.parse::<u32>() {
                    Ok(0) => {}
                    Ok(n) => {
                        record.counts.insert(rule.code.clone(), n);
                    }
                    Err(_) => problems.push((field, "次数须为 0 或正整数".to_owned())),
                },
            }
        }
        if item.time_limit.is_some() {
            let field = format!("t.{}", item.code);
            match parse_elapsed(value(&field)) {
                Some(seconds) => record.elapsed_seconds = Some(seconds),
                None => problems.push((field, "请填写用时（分:秒，如 3:25）".to_owned())),
            }
        }
        record.notes = value(&format!("n.{}", item.code)).to_owned();
        if record.notes.chars().count() > 500 {
            problems.push((format!("n.{}", item.code), "备注不超过 500 字".to_owned()));
        }
        items.insert(item.code.clone(), record);
    }
    let absent = value("absent") == "on";
    if absent {
        // An absent candidate's items are ignored; timers left empty are not an error.
        problems.retain(|(field, _)| !field.starts_with("t."));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(ParsedSheet {
        record: SheetRecord {
            template_id: template.id.clone(),
            template_version: template.version,
            absent,
            items,
        },
        correction_reason: Some(value("correction_reason").to_owned()).filter(|r| !r.is_empty()),
        intent: if value("intent") == "sign" {
            Intent::Sign
        } else {
            Intent::Save
        },
    })
}

/// `m:ss`, `mm:ss` or whole seconds.
fn parse_elapsed(typed: &str) -> Option<u32> {
    match typed.split_once(':') {
        Some((m, s)) => {
            let (m, s): (u32, u32) = (m.trim().parse().ok()?, s.trim().parse().ok()?);
            (s < 60).then(|| m.checked_mul(60)?.checked_add(s))?
        }
        None => typed.parse().ok(),
    }
}

fn format_elapsed(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

fn tenths(t: u32) -> String {
    format!("{:.1}", f64::from(t) / 10.0)
}

fn rule_cost(kind: &DeductionKind) -> String {
    match kind {
        DeductionKind::Fixed { tenths: t } => format!("扣 {} 分（限 1 次）", tenths(*t)),
        DeductionKind::PerOccurrence {
            tenths: t,
            cap_tenths,
        } => match cap_tenths {
            Some(cap) => format!("每次扣 {} 分，最多扣 {} 分", tenths(*t), tenths(*cap)),
            None => format!("每次扣 {} 分", tenths(*t)),
        },
        DeductionKind::ZeroItem => "该项不得分（限 1 次）".to_owned(),
    }
}

fn once_only(kind: &DeductionKind) -> bool {
    !matches!(kind, DeductionKind::PerOccurrence { .. })
}

fn limit_text(limit: &TimeLimit) -> String {
    format!("时限 {}", format_elapsed(limit.seconds))
}

/// Values to show in the form: what was typed (after an error), else the caller's latest
/// sheet, else blank.
fn form_value(typed: Option<&SheetFields>, name: &str, stored: impl FnOnce() -> String) -> String {
    match typed {
        Some(fields) => fields.raw(name).to_owned(),
        None => stored(),
    }
}

/// The scoring form.
fn sheet_form(
    session: i64,
    candidate: i64,
    user: &ConsoleUser,
    template: &SheetTemplate,
    mine: Option<&SheetView>,
    typed: Option<&SheetFields>,
    problems: &[(String, String)],
) -> Markup {
    let stored = mine.map(|s| &s.record);
    let item_of = |code: &str| stored.and_then(|r| r.items.get(code));
    let problem = |field: &str| {
        problems
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    };
    let signed = mine.is_some_and(|s| s.status == SheetStatus::Signed);
    html! {
        form id="sheet" method="post" action=(format!("/console/practical/{session}/candidates/{candidate}/sheet")) {
            input type="hidden" name="_csrf" value=(user.csrf);
            @if signed {
                p.notice { "您的评分表已签名。如需更正，请修改后填写更正原因，原评分表将保留备查。" }
            }
            @for item in &template.items {
                @let stored_item = item_of(&item.code);
                fieldset.card {
                    legend { strong { (item.code) " " (item.name) } }
                    p.muted { (item.area.name_zh()) " · 满分 " (tenths(item.max_tenths))
                        @if let Some(limit) = &item.time_limit { " · " (limit_text(limit)) } }
                    @for rule in &item.deductions {
                        @let field = format!("c.{}.{}", item.code, rule.code);
                        @let value = form_value(typed, &field, || stored_item
                            .and_then(|i| i.counts.get(&rule.code)).map_or("0".to_owned(), u32::to_string));
                        @let error = problem(&field);
                        div.rule {
                            label for=(field) { (rule.description) span.muted { "（" (rule_cost(&rule.kind)) "）" } }
                            div.inline {
                                button.secondary type="button" data-step="-1" data-for=(field) aria-label=(format!("{} 减一次", rule.description)) { "−" }
                                input.count id=(field) name=(field) type="number" min="0"
                                    max=[once_only(&rule.kind).then_some("1")] inputmode="numeric" value=(value)
                                    aria-invalid=[error.map(|_| "true")];
                                button type="button" data-step="1" data-for=(field) aria-label=(format!("{} 加一次", rule.description)) { "+1" }
                            }
                            @if let Some(m) = error { p.error role="alert" { (m) } }
                        }
                    }
                    @if item.time_limit.is_some() {
                        @let field = format!("t.{}", item.code);
                        @let value = form_value(typed, &field, || stored_item
                            .and_then(|i| i.elapsed_seconds).map(format_elapsed).unwrap_or_default());
                        @let error = problem(&field);
                        label for=(field) { "用时（分:秒）" }
                        div.inline {
                            input.elapsed id=(field) name=(field) type="text" placeholder="0:00" value=(value)
                                aria-invalid=[error.map(|_| "true")];
                            button.secondary type="button" data-timer=(field) { "开始计时" }
                        }
                        @if let Some(m) = error { p.error role="alert" { (m) } }
                    }
                    @let notes = format!("n.{}", item.code);
                    label for=(notes) { "备注" }
                    input id=(notes) name=(notes) type="text" maxlength="500"
                        value=(form_value(typed, &notes, || stored_item.map(|i| i.notes.clone()).unwrap_or_default()));
                }
            }
            @let absent = form_value(typed, "absent", || if stored.is_some_and(|r| r.absent) { "on".into() } else { String::new() }) == "on";
            label { input type="checkbox" name="absent" value="on" checked[absent] style="width:auto;min-height:0"; " 考生缺考" }
            @if signed {
                @let error = problem("correction_reason");
                label for="correction_reason" { "更正原因" }
                input id="correction_reason" name="correction_reason" type="text" maxlength="200"
                    value=(form_value(typed, "correction_reason", String::new))
                    aria-invalid=[error.map(|_| "true")];
                @if let Some(m) = error { p.error role="alert" { (m) } }
            }
            div.inline {
                button.secondary type="submit" name="intent" value="save" { "保存草稿" }
                button type="submit" name="intent" value="sign" { "保存并签名" }
            }
        }
        (sheet_script())
    }
}

/// Tap to count, and per-item stopwatches that fill the time field.
fn sheet_script() -> Markup {
    html! { script { (PreEscaped(r#"(function(){
document.querySelectorAll('button[data-step]').forEach(function(b){b.addEventListener('click',function(){
var i=document.getElementById(b.dataset.for);var v=(parseInt(i.value,10)||0)+parseInt(b.dataset.step,10);
var max=i.max?parseInt(i.max,10):Infinity;i.value=Math.max(0,Math.min(max,v));});});
document.querySelectorAll('button[data-timer]').forEach(function(b){var t=null,start=0,base=0;
b.addEventListener('click',function(){var i=document.getElementById(b.dataset.timer);
if(t){clearInterval(t);t=null;b.textContent='继续计时';return;}
var p=(i.value||'0:00').split(':');base=p.length>1?(parseInt(p[0],10)||0)*60+(parseInt(p[1],10)||0):(parseInt(p[0],10)||0);
start=Date.now();b.textContent='停止计时';
t=setInterval(function(){var s=base+Math.floor((Date.now()-start)/1000);i.value=Math.floor(s/60)+':'+('0'+s%60).slice(-2);},250);});});
})();"#)) } }
}

fn sheet_summary(s: &SheetView, assessor: &str) -> Markup {
    let status = match s.status {
        SheetStatus::Draft => "草稿",
        SheetStatus::Signed => "已签名",
        SheetStatus::Superseded => "已更正（原表）",
    };
    html! {
        div.card {
            p { strong { (assessor) } " · 第 " (s.version) " 版 · " span.badge { (status) }
                @if let Some(at) = s.signed_at { " · 签名于 " (china_time(at)) }
                @if let Some(r) = &s.correction_reason { br; span.muted { "更正原因：" (r) } } }
            p { "总分 " strong { (format!("{:.1}", s.score.total)) } " / " (format!("{:.0}", s.score.max))
                @if s.score.absent { " （缺考）" }
                " · " @for (area, points) in &s.score.areas { (area.name_zh()) " " (format!("{points:.1}")) "　" } }
            div.table-wrap { table {
                thead { tr { th { "项目" } th { "扣分" } th { "超时扣分" } th { "得分" } } }
                tbody { @for i in &s.score.items {
                    tr { td { (i.code) " " (i.name) } td { (format!("{:.1}", i.deducted)) } td { (format!("{:.1}", i.overtime)) }
                         td { (format!("{:.1}", i.score)) @if i.zeroed { " （不得分）" } } }
                } }
            } }
        }
    }
}

async fn render_candidate(
    state: &AppState,
    user: &ConsoleUser,
    id: i64,
    candidate: i64,
    typed: Option<&SheetFields>,
    problems: &[(String, String)],
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewPractical)?;
    let session = practical::get_session(state, id)
        .await
        .map_err(|e| user.fail(e))?;
    let me = my_assessor_id(state, user).await?;
    let part = part_in(&session, me);
    if user.principal.role == Role::Assessor && part.none() {
        return Err(user.fail(ApiError::conflict(
            "not_assigned",
            "您不是本场实操考试的考评员",
        )));
    }
    let person = practical::list_candidates(state, id)
        .await
        .map_err(|e| user.fail(e))?
        .into_iter()
        .find(|c| c.id == candidate)
        .ok_or_else(|| user.fail(ApiError::NotFound("实操考生")))?;
    let template =
        practical::get_template(state, &session.template_id, Some(session.template_version))
            .await
            .map_err(|e| user.fail(e))?;
    let sheets = practical::list_sheets(state, &user.principal, id, candidate)
        .await
        .map_err(|e| user.fail(e))?;
    let names = assessor_names(state, user).await?;
    let mine = me.and_then(|me| {
        sheets
            .iter()
            .filter(|s| s.assessor_id == me)
            .max_by_key(|s| s.version)
    });
    let can_score = part.scores && person.status == PracticalStatus::Pending;
    let body = html! {
        p { a href=(format!("/console/practical/{id}")) { "← 返回 " (session.title) } }
        h1 { "评分表：" (person.name) }
        p.muted { (person.id_number_masked) " · " (session.subject_name) " · " (session.apparatus_name) " · " (template.title) }
        @if !problems.is_empty() {
            div.notice role="alert" { "评分表有 " (problems.len()) " 处需要修改，详见下方标注。"
                @for (field, m) in problems.iter().filter(|(f, _)| f.is_empty()) { br; (m) (field) } }
        }
        @if can_score {
            (sheet_form(id, candidate, user, &template, mine, typed, problems))
        }
        h2 { "已有评分表" }
        @for s in &sheets {
            (sheet_summary(s, names.get(&s.assessor_id).map_or("考评员", String::as_str)))
        }
        @if sheets.is_empty() { p.muted { "暂无可查看的评分表（其他考评员的评分表在您签名后可见）。" } }
    };
    Ok(html_response(
        status,
        layout("实操", Some(user), body).into_string(),
    ))
}

/// `GET /console/practical/{id}/candidates/{candidate}`.
pub async fn candidate_page(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
) -> ConsoleResult<HttpResponse> {
    let (id, candidate) = path.into_inner();
    render_candidate(&state, &user, id, candidate, None, &[], StatusCode::OK).await
}

/// `POST /console/practical/{id}/candidates/{candidate}/sheet`: save the sheet, and sign it
/// when asked. A form that does not read, or a sheet the service refuses, re-shows the form
/// as typed with the problems; nothing is saved.
pub async fn save_sheet(
    user: ConsoleUser,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    form: web::Form<SheetFields>,
) -> ConsoleResult<HttpResponse> {
    let fields = form.into_inner();
    user.check_csrf(fields.raw("_csrf"))?;
    user.require(Permission::ScorePractical)?;
    let (id, candidate) = path.into_inner();
    let session = practical::get_session(&state, id)
        .await
        .map_err(|e| user.fail(e))?;
    let template =
        practical::get_template(&state, &session.template_id, Some(session.template_version))
            .await
            .map_err(|e| user.fail(e))?;
    let parsed = match parse_sheet(&template, &fields) {
        Ok(parsed) => parsed,
        Err(problems) => {
            return render_candidate(
                &state,
                &user,
                id,
                candidate,
                Some(&fields),
                &problems,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let request = WriteSheetRequest {
        record: parsed.record,
        correction_reason: parsed.correction_reason,
    };
    let saved = practical::write_sheet(&state, &user.principal, id, candidate, request).await;
    let result = match (saved, parsed.intent) {
        (Ok(_), Intent::Sign) => practical::sign_sheet(&state, &user.principal, id, candidate)
            .await
            .map(|_| ()),
        (Ok(_), Intent::Save) => Ok(()),
        (Err(e), _) => Err(e),
    };
    match result {
        Ok(()) => Ok(see_other(&format!(
            "/console/practical/{id}/candidates/{candidate}"
        ))),
        Err(e) if e.status_code().is_client_error() && e.code() != "not_found" => {
            let field = if e.code() == "sheet_signed" || e.code() == "invalid_reason" {
                "correction_reason".to_owned()
            } else {
                String::new()
            };
            let mut problems = vec![(field, message(&e))];
            problems.extend(e.details().iter().map(|d| (String::new(), d.clone())));
            render_candidate(
                &state,
                &user,
                id,
                candidate,
                Some(&fields),
                &problems,
                e.status_code(),
            )
            .await
        }
        Err(e) => Err(user.fail(e)),
    }
}

#[cfg(test)]
mod tests {
    use question_bank::practical::bundled_templates;

    use super::*;

    fn template() -> SheetTemplate {
        bundled_templates()
            .expect("bundled templates load")
            .into_iter()
            .find(|t| t.items.iter().any(|i| i.time_limit.is_some()))
            .expect("a bundled template with a timed item")
    }

    fn blank(t: &SheetTemplate) -> Vec<(String, String)> {
        let mut fields = vec![("intent".to_owned(), "sign".to_owned())];
        for item in &t.items {
            if item.time_limit.is_some() {
                fields.push((format!("t.{}", item.code), "1:05".to_owned()));
            }
        }
        fields
    }

    #[test]
    fn a_form_reads_into_a_record_with_every_item_and_the_counts_typed() {
        let t = template();
        let item = t.items.iter().find(|i| !i.deductions.is_empty()).unwrap();
        let rule = &item.deductions[0];
        let mut fields = blank(&t);
        fields.push((format!("c.{}.{}", item.code, rule.code), "2".to_owned()));
        fields.push((format!("n.{}", item.code), " 吊钩游摆 ".to_owned()));
        let parsed = parse_sheet(&t, &Pairs(fields)).unwrap();
        assert_eq!(parsed.intent, Intent::Sign);
        assert_eq!(parsed.record.items.len(), t.items.len());
        let recorded = &parsed.record.items[&item.code];
        assert_eq!(recorded.counts.get(&rule.code), Some(&2));
        assert_eq!(recorded.notes, "吊钩游摆");
        let timed = t.items.iter().find(|i| i.time_limit.is_some()).unwrap();
        assert_eq!(parsed.record.items[&timed.code].elapsed_seconds, Some(65));
        // And the service's own scoring accepts it.
        assert!(question_bank::practical::score(&t, &parsed.record).is_ok());
    }

    #[test]
    fn bad_counts_and_missing_times_are_reported_per_field() {
        let t = template();
        let item = t.items.iter().find(|i| !i.deductions.is_empty()).unwrap();
        let timed = t.items.iter().find(|i| i.time_limit.is_some()).unwrap();
        let count_field = format!("c.{}.{}", item.code, item.deductions[0].code);
        let mut fields: Vec<(String, String)> = blank(&t)
            .into_iter()
            .filter(|(k, _)| *k != format!("t.{}", timed.code))
            .collect();
        fields.push((count_field.clone(), "-1".to_owned()));
        let problems = parse_sheet(&t, &Pairs(fields)).unwrap_err();
        let named: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert!(named.contains(&count_field.as_str()), "{problems:?}");
        assert!(
            named.contains(&format!("t.{}", timed.code).as_str()),
            "{problems:?}"
        );
    }

    #[test]
    fn an_absent_candidate_needs_no_times() {
        let t = template();
        let fields = Pairs(vec![("absent".to_owned(), "on".to_owned())]);
        let parsed = parse_sheet(&t, &fields).unwrap();
        assert!(parsed.record.absent);
        assert_eq!(parsed.intent, Intent::Save);
    }

    #[test]
    fn elapsed_times_read_as_minutes_and_seconds_or_seconds() {
        assert_eq!(parse_elapsed("3:25"), Some(205));
        assert_eq!(parse_elapsed("0:05"), Some(5));
        assert_eq!(parse_elapsed("90"), Some(90));
        assert_eq!(parse_elapsed("1:75"), None);
        assert_eq!(parse_elapsed(""), None);
        assert_eq!(parse_elapsed("x:10"), None);
        assert_eq!(format_elapsed(205), "3:25");
    }
}
