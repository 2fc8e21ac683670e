//! QR image benchmark: our decoder (`wallet_core::Wallet::decode_qr_image`: PNG decode, grey,
//! `rxing`) against ZBar's `zbarimg` on the same generated PNG files.
//!
//! Generates QR images of our static and dynamic merchant payloads and of other networks'
//! vectors, in variants that are not trivial: small and large modules, a non-integer scale,
//! 90° and 17° rotations, a perspective tilt, noise, blur + JPEG artefacts, low contrast under
//! uneven light, a 1-module margin, a code small inside a large photo, and light-on-dark.
//! Then times our decoder over all files (images/s; build with `--release`), times one
//! `zbarimg -q --raw` process over all files, and counts how many each decoded correctly
//! (ZBar's per-file answers are read from a second, untimed `--xml` run).
//!
//! `cargo build --release -p wallet-e2e --bin bench_qr_images`
//! `target/release/bench_qr_images [--out DIR] [--rounds N]`
#![allow(clippy::expect_used, clippy::unwrap_used)] // a tool: a panic is the report

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use image::{GrayImage, ImageFormat, Luma};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};
use wallet_protocol::money::Money;
use wallet_protocol::qr::{self, WalletMerchant};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn payloads() -> Vec<(&'static str, String)> {
    let noodles = WalletMerchant {
        merchant_id: "mch_4f9a1c2e7b".into(),
        name: "Lucky Noodles".into(),
        city: "Beijing".into(),
        mcc: "5812".into(),
    };
    let books = WalletMerchant {
        merchant_id: "mch_0b77d3a951".into(),
        name: "Hangzhou Book Store".into(),
        city: "Hangzhou".into(),
        mcc: "5942".into(),
    };
    vec![
        ("static", qr::wallet_static_payload(&noodles).unwrap()),
        ("static2", qr::wallet_static_payload(&books).unwrap()),
        (
            "dynamic",
            qr::wallet_dynamic_payload(&noodles, "ord_8c1d2e3f4a5b6c7d", Money::cny(1250))
                .unwrap(),
        ),
        (
            "dynamic2",
            qr::wallet_dynamic_payload(&books, "ord_0a9b8c7d6e5f4a3b", Money::cny(123_450))
                .unwrap(),
        ),
        // Banco Central do Brasil's Pix example.
        (
            "pix",
            "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D".into(),
        ),
        (
            "upi",
            "upi://pay?pa=merchant@upi&pn=Chai%20Point&am=120.00&cu=INR&tn=Order%2042".into(),
        ),
        ("url", "https://example.com/menu?table=12".into()),
        ("text", "Wi-Fi: CafeGuest / password on the counter".into()),
    ]
}

/// The QR modules of `text` (true = dark), `n` × `n`.
fn modules(text: &str) -> (Vec<bool>, usize) {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let n = code.width();
    let m = code
        .to_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect();
    (m, n)
}

/// A clean rendering: `px` pixels a module, `quiet` modules of margin.
fn render(text: &str, px: u32, quiet: u32) -> GrayImage {
    let (m, n) = modules(text);
    let side = (n as u32 + 2 * quiet) * px;
    GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = (
            (x / px) as i64 - i64::from(quiet),
            (y / px) as i64 - i64::from(quiet),
        );
        let dark = mx >= 0
            && my >= 0
            && (mx as usize) < n
            && (my as usize) < n
            && m[my as usize * n + mx as usize];
        Luma([if dark { 0 } else { 255 }])
    })
}

/// Bilinear sample with a background for points outside.
fn sample(img: &GrayImage, x: f64, y: f64, bg: f64) -> f64 {
    let (w, h) = (f64::from(img.width()), f64::from(img.height()));
    if x < 0.0 || y < 0.0 || x > w - 1.0 || y > h - 1.0 {
        return bg;
    }
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let p = |xx: f64, yy: f64| {
        f64::from(
            img.get_pixel(xx.min(w - 1.0) as u32, yy.min(h - 1.0) as u32)
                .0[0],
        )
    };
    let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1.0, y0) * fx;
    let bottom = p(x0, y0 + 1.0) * (1.0 - fx) + p(x0 + 1.0, y0 + 1.0) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// Maps every output pixel back through `inverse` into `src` (bilinear), `out_w` × `out_h`.
