import Foundation
import ProvokeManifest
@testable import ProvokeTimeline
import XCTest

/// The frame clock and the frame-choice rule, without media. Expected source frames were worked out by hand (or
/// with exact fractions) from the rule "output frame k of a clip shows the latest source frame at or before
/// in + k/rate, with 1 ms of slack", not by calling the code under test.
final class TimeTests: XCTestCase {
    let ntsc = FrameRate(30000, 1001)      // 29.97
    let ntsc60 = FrameRate(60000, 1001)    // 59.94

    /// The source frame a decoder would hand over for output frame k: source frames j stamped on a regular grid
    /// (pts = j × ticksPerFrame in `timeBase`), the latest one `isAfter` does not reject.
    func chosen(_ timing: ClipTiming, frame k: Int, timeBase: (Int, Int), ticksPerFrame: Int64, near guess: Int) -> Int {
        var j = max(0, guess - 3)
        while !timing.isAfter(pts: Int64(j + 1) * ticksPerFrame, timeBaseNumerator: timeBase.0,
                              timeBaseDenominator: timeBase.1, frame: k) { j += 1 }
        return j
    }

    func testFrameTimesAreFlooredAndFramesInALengthRoundToNearest() {
        let c30 = FrameClock(fps: 30)
        XCTAssertEqual(c30.microseconds(ofFrame: 1), 33_333)
        XCTAssertEqual(c30.milliseconds(ofFrame: 1), 33)
        XCTAssertEqual(c30.milliseconds(ofFrame: 31), 1033)
        XCTAssertEqual(c30.time(ofFrame: 90), OutputTime(microseconds: 3_000_000))
        XCTAssertEqual(c30.frame(at: 33_332), 0)
        XCTAssertEqual(c30.frame(at: 33_334), 1)
        XCTAssertEqual(c30.frames(in: 1_016_000), 30, "16 ms is under half a frame")
        XCTAssertEqual(c30.frames(in: 1_017_000), 31, "17 ms is over half a frame")

        let c2997 = FrameClock(ntsc)
        XCTAssertEqual(c2997.microseconds(ofFrame: 1), 33_366)  // 1001/30000 s = 33366.67 µs
        XCTAssertEqual(c2997.frames(in: 60_060_000), 1800, "a minute of 29.97 is 1800 frames of 1001/30000 s")
        XCTAssertEqual(c2997.frame(at: 1_001_000), 30)
        XCTAssertEqual(c2997.frame(at: 1_000_999), 29)
        // Frame 1,000,000 of a 29.97 output: 1001000/30 s = 33366.666666 s.
        XCTAssertEqual(c2997.microseconds(ofFrame: 1_000_000), 33_366_666_666)
        XCTAssertEqual(FrameClock(ntsc60).milliseconds(ofFrame: 1_000_000), 16_683_333)
        XCTAssertEqual(FrameClock(fps: 60).milliseconds(ofFrame: 1_000_000), 16_666_666)
        XCTAssertEqual(FrameClock(fps: 25).microseconds(ofFrame: 1_000_000), 40_000_000_000)
    }

    func testSamplesFollowFramesExactlyAndAddUp() {
        XCTAssertEqual(FrameClock(fps: 30).samples(forFrames: 30, sampleRate: 48_000), 48_000)
        XCTAssertEqual(FrameClock(fps: 25).samples(forFrames: 1, sampleRate: 48_000), 1920)
        XCTAssertEqual(FrameClock(fps: 30).samples(forFrames: 1, sampleRate: 44_100), 1470)
        let c = FrameClock(ntsc)
        XCTAssertEqual(c.samples(forFrames: 30_000, sampleRate: 48_000), 48_048_000, "1001 s of sound")
        // 1601.6 samples a frame: consecutive runs of frames add up with no sample lost or doubled.
        var total = 0
        for k in 0..<1000 { total += c.samples(forFrames: k + 1, sampleRate: 48_000) - c.samples(forFrames: k, sampleRate: 48_000) }
        XCTAssertEqual(total, c.samples(forFrames: 1000, sampleRate: 48_000))
        XCTAssertEqual(total, 1_601_600)
    }

    func testA25FpsSourceRepeatsFramesIntoA30FpsOutput() {
        // 25 fps in an MP4: time base 1/12800, 512 ticks a frame.
        let timing = ClipTiming(sourceIn: SourceTime(microseconds: 0), clock: FrameClock(fps: 30))
        let frames = (0..<8).map { chosen(timing, frame: $0, timeBase: (1, 12800), ticksPerFrame: 512, near: $0 * 5 / 6) }
        XCTAssertEqual(frames, [0, 0, 1, 2, 3, 4, 5, 5])
        XCTAssertEqual((0..<8).map { timing.sourceFrame(shownAt: $0, sourceRate: FrameRate(25)) }, frames)
    }

