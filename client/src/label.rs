//! Printable labels: an item's GS1 Digital Link as a QR code, with the human-readable line (the
//! GS1 keys, e.g. `(01) 03760001000016 (21) R10-17`) under it — as SVG (the line is a `<text>`
//! element, in any font the printer has) or as a greyscale PNG (the line is drawn with the public
//! domain 8×8 bitmap font of the `font8x8` crate; characters outside ASCII are drawn as `?`).
//!
//! The code uses error correction level M (15 % of the symbol may be damaged), 8-pixel modules
//! and the 4-module quiet zone that ISO/IEC 18004 requires. Rendering is deterministic: the same
//! label always gives the same bytes.
//!
//! ## Failure
//! [`LabelError`]: data too long for a QR code, an output name with an extension other than
//! `.svg` or `.png`, or a PNG encoder failure.

use std::path::Path;

use qrcode::{Color, EcLevel, QrCode};

/// Pixels per QR module.
const MODULE_PX: usize = 8;
/// The quiet zone around the code, in modules.
const QUIET_MODULES: usize = 4;
/// Scale of the 8×8 font in PNG labels (16-pixel characters).
const FONT_SCALE: usize = 2;
/// Height of the text band under the code in SVG labels, in pixels.
const SVG_TEXT_BAND: usize = 40;

/// Why a label could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LabelError {
    /// The data does not fit in a QR code.
    #[error("{data:?} cannot be encoded as a QR code: {reason}")]
    Encode {
        /// The data.
        data: String,
        /// The encoder's reason.
        reason: String,
    },
    /// The output's extension names no format this knows.
    #[error("{path}: unknown label format {extension:?}; name the output file .svg or .png")]
    UnknownFormat {
        /// The output path.
        path: String,
        /// Its extension (empty when it has none).
        extension: String,
    },
    /// The PNG encoder failed.
    #[error("PNG encoding: {0}")]
    Png(String),
}

/// A label's file format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelFormat {
    /// Scalable vector graphics, with the human-readable line as text.
    Svg,
    /// A greyscale PNG image.
    Png,
}

impl LabelFormat {
    /// The format named by `path`'s extension (`.svg` or `.png`, any case).
    pub fn from_path(path: &Path) -> Result<Self, LabelError> {
        let extension =
            path.extension().map(|extension| extension.to_string_lossy().to_lowercase()).unwrap_or_default();
        match extension.as_str() {
            "svg" => Ok(Self::Svg),
            "png" => Ok(Self::Png),
            _ => Err(LabelError::UnknownFormat { path: path.display().to_string(), extension }),
        }
    }
}

/// What a label shows: the data in the code and the line printed under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// What the QR code encodes (the Digital Link URI).
    pub data: String,
    /// The human-readable line.
    pub text: String,
}

impl Label {
    /// The label in `format`.
    pub fn render(&self, format: LabelFormat) -> Result<Vec<u8>, LabelError> {
        match format {
            LabelFormat::Svg => self.svg().map(String::into_bytes),
            LabelFormat::Png => self.png(),
        }
    }

    /// The QR code's modules, row by row (`true` is dark), and its width in modules.
    fn modules(&self) -> Result<(Vec<bool>, usize), LabelError> {
        let code = QrCode::with_error_correction_level(self.data.as_bytes(), EcLevel::M)
            .map_err(|error| LabelError::Encode { data: self.data.clone(), reason: error.to_string() })?;
        let width = code.width();
        Ok((code.to_colors().into_iter().map(|color| color == Color::Dark).collect(), width))
    }

