import Foundation
import ProvokeCaptions
import ProvokeManifest
@testable import ProvokeTimeline
import XCTest

/// Caption planning through real plans (Planner.plan), without media: every rule of retiming in output time.
final class CaptionPlanTests: XCTestCase {
    let base = URL(fileURLWithPath: "/projects/demo")

    func seconds(_ s: Double) -> SourceTime { SourceTime(microseconds: Int64((s * 1_000_000).rounded())) }

    /// Sources `a` (with `cues` as its caption file, written at lines 1, 5, 9, …) and `b` (no captions); the
    /// clips as (id, source, in, out); one output playing `sequence`.
    func project(cues: [Cue] = [], clips: [(String, String, Double, Double)], sequence: [String],
                 configure: (inout Project) -> Void = { _ in }) -> Project {
        let captions = SourceCaptions(file: "captions/a.srt", url: base.appendingPathComponent("captions/a.srt"),
                                      format: .srt, cues: cues, lines: cues.indices.map { 1 + 4 * $0 })
        var p = Project(
            id: "demo", title: "Demo", event: nil, manifestURL: base.appendingPathComponent("manifest.json"),
            sources: [Source(id: "a", file: "a.mp4", url: base.appendingPathComponent("a.mp4"), captions: captions),
                      Source(id: "b", file: "b.mp4", url: base.appendingPathComponent("b.mp4"))],
            ideas: [],
            clips: clips.map { Clip(id: $0.0, source: $0.1, in: seconds($0.2), out: seconds($0.3), ideas: []) },
            outputs: [Output(id: "out", audience: .icb, title: "Out", sequence: sequence.map { SequenceItem(item: $0) })])
        configure(&p)
        return p
    }

    func captions(_ p: Project) throws -> CaptionPlan { try Planner.plan(p).outputs[0].captions }

    func testACueSpanningTwoClipsOfTheSameRecordingIsShownInEachTrimmedToIt() throws {
        // Source 1–5 s; clip x is 0–2 s (output 0–2 s), clip y is 3–6 s (output 2–5 s).
        let p = project(cues: [Cue(start: 1000, end: 5000, text: "spans the cut")],
                        clips: [("x", "a", 0, 2), ("y", "a", 3, 6)], sequence: ["x", "y"])
        let plan = try captions(p)
        XCTAssertEqual(plan.outputCues, [Cue(start: 1000, end: 2000, text: "spans the cut"),
                                         Cue(start: 2000, end: 4000, text: "spans the cut")])
        XCTAssertEqual(plan.cues.map(\.clip), ["x", "y"])
        XCTAssertEqual(plan.cues.map(\.segment), [0, 1])
        XCTAssertEqual(plan.cues.map { [$0.trimmedAtStart, $0.trimmedAtEnd] }, [[false, true], [true, false]])
        XCTAssertEqual(plan.cues.map(\.origin), [.source("a", index: 0), .source("a", index: 0)])
        XCTAssertEqual(plan.cues.map(\.writtenAt), ["captions/a.srt:1", "captions/a.srt:1"])
    }

    func testAClipUsedTwiceShowsItsCuesTwice() throws {
        let p = project(cues: [Cue(start: 10_500, end: 11_000, text: "again")],
                        clips: [("x", "a", 10, 12), ("z", "b", 0, 1)], sequence: ["x", "z", "x"])
        XCTAssertEqual(try captions(p).outputCues, [Cue(start: 500, end: 1000, text: "again"),
                                                     Cue(start: 3500, end: 4000, text: "again")])
    }

    func testCuesBeforeBetweenAndAfterTheClipsAreDropped() throws {
        let p = project(cues: [Cue(start: 0, end: 900, text: "before"),
                               Cue(start: 2100, end: 2900, text: "between"),
                               Cue(start: 4200, end: 6000, text: "after"),
                               Cue(start: 900, end: 1000, text: "ends at the in-point"),
                               Cue(start: 3500, end: 3600, text: "inside")],
                        clips: [("x", "a", 1, 2), ("y", "a", 3, 4)], sequence: ["x", "y"])
        XCTAssertEqual(try captions(p).outputCues, [Cue(start: 1500, end: 1600, text: "inside")])
    }

    func testACueFromAnotherRecordingNeverLandsOnThisOne() throws {
        // Clip z is from source b, which has no captions; a's cue at 0–1 s must not appear over it.
        let p = project(cues: [Cue(start: 0, end: 1000, text: "a only")], clips: [("z", "b", 0, 1)], sequence: ["z"])
        XCTAssertEqual(try captions(p).outputCues, [])
    }

