//! 管理：机构信息 — the institution profile (`GET/PUT /api/v1/institution`): everyone who
//! may view the institution sees it; administrators edit it, apparatus one row each.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse, ResponseError};
use maud::{html, Markup};
use question_bank::practical::{Apparatus, SignallingKit};
use question_bank::wire::InstitutionProfile;
use question_bank::CraneType;
use serde::Deserialize;

use super::super::fields::{checkbox, input, is_checked, select, top_error, FormErrors, Pairs};
use super::super::{see_other, ConsoleResult, ConsoleUser};
use super::{admin_page, may, saved_notice};
use crate::auth::Permission;
use crate::service::{institution, AppState};

/// Most apparatus rows read from one form.
const MAX_APPARATUS: usize = 50;
/// Longest apparatus model.
const MAX_MODEL_CHARS: usize = 50;

/// One apparatus row as typed.
#[derive(Debug, Default, Clone)]
struct ApparatusRow {
    /// `crane`, `simulator`, or empty (no apparatus; removes the row).
    kind: String,
    crane_type: String,
    cab: bool,
    model: String,
}

impl ApparatusRow {
    fn of(a: &Apparatus) -> ApparatusRow {
        match a {
            Apparatus::Crane {
                crane_type,
                cab,
                model,
            } => ApparatusRow {
                kind: "crane".to_owned(),
                crane_type: crane_type.code().to_owned(),
                cab: *cab,
                model: model.clone(),
            },
            Apparatus::Simulator { crane_type, model } => ApparatusRow {
                kind: "simulator".to_owned(),
                crane_type: crane_type.code().to_owned(),
                cab: false,
                model: model.clone(),
            },
        }
    }
}

/// The profile form as typed.
#[derive(Debug, Default)]
struct ProfileForm {
    name: String,
    code: String,
    authority_code: String,
    full_time_staff: String,
    site_area_m2: String,
    flags: bool,
    whistle: bool,
    charts: bool,
    apparatus: Vec<ApparatusRow>,
}

impl ProfileForm {
    fn of(p: &InstitutionProfile) -> ProfileForm {
        ProfileForm {
            name: p.name.clone(),
            code: p.code.clone(),
            authority_code: p.authority_code.clone(),
            full_time_staff: p.full_time_staff.to_string(),
            site_area_m2: p.site_area_m2.to_string(),
            flags: p.signalling_kit.flags,
            whistle: p.signalling_kit.whistle,
            charts: p.signalling_kit.charts,
            apparatus: p.apparatus.iter().map(ApparatusRow::of).collect(),
        }
    }

    fn from_pairs(pairs: &Pairs) -> ProfileForm {
        let apparatus = (0..MAX_APPARATUS)
            .map_while(|i| {
                let key = |f: &str| format!("apparatus-{i}-{f}");
                pairs
                    .0
                    .iter()
                    .any(|(k, _)| *k == key("kind"))
                    .then(|| ApparatusRow {
                        kind: pairs.get(&key("kind")).to_owned(),
                        crane_type: pairs.get(&key("type")).to_owned(),
                        cab: is_checked(pairs.get(&key("cab"))),
                        model: pairs.get(&key("model")).to_owned(),
                    })
            })
            .collect();
        ProfileForm {
            name: pairs.get("name").to_owned(),
            code: pairs.get("code").to_owned(),
            authority_code: pairs.get("authority_code").to_owned(),
            full_time_staff: pairs.get("full_time_staff").to_owned(),
            site_area_m2: pairs.get("site_area_m2").to_owned(),
            flags: is_checked(pairs.get("kit_flags")),
            whistle: is_checked(pairs.get("kit_whistle")),
            charts: is_checked(pairs.get("kit_charts")),
            apparatus,
        }
    }

    /// The profile, or the form's errors.
    fn profile(&self) -> Result<InstitutionProfile, FormErrors> {
        let mut errors = FormErrors::default();
        let mut count = |field: &'static str, raw: &str| {
            raw.parse::<u32>().unwrap_or_else(|_| {
                errors.set(field, "应为 0 或正整数");
                0
            })
        };
        let full_time_staff = count("full_time_staff", &self.full_time_staff);
        let site_area_m2 = count("site_area_m2", &self.site_area_m2);
        let mut apparatus = Vec::new();
        for (i, row) in self.apparatus.iter().enumerate() {
            if row.kind.is_empty() {
                continue;
            }
            let crane_type = CraneType::ALL
                .into_iter()
                .find(|t| t.code() == row.crane_type);
            let Some(crane_type) = crane_type else {
                errors.set(format!("apparatus-{i}-type"), "请选择起重机类型");
                continue;
            };
            let model = row.model.trim().to_owned();
            if model.chars().count() > MAX_MODEL_CHARS || model.chars().any(char::is_control) {
                errors.set(
                    format!("apparatus-{i}-model"),
                    format!("型号不超过 {MAX_MODEL_CHARS} 字"),
                );
                continue;
            }
            apparatus.push(match row.kind.as_str() {
                "crane" => Apparatus::Crane {
                    crane_type,
                    cab: row.cab,
                    model,
                },
                "simulator" => Apparatus::Simulator { crane_type, model },
                _ => {
                    errors.set(format!("apparatus-{i}-kind"), "请选择设备类别");
                    continue;
                }
            });
        }
        if errors.any() {
            return Err(errors);
        }
        Ok(InstitutionProfile {
            name: self.name.clone(),
            code: self.code.clone(),
            authority_code: self.authority_code.clone(),
            full_time_staff,
            site_area_m2,
            apparatus,
            signalling_kit: SignallingKit {
                flags: self.flags,
                whistle: self.whistle,
                charts: self.charts,
            },
        })
    }
}

