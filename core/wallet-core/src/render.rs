//! Drawing a payment code for a scanner: a QR symbol (the `qrcode` crate) and a Code 128
//! barcode (set C, written here), each as a standalone SVG document.
//!
//! Code 128 set C packs two digits into one symbol, so the 18-digit payment code is a start
//! symbol, 9 digit pairs, a check symbol and the stop pattern: 11 + 9 × 11 + 11 + 13 = 134
//! modules, narrow enough for a phone screen held to a POS scanner.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use wallet_protocol::ErrorCode;

use crate::error::WalletError;

/// Widths (bar, space, bar, space, bar, space) of Code 128 symbol values 0–105, from the
/// symbology's table (ISO/IEC 15417). Every pattern is 11 modules wide.
const CODE128_WIDTHS: [&[u8; 6]; 106] = [
    b"212222", b"222122", b"222221", b"121223", b"121322", b"131222", b"122213", b"122312",
    b"132212", b"221213", b"221312", b"231212", b"112232", b"122132", b"122231", b"113222",
    b"123122", b"123221", b"223211", b"221132", b"221231", b"213212", b"223112", b"312131",
    b"311222", b"321122", b"321221", b"312212", b"322112", b"322211", b"212123", b"212321",
    b"232121", b"111323", b"131123", b"131321", b"112313", b"132113", b"132311", b"211313",
    b"231113", b"231311", b"112133", b"112331", b"132131", b"113123", b"113321", b"133121",
    b"313121", b"211331", b"231131", b"213113", b"213311", b"213131", b"311123", b"311321",
    b"331121", b"312113", b"312311", b"332111", b"314111", b"221411", b"431111", b"111224",
    b"111422", b"121124", b"121421", b"141122", b"141221", b"112214", b"112412", b"122114",
    b"122411", b"142112", b"142211", b"241211", b"221114", b"413111", b"241112", b"134111",
    b"111242", b"121142", b"121241", b"114212", b"124112", b"124211", b"411212", b"421112",
    b"421211", b"212141", b"214121", b"412121", b"111143", b"111341", b"131141", b"114113",
    b"114311", b"411113", b"411311", b"113141", b"114131", b"311141", b"411131", b"211412",
    b"211214", b"211232",
];
/// The stop pattern with its final bar (13 modules).
const CODE128_STOP: &[u8; 7] = b"2331112";
const CODE128_START_C: usize = 105;
/// Light modules either side, as scanners need (at least 10).
const QUIET_MODULES: usize = 10;

/// The symbol values of `digits` in Code 128 set C: start C, one value per digit pair, the
/// modulo-103 check value. `None` unless `digits` is a non-empty even number of ASCII digits.
pub(crate) fn code128c_values(digits: &str) -> Option<Vec<usize>> {
    let bytes = digits.as_bytes();
    if bytes.is_empty() || !bytes.len().is_multiple_of(2) || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut values = vec![CODE128_START_C];
    for pair in bytes.chunks(2) {
        values.push(usize::from(pair[0] - b'0') * 10 + usize::from(pair[1] - b'0'));
    }
    let weighted: usize = values.iter().enumerate().map(|(i, v)| v * i.max(1)).sum();
    values.push(weighted % 103);
    Some(values)
}

/// The modules of `digits` as a Code 128 set C symbol, `true` for a dark module, without the
/// quiet zones.
pub(crate) fn code128c_modules(digits: &str) -> Option<Vec<bool>> {
    let values = code128c_values(digits)?;
    let mut modules = Vec::with_capacity(values.len() * 11 + 13);
    let mut push = |widths: &[u8]| {
        for (i, w) in widths.iter().enumerate() {
            for _ in 0..(w - b'0') {
                modules.push(i % 2 == 0);
            }
        }
    };
    for v in values {
        push(CODE128_WIDTHS[v]);
    }
    push(CODE128_STOP);
    Some(modules)
}

