import Foundation
import ProvokeCaptions
import ProvokeManifest
@testable import ProvokeTimeline
import XCTest

/// What presets mean for a plan, without media: frame and text sizes, email's choice of frame and rate from the
/// length, the refusal of what cannot fit, and the poster frame.
final class PresetPlanTests: XCTestCase {
    func plan(seconds: Int64, preset: String, maxBytes: Int64? = nil, poster: Int64? = nil) throws -> OutputPlan {
        try Planner.plan(project(seconds: seconds, preset: preset, maxBytes: maxBytes, poster: poster)).outputs[0]
    }

    func project(seconds: Int64, preset: String, maxBytes: Int64? = nil, poster: Int64? = nil) -> Project {
        let base = URL(fileURLWithPath: "/projects/x")
        var output = Output(id: "o", audience: .icb, title: "O", sequence: [SequenceItem(item: "c")])
        output.preset = VideoPreset.builtIn.first { $0.name == preset }!
        output.maxBytes = maxBytes
        output.poster = poster.map { SourceTime(microseconds: $0) }
        return Project(id: "x", title: "X", event: nil, manifestURL: base.appendingPathComponent("manifest.json"),
                       sources: [Source(id: "a", file: "a.mp4", url: base.appendingPathComponent("a.mp4"))],
                       ideas: [], clips: [Clip(id: "c", source: "a", in: SourceTime(microseconds: 0),
                                               out: SourceTime(microseconds: seconds * 1_000_000), ideas: [])],
                       outputs: [output])
    }

    func testBuiltInPresetsSetTheFrameAndTextHeight() throws {
        for (name, size, textHeight) in [("web-720p", [1280, 720], 720), ("hd-1080p", [1920, 1080], 1080),
                                         ("square", [1080, 1080], 851), ("vertical", [1080, 1920], 851)] {
            let format = try plan(seconds: 2, preset: name).format
            XCTAssertEqual([format.width, format.height], size, name)
            XCTAssertEqual(format.fps, 30, name)
            XCTAssertEqual(format.preset, name)
            XCTAssertEqual(format.textHeight, textHeight, "\(name): text is 1.4 times a 16:9 frame's on square and portrait")
            XCTAssertEqual(format.fillsWithBlur, size[0] <= size[1], name)
        }
        XCTAssertEqual(OutputFormat(preset: VideoPreset(name: "old-tv", width: 640, height: 480)).textHeight, 360,
                       "a 4:3 landscape frame sizes text by its width, as before")
    }

    func testEmailChoosesItsFrameAndRateFromTheLength() throws {
        let short = try plan(seconds: 30, preset: "email").format
        XCTAssertEqual([short.width, short.height], [1280, 720])
        XCTAssertEqual(short.videoMaxRate, SizeCap.maximumKbps, "half a minute has room to spare")
        XCTAssertEqual(short.audioBitRate, 64_000)
        XCTAssertEqual(short.maxBytes, 20_000_000)
        let long = try plan(seconds: 600, preset: "email").format
        XCTAssertEqual([long.width, long.height], [640, 360])
        // The bound the rate keeps: video at most maxrate × (duration + pieces × buffer), plus sound and overhead.
        let maxrate = try XCTUnwrap(long.videoMaxRate), pieces: Int64 = 40  // 18 000 frames in pieces of 450
        let videoBytes = Int64(maxrate) * (600_000 + pieces * SizeCap.bufferMilliseconds) / 8
        let audioBytes = Int64(64_000) * 600 / 8 * 11 / 10
        XCTAssertLessThanOrEqual(videoBytes + audioBytes + SizeCap.overheadBytes(durationMilliseconds: 600_000, fps: 30),
                                 20_000_000)
        XCTAssertEqual(long.videoBuffer, maxrate / 2)
        let bigger = try plan(seconds: 600, preset: "email", maxBytes: 80_000_000).format
        XCTAssertEqual(bigger.height, 540, "a bigger cap buys a bigger frame")
    }

