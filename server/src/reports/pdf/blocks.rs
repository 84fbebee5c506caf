//! Document furniture shared by both reports: title block, section headings, paragraphs
//! and the signature/stamp lines.

use super::canvas::{Canvas, Style, CONTENT_W, GRAY, INK, MARGIN, PAGE_W, RULE};
use super::textfmt::cn_ordinal;

/// Centred title, institution name under it, a small note at the top right, double rule.
pub(super) fn title_block(c: &mut Canvas<'_>, title: &str, institution: &str, note: &str) {
    let note_st = Style::new(8.0).color(GRAY);
    let note = c.fit(note, note_st, CONTENT_W);
    c.text_right(MARGIN + CONTENT_W, c.y + 2.0, &note, note_st);
    let title_st = Style::new(20.0).bold();
    let title = c.fit(title, title_st, CONTENT_W);
    c.text_center(PAGE_W / 2.0, c.y + 34.0, &title, title_st);
    let inst_st = Style::new(12.5);
    let inst = c.fit(institution, inst_st, CONTENT_W);
    c.text_center(PAGE_W / 2.0, c.y + 56.0, &inst, inst_st);
    c.hline(MARGIN, MARGIN + CONTENT_W, c.y + 67.0, 1.6, INK);
    c.hline(MARGIN, MARGIN + CONTENT_W, c.y + 70.0, 0.5, INK);
    c.y += 80.0;
}

/// Numbered section heading ("一、考生信息"), kept on a page with `keep` points after it.
pub(super) fn heading(c: &mut Canvas<'_>, n: &mut usize, text: &str, keep: f32) {
    *n += 1;
    c.ensure(30.0 + keep);
    c.y += 8.0;
    let st = Style::new(11.5).bold();
    c.text(
        MARGIN,
        c.y + 12.0,
        &format!("{}、{}", cn_ordinal(*n), text),
        st,
    );
    c.y += 22.0;
}

/// A wrapped paragraph at the cursor.
pub(super) fn paragraph(c: &mut Canvas<'_>, text: &str, st: Style, indent: f32) {
    let line_h = st.size * 1.55;
    for line in c.wrap(text, st, CONTENT_W - indent, 12) {
        c.ensure(line_h);
        c.text(MARGIN + indent, c.y + st.size, &line, st);
        c.y += line_h;
    }
}

/// Signature lines side by side, each "label：" plus an underline of equal length; room
/// above them for a stamp.
pub(super) fn signatures(c: &mut Canvas<'_>, labels: &[&str]) {
    let h = 58.0;
    c.ensure(h);
    let st = Style::new(10.5);
    let gap = 18.0;
    let texts: Vec<String> = labels.iter().map(|l| format!("{l}：")).collect();
    let label_w: f32 = texts.iter().map(|t| c.width(t, st)).sum();
    let n = texts.len().max(1) as f32;
    let line_w = ((CONTENT_W - label_w - gap * (n - 1.0)) / n).max(30.0);
    let y = c.y + h - 14.0;
    let mut x = MARGIN;
    for text in &texts {
        c.text(x, y, text, st);
        x += c.width(text, st);
        c.hline(x + 2.0, x + line_w, y + 3.0, 0.6, RULE);
        x += line_w + gap;
    }
    c.y += h;
}
