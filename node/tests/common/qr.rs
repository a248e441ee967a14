//! Reading labels back: the QR codes in a PNG file, decoded.

use std::path::Path;

/// Decodes the QR code(s) in a greyscale or RGB(A) PNG file.
pub fn decode_png_qr(path: &Path) -> Vec<String> {
    let file = std::fs::File::open(path).expect("png file");
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("png header");
    let mut buffer = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buffer).expect("png frame");
    let channels = info.color_type.samples();
    let (width, height) = (info.width as usize, info.height as usize);
    let mut image =
        rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| buffer[(y * width + x) * channels]);
    image.detect_grids().iter().map(|grid| grid.decode().expect("the code decodes").1).collect()
}
