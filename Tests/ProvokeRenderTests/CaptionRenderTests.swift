import FFmpegKit
import Foundation
import ProvokeCaptions
import ProvokeManifest
@testable import ProvokeRender
import ProvokeSamples
import ProvokeTimeline
import XCTest

/// Captions on real media: burned-in text compared with a caption-free render of the same output (mode
/// "none"), the mov_text track as ffprobe reads it, the sidecars read back, hostile text.
final class CaptionRenderTests: XCTestCase {
    override func setUp() { FFmpegLog.setQuiet() }

    /// Where the default style draws (1280x720): the bottom caption area (inside the 10% safe area, two lines of
    /// 40 px above y = 648), the top area a `{\an8}` caption would move to, and the top-left lower third.
    let bottom = (x: 128, y: 500, w: 1024, h: 148)
    let top = (x: 128, y: 72, w: 1024, h: 100)
    let topLeft = (x: 128, y: 72, w: 512, h: 90)

    /// 10 s of 320x180 indexed grey (flat, so text shows), keyframes at 0 and 250.
    func source(_ dir: TempDir, name: String = "a.mp4") throws {
        var spec = SampleSpec()
        spec.frames = 300
        try SampleMedia.write(spec, to: dir.path(name))
    }

    /// One source `a` with `cues` as its caption file; clips c1 = 1–2 s and c2 = 5–7 s; one output "out" playing
    /// c1 then c2 (output 0–1 s and 1–3 s, 90 frames) with the given mode.
    func captionedProject(_ dir: TempDir, cues: [Cue], mode: CaptionMode,
                          configure: (inout Project) -> Void = { _ in }) -> Project {
        var p = project(sources: [("a", "a.mp4")], clips: [("c1", "a", 1, 2), ("c2", "a", 5, 7)],
                        outputs: [("out", .icb, ["c1", "c2"])], base: dir.url)
        p.sources[0].captions = SourceCaptions(file: "a.srt", url: dir.url.appendingPathComponent("a.srt"),
                                               format: .srt, cues: cues)
        p.outputs[0].captions = mode
        configure(&p)
        return p
    }

    func render(_ p: Project, into dir: URL) throws -> RenderedOutput {
        try Renderer().render(try Planner.plan(p).outputs[0], into: dir)
    }

    /// Mean absolute luma difference of two frames over a rectangle.
    func difference(_ a: LumaFrame, _ b: LumaFrame, _ r: (x: Int, y: Int, w: Int, h: Int)) -> Double {
        var sum = 0
        for y in r.y..<(r.y + r.h) { for x in r.x..<(r.x + r.w) { sum += abs(Int(a[x, y]) - Int(b[x, y])) } }
        return Double(sum) / Double(r.w * r.h)
    }

    /// The caption samples of a file's first subtitle stream as ffprobe reads them (the empty samples the MP4
    /// writer puts in the gaps left out): start and duration in ms, the sample's bytes and its text.
    func captionSamples(_ path: String) throws -> [(start: Int, duration: Int, bytes: [UInt8], text: String)] {
        let probe = try ffprobe(path, ["-show_packets", "-show_data", "-select_streams", "s"])
        let packets = probe["packets"] as? [[String: Any]] ?? []
        return packets.compactMap { packet in
            // "00000000: 004e 4163 …  .NAc…": 40 columns of hex after the offset.
            let data = (packet["data"] as? String ?? "").split(separator: "\n").flatMap { line -> [UInt8] in
                let hex = line.dropFirst(10).prefix(40).filter { $0 != " " }
                return stride(from: 0, to: hex.count, by: 2).map {
                    let i = hex.index(hex.startIndex, offsetBy: $0)
                    return UInt8(hex[i...hex.index(after: i)], radix: 16)!
                }
            }
            guard data.count > 2 else { return nil }
            let length = Int(data[0]) << 8 | Int(data[1])
            return (packet["pts"] as? Int ?? -1, packet["duration"] as? Int ?? -1, data,
                    String(decoding: data[2..<min(data.count, 2 + length)], as: UTF8.self))
        }
    }