    func testEmailTooLongForItsCapSaysWhatFits() throws {
        var fits: Int64 = 0
        XCTAssertThrowsError(try plan(seconds: 120, preset: "email", maxBytes: 2_000_000)) { error in
            guard case let PlanError.tooLongForCap(output, ms, cap, longest) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(output, "o")
            XCTAssertEqual(ms, 120_000)
            XCTAssertEqual(cap, 2_000_000)
            XCTAssertGreaterThan(longest, 0)
            XCTAssertLessThan(longest, 120_000)
            fits = longest
            XCTAssertTrue("\(error)".hasPrefix("output \"o\": 00:02:00.000 does not fit in 2 MB at an acceptable quality"), "\(error)")
            XCTAssertEqual((error as? PlanError)?.jsonPath(in: project(seconds: 120, preset: "email")), "outputs[0].sequence")
        }
        XCTAssertEqual(try plan(seconds: fits / 1000, preset: "email", maxBytes: 2_000_000).format.height, 360,
                       "what it says fits, fits")
    }

    /// On a vertical frame captions sit under the picture and the speaker's name over it; on a square one, where
    /// the picture leaves little room, both keep to the frame's safe margins as on 16:9.
    func testCaptionsAndNamesSitBesideThePictureOnAVerticalFrame() {
        func styles(_ preset: String) -> [String] {
            let format = OutputFormat(preset: VideoPreset.builtIn.first { $0.name == preset }!)
            let script = ASSDocument(frameWidth: format.width, frameHeight: format.height, textHeight: format.textHeight,
                                     pictureBand: format.pictureBand, cues: [Cue(start: 0, end: 1000, text: "Hello")],
                                     lowerThirds: [LowerThird(name: "Dr A", role: nil, start: 0, end: 1000)]).text
            // Alignment, then MarginL, MarginR, MarginV.
            return script.split(separator: "\n").filter { $0.hasPrefix("Style: ") }
                .map { $0.split(separator: ",").suffix(5).prefix(4).joined(separator: ",") }
        }
        XCTAssertEqual(OutputFormat(preset: VideoPreset.builtIn[3]).pictureBand, 656..<1264)
        // Caption: top-centre, 23 px (half its 47 px size) under the picture; name: bottom-left, 19 px over it
        // (a bottom-aligned MarginV counts from the frame's bottom: 1920 - 656 + 19).
        XCTAssertEqual(styles("vertical"), ["8,108,108,1287", "1,108,108,1283"])
        XCTAssertEqual(styles("square"), ["2,108,108,108", "7,108,108,108"])
        XCTAssertNil(OutputFormat().pictureBand)
    }

    /// An output of many short clips is cut into many pieces (a keyframe and a buffer each): the length it says
    /// fits is worked out for pieces that short, so it is less than the length it refused.
    func testEmailOfManyShortClipsSaysALengthThatFitsAsCutAsOften() throws {
        func clips(_ count: Int) -> Project {
            var p = project(seconds: 1, preset: "email", maxBytes: 1_000_000)
            p.clips = (0..<count).map { Clip(id: "c\($0)", source: "a", in: SourceTime(microseconds: 0),
                                             out: SourceTime(microseconds: 1_000_000), ideas: []) }
            p.outputs[0].sequence = p.clips.map { SequenceItem(item: $0.id) }
            return p
        }
        var fits: Int64 = 0
        XCTAssertThrowsError(try Planner.plan(clips(20))) { error in
            guard case let PlanError.tooLongForCap(_, ms, _, longest) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(ms, 20_000)
            XCTAssertLessThan(longest, 20_000, "\(error)")
            fits = longest
        }
        XCTAssertGreaterThan(fits, 1000)
        XCTAssertNoThrow(try Planner.plan(clips(Int(fits / 1000))), "what it says fits, fits: \(fits) ms")
    }

    func testThePosterTimeIsAFrameOfTheOutput() throws {
        XCTAssertEqual(try plan(seconds: 4, preset: "web-720p", poster: 2_500_000).posterFrame, 75)
        XCTAssertEqual(try plan(seconds: 4, preset: "web-720p", poster: 3_990_000).posterFrame, 119,
                       "the frame on screen at 3.99 s, not the next one (past the end)")
        XCTAssertNil(try plan(seconds: 4, preset: "web-720p").posterFrame)
        XCTAssertThrowsError(try plan(seconds: 4, preset: "web-720p", poster: 4_000_000)) { error in
            XCTAssertEqual("\(error)", "output \"o\": poster 00:00:04.000 is not before the output's end (00:00:04.000)")
            XCTAssertEqual((error as? PlanError)?.jsonPath(in: project(seconds: 4, preset: "web-720p")), "outputs[0].poster")
        }
    }
}