fn yes_no(b: bool) -> &'static str {
    if b {
        "有"
    } else {
        "无"
    }
}

fn profile_summary(p: &InstitutionProfile) -> Markup {
    let or_dash = |s: &str| {
        if s.is_empty() {
            "（未填写）".to_owned()
        } else {
            s.to_owned()
        }
    };
    html! {
        div.table-wrap { table {
            caption.visually-hidden { "当前机构信息" }
            tbody {
                tr { th scope="row" { "机构名称" } td { (or_dash(&p.name)) } }
                tr { th scope="row" { "考试机构代码" } td { (or_dash(&p.code)) } }
                tr { th scope="row" { "发证机关代码" } td { (or_dash(&p.authority_code)) } }
                tr { th scope="row" { "专职人员" } td { (p.full_time_staff) " 人" } }
                tr { th scope="row" { "实操场地面积" } td { (p.site_area_m2) " m²" } }
                tr { th scope="row" { "实操设备" } td {
                    @if p.apparatus.is_empty() { "（无）" }
                    @for a in &p.apparatus { (a.describe_zh()) br; }
                } }
                tr { th scope="row" { "指挥信号用具" } td {
                    "信号旗 " (yes_no(p.signalling_kit.flags)) "，口哨 " (yes_no(p.signalling_kit.whistle))
                    "，指挥信号图 " (yes_no(p.signalling_kit.charts))
                } }
            }
        } }
    }
}

fn apparatus_fieldset(i: usize, row: &ApparatusRow, errors: &FormErrors) -> Markup {
    let kinds = [
        (String::new(), "（无，保存时删除此行）".to_owned()),
        ("crane".to_owned(), "起重机".to_owned()),
        ("simulator".to_owned(), "模拟器".to_owned()),
    ];
    let types: Vec<(String, String)> = std::iter::once((String::new(), "请选择".to_owned()))
        .chain(
            CraneType::ALL
                .into_iter()
                .map(|t| (t.code().to_owned(), format!("{}起重机", t.name_zh()))),
        )
        .collect();
    html! {
        fieldset.card {
            legend { "设备 " (i + 1) }
            div.grid {
                (select("inst", &format!("apparatus-{i}-kind"), "类别", &kinds, &row.kind, errors))
                (select("inst", &format!("apparatus-{i}-type"), "起重机类型", &types, &row.crane_type, errors))
                (input("inst", &format!("apparatus-{i}-model"), "型号", "text", &row.model, errors))
            }
            (checkbox("inst", &format!("apparatus-{i}-cab"), "司机室操纵（仅实物起重机）", row.cab))
        }
    }
}

fn profile_form(user: &ConsoleUser, form: &ProfileForm, errors: &FormErrors) -> Markup {
    let mut rows = form.apparatus.clone();
    if rows.last().is_none_or(|r| !r.kind.is_empty()) {
        rows.push(ApparatusRow::default());
    }
    html! {
        h2 id="edit" { "修改机构信息" }
        form.card method="post" action="/console/admin/institution" {
            input type="hidden" name="_csrf" value=(user.csrf);
            (top_error(errors))
            div.grid {
                (input("inst", "name", "机构名称", "text", &form.name, errors))
                (input("inst", "code", "考试机构代码", "text", &form.code, errors))
                (input("inst", "authority_code", "发证机关代码", "text", &form.authority_code, errors))
                (input("inst", "full_time_staff", "专职人员（人）", "number", &form.full_time_staff, errors))
                (input("inst", "site_area_m2", "实操场地面积（m²）", "number", &form.site_area_m2, errors))
            }
            fieldset {
                legend { "指挥信号用具" }
                (checkbox("inst", "kit_flags", "红、绿信号旗", form.flags))
                (checkbox("inst", "kit_whistle", "口哨", form.whistle))
                (checkbox("inst", "kit_charts", "指挥信号图", form.charts))
            }
            h3 { "实操设备" }
            p.muted { "每行一台起重机或模拟器；类别选“无”即删除该行。最后一行空白行用于新增。" }
            @for (i, row) in rows.iter().enumerate() { (apparatus_fieldset(i, row, errors)) }
            button type="submit" { "保存" }
        }
    }
}