fn warp(
    src: &GrayImage,
    out_w: u32,
    out_h: u32,
    bg: f64,
    inverse: impl Fn(f64, f64) -> (f64, f64),
) -> GrayImage {
    GrayImage::from_fn(out_w, out_h, |x, y| {
        let (sx, sy) = inverse(f64::from(x), f64::from(y));
        Luma([sample(src, sx, sy, bg).round().clamp(0.0, 255.0) as u8])
    })
}

fn rotate(src: &GrayImage, degrees: f64) -> GrayImage {
    let (w, h) = (f64::from(src.width()), f64::from(src.height()));
    let a = degrees.to_radians();
    let (s, c) = a.sin_cos();
    let out = ((w * c.abs() + h * s.abs()).ceil() as u32) + 2;
    let (ocx, ocy) = (f64::from(out) / 2.0, f64::from(out) / 2.0);
    warp(src, out, out, 255.0, |x, y| {
        let (dx, dy) = (x - ocx, y - ocy);
        (dx * c + dy * s + w / 2.0, -dx * s + dy * c + h / 2.0)
    })
}

/// A true perspective tilt (a sticker photographed from below: the top edge narrower), by the
/// square-to-quadrilateral homography (Heckbert), applied backwards with bilinear sampling.
fn perspective(src: &GrayImage, squeeze: f64) -> GrayImage {
    let (w, h) = (f64::from(src.width()), f64::from(src.height()));
    let pad = 10.0;
    // Where the source corners (0,0), (1,0), (1,1), (0,1) land.
    let quad = [
        (pad + w * squeeze / 2.0, pad + h * 0.04),
        (pad + w * (1.0 - squeeze / 2.0), pad + h * 0.04),
        (pad + w, pad + h),
        (pad, pad + h),
    ];
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = quad;
    let (dx1, dx2, dx3) = (x1 - x2, x3 - x2, x0 - x1 + x2 - x3);
    let (dy1, dy2, dy3) = (y1 - y2, y3 - y2, y0 - y1 + y2 - y3);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (dx3 * dy2 - dx2 * dy3) / den;
    let hh = (dx1 * dy3 - dx3 * dy1) / den;
    let m = [
        [x1 - x0 + g * x1, x3 - x0 + hh * x3, x0],
        [y1 - y0 + g * y1, y3 - y0 + hh * y3, y0],
        [g, hh, 1.0],
    ];
    // The inverse (adjugate; the scale cancels in the division).
    let inv = [
        [
            m[1][1] * m[2][2] - m[1][2] * m[2][1],
            m[0][2] * m[2][1] - m[0][1] * m[2][2],
            m[0][1] * m[1][2] - m[0][2] * m[1][1],
        ],
        [
            m[1][2] * m[2][0] - m[1][0] * m[2][2],
            m[0][0] * m[2][2] - m[0][2] * m[2][0],
            m[0][2] * m[1][0] - m[0][0] * m[1][2],
        ],
        [
            m[1][0] * m[2][1] - m[1][1] * m[2][0],
            m[0][1] * m[2][0] - m[0][0] * m[2][1],
            m[0][0] * m[1][1] - m[0][1] * m[1][0],
        ],
    ];
    let out_w = src.width() + 20;
    let out_h = src.height() + 20;
    warp(src, out_w, out_h, 255.0, |x, y| {
        let z = inv[2][0] * x + inv[2][1] * y + inv[2][2];
        let u = (inv[0][0] * x + inv[0][1] * y + inv[0][2]) / z;
        let v = (inv[1][0] * x + inv[1][1] * y + inv[1][2]) / z;
        (u * w, v * h)
    })
}

fn scale(src: &GrayImage, factor: f64) -> GrayImage {
    let out_w = (f64::from(src.width()) * factor).round() as u32;
    let out_h = (f64::from(src.height()) * factor).round() as u32;
    warp(src, out_w, out_h, 255.0, |x, y| (x / factor, y / factor))
}

