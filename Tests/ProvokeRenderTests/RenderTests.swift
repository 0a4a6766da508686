import FFmpegKit
import Foundation
import ProvokeManifest
@testable import ProvokeRender
import ProvokeSamples
import ProvokeTimeline
import XCTest

final class RenderTests: XCTestCase {
    override func setUp() { FFmpegLog.setQuiet() }

    /// 10 s of 320x180 at 30 fps, keyframes at 0 and 250 only, beeps every second.
    func makeIndexedSource(_ dir: TempDir, name: String = "a.mp4", configure: (inout SampleSpec) -> Void = { _ in }) throws -> String {
        var spec = SampleSpec()
        spec.frames = 300
        configure(&spec)
        let path = dir.path(name)
        try SampleMedia.write(spec, to: path)
        return path
    }

    func testCutsStartOnTheInPointFrameWhateverTheKeyframes() throws {
        let dir = try TempDir()
        _ = try makeIndexedSource(dir)
        // 9.0 s = source frame 270, 20 frames after the keyframe at 250; 1.1 s = frame 33, far from any keyframe.
        let p = project(sources: [("a", "a.mp4")],
                        clips: [("late", "a", 9.0, 9.5), ("early", "a", 1.1, 2.0), ("onkey", "a", 8.333, 8.5)],
                        outputs: [("cut", .icb, ["late", "early", "onkey"])], base: dir.url)
        let plan = try Planner.plan(p)
        let out = try Renderer().render(plan.outputs[0], into: dir.url.appendingPathComponent("out"))

        let frames = try decodeLuma(out.mp4.path)
        XCTAssertEqual(frames.count, 15 + 27 + 5)
        let box = Letterbox.fit(sourceWidth: 320, sourceHeight: 180, into: 1280, 720)
        let indices = frames.map { sourceIndex($0, box: box, sw: 320, sh: 180) }
        // 8.333 s (milliseconds, as a producer writes it) is keyframe 250 at 8.3333… s.
        XCTAssertEqual(indices, Array(270..<285) + Array(33..<60) + Array(250..<255))
    }
}

extension RenderTests {
    func testMixedSourcesAreNormalisedAndJoinedInSync() throws {
        let dir = try TempDir()
        _ = try makeIndexedSource(dir, name: "a.mp4")
        // 25 fps, 4:2:2, mono 44.1 kHz, another size.
        _ = try makeIndexedSource(dir, name: "b.mp4") {
            $0.width = 480; $0.height = 270; $0.fps = 25; $0.frames = 250; $0.pixelFormat = "yuv422p"
            $0.sampleRate = 44_100; $0.channels = 1
        }
        // A portrait phone video without sound.
        _ = try makeIndexedSource(dir, name: "c.mp4") {
            $0.width = 216; $0.height = 384; $0.frames = 90; $0.sound = nil
        }
        let p = project(sources: [("a", "a.mp4"), ("b", "b.mp4"), ("c", "c.mp4")],
                        clips: [("a1", "a", 0.5, 1.5), ("b1", "b", 2.5, 3.5), ("c1", "c", 0.5, 1.5)],
                        outputs: [("mixed", .college, ["a1", "b1", "c1"])], base: dir.url)
        let out = try Renderer().render(try Planner.plan(p).outputs[0], into: dir.url)

        let probe = try ffprobe(out.mp4.path)
        let v = try XCTUnwrap(stream(probe, "video")), a = try XCTUnwrap(stream(probe, "audio"))
        XCTAssertEqual(v["nb_read_frames"] as? String, "90")
        XCTAssertEqual(v["width"] as? Int, 1280)
        XCTAssertEqual(v["height"] as? Int, 720)
        XCTAssertEqual(v["pix_fmt"] as? String, "yuv420p")
        XCTAssertEqual(v["r_frame_rate"] as? String, "30/1")
        XCTAssertEqual(v["profile"] as? String, "High")
        XCTAssertEqual(a["sample_rate"] as? String, "48000")
        XCTAssertEqual(a["channels"] as? Int, 2)
        XCTAssertEqual(a["profile"] as? String, "LC")
        XCTAssertEqual(a["duration_ts"] as? Int, 3 * 48_000, "the audio track is exactly as long as the picture")
        XCTAssertEqual((probe["format"] as? [String: Any])?["duration"] as? String, "3.000000")

        let frames = try decodeLuma(out.mp4.path)
        XCTAssertEqual(frames.count, 90)
        let boxA = Letterbox.fit(sourceWidth: 320, sourceHeight: 180, into: 1280, 720)
        let boxB = Letterbox.fit(sourceWidth: 480, sourceHeight: 270, into: 1280, 720)
        let boxC = Letterbox.fit(sourceWidth: 216, sourceHeight: 384, into: 1280, 720)
        XCTAssertEqual(frames[0..<30].map { sourceIndex($0, box: boxA, sw: 320, sh: 180) }, Array(15..<45))
        // 25 fps into 30: output frame k of the clip shows source frame floor((2.5 + k/30) × 25).
        XCTAssertEqual(frames[30..<60].map { sourceIndex($0, box: boxB, sw: 480, sh: 270) },
                       (0..<30).map { (2500 + $0 * 1000 / 30 + 1) * 25 / 1000 })
        XCTAssertEqual(frames[60..<90].map { sourceIndex($0, box: boxC, sw: 216, sh: 384) }, Array(15..<45))
        // The portrait clip is pillarboxed: black bars left and right, picture in the middle.
        XCTAssertGreaterThan(boxC.x, 400)
        XCTAssertLessThan(frames[70].mean(x: 0, y: 0, w: boxC.x - 4, h: 720), 20)
        XCTAssertLessThan(frames[70].mean(x: boxC.x + boxC.width + 4, y: 0, w: 1280 - boxC.x - boxC.width - 4, h: 720), 20)
        XCTAssertGreaterThan(frames[70].mean(x: boxC.x + 10, y: 400, w: boxC.width - 20, h: 200), 40)

        // Sound: A beeps at its 1.0 s (output 0.5 s), B at its 3.0 s (output 1.5 s); C has none: silence.
        let onsets = beepOnsets(try decodeAudio(out.mp4.path))
        XCTAssertEqual(onsets.count, 2, "onsets: \(onsets)")
        XCTAssertEqual(onsets.first ?? 0, 0.5, accuracy: 0.005)
        XCTAssertEqual(onsets.last ?? 0, 1.5, accuracy: 0.005)
    }