    func testBurnedCaptionsAndSpeakerNamesAreOnExactlyTheirFrames() throws {
        let dir = try TempDir()
        try source(dir)
        // Output 0.5–1 s (trimmed at c1's out-point: half of the cue, so held to the 0.8 s minimum by coming up
        // 0.3 s early, at 0.2 s) and 1.5–2 s; the speaker's name over c1 (0–1 s, the clip is shorter than the
        // name's 5 s).
        let cues = [Cue(start: 1500, end: 2500, text: "Access is not the same as care"),
                    Cue(start: 5500, end: 6000, text: "Cymraeg ŵ ŷ · café · مرحبا بالعالم")]
        let reference = try render(captionedProject(dir, cues: cues, mode: .none), into: dir.url.appendingPathComponent("none"))
        let burned = try render(captionedProject(dir, cues: cues, mode: .burned) {
            $0.clips[0].speaker = Speaker(name: "Dr A. Example", role: "GP partner")
        }, into: dir.url.appendingPathComponent("burned"))
        let plain = try decodeLuma(reference.mp4.path), captioned = try decodeLuma(burned.mp4.path)
        XCTAssertEqual(plain.count, 90)
        XCTAssertEqual(captioned.count, 90)

        // Frame k is at k/30 s: 0.2–1 s is frames 6–29, 1.5–2 s is frames 45–59.
        let differs = (0..<90).map { difference(plain[$0], captioned[$0], bottom) }
        XCTAssertEqual(differs.indices.filter { differs[$0] > 2 }, Array(6...29) + Array(45...59), "\(differs)")
        XCTAssertEqual(differs.indices.filter { differs[$0] > 0.5 }, Array(6...29) + Array(45...59),
                       "outside a cue the caption area is as without captions")
        // Inside the title-safe area: nothing drawn in the bottom 10% of the frame (y >= 648) nor in the side
        // margins. (Measured from y = 656, the next row of 16x16 macroblocks: x264 spreads a little coding noise
        // through the block that holds the text's last rows.)
        let outsideSafeArea = [(x: 0, y: 656, w: 1280, h: 64), (x: 0, y: 400, w: 112, h: 256), (x: 1168, y: 400, w: 112, h: 256)]
        for k in 0..<90 {
            XCTAssertTrue(outsideSafeArea.allSatisfy { difference(plain[k], captioned[k], $0) < 0.02 }, "frame \(k)")
        }
        let named = (0..<90).map { difference(plain[$0], captioned[$0], topLeft) }
        XCTAssertEqual(named.indices.filter { named[$0] > 5 }, Array(0...29), "\(named)")
        XCTAssertTrue(named[30...].allSatisfy { $0 < 1 }, "\(named)")

        XCTAssertEqual(dir.files(in: "burned"), ["out.json", "out.mp4", "out.png"], "no caption track or sidecar, no script left")
        XCTAssertNil(stream(try ffprobe(burned.mp4.path), "subtitle"))
        let record = try JSONDecoder().decode(RenderRecord.self, from: Data(contentsOf: burned.record))
        XCTAssertEqual(record.captions, RenderRecord.Captions(mode: .burned, cues: 2, speakers: 1, burned: true,
                                                              track: false, language: nil, srt: nil, vtt: nil))
        // The report shows who speaks in each clip, from the record.
        XCTAssertEqual(record.clips[0].speaker, RenderRecord.Speaker(name: "Dr A. Example", role: "GP partner"))
        XCTAssertEqual(dir.files(in: "none"), ["out.json", "out.mp4", "out.png"])
        XCTAssertEqual(try JSONDecoder().decode(RenderRecord.self, from: Data(contentsOf: reference.record)).captions?.burned,
                       false)
    }