    func testAClipsOwnCuesAreTimedFromItsInAndShiftedByEverythingBeforeIt() throws {
        let p = project(clips: [("x", "b", 0, 1.5), ("y", "b", 40, 43)], sequence: ["x", "y", "y"]) {
            $0.clips[1].captions = [Cue(start: 500, end: 1000, text: "own"),
                                    Cue(start: 2500, end: 9000, text: "runs past the out-point"),
                                    Cue(start: 4000, end: 5000, text: "after the clip")]
        }
        let plan = try captions(p)
        // y plays at 1.5–4.5 s and again at 4.5–7.5 s.
        XCTAssertEqual(plan.outputCues, [Cue(start: 2000, end: 2500, text: "own"),
                                         Cue(start: 4000, end: 4500, text: "runs past the out-point"),
                                         Cue(start: 5000, end: 5500, text: "own"),
                                         Cue(start: 7000, end: 7500, text: "runs past the out-point")])
        XCTAssertEqual(plan.cues.map(\.origin), [.clip("y", index: 0), .clip("y", index: 1),
                                                 .clip("y", index: 0), .clip("y", index: 1)])
        XCTAssertEqual(plan.cues.map(\.segment), [1, 1, 2, 2])
        XCTAssertEqual(plan.cues.map(\.trimmedAtEnd), [false, true, false, true])
    }

    func testSourceAndClipCuesAreMergedInOutputOrder() throws {
        let p = project(cues: [Cue(start: 1200, end: 1800, text: "file")],
                        clips: [("x", "a", 1, 2)], sequence: ["x"]) {
            $0.clips[0].captions = [Cue(start: 0, end: 100, text: "own first"), Cue(start: 500, end: 900, text: "own last")]
        }
        XCTAssertEqual(try captions(p).outputCues.map(\.text), ["own first", "file", "own last"])
    }

    func testOutputTimesComeFromTheSegmentsFrames() throws {
        // 1.01 s is 30 frames (1.000 s); the next clip starts at frame 30. A cue to the out-point is cut at the
        // segment's end, so it never overlaps the next clip's picture.
        let p = project(cues: [Cue(start: 500, end: 1010, text: "to the out-point"), Cue(start: 2000, end: 2100, text: "next")],
                        clips: [("x", "a", 0, 1.01), ("y", "a", 2, 3)], sequence: ["x", "y"])
        XCTAssertEqual(try captions(p).outputCues, [Cue(start: 500, end: 1000, text: "to the out-point"),
                                                     Cue(start: 1000, end: 1100, text: "next")])
        // Frame boundaries that are not whole milliseconds are floored: frame 1 starts at 33 ms.
        XCTAssertEqual(CaptionPlanner.milliseconds(ofFrame: 1, fps: 30), 33)
        XCTAssertEqual(CaptionPlanner.milliseconds(ofFrame: 31, fps: 30), 1033)
        let q = project(cues: [Cue(start: 0, end: 5000, text: "whole")],
                        clips: [("one", "a", 0, 1.0 / 30), ("x", "a", 2, 3)], sequence: ["one", "x"])
        XCTAssertEqual(try captions(q).outputCues, [Cue(start: 0, end: 33, text: "whole"), Cue(start: 33, end: 1033, text: "whole")])
    }

    func testLongCuesAreWrappedToTwoLinesAndSplitThenSorted() throws {
        let long = "This caption is far too long to fit on the two lines of thirty-seven characters that broadcast practice allows"
        let p = project(cues: [Cue(start: 0, end: 6000, text: long)], clips: [("x", "a", 0, 6)], sequence: ["x"]) {
            $0.clips[0].captions = [Cue(start: 3500, end: 3600, text: "short")]
        }
        let cues = try captions(p).outputCues
        XCTAssertGreaterThan(cues.count, 2)
        for cue in cues {
            let lines = cue.text.split(separator: "\n")
            XCTAssertLessThanOrEqual(lines.count, 2, cue.description)
            XCTAssertTrue(lines.allSatisfy { $0.count <= 37 }, cue.description)
        }
        XCTAssertEqual(cues.map(\.start), cues.map(\.start).sorted(), "sorted after splitting")
        XCTAssertTrue(cues.contains(Cue(start: 3500, end: 3600, text: "short")))
        XCTAssertEqual(cues.filter { $0.text != "short" }.map { $0.text.replacingOccurrences(of: "\n", with: " ") }
                           .joined(separator: " "), long)
    }

