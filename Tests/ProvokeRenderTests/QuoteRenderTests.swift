import FFmpegKit
import Foundation
import ProvokeCaptions
import ProvokeManifest
@testable import ProvokeRender
import ProvokeSamples
import ProvokeTimeline
import XCTest

/// Transcripts on real media: a clip timed by a quote renders what the same `in`/`out` would, and the speaker a
/// transcript names is drawn as the lower third, never as part of a caption. Manifests are real files loaded
/// through the loader with the FFmpeg probe, as `provoke render` does.
final class QuoteRenderTests: XCTestCase {
    override func setUp() { FFmpegLog.setQuiet() }

    /// The top-left lower third and the bottom caption area at 1280x720 (as in CaptionRenderTests).
    let topLeft = (x: 128, y: 72, w: 512, h: 90)
    let bottom = (x: 128, y: 500, w: 1024, h: 148)

    /// Zoom's shape, over a 10-second source: Asha speaks from 1 s to 4.2 s, Sam after.
    static let zoom = """
        WEBVTT

        1
        00:00:01.000 --> 00:00:02.400
        Asha Patel: Continuity of care is the first thing we lose.

        2
        00:00:02.500 --> 00:00:04.200
        Asha Patel: {\\an8}Patients who see the same doctor <script>do better</script>.

        3
        00:00:05.000 --> 00:00:07.000
        Sam Reid: '; DROP TABLE contacts; --

        """

    /// The same words with no speakers, as a plain SRT.
    static let plain = """
        1
        00:00:01,000 --> 00:00:02,400
        Continuity of care is the first thing we lose.

        2
        00:00:02,500 --> 00:00:04,200
        {\\an8}Patients who see the same doctor <script>do better</script>.

        3
        00:00:05,000 --> 00:00:07,000
        '; DROP TABLE contacts; --

        """

    func manifest(captions: String, clip: String, mode: String) -> String {
        """
        {"provoke": 1, "project": {"id": "quotes", "title": "Quotes"},
         "sources": [{"id": "a", "file": "a.mp4", "captions": "\(captions)"}],
         "clips": [{"id": "c1", \(clip)}],
         "outputs": [{"id": "out", "audience": "icb", "title": "Out", "sequence": ["c1"], "captions": "\(mode)"}],
         "speakers": {"Asha Patel": {"name": "Dr Asha Patel", "role": "GP partner, Leeds"}}}
        """
    }

    func load(_ dir: TempDir, _ text: String, name: String) throws -> Project {
        let url = dir.url.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        let result = ManifestLoader.load(url, probe: FFmpegSourceProbe())
        XCTAssertEqual(result.errors.map(\.description), [])
        return try XCTUnwrap(result.project)
    }

    func setUp(_ dir: TempDir) throws {
        var spec = SampleSpec()
        spec.frames = 300
        try SampleMedia.write(spec, to: dir.path("a.mp4"))
        try Data(Self.zoom.utf8).write(to: dir.url.appendingPathComponent("a.vtt"))
        try Data(Self.plain.utf8).write(to: dir.url.appendingPathComponent("a.srt"))
    }

