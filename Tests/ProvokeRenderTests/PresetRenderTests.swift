import FFmpegKit
import Foundation
import ProvokeCaptions
import ProvokeManifest
@testable import ProvokeRender
import ProvokeSamples
import ProvokeSystem
import ProvokeTimeline
import XCTest

/// Presets on real media: each preset's frame and rate as ffprobe reads them, the blurred fill of square and
/// portrait frames, text inside their title-safe area, the email cap, and the poster beside and inside the MP4.
final class PresetRenderTests: XCTestCase {
    override func setUp() { FFmpegLog.setQuiet() }

    func source(_ dir: TempDir, frames: Int = 60) throws {
        var spec = SampleSpec()
        spec.frames = frames
        try SampleMedia.write(spec, to: dir.path("a.mp4"))
    }

    func render(_ plans: [OutputPlan], into dir: URL, cache: URL? = nil) throws -> BatchResult {
        var options = RenderOptions()
        options.cache = cache
        let result = try BatchRenderer(options: options).render(plans.map { BatchRenderer.Job(plan: $0, directory: dir) })
        XCTAssertEqual(result.failed.map(\.error.message), [])
        return result
    }

    func testEachPresetHasItsFrameSizeAndRate() throws {
        let dir = try TempDir()
        try source(dir)
        let presets = ["web-720p": (1280, 720, "30/1"), "hd-1080p": (1920, 1080, "30/1"), "square": (1080, 1080, "30/1"),
                       "vertical": (1080, 1920, "30/1"), "mine": (640, 480, "25/1"),
                       // The smallest custom frames the manifest allows: their fill is blurred as far as it can be.
                       "tiny": (64, 64, "30/1"), "thin": (64, 1920, "30/1")]
        var p = project(sources: [("a", "a.mp4")], clips: [("one", "a", 0, 0.4)],
                        outputs: presets.keys.sorted().map { ($0, .icb, ["one"]) }, base: dir.url)
        let mine = VideoPreset(name: "mine", width: 640, height: 480, fps: 25, crf: 30, x264Preset: "ultrafast")
        let tiny = VideoPreset(name: "tiny", width: 64, height: 64, fps: 30, crf: 30, x264Preset: "ultrafast")
        let thin = VideoPreset(name: "thin", width: 64, height: 1920, fps: 30, crf: 30, x264Preset: "ultrafast")
        for i in p.outputs.indices {
            p.outputs[i].preset = (VideoPreset.builtIn + [mine, tiny, thin]).first { $0.name == p.outputs[i].id }!
        }
        let out = dir.url.appendingPathComponent("out")
        _ = try render(try Planner.plan(p).outputs, into: out)
        for (name, expected) in presets {
            let probe = try ffprobe(out.appendingPathComponent("\(name).mp4").path)
            let video = try XCTUnwrap(stream(probe, "video"), name)
            XCTAssertEqual(video["width"] as? Int, expected.0, name)
            XCTAssertEqual(video["height"] as? Int, expected.1, name)
            XCTAssertEqual(video["r_frame_rate"] as? String, expected.2, name)
            let record = try RenderRecord.decode(Data(contentsOf: out.appendingPathComponent("\(name).json")))
            XCTAssertEqual(record.preset, name)
            XCTAssertEqual(Int(video["nb_read_frames"] as? String ?? ""), record.frames, "the cover is not a frame of the video")
        }
    }

    /// The cache keys name the format: outputs of one preset share the same footage's pieces, other presets
    /// never do (nor an email's, whose rate depends on its length), while each output's sound is its own.
    func testPiecesAreSharedWithinAPresetAndNeverAcrossPresets() throws {
        let dir = try TempDir()
        try source(dir)
        var p = project(sources: [("a", "a.mp4")], clips: [("one", "a", 0, 1)],
                        outputs: [("web-a", .icb, ["one"]), ("web-b", .college, ["one"]), ("sq-a", .icb, ["one"]),
                                  ("sq-b", .college, ["one"]), ("hd", .icb, ["one"]), ("mail", .icb, ["one"])], base: dir.url)
        for (i, name) in [(2, "square"), (3, "square"), (4, "hd-1080p"), (5, "email")] {
            p.outputs[i].preset = VideoPreset.builtIn.first { $0.name == name }!
        }
        let jobs = try Planner.plan(p).outputs.map { BatchRenderer.Job(plan: $0, directory: dir.url) }
        let entries = try BatchRenderer().entries(jobs).filter { $0.kind == "piece" }
        func keys(_ output: String) -> [String] { entries.filter { $0.output == output }.map(\.key) }
        XCTAssertEqual(keys("web-a"), keys("web-b"))
        XCTAssertEqual(keys("sq-a"), keys("sq-b"))
        let all = ["web-a", "sq-a", "hd", "mail"].map { Set(keys($0)) }
        for (i, a) in all.enumerated() { for b in all[(i + 1)...] { XCTAssertTrue(a.isDisjoint(with: b)) } }
    }