    func testSpeakersAreNamedAtTheStartOfTheirClipsForTheStylesDuration() throws {
        let p = project(clips: [("x", "b", 0, 3), ("y", "b", 10, 20), ("z", "b", 30, 40), ("w", "b", 50, 52)],
                        sequence: ["x", "y", "z", "w"]) {
            $0.clips[0].speaker = Speaker(name: "Dr A. Example", role: "GP partner")
            $0.clips[1].speaker = Speaker(name: "Dr A. Example", role: "GP partner")  // carries on: not named again
            $0.clips[2].speaker = Speaker(name: "Sam Reid")
            $0.outputs[0].style.speaker.duration = 4000
        }
        let plan = try captions(p)
        XCTAssertEqual(plan.lowerThirds, [
            LowerThird(name: "Dr A. Example", role: "GP partner", start: 0, end: 3000),  // the clip is shorter
            LowerThird(name: "Sam Reid", role: nil, start: 13_000, end: 17_000),
        ])
        XCTAssertEqual(plan.speakerStyle.duration, 4000)
    }

    func testModeAndStyleAreTheOutputs() throws {
        var p = project(cues: [Cue(start: 0, end: 500, text: "x")], clips: [("x", "a", 0, 1)], sequence: ["x"]) {
            $0.outputs[0].style.captions.position = .top
        }
        var plan = try captions(p)
        XCTAssertEqual(plan.mode, .both)
        XCTAssertEqual(plan.style.position, .top)
        XCTAssertTrue(plan.burnsIn)
        XCTAssertTrue(plan.hasSoftCaptions)
        p.outputs[0].captions = .none
        plan = try captions(p)
        XCTAssertFalse(plan.burnsIn)
        XCTAssertFalse(plan.hasSoftCaptions)
        XCTAssertEqual(plan.outputCues.count, 1, "the plan still says what the captions would be")
        p.outputs[0].captions = .soft
        XCTAssertEqual([try captions(p).burnsIn, try captions(p).hasSoftCaptions], [false, true])
        p.outputs[0].captions = .burned
        XCTAssertEqual([try captions(p).burnsIn, try captions(p).hasSoftCaptions], [true, false])
        // Nothing to show: nothing burned, no track.
        p.sources[0].captions = nil
        p.outputs[0].captions = .both
        XCTAssertEqual([try captions(p).burnsIn, try captions(p).hasSoftCaptions], [false, false])
    }

    func testThePrintablePlanListsEveryCaptionWithItsOutputTimes() throws {
        let p = project(cues: [Cue(start: 1000, end: 5000, text: "spans the cut"), Cue(start: 3200, end: 3400, text: "second")],
                        clips: [("x", "a", 0, 2), ("y", "a", 3, 6)], sequence: ["x", "y"]) {
            $0.clips[1].captions = [Cue(start: 2500, end: 2700, text: "own")]
            $0.clips[1].speaker = Speaker(name: "Sam Reid", role: "practice manager")
        }
        let document = PlanDocument(try Planner.plan(p))
        let captions = document.outputs[0].captions
        XCTAssertEqual(captions.mode, .both)
        XCTAssertTrue(captions.burned)
        XCTAssertTrue(captions.soft)
        XCTAssertEqual(captions.cues.map(\.startTime), ["00:00:01.000", "00:00:02.000", "00:00:02.200", "00:00:04.500"])
        XCTAssertEqual(captions.cues.map(\.endTime), ["00:00:02.000", "00:00:04.000", "00:00:02.400", "00:00:04.700"])
        XCTAssertEqual(captions.cues.map(\.from), ["source", "source", "source", "clip"])
        XCTAssertEqual(captions.cues.map(\.writtenAt), ["captions/a.srt:1", "captions/a.srt:1", "captions/a.srt:5", nil])
        XCTAssertEqual(captions.cues.map(\.writtenStartTime), ["00:00:01.000", "00:00:01.000", "00:00:03.200", "00:00:02.500"])
        XCTAssertEqual(captions.cues.map(\.trimmed), [true, true, false, false])
        XCTAssertEqual(captions.speakers.map(\.startTime), ["00:00:02.000"])
        XCTAssertEqual(captions.speakers.map(\.endTime), ["00:00:05.000"])

        // The JSON names these keys (what `provoke plan --json` prints), and the text form lists each caption.
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(document)) as? [String: Any]
        let output = try XCTUnwrap((json?["outputs"] as? [[String: Any]])?.first)
        let cues = try XCTUnwrap((output["captions"] as? [String: Any])?["cues"] as? [[String: Any]])
        XCTAssertEqual(cues.first?["start"] as? Double, 1.0)
        XCTAssertEqual(cues.first?["text"] as? String, "spans the cut")
        XCTAssertTrue(document.text.contains(#"00:00:02.000-00:00:04.000 "spans the cut" (captions/a.srt:1, trimmed)"#),
                      document.text)
        XCTAssertTrue(document.text.contains("speaker Sam Reid, practice manager"), document.text)
    }
}
