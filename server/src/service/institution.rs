//! The institution (考试机构): its profile, registered terminals, assessors (考评员) and
//! the compliance check against the annex 《起重机操作人员考试机构基本要求》.

use chrono::Months;
use question_bank::practical::{
    check_assignment, check_institution, AssessorProfile, InstitutionFacts,
};
use question_bank::wire::{
    AssessorView, ComplianceView, InstitutionProfile, RegisterAssessorRequest,
    RegisterTerminalRequest, TerminalView,
};

use super::{validate, AppState};
use crate::auth::password::hash_password_blocking;
use crate::auth::Principal;
use crate::clock::{china_date, now_millis, to_datetime};
use crate::error::{ApiError, ApiResult};
use crate::store::practical::{AssessorRow, TerminalRow};
use crate::store::Store;

/// The institution profile (empty until an administrator fills it in).
pub async fn profile(store: &Store) -> ApiResult<InstitutionProfile> {
    Ok(match store.institution_profile().await? {
        Some(json) => serde_json::from_str(&json).map_err(anyhow::Error::from)?,
        None => InstitutionProfile::default(),
    })
}

/// The compliance report as a table for the terminal.
pub fn compliance_table(c: &ComplianceView) -> String {
    let mut out = format!(
        "考试机构基本条件核查 Compliance check: {} ({})\n",
        if c.institution.is_empty() {
            "（未填写机构名称）"
        } else {
            &c.institution
        },
        c.date
    );
    for r in &c.report.rules {
        out.push_str(&format!(
            "  [{}] {}：{}（要求 {}）\n",
            if r.passed { "合格" } else { "不合格" },
            r.description_zh,
            r.figure,
            r.required
        ));
    }
    out.push_str(if c.report.passed {
        "结论：全部符合\n"
    } else {
        "结论：有不符合项\n"
    });
    out
}

/// Replace the institution profile.
pub async fn set_profile(
    state: &AppState,
    by: &Principal,
    p: InstitutionProfile,
) -> ApiResult<InstitutionProfile> {
    if p.name.trim().is_empty() || p.name.chars().count() > 100 {
        return Err(ApiError::invalid(
            "invalid_name",
            "机构名称不能为空且不超过 100 字",
        ));
    }
    let code_ok =
        |c: &str| c.len() <= 32 && c.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !code_ok(&p.code) || !code_ok(&p.authority_code) {
        return Err(ApiError::invalid(
            "invalid_code",
            "机构代码和发证机关代码应为不超过 32 位的字母、数字或连字符",
        ));
    }
    let json = serde_json::to_string(&p).map_err(anyhow::Error::from)?;
    state
        .store
        .set_institution_profile(&json, now_millis())
        .await?;
    state
        .store
        .audit(&by.name, "institution.update", "institution", &p.name)
        .await?;
    Ok(p)
}

fn terminal_view(t: &TerminalRow) -> TerminalView {
    TerminalView {
        id: t.id,
        label: t.label.clone(),
        location: t.location.clone(),
        active: t.active,
        registered_at: to_datetime(t.registered_at),
    }
}

/// Register an exam terminal.
pub async fn add_terminal(
    state: &AppState,
    by: &Principal,
    req: RegisterTerminalRequest,
) -> ApiResult<TerminalView> {
    let label = req.label.trim();
    if label.is_empty() || label.chars().count() > 32 {
        return Err(ApiError::invalid(
            "invalid_label",
            "终端编号不能为空且不超过 32 字",
        ));
    }
    let row = state
        .store
        .add_terminal(label, req.location.trim(), now_millis())
        .await?;
    state
        .store
        .audit(
            &by.name,
            "terminal.register",
            &format!("terminal:{}", row.id),
            label,
        )
        .await?;
    Ok(terminal_view(&row))
}

/// Registered terminals.
pub async fn terminals(state: &AppState) -> ApiResult<Vec<TerminalView>> {
    Ok(state
        .store
        .terminals()
        .await?
        .iter()
        .map(terminal_view)
        .collect())
}

fn assessor_view(row: &AssessorRow) -> ApiResult<AssessorView> {
    let profile: AssessorProfile =
        serde_json::from_str(&row.profile_json).map_err(anyhow::Error::from)?;
    let today = china_date(now_millis());
    let mut problems: Vec<String> = Vec::new();
    for &subject in &profile.subjects {
        if let Err(why) = check_assignment(&profile, subject, today) {
            for w in why {
                let text = w.to_string();
                if !problems.contains(&text) {
                    problems.push(text);
                }
            }
        }
    }
    Ok(AssessorView {
        id: row.id,
        username: row.username.clone(),
        profile,
        problems,
    })
}