    /// A colourful source (FFmpeg's testsrc2) in a square and a vertical output: above and below the picture is not
    /// black, is darker than the picture, and is smooth (blurred: neighbouring pixels differ little).
    func testSquareAndVerticalFillAroundThePictureWithItselfBlurred() throws {
        let dir = try TempDir()
        var spec = SampleSpec()
        spec.frames = 30
        spec.picture = .session(letter: "A", speaker: "Dr A", fontFile: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
        try SampleMedia.write(spec, to: dir.path("a.mp4"))
        var p = project(sources: [("a", "a.mp4")], clips: [("one", "a", 0, 0.2)],
                        outputs: [("sq", .icb, ["one"]), ("tall", .icb, ["one"])], base: dir.url)
        p.outputs[0].preset = VideoPreset.builtIn.first { $0.name == "square" }!
        p.outputs[1].preset = VideoPreset.builtIn.first { $0.name == "vertical" }!
        let out = dir.url.appendingPathComponent("out")
        let plans = try Planner.plan(p).outputs
        _ = try render(plans, into: out)
        for plan in plans {
            let frame = try XCTUnwrap(decodeLuma(out.appendingPathComponent("\(plan.output).mp4").path).first)
            let box = Letterbox.fit(sourceWidth: 320, sourceHeight: 180, into: plan.format.width, plan.format.height)
            XCTAssertEqual(box.width, plan.format.width, "the 16:9 picture spans the width")
            let picture = frame.mean(x: 0, y: box.y + 8, w: frame.width, h: box.height - 16)
            let above = frame.mean(x: 0, y: 0, w: frame.width, h: box.y - 4)
            let below = frame.mean(x: 0, y: box.y + box.height + 4, w: frame.width, h: frame.height - box.y - box.height - 4)
            for (name, fill) in [("above", above), ("below", below)] {
                XCTAssertGreaterThan(fill, 30, "\(plan.output) \(name): a fill, not black bars (\(fill))")
                XCTAssertLessThan(fill, picture - 15, "\(plan.output) \(name): darker than the picture (\(fill) vs \(picture))")
            }
            // Blurred: across the fill, neighbouring pixels differ by little on average; the picture has edges.
            func roughness(_ y0: Int, _ rows: Int) -> Double {
                var sum = 0, n = 0
                for y in y0..<(y0 + rows) { for x in 0..<(frame.width - 1) { sum += abs(Int(frame[x, y]) - Int(frame[x + 1, y])); n += 1 } }
                return Double(sum) / Double(n)
            }
            let fillRoughness = roughness(4, box.y - 8), pictureRoughness = roughness(box.y + 8, box.height - 16)
            XCTAssertLessThan(fillRoughness, 1, "\(plan.output): the fill is blurred")
            XCTAssertLessThan(fillRoughness * 3, pictureRoughness, "\(plan.output): the picture is sharper than its fill")
        }
    }

    /// Cards, captions and a speaker's name in square and vertical frames: every bright pixel of text lies inside
    /// the frame's title-safe area (10 % in from each edge), and there is text (the check can fail).
    func testTextStaysInsideTheTitleSafeAreaOfSquareAndVerticalFrames() throws {
        let dir = try TempDir()
        try source(dir, frames: 90)
        var p = project(sources: [("a", "a.mp4")], clips: [("one", "a", 0, 2)],
                        outputs: [("sq", .icb, ["card", "one"]), ("tall", .icb, ["card", "one"])], base: dir.url)
        p.cards = [Card(id: "card", template: .statement, duration: 3_000_000,
                        text: .all("Increasing access is harmful to health, and continuity of care is the first thing we lose"))]
        p.clips[0].speaker = Speaker(name: "Dr Asha Patel-Worthington", role: "GP partner and clinical lead, Leeds North")
        p.sources[0].captions = SourceCaptions(file: "a.srt", url: dir.url.appendingPathComponent("a.srt"), format: .srt, cues: [
            Cue(start: 0, end: 2000, text: "Every extra slot offered to someone who could have waited is a slot taken"),
        ])
        p.outputs[0].preset = VideoPreset.builtIn.first { $0.name == "square" }!
        p.outputs[1].preset = VideoPreset.builtIn.first { $0.name == "vertical" }!
        p.outputs[0].captions = .burned
        p.outputs[1].captions = .burned
        let out = dir.url.appendingPathComponent("out")
        let plans = try Planner.plan(p).outputs
        _ = try render(plans, into: out)
        for plan in plans {
            let frames = try decodeLuma(out.appendingPathComponent("\(plan.output).mp4").path)
            let w = plan.format.width, h = plan.format.height
            let safe = (x0: w / 10, y0: h / 10, x1: w - w / 10, y1: h - h / 10)
            let box = Letterbox.fit(sourceWidth: 320, sourceHeight: 180, into: w, h)
            // The card held still (frame 60 of 90), and the clip with its caption and name (frame 100).
            for (index, skipPicture) in [(60, false), (100, true)] {
                let f = frames[index]
                var inside = 0, outside = 0
                for y in 0..<h {
                    // The source's own picture is bright anywhere in its band; only the rest is provoke's text.
                    if skipPicture && y >= box.y && y < box.y + box.height { continue }
                    for x in 0..<w where f[x, y] > 200 {
                        if x >= safe.x0 && x < safe.x1 && y >= safe.y0 && y < safe.y1 { inside += 1 } else { outside += 1 }
                    }
                }
                XCTAssertGreaterThan(inside, 2000, "\(plan.output) frame \(index): text is drawn")
                XCTAssertEqual(outside, 0, "\(plan.output) frame \(index): text outside the title-safe area")
            }
        }
    }

    /// An email whose rate was set far too high (as if the bound had failed) comes out over its cap: it is encoded
    /// again lower and lands under the cap, never over it.
    func testAnEmailOverItsCapIsEncodedAgainLowerNotShipped() throws {
        let dir = try TempDir()
        var spec = SampleSpec()
        spec.frames = 90
        spec.picture = .noise
        try SampleMedia.write(spec, to: dir.path("a.mp4"))
        var p = project(sources: [("a", "a.mp4")], clips: [("one", "a", 0, 3)], outputs: [("mail", .icb, ["one"])], base: dir.url)
        p.outputs[0].preset = VideoPreset.builtIn.first { $0.name == "email" }!
        p.outputs[0].maxBytes = 600_000
        var plan = try Planner.plan(p).outputs[0]
        plan.format.videoMaxRate = 4000
        plan.format.videoBuffer = 2000
        let out = dir.url.appendingPathComponent("out")
        let written = try XCTUnwrap(try render([plan], into: out).written.first)
        XCTAssertLessThan(try XCTUnwrap(written.plan.format.videoMaxRate), 4000, "encoded again at a lower rate")
        let bytes = try XCTUnwrap(FileStamp.of(written.mp4.path)?.0)
        XCTAssertLessThanOrEqual(bytes, 600_000)
        XCTAssertEqual(written.renderRecord.bytes, bytes)

        // The same plan again, on the same cache: the output is found in place, not joined and lowered again.
        let cache = dir.url.appendingPathComponent("cache")
        _ = try render([plan], into: out, cache: cache)
        let again = try render([plan], into: out, cache: cache)
        XCTAssertEqual(again.unchanged.map(\.plan.output), ["mail"])
        XCTAssertEqual(again.encoded, 0)
        XCTAssertEqual(FileStamp.of(written.mp4.path)?.0, bytes)
    }

    func testPosterIsBesideTheMP4AndEmbeddedAsCoverArt() throws {
        let dir = try TempDir()
        try source(dir)
        var p = project(sources: [("a", "a.mp4")], clips: [("one", "a", 0, 1)], outputs: [("o", .icb, ["one"])], base: dir.url)
        p.outputs[0].poster = SourceTime(microseconds: 500_000)
        let out = dir.url.appendingPathComponent("out")
        let plan = try Planner.plan(p).outputs[0]
        XCTAssertEqual(plan.posterFrame, 15)
        let result = try render([plan], into: out)
        let written = try XCTUnwrap(result.written.first)
        XCTAssertEqual(written.poster?.lastPathComponent, "o.png")
        XCTAssertEqual(written.renderRecord.poster, "o.png")

        let mp4 = out.appendingPathComponent("o.mp4").path
        let probe = try ffprobe(mp4)
        let all = streams(probe)
        let covers = all.filter { (($0["disposition"] as? [String: Any])?["attached_pic"] as? Int) == 1 }
        XCTAssertEqual(covers.count, 1, "one attached picture")
        XCTAssertEqual(covers.first?["codec_name"] as? String, "png")
        XCTAssertEqual(covers.first?["width"] as? Int, 1280)
        let video = try XCTUnwrap(all.first { $0["codec_name"] as? String == "h264" })
        XCTAssertEqual(video["nb_read_frames"] as? String, "30", "the video's frames, the cover not among them")
        XCTAssertEqual((probe["format"] as? [String: Any]).flatMap { $0["tags"] as? [String: Any] }?["audience"] as? String, "icb",
                       "custom tags survive the cover")
        XCTAssertEqual(try SHA256.hex(ofFileAt: mp4), written.sha256, "the record hashes the file with its cover")

        // The PNG beside is the poster frame: frame 15 of the indexed source, at the output's size.
        let png = try decodeLuma(out.appendingPathComponent("o.png").path)
        let picture = try XCTUnwrap(png.first)
        XCTAssertEqual([picture.width, picture.height], [1280, 720])
        let box = Letterbox.fit(sourceWidth: 320, sourceHeight: 180, into: 1280, 720)
        XCTAssertEqual(sourceIndex(picture, box: box, sw: 320, sh: 180), 15)
        // The embedded cover decodes to the same picture (ffprobe's attached-picture stream, by libavformat).
        let input = try InputFile(path: mp4)
        XCTAssertEqual(input.bestStream(.video)?.codecName, "h264", "players and provoke pick the video, not the cover")

        // Unchanged on a second render: the poster is part of what is in place.
        let again = try render([plan], into: out)
        XCTAssertEqual(again.unchanged.map(\.plan.output), ["o"])
        XCTAssertEqual(dir.files(in: "out"), ["o.json", "o.mp4", "o.png"])

        // A new poster time makes the poster again.
        p.outputs[0].poster = SourceTime(microseconds: 800_000)
        let moved = try Planner.plan(p).outputs[0]
        let third = try render([moved], into: out)
        XCTAssertEqual(third.written.map(\.plan.output), ["o"], "a moved poster is not left as it was")
        let newPicture = try XCTUnwrap(try decodeLuma(out.appendingPathComponent("o.png").path).first)
        XCTAssertEqual(sourceIndex(newPicture, box: box, sw: 320, sh: 180), 24)
    }

    /// Ten minutes from one ten-second clip of noise (encoded once, joined sixty times), as email under its default
    /// 20 MB: real encoding that presses against the rate cap all the way, real muxing, the file's bytes under the cap.
    /// Eleven minutes is refused, with what fits.
    func testATenMinuteEmailStaysUnderItsCapAndALongerOneIsRefused() throws {
        let dir = try TempDir()
        var spec = SampleSpec()
        spec.frames = 300
        spec.picture = .noise
        spec.crf = 30
        try SampleMedia.write(spec, to: dir.path("a.mp4"))
        var p = project(sources: [("a", "a.mp4")], clips: [("one", "a", 0, 10)],
                        outputs: [("mail", .icb, Array(repeating: "one", count: 60))], base: dir.url)
        p.outputs[0].preset = VideoPreset.builtIn.first { $0.name == "email" }!
        let plan = try Planner.plan(p).outputs[0]
        XCTAssertEqual(plan.frameCount, 18_000)
        XCTAssertEqual([plan.format.width, plan.format.height], [640, 360])
        let out = dir.url.appendingPathComponent("out")
        let result = try render([plan], into: out, cache: dir.url.appendingPathComponent("cache"))
        XCTAssertEqual(result.encoded, 2, "one piece (the clip, shared by all sixty) and the sound")
        let bytes = try XCTUnwrap(FileStamp.of(out.appendingPathComponent("mail.mp4").path)?.0)
        XCTAssertLessThanOrEqual(bytes, 20_000_000)
        XCTAssertGreaterThan(bytes, 12_000_000, "the noise fills most of the cap, so the bound is what holds it")
        let probe = try ffprobe(out.appendingPathComponent("mail.mp4").path, ["-show_format", "-show_streams"])
        XCTAssertEqual(stream(probe, "video")?["height"] as? Int, 360)
        let duration = Double((probe["format"] as? [String: Any])?["duration"] as? String ?? "") ?? 0
        XCTAssertEqual(duration, 600, accuracy: 0.1)

        p.outputs[0].sequence = Array(repeating: SequenceItem(item: "one"), count: 66)
        XCTAssertThrowsError(try Planner.plan(p)) { error in
            guard case let PlanError.tooLongForCap(_, ms, cap, longest) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(ms, 660_000)
            XCTAssertEqual(cap, 20_000_000)
            XCTAssertTrue((600_000..<660_000).contains(longest), "\(longest)")
            XCTAssertTrue("\(error)".contains("at most about 00:10:"), "\(error)")
        }
    }
}
