import FFmpegKit
import Foundation
import ProvokeSamples
import XCTest

/// Runs the built `provoke` executable (next to the test bundle) and checks what a producer sees:
/// exit codes, messages and the files left behind.
final class CLITests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        FFmpegLog.setQuiet()
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("provoke-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        if ProcessInfo.processInfo.environment["PROVOKE_KEEP_TEST_FILES"] == nil { try? FileManager.default.removeItem(at: dir) }
    }

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("provoke")
    }

    struct Run {
        var status: Int32
        var out: String
        var err: String
        /// Seconds from Ctrl-C to exit, when interrupted.
        var stopDelay: Double? = nil
    }

    /// Runs the binary in the test's folder; with `interruptAfter`, presses Ctrl-C once that text is on stderr.
    @discardableResult
    func provoke(_ args: [String], interruptAfter marker: String? = nil) throws -> Run {
        try provokeRun(args, signal: marker == nil ? nil : SIGINT, after: marker ?? "").run
    }

    /// A system tool (the ffmpeg and ffprobe programs as witnesses, `cc`) run in the test's folder to the end; its
    /// standard output and error go through files, so neither can fill up and stall it.
    func tool(_ path: String, _ args: [String]) throws -> (status: Int32, out: Data, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.currentDirectoryURL = dir
        let out = dir.appendingPathComponent(".tool-\(UUID().uuidString).out"), err = out.appendingPathExtension("err")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        FileManager.default.createFile(atPath: err.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: out); try? FileManager.default.removeItem(at: err) }
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        try p.run()
        p.waitUntilExit()
        return (p.terminationStatus, try Data(contentsOf: out), String(decoding: try Data(contentsOf: err), as: UTF8.self))
    }

    func write(_ text: String, _ name: String) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func source(_ name: String, frames: Int = 150) throws {
        var spec = SampleSpec()
        spec.frames = frames
        try SampleMedia.write(spec, to: dir.appendingPathComponent(name).path)
    }

    func files(_ sub: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent(sub).path)) ?? []).sorted()
    }

    static let twoOutputs = """
    {
      "provoke": 1,
      "project": {"id": "cli", "title": "Increasing access is harmful to health"},
      "sources": [{"id": "a", "file": "a.mp4"}, {"id": "b", "file": "b.mp4"}],
      "ideas": [{"id": "demand", "text": "More access feeds demand, not health"}],
      "clips": [
        {"id": "one", "source": "a", "in": "00:01.000", "out": 2, "ideas": ["demand"]},
        {"id": "two", "source": "b", "in": 3, "out": "00:04.000"}
      ],
      "outputs": [
        {"id": "good", "audience": "icb", "title": "Good", "sequence": ["one"]},
        {"id": "bad", "audience": "college", "title": "Bad", "sequence": ["one", "two"]}
      ]
    }
    """

    func testInvalidManifestIsReportedWithPlacesAndRendersNothing() throws {
        try source("a.mp4")
        try write("""
        {
          "provoke": 1,
          "project": {"id": "cli", "title": "T"},
          "sources": [{"id": "a", "file": "a.mp4"}],
          "ideas": [],
          "clips": [{"id": "one", "source": "a", "in": 3, "out": 2}],
          "outputs": [{"id": "x", "audience": "icb", "title": "X", "sequnce": ["one"]}]
        }
        """, "manifest.json")
        let r = try provoke(["render", "manifest.json"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains("manifest.json:6:58: clips[0].out:"), r.err)
        XCTAssertTrue(r.err.contains("manifest.json:7:"), r.err)
        XCTAssertTrue(r.err.contains("clips[0]"), r.err)
        XCTAssertTrue(r.err.contains("sequnce"), r.err)
        XCTAssertEqual(files("out"), [], "nothing rendered")
        let v = try provoke(["validate", "manifest.json"])
        XCTAssertEqual(v.status, 1)
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try provoke(["render"]).status, 2)
        XCTAssertEqual(try provoke(["render", "--frobnicate", "x.json"]).status, 2)
        try source("a.mp4"); try source("b.mp4")
        try write(CLITests.twoOutputs, "manifest.json")
        let r = try provoke(["render", "manifest.json", "--output", "nope"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("no output \"nope\""), r.err)
    }

    func testOneFailingOutputDoesNotStopTheOthers() throws {
        try source("a.mp4")
        try source("b.mp4")
        // b.mp4 keeps its header (fast start) but loses its second half: valid on paper, fails to decode.
        let b = dir.appendingPathComponent("b.mp4")
        let bytes = try Data(contentsOf: b)
        try bytes.prefix(bytes.count / 3).write(to: b)
        try write(CLITests.twoOutputs, "manifest.json")
        XCTAssertEqual(try provoke(["validate", "manifest.json"]).status, 0)

        let r = try provoke(["render", "manifest.json", "--no-ledger"])
        XCTAssertEqual(r.status, 1, "a bad source is bad input: \(r.err)")
        XCTAssertTrue(r.out.contains("rendered 1 of 2"), r.out)
        XCTAssertTrue(r.out.contains("bad: b.mp4"), r.out)
        XCTAssertEqual(files("out"), ["good.json", "good.mp4", "good.png"])
    }

    func testRenderRegistersEachFileInTheLedger() throws {
        try source("a.mp4"); try source("b.mp4")
        try write(CLITests.twoOutputs, "manifest.json")
        let r = try provoke(["render", "manifest.json", "--output", "good", "--ledger", "campaign.sqlite"])
        XCTAssertEqual(r.status, 0, r.err)
        let record = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/good.json"))) as? [String: Any]
        let sha = try XCTUnwrap(record?["sha256"] as? String)
        // The ledger knows the file by its SHA-256: delivering it by path finds it.
        try write("name,email,organisation,role,audience\nPriya Shah,priya@icb.example.org,North ICB,Director,icb\n", "contacts.csv")
        XCTAssertEqual(try provoke(["contacts", "import", "contacts.csv", "--ledger", "campaign.sqlite"]).status, 0)
        let d = try provoke(["deliver", "out/good.mp4", "--to", "priya@icb.example.org", "--ledger", "campaign.sqlite"])
        XCTAssertEqual(d.status, 0, d.err)
        let list = try provoke(["deliveries", "--ledger", "campaign.sqlite", "--format", "json"])
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertTrue(list.out.contains(sha), list.out)
        XCTAssertTrue(list.out.contains("priya@icb.example.org"), list.out)
    }

    func testPlanJSONShowsSourceAndOutputRanges() throws {
        try source("a.mp4"); try source("b.mp4")
        try write(CLITests.twoOutputs, "manifest.json")
        let r = try provoke(["plan", "manifest.json", "--output", "bad", "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        let outputs = try XCTUnwrap(doc?["outputs"] as? [[String: Any]])
        XCTAssertEqual(outputs.count, 1)
        let segments = try XCTUnwrap(outputs[0]["segments"] as? [[String: Any]])
        XCTAssertEqual(segments.map { $0["startFrame"] as? Int }, [0, 30])
        XCTAssertEqual(segments.map { $0["endFrame"] as? Int }, [30, 60])
        let second = try XCTUnwrap(segments[1]["source"] as? [String: Any])
        XCTAssertEqual(second["inTime"] as? String, "00:00:03.000")
        XCTAssertEqual(second["firstFrame"] as? Int, 90)
        XCTAssertEqual(second["lastFrame"] as? Int, 119)
        XCTAssertEqual(files(""), ["a.mp4", "b.mp4", "manifest.json"], "plan touches nothing")
    }

    func testCtrlCStopsQuicklyAndLeavesNoPartialFile() throws {
        try source("a.mp4", frames: 900)
        try write("""
        {"provoke": 1, "project": {"id": "long", "title": "Long"},
         "sources": [{"id": "a", "file": "a.mp4"}], "ideas": [],
         "clips": [{"id": "all", "source": "a", "in": 0, "out": 30}],
         "outputs": [{"id": "long", "audience": "icb", "title": "Long", "sequence": ["all", "all", "all"]}]}
        """, "manifest.json")
        let r = try provoke(["render", "manifest.json", "--no-ledger"], interruptAfter: "long: ")
        XCTAssertEqual(r.status, 130, r.err)
        // The renderer polls between frames; a second is the promise, two allows for a loaded CI machine.
        XCTAssertLessThan(r.stopDelay ?? 99, 2.0)
        XCTAssertEqual(files("out"), [], "no partial output, no temporary file")
    }
}
