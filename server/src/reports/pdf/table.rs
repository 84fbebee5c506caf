//! Ruled tables: a key/value block and a paginating grid that repeats its header row.

use super::canvas::{
    Canvas, Rgb, Style, BLUE, CONTENT_W, GRAY, HEAD_FILL, LABEL_FILL, LIGHT, MARGIN, RULE,
};

/// Outer frame width.
const OUTER: f32 = 0.8;
/// Inner rule width.
const INNER: f32 = 0.35;
/// Horizontal padding inside a cell.
const PAD_X: f32 = 5.0;
/// Vertical padding inside a cell.
const PAD_Y: f32 = 4.0;

/// Horizontal placement of cell text.
#[derive(Clone, Copy)]
pub(super) enum Align {
    Left,
    Center,
    Right,
}

/// A column: header text, relative width and alignment.
pub(super) struct Column<'a> {
    pub title: &'a str,
    pub weight: f32,
    pub align: Align,
}

/// Shorthand for a [`Column`].
pub(super) const fn col(title: &str, weight: f32, align: Align) -> Column<'_> {
    Column {
        title,
        weight,
        align,
    }
}

/// One cell: text, optional colour/bold, optional ratio bar drawn left of the text.
#[derive(Default)]
pub(super) struct Cell {
    pub text: String,
    pub color: Option<Rgb>,
    pub bold: bool,
    pub bar: Option<f32>,
    pub cont: bool,
}

impl Cell {
    /// A cell in another colour.
    pub fn color(mut self, c: Rgb) -> Self {
        self.color = Some(c);
        self
    }
    /// A cell in bold.
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    /// A cell continuing the one above (no rule between them; text shown only atop a page).
    pub fn cont(mut self) -> Self {
        self.cont = true;
        self
    }
    /// A cell with a horizontal bar filled to `ratio` (0..=1).
    pub fn bar(mut self, ratio: f32) -> Self {
        self.bar = Some(if ratio.is_finite() {
            ratio.clamp(0.0, 1.0)
        } else {
            0.0
        });
        self
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self {
            text,
            ..Self::default()
        }
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        text.to_string().into()
    }
}

/// A full-width table with wrapped cells that breaks across pages, repeating its header.
pub(super) struct Table<'a> {
    pub cols: &'a [Column<'a>],
    pub size: f32,
    pub max_lines: usize,
}

impl Table<'_> {
    fn line_h(&self) -> f32 {
        self.size * 1.4
    }

    fn edges(&self) -> Vec<f32> {
        let total: f32 = self.cols.iter().map(|c| c.weight.max(0.0)).sum();
        let mut x = MARGIN;
        let mut edges = vec![x];
        for c in self.cols {
            x += if total > 0.0 {
                c.weight.max(0.0) / total * CONTENT_W
            } else {
                0.0
            };
            edges.push(x);
        }
        edges
    }

    /// Draws the header and `rows` at the cursor, breaking pages as needed.
    pub fn draw(&self, c: &mut Canvas<'_>, rows: &[Vec<Cell>]) {
        let edges = self.edges();
        let head_h = self.line_h() + 2.0 * PAD_Y;
        let mut laid: Vec<(Vec<Vec<String>>, f32)> = Vec::with_capacity(rows.len());
        for row in rows {
            let mut h: f32 = 0.0;
            let mut cells = Vec::with_capacity(self.cols.len());
            for (i, col) in self.cols.iter().enumerate() {
                let cell = row.get(i);
                let text = cell.map_or("", |c| c.text.as_str());
                let w = edges[i + 1]
                    - edges[i]
                    - 2.0 * PAD_X
                    - if cell.and_then(|c| c.bar).is_some() {
                        40.0
                    } else {
                        0.0
                    };
                let lines = c.wrap(
                    text,
                    self.style(cell, col),
                    w.max(self.size),
                    self.max_lines,
                );
                h = h.max(lines.len() as f32 * self.line_h());
                cells.push(lines);
            }
            laid.push((cells, h + 2.0 * PAD_Y));
        }
        let first_h = laid.first().map_or(0.0, |r| r.1);
        c.ensure(head_h + first_h);
        let mut top = c.y;
        self.header(c, &edges, head_h);
        for (r, (row, (cells, h))) in rows.iter().zip(&laid).enumerate() {
            let mut page_top = r == 0;
            if !c.fits(*h) {
                self.close(c, &edges, top);
                c.new_page();
                top = c.y;
                self.header(c, &edges, head_h);
                page_top = true;
            }
            for (i, col) in self.cols.iter().enumerate() {
                let cell = row.get(i);
                if cell.is_some_and(|c| c.cont) && !page_top {
                    continue;
                }
                let st = self.style(cell, col);
                let (x0, x1) = (edges[i] + PAD_X, edges[i + 1] - PAD_X);
                let lines = cells.get(i).map_or(&[][..], |l| l.as_slice());
                let mut y = c.y + (h - lines.len() as f32 * self.line_h()) / 2.0;
                if let Some(ratio) = cell.and_then(|c| c.bar) {
                    let bar_w = (x1 - x0 - 40.0).max(0.0);
                    let mid = c.y + h / 2.0;
                    c.rect(x0, mid - 3.0, bar_w, 6.0, LIGHT);
                    c.rect(x0, mid - 3.0, bar_w * ratio, 6.0, BLUE);
                }
                for line in lines {
                    let base = y + self.line_h() / 2.0 + self.size * 0.36;
                    match col.align {
                        Align::Left => c.text(x0, base, line, st),
                        Align::Center => c.text_center((x0 + x1) / 2.0, base, line, st),
                        Align::Right => c.text_right(x1, base, line, st),
                    }
                    y += self.line_h();
                }
            }
            c.y += h;
            let next = rows.get(r + 1);
            for i in 0..self.cols.len() {
                if !next.and_then(|n| n.get(i)).is_some_and(|c| c.cont) {
                    c.hline(edges[i], edges[i + 1], c.y, INNER, RULE);
                }
            }
        }
        self.close(c, &edges, top);
    }

    fn style(&self, cell: Option<&Cell>, _col: &Column<'_>) -> Style {
        let mut st = Style::new(self.size);
        if let Some(cell) = cell {
            if cell.bold {
                st = st.bold();
            }
            if let Some(color) = cell.color {
                st = st.color(color);
            }
        }
        st
    }

    fn header(&self, c: &mut Canvas<'_>, edges: &[f32], h: f32) {
        c.shade(MARGIN, c.y, CONTENT_W, h, HEAD_FILL);
        let st = Style::new(self.size).bold();
        for (i, col) in self.cols.iter().enumerate() {
            let (x0, x1) = (edges[i] + PAD_X, edges[i + 1] - PAD_X);
            let title = c.fit(col.title, st, x1 - x0);
            c.text_center(
                (x0 + x1) / 2.0,
                c.y + h / 2.0 + self.size * 0.36,
                &title,
                st,
            );
        }
        c.y += h;
        c.hline(MARGIN, MARGIN + CONTENT_W, c.y, 0.6, RULE);
    }

    fn close(&self, c: &mut Canvas<'_>, edges: &[f32], top: f32) {
        for x in edges.iter().skip(1).take(edges.len().saturating_sub(2)) {
            c.vline(*x, top, c.y, INNER, RULE);
        }
        c.frame(MARGIN, top, CONTENT_W, c.y - top, OUTER, RULE);
    }
}