fn noise(src: &GrayImage, amount: f64, rng: &mut StdRng) -> GrayImage {
    GrayImage::from_fn(src.width(), src.height(), |x, y| {
        let v = f64::from(src.get_pixel(x, y).0[0]) + rng.gen_range(-amount..=amount);
        Luma([v.clamp(0.0, 255.0) as u8])
    })
}

/// Dark 70 on light 170, with light falling off to one side.
fn low_contrast_uneven(src: &GrayImage) -> GrayImage {
    let w = f64::from(src.width());
    GrayImage::from_fn(src.width(), src.height(), |x, y| {
        let v = f64::from(src.get_pixel(x, y).0[0]) / 255.0;
        let light = 1.0 - 0.35 * f64::from(x) / w;
        Luma([((70.0 + v * 100.0) * light) as u8])
    })
}

fn blur_and_jpeg(src: &GrayImage) -> GrayImage {
    let blurred = image::imageops::blur(src, 1.2);
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageLuma8(blurred)
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut std::io::Cursor::new(&mut jpeg),
            35,
        ))
        .unwrap();
    image::load_from_memory(&jpeg).unwrap().to_luma8()
}

/// A small code placed in a large, textured "photo".
fn in_photo(src: &GrayImage, rng: &mut StdRng) -> GrayImage {
    let (w, h) = (1600u32, 1200u32);
    let mut photo = GrayImage::from_fn(w, h, |x, y| {
        let base = 120.0 + 60.0 * ((f64::from(x) / 97.0).sin() * (f64::from(y) / 131.0).cos());
        Luma([(base + rng.gen_range(-25.0..=25.0)).clamp(0.0, 255.0) as u8])
    });
    // A white sticker around the code.
    let (ox, oy) = (700u32, 420u32);
    for y in 0..src.height() + 40 {
        for x in 0..src.width() + 40 {
            photo.put_pixel(ox + x - 20, oy + y - 20, Luma([235]));
        }
    }
    image::imageops::overlay(&mut photo, src, i64::from(ox), i64::from(oy));
    photo
}

fn variants(text: &str, rng: &mut StdRng) -> Vec<(&'static str, GrayImage)> {
    let base = render(text, 4, 4);
    let mut inverted = render(text, 4, 4);
    image::imageops::invert(&mut inverted);
    vec![
        ("clean-4px", base.clone()),
        ("small-2px", render(text, 2, 4)),
        ("large-10px", render(text, 10, 4)),
        ("scaled-2.7x", scale(&render(text, 1, 4), 2.7)),
        ("rot90", image::imageops::rotate90(&base)),
        ("rot17", rotate(&render(text, 5, 4), 17.0)),
        ("tilt", perspective(&render(text, 5, 4), 0.25)),
        ("noise", noise(&render(text, 5, 4), 70.0, rng)),
        ("blur-jpeg", blur_and_jpeg(&render(text, 4, 4))),
        ("low-contrast", low_contrast_uneven(&render(text, 5, 4))),
        ("margin-1", render(text, 4, 1)),
        ("in-photo", in_photo(&render(text, 3, 2), rng)),
        ("inverted", inverted),
    ]
}

/// What ZBar read in each file (from `zbarimg -q --xml`), by path.
fn zbar_answers(files: &[PathBuf]) -> BTreeMap<PathBuf, String> {
    let out = Command::new("zbarimg")
        .args(["-q", "--xml"])
        .args(files)
        .output()
        .expect("run zbarimg --xml");
    let xml = String::from_utf8_lossy(&out.stdout);
    let mut answers = BTreeMap::new();
    for source in xml.split("<source href='").skip(1) {
        let Some(end) = source.find('\'') else {
            continue;
        };
        let path = PathBuf::from(&source[..end]);
        if let Some(start) = source.find("<data><![CDATA[") {
            let rest = &source[start + "<data><![CDATA[".len()..];
            if let Some(stop) = rest.find("]]></data>") {
                answers.insert(path, rest[..stop].to_owned());
            }
        }
    }
    answers
}

