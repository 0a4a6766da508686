import Foundation
import ProvokeLedger
import ProvokeManifest
import ProvokeTimeline
import XCTest

/// A temporary folder per test, removed afterwards (PROVOKE_KEEP_TEST_FILES=1 keeps it).
final class TempFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("provoke-report-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit {
        if ProcessInfo.processInfo.environment["PROVOKE_KEEP_TEST_FILES"] == nil { try? FileManager.default.removeItem(at: url) }
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: url.appendingPathComponent(name))
    }
    func read(_ name: String) throws -> String { try String(contentsOf: url.appendingPathComponent(name), encoding: .utf8) }
}

/// A 64-hex-digit SHA-256 look-alike, distinct per `n`.
func fakeSHA(_ n: Int) -> String { String(format: "%064x", n) }

/// A render record for a file that need not exist (the report then says the file is missing).
func record(project: String = "campaign", output: String, audience: Audience, title: String, sha: Int,
            at: String = "2026-05-01T10:00:00Z", carries: [RenderRecord.Idea] = [],
            projectIdeas: [RenderRecord.Idea] = []) -> RenderRecord {
    var r = RenderRecord(project: project, projectTitle: "Campaign", output: output, audience: audience, title: title,
                         duration: 62.5, frames: 1875, fps: 30, width: 1280, height: 720, audioSamples: 3_000_000,
                         sampleRate: 48_000, clips: [], ideas: carries, file: "\(output).mp4", sha256: fakeSHA(sha),
                         renderedAt: at)
    r.projectIdeas = projectIdeas
    return r
}

/// Text a contact, a title or an idea could hold that must show as text and never act.
enum Hostile {
    static let script = "<script>alert(1)</script>"
    static let attribute = "\"><img src=x onerror=alert(1)>"
    static let javascriptURL = "javascript:alert(2)"
    static let remote = "https://evil.example/track.png"
    static let quotes = "O'Neil & \"Sons\" {\\b1}"
}

// MARK: - Running programs

struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program with output to files, killed after `timeout` seconds.
func run(_ executable: String, _ arguments: [String], in folder: URL, timeout: TimeInterval = 120) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: Ledger.environmentVariable)
    process.environment = env
    let id = UUID().uuidString
    let out = folder.appendingPathComponent(".stdout-\(id)"), err = folder.appendingPathComponent(".stderr-\(id)")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning {
        // Only the process this test started.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTFail("\(executable) \(arguments) did not finish in \(timeout) s")
    }
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus,
                     stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                     stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
}

/// The built `provoke`, beside the test bundle.
func provokeExecutable() -> String {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        .appendingPathComponent("provoke").path
}

/// Headless Chromium (Debian's `chromium`, from scripts/setup), with a fresh profile, no GPU and every host
/// name unresolvable: a page that needed the network would show it. Not a skip when missing: the browser
/// checks are part of the suite.
enum Chromium {
    static var executable: String {
        get throws {
            for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            where FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            struct Missing: Error, CustomStringConvertible {
                var description = "chromium is not installed; run scripts/setup (the report tests open the page in it)"
            }
            throw Missing()
        }
    }

    static func run(_ arguments: [String], in folder: TempFolder, timeout: TimeInterval = 90) throws -> RunResult {
        let profile = folder.url.appendingPathComponent("chromium-profile-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        return try ProvokeReportTests.run(try executable, [
            "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(profile.path)", "--no-first-run",
            "--disable-extensions", "--disable-background-networking", "--disable-sync", "--hide-scrollbars",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ] + arguments, in: folder.url, timeout: timeout)
    }

    /// The DOM after the page loaded, serialised.
    static func dom(_ page: URL, in folder: TempFolder, extra: [String] = []) throws -> String {
        let result = try run(extra + ["--dump-dom", page.absoluteString], in: folder)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout
    }
}
