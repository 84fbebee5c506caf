//! Canonical JSON: the one byte string a value hashes to.
//!
//! Object keys sorted by their UTF-8 bytes, no insignificant whitespace, scalars as
//! `serde_json` writes them (integers as digits, strings with JSON escapes). For the
//! ASCII keys used in records this is the ordering of RFC 8785 (JCS); records carry no
//! floating-point numbers, so JCS's number rules never come into play.

use serde::Serialize;
use serde_json::Value;

/// `value` as canonical JSON text.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write(value, &mut out);
    out
}

/// Any serialisable value as canonical JSON text.
pub fn to_canonical<T: Serialize>(value: &T) -> Result<String, serde_json::Error> {
    Ok(canonical_json(&serde_json::to_value(value)?))
}

fn write(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_level_and_whitespace_dropped() {
        let v = json!({"b": 1, "a": {"z": [3, {"y": null, "x": "中文\"q"}], "c": true}});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"c":true,"z":[3,{"x":"中文\"q","y":null}]},"b":1}"#
        );
    }

    #[test]
    fn canonical_text_is_a_fixed_point() {
        let v = json!({"k": [1, 2, {"b": "x", "a": -7}], "e": {}});
        let once = canonical_json(&v);
        let again = canonical_json(&serde_json::from_str(&once).unwrap());
        assert_eq!(once, again);
    }

    /// Regression (fuzz/archive_record): with serde_json's default float parsing,
    /// re-parsing the canonical text of this number gave a value one ULP away, so the
    /// canonical form was not a fixed point.
    #[test]
    fn canonical_text_is_a_fixed_point_for_floats() {
        for text in [
            "51555555555155555012e0166",
            "[0.1,2.5e-308,1.7976931348623157e308]",
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            let once = canonical_json(&value);
            let reparsed: Value = serde_json::from_str(&once).unwrap();
            assert_eq!(reparsed, value, "{text}");
            assert_eq!(canonical_json(&reparsed), once, "{text}");
        }
    }
}