fn main() {
    let out_dir = arg("--out").map_or_else(
        || std::env::temp_dir().join("wallet-qr-bench"),
        PathBuf::from,
    );
    let rounds: u32 = arg("--rounds").and_then(|r| r.parse().ok()).unwrap_or(3);
    std::fs::create_dir_all(&out_dir).unwrap();
    let mut rng = StdRng::seed_from_u64(4);
    let mut files: Vec<(PathBuf, String, String)> = Vec::new(); // path, expected, variant
    for (name, payload) in payloads() {
        for (variant, img) in variants(&payload, &mut rng) {
            let path = out_dir.join(format!("{name}-{variant}.png"));
            img.save_with_format(&path, ImageFormat::Png).unwrap();
            files.push((path, payload.clone(), variant.to_owned()));
        }
    }
    // What each file holds, for other decoders to be compared on the same set.
    let expected: String = files
        .iter()
        .map(|(p, text, _)| format!("{}\t{text}\n", p.file_name().unwrap().to_string_lossy()))
        .collect();
    std::fs::write(out_dir.join("expected.tsv"), expected).unwrap();
    let paths: Vec<PathBuf> = files.iter().map(|f| f.0.clone()).collect();
    let bytes: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let total_mb = bytes.iter().map(Vec::len).sum::<usize>() as f64 / 1e6;
    println!(
        "{} images ({} payloads x {} variants, {total_mb:.1} MB of PNG) in {}",
        files.len(),
        payloads().len(),
        files.len() / payloads().len(),
        out_dir.display()
    );

    // Ours: the whole pipeline the app runs (PNG decode, grey, detection, decoding).
    let mut ours_ok = vec![false; files.len()];
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        for (i, b) in bytes.iter().enumerate() {
            let got = wallet_core::Wallet::decode_qr_image(b);
            ours_ok[i] = got.as_deref() == Ok(files[i].1.as_str());
        }
        best = best.min(start.elapsed().as_secs_f64());
    }
    let ours_rate = files.len() as f64 / best;

    // zbarimg: one process over every file, as a script would run it.
    let have_zbar = Path::new("/usr/bin/zbarimg").exists()
        || Command::new("zbarimg").arg("--version").output().is_ok();
    let (zbar_rate, zbar_ok) = if have_zbar {
        let mut best = f64::MAX;
        for _ in 0..rounds {
            let start = Instant::now();
            let status = Command::new("zbarimg")
                .args(["-q", "--raw"])
                .args(&paths)
                .output()
                .expect("run zbarimg");
            let _ = status;
            best = best.min(start.elapsed().as_secs_f64());
        }
        let answers = zbar_answers(&paths);
        let ok: Vec<bool> = files
            .iter()
            .map(|(p, expected, _)| answers.get(p).is_some_and(|a| a == expected))
            .collect();
        (Some(files.len() as f64 / best), ok)
    } else {
        (None, vec![false; files.len()])
    };

    // Per variant: how many payloads each read.
    println!("\n{:<14} {:>6} {:>8}", "variant", "ours", "zbarimg");
    let mut by_variant: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    for (i, (_, _, variant)) in files.iter().enumerate() {
        let e = by_variant.entry(variant.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(ours_ok[i]);
        e.2 += usize::from(zbar_ok[i]);
    }
    for (variant, (n, ours, zbar)) in &by_variant {
        println!("{variant:<14} {ours:>3}/{n:<2} {zbar:>5}/{n:<2}");
    }
    let ours_total = ours_ok.iter().filter(|b| **b).count();
    let zbar_total = zbar_ok.iter().filter(|b| **b).count();
    println!(
        "\nours (wallet-core, rxing): {ours_total}/{} decoded correctly, {ours_rate:.1} images/s (best of {rounds}, one thread)",
        files.len()
    );
    match zbar_rate {
        Some(rate) => println!(
            "zbarimg -q --raw:         {zbar_total}/{} decoded correctly, {rate:.1} images/s (one process over all files, best of {rounds})",
            files.len()
        ),
        None => println!("zbarimg: not installed (apt-get install zbar-tools)"),
    }
}
