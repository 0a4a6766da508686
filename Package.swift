// swift-tools-version:6.0
// provoke: provocation-event recordings -> captioned, audience-tagged videos -> distribution ledger.
//
// Data flows one way, and the targets follow it:
//   ProvokeManifest (JSON -> validated Project) -> ProvokeTimeline (pure plan in output time)
//   -> ProvokeRender (decode -> filter -> encode -> mux, over FFmpegKit) -> ProvokeLedger (SQLite)
//   -> ProvokeReport (the campaign report, HTML) -> provoke (CLI)
// ProvokeSystem (files that land whole, signals, text safe for a terminal) sits under all of them.
// Only FFmpegKit imports CFFmpeg; only ProvokeLedger imports CSQLite; only ProvokeCards imports CLibass
// and CFontconfig.
import PackageDescription

let package = Package(
    name: "provoke",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "provoke", targets: ["provoke"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries (Debian 12: FFmpeg 5.1, SQLite 3.40). scripts/setup installs them.
        .systemLibrary(
            name: "CFFmpeg", pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavfilter-dev", "libavutil-dev",
                              "libswscale-dev", "libswresample-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CLibass", pkgConfig: "libass", providers: [.apt(["libass-dev"])]),
        .systemLibrary(name: "CFontconfig", pkgConfig: "fontconfig", providers: [.apt(["libfontconfig-dev"])]),

        // Files, signals and terminal text, the same for every command; depends on nothing of ours.
        // Optimised even in debug builds: it hashes every file render and the ledger name (SHA-256), and the tests
        // hash hundreds of megabytes; unoptimised Swift does about 2 MB/s there.
        .systemLibrary(name: "CSystem"),
        .target(name: "ProvokeSystem", dependencies: ["CSystem"], swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "FFmpegKit", dependencies: ["CFFmpeg", "ProvokeSystem"]),
        .target(name: "ProvokeManifest", dependencies: ["ProvokeCaptions", "ProvokeSystem"]),
        .target(name: "ProvokeTimeline", dependencies: ["ProvokeManifest", "ProvokeCaptions", "ProvokeSystem"]),
        .target(name: "ProvokeCaptions", dependencies: ["ProvokeSystem"]),
        .target(name: "ProvokeCards",
                dependencies: ["CLibass", "CFontconfig", "ProvokeManifest", "ProvokeTimeline", "ProvokeCaptions"]),
        .target(name: "ProvokeRender",
                dependencies: ["FFmpegKit", "ProvokeManifest", "ProvokeTimeline", "ProvokeCaptions", "ProvokeCards",
                              "ProvokeSystem"]),
        .target(name: "ProvokeSamples", dependencies: ["FFmpegKit"]),
        .target(name: "ProvokeLedger", dependencies: ["CSQLite", "ProvokeManifest", "ProvokeTimeline", "ProvokeSystem"]),
        // The campaign report: a static HTML site from the ledger, the render records and a poster per video.
        .target(name: "ProvokeReport",
                dependencies: ["ProvokeLedger", "ProvokeTimeline", "ProvokeManifest", "ProvokeRender", "ProvokeSystem"]),
        .executableTarget(
            name: "provoke",
            dependencies: [
                "ProvokeManifest", "ProvokeTimeline", "ProvokeCards", "ProvokeRender", "ProvokeLedger", "ProvokeReport",
                "ProvokeSamples", "ProvokeSystem",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),

        .testTarget(name: "ProvokeSystemTests", dependencies: ["ProvokeSystem"]),
        .testTarget(name: "ProvokeManifestTests", dependencies: ["ProvokeManifest", "ProvokeCaptions"]),
        .testTarget(name: "ProvokeTimelineTests", dependencies: ["ProvokeTimeline", "ProvokeManifest", "ProvokeCaptions"]),
        .testTarget(name: "ProvokeCaptionsTests", dependencies: ["ProvokeCaptions"]),
        .testTarget(name: "ProvokeCardsTests", dependencies: ["ProvokeCards", "ProvokeTimeline", "ProvokeManifest", "ProvokeCaptions"]),
        .testTarget(name: "ProvokeRenderTests",
                    dependencies: ["ProvokeRender", "ProvokeSamples", "FFmpegKit", "ProvokeManifest", "ProvokeTimeline",
                                   "ProvokeCaptions", "ProvokeCards"]),
        .testTarget(name: "ProvokeLedgerTests", dependencies: ["ProvokeLedger"]),
        // Also runs the built executable and headless Chromium (scripts/setup installs it) on a real report.
        .testTarget(name: "ProvokeReportTests",
                    dependencies: ["ProvokeReport", "ProvokeLedger", "ProvokeTimeline", "ProvokeManifest", "provoke",
                                   "ProvokeSamples", "FFmpegKit"]),
        // Runs the built executable: exit codes, messages, files left behind.
        .testTarget(name: "ProvokeCLITests", dependencies: ["provoke", "ProvokeSamples", "FFmpegKit", "ProvokeSystem"]),
    ]
)
