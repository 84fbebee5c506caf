//! Finding and loading the CJK font: installed system fonts or the configured file; in a
//! TrueType collection the Simplified Chinese face (and a monospaced face, if any).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use skrifa::raw::FileRef;
use skrifa::string::StringId;
use skrifa::{FontRef, MetadataProvider};

use super::PdfError;

/// Font files tried, in order, when no font is configured.
pub const DEFAULT_FONT_PATHS: [&str; 5] = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
];

/// A loaded CJK font (file bytes plus face index); load once, clone freely.
#[derive(Clone)]
pub struct FontSource {
    data: Arc<Vec<u8>>,
    index: u32,
    mono_index: Option<u32>,
    family: String,
    path: Option<PathBuf>,
}

impl fmt::Debug for FontSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FontSource")
            .field("path", &self.path)
            .field("index", &self.index)
            .field("mono_index", &self.mono_index)
            .field("family", &self.family)
            .field("bytes", &self.data.len())
            .finish()
    }
}

impl FontSource {
    /// Reads a TTF/OTF/TTC file; in a collection the Simplified Chinese ("SC") face is chosen.
    pub fn load(path: &Path) -> Result<Self, PdfError> {
        let bytes = std::fs::read(path)
            .map_err(|e| PdfError::Render(format!("无法读取字体 {}: {e}", path.display())))?;
        let index = pick_face(&bytes).ok_or_else(|| {
            PdfError::Render(format!(
                "字体 {} 无法解析或不含中文字形 / not a font with CJK glyphs",
                path.display()
            ))
        })?;
        let mut font = Self::from_bytes(bytes, index)?;
        font.path = Some(path.to_path_buf());
        Ok(font)
    }

    /// Wraps font bytes already in memory, using face `index` of a collection (0 otherwise).
    pub fn from_bytes(bytes: Vec<u8>, index: u32) -> Result<Self, PdfError> {
        let family = {
            let face = FontRef::from_index(&bytes, index)
                .map_err(|e| PdfError::Render(format!("字体无法解析 / bad font data: {e}")))?;
            if face.charmap().map('中').is_none() {
                return Err(PdfError::Render(
                    "字体不含中文字形 / font has no CJK glyphs".into(),
                ));
            }
            family_name(&face)
        };
        let mono_index = pick_mono(&bytes).filter(|&i| i != index);
        let mut font = Self {
            data: Arc::new(bytes),
            index,
            mono_index,
            family,
            path: None,
        };
        font.krilla_font(index)?;
        if font
            .mono_index
            .is_some_and(|i| font.krilla_font(i).is_err())
        {
            font.mono_index = None;
        }
        Ok(font)
    }

    /// Face index inside the font file (0 unless it is a collection).
    pub fn index(&self) -> u32 {
        self.index
    }

    /// Family name of the chosen face, e.g. "Noto Sans CJK SC".
    pub fn family(&self) -> &str {
        &self.family
    }

    /// File the font was loaded from, if it came from a file.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Raw bytes of the whole font file.
    pub fn bytes(&self) -> &[u8] {
        &self.data
    }

    /// Index of the collection's monospaced face, if it has one.
    pub(super) fn mono_index(&self) -> Option<u32> {
        self.mono_index
    }

    pub(super) fn krilla_font(&self, index: u32) -> Result<krilla::text::Font, PdfError> {
        krilla::text::Font::new(self.data.clone().into(), index).ok_or_else(|| {
            PdfError::Render("krilla 无法使用该字体 / krilla rejected the font".into())
        })
    }
}

fn family_name(face: &FontRef<'_>) -> String {
    face.localized_strings(StringId::FAMILY_NAME)
        .english_or_first()
        .map(|s| s.chars().collect())
        .unwrap_or_default()
}

/// Chooses the face to use: a collection's Simplified Chinese face when one is named "SC"
/// (Noto CJK TTC: index 2), else its first proportional face with Han glyphs.
fn pick_face(bytes: &[u8]) -> Option<u32> {
    pick(bytes, |sc, mono| match (sc, mono) {
        (true, false) => Some(0),
        (false, false) => Some(1),
        (true, true) => Some(2),
        (false, true) => Some(3),
    })
}

/// A collection's monospaced face ("Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono"),
/// used for the verification hash.
fn pick_mono(bytes: &[u8]) -> Option<u32> {
    pick(bytes, |sc, mono| mono.then_some(u8::from(!sc)))
}

/// The face with Han glyphs of lowest rank; `rank(is_sc, is_mono)` may exclude a face.
fn pick(bytes: &[u8], rank: impl Fn(bool, bool) -> Option<u8>) -> Option<u32> {
    let usable = |f: &FontRef<'_>| f.charmap().map('中').is_some();
    let faces: Vec<(u32, FontRef<'_>)> = match FileRef::new(bytes).ok()? {
        FileRef::Font(f) => vec![(0, f)],
        FileRef::Collection(c) => (0..c.len())
            .filter_map(|i| Some((i, c.get(i).ok()?)))
            .collect(),
    };
    let mut best: Option<(u8, u32)> = None;
    for (i, f) in faces {
        let name = family_name(&f);
        let sc = name.split_whitespace().any(|w| w == "SC");
        let Some(r) = rank(sc, name.contains("Mono")).filter(|_| usable(&f)) else {
            continue;
        };
        if best.is_none_or(|(b, _)| r < b) {
            best = Some((r, i));
        }
    }
    best.map(|(_, i)| i)
}

/// Loads the configured font, else the first existing of [`DEFAULT_FONT_PATHS`].
pub fn find_cjk_font(configured: Option<&Path>) -> Result<FontSource, PdfError> {
    let candidates: Vec<PathBuf> = match configured {
        Some(p) => vec![p.to_path_buf()],
        None => DEFAULT_FONT_PATHS.iter().map(PathBuf::from).collect(),
    };
    match candidates.iter().find(|p| p.is_file()) {
        Some(p) => FontSource::load(p),
        None => Err(PdfError::FontMissing {
            searched: candidates,
        }),
    }
}
