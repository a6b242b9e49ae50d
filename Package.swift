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
        .systemLibrary(
            name: "CHiredis", path: "Sources/CHiredis", pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]),

        // Thin wrappers: the only modules that import a C library.
        // They use RGCore only for the error contract (`RGError`) and positions, so their errors carry their exit
        // category and their places are RGCore's `SourcePosition`.
        .target(name: "Postgres", dependencies: ["CLibPQ", "RGCore"]),
        .target(name: "HTTPClient", dependencies: ["CCurl", "RGCore"]),
        .target(name: "YAMLEvents", dependencies: ["CYAML", "RGCore"]),
        .target(name: "Redis", dependencies: ["CHiredis", "RGCore"]),

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
        .target(name: "ReportKit", dependencies: ["RGCore", "WorkflowLint", "TemplateCloner"]),
        .target(name: "DashboardKit", dependencies: ["RGCore", "HTTPClient"]),
        // Read-only checks of one onboarded tenant (rg-crm smoke). Never imports ProvisionKit: the seed's dry run
        // comes in through a probe the executable wires; Metabase is read with DashboardKit's inspector.
        .target(
            name: "SmokeKit",
            dependencies: ["RGCore", "Postgres", "Redis", "MigrationKit", "TemplateCloner", "WorkflowLint", "DashboardKit"]),
        // Tenant lifecycle, the top of the library graph: it orchestrates the other kits; none of them imports it.
        .target(
            name: "ProvisionKit",
            dependencies: [
                "RGCore", "Postgres", "HTTPClient", "Redis", "YAMLEvents", "MigrationKit", "TemplateCloner",
                "WorkflowLint", "DashboardKit", "SmokeKit", "ReportKit",
                .product(name: "Crypto", package: "swift-crypto"),
            ]),

        // The command.
        .executableTarget(
            name: "rg-crm",
            dependencies: [
                "RGCore", "MigrationKit", "Postgres", "TemplateCloner", "WorkflowLint", "ReportKit", "DashboardKit",
                "SmokeKit", "ProvisionKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        // Tests.
        .target(name: "TestSupport", dependencies: ["Postgres", "Redis"], path: "Tests/TestSupport"),
        .testTarget(
            name: "RGCoreTests",
            dependencies: [
                "RGCore", "TestSupport", "Postgres", "HTTPClient", "YAMLEvents", "MigrationKit", "TemplateCloner",
                "WorkflowLint", "ProvisionKit", "Redis", "DashboardKit", "SmokeKit", "ReportKit",
            ]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "TestSupport"]),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "RGCore", "TestSupport"]),
        .testTarget(name: "HTTPClientTests", dependencies: ["HTTPClient", "RGCore", "TestSupport"]),
        .testTarget(name: "MigrationKitTests", dependencies: ["MigrationKit", "Postgres", "RGCore", "TestSupport"]),
        .testTarget(
            name: "ProvisionKitTests",
            dependencies: [
                "ProvisionKit", "MigrationKit", "Postgres", "RGCore", "HTTPClient", "YAMLEvents", "Redis", "TestSupport",
            ]),
        .testTarget(name: "CLITests", dependencies: ["TestSupport", "Postgres"]),
        .testTarget(name: "TemplateClonerTests", dependencies: ["TemplateCloner", "RGCore", "TestSupport"]),
        .testTarget(name: "YAMLEventsTests", dependencies: ["YAMLEvents", "RGCore"]),
        .testTarget(
            name: "ReportKitTests", dependencies: ["ReportKit", "RGCore", "WorkflowLint", "TemplateCloner", "TestSupport"]),
        .testTarget(name: "WorkflowLintTests", dependencies: ["WorkflowLint", "RGCore", "TestSupport"]),
        .testTarget(
            name: "DashboardKitTests",
            dependencies: ["DashboardKit", "RGCore", "HTTPClient", "MigrationKit", "ProvisionKit", "Postgres", "TestSupport"]),
        // The fake Metabase of the tests as a server of its own, for bench/dashboards.sh.
        .executableTarget(name: "fake-metabase", dependencies: ["TestSupport"], path: "Tests/FakeMetabaseServer"),
        .testTarget(name: "SmokeKitTests", dependencies: ["SmokeKit", "RGCore", "Postgres", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
