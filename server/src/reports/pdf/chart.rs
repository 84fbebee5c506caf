//! Charts drawn with plain paths: score histogram, area sub-score bars, pass-rate trend.

use super::canvas::{Canvas, Style, BLUE, CONTENT_W, GRAY, INK, LIGHT, MARGIN, PALE, RED, RULE};
use super::textfmt::{num, ratio};
use super::{AreaMean, HistogramBin, TrendPoint};

/// Room left of the plot for y-axis labels.
const AXIS_W: f32 = 34.0;

/// Largest count shown on the y axis and its tick step, for a maximum of `max`.
fn nice_axis(max: u32) -> (u32, u32) {
    let max = max.max(1);
    let mut step = 1u32;
    for s in [
        1u32, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000,
    ] {
        step = s;
        if max.div_ceil(s) <= 5 {
            break;
        }
    }
    if max.div_ceil(step) > 5 {
        step = max.div_ceil(5);
    }
    (max.div_ceil(step).saturating_mul(step), step)
}

/// Lower and upper bound of a label like "60-69" (also "60~69", "60–69").
fn parse_range(label: &str) -> Option<(f64, f64)> {
    let t: String = label
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '分')
        .collect();
    let (a, b) = t.split_once(['-', '~', '–', '～', '—'])?;
    let (a, b) = (a.parse::<f64>().ok()?, b.parse::<f64>().ok()?);
    (a.is_finite() && b.is_finite() && a <= b).then_some((a, b))
}

/// Bar chart of the score distribution with counts over bars and the pass mark marked.
pub(super) fn histogram(c: &mut Canvas<'_>, bins: &[HistogramBin], pass_mark: f64, height: f32) {
    if bins.is_empty() {
        c.text(MARGIN, c.y + 10.0, "无成绩数据", Style::new(10.0));
        c.y += 16.0;
        return;
    }
    let top = c.y;
    let (px0, px1) = (MARGIN + AXIS_W, MARGIN + CONTENT_W - 8.0);
    let (py0, py1) = (top + 24.0, top + height - 30.0);
    let small = Style::new(7.5).color(GRAY);
    c.text(MARGIN, top + 14.0, "人数", small);
    let max = bins.iter().map(|b| b.count).max().unwrap_or(0);
    let (ymax, step) = nice_axis(max);
    let y_of = |v: u32| py1 - (py1 - py0) * (v as f32 / ymax as f32);
    let mut tick = 0u32;
    loop {
        let y = y_of(tick);
        if tick > 0 {
            c.polyline(vec![(px0, y), (px1, y)], 0.3, LIGHT, false);
        }
        c.hline(px0 - 3.0, px0, y, 0.6, RULE);
        c.text_right(px0 - 5.0, y + 2.6, &tick.to_string(), small);
        match tick.checked_add(step.max(1)) {
            Some(t) if t <= ymax => tick = t,
            _ => break,
        }
    }
    let ranges: Option<Vec<(f64, f64)>> = bins.iter().map(|b| parse_range(&b.label)).collect();
    let slot = (px1 - px0) / bins.len() as f32;
    let label_st = Style::new(if slot < 30.0 { 6.5 } else { 7.5 });
    for (i, bin) in bins.iter().enumerate() {
        let passing = ranges
            .as_ref()
            .and_then(|r| r.get(i))
            .is_some_and(|(lo, _)| *lo >= pass_mark);
        let cx = px0 + slot * (i as f32 + 0.5);
        let bw = slot * 0.68;
        let y = y_of(bin.count);
        c.rect(
            cx - bw / 2.0,
            y,
            bw,
            py1 - y,
            if passing || ranges.is_none() {
                BLUE
            } else {
                PALE
            },
        );
        let count_st = Style::new(8.0).color(if bin.count == 0 { GRAY } else { INK });
        c.text_center(cx, y - 3.0, &bin.count.to_string(), count_st);
        let label = c.fit(&bin.label, label_st, slot - 2.0);
        c.text_center(cx, py1 + 11.0, &label, label_st);
    }
    c.hline(px0, px1, py1, 0.8, RULE);
    c.vline(px0, py0 - 6.0, py1, 0.8, RULE);
    c.text_center((px0 + px1) / 2.0, py1 + 24.0, "分数段（分）", small);

    let legend = format!("合格线 {} 分", num(pass_mark, 1));
    let mark_x = ranges
        .as_ref()
        .and_then(|r| pass_mark_x(r, pass_mark))
        .map(|f| px0 + slot * f);
    let red = Style::new(7.5).color(RED);
    match mark_x {
        Some(x) => {
            c.polyline(vec![(x, top + 2.0), (x, py1)], 0.9, RED, true);
            let w = c.width(&legend, red);
            let lx = if x + 3.0 + w > px1 {
                x - 3.0 - w
            } else {
                x + 3.0
            };
            c.text(lx, top + 8.0, &legend, red);
        }
        None => c.text_right(px1, top + 8.0, &legend, red),
    }
    c.y = top + height;
}

