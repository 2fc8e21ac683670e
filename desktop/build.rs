include!("src/commands.rs");

fn main() {
    // The app's own commands get `allow-<name>` permissions; declaring them makes Tauri check
    // every app command against the capabilities (capabilities/default.json), not only plugins.
    let attributes = tauri_build::Attributes::new()
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        eprintln!("tauri-build failed: {e:#}");
        std::process::exit(1);
    }
    // SQLCipher (bundled by rusqlite) exports `sqlite3_*` symbols that would otherwise also serve
    // WebKit's own SQLite calls; keep the statically linked copies private to this binary.
    println!("cargo:rustc-link-arg-bins=-Wl,--exclude-libs,ALL");
}
