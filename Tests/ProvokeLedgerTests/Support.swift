import Foundation
@testable import ProvokeLedger
import ProvokeManifest
import ProvokeTimeline
import XCTest

/// A temporary folder per test, removed afterwards (PROVOKE_KEEP_TEST_FILES=1 keeps it).
final class LedgerTempDir {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("provoke-ledger-test-\(UUID().uuidString)")
        // 0755 so a child process run as another user (the read-only test) can reach the files.
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
    }

    deinit {
        if ProcessInfo.processInfo.environment["PROVOKE_KEEP_TEST_FILES"] == nil {
            try? FileManager.default.removeItem(at: url)
        }
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        try write(name, Array(text.utf8))
    }

    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}

/// A render record as `provoke render` writes it.
func makeRecord(project: String = "campaign", output: String = "icb-cut", audience: Audience = .icb,
                title: String = "Why waiting lists grow", sha256: String = fakeSHA(1),
                renderedAt: String = "2025-03-01T10:00:00Z") -> RenderRecord {
    RenderRecord(project: project, projectTitle: "Campaign", output: output, audience: audience, title: title,
                 duration: 95.5, frames: 2292, fps: 24, width: 1920, height: 1080, audioSamples: 4_584_000,
                 sampleRate: 48000, clips: [], ideas: [], file: "\(output).mp4", sha256: sha256,
                 renderedAt: renderedAt)
}

/// A 64-hex-digit SHA-256 look-alike, distinct per `n`.
func fakeSHA(_ n: Int) -> String { String(format: "%064x", n) }

func contact(_ email: String, _ audience: Audience = .icb, name: String? = nil) -> Contact {
    Contact(name: name ?? "Contact \(email)", email: email, organisation: "Org", role: "Director", audience: audience)
}

/// Row counts through a second, independent connection to the file.
func deliveryCount(_ path: String) throws -> Int { try Ledger(path: path).deliveries().count }

func contactCount(_ path: String) throws -> Int { try Ledger(path: path).contacts().count }

// MARK: - Running the provoke binary

/// The result of running a program.
struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
    var killedBySignal: Bool
}

/// Where the built `provoke` executable is. `swift test` builds every product into the same folder as the
/// test bundle (`.build/debug/provokePackageTests.xctest` on Linux, `….xctest/` bundle on macOS), so we look
/// beside the running test executable and beside any loaded `.xctest` bundle. `PROVOKE_BINARY` overrides.
func provokeExecutable() throws -> String {
    let environment = ProcessInfo.processInfo.environment
    if let path = environment["PROVOKE_BINARY"] { return path }
    var folders = [URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()]
    folders += Bundle.allBundles.filter { $0.bundlePath.hasSuffix(".xctest") }.map { $0.bundleURL.deletingLastPathComponent() }
    folders.append(Bundle.main.bundleURL)
    for folder in folders {
        let candidate = folder.appendingPathComponent("provoke").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    // Not a skip: a missing binary must not turn the process tests into silent passes.
    struct MissingExecutable: Error, CustomStringConvertible {
        var description: String
    }
    throw MissingExecutable(description: "provoke executable not found beside the tests (looked in"
                            + " \(folders.map(\.path))); build it (swift build) or set PROVOKE_BINARY")
}

/// Starts a program with stdout and stderr going to files (no pipe can fill up and block it).
final class Child {
    let process = Process()
    private let out: URL
    private let err: URL

    init(_ executable: String, _ arguments: [String], in folder: LedgerTempDir,
         environment: [String: String] = [:]) throws {
        let id = UUID().uuidString
        out = folder.url.appendingPathComponent("stdout-\(id)")
        err = folder.url.appendingPathComponent("stderr-\(id)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = folder.url
        // A ledger named by the caller's environment must not leak into the test.
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: Ledger.environmentVariable)
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
    }

    func wait() -> RunResult {
        process.waitUntilExit()
        return RunResult(status: process.terminationStatus,
                         stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
                         killedBySignal: process.terminationReason == .uncaughtSignal)
    }
}

/// Runs `provoke` with `arguments` in `folder` and waits for it.
func provoke(_ arguments: [String], in folder: LedgerTempDir, environment: [String: String] = [:]) throws -> RunResult {
    try Child(provokeExecutable(), arguments, in: folder, environment: environment).wait()
}

/// SHA-256 of a file by coreutils' sha256sum: a witness independent of the code under test.
func sha256sum(_ path: String) throws -> String {
    let folder = try LedgerTempDir()
    let result = try Child("/usr/bin/sha256sum", [path], in: folder).wait()
    XCTAssertEqual(result.status, 0, result.stderr)
    return String(result.stdout.prefix(64))
}

/// Writes `name.mp4` (some bytes standing in for a video) and its render record `name.json`, as render does.
@discardableResult
func writeRenderedFile(_ name: String, in folder: LedgerTempDir, output: String = "icb-cut", audience: Audience = .icb,
                       bytes: String, renderedAt: String) throws -> (mp4: String, record: RenderRecord) {
    let mp4 = try folder.write("\(name).mp4", bytes)
    let record = makeRecord(output: output, audience: audience, sha256: try sha256sum(mp4), renderedAt: renderedAt)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try encoder.encode(record).write(to: URL(fileURLWithPath: folder.path("\(name).json")))
    return (mp4, record)
}

/// A ledger as the program of schema `version` left it: its migrations, its marks, and a row in each of its
/// first tables (Ann, the contact `contact`; a video of campaign/icb-cut; her delivery of it, viewed).
func makeOldLedger(_ path: String, version: Int, contact: String) throws {
    let old = try Connection(path: path)
    try old.execute("PRAGMA journal_mode = WAL")
    try old.execute("PRAGMA application_id = \(Schema.applicationID)")
    for migration in Schema.migrations[..<version] { try old.execute(migration.sql) }
    try old.execute("PRAGMA user_version = \(version)")
    try old.run("INSERT INTO contacts (name, email, audience) VALUES (?, ?, ?)", ["Ann", .text(contact), "icb"])
    try old.run("""
        INSERT INTO videos (sha256, project, output, audience, title, duration, path, rendered_at)
        VALUES (?, 'campaign', 'icb-cut', 'icb', 'Old cut', 12.5, '/videos/icb-cut.mp4', '2026-05-01T10:00:00.000Z')
        """, [.text(fakeSHA(7))])
    try old.run("INSERT INTO deliveries (contact_id, video_id, channel, date, status) VALUES (1, 1, 'email', '2026-05-02', 'viewed')")
}
