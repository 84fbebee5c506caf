//! A paged display list over A4 in points (y grows downwards, as in krilla). Pages are
//! laid out completely before anything is written, so footers know the page count.

use super::emit::{write, Op};
use super::text::Shaper;
use super::{FontSource, PdfError};

/// A4 width in points.
pub(super) const PAGE_W: f32 = 595.28;
/// A4 height in points.
pub(super) const PAGE_H: f32 = 841.89;
/// Left and right margin (20 mm).
pub(super) const MARGIN: f32 = 56.7;
/// Width between the margins.
pub(super) const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Top of the content area.
pub(super) const TOP: f32 = 54.0;
/// Content must end above this line; the footer lives below it.
pub(super) const BOTTOM: f32 = PAGE_H - 58.0;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rgb(pub u8, pub u8, pub u8);

/// Body text.
pub(super) const INK: Rgb = Rgb(20, 20, 20);
/// Secondary text.
pub(super) const GRAY: Rgb = Rgb(100, 100, 100);
/// Table rules and axes.
pub(super) const RULE: Rgb = Rgb(60, 60, 60);
/// Light grid lines and bar tracks.
pub(super) const LIGHT: Rgb = Rgb(215, 215, 215);
/// Table header background.
pub(super) const HEAD_FILL: Rgb = Rgb(236, 236, 236);
/// Key cell background.
pub(super) const LABEL_FILL: Rgb = Rgb(246, 246, 246);
/// Chart bars and lines.
pub(super) const BLUE: Rgb = Rgb(52, 94, 150);
/// Secondary chart bars.
pub(super) const PALE: Rgb = Rgb(168, 184, 206);
/// Failing results and the pass-mark line.
pub(super) const RED: Rgb = Rgb(176, 32, 32);

/// How a piece of text looks.
#[derive(Clone, Copy, Debug)]
pub(super) struct Style {
    pub size: f32,
    pub bold: bool,
    pub mono: bool,
    pub color: Rgb,
}

impl Style {
    /// Regular body text of `size` points.
    pub const fn new(size: f32) -> Self {
        Self {
            size,
            bold: false,
            mono: false,
            color: INK,
        }
    }
    /// Emboldened (fill plus a thin stroke of the same colour).
    pub const fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    /// Every character on the same advance (hashes, codes).
    pub const fn mono(mut self) -> Self {
        self.mono = true;
        self
    }
    /// In another colour.
    pub const fn color(mut self, color: Rgb) -> Self {
        self.color = color;
        self
    }
}

/// Pages being laid out, with a vertical cursor on the current page.
pub(super) struct Canvas<'f> {
    font: &'f FontSource,
    shaper: Shaper<'f>,
    /// The collection's monospaced face, when it has one (hashes, codes).
    mono: Option<Shaper<'f>>,
    /// Per page: background fills (drawn first), then everything else.
    pages: Vec<(Vec<Op>, Vec<Op>)>,
    cur: usize,
    /// Top of the next block on the current page.
    pub y: f32,
    header: Option<(String, String)>,
}

impl<'f> Canvas<'f> {
    /// An empty document with one blank page.
    pub fn new(font: &'f FontSource) -> Result<Self, PdfError> {
        Ok(Self {
            font,
            shaper: Shaper::new(font, font.index())?,
            mono: match font.mono_index() {
                Some(i) => Some(Shaper::new(font, i)?),
                None => None,
            },
            pages: vec![(Vec::new(), Vec::new())],
            cur: 0,
            y: TOP,
            header: None,
        })
    }

    /// Left/right text of the small running header printed on every page after the first.
    pub fn set_running_header(&mut self, left: String, right: String) {
        self.header = Some((left, right));
    }

    /// Starts a new page and puts the cursor at its top.
    pub fn new_page(&mut self) {
        self.pages.push((Vec::new(), Vec::new()));
        self.cur = self.pages.len() - 1;
        self.y = TOP;
        if let Some((left, right)) = self.header.clone() {
            let st = Style::new(8.0).color(GRAY);
            self.text(MARGIN, TOP - 16.0, &left, st);
            self.text_right(PAGE_W - MARGIN, TOP - 16.0, &right, st);
            self.hline(MARGIN, PAGE_W - MARGIN, TOP - 11.0, 0.5, GRAY);
            self.y = TOP + 4.0;
        }
    }

    /// Whether `h` more points fit above the bottom margin of the current page.
    pub fn fits(&self, h: f32) -> bool {
        self.y + h <= BOTTOM
    }

    /// Breaks the page unless `h` points still fit; returns whether it broke.
    pub fn ensure(&mut self, h: f32) -> bool {
        let fresh = self.y <= TOP + 4.0;
        if !self.fits(h) && !fresh {
            self.new_page();
            return true;
        }
        false
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.get_mut(self.cur) {
            page.1.push(op);
        }
    }

