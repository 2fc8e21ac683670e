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
    // What the About screen calls the build: `WALLET_BUILD_ID` when the packager sets it, else
    // the commit this was built from, and the profile.
    let commit = std::env::var("WALLET_BUILD_ID").ok().or_else(|| {
        std::process::Command::new("git")
            .args(["rev-parse", "--short=10", "HEAD"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_owned())
    });
    let profile = std::env::var("PROFILE").unwrap_or_default();
    println!(
        "cargo:rustc-env=WALLET_BUILD={} ({profile})",
        commit.as_deref().unwrap_or("unknown commit")
    );
    println!("cargo:rerun-if-env-changed=WALLET_BUILD_ID");
    // SQLCipher (bundled by rusqlite) exports `sqlite3_*` symbols that would otherwise also serve
    // WebKit's own SQLite calls; keep the statically linked copies private to this binary.
    println!("cargo:rustc-link-arg-bins=-Wl,--exclude-libs,ALL");
}
