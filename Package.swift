// swift-tools-version: 6.0
import PackageDescription

// rg-crm: a thin command over one library per capability. C libraries sit behind
// system-library targets, each wrapped by exactly one Swift module.
let package = Package(
    name: "rg-crm",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rg-crm", targets: ["rg-crm"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // C libraries.
        .systemLibrary(
            name: "CLibPQ", path: "Sources/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),
        .systemLibrary(
            name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(
            name: "CCurl", path: "Sources/CCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),

        // Thin wrappers: the only modules that import a C library.
        // They use RGCore only for the error contract (`RGError`) and positions, so their errors carry their exit
        // category and their places are RGCore's `SourcePosition`.
        .target(name: "Postgres", dependencies: ["CLibPQ", "RGCore"]),
        .target(name: "HTTPClient", dependencies: ["CCurl", "RGCore"]),
        .target(name: "YAMLEvents", dependencies: ["CYAML", "RGCore"]),

        // Shared core: tenant config pack, diagnostics, errors, files.
        .target(
            name: "RGCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]),

        // Capabilities.
        .target(name: "MigrationKit", dependencies: ["RGCore", "Postgres"]),
        .target(
            name: "TemplateCloner",
            dependencies: [
                "RGCore", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        .target(name: "WorkflowLint", dependencies: ["RGCore", "YAMLEvents"]),
        // Tenant provisioning; the top of the library graph (issue 12).
        .target(name: "ProvisionKit", dependencies: ["RGCore", "YAMLEvents"]),

        // The command.
        .executableTarget(
            name: "rg-crm",
            dependencies: [
                "RGCore", "MigrationKit", "Postgres", "TemplateCloner", "WorkflowLint", "ProvisionKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Tests.
        .target(name: "TestSupport", dependencies: ["Postgres"], path: "Tests/TestSupport"),
        .testTarget(
            name: "RGCoreTests",
            dependencies: ["RGCore", "TestSupport", "Postgres", "HTTPClient", "YAMLEvents", "MigrationKit", "TemplateCloner", "WorkflowLint"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "RGCore", "TestSupport"]),
        .testTarget(name: "MigrationKitTests", dependencies: ["MigrationKit", "Postgres", "RGCore", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "Postgres"]),
        .testTarget(name: "TemplateClonerTests", dependencies: ["TemplateCloner", "RGCore", "TestSupport"]),
        .testTarget(name: "YAMLEventsTests", dependencies: ["YAMLEvents", "RGCore"]),
        .testTarget(name: "WorkflowLintTests", dependencies: ["WorkflowLint", "RGCore", "TestSupport"]),
        .testTarget(name: "ProvisionKitTests", dependencies: ["ProvisionKit", "RGCore", "YAMLEvents", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
