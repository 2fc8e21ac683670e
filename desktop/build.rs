fn main() {
    tauri_build::build();
    // SQLCipher (bundled by rusqlite) exports `sqlite3_*` symbols that would otherwise also serve
    // WebKit's own SQLite calls; keep the statically linked copies private to this binary.
    println!("cargo:rustc-link-arg-bins=-Wl,--exclude-libs,ALL");
}
