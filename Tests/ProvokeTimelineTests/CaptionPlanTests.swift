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
                                    Cue(start: 2000, end: 3400, text: "runs past the out-point"),
                                    Cue(start: 4000, end: 5000, text: "after the clip")]
        }
        let plan = try captions(p)
        // y plays at 1.5–4.5 s and again at 4.5–7.5 s.
        XCTAssertEqual(plan.outputCues, [Cue(start: 2000, end: 2500, text: "own"),
                                         Cue(start: 3500, end: 4500, text: "runs past the out-point"),
                                         Cue(start: 5000, end: 5500, text: "own"),
                                         Cue(start: 6500, end: 7500, text: "runs past the out-point")])
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
        // Frame boundaries that are not whole milliseconds are floored (frame 1 starts at 33 ms, frame 31 at
        // 1033). The one-frame clip's 33 ms of a 5 s cue is a flash, not a caption: dropped, and said so.
        let q = project(cues: [Cue(start: 0, end: 5000, text: "whole")],
                        clips: [("one", "a", 0, 1.0 / 30), ("x", "a", 2, 3)], sequence: ["one", "x"])
        XCTAssertEqual(try captions(q).outputCues, [Cue(start: 33, end: 1033, text: "whole")])
        XCTAssertEqual(try captions(q).dropped.map(\.cue), [Cue(start: 0, end: 33, text: "whole")])
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

    // MARK: Readable at every cut

    /// Cue 2 of pysrt's test file `bom-utf-8.srt`, a real three-line SubRip cue (11.000–17.000).
    let ayn = Cue(start: 11_000, end: 17_000, text: "And I was commenting,\nunfortunately I was commenting,\non a video about the famous Ayn Rand")

    func testALongCueIsSplitInItsOwnTimeBeforeTheCutTrimsIt() throws {
        // A clip ending at 12.000 shows the first second of the cue: one caption of 1 s with the words spoken
        // then, not the whole cue's text shared out over that second (0.595 s + 0.405 s before).
        let p = project(cues: [ayn], clips: [("x", "a", 8, 12)], sequence: ["x"])
        let plan = try captions(p)
        XCTAssertEqual(plan.outputCues, [Cue(start: 3000, end: 4000, text: "And I was commenting,\nunfortunately I was commenting,")])
        XCTAssertEqual(plan.cues[0].trimmedAtEnd, true)
        // Both screens, in the recording's time, as a clip that shows all of it sees them: 6 s split 53:36 by
        // characters.
        let whole = try captions(project(cues: [ayn], clips: [("x", "a", 11, 17)], sequence: ["x"])).outputCues
        XCTAssertEqual(whole.map(\.start), [0, 3573])
        XCTAssertEqual(whole.map(\.end), [3573, 6000])
        XCTAssertEqual(whole.last?.text, "on a video about the famous Ayn Rand")
    }

    func testTheExampleProjectNoLongerFlashesThreeCaptionsAtTheFundTimeCut() throws {
        // may31.srt:30 (40.251–49.756, 160 characters) ends 0.756 s into the clip fund-time (49.000–72.000).
        // Split first, its last screen runs from 46.6 s: only 0.756 s of that 3.1 s screen is inside the
        // clip, words spoken before the cut, so nothing of it is shown; the clip's first caption is the next cue.
        // The example project as committed; its media are made by `provoke samples`, so stand-ins are enough for
        // planning, which reads no media.
        let committed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("projects/increasing-access")
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("provoke-example-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("projects/increasing-access")
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: committed, to: folder)
        for dir in ["media", "../../assets"] {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
        for name in ["media/session-may1.mp4", "media/session-may31.mp4", "media/music-bed.m4a", "../../assets/logo.png"] {
            try Data().write(to: folder.appendingPathComponent(name))
        }
        let loaded = ManifestLoader.load(folder.appendingPathComponent("manifest.json"), probe: nil)
        let project = try XCTUnwrap(loaded.project, "\(loaded.diagnostics.map(\.description))")
        let plan = try XCTUnwrap(try Planner.plan(project, outputs: ["for-icbs"]).outputs.first)
        let segment = try XCTUnwrap(plan.segments.firstIndex { $0.item == "fund-time" })
        let start = plan.format.clock.milliseconds(ofFrame: plan.segments[segment].frames.start)
        let shown = plan.captions.cues.filter { $0.segment == segment }
        XCTAssertFalse(shown.contains { $0.writtenAt?.hasSuffix("may31.srt:30") == true }, "\(shown.map(\.cue))")
        XCTAssertEqual(shown.first?.writtenAt?.hasSuffix("may31.srt:34"), true)
        XCTAssertEqual(shown.first?.cue.start, start + 1214, "50.214 s is 1.214 s into the clip")
        let dropped = plan.captions.dropped.filter { $0.segment == segment }
        XCTAssertEqual(dropped.count, 1)
        XCTAssertEqual(dropped.first?.writtenAt?.hasSuffix("may31.srt:30"), true)
        XCTAssertEqual(dropped.first?.cue, Cue(start: start, end: start + 756, text: dropped.first?.cue.text ?? ""))
        guard case let .mostlyOutside(inside, of)? = dropped.first?.reason else { return XCTFail("\(dropped)") }
        XCTAssertEqual(inside, 756)
        XCTAssertGreaterThan(of, 2 * 756)
        // No caption of any output of the example project is on screen for less than the minimum.
        for output in try Planner.plan(project).outputs {
            for c in output.captions.cues { XCTAssertGreaterThanOrEqual(c.cue.duration, 800, "\(output.output): \(c.cue)") }
        }
    }

    func testACueCutByAnInPointAtSeveralOffsets() throws {
        // A 2 s cue (10–12 s) and a clip starting x s into it: what is left is kept while it lasts at least 0.8 s;
        // less than that, and most of the cue is before the cut: dropped.
        let cue = Cue(start: 10_000, end: 12_000, text: "Fund time, not throughput")
        var kept: [Int64: [Cue]] = [:]
        for offset: Int64 in [0, 200, 500, 1000, 1200, 1201, 1300, 1500, 1900] {
            let clipIn = Double(10_000 + offset) / 1000
            let plan = try captions(project(cues: [cue], clips: [("x", "a", clipIn, 20)], sequence: ["x"]))
            kept[offset] = plan.outputCues
            XCTAssertEqual(plan.outputCues.count + plan.dropped.count, 1, "offset \(offset)")
        }
        for offset: Int64 in [0, 200, 500, 1000, 1200] {
            XCTAssertEqual(kept[offset], [Cue(start: 0, end: 2000 - offset, text: cue.text)], "offset \(offset)")
        }
        for offset: Int64 in [1201, 1300, 1500, 1900] { XCTAssertEqual(kept[offset], [], "offset \(offset)") }
        // The same at an out-point: the head of the cue is kept down to 0.8 s.
        for (end, expected) in [(10.9, [Cue(start: 1000, end: 1900, text: cue.text)]), (10.8, [Cue(start: 1000, end: 1800, text: cue.text)]),
                                (10.76, []), (10.3, [])] {
            XCTAssertEqual(try captions(project(cues: [cue], clips: [("x", "a", 9, end)], sequence: ["x"])).outputCues, expected, "out \(end)")
        }
    }

    func testAShortPieceOfAMostlyShownCaptionIsHeldIntoTheQuietAfterIt() throws {
        // A 1.2 s cue cut 0.5 s in: 0.7 s left, most of it inside the clip. It is held 0.1 s into the silence after.
        let cue = Cue(start: 10_000, end: 11_200, text: "Access is not care")
        var plan = try captions(project(cues: [cue], clips: [("x", "a", 10.5, 20)], sequence: ["x"]))
        XCTAssertEqual(plan.outputCues, [Cue(start: 0, end: 800, text: cue.text)])
        XCTAssertEqual(plan.cues[0].extendedAfter, 100)
        // With the next caption 50 ms after it, it is held those 50 ms and shown 50 ms early: but it starts at the
        // cut, so there is nothing before it and it is dropped rather than flashed.
        plan = try captions(project(cues: [cue, Cue(start: 11_250, end: 13_000, text: "next")], clips: [("x", "a", 10.5, 20)], sequence: ["x"]))
        XCTAssertEqual(plan.outputCues, [Cue(start: 750, end: 2500, text: "next")])
        guard case .noRoom(700, 800)? = plan.dropped.first?.reason else { return XCTFail("\(plan.dropped)") }
        // At an out-point there is no quiet after it inside the clip: it comes up early instead, where the
        // caption before has gone.
        plan = try captions(project(cues: [Cue(start: 8000, end: 9000, text: "before"), Cue(start: 9500, end: 10_700, text: "Access is not care")],
                                    clips: [("x", "a", 7, 10.2)], sequence: ["x"]))
        XCTAssertEqual(plan.outputCues, [Cue(start: 1000, end: 2000, text: "before"), Cue(start: 2400, end: 3200, text: "Access is not care")])
        XCTAssertEqual(plan.cues[1].extendedBefore, 100)
        // The printable plan says what was held and what was dropped, and why.
        let doc = PlanDocument(try Planner.plan(project(cues: [cue, Cue(start: 11_250, end: 13_000, text: "next")],
                                                        clips: [("x", "a", 10.5, 20)], sequence: ["x"])))
        XCTAssertTrue(doc.text.contains(#"dropped 00:00:00.000-00:00:00.700 "Access is not care" (captions/a.srt:1): 0.70 s is left inside clip x, and there is no room to show it for 0.80 s"#), doc.text)
        XCTAssertEqual(doc.outputs[0].captions.dropped.map(\.writtenAt), ["captions/a.srt:1"])
    }

    func testAMinimumOfTheStylesAndCuesWrittenShortStayAsWritten() throws {
        let cue = Cue(start: 10_000, end: 12_000, text: "Fund time")
        // With captions.minDuration 1.5 s, 1.2 s left of a 2 s cue is held to 1.5 s.
        var plan = try captions(project(cues: [cue], clips: [("x", "a", 10.8, 20)], sequence: ["x"]) {
            $0.outputs[0].style.captions.minimumDuration = 1500
        })
        XCTAssertEqual(plan.outputCues, [Cue(start: 0, end: 1500, text: cue.text)])
        // A cue written 0.4 s long is shown 0.4 s; cut to 0.3 s (mostly inside), it stays 0.3 s.
        plan = try captions(project(cues: [Cue(start: 10_000, end: 10_400, text: "Yes.")], clips: [("x", "a", 9, 20), ("y", "a", 10.1, 11)],
                                    sequence: ["x", "y"]))
        XCTAssertEqual(plan.outputCues, [Cue(start: 1000, end: 1400, text: "Yes."), Cue(start: 11_000, end: 11_300, text: "Yes.")])
    }

    func testNoCaptionIsShorterThanTheMinimumUnlessItsCueWasTooShortForItsScreens() throws {
        // The three-line cue and short neighbours, cut at every 50 ms over 8 s, from both ends.
        let cues = [Cue(start: 9_000, end: 10_500, text: "Before it."), ayn,
                    Cue(start: 17_100, end: 17_500, text: "Quick."), Cue(start: 18_000, end: 19_000, text: "And after it, a longer thought.")]
        let minimum: Int64 = 800
        for step in 0..<160 {
            let cut = 9.0 + Double(step) * 0.05
            for clip in [("x", "a", cut, 25.0), ("x", "a", 5.0, cut + 0.01)] {
                let plan = try captions(project(cues: cues, clips: [clip], sequence: ["x"]))
                for c in plan.cues {
                    guard case let .source(_, index) = c.origin else { continue }
                    let written = cues[index]
                    let screens = Int64(CaptionStyle().wrapping.screens(for: written.text).count)
                    if written.duration >= screens * minimum {
                        XCTAssertGreaterThanOrEqual(c.cue.duration, minimum, "clip \(clip): \(c.cue)")
                    }
                }
                let shown = plan.outputCues
                for (a, b) in zip(shown, shown.dropFirst()) { XCTAssertLessThanOrEqual(a.end, b.start, "no overlap made: \(a) \(b)") }
            }
        }
    }

    // MARK: Drawn on the segment's own clock

    func testEachSegmentsBurnedInCaptionsAreOnItsOwnClockOnExactlyTheOutputsFrames() throws {
        // Clip y starts at output frame 31 (1.033 s, not a whole millisecond of the frame grid): its cue 1.5–2.2 s
        // of the recording is at output 1.533–2.233 s, frames 46–66 (ms(46) = 1533, ms(67) = 2233). On y's own
        // clock that is frames 15–35: [500, 1200) ms, whatever y's position.
        let p = project(cues: [Cue(start: 1500, end: 2200, text: "Fund time")],
                        clips: [("x", "b", 0, 31.0 / 30), ("y", "a", 1.0, 3.0)], sequence: ["x", "y"]) {
            $0.clips[1].speaker = Speaker(name: "Sam Reid")
            $0.outputs[0].style.speaker.duration = 1000
        }
        let plan = try Planner.plan(p).outputs[0]
        XCTAssertEqual(plan.segments[1].frames.start, 31)
        let clock = plan.format.clock
        let cue = plan.captions.cues[0].cue
        let shown = (0..<plan.frameCount).filter { cue.start <= clock.milliseconds(ofFrame: $0) && clock.milliseconds(ofFrame: $0) < cue.end }
        XCTAssertEqual(shown, Array(46...66))
        let drawn = plan.burnedIn(segment: 1)
        XCTAssertEqual(drawn.cues, [Cue(start: 500, end: 1200, text: "Fund time")])
        let local = (0..<60).filter { drawn.cues[0].start <= clock.milliseconds(ofFrame: $0) && clock.milliseconds(ofFrame: $0) < drawn.cues[0].end }
        XCTAssertEqual(local.map { $0 + 31 }, shown, "the same frames on either clock")
        XCTAssertEqual(drawn.lowerThirds, [LowerThird(name: "Sam Reid", start: 0, end: 1000)])
        // Restricted to some of the segment's frames: only what touches them; nothing for x, nothing when not burned.
        XCTAssertEqual(plan.burnedIn(segment: 1, frames: 40..<60).cues, [])
        XCTAssertEqual(plan.burnedIn(segment: 1, frames: 40..<60).lowerThirds, [])
        XCTAssertEqual(plan.burnedIn(segment: 1, frames: 20..<21).cues.count, 1)
        XCTAssertNil(plan.burnInScript(segment: 0))
        XCTAssertTrue(plan.burnInScript(segment: 1)?.contains("Fund time") == true)
        var soft = p
        soft.outputs[0].captions = .soft
        XCTAssertNil(try Planner.plan(soft).outputs[0].burnInScript(segment: 1))
        XCTAssertEqual(clock.firstFrame(atOrAfterMilliseconds: 1533), 46)
        XCTAssertEqual(clock.firstFrame(atOrAfterMilliseconds: 1534), 47)
        XCTAssertEqual(clock.firstFrame(atOrAfterMilliseconds: 0), 0)
    }
}