    func testTagsAndRecordDescribeTheFile() throws {
        let dir = try TempDir()
        _ = try makeIndexedSource(dir)
        let p = project(sources: [("a", "a.mp4")], clips: [("one", "a", 2.0, 3.0), ("two", "a", 5.0, 5.5)],
                        outputs: [("for-government", .government, ["two", "one"])], base: dir.url)
        let out = try Renderer().render(try Planner.plan(p).outputs[0], into: dir.url.appendingPathComponent("out"))
        XCTAssertEqual(dir.files(in: "out"), ["for-government.json", "for-government.mp4", "for-government.png"], "no temporary files left")

        let tags = try XCTUnwrap((try ffprobe(out.mp4.path, ["-show_entries", "format_tags"])["format"] as? [String: Any])?["tags"] as? [String: String])
        XCTAssertEqual(tags["title"], "Title of for-government")
        XCTAssertEqual(tags["audience"], "government")
        XCTAssertEqual(tags["project"], "test-project")
        XCTAssertEqual(tags["output"], "for-government")
        XCTAssertEqual(tags["comment"], "For government · Increasing access is harmful to health")

        let record = try JSONDecoder().decode(RenderRecord.self, from: Data(contentsOf: out.record))
        XCTAssertEqual(record.sha256, try shellSHA256(out.mp4.path))
        XCTAssertEqual(record.audience, .government)
        XCTAssertEqual(record.frames, 45)
        XCTAssertEqual(record.duration, 1.5)
        XCTAssertEqual(record.clips.map(\.clip), ["two", "one"])
        XCTAssertEqual(record.clips.map(\.sourceIn), [5.0, 2.0])
        XCTAssertEqual(record.clips.map(\.outputStart), [0.0, 0.5])
        XCTAssertEqual(record.clips.map(\.outputEndFrame), [15, 45])
        XCTAssertEqual(record.ideas.map(\.id), ["demand"])
        XCTAssertEqual(record.projectIdeas, [RenderRecord.Idea(id: "demand", text: "More access feeds demand, not health")])
        XCTAssertEqual(record.cards, [], "no cards in this output")
        // The index is at the front (fast start): moov before mdat.
        let head = try Data(contentsOf: out.mp4).prefix(64 * 1024)
        let moov = try XCTUnwrap(head.range(of: Data("moov".utf8))), mdat = try XCTUnwrap(head.range(of: Data("mdat".utf8)))
        XCTAssertLessThan(moov.lowerBound, mdat.lowerBound)
    }

