//! Shell completions and manual pages, generated from the clap definitions in `main.rs`
//! (`clap_complete`, `clap_mangen`), so they cannot drift from the real commands and flags.

use std::path::{Path, PathBuf};

use clap_complete::Shell;
use wallet_core::{ErrorCode, WalletError};

/// The completion script of `shell` for the `wallet` command.
pub fn completions(shell: Shell, mut cmd: clap::Command) -> String {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "wallet", &mut script);
    String::from_utf8_lossy(&script).into_owned()
}

/// The manual page wallet(1), in roff.
pub fn man_page(cmd: clap::Command) -> Result<String, WalletError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .map_err(|e| WalletError::new(ErrorCode::Internal, format!("man page: {e}")))?;
    Ok(String::from_utf8_lossy(&page).into_owned())
}

/// Writes wallet.1 and one page per (sub)command (`wallet-qr-decode.1`, ...) into `dir`,
/// which is created when missing; the files written, in order.
pub fn write_man_pages(cmd: clap::Command, dir: &Path) -> Result<Vec<PathBuf>, WalletError> {
    let io =
        |e: std::io::Error| WalletError::new(ErrorCode::StoreIo, format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut cmd = cmd.disable_help_subcommand(true);
    // Gives every subcommand its display name (`wallet-qr-decode`), the page's name.
    cmd.build();
    let mut written = Vec::new();
    write_pages(&cmd, dir, &mut written).map_err(io)?;
    Ok(written)
}

fn write_pages(cmd: &clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> std::io::Result<()> {
    written.push(clap_mangen::Man::new(cmd.clone()).generate_to(dir)?);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}