    func testSoftCaptionsAreAnEnglishMovTextTrackWithOneSamplePerCue() throws {
        let dir = try TempDir()
        try source(dir)
        // Text FFmpeg's own ASS reader would take for syntax: an override block, `\n` and `\N` inside a path, a
        // real line break; and text from other scripts.
        let cues = [Cue(start: 1100, end: 1400, text: #"{\an8}TOP {\b1}bold"#),
                    Cue(start: 1500, end: 1900, text: #"C:\new\Name 100% [a]; 'q', "d" \"#),
                    Cue(start: 5200, end: 5600, text: "Line one\nLine two"),
                    Cue(start: 6000, end: 6800, text: "Cymraeg ŵ ŷ · café · مرحبا")]
        let reference = try render(captionedProject(dir, cues: cues, mode: .none), into: dir.url.appendingPathComponent("none"))
        let soft = try render(captionedProject(dir, cues: cues, mode: .soft), into: dir.url.appendingPathComponent("soft"))

        let probe = try ffprobe(soft.mp4.path)
        let track = try XCTUnwrap(stream(probe, "subtitle"))
        XCTAssertEqual(track["codec_name"] as? String, "mov_text")
        XCTAssertEqual((track["tags"] as? [String: String])?["language"], "eng")
        let samples = try captionSamples(soft.mp4.path)
        XCTAssertEqual(samples.map(\.start), [100, 500, 1200, 2000])
        XCTAssertEqual(samples.map(\.duration), [300, 400, 400, 800])
        // The text, with invisible word joiners only where `{\`, `\n` or `\N` would otherwise meet.
        XCTAssertEqual(samples.map { $0.text.replacingOccurrences(of: "\u{2060}", with: "") }, cues.map(\.text))
        XCTAssertEqual(samples[0].text, "{\u{2060}\\an8}TOP {\u{2060}\\b1}bold")
        XCTAssertEqual(samples[1].text, "C:\\\u{2060}new\\\u{2060}Name 100% [a]; 'q', \"d\" \\")
        // Nothing after the text: no style record (which FFmpeg 5.1 writes zeroed, i.e. invisible, for a
        // caption whose style is not in the track's header).
        XCTAssertEqual(samples.map(\.bytes.count), samples.map { 2 + $0.text.utf8.count })

        // Soft only: the picture is exactly the caption-free one.
        let plain = try decodeLuma(reference.mp4.path), withTrack = try decodeLuma(soft.mp4.path)
        XCTAssertEqual(withTrack.count, 90)
        XCTAssertTrue(zip(plain, withTrack).allSatisfy { $0.pixels == $1.pixels }, "soft captions draw nothing")
        XCTAssertEqual(dir.files(in: "soft"), ["out.json", "out.mp4", "out.png", "out.srt", "out.vtt"])
        XCTAssertNil(stream(try ffprobe(reference.mp4.path), "subtitle"))
    }

    func testSidecarsReadBackAsTheOutputsCuesAndGoWhenCaptionsAreOff() throws {
        let dir = try TempDir()
        try source(dir)
        let long = "A caption long enough to need two lines, and then a second screen, because it keeps going on"
        let cues = [Cue(start: 1000, end: 2000, text: "a < b & c > d, R&D: 'quoted' [x]; 50%"),
                    Cue(start: 5000, end: 7000, text: long),
                    Cue(start: 6500, end: 6900, text: "overlaps the last screen")]
        let p = captionedProject(dir, cues: cues, mode: .both)
        let plan = try Planner.plan(p).outputs[0]
        let out = dir.url.appendingPathComponent("out")
        let both = try Renderer().render(plan, into: out)
        XCTAssertEqual(dir.files(in: "out"), ["out.json", "out.mp4", "out.png", "out.srt", "out.vtt"])
        XCTAssertEqual(both.srt?.lastPathComponent, "out.srt")

        let expected = plan.captions.outputCues
        XCTAssertGreaterThan(expected.count, 3, "the long cue is split into screens")
        for (url, format) in [(both.srt!, CaptionFormat.srt), (both.vtt!, .vtt)] {
            let read = CaptionFile.parse(contents: try Data(contentsOf: url), fileName: url.lastPathComponent)
            XCTAssertEqual(read.format, format)
            XCTAssertEqual(read.diagnostics, [])
            XCTAssertEqual(read.cues, expected, url.lastPathComponent)
        }
        // The track shows one sample at a time: the overlap becomes a stretch with both captions.
        XCTAssertEqual(try captionSamples(both.mp4.path).map { Cue(start: Int64($0.start), end: Int64($0.start + $0.duration), text: $0.text) },
                       sequentialCues(expected))
        let record = try JSONDecoder().decode(RenderRecord.self, from: Data(contentsOf: both.record))
        XCTAssertEqual(record.captions, RenderRecord.Captions(mode: .both, cues: expected.count, speakers: 0, burned: true,
                                                              track: true, language: "eng", srt: "out.srt", vtt: "out.vtt"))

        // Captions turned off: the same folder keeps no sidecars from before.
        var off = p
        off.outputs[0].captions = .none
        let none = try render(off, into: out)
        XCTAssertEqual(dir.files(in: "out"), ["out.json", "out.mp4", "out.png"])
        XCTAssertNil(none.srt)
        XCTAssertEqual(try JSONDecoder().decode(RenderRecord.self, from: Data(contentsOf: none.record)).captions,
                       RenderRecord.Captions(mode: .none, cues: expected.count, speakers: 0, burned: false, track: false,
                                             language: nil, srt: nil, vtt: nil))
    }

    /// `{\an8}` would move the caption to the top and `{\p1}` turn it into a drawing if libass read them; the
    /// script's path, full of filter-graph syntax, is an option value and needs no escaping.
    func testCaptionTextAndPathsAreDataNotSyntax() throws {
        let dir = try TempDir()
        try source(dir)
        let middle = (x: 128, y: 250, w: 1024, h: 230)
        let cues = [Cue(start: 1000, end: 2000, text: #"{\an8}AT THE TOP IF TAGS WERE READ"#),
                    Cue(start: 5000, end: 7000, text: #"{\p1}m 0 0 l 1000 0 1000 400 0 400"#)]
        let reference = try render(captionedProject(dir, cues: cues, mode: .none), into: dir.url.appendingPathComponent("none"))
        let folder = "out [x]:y,z'q;r%\\w"
        let burned = try render(captionedProject(dir, cues: cues, mode: .burned), into: dir.url.appendingPathComponent(folder))
        XCTAssertEqual(dir.files(in: folder), ["out.json", "out.mp4", "out.png"])
        let plain = try decodeLuma(reference.mp4.path), captioned = try decodeLuma(burned.mp4.path)
        for k in 0..<90 {
            XCTAssertGreaterThan(difference(plain[k], captioned[k], bottom), 2, "frame \(k): the text is at the bottom")
            XCTAssertLessThan(difference(plain[k], captioned[k], top), 1, "frame \(k): nothing moved to the top")
            XCTAssertLessThan(difference(plain[k], captioned[k], middle), 1, "frame \(k): no 1000x400 drawing")
        }
    }

    /// A manifest on disk whose caption files have a byte-order mark, CRLF line ends, markup and both
    /// millisecond separators, rendered with a soft track: the samples are the cues moved to output time.
    func testCaptionFilesWithBOMAndCRLFRenderThroughAManifest() throws {
        let dir = try TempDir()
        try source(dir, name: "a.mp4")
        try source(dir, name: "b.mp4")
        try FileManager.default.createDirectory(at: dir.url.appendingPathComponent("captions"), withIntermediateDirectories: true)
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        try Data(bom + Array("1\r\n00:00:01,200 --> 00:00:01,800\r\n<i>Access</i> is not care\r\n\r\n2\r\n00:00:09.000 --> 00:00:09.500\r\nnot used".utf8))
            .write(to: dir.url.appendingPathComponent("captions/a.srt"))
        try Data(bom + Array("WEBVTT\r\n\r\nNOTE from the platform\r\n\r\n00:02.500 --> 00:03.000 line:0\r\n<v Sam>Continuity &amp; care\r\n".utf8))
            .write(to: dir.url.appendingPathComponent("captions/b.vtt"))
        try Data("""
        {"provoke": 1, "project": {"id": "p", "title": "P"},
         "sources": [{"id": "a", "file": "a.mp4", "captions": "captions/a.srt"},
                     {"id": "b", "file": "b.mp4", "captions": "captions/b.vtt"}],
         "clips": [{"id": "one", "source": "a", "in": 1, "out": 2},
                   {"id": "two", "source": "b", "in": 2, "out": 3.5,
                    "captions": [{"start": 1.2, "end": 1.4, "text": "own"}]}],
         "outputs": [{"id": "out", "audience": "college", "title": "Out", "sequence": ["one", "two"], "captions": "soft"}]}
        """.utf8).write(to: dir.url.appendingPathComponent("manifest.json"))
        let result = ManifestLoader.load(dir.url.appendingPathComponent("manifest.json"), probe: FFmpegSourceProbe())
        // Read cleanly; the only remarks are that two short cues ask more than 20 characters a second.
        XCTAssertEqual(result.diagnostics.map { "\($0.severity) \($0.line)" }, ["warning 2", "warning 5"])
        XCTAssertTrue(result.diagnostics.allSatisfy { $0.message.contains("a viewer can read") })
        let project = try XCTUnwrap(result.project)
        let out = try render(project, into: dir.url.appendingPathComponent("out"))
        let samples = try captionSamples(out.mp4.path)
        XCTAssertEqual(samples.map(\.text), ["Access is not care", "Continuity & care", "own"])
        XCTAssertEqual(samples.map(\.start), [200, 1500, 2200])
        XCTAssertEqual(samples.map(\.duration), [600, 500, 200])
    }

    func testTheCaptionScriptIsRemovedWhenTheRenderFails() throws {
        let dir = try TempDir()
        try source(dir)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.path("a.mp4")))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: dir.path("a.mp4")))
        var p = captionedProject(dir, cues: [Cue(start: 8000, end: 9000, text: "late")], mode: .both)
        p.clips[0].in = SourceTime(microseconds: 8_000_000)
        p.clips[0].out = SourceTime(microseconds: 9_000_000)
        p.outputs[0].sequence = [SequenceItem(item: "c1")]
        XCTAssertTrue(try Planner.plan(p).outputs[0].captions.burnsIn)
        XCTAssertThrowsError(try render(p, into: dir.url.appendingPathComponent("out")))
        XCTAssertEqual(dir.files(in: "out"), [], "no script, no partial MP4, no sidecars")
    }
}