    /// Width of `s` in points.
    pub fn width(&self, s: &str, st: Style) -> f32 {
        self.face(st).width(s, st.size)
    }

    /// Draws `s` with its baseline at `y`, starting at `x`.
    pub fn text(&mut self, x: f32, y: f32, s: &str, st: Style) {
        if s.is_empty() || !(x.is_finite() && y.is_finite()) {
            return;
        }
        let text = self.face(st).sanitize(s);
        self.push(Op::Text {
            x,
            y,
            text,
            style: st,
        });
    }

    /// Draws `s` centred on `cx`.
    pub fn text_center(&mut self, cx: f32, y: f32, s: &str, st: Style) {
        let w = self.width(s, st);
        self.text(cx - w / 2.0, y, s, st);
    }

    /// Draws `s` ending at `rx`.
    pub fn text_right(&mut self, rx: f32, y: f32, s: &str, st: Style) {
        let w = self.width(s, st);
        self.text(rx - w, y, s, st);
    }

    /// `s` cut to fit `max_w`, ending in "…" when cut.
    pub fn fit(&self, s: &str, st: Style, max_w: f32) -> String {
        self.face(st).fit(s, st.size, max_w)
    }

    /// `s` wrapped into at most `max_lines` lines of at most `max_w` (see [`Shaper::wrap`]).
    pub fn wrap(&self, s: &str, st: Style, max_w: f32, max_lines: usize) -> Vec<String> {
        self.face(st).wrap(s, st.size, max_w, max_lines)
    }

    /// A straight or broken line through `pts`.
    pub fn polyline(&mut self, pts: Vec<(f32, f32)>, width: f32, color: Rgb, dash: bool) {
        if pts.len() >= 2 && pts.iter().all(|(x, y)| x.is_finite() && y.is_finite()) {
            self.push(Op::Stroke {
                pts,
                width,
                color,
                dash,
            });
        }
    }

    /// A horizontal rule.
    pub fn hline(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Rgb) {
        self.polyline(vec![(x1, y), (x2, y)], width, color, false);
    }

    /// A vertical rule.
    pub fn vline(&mut self, x: f32, y1: f32, y2: f32, width: f32, color: Rgb) {
        self.polyline(vec![(x, y1), (x, y2)], width, color, false);
    }

    /// A filled rectangle (nothing when it has no area).
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        if let Some(pts) = rect_pts(x, y, w, h) {
            self.push(Op::Fill { pts, color });
        }
    }

    /// A filled rectangle behind everything else on the page (cell shading).
    pub fn shade(&mut self, x: f32, y: f32, w: f32, h: f32, color: Rgb) {
        if let (Some(pts), Some(page)) = (rect_pts(x, y, w, h), self.pages.get_mut(self.cur)) {
            page.0.push(Op::Fill { pts, color });
        }
    }

    /// A rectangle outline.
    pub fn frame(&mut self, x: f32, y: f32, w: f32, h: f32, width: f32, color: Rgb) {
        let pts = vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)];
        self.polyline(pts, width, color, false);
    }

    /// A filled circle.
    pub fn dot(&mut self, x: f32, y: f32, r: f32, color: Rgb) {
        if x.is_finite() && y.is_finite() && r > 0.0 {
            self.push(Op::Dot { x, y, r, color });
        }
    }

    /// Adds "第 i 页 / 共 N 页" plus small left/right notes to every page, then writes the PDF.
    pub fn finish(mut self, title: &str, left: &str, right: &str) -> Result<Vec<u8>, PdfError> {
        let total = self.pages.len();
        let footer_y = PAGE_H - 30.0;
        let st = Style::new(8.0).color(GRAY);
        for i in 0..total {
            self.cur = i;
            let num = format!("第 {} 页 / 共 {} 页", i + 1, total);
            self.text_center(PAGE_W / 2.0, footer_y, &num, Style::new(9.0));
            self.text(MARGIN, footer_y, left, st);
            self.text_right(PAGE_W - MARGIN, footer_y, right, st);
        }
        write(
            self.font,
            &self.pages,
            &self.shaper,
            self.mono.as_ref(),
            title,
        )
    }

    /// The face a style is drawn with: the monospaced one if asked for and present.
    fn face(&self, st: Style) -> &Shaper<'f> {
        match &self.mono {
            Some(m) if st.mono => m,
            _ => &self.shaper,
        }
    }
}

fn rect_pts(x: f32, y: f32, w: f32, h: f32) -> Option<Vec<(f32, f32)>> {
    let ok = w > 0.0 && h > 0.0 && [x, y, w, h].iter().all(|v| v.is_finite());
    ok.then(|| vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)])
}