    func testA60FpsSourceSkipsEveryOtherFrame() {
        let timing = ClipTiming(sourceIn: SourceTime(microseconds: 2_000_000), clock: FrameClock(fps: 30))
        let frames = (0..<5).map { chosen(timing, frame: $0, timeBase: (1, 15360), ticksPerFrame: 256, near: 120 + 2 * $0) }
        XCTAssertEqual(frames, [120, 122, 124, 126, 128])
        XCTAssertEqual(timing.sourceFrame(shownAt: 1_000_000, sourceRate: FrameRate(60)), 120 + 2_000_000)
    }

    func testA2997SourceAtAMillisecondInPointAndFarIntoALongRecording() {
        // 29.97 in an MP4: time base 1/30000, 1001 ticks a frame.
        let at07 = ClipTiming(sourceIn: SourceTime(microseconds: 700_000), clock: FrameClock(fps: 30))
        let frames = (0..<8).map { chosen(at07, frame: $0, timeBase: (1, 30000), ticksPerFrame: 1001, near: 20 + $0) }
        XCTAssertEqual(frames, [21, 22, 23, 24, 25, 26, 27, 28])
        // Source frame 100 starts at 3.336666… s. A producer who read 3.336 off a player means that frame: the
        // slack takes it; without it the frame before would be chosen.
        let onFrame = ClipTiming(sourceIn: SourceTime(microseconds: 3_336_000), clock: FrameClock(fps: 30))
        XCTAssertEqual(chosen(onFrame, frame: 0, timeBase: (1, 30000), ticksPerFrame: 1001, near: 100), 100)
        XCTAssertEqual(onFrame.sourceFrame(shownAt: 0, sourceRate: ntsc), 100)
        let early = ClipTiming(sourceIn: SourceTime(microseconds: 3_335_000), clock: FrameClock(fps: 30))
        XCTAssertEqual(early.sourceFrame(shownAt: 0, sourceRate: ntsc), 99)
        // Output frame 1,000,000 (9 h 15 min in): 33333.3343 s × 29.97 = source frame 999001.
        let start = ClipTiming(sourceIn: SourceTime(microseconds: 0), clock: FrameClock(fps: 30))
        XCTAssertEqual(chosen(start, frame: 1_000_000, timeBase: (1, 30000), ticksPerFrame: 1001, near: 999_001), 999_001)
        XCTAssertEqual(start.sourceFrame(shownAt: 1_000_000, sourceRate: ntsc), 999_001)
        XCTAssertEqual(start.sourceFrame(shownAt: 1_000_000, sourceRate: ntsc60), 1_998_002)
        XCTAssertEqual(start.sourceFrame(shownAt: 1_000_000, sourceRate: FrameRate(25)), 833_333)
    }

    func testA30FpsSourceIntoA2997OutputAndTheFilesOrigin() {
        let timing = ClipTiming(sourceIn: SourceTime(microseconds: 0), clock: FrameClock(ntsc))
        XCTAssertEqual((0..<8).map { timing.sourceFrame(shownAt: $0, sourceRate: FrameRate(30)) }, Array(0..<8))
        XCTAssertEqual(timing.sourceFrame(shownAt: 1_000_000, sourceRate: FrameRate(30)), 1_001_000)
        // A file whose first frame is stamped 1.4 s (an MPEG-TS cut, a phone's edit list): players show it as 0,
        // and so does the rule.
        let late = ClipTiming(sourceIn: SourceTime(microseconds: 1_000_000), clock: FrameClock(fps: 30), origin: 1_400_000)
        XCTAssertFalse(late.isAfter(pts: 2_400_000, timeBaseNumerator: 1, timeBaseDenominator: 1_000_000, frame: 0))
        XCTAssertTrue(late.isAfter(pts: 2_401_001, timeBaseNumerator: 1, timeBaseDenominator: 1_000_000, frame: 0))
        XCTAssertEqual(late.seekTarget(forFrame: 3), 1_400_000 + 1_000_000 + 100_000 + 1_000)
        XCTAssertEqual(late.sourceTime(ofFrame: 3), SourceTime(microseconds: 1_100_000))
        // Sound decoded from 2.3 s on the file's clock is 0.1 s early: 4800 samples to drop; from 2.5 s, late.
        XCTAssertEqual(late.samplesBeforeIn(fromFileMicroseconds: 2_300_000, sampleRate: 48_000), 4800)
        XCTAssertEqual(late.samplesBeforeIn(fromFileMicroseconds: 2_500_000, sampleRate: 48_000), -4800)
    }

    // MARK: Transitions in output frames