/// `digits` as a Code 128 barcode: an SVG document, 2 px per module, quiet zones included.
pub(crate) fn code128_svg(digits: &str) -> Result<String, WalletError> {
    let modules = code128c_modules(digits).ok_or_else(|| {
        WalletError::new(
            ErrorCode::Internal,
            "a barcode holds an even number of digits",
        )
    })?;
    const MODULE_PX: usize = 2;
    const HEIGHT_PX: usize = 100;
    let width = (modules.len() + 2 * QUIET_MODULES) * MODULE_PX;
    let mut svg = format!(
        "<?xml version=\"1.0\" standalone=\"yes\"?>\
         <svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{width}\" \
         height=\"{HEIGHT_PX}\" viewBox=\"0 0 {width} {HEIGHT_PX}\" shape-rendering=\"crispEdges\">\
         <rect x=\"0\" y=\"0\" width=\"{width}\" height=\"{HEIGHT_PX}\" fill=\"#fff\"/>"
    );
    // One rectangle per bar (a run of dark modules).
    let mut i = 0;
    while i < modules.len() {
        if !modules[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < modules.len() && modules[i] {
            i += 1;
        }
        svg.push_str(&format!(
            "<rect x=\"{}\" y=\"0\" width=\"{}\" height=\"{HEIGHT_PX}\" fill=\"#000\"/>",
            (QUIET_MODULES + start) * MODULE_PX,
            (i - start) * MODULE_PX
        ));
    }
    svg.push_str("</svg>");
    Ok(svg)
}

/// `text` as a QR symbol (error correction M, quiet zone included): an SVG document.
pub(crate) fn qr_svg(text: &str) -> Result<String, WalletError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(|e| {
        WalletError::new(ErrorCode::Internal, format!("QR symbol not drawable: {e}"))
    })?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .quiet_zone(true)
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bits(modules: &[bool]) -> String {
        modules.iter().map(|&d| if d { '1' } else { '0' }).collect()
    }

    #[test]
    fn every_symbol_is_eleven_modules_three_bars_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for (v, w) in CODE128_WIDTHS.iter().enumerate() {
            let sum: u32 = w.iter().map(|b| u32::from(b - b'0')).sum();
            assert_eq!(sum, 11, "value {v}");
            // Bars take an even number of modules, spaces an odd one (the parity check).
            let bars: u32 = w.iter().step_by(2).map(|b| u32::from(b - b'0')).sum();
            assert_eq!(bars % 2, 0, "value {v}");
            assert!(seen.insert(w), "value {v} repeats a pattern");
        }
        let stop: u32 = CODE128_STOP.iter().map(|b| u32::from(b - b'0')).sum();
        assert_eq!(stop, 13);
    }

    #[test]
    fn known_check_values() {
        // 105 + 1×19 + 2×53 + 3×47 + 4×63 = 623 ≡ 5 (mod 103).
        assert_eq!(
            code128c_values("19534763"),
            Some(vec![105, 19, 53, 47, 63, 5])
        );
        assert_eq!(code128c_values("00"), Some(vec![105, 0, 2]));
        for bad in ["", "1", "123", "12a4", "１２"] {
            assert_eq!(code128c_values(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn known_encoding() {
        // "1234" in set C: start C (211232), 12 (112232), 34 (131123), check
        // (105 + 12 + 2×34 = 185 ≡ 82: 121241), stop (2331112). Worked out by hand from the
        // symbology's table, independently of this module's table.
        let expected = concat!(
            "11010011100",   // start C
            "10110011100",   // 12
            "10001011000",   // 34
            "10010011110",   // check 82
            "1100011101011"  // stop
        );
        assert_eq!(bits(&code128c_modules("1234").unwrap()), expected);
    }

    #[test]
    fn payment_code_barcode_is_134_modules() {
        let code = "281234567890123456";
        let values = code128c_values(code).unwrap();
        assert_eq!(values.len(), 11, "start, 9 pairs, check");
        let modules = code128c_modules(code).unwrap();
        assert_eq!(modules.len(), 134);
        assert!(modules[0] && modules[133], "starts and ends with a bar");
        let svg = code128_svg(code).unwrap();
        assert!(svg.starts_with("<?xml") && svg.ends_with("</svg>"));
        // The widths in the SVG add up to the dark modules.
        let dark: usize = svg.split("fill=\"#000\"").count().saturating_sub(1);
        assert!(dark > 20, "{dark} bars");
        assert!(code128_svg("123").is_err());
    }

    /// Every digit pair (symbol values 0–99) scans back with an independent reader, ZBar,
    /// when `zbarimg` is installed (the E2E suite also scans real payment codes with it).
    #[test]
    fn every_digit_pair_scans_with_zbar() {
        if std::process::Command::new("zbarimg")
            .arg("--version")
            .output()
            .is_err()
        {
            eprintln!("zbarimg is not installed: skipped");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let all: String = (0..100).map(|v| format!("{v:02}")).collect();
        for (i, digits) in all.as_bytes().chunks(40).enumerate() {
            let digits = std::str::from_utf8(digits).unwrap();
            let modules = code128c_modules(digits).unwrap();
            let (scale, quiet, height) = (3u32, 10u32, 60u32);
            let width = (modules.len() as u32 + 2 * quiet) * scale;
            let img = image::GrayImage::from_fn(width, height, |x, _| {
                let m = (x / scale).checked_sub(quiet).map(|m| m as usize);
                let dark = m.is_some_and(|m| m < modules.len() && modules[m]);
                image::Luma([if dark { 0 } else { 255 }])
            });
            let file = dir.path().join(format!("bar{i}.png"));
            img.save(&file).unwrap();
            let out = std::process::Command::new("zbarimg")
                .args(["-q", "--raw"])
                .arg(&file)
                .output()
                .unwrap();
            assert_eq!(
                String::from_utf8_lossy(&out.stdout).trim_end(),
                digits,
                "chunk {i}"
            );
        }
    }

    #[test]
    fn qr_svg_is_a_document() {
        let svg = qr_svg("281234567890123456").unwrap();
        assert!(svg.contains("<svg") && svg.ends_with("</svg>"), "{svg}");
    }
}
