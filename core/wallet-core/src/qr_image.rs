//! Finding and reading a QR code in a picture (a photo of a sticker, a screenshot), offline.
//!
//! Images: PNG and JPEG only (the `image` crate with just those two decoders), at most
//! [`MAX_IMAGE_BYTES`] and [`MAX_DIMENSION`] pixels a side, so a hostile file cannot make the
//! app allocate gigabytes.
//!
//! QR detection: `rxing` (pure Rust port of ZXing), QR symbology only. Chosen over `rqrr` (a
//! port of quirc) by measurement on the benchmark set of `tests/src/bin/bench_qr_images.rs`
//! (104 images: scaled, rotated, tilted, noisy, blurred + JPEG, low contrast, in a photo,
//! inverted): as libraries, rxing read 96 (all but the 8 light-on-dark ones), rqrr 84 (it
//! missed the noisy, non-integer-scaled and 17°-rotated ones too), and rxing was about 5×
//! faster (357 vs 69 images/s); it costs ~0.7 MB of stripped code against rqrr's ~0.25 MB.
//! With the steps below: 104/104 at ~140 images/s, where `zbarimg` read 91 at ~27 images/s.
//! Photos are tried downscaled first (faster, and sensor noise averages out), then at full size,
//! then inverted (light-on-dark codes, which ZXing does not look for by itself).

use std::io::Cursor;

use image::{imageops, GrayImage, ImageFormat, ImageReader, Limits};
use wallet_protocol::ErrorCode;

use crate::error::WalletError;

/// Larger files are refused before decoding.
pub const MAX_IMAGE_BYTES: usize = 20 * 1024 * 1024;
/// Larger images (either side, in pixels) are refused before their pixels are allocated.
pub const MAX_DIMENSION: u32 = 12_000;
/// Images whose longer side is larger are first tried at this size.
const WORKING_SIDE: u32 = 1_200;

fn unreadable(message: impl Into<String>) -> WalletError {
    WalletError::new(ErrorCode::QrImageUnreadable, message)
}

/// The text of the first QR code found in a PNG or JPEG image.
pub(crate) fn decode_qr_image(bytes: &[u8]) -> Result<String, WalletError> {
    let grey = load_grey(bytes)?;
    for candidate in candidates(&grey) {
        if let Some(text) = read_qr(&candidate) {
            return Ok(text);
        }
    }
    Err(WalletError::new(
        ErrorCode::QrNotFound,
        "No readable QR code was found in the image",
    ))
}

/// Checks size and format, decodes within limits, and converts to 8-bit grey.
fn load_grey(bytes: &[u8]) -> Result<GrayImage, WalletError> {
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(unreadable(format!(
            "The image is {} MB; images over {} MB are not read",
            bytes.len().div_ceil(1024 * 1024),
            MAX_IMAGE_BYTES / (1024 * 1024)
        )));
    }
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| unreadable(format!("The image could not be read: {e}")))?;
    match reader.format() {
        Some(ImageFormat::Png | ImageFormat::Jpeg) => {}
        _ => return Err(unreadable("Only PNG and JPEG images can be read")),
    }
    // The header only: no pixels are allocated yet.
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| unreadable(format!("The image could not be read: {e}")))?;
    if w > MAX_DIMENSION || h > MAX_DIMENSION {
        return Err(unreadable(format!(
            "The image is {w}×{h} pixels; at most {MAX_DIMENSION} a side is read"
        )));
    }
    // `into_dimensions` consumed the reader: open it again for the pixels.
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| unreadable(format!("The image could not be read: {e}")))?;
    reader.limits(limits());
    let image = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            unreadable(format!("The image is {w}×{h} pixels, too large to read"))
        }
        other => unreadable(format!("The image could not be read: {other}")),
    })?;
    if image.width() == 0 || image.height() == 0 {
        return Err(unreadable("The image is empty"));
    }
    Ok(image.to_luma8())
}

/// At most [`MAX_DIMENSION`] a side and 1 GiB of pixel memory (12,000² RGBA is 576 MB).
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(1024 * 1024 * 1024);
    limits
}

/// The versions of the picture to look in, cheapest first.
fn candidates(grey: &GrayImage) -> impl Iterator<Item = GrayImage> + '_ {
    let (w, h) = grey.dimensions();
    let longer = w.max(h);
    let small = (longer > WORKING_SIDE).then(|| {
        let scale = f64::from(WORKING_SIDE) / f64::from(longer);
        let sw = ((f64::from(w) * scale).round() as u32).max(1);
        let sh = ((f64::from(h) * scale).round() as u32).max(1);
        imageops::resize(grey, sw, sh, imageops::FilterType::Triangle)
    });
    let full = std::iter::once_with(move || grey.clone());
    small
        .into_iter()
        .chain(full)
        .chain(std::iter::once_with(move || {
            let mut inverted = grey.clone();
            imageops::invert(&mut inverted);
            inverted
        }))
}

