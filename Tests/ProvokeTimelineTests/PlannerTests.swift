import Foundation
import ProvokeManifest
@testable import ProvokeTimeline
import XCTest

final class PlannerTests: XCTestCase {
    func t(_ us: Int64) -> SourceTime { SourceTime(microseconds: us) }

    func project(_ clips: [Clip], outputs: [Output]) -> Project {
        let base = URL(fileURLWithPath: "/projects/x")
        return Project(id: "x", title: "Increasing access is harmful to health", event: nil,
                       manifestURL: base.appendingPathComponent("manifest.json"),
                       sources: [Source(id: "a", file: "media/a.mp4", url: base.appendingPathComponent("media/a.mp4")),
                                 Source(id: "b", file: "media/b.mp4", url: base.appendingPathComponent("media/b.mp4"))],
                       ideas: [Idea(id: "demand", text: "More access feeds demand"), Idea(id: "time", text: "Fund time")],
                       clips: clips, outputs: outputs)
    }

    /// The reference job's three clips (JOB.md): A 10–40, B 55.5–85.5, A 70–100.
    func referencePlan() throws -> OutputPlan {
        let clips = [Clip(id: "a1", source: "a", in: t(10_000_000), out: t(40_000_000), ideas: ["demand"]),
                     Clip(id: "b1", source: "b", in: t(55_500_000), out: t(85_500_000), ideas: ["time"]),
                     Clip(id: "a2", source: "a", in: t(70_000_000), out: t(100_000_000), ideas: ["demand"])]
        let p = project(clips, outputs: [Output(id: "job", audience: .icb, title: "Job",
                                                sequence: ["a1", "b1", "a2"].map { SequenceItem(item: $0) })])
        return try Planner.plan(p).outputs[0]
    }

    func testSegmentsFollowOneAnotherInOutputFrames() throws {
        let plan = try referencePlan()
        XCTAssertEqual(plan.segments.map(\.frames), [FrameRange(start: 0, count: 900), FrameRange(start: 900, count: 900),
                                                     FrameRange(start: 1800, count: 900)])
        XCTAssertEqual(plan.frameCount, 2700)
        XCTAssertEqual(plan.audioSampleCount, 90 * 48_000)
        XCTAssertEqual(plan.duration, OutputTime(microseconds: 90_000_000))
        XCTAssertEqual(plan.ideas.map(\.id), ["demand", "time"], "each idea once, in order of appearance")
        XCTAssertEqual(plan.tags.first { $0.0 == "comment" }?.1, "For Integrated Care Boards · Increasing access is harmful to health")
        guard case let .clip(b) = plan.segments[1].content else { return XCTFail() }
        XCTAssertEqual(b.path, "/projects/x/media/b.mp4")
        // Output frame 0 of the B clip shows source time 55.5 s; frame 1, 55.5 + 1/30 s (floored to the µs).
        let timing = b.timing(plan.format.clock)
        XCTAssertEqual(timing.sourceTime(ofFrame: 0), t(55_500_000))
        XCTAssertEqual(timing.sourceTime(ofFrame: 1), t(55_533_333))
    }

    func testClipLengthsRoundToWholeFrames() {
        let clock = FrameClock(fps: 30)
        XCTAssertEqual(clock.frames(in: 1_000_000), 30)
        XCTAssertEqual(clock.frames(in: 1_016_000), 30, "16 ms is under half a frame")
        XCTAssertEqual(clock.frames(in: 1_017_000), 31, "17 ms is over half a frame")
        XCTAssertEqual(clock.frames(in: 33_334), 1)
    }

    func testAClipUsedTwiceAppearsTwice() throws {
        let clips = [Clip(id: "c", source: "a", in: t(1_000_000), out: t(2_000_000), ideas: [])]
        let p = project(clips, outputs: [Output(id: "o", audience: .college, title: "O",
                                                sequence: [SequenceItem(item: "c"), SequenceItem(item: "c")])])
        let plan = try Planner.plan(p).outputs[0]
        XCTAssertEqual(plan.segments.map(\.frames.start), [0, 30])
        XCTAssertEqual(plan.frameCount, 60)
    }

    func testUnknownOutputAndTooShortClipAreErrors() throws {
        let clips = [Clip(id: "blink", source: "a", in: t(0), out: t(10_000), ideas: [])]
        let p = project(clips, outputs: [Output(id: "o", audience: .icb, title: "O", sequence: [SequenceItem(item: "blink")])])
        XCTAssertThrowsError(try Planner.plan(p, outputs: ["nope"])) {
            XCTAssertEqual($0 as? PlanError, .unknownOutput("nope", known: ["o"]))
        }
        XCTAssertThrowsError(try Planner.plan(p)) { XCTAssertEqual($0 as? PlanError, .emptyClip("blink")) }
    }

    func testPlanDocumentNamesSourceFramesAtTheSourceRate() throws {
        let doc = PlanDocument(RenderPlan(project: "x", projectTitle: "T", outputs: [try referencePlan()]),
                               sourceFrameRates: ["a": FrameRate(30), "b": FrameRate(25)])
        let segments = doc.outputs[0].segments
        // 55.5 s × 25 = 1387.5: frame 1387 is on screen. The last output frame shows 55.5 + 899/30 s, and
        // × 25 = 2136.7: frame 2136.
        XCTAssertEqual(segments.map(\.source?.firstFrame), [300, 1387, 2100])
        XCTAssertEqual(segments.map(\.source?.lastFrame), [1199, 2136, 2999])
        XCTAssertEqual(segments.map(\.outputStartTime), ["00:00:00.000", "00:00:30.000", "00:01:00.000"])
        XCTAssertEqual(segments.map(\.endFrame), [900, 1800, 2700])
        XCTAssertTrue(doc.text.contains("frames 900-1799  clip b1: b 00:00:55.500-00:01:25.500 (source frames 1387-2136 at 25 fps)"), doc.text)
    }

    func testLetterboxFitsKeepTheShape() {
        XCTAssertEqual(Letterbox.fit(sourceWidth: 1920, sourceHeight: 1080, into: 1280, 720), Letterbox(width: 1280, height: 720, x: 0, y: 0))
        XCTAssertEqual(Letterbox.fit(sourceWidth: 640, sourceHeight: 480, into: 1280, 720), Letterbox(width: 960, height: 720, x: 160, y: 0))
        XCTAssertEqual(Letterbox.fit(sourceWidth: 1080, sourceHeight: 1920, into: 1280, 720), Letterbox(width: 404, height: 720, x: 438, y: 0))
        XCTAssertEqual(Letterbox.fit(sourceWidth: 1920, sourceHeight: 1080, rotation: 90, into: 1280, 720),
                       Letterbox.fit(sourceWidth: 1080, sourceHeight: 1920, into: 1280, 720))
        // Anamorphic 720x576 with 64:45 pixels is 16:9 on screen.
        XCTAssertEqual(Letterbox.fit(sourceWidth: 720, sourceHeight: 576, sarNum: 64, sarDen: 45, into: 1280, 720),
                       Letterbox(width: 1280, height: 720, x: 0, y: 0))
        // Very wide: letterboxed top and bottom.
        XCTAssertEqual(Letterbox.fit(sourceWidth: 2560, sourceHeight: 720, into: 1280, 720), Letterbox(width: 1280, height: 360, x: 0, y: 180))
    }
}