    func testTruncatedSourceFailsCleanlyAndLeavesNoFile() throws {
        let dir = try TempDir()
        let path = try makeIndexedSource(dir)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        // The header (at the front) still promises 10 s; the media stops about half way.
        XCTAssertNoThrow(try FFmpegSourceProbe().probe(URL(fileURLWithPath: path)))
        let p = project(sources: [("a", "a.mp4")], clips: [("late", "a", 8.0, 9.0)],
                        outputs: [("x", .icb, ["late"])], base: dir.url)
        XCTAssertThrowsError(try Renderer().render(try Planner.plan(p).outputs[0], into: dir.url.appendingPathComponent("out"))) { error in
            let e = error as? RenderError
            XCTAssertEqual(e?.isInputProblem, true)
            XCTAssertTrue(e?.message.contains("a.mp4") ?? false, "\(error)")
            XCTAssertTrue(e?.message.contains("truncated") ?? false, "\(error)")
        }
        XCTAssertEqual(dir.files(in: "out"), [], "no partial output")
    }

    func testProbeNamesWhatIsWrongWithASource() throws {
        let dir = try TempDir()
        try Data("this is not a video".utf8).write(to: URL(fileURLWithPath: dir.path("notes.mp4")))
        XCTAssertThrowsError(try FFmpegSourceProbe().probe(URL(fileURLWithPath: dir.path("notes.mp4")))) {
            XCTAssertTrue("\($0)".contains("not a media file"), "\($0)")
        }
        // Index at the end and the file cut short: no index at all.
        let path = try makeIndexedSource(dir) { $0.faststart = false }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try FFmpegSourceProbe().probe(URL(fileURLWithPath: path))) {
            XCTAssertTrue("\($0)".contains("cut short"), "\($0)")
        }
        let good = try makeIndexedSource(dir, name: "good.mp4")
        let info = try FFmpegSourceProbe().probe(URL(fileURLWithPath: good))
        XCTAssertEqual(info.duration, SourceTime(microseconds: 10_000_000))
        XCTAssertTrue(info.hasAudio)
        // A music bed has sound and no picture; a logo a picture without a duration. The validator decides
        // what each needs.
        let bed = dir.path("bed.m4a")
        try SampleMedia.writeSound(.chord, seconds: 2, to: bed)
        let music = try FFmpegSourceProbe().probe(URL(fileURLWithPath: bed))
        XCTAssertEqual([music.hasVideo, music.hasAudio], [false, true])
        XCTAssertEqual(Double(music.duration.microseconds) / 1e6, 2, accuracy: 0.05)
        let logo = dir.url.appendingPathComponent("logo.png")
        try PNGImage.encode(try Frame.yuv420p(width: 64, height: 32)).write(to: logo)
        let still = try FFmpegSourceProbe().probe(logo)
        XCTAssertEqual([still.hasVideo, still.hasAudio], [true, false])
    }
}

func shellSHA256(_ path: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    p.arguments = [path]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    p.waitUntilExit()
    return String(out.prefix(64))
}

extension RenderTests {
    /// A phone stores landscape pixels and a display matrix saying "turn 90° counter-clockwise"; the
    /// output must show the picture upright (portrait, pillarboxed), as a player would.
    func testRotatedPhoneVideoIsShownUpright() throws {
        let dir = try TempDir()
        _ = try makeIndexedSource(dir, name: "phone.mp4") {
            $0.width = 384; $0.height = 216; $0.frames = 60
            $0.displayRotation = 90
        }
        XCTAssertEqual(try InputFile(path: dir.path("phone.mp4")).bestStream(.video)?.rotation, 90)
        let p = project(sources: [("p", "phone.mp4")], clips: [("c", "p", 1.0, 1.5)],
                        outputs: [("upright", .icb, ["c"])], base: dir.url)
        let out = try Renderer().render(try Planner.plan(p).outputs[0], into: dir.url)
        let frames = try decodeLuma(out.mp4.path)
        XCTAssertEqual(frames.count, 15)
        // Displayed: 216 wide, 384 tall. Stored pixel (x, y) appears at (y, 383 - x) after the turn
        // (checked by eye against the ffmpeg program's autorotation of the same file).
        let box = Letterbox.fit(sourceWidth: 384, sourceHeight: 216, rotation: 90, into: 1280, 720)
        XCTAssertEqual(box.height, 720)
        XCTAssertLessThan(box.width, 420)
        let indices = frames.map { f in
            FrameIndexCode.read { x, y in f[box.x + y * box.width / 216, box.y + (383 - x) * box.height / 384] }
        }
        XCTAssertEqual(indices, Array(30..<45))
        XCTAssertLessThan(frames[5].mean(x: 0, y: 0, w: box.x - 4, h: 720), 20, "black bar at the left")
    }
}
