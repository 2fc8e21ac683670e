//! The workspace's module graphs: no import cycle in any crate, and the provider's layers point
//! one way only (`http` → `domain` → `ports` → `store` → `config`/`secrets`/`telemetry`;
//! ARCHITECTURE.md).
#![allow(clippy::expect_used)] // a test: a panic is a failure

use std::path::{Path, PathBuf};

use wallet_e2e::layers::{climbing_edges, crate_graph, cycles};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the repository")
        .to_path_buf()
}

const CRATES: &[&str] = &[
    "core/wallet-protocol/src",
    "core/wallet-core/src",
    "core/wallet-i18n/src",
    "server/src",
    "cli/src",
    "mobile-bindings/wallet-ffi/src",
    "desktop/src",
    "tests/src",
];

#[test]
fn no_crate_has_an_import_cycle() {
    let mut found = Vec::new();
    for krate in CRATES {
        let graph = crate_graph(&repo().join(krate)).expect("readable sources");
        assert!(!graph.is_empty(), "{krate}: no modules read");
        for cycle in cycles(&graph) {
            found.push(format!("{krate}: {}", cycle.join(" → ")));
        }
    }
    assert!(found.is_empty(), "import cycles:\n{}", found.join("\n"));
}

/// The provider's layer of each top-level module (higher = further up).
fn server_layer(module: &str) -> Option<u8> {
    Some(match module {
        "config" | "secrets" | "telemetry" => 0,
        "store" => 1,
        "ports" => 2,
        "domain" => 3,
        "http" => 4,
        "serve" | "" => 5,
        other => panic!("server module {other:?} has no layer: give it one here"),
    })
}

#[test]
fn the_server_layers_point_one_way() {
    let graph = crate_graph(&repo().join("server/src")).expect("readable sources");
    for module in [
        "http",
        "domain",
        "ports",
        "store",
        "domain::money",
        "http::routes::qr",
    ] {
        assert!(graph.contains_key(module), "{module} not found");
    }
    let climbing = climbing_edges(&graph, &server_layer);
    assert!(
        climbing.is_empty(),
        "imports that climb a layer:\n{}",
        climbing
            .iter()
            .map(|(a, b)| format!("{a} → {b}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}
