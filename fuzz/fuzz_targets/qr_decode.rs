//! `qr::decode` (and `decode_ignoring_crc`) on arbitrary bytes read as lossy UTF-8; successful
//! EMVCo MPM decodes are re-encoded and must decode the same. The body lives in the library
//! (`wallet_protocol::qr::selfcheck`) so the stable property tests run exactly the same checks.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    wallet_protocol::qr::selfcheck::check(data);
});