/// One row of a key/value block: two pairs side by side, or one pair across the width.
pub(super) enum Kv<'a> {
    Pair(&'a str, String, &'a str, String),
    Wide(&'a str, String),
}

/// A ruled block of labelled values, kept on one page.
pub(super) fn kv_block(c: &mut Canvas<'_>, rows: &[Kv<'_>], size: f32) {
    let label_w = size * 7.0;
    let half = CONTENT_W / 2.0;
    let line_h = size * 1.4;
    let vst = Style::new(size);
    let lst = Style::new(size).color(GRAY);
    let laid: Vec<(Vec<Vec<String>>, f32)> = rows
        .iter()
        .map(|row| {
            let values: Vec<Vec<String>> = match row {
                Kv::Pair(_, a, _, b) => {
                    let w = half - label_w - 2.0 * PAD_X;
                    vec![c.wrap(a, vst, w, 2), c.wrap(b, vst, w, 2)]
                }
                Kv::Wide(_, a) => vec![c.wrap(a, vst, CONTENT_W - label_w - 2.0 * PAD_X, 3)],
            };
            let n = values.iter().map(Vec::len).max().unwrap_or(1) as f32;
            (values, n * line_h + 2.0 * PAD_Y + 2.0)
        })
        .collect();
    let total: f32 = laid.iter().map(|r| r.1).sum();
    c.ensure(total);
    let top = c.y;
    for (row, (values, h)) in rows.iter().zip(&laid) {
        let labels: Vec<(&str, f32)> = match row {
            Kv::Pair(a, _, b, _) => vec![(*a, MARGIN), (*b, MARGIN + half)],
            Kv::Wide(a, _) => vec![(*a, MARGIN)],
        };
        for ((label, x), lines) in labels.iter().zip(values) {
            c.shade(*x, c.y, label_w, *h, LABEL_FILL);
            let label = c.fit(label, lst, label_w - 2.0 * PAD_X);
            c.text_center(x + label_w / 2.0, c.y + h / 2.0 + size * 0.36, &label, lst);
            c.vline(x + label_w, c.y, c.y + h, INNER, RULE);
            if *x > MARGIN {
                c.vline(*x, c.y, c.y + h, INNER, RULE);
            }
            let mut y = c.y + (h - lines.len() as f32 * line_h) / 2.0;
            for line in lines {
                c.text(
                    x + label_w + PAD_X,
                    y + line_h / 2.0 + size * 0.36,
                    line,
                    vst,
                );
                y += line_h;
            }
        }
        c.y += h;
        c.hline(MARGIN, MARGIN + CONTENT_W, c.y, INNER, RULE);
    }
    c.frame(MARGIN, top, CONTENT_W, c.y - top, OUTER, RULE);
}