/// Horizontal position of `mark` in slot units, for bins with numeric ranges.
fn pass_mark_x(ranges: &[(f64, f64)], mark: f64) -> Option<f32> {
    if !mark.is_finite() {
        return None;
    }
    for (i, &(lo, hi)) in ranges.iter().enumerate() {
        // Integer bins "60-69" cover [60, 70); the last one "90-100" includes 100.
        let next = ranges.get(i + 1).map_or(hi, |n| n.0);
        let upper = if next > hi { next } else { hi + 1.0 };
        let last = i + 1 == ranges.len();
        if mark >= lo && (mark < upper || (last && mark <= upper)) {
            let f = ratio(mark - lo, upper - lo).unwrap_or(0.0);
            return Some(i as f32 + f as f32);
        }
    }
    None
}

/// One small horizontal bar per area: mean / max, with the figures at the right.
pub(super) fn area_bars(c: &mut Canvas<'_>, areas: &[AreaMean]) {
    let row_h = 17.0;
    let name_w = 120.0;
    let text_w = 104.0;
    let st = Style::new(9.0);
    for a in areas {
        c.ensure(row_h);
        let mid = c.y + row_h / 2.0;
        let name = c.fit(&a.name, st, name_w - 6.0);
        c.text(MARGIN, mid + 3.2, &name, st);
        let x0 = MARGIN + name_w;
        let w = CONTENT_W - name_w - text_w;
        let r = ratio(a.mean, a.max);
        c.rect(x0, mid - 4.0, w, 8.0, LIGHT);
        c.rect(x0, mid - 4.0, w * r.unwrap_or(0.0) as f32, 8.0, BLUE);
        let pct = r.map_or_else(String::new, |r| format!("（{:.1}%）", r * 100.0));
        let label = format!("{} / {}{}", num(a.mean, 1), num(a.max, 1), pct);
        c.text_right(MARGIN + CONTENT_W, mid + 3.2, &label, st);
        c.y += row_h;
    }
}

/// Line chart of pass rate per period, 0–100 %, with the rate and n under each point.
pub(super) fn trend(c: &mut Canvas<'_>, points: &[TrendPoint], height: f32) {
    let top = c.y;
    let (px0, px1) = (MARGIN + AXIS_W, MARGIN + CONTENT_W - 8.0);
    let (py0, py1) = (top + 14.0, top + height - 30.0);
    let small = Style::new(7.5).color(GRAY);
    c.text(MARGIN, top + 6.0, "合格率", small);
    for p in (0..=100).step_by(20) {
        let y = py1 - (py1 - py0) * p as f32 / 100.0;
        if p > 0 {
            c.polyline(vec![(px0, y), (px1, y)], 0.3, LIGHT, false);
        }
        c.hline(px0 - 3.0, px0, y, 0.6, RULE);
        c.text_right(px0 - 5.0, y + 2.6, &format!("{p}%"), small);
    }
    let slot = (px1 - px0) / points.len().max(1) as f32;
    let label_st = Style::new(if slot < 40.0 { 6.5 } else { 7.5 });
    let mut segment: Vec<(f32, f32)> = Vec::new();
    let mut dots = Vec::new();
    for (i, p) in points.iter().enumerate() {
        let x = px0 + slot * (i as f32 + 0.5);
        let label = c.fit(&p.period, label_st, slot - 2.0);
        c.text_center(x, py1 + 11.0, &label, label_st);
        c.text_center(x, py1 + 21.0, &format!("n={}", p.sat), small);
        match ratio(f64::from(p.passed), f64::from(p.sat)) {
            Some(r) => {
                let y = py1 - (py1 - py0) * r as f32;
                segment.push((x, y));
                dots.push((x, y, format!("{:.1}%", r * 100.0)));
            }
            None => c.polyline(std::mem::take(&mut segment), 1.4, BLUE, false),
        }
    }
    c.polyline(segment, 1.4, BLUE, false);
    for (x, y, label) in dots {
        c.dot(x, y, 2.6, BLUE);
        c.text_center(x, y - 5.0, &label, Style::new(7.5));
    }
    c.hline(px0, px1, py1, 0.8, RULE);
    c.vline(px0, py0 - 6.0, py1, 0.8, RULE);
    c.y = top + height;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_and_ranges() {
        assert_eq!(nice_axis(0), (1, 1));
        assert_eq!(nice_axis(7), (8, 2));
        assert_eq!(nice_axis(13), (15, 5));
        assert!(nice_axis(u32::MAX).0 >= 5);
        assert_eq!(parse_range("60-69"), Some((60.0, 69.0)));
        assert_eq!(parse_range("60 ~ 69分"), Some((60.0, 69.0)));
        assert_eq!(parse_range("不及格"), None);
        let bins: Vec<(f64, f64)> = (0..10)
            .map(|i| (i as f64 * 10.0, i as f64 * 10.0 + 9.0))
            .collect();
        assert_eq!(pass_mark_x(&bins, 70.0), Some(7.0));
        assert_eq!(pass_mark_x(&bins, 100.0), Some(10.0));
        assert_eq!(pass_mark_x(&bins, 101.0), None);
        assert_eq!(pass_mark_x(&bins, f64::NAN), None);
    }
}