    func project(sequence: [SequenceItem]) -> Project {
        let base = URL(fileURLWithPath: "/projects/x")
        return Project(id: "x", title: "T", event: nil, manifestURL: base.appendingPathComponent("manifest.json"),
                       sources: [Source(id: "a", file: "a.mp4", url: base.appendingPathComponent("a.mp4"))],
                       ideas: [],
                       clips: [Clip(id: "c1", source: "a", in: SourceTime(microseconds: 0), out: SourceTime(microseconds: 2_000_000), ideas: []),
                               Clip(id: "c2", source: "a", in: SourceTime(microseconds: 5_000_000), out: SourceTime(microseconds: 9_000_000), ideas: [])],
                       cards: [Card(id: "t", template: .statement, duration: 3_000_000, text: .all("Fund time"))],
                       outputs: [Output(id: "o", audience: .icb, title: "O", sequence: sequence)])
    }

    func testACrossfadeOverlapsTheSegmentsAndShortensTheOutput() throws {
        let p = project(sequence: [SequenceItem(item: "c1"),
                                   SequenceItem(item: "c2", transition: Transition(kind: .crossfade, duration: 500_000)),
                                   SequenceItem(item: "t", transition: Transition(kind: .crossfade, duration: 1_000_000))])
        let plan = try Planner.plan(p).outputs[0]
        XCTAssertEqual(plan.segments.map(\.frames), [FrameRange(start: 0, count: 60), FrameRange(start: 45, count: 120),
                                                     FrameRange(start: 135, count: 90)])
        XCTAssertEqual(plan.segments.map { $0.transition?.frames }, [nil, 15, 30])
        XCTAssertEqual(plan.frameCount, 60 + 120 + 90 - 15 - 30)
        XCTAssertEqual(plan.audioSampleCount, 225 * 1600)
        XCTAssertEqual(plan.duration, OutputTime(microseconds: 7_500_000))
    }

    func testAFadeSplitsItsFramesAcrossTheCutAndKeepsTheLength() throws {
        let p = project(sequence: [SequenceItem(item: "t", transition: Transition(kind: .fade, duration: 1_000_000)),
                                   SequenceItem(item: "c1", transition: Transition(kind: .fade, duration: 400_000)),
                                   SequenceItem(item: "c2", transition: Transition(kind: .fade, duration: 433_333))])
        let plan = try Planner.plan(p).outputs[0]
        XCTAssertEqual(plan.segments.map(\.frames.start), [0, 90, 150])
        XCTAssertEqual(plan.frameCount, 270, "fades change no length")
        let t = plan.segments.map(\.transition!)
        XCTAssertEqual(t.map(\.frames), [30, 12, 13], "0.4333 s rounds to 13 frames")
        XCTAssertEqual(t.map(\.outFrames), [0, 6, 6], "the first fades up over all its frames; later ones split down/up")
        XCTAssertEqual(t.map(\.inFrames), [30, 6, 7])
    }

    // MARK: Pieces

    func testLongStretchesAreCutIntoPiecesOnTheSourcesKeyframesWhenKnown() throws {
        let p = project(sequence: [SequenceItem(item: "t"), SequenceItem(item: "c2", transition: Transition(kind: .crossfade, duration: 500_000))])
        var long = p
        long.clips[1].out = SourceTime(microseconds: 40_000_000)  // c2: 5.0–40.0 s, 1050 frames
        let plan = try Planner.plan(long).outputs[0]
        // Near-equal pieces of at most 450 frames, the crossfade its own piece, every frame once.
        let plain = plan.pieces()
        XCTAssertEqual(plain.map(\.frames), [FrameRange(start: 0, count: 75), FrameRange(start: 75, count: 15),
                                              FrameRange(start: 90, count: 345), FrameRange(start: 435, count: 345),
                                              FrameRange(start: 780, count: 345)])
        XCTAssertEqual(plain[1].parts, [Piece.Part(segment: 0, frames: 75..<90), Piece.Part(segment: 1, frames: 0..<15)])
        // Keyframes every 250 source frames (8.333 s): a piece starts on the first frame showing one, so its
        // decoding starts right there. Source 16.667 s is c2's frame 350 (5 + 350/30 = 16.667); 25.0 s, frame 600.
        let keyed = plan.pieces(keyframes: ["a": [0, 8_333_333, 16_666_667, 25_000_000, 33_333_333]])
        XCTAssertEqual(keyed.map(\.frames.start), [0, 75, 90, 75 + 350, 75 + 600])
        XCTAssertEqual(keyed.map(\.frames.count).reduce(0, +), plan.frameCount)
        let timing = try XCTUnwrap({ if case let .clip(c) = plan.segments[1].content { return c.timing(plan.format.clock) }; return nil }())
        XCTAssertEqual(timing.sourceFrame(shownAt: 350, sourceRate: FrameRate(30)), 500, "keyframe 500 is the piece's first frame")
        XCTAssertEqual(timing.sourceFrame(shownAt: 349, sourceRate: FrameRate(30)), 499)
        // A keyframe too far from where a cut is wanted is not used: the cut stays where it was.
        XCTAssertEqual(plan.pieces(keyframes: ["a": [0, 39_000_000]]).map(\.frames.start), plain.map(\.frames.start))
    }
}
