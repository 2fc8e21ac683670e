//! `cargo run -p uniffi-bindgen -- generate <lib> --language kotlin|swift|python --out-dir DIR`
//!
//! Lives in the workspace so the generator and the `uniffi` runtime in `wallet-ffi` are always
//! the same version (a mismatch produces bindings that fail their checksum checks at load time).

fn main() {
    uniffi::uniffi_bindgen_main()
}