/// `?saved=1` after a successful POST.
#[derive(Debug, Default, Deserialize)]
pub struct Saved {
    #[serde(default)]
    saved: String,
}

async fn render(
    state: &AppState,
    user: &ConsoleUser,
    form: Option<&ProfileForm>,
    errors: &FormErrors,
    notice: Option<&str>,
    status: StatusCode,
) -> ConsoleResult<HttpResponse> {
    let profile = institution::profile(&state.store)
        .await
        .map_err(|e| user.fail(e))?;
    let current = ProfileForm::of(&profile);
    let body = html! {
        (saved_notice(notice))
        (profile_summary(&profile))
        @if may(user, Permission::ManageInstitution) {
            (profile_form(user, form.unwrap_or(&current), errors))
        }
    };
    admin_page(user, "机构信息", status, body)
}

/// `GET /console/admin/institution`.
pub async fn institution_page(
    user: ConsoleUser,
    state: web::Data<AppState>,
    saved: web::Query<Saved>,
) -> ConsoleResult<HttpResponse> {
    user.require(Permission::ViewInstitution)?;
    let notice = (saved.saved == "1").then_some("机构信息已保存。");
    render(
        &state,
        &user,
        None,
        &FormErrors::default(),
        notice,
        StatusCode::OK,
    )
    .await
}

/// `POST /console/admin/institution`: replace the profile (`institution::set_profile`).
pub async fn save_institution(
    user: ConsoleUser,
    state: web::Data<AppState>,
    pairs: web::Form<Pairs>,
) -> ConsoleResult<HttpResponse> {
    user.check_csrf(pairs.get("_csrf"))?;
    user.require(Permission::ManageInstitution)?;
    let form = ProfileForm::from_pairs(&pairs);
    let profile = match form.profile() {
        Ok(p) => p,
        Err(errors) => {
            return render(
                &state,
                &user,
                Some(&form),
                &errors,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    match institution::set_profile(&state, &user.principal, profile).await {
        Ok(_) => Ok(see_other("/console/admin/institution?saved=1")),
        Err(e) if e.status_code().is_client_error() => {
            let mut errors = FormErrors::default();
            match e.code() {
                "invalid_code" => {
                    errors.set("code", super::super::message(&e));
                    errors.set("authority_code", super::super::message(&e));
                }
                "invalid_name" => errors.set("name", super::super::message(&e)),
                _ => errors.top = Some(super::super::message(&e)),
            }
            render(&state, &user, Some(&form), &errors, None, e.status_code()).await
        }
        Err(e) => Err(user.fail(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Pairs {
        Pairs(
            list.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn apparatus_rows_are_read_in_order_and_blank_ones_dropped() {
        let form = ProfileForm::from_pairs(&pairs(&[
            ("name", "杭州考试中心"),
            ("full_time_staff", "3"),
            ("site_area_m2", "200"),
            ("kit_whistle", "on"),
            ("apparatus-0-kind", "crane"),
            ("apparatus-0-type", "bridge"),
            ("apparatus-0-cab", "on"),
            ("apparatus-0-model", "QD 5t"),
            ("apparatus-1-kind", ""),
            ("apparatus-1-type", ""),
            ("apparatus-2-kind", "simulator"),
            ("apparatus-2-type", "mobile"),
            ("apparatus-2-model", "SIM-1"),
        ]));
        let p = form.profile().unwrap();
        assert_eq!((p.full_time_staff, p.site_area_m2), (3, 200));
        assert!(p.signalling_kit.whistle && !p.signalling_kit.flags);
        assert_eq!(
            p.apparatus,
            vec![
                Apparatus::Crane {
                    crane_type: CraneType::Bridge,
                    cab: true,
                    model: "QD 5t".to_owned()
                },
                Apparatus::Simulator {
                    crane_type: CraneType::Mobile,
                    model: "SIM-1".to_owned()
                },
            ]
        );
    }

    #[test]
    fn bad_numbers_and_a_missing_crane_type_are_field_errors() {
        let form = ProfileForm::from_pairs(&pairs(&[
            ("full_time_staff", "三"),
            ("site_area_m2", "-1"),
            ("apparatus-0-kind", "crane"),
            ("apparatus-0-type", ""),
        ]));
        let errors = form.profile().unwrap_err();
        assert_eq!(errors.get("full_time_staff"), Some("应为 0 或正整数"));
        assert!(errors.get("site_area_m2").is_some());
        assert_eq!(errors.get("apparatus-0-type"), Some("请选择起重机类型"));
    }
}
