import Foundation
import XCTest

/// Captions from the command line: where a producer is sent for a broken caption file, and what `plan --json`
/// says each caption will do.
extension CLITests {
    static let captioned = """
    {
      "provoke": 1,
      "project": {"id": "cli", "title": "Captions"},
      "sources": [{"id": "a", "file": "a.mp4", "captions": "captions/x.srt"}],
      "clips": [{"id": "one", "source": "a", "in": 1, "out": 3, "speaker": {"name": "Dr A. Example"}}],
      "outputs": [{"id": "out", "audience": "icb", "title": "Out", "sequence": ["one"]}]
    }
    """

    func testValidateReportsAMalformedCaptionFileAtItsLine() throws {
        try source("a.mp4")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("captions"), withIntermediateDirectories: true)
        try write("1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03,000 -> 00:00:04,000\nbroken arrow\n", "captions/x.srt")
        try write(CLITests.captioned, "manifest.json")
        let r = try provoke(["validate", "manifest.json"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains(#"captions/x.srt:6: expected a timing line like 00:00:01,000 --> 00:00:02,000, found "00:00:03,000 -> 00:00:04,000""#),
                      r.err)
        XCTAssertTrue(r.err.contains("manifest.json: 1 error"), r.err)
        // Rendering refuses too, and writes nothing.
        XCTAssertEqual(try provoke(["render", "manifest.json", "--no-ledger"]).status, 1)
        XCTAssertEqual(files("out"), [])
    }

    func testPlanJSONListsEveryCaptionInOutputTime() throws {
        try source("a.mp4")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("captions"), withIntermediateDirectories: true)
        try write("1\n00:00:00,500 --> 00:00:01,500\ncrosses the in-point\n\n2\n00:00:02,000 --> 00:00:02,250\ninside\n", "captions/x.srt")
        try write(CLITests.captioned, "manifest.json")
        XCTAssertEqual(try provoke(["validate", "manifest.json"]).status, 0)
        let r = try provoke(["plan", "manifest.json", "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        let output = try XCTUnwrap((doc?["outputs"] as? [[String: Any]])?.first)
        let captions = try XCTUnwrap(output["captions"] as? [String: Any])
        XCTAssertEqual(captions["mode"] as? String, "both")
        let cues = try XCTUnwrap(captions["cues"] as? [[String: Any]])
        XCTAssertEqual(cues.map { $0["startTime"] as? String }, ["00:00:00.000", "00:00:01.000"])
        XCTAssertEqual(cues.map { $0["endTime"] as? String }, ["00:00:00.500", "00:00:01.250"])
        XCTAssertEqual(cues.map { $0["writtenAt"] as? String }, ["captions/x.srt:2", "captions/x.srt:6"])
        XCTAssertEqual(cues.map { $0["trimmed"] as? Bool }, [true, false])
        let speakers = try XCTUnwrap(captions["speakers"] as? [[String: Any]])
        XCTAssertEqual(speakers.map { $0["name"] as? String }, ["Dr A. Example"])
        XCTAssertEqual(speakers.map { $0["endTime"] as? String }, ["00:00:02.000"])
    }
}
