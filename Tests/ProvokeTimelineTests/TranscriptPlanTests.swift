import Foundation
import ProvokeCaptions
import ProvokeManifest
@testable import ProvokeTimeline
import XCTest

/// Transcripts through the loader and the planner, without media: quote clips plan exactly as their in and out,
/// and hostile names and words from a transcript stay data on the way to the ASS script.
final class TranscriptPlanTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("provoke-transcript-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // Stand-ins: planning reads no media, only the caption file.
        try Data().write(to: folder.appendingPathComponent("a.mp4"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    func load(_ clip: String, transcript: String, crossfade: Bool = false) throws -> Project {
        try Data(transcript.utf8).write(to: folder.appendingPathComponent("a.vtt"))
        let text = """
            {"provoke": 1, "project": {"id": "t", "title": "T"},
             "sources": [{"id": "a", "file": "a.mp4", "captions": "a.vtt"}],
             "clips": [{"id": "one", \(clip)}, {"id": "two", "source": "a", "in": 0, "out": 1}],
             "outputs": [{"id": "out", "audience": "icb", "title": "Out",
                          "sequence": ["two", {"item": "one", "transition": {"type": "\(crossfade ? "crossfade" : "cut")", "duration": 0.5}}]}]}
            """
        let url = folder.appendingPathComponent("manifest.json")
        try Data(text.utf8).write(to: url)
        let result = ManifestLoader.load(url, probe: nil)
        return try XCTUnwrap(result.project, "\(result.diagnostics.map(\.description))")
    }

    static let teams = """
        WEBVTT

        0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/20-0
        00:00:02.000 --> 00:00:04.000
        <v Asha Patel>Every extra slot offered to someone who could have waited</v>

        0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/20-1
        00:00:04.000 --> 00:00:06.500
        <v Asha Patel>is a slot taken from someone whose illness is slow, complicated and quiet.</v>

        """

    func testAQuoteClipPlansTheSameSegmentsAndCaptionsAsItsInAndOut() throws {
        for crossfade in [false, true] {
            let quoted = try load(#""quote": "a slot taken from someone whose illness is slow", "pad": 0.25"#,
                                  transcript: Self.teams, crossfade: crossfade)
            let timed = try load(#""source": "a", "in": 3.75, "out": 6.75"#, transcript: Self.teams, crossfade: crossfade)
            XCTAssertEqual([quoted.clips[0].in, quoted.clips[0].out], [timed.clips[0].in, timed.clips[0].out])
            let a = try Planner.plan(quoted).outputs[0], b = try Planner.plan(timed).outputs[0]
            XCTAssertEqual(a.segments, b.segments)
            XCTAssertEqual(a.captions, b.captions)
            XCTAssertEqual(a.frameCount, crossfade ? 105 : 120)
        }
    }

    func testHostileNamesAndWordsFromATranscriptStayData() throws {
        let transcript = """
            WEBVTT

            1
            00:00:00.000 --> 00:00:03.000
            <v Dr &lt;Evil&gt;: {\\an8}>{\\an8}<script>alert(1)</script> '; DROP TABLE contacts; --

            """
        let project = try load(#""source": "a", "in": 0, "out": 2"#, transcript: transcript)
        XCTAssertEqual(project.clips[0].speaker, Speaker(name: "Dr <Evil>: {\\an8}"))
        let plan = try Planner.plan(project).outputs[0]
        XCTAssertEqual(plan.captions.cues.filter { $0.clip == "one" }.map(\.cue.text).joined(separator: " ").replacingOccurrences(of: "\n", with: " "),
                       "{\\an8}<script>alert(1)</script> '; DROP TABLE contacts; --")
        let script = ASSDocument(frameWidth: 1280, frameHeight: 720, cues: plan.captions.outputCues,
                                 lowerThirds: plan.captions.lowerThirds).text
        // Braces escaped, the backslash kept from joining what follows: no override tag survives.
        XCTAssertTrue(script.contains("Dr <Evil>: \\{\\\u{2060}an8\\}"), script)
        XCTAssertFalse(script.contains("{\\an8}"), script)
    }
}