    /// The label as an SVG document.
    pub fn svg(&self) -> Result<String, LabelError> {
        let (modules, width) = self.modules()?;
        let side = (width + 2 * QUIET_MODULES) * MODULE_PX;
        let height = side + SVG_TEXT_BAND;
        let mut path = String::new();
        for (index, _) in modules.iter().enumerate().filter(|(_, dark)| **dark) {
            let (x, y) = (index % width + QUIET_MODULES, index / width + QUIET_MODULES);
            path.push_str(&format!("M{} {}h{MODULE_PX}v{MODULE_PX}h-{MODULE_PX}z", x * MODULE_PX, y * MODULE_PX));
        }
        Ok(format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{side}\" height=\"{height}\" \
             viewBox=\"0 0 {side} {height}\">\n\
             <title>{title}</title>\n\
             <rect width=\"{side}\" height=\"{height}\" fill=\"#fff\"/>\n\
             <path fill=\"#000\" shape-rendering=\"crispEdges\" d=\"{path}\"/>\n\
             <text x=\"{center}\" y=\"{baseline}\" font-family=\"'OCR-B', 'DejaVu Sans Mono', monospace\" \
             font-size=\"16\" text-anchor=\"middle\" fill=\"#000\">{text}</text>\n\
             </svg>\n",
            title = escape_xml(&self.data),
            center = side / 2,
            baseline = side + SVG_TEXT_BAND / 2,
            text = escape_xml(&self.text),
        ))
    }

    /// The label as a greyscale PNG.
    pub fn png(&self) -> Result<Vec<u8>, LabelError> {
        let (modules, width) = self.modules()?;
        let code_side = (width + 2 * QUIET_MODULES) * MODULE_PX;
        let glyph = 8 * FONT_SCALE;
        let characters: Vec<char> = self.text.chars().collect();
        let text_width = characters.len() * glyph;
        let image_width = code_side.max(text_width + 2 * glyph);
        let image_height = code_side + 2 * glyph;
        let mut pixels = vec![255u8; image_width * image_height];
        let code_left = (image_width - code_side) / 2;
        for (index, _) in modules.iter().enumerate().filter(|(_, dark)| **dark) {
            let left = code_left + (index % width + QUIET_MODULES) * MODULE_PX;
            let top = (index / width + QUIET_MODULES) * MODULE_PX;
            for y in top..top + MODULE_PX {
                pixels[y * image_width + left..y * image_width + left + MODULE_PX].fill(0);
            }
        }
        // The line sits centred in the band under the quiet zone (which stays clear).
        let text_left = (image_width - text_width) / 2;
        let text_top = code_side + glyph / 2;
        for (position, character) in characters.iter().enumerate() {
            let rows = font8x8::legacy::BASIC_LEGACY
                .get(*character as usize)
                .unwrap_or(&font8x8::legacy::BASIC_LEGACY[usize::from(b'?')]);
            for (row, bits) in rows.iter().enumerate() {
                for column in 0..8 {
                    if bits >> column & 1 == 1 {
                        let x = text_left + position * glyph + column * FONT_SCALE;
                        let y = text_top + row * FONT_SCALE;
                        for dy in 0..FONT_SCALE {
                            pixels[(y + dy) * image_width + x..(y + dy) * image_width + x + FONT_SCALE].fill(0);
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        let dimension = |value: usize| u32::try_from(value).map_err(|_| LabelError::Png("image too large".into()));
        let mut encoder = png::Encoder::new(&mut out, dimension(image_width)?, dimension(image_height)?);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|error| LabelError::Png(error.to_string()))?;
        writer.write_image_data(&pixels).map_err(|error| LabelError::Png(error.to_string()))?;
        writer.finish().map_err(|error| LabelError::Png(error.to_string()))?;
        Ok(out)
    }
}

/// Escapes text for XML content and attribute values.
fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label() -> Label {
        Label {
            data: "https://id.tracechain.localhost/01/03760001000016/21/R10-17".into(),
            text: "(01) 03760001000016 (21) R10-17".into(),
        }
    }

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(LabelFormat::from_path(Path::new("label.svg")).ok(), Some(LabelFormat::Svg));
        assert_eq!(LabelFormat::from_path(Path::new("out/LABEL.PNG")).ok(), Some(LabelFormat::Png));
        let error = LabelFormat::from_path(Path::new("label.jpg")).expect_err("jpg");
        assert!(error.to_string().contains("unknown label format \"jpg\""), "{error}");
        assert!(LabelFormat::from_path(Path::new("label")).is_err());
    }

    #[test]
    fn svg_has_the_code_and_the_line() {
        let svg = label().svg().expect("svg");
        assert!(svg.starts_with("<?xml") && svg.contains("<svg ") && svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains(">(01) 03760001000016 (21) R10-17</text>"), "{svg}");
        assert!(svg.contains("<path fill=\"#000\""));
        let escaped = Label { data: "x".into(), text: "<a&b>".into() }.svg().expect("svg");
        assert!(escaped.contains(">&lt;a&amp;b&gt;</text>"));
    }

    #[test]
    fn png_is_deterministic_and_wide_enough_for_the_line() {
        let png = label().png().expect("png");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_eq!(png, label().png().expect("png"));
    }

    #[test]
    fn data_too_long_for_a_qr_code_is_an_error() {
        let long = Label { data: "9".repeat(8_000), text: String::new() };
        assert!(matches!(long.svg(), Err(LabelError::Encode { .. })));
    }
}
