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
        try write("1\n00:00:00,500 --> 00:00:01,500\ncrosses the in-point\n\n2\n00:00:02,000 --> 00:00:02,250\ninside\n\n"
                  + "3\n00:00:02,900 --> 00:00:04,500\nthe out-point cuts all but 0.1 s\n", "captions/x.srt")
        try write(CLITests.captioned, "manifest.json")
        XCTAssertEqual(try provoke(["validate", "manifest.json"]).status, 0)
        let r = try provoke(["plan", "manifest.json", "--json"])
        XCTAssertEqual(r.status, 0, r.err)
        let doc = try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any]
        let output = try XCTUnwrap((doc?["outputs"] as? [[String: Any]])?.first)
        let captions = try XCTUnwrap(output["captions"] as? [String: Any])
        XCTAssertEqual(captions["mode"] as? String, "both")
        let cues = try XCTUnwrap(captions["cues"] as? [[String: Any]])
        // Half of cue 1 is inside the clip: its 0.5 s are held 0.3 s into the quiet after, to the 0.8 s minimum.
        XCTAssertEqual(cues.map { $0["startTime"] as? String }, ["00:00:00.000", "00:00:01.000"])
        XCTAssertEqual(cues.map { $0["endTime"] as? String }, ["00:00:00.800", "00:00:01.250"])
        XCTAssertEqual(cues.map { $0["writtenAt"] as? String }, ["captions/x.srt:2", "captions/x.srt:6"])
        XCTAssertEqual(cues.map { $0["trimmed"] as? Bool }, [true, false])
        XCTAssertEqual(cues.map { $0["extendedAfter"] as? Double }, [0.3, nil])
        // Cue 3's last 0.1 s of 1.6 s is a flash: not shown, and the plan says so.
        let dropped = try XCTUnwrap(captions["dropped"] as? [[String: Any]])
        XCTAssertEqual(dropped.map { $0["writtenAt"] as? String }, ["captions/x.srt:10"])
        XCTAssertEqual(dropped.map { $0["startTime"] as? String }, ["00:00:01.900"])
        XCTAssertEqual(dropped.map { $0["reason"] as? String },
                       ["only 0.10 s of this 1.60 s caption falls inside clip one; the rest is outside it"])
        let text = try provoke(["plan", "manifest.json"])
        XCTAssertTrue(text.out.contains(#"00:00:00.000-00:00:00.800 "crosses the in-point" (captions/x.srt:2, trimmed, held 0.30 s longer, to stay up long enough to read)"#), text.out)
        XCTAssertTrue(text.out.contains(#"dropped 00:00:01.900-00:00:02.000 "the out-point cuts all but 0.1 s" (captions/x.srt:10): only 0.10 s"#), text.out)
        let speakers = try XCTUnwrap(captions["speakers"] as? [[String: Any]])
        XCTAssertEqual(speakers.map { $0["name"] as? String }, ["Dr A. Example"])
        XCTAssertEqual(speakers.map { $0["endTime"] as? String }, ["00:00:02.000"])
    }

    func testAHundredThousandCharacterCaptionIsValidatedAndPlannedAlike() throws {
        // Splitting it into screens was quadratic: validate passed it in a blink while plan ran for minutes.
        try source("a.mp4")
        let words = String(repeating: "Continuity of care is the first thing we lose. ", count: 2_130)
        let manifest = CLITests.captioned
            .replacingOccurrences(of: #", "captions": "captions/x.srt""#, with: "")
            .replacingOccurrences(of: #""in": 1, "out": 3,"#, with: #""in": 1, "out": 3, "captions": [{"start": 0, "end": 2, "text": "\#(words)"}],"#)
        try write(manifest, "manifest.json")
        let validate = try provoke(["validate", "manifest.json"])
        XCTAssertEqual(validate.status, 0, validate.err)
        XCTAssertTrue(validate.err.contains("clips[0].captions[0].text: warning: 100110 characters in 2.000 s"), validate.err)
        let plan = try provoke(["plan", "manifest.json", "--json"])
        XCTAssertEqual(plan.status, 0, plan.err)
        let doc = try JSONSerialization.jsonObject(with: Data(plan.out.utf8)) as? [String: Any]
        let output = try XCTUnwrap((doc?["outputs"] as? [[String: Any]])?.first)
        let cues = try XCTUnwrap((output["captions"] as? [String: Any])?["cues"] as? [[String: Any]])
        XCTAssertGreaterThan(cues.count, 1000, "one screen of at most two lines at a time")
    }
}
