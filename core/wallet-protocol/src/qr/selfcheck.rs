//! The body of the `qr_decode` fuzz target, shared with the property tests so that CI (stable
//! Rust, no fuzzer) runs exactly what the fuzzer runs. Panics when an invariant breaks.

use super::{cpm, decode, decode_ignoring_crc, emv, QrError, QrKind, QrNetwork};

/// Checks the decoder's invariants on arbitrary bytes (read as lossy UTF-8):
/// * `decode` and `decode_ignoring_crc` never panic;
/// * only empty or EMVCo-looking input fails; links and text never do and keep their text;
/// * a strict success is also a lenient success, with the same result;
/// * other than a CRC error, both give the same error;
/// * only our own code with a valid CRC is payable;
/// * a decoded MPM payload re-encoded by [`emv::Mpm::encode`] decodes to the same result.
#[doc(hidden)]
pub fn check(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_str(&text);
}

/// [`check`] on text.
#[doc(hidden)]
pub fn check_str(text: &str) {
    let strict = decode(text);
    let lenient = decode_ignoring_crc(text);
    if let Ok(d) = &lenient {
        if d.payable {
            assert_eq!(d.network, Some(QrNetwork::Wallet), "payable but not ours");
            assert_eq!(d.valid_crc, Some(true), "payable without a valid CRC");
            assert!(d.wallet.is_some(), "payable without our template");
        }
    }
    match &strict {
        Ok(d) => {
            match &lenient {
                Ok(l) => assert_eq!(l, d, "strict and lenient decodes differ"),
                Err(e) => panic!("strict decode succeeded, lenient failed: {e}"),
            }
            match d.kind {
                QrKind::EmvcoMpm => {
                    assert_eq!(d.valid_crc, Some(true), "strict MPM without a valid CRC");
                    let m = match emv::parse(text.trim()) {
                        Ok(m) => m,
                        Err(e) => panic!("decode succeeded but emv::parse failed: {e}"),
                    };
                    let again = match m.encode() {
                        Ok(s) => s,
                        Err(e) => panic!("re-encoding a decoded payload failed: {e}"),
                    };
                    match decode(&again) {
                        Ok(d2) => assert_eq!(&d2, d, "re-encoded payload decodes differently"),
                        Err(e) => panic!("re-encoded payload {again:?} does not decode: {e}"),
                    }
                }
                QrKind::EmvcoCpm => {}
                _ => assert_eq!(d.text.as_deref(), Some(text), "link or text not kept"),
            }
        }
        Err(e) => {
            let t = text.trim();
            assert!(
                t.is_empty() || t.starts_with("00") || t.starts_with(cpm::BASE64_PREFIX),
                "non-EMVCo input failed: {e}"
            );
            let crc_error = matches!(e, QrError::CrcMismatch { .. })
                || matches!(e, QrError::MissingField { tag } if tag == "63");
            if !crc_error {
                assert_eq!(
                    lenient.as_ref().err(),
                    Some(e),
                    "strict and lenient errors differ"
                );
            }
            let _ = e.code();
        }
    }
}
