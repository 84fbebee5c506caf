//! Text measurement, truncation and line wrapping from the font's own glyph advances, so
//! what is measured is exactly what gets drawn.

use krilla::text::{GlyphId, KrillaGlyph};
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, MetadataProvider};

use super::{FontSource, PdfError};

/// Maps characters to glyphs of one face and measures them.
pub(super) struct Shaper<'f> {
    charmap: Charmap<'f>,
    metrics: GlyphMetrics<'f>,
    upem: f32,
}

impl<'f> Shaper<'f> {
    /// The shaper for face `index` of `font`.
    pub fn new(font: &'f FontSource, index: u32) -> Result<Self, PdfError> {
        let face = FontRef::from_index(font.bytes(), index)
            .map_err(|e| PdfError::Render(format!("字体无法解析 / bad font data: {e}")))?;
        let upem = f32::from(
            face.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        Ok(Self {
            charmap: face.charmap(),
            metrics: face.glyph_metrics(Size::unscaled(), LocationRef::default()),
            upem: if upem > 0.0 { upem } else { 1000.0 },
        })
    }

    /// Glyph and advance (em) of a character (glyph 0 when the face lacks it).
    fn glyph(&self, c: char) -> (u32, f32) {
        let gid = self.charmap.map(c).unwrap_or_default();
        let adv = self.metrics.advance_width(gid).unwrap_or(0.0) / self.upem;
        (gid.to_u32(), adv)
    }

    /// Replaces control characters by spaces and characters the face lacks by '?'.
    pub fn sanitize(&self, s: &str) -> String {
        s.chars()
            .map(|c| match c {
                c if c.is_control() => ' ',
                c if self.charmap.map(c).is_some() => c,
                _ => '?',
            })
            .collect()
    }

    fn char_width(&self, c: char, size: f32) -> f32 {
        self.glyph(c).1 * size
    }

    /// Width of `s` at `size` points.
    pub fn width(&self, s: &str, size: f32) -> f32 {
        s.chars().map(|c| self.char_width(c, size)).sum()
    }

    /// Glyphs of an already sanitized `text`, each mapped back to its characters.
    pub fn shape(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                let (gid, adv) = self.glyph(c);
                KrillaGlyph::new(
                    GlyphId::new(gid),
                    adv,
                    0.0,
                    0.0,
                    0.0,
                    i..i + c.len_utf8(),
                    None,
                )
            })
            .collect()
    }

    /// `s` cut to fit `max_w`, ending in "…" when cut.
    pub fn fit(&self, s: &str, size: f32, max_w: f32) -> String {
        if self.width(s, size) <= max_w {
            return s.to_string();
        }
        let budget = max_w - self.width("…", size);
        let mut used = 0.0;
        let mut out = String::new();
        for c in s.chars() {
            used += self.char_width(c, size);
            if used > budget {
                break;
            }
            out.push(c);
        }
        out.truncate(out.trim_end().len());
        out.push('…');
        out
    }

    /// Wraps `s` into lines of at most `max_w`. CJK text breaks between any two characters,
    /// latin words and numbers stay whole when they fit on a line, closing punctuation never
    /// starts a line. Beyond `max_lines` lines the last one ends in "…".
    pub fn wrap(&self, s: &str, size: f32, max_w: f32, max_lines: usize) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let mut line: Vec<char> = Vec::new();
        let mut w = 0.0;
        let mut last_break = 0;
        for c in s.chars().map(|c| if c.is_control() { ' ' } else { c }) {
            let cw = self.char_width(c, size);
            if line.last().is_some_and(|&prev| can_break(prev, c)) {
                last_break = line.len();
            }
            if w + cw > max_w && !line.is_empty() && c != ' ' && !is_closing(c) {
                let cut = if last_break > 0 {
                    last_break
                } else {
                    line.len()
                };
                let rest = line.split_off(cut);
                lines.push(line.iter().collect::<String>().trim_end().to_string());
                line = rest.into_iter().skip_while(|c| *c == ' ').collect();
                w = line.iter().map(|&c| self.char_width(c, size)).sum();
                last_break = 0;
            }
            if line.is_empty() && c == ' ' {
                continue;
            }
            line.push(c);
            w += cw;
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line.into_iter().collect());
        }
        let max_lines = max_lines.max(1);
        if lines.len() > max_lines {
            lines.truncate(max_lines);
            if let Some(last) = lines.last_mut() {
                *last = self.fit(&format!("{last}…"), size, max_w);
            }
        }
        lines
    }
}

/// Whether a line may break between `prev` and `next`.
fn can_break(prev: char, next: char) -> bool {
    let word =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | ',' | '-' | '_' | '/' | ':');
    !(is_closing(next) || is_opening(prev) || (word(prev) && word(next)))
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '）'
            | '》'
            | '」'
            | '！'
            | '？'
            | ')'
            | ','
            | '.'
            | ';'
            | '…'
    )
}

fn is_opening(c: char) -> bool {
    matches!(c, '（' | '《' | '「' | '(')
}

#[cfg(test)]
mod tests {
    use super::super::find_cjk_font;
    use super::*;

    #[test]
    fn wraps_cjk_anywhere_and_keeps_latin_words() {
        let Ok(font) = find_cjk_font(None) else {
            eprintln!("SKIPPED: no CJK font installed (apt-get install fonts-noto-cjk)");
            return;
        };
        let Ok(sh) = Shaper::new(&font, font.index()) else {
            panic!("shaper")
        };
        let one = sh.width("中", 10.0);
        assert!(
            one > 9.0 && one <= 10.5,
            "CJK glyphs are about 1 em wide, got {one}"
        );
        let lines = sh.wrap("考生终端断电重启，经主考批准补足时间", 10.0, one * 5.0, 9);
        assert_eq!(lines.first().map(String::as_str), Some("考生终端断"));
        assert!(lines.iter().all(|l| !l.starts_with('，')), "{lines:?}");
        assert!(
            lines.iter().all(|l| sh.width(l, 10.0) <= one * 6.0),
            "{lines:?}"
        );
        let max_w = sh.width("GET /api/v1/archives", 10.0) - 1.0;
        let lines = sh.wrap("GET /api/v1/archives abc", 10.0, max_w, 9);
        assert_eq!(
            lines,
            ["GET", "/api/v1/archives abc"].map(String::from).to_vec()
        );
        let lines = sh.wrap(&"名".repeat(50), 10.0, one * 10.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines[1].ends_with('…') && sh.width(&lines[1], 10.0) <= one * 10.0);
        assert_eq!(sh.wrap("", 10.0, 50.0, 3), vec![String::new()]);
        assert_eq!(sh.fit("特种设备作业人员", 10.0, one * 4.0), "特种设…");
        assert_eq!(sh.sanitize("a\tb😀"), "a b?");
    }
}