/// The QR code in `grey`, as text (ZXing's hybrid binariser, "try harder").
fn read_qr(grey: &GrayImage) -> Option<String> {
    let (w, h) = grey.dimensions();
    rxing::helpers::detect_in_luma_slice(grey.as_raw(), w, h, Some(rxing::BarcodeFormat::QR_CODE))
        .ok()
        .map(|r| r.getText().to_owned())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use image::{ImageBuffer, Luma};

    use super::*;

    /// `text` as a QR image: `scale` pixels a module, a 4-module quiet zone.
    pub(crate) fn qr_png(text: &str, scale: u32, invert: bool) -> Vec<u8> {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let n = code.width() as u32;
        let side = (n + 8) * scale;
        let colors = code.to_colors();
        let img: ImageBuffer<Luma<u8>, Vec<u8>> = ImageBuffer::from_fn(side, side, |x, y| {
            let (mx, my) = ((x / scale) as i64 - 4, (y / scale) as i64 - 4);
            let dark = mx >= 0
                && my >= 0
                && (mx as u32) < n
                && (my as u32) < n
                && colors[(my as u32 * n + mx as u32) as usize] == qrcode::Color::Dark;
            Luma([if dark != invert { 0 } else { 255 }])
        });
        let mut out = Vec::new();
        img.write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn reads_png_and_jpeg_and_inverted() {
        let text = "00020101021126330013com.walletpay0108mch_12345204581253031565802CN5912Lucky Noodles6007Beijing6304ABCD";
        assert_eq!(decode_qr_image(&qr_png(text, 4, false)).unwrap(), text);
        assert_eq!(decode_qr_image(&qr_png(text, 3, true)).unwrap(), text);
        let png = qr_png("hello", 6, false);
        let img = image::load_from_memory(&png).unwrap();
        let mut jpeg = Vec::new();
        img.write_to(&mut Cursor::new(&mut jpeg), ImageFormat::Jpeg)
            .unwrap();
        assert_eq!(decode_qr_image(&jpeg).unwrap(), "hello");
    }

    #[test]
    fn a_large_photo_is_downscaled_and_still_read() {
        // 1,900 px wide: decoded from the 1,200 px working copy.
        let png = qr_png("https://example.com/a", 50, false);
        let size = image::load_from_memory(&png).unwrap().width();
        assert!(size > WORKING_SIDE, "{size}");
        assert_eq!(decode_qr_image(&png).unwrap(), "https://example.com/a");
    }

    #[test]
    fn no_code_and_not_an_image() {
        let blank: ImageBuffer<Luma<u8>, Vec<u8>> = ImageBuffer::from_pixel(64, 64, Luma([255]));
        let mut png = Vec::new();
        blank
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        assert_eq!(
            decode_qr_image(&png).unwrap_err().code,
            ErrorCode::QrNotFound
        );
        for bad in [&b""[..], b"not an image", b"GIF89a\x01\x00\x01\x00"] {
            assert_eq!(
                decode_qr_image(bad).unwrap_err().code,
                ErrorCode::QrImageUnreadable
            );
        }
        // A PNG cut short.
        let cut = &png[..png.len() / 2];
        assert_eq!(
            decode_qr_image(cut).unwrap_err().code,
            ErrorCode::QrImageUnreadable
        );
    }

    #[test]
    fn oversized_inputs_are_refused_before_decoding() {
        let big = vec![0u8; MAX_IMAGE_BYTES + 1];
        let err = decode_qr_image(&big).unwrap_err();
        assert_eq!(err.code, ErrorCode::QrImageUnreadable);
        assert!(err.message.contains("20 MB"), "{}", err.message);
        // A PNG header claiming 50,000 × 50,000 pixels: refused from the header alone.
        let mut png = Vec::new();
        png.extend_from_slice(b"\x89PNG\r\n\x1a\n");
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(b"IHDR");
        ihdr.extend_from_slice(&50_000u32.to_be_bytes());
        ihdr.extend_from_slice(&50_000u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
        png.extend_from_slice(&13u32.to_be_bytes());
        png.extend_from_slice(&ihdr);
        png.extend_from_slice(&crc32(&ihdr).to_be_bytes());
        for chunk in [&b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01"[..], b"IEND"] {
            png.extend_from_slice(&(chunk.len() as u32 - 4).to_be_bytes());
            png.extend_from_slice(chunk);
            png.extend_from_slice(&crc32(chunk).to_be_bytes());
        }
        let err = decode_qr_image(&png).unwrap_err();
        assert_eq!(err.code, ErrorCode::QrImageUnreadable);
        assert!(
            err.message.contains("50000") || err.message.contains("large"),
            "{}",
            err.message
        );
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
}
