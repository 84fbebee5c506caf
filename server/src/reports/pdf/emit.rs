//! Writes laid-out pages with krilla: glyph runs in the embedded (subset) font, rules,
//! filled shapes.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, LineCap, LineJoin, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::Font as KFont;
use krilla::Document;

use super::canvas::{Rgb, Style, PAGE_H, PAGE_W};
use super::text::Shaper;
use super::{FontSource, PdfError};

/// One drawing operation, in page coordinates (points, y down).
pub(super) enum Op {
    Text {
        x: f32,
        y: f32,
        text: String,
        style: Style,
    },
    Stroke {
        pts: Vec<(f32, f32)>,
        width: f32,
        color: Rgb,
        dash: bool,
    },
    Fill {
        pts: Vec<(f32, f32)>,
        color: Rgb,
    },
    Dot {
        x: f32,
        y: f32,
        r: f32,
        color: Rgb,
    },
}

/// Writes `pages` (background ops, then the rest, per page) as a PDF document.
pub(super) fn write(
    font: &FontSource,
    pages: &[(Vec<Op>, Vec<Op>)],
    regular: &Shaper<'_>,
    mono: Option<&Shaper<'_>>,
    title: &str,
) -> Result<Vec<u8>, PdfError> {
    let kfont = font.krilla_font(font.index())?;
    let kmono = match font.mono_index() {
        Some(i) => Some(font.krilla_font(i)?),
        None => None,
    };
    let mut doc = Document::new();
    doc.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .creator("CraneExam 考试系统".to_string())
            .language("zh-CN".to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| PdfError::Render("invalid page size".into()))?;
    for (under, over) in pages {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in under.iter().chain(over) {
            draw(&mut surface, op, (regular, mono), &kfont, kmono.as_ref());
        }
        surface.finish();
        page.finish();
    }
    doc.finish().map_err(|e| PdfError::Render(format!("{e:?}")))
}

fn draw(
    s: &mut Surface<'_>,
    op: &Op,
    faces: (&Shaper<'_>, Option<&Shaper<'_>>),
    kfont: &KFont,
    kmono: Option<&KFont>,
) {
    match op {
        Op::Text { x, y, text, style } => {
            let (shaper, kfont) = match (faces.1, kmono) {
                (Some(sm), Some(km)) if style.mono => (sm, km),
                _ => (faces.0, kfont),
            };
            let glyphs = shaper.shape(text);
            s.set_fill(Some(fill(style.color)));
            s.set_stroke(style.bold.then(|| Stroke {
                width: style.size * 0.035,
                line_join: LineJoin::Round,
                ..stroke(style.color, 1.0, false)
            }));
            let at = Point::from_xy(*x, *y);
            s.draw_glyphs(at, &glyphs, kfont.clone(), text, style.size, false);
        }
        Op::Stroke {
            pts,
            width,
            color,
            dash,
        } => {
            s.set_fill(None);
            s.set_stroke(Some(stroke(*color, *width, *dash)));
            draw_poly(s, pts, false);
        }
        Op::Fill { pts, color } => {
            s.set_stroke(None);
            s.set_fill(Some(fill(*color)));
            draw_poly(s, pts, true);
        }
        Op::Dot { x, y, r, color } => {
            s.set_stroke(None);
            s.set_fill(Some(fill(*color)));
            let k = 0.5523 * r;
            let mut pb = PathBuilder::new();
            pb.move_to(x + r, *y);
            pb.cubic_to(x + r, y + k, x + k, y + r, *x, y + r);
            pb.cubic_to(x - k, y + r, x - r, y + k, x - r, *y);
            pb.cubic_to(x - r, y - k, x - k, y - r, *x, y - r);
            pb.cubic_to(x + k, y - r, x + r, y - k, x + r, *y);
            pb.close();
            if let Some(path) = pb.finish() {
                s.draw_path(&path);
            }
        }
    }
}

fn draw_poly(s: &mut Surface<'_>, pts: &[(f32, f32)], close: bool) {
    let mut pb = PathBuilder::new();
    for (i, (x, y)) in pts.iter().enumerate() {
        if i == 0 {
            pb.move_to(*x, *y);
        } else {
            pb.line_to(*x, *y);
        }
    }
    if close {
        pb.close();
    }
    if let Some(path) = pb.finish() {
        s.draw_path(&path);
    }
}

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        opacity: NormalizedF32::ONE,
        ..Fill::default()
    }
}

fn stroke(c: Rgb, width: f32, dash: bool) -> Stroke {
    Stroke {
        paint: rgb::Color::new(c.0, c.1, c.2).into(),
        width,
        line_cap: LineCap::Butt,
        dash: dash.then(|| StrokeDash {
            array: vec![3.0, 2.0],
            offset: 0.0,
        }),
        ..Stroke::default()
    }
}
