import Foundation
import XCTest

/// `provoke find`, and clips timed by quotes from the command line: what a producer sees, and the exit codes.
extension CLITests {
    /// A Zoom transcript of a 5-second source; "fund time, not throughput" is said twice.
    static let zoomTranscript = """
    WEBVTT

    1
    00:00:00.200 --> 00:00:01.400
    Sam Reid: If boards want better outcomes, they should fund time, not throughput.

    2
    00:00:01.500 --> 00:00:02.900
    Asha Patel: Continuity of care is the first thing we lose.

    3
    00:00:03.000 --> 00:00:04.500
    Sam Reid: So fund time, not throughput.

    """

    static func quoted(_ clip: String) -> String {
        """
        {
          "provoke": 1,
          "project": {"id": "cli", "title": "Quotes"},
          "sources": [{"id": "a", "file": "a.mp4", "captions": "a.vtt"}],
          "ideas": [{"id": "continuity", "text": "Continuity of care is a treatment"}],
          "clips": [{"id": "one", \(clip)}],
          "outputs": [{"id": "out", "audience": "icb", "title": "Out", "sequence": ["one"]}],
          "speakers": {"Asha Patel": {"name": "Dr Asha Patel", "role": "GP partner, Leeds"}}
        }
        """
    }

    func testFindPrintsEveryPlaceBestFirstWithItsSpeakerAndCues() throws {
        try write(CLITests.zoomTranscript, "a.vtt")
        try write(CLITests.quoted(#""quote": "continuity of care is the first thing we lose""#), "manifest.json")
        let r = try provoke(["find", "manifest.json", "they", "should", "fund", "time,", "not", "throughput"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, """
            a 00:00:00.200-00:00:01.400 Sam Reid (a.vtt:4, 100%)
              > 00:00:00.200 Sam Reid: If boards want better outcomes, they should fund time, not throughput.
                00:00:01.500 Asha Patel: Continuity of care is the first thing we lose.
            a 00:00:03.000-00:00:04.500 Sam Reid (a.vtt:12, 66%)
                00:00:01.500 Asha Patel: Continuity of care is the first thing we lose.
              > 00:00:03.000 Sam Reid: So fund time, not throughput.

            """)

        let json = try provoke(["find", "manifest.json", "CONTINUITY of care; is the first thing lost", "--json"])
        XCTAssertEqual(json.status, 0, json.err)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let matches = try XCTUnwrap(doc["matches"] as? [[String: Any]])
        XCTAssertEqual(matches.map { $0["startTime"] as? String }, ["00:00:01.500"])
        XCTAssertEqual(matches.map { $0["start"] as? Double }, [1.5])
        XCTAssertEqual(matches.map { $0["end"] as? Double }, [2.9])
        XCTAssertEqual(matches.map { $0["speaker"] as? String }, ["Asha Patel"])
        XCTAssertEqual(matches.map { $0["writtenAt"] as? String }, ["a.vtt:8"])
    }

    func testFindReportsNothingForWordsNeverSaidAndUsageErrors() throws {
        try write(CLITests.zoomTranscript, "a.vtt")
        try write(CLITests.quoted(#""quote": "continuity of care is the first thing we lose""#), "manifest.json")
        let none = try provoke(["find", "manifest.json", "a contract imposed without agreement", "--json"])
        XCTAssertEqual(none.status, 0, none.err)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(none.out.utf8)) as? [String: Any])
        XCTAssertEqual((doc["matches"] as? [Any])?.count, 0)
        XCTAssertEqual((doc["nearest"] as? [Any])?.count, 0)
        let text = try provoke(["find", "manifest.json", "a contract imposed without agreement"])
        XCTAssertEqual(text.out, "no place in the transcripts says \"a contract imposed without agreement\"\n")

        XCTAssertEqual(try provoke(["find", "manifest.json"]).status, 2)
        let unknown = try provoke(["find", "manifest.json", "fund time", "--source", "b"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.err.contains("--source b: no such source with a caption file in manifest.json; sources with one: a"), unknown.err)
        XCTAssertEqual(try provoke(["find", "missing.json", "fund time"]).status, 1)
    }

    func testFindIdeasListsThePlacesNearestEachIdea() throws {
        try write(CLITests.zoomTranscript, "a.vtt")
        try write(CLITests.quoted(#""quote": "continuity of care is the first thing we lose""#), "manifest.json")
        let r = try provoke(["find", "manifest.json", "--ideas"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.hasPrefix("""
            idea continuity: "Continuity of care is a treatment"
            a 00:00:01.500-00:00:02.900 Asha Patel (a.vtt:8, 66%)
            """), r.out)
    }

    func testAQuoteClipIsPlannedFromTheTranscriptAndAnAmbiguousOneIsRefused() throws {
        try source("a.mp4")
        try write(CLITests.zoomTranscript, "a.vtt")
        try write(CLITests.quoted(#""quote": "continuity of care is the first thing we lose", "pad": 0.1"#), "manifest.json")
        let validate = try provoke(["validate", "manifest.json"])
        XCTAssertEqual(validate.status, 0, validate.err)
        let plan = try provoke(["plan", "manifest.json"])
        XCTAssertEqual(plan.status, 0, plan.err)
        XCTAssertTrue(plan.out.contains(#"clip one: a 00:00:01.400-00:00:03.000 from the quote "continuity of care is the first thing we lose", said 00:00:01.500-00:00:02.900 by Asha Patel (a.vtt:8, 100%)"#),
                      plan.out)
        XCTAssertTrue(plan.out.contains("clip one: a 00:00:01.400-00:00:03.000 (source frames"), plan.out)
        XCTAssertTrue(plan.out.contains("speaker Dr Asha Patel, GP partner, Leeds"), plan.out)

        try write(CLITests.quoted(#""quote": "fund time, not throughput""#), "manifest.json")
        let ambiguous = try provoke(["validate", "manifest.json"])
        XCTAssertEqual(ambiguous.status, 1)
        XCTAssertTrue(ambiguous.err.contains(#"clips[0].quote: quote is said in 2 places: a 00:00:00.200-00:00:01.400 Sam Reid: "#), ambiguous.err)
        XCTAssertTrue(ambiguous.err.contains(#"a 00:00:03.000-00:00:04.500 Sam Reid: "So fund time, not throughput." (a.vtt:12, 100%)"#),
                      ambiguous.err)
    }
}
