//! The score-sheet templates shipped with CraneExam, compiled in as data (`practical/*.toml`).

use super::template::{SheetTemplate, TemplateError};

/// `(file name, TOML text)` of every bundled template.
pub const FILES: &[(&str, &str)] = &[
    (
        "q2-bridge.toml",
        include_str!("../../practical/q2-bridge.toml"),
    ),
    (
        "q2-mobile.toml",
        include_str!("../../practical/q2-mobile.toml"),
    ),
    (
        "q1-signaller.toml",
        include_str!("../../practical/q1-signaller.toml"),
    ),
];

/// Parse and validate every bundled template.
pub fn bundled_templates() -> Result<Vec<SheetTemplate>, TemplateError> {
    FILES
        .iter()
        .map(|(_, text)| SheetTemplate::from_toml(text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::practical::sheet::{score, ItemRecord, SheetRecord};
    use crate::practical::template::{DeductionKind, Overtime, PracticalArea};
    use crate::subject::{CraneType, Subject};

    #[test]
    fn bundled_templates_are_valid_and_cover_bridge_mobile_and_signaller() {
        let templates = bundled_templates().unwrap_or_else(|e| panic!("{e}"));
        let subjects: Vec<Subject> = templates.iter().map(|t| t.subject).collect();
        assert_eq!(
            subjects,
            [
                Subject::Q2(Some(CraneType::Bridge)),
                Subject::Q2(Some(CraneType::Mobile)),
                Subject::Q1
            ]
        );
        for t in &templates {
            assert_eq!(t.id, t.subject.code(), "template id is the subject key");
            assert!(t.items.iter().all(|i| !i.deductions.is_empty()), "{}", t.id);
        }
    }

    #[test]
    fn bridge_sheet_carries_the_national_sample_deductions() {
        let templates = bundled_templates().unwrap();
        let drop = templates[0].item("OP2").unwrap();
        let kind = |code| drop.rule(code).unwrap().kind;
        assert_eq!(
            kind("stop"),
            DeductionKind::PerOccurrence {
                tenths: 50,
                cap_tenths: None
            }
        );
        assert_eq!(kind("spill"), DeductionKind::ZeroItem);
        assert!(matches!(
            kind("off100"),
            DeductionKind::PerOccurrence { tenths: 100, .. }
        ));
        assert!(matches!(
            kind("off50"),
            DeductionKind::PerOccurrence { tenths: 50, .. }
        ));
        assert_eq!(drop.time_limit.unwrap().overtime, Overtime::ZeroItem);
        let clips = templates[0].item("ID3").unwrap();
        assert_eq!(
            clips.rule("clip_size").unwrap().kind,
            DeductionKind::ZeroItem
        );
    }

    proptest::proptest! {
        #[test]
        fn any_valid_record_on_a_bundled_sheet_scores_within_bounds(
            seed in proptest::collection::vec((0u32..20, 0u32..=1, 0u32..2_000), 40),
        ) {
            for template in bundled_templates().unwrap() {
                let mut draws = seed.iter().cycle();
                let mut record = SheetRecord {
                    template_id: template.id.clone(),
                    template_version: template.version,
                    ..SheetRecord::default()
                };
                for item in &template.items {
                    let mut rec = ItemRecord::default();
                    for rule in &item.deductions {
                        let &(many, once, elapsed) = draws.next().unwrap();
                        let count = match rule.kind {
                            DeductionKind::PerOccurrence { .. } => many,
                            _ => once,
                        };
                        rec.counts.insert(rule.code.clone(), count);
                        rec.elapsed_seconds = Some(elapsed);
                    }
                    record.items.insert(item.code.clone(), rec);
                }
                let s = score(&template, &record).unwrap();
                for (i, item) in s.items.iter().zip(&template.items) {
                    proptest::prop_assert!(i.score_tenths <= item.max_tenths);
                }
                proptest::prop_assert_eq!(s.total_tenths, s.items.iter().map(|i| i.score_tenths).sum::<u32>());
                proptest::prop_assert_eq!(s.max_tenths, 1000);
            }
        }
    }

    #[test]
    fn signaller_demonstrates_ten_signals_at_3_points_in_10_minutes() {
        let signals = bundled_templates().unwrap()[2].item("OP1").unwrap().clone();
        assert_eq!(signals.area, PracticalArea::Operation);
        assert_eq!(signals.max_tenths, 10 * 30);
        assert_eq!(signals.time_limit.unwrap().seconds, 600);
        for code in ["hand", "flag"] {
            assert_eq!(
                signals.rule(code).unwrap().kind,
                DeductionKind::PerOccurrence {
                    tenths: 30,
                    cap_tenths: Some(5 * 30)
                }
            );
        }
    }
}
