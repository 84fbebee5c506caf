//! Form building blocks shared by the newer console pages: a labelled input or select
//! with its error message linked by `aria-describedby`, and the per-field error set.

use maud::{html, Markup};

use super::layout::field_error;
use super::message;
use crate::error::ApiError;

/// Messages of one form: per field name, plus `top` for what belongs to no field.
#[derive(Debug, Default)]
pub struct FormErrors {
    fields: Vec<(String, String)>,
    /// A message for the form as a whole.
    pub top: Option<String>,
}

impl FormErrors {
    /// The message for `field`, if any.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }

    /// Set `field`'s message unless it already has one (the first problem is shown).
    pub fn set(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let field = field.into();
        if self.get(&field).is_none() {
            self.fields.push((field, message.into()));
        }
    }

    /// Put an API error at the field `field_of` names for its code, or at the top.
    pub fn put(&mut self, e: &ApiError, field_of: impl Fn(&str) -> Option<&'static str>) {
        match field_of(e.code()) {
            Some(field) => self.set(field, message(e)),
            None => {
                self.top.get_or_insert_with(|| message(e));
            }
        }
    }

    /// Whether there is any message.
    pub fn any(&self) -> bool {
        self.top.is_some() || !self.fields.is_empty()
    }
}

/// A submitted form as name/value pairs, for forms with repeated names (checkbox
/// groups) or numbered rows.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// The first value of `name`, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// The first value of `name` exactly as sent (passwords); empty when absent.
    pub fn raw(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`, trimmed.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.trim())
    }
}

/// `id` of a field's element: the form's prefix and the field name.
fn element_id(form: &str, name: &str) -> String {
    format!("{form}-{name}")
}

/// A labelled `<input>` named `name` (id `{form}-{name}`), showing `value` and the
/// field's error.
pub fn input(
    form: &str,
    name: &str,
    label: &str,
    kind: &str,
    value: &str,
    errors: &FormErrors,
) -> Markup {
    let id = element_id(form, name);
    let error = errors.get(name);
    html! {
        div {
            label for=(id) { (label) }
            input id=(id) name=(name) type=(kind) value=(value)
                autocomplete=[(kind == "password").then_some("new-password")]
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| format!("{id}-error"))];
            (field_error(&id, error))
        }
    }
}

/// A labelled `<select>` of `(value, label)` options with `selected` chosen.
pub fn select(
    form: &str,
    name: &str,
    label: &str,
    options: &[(String, String)],
    selected: &str,
    errors: &FormErrors,
) -> Markup {
    let id = element_id(form, name);
    let error = errors.get(name);
    html! {
        div {
            label for=(id) { (label) }
            select id=(id) name=(name)
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| format!("{id}-error"))] {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
            (field_error(&id, error))
        }
    }
}

/// A checkbox with its label after it.
pub fn checkbox(form: &str, name: &str, label: &str, checked: bool) -> Markup {
    let id = element_id(form, name);
    html! {
        div.check {
            input id=(id) name=(name) type="checkbox" value="on" checked[checked];
            label for=(id) { (label) }
        }
    }
}

/// The form-wide message, when there is one.
pub fn top_error(errors: &FormErrors) -> Markup {
    html! {
        @if let Some(top) = &errors.top {
            p.notice role="alert" { (top) }
        }
    }
}

/// Whether a checkbox value means "checked".
pub fn is_checked(value: &str) -> bool {
    matches!(value.trim(), "on" | "true" | "1")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_message_of_a_field_is_kept_and_linked() {
        let mut errors = FormErrors::default();
        errors.set("name", "姓名不能为空");
        errors.set("name", "second");
        assert_eq!(errors.get("name"), Some("姓名不能为空"));
        assert!(errors.any());
        let html = input("f", "name", "姓名", "text", "x<y", &errors).into_string();
        assert!(html.contains("aria-invalid=\"true\""), "{html}");
        assert!(html.contains("aria-describedby=\"f-name-error\""));
        assert!(html.contains("id=\"f-name-error\""));
        assert!(html.contains("value=\"x&lt;y\""));
        let clean = input("f", "other", "其他", "text", "", &errors).into_string();
        assert!(!clean.contains("aria-invalid"));
    }
}