    func testAQuoteClipRendersTheSameFramesAsTheEquivalentInAndOut() throws {
        let dir = try TempDir()
        try setUp(dir)
        // Said 1.000–2.400 s, padded by 0.3 s: 0.7–2.7 s, 60 frames.
        let quoted = try load(dir, manifest(captions: "a.vtt", clip: #""quote": "continuity of care is the first thing we lose", "pad": 0.3"#,
                                            mode: "both"), name: "quoted.json")
        let timed = try load(dir, manifest(captions: "a.vtt", clip: #""source": "a", "in": 0.7, "out": 2.7"#, mode: "both"),
                             name: "timed.json")
        let a = try Planner.plan(quoted).outputs[0], b = try Planner.plan(timed).outputs[0]
        XCTAssertEqual(a.segments, b.segments)
        XCTAssertEqual(a.captions, b.captions)
        XCTAssertEqual(a.frameCount, 60)

        let first = try Renderer().render(a, into: dir.url.appendingPathComponent("quoted"))
        let second = try Renderer().render(b, into: dir.url.appendingPathComponent("timed"))
        let x = try decodeLuma(first.mp4.path), y = try decodeLuma(second.mp4.path)
        XCTAssertEqual(x.count, 60)
        XCTAssertEqual(x.count, y.count)
        XCTAssertTrue(zip(x, y).allSatisfy { $0.pixels == $1.pixels }, "every decoded frame is the same")
        let box = Letterbox.fit(sourceWidth: 320, sourceHeight: 180, into: 1280, 720)
        // Source frames 21 (0.7 s) to 80: read from the picture itself.
        XCTAssertEqual(x.map { sourceIndex($0, box: box, sw: 320, sh: 180) }.first, 21)
    }

    func testTheTranscriptsSpeakerIsTheLowerThirdAndNeverPartOfACaption() throws {
        let dir = try TempDir()
        try setUp(dir)
        // 1–4.5 s: Asha's two cues. No speaker in the manifest: the transcript's, shown as the map says.
        let fromTranscript = try load(dir, manifest(captions: "a.vtt", clip: #""source": "a", "in": 1, "out": 4.5"#, mode: "both"),
                                      name: "transcript.json")
        XCTAssertEqual(fromTranscript.clips[0].speaker, Speaker(name: "Dr Asha Patel", role: "GP partner, Leeds"))
        // The same words from a plain file, with the speaker written in the manifest by hand.
        let byHand = try load(dir, manifest(captions: "a.srt",
                                            clip: #""source": "a", "in": 1, "out": 4.5, "speaker": {"name": "Dr Asha Patel", "role": "GP partner, Leeds"}"#,
                                            mode: "both"), name: "by-hand.json")
        let none = try load(dir, manifest(captions: "a.vtt", clip: #""source": "a", "in": 1, "out": 4.5"#, mode: "none"),
                            name: "none.json")
        let plan = try Planner.plan(fromTranscript).outputs[0]
        XCTAssertEqual(plan.captions.outputCues.map(\.text).joined(separator: "|").contains("Asha"), false)
        XCTAssertEqual(plan.captions.lowerThirds.map(\.name), ["Dr Asha Patel"])

        let transcript = try Renderer().render(plan, into: dir.url.appendingPathComponent("transcript"))
        let hand = try Renderer().render(try Planner.plan(byHand).outputs[0], into: dir.url.appendingPathComponent("by-hand"))
        let bare = try Renderer().render(try Planner.plan(none).outputs[0], into: dir.url.appendingPathComponent("none"))
        let t = try decodeLuma(transcript.mp4.path), h = try decodeLuma(hand.mp4.path), n = try decodeLuma(bare.mp4.path)
        XCTAssertEqual(t.count, 105)
        // The name is drawn top left for the whole clip (shorter than the name's 5 s) ...
        let named = (0..<105).map { difference(n[$0], t[$0], topLeft) }
        XCTAssertTrue(named.allSatisfy { $0 > 5 }, "\(named)")
        // ... and the captions are the words alone: the same pixels as the plain file with the name written by hand.
        XCTAssertTrue(zip(t, h).allSatisfy { $0.pixels == $1.pixels }, "the transcript's render equals the hand-named one")
        XCTAssertTrue((0..<42).allSatisfy { difference(n[$0], t[$0], bottom) > 2 }, "a caption is shown")
        // The soft track and the sidecar hold the words as written, hostile text included, without the name.
        let srt = try String(contentsOf: dir.url.appendingPathComponent("transcript/out.srt"), encoding: .utf8)
            .replacingOccurrences(of: "\n", with: " ")
        XCTAssertTrue(srt.contains("Continuity of care is the first thing we lose."), srt)
        XCTAssertTrue(srt.contains("{\\an8}Patients who see the same doctor <script>do better</script>."), srt)
        XCTAssertFalse(srt.contains("Asha"), srt)
    }

    func difference(_ a: LumaFrame, _ b: LumaFrame, _ r: (x: Int, y: Int, w: Int, h: Int)) -> Double {
        var sum = 0
        for y in r.y..<(r.y + r.h) { for x in r.x..<(r.x + r.w) { sum += abs(Int(a[x, y]) - Int(b[x, y])) } }
        return Double(sum) / Double(r.w * r.h)
    }
}