fn check_profile(p: &AssessorProfile) -> ApiResult<()> {
    validate::person_name(&p.name)?;
    if p.subjects.is_empty() {
        return Err(ApiError::invalid(
            "invalid_subjects",
            "请至少填写一个考评项目",
        ));
    }
    if p.practice_years > 60 || p.teaching_years > 60 {
        return Err(ApiError::invalid("invalid_years", "工作年限应为 0–60 年"));
    }
    Ok(())
}

/// Register an assessor with a sign-in account of role `assessor`. An assessor who does
/// not (yet) meet the requirements is registered, with the reasons listed; they cannot
/// be assigned to sessions until they do.
pub async fn register_assessor(
    state: &AppState,
    by: &Principal,
    req: RegisterAssessorRequest,
) -> ApiResult<AssessorView> {
    check_profile(&req.profile)?;
    let username = validate::username(&req.username)?;
    validate::password(&req.password)?;
    let hash = hash_password_blocking(req.password).await?;
    let json = serde_json::to_string(&req.profile).map_err(anyhow::Error::from)?;
    let id = state
        .store
        .create_assessor(
            username,
            &hash,
            req.profile.id_number.as_str(),
            &json,
            req.profile.name.trim(),
            now_millis(),
        )
        .await?;
    state
        .store
        .audit(
            &by.name,
            "assessor.register",
            &format!("assessor:{id}"),
            &req.profile.name,
        )
        .await?;
    assessor(state, id).await
}

/// Replace an assessor's profile (status, filing, titles...); the ID number stays.
pub async fn update_assessor(
    state: &AppState,
    by: &Principal,
    id: i64,
    profile: AssessorProfile,
) -> ApiResult<AssessorView> {
    check_profile(&profile)?;
    let current = assessor(state, id).await?;
    if current.profile.id_number != profile.id_number {
        return Err(ApiError::invalid(
            "id_number_fixed",
            "考评员身份证号码不能修改",
        ));
    }
    let json = serde_json::to_string(&profile).map_err(anyhow::Error::from)?;
    state.store.update_assessor(id, &json, now_millis()).await?;
    state
        .store
        .audit(
            &by.name,
            "assessor.update",
            &format!("assessor:{id}"),
            profile.status.name_zh(),
        )
        .await?;
    assessor(state, id).await
}

/// One assessor.
pub async fn assessor(state: &AppState, id: i64) -> ApiResult<AssessorView> {
    let row = state
        .store
        .assessor(id)
        .await?
        .ok_or(ApiError::NotFound("考评员"))?;
    assessor_view(&row)
}

/// Every assessor.
pub async fn assessors(state: &AppState) -> ApiResult<Vec<AssessorView>> {
    state
        .store
        .assessors()
        .await?
        .iter()
        .map(assessor_view)
        .collect()
}

/// Check the institution against the annex's rules, today, from what is on record.
pub async fn compliance(store: &Store) -> ApiResult<ComplianceView> {
    let now = now_millis();
    let today = china_date(now);
    let profile = profile(store).await?;
    let year_ago = today
        .checked_sub_months(Months::new(12))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map_or(0, |d| d.and_utc().timestamp_millis() - 8 * 3_600_000);
    let mut assessors = Vec::new();
    for row in store.assessors().await? {
        assessors.push(serde_json::from_str(&row.profile_json).map_err(anyhow::Error::from)?);
    }
    let terminals = store.terminals().await?;
    let facts = InstitutionFacts {
        full_time_staff: profile.full_time_staff,
        assessors,
        exams_last_12_months: u32::try_from(store.people_examined_since(year_ago).await?)
            .map_err(anyhow::Error::from)?,
        exam_terminals: u32::try_from(terminals.iter().filter(|t| t.active).count())
            .map_err(anyhow::Error::from)?,
        site_area_m2: profile.site_area_m2,
        apparatus: profile.apparatus.clone(),
        signalling_kit: profile.signalling_kit,
    };
    Ok(ComplianceView {
        institution: profile.name,
        date: today,
        report: check_institution(&facts, today),
    })
}
