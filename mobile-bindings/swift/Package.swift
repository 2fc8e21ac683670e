// swift-tools-version:5.9
// The Wallet SDK for iOS as a Swift package. NOT COMPILED HERE (no Swift toolchain on this
// machine): mobile-bindings/test.sh generates Sources/WalletPay/*.swift and Headers/ (the three
// components' C headers and one module.modulemap for the clang module `WalletFFI`); on a Mac,
// build the static library per Apple target with `cargo rustc --profile mobile -p wallet-ffi
// --target aarch64-apple-ios --crate-type staticlib` (and the simulator targets) and wrap it:
//   xcodebuild -create-xcframework \
//     -library target/aarch64-apple-ios/mobile/libwallet_ffi.a -headers Headers \
//     -library <simulator fat lib> -headers Headers \
//     -output WalletFFI.xcframework
import PackageDescription

let package = Package(
    name: "WalletPay",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "WalletPay", targets: ["WalletPay"]),
    ],
    targets: [
        // The Rust library and its C headers (module `WalletFFI`).
        .binaryTarget(name: "WalletFFI", path: "WalletFFI.xcframework"),
        // The generated Swift of all three components (WalletPay, WalletPayCore,
        // WalletPayProtocol), compiled as one module: they refer to each other's types unqualified.
        .target(name: "WalletPay", dependencies: ["WalletFFI"], path: "Sources/WalletPay"),
    ]
)
