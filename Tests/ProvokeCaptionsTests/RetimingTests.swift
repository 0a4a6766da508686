import Foundation
import XCTest
@testable import ProvokeCaptions

final class RetimingTests: XCTestCase {
    func testCueInsideAClipIsShifted() {
        let ranges = [ClipRange(sourceStart: 10_000, sourceEnd: 20_000, outputStart: 3_000)]
        XCTAssertEqual(retime(cues: [cue(12_000, 15_000, "in")], through: ranges), [cue(5_000, 8_000, "in")])
    }

    func testCuesCrossingTheInAndOutPointsAreTrimmed() {
        let ranges = [ClipRange(sourceStart: 10_000, sourceEnd: 20_000, outputStart: 0)]
        let cues = [cue(8_000, 12_000, "crosses in"), cue(18_000, 25_000, "crosses out"), cue(5_000, 30_000, "covers all")]
        XCTAssertEqual(retime(cues: cues, through: ranges), [
            cue(0, 2_000, "crosses in"),
            cue(0, 10_000, "covers all"),
            cue(8_000, 10_000, "crosses out"),
        ])
        let detail = retimedCues(cues, through: ranges)
        XCTAssertEqual(detail.map { [$0.trimmedAtStart, $0.trimmedAtEnd] }, [[true, false], [true, true], [false, true]])
        XCTAssertEqual(detail.map(\.cueIndex), [0, 2, 1])
    }

    func testCuesBeforeBetweenAndAfterClipsAreDroppedNotShifted() {
        let ranges = [
            ClipRange(sourceStart: 10_000, sourceEnd: 20_000, outputStart: 0),
            ClipRange(sourceStart: 40_000, sourceEnd: 50_000, outputStart: 10_000),
        ]
        let cues = [
            cue(1_000, 2_000, "before"),
            cue(25_000, 30_000, "between"),
            cue(60_000, 61_000, "after"),
            cue(8_000, 10_000, "ends exactly at the in-point"),
            cue(20_000, 21_000, "starts exactly at the out-point"),
            cue(45_000, 46_000, "kept"),
        ]
        XCTAssertEqual(retime(cues: cues, through: ranges), [cue(15_000, 16_000, "kept")])
    }

    func testACueSpanningTwoClipsFromTheSameRecordingAppearsOncePerClip() {
        // Clip 1 takes 10–20 s, clip 2 takes 30–40 s of the same recording; the cue runs 15–35 s.
        let ranges = [
            ClipRange(sourceStart: 10_000, sourceEnd: 20_000, outputStart: 0),
            ClipRange(sourceStart: 30_000, sourceEnd: 40_000, outputStart: 10_000),
        ]
        XCTAssertEqual(retime(cues: [cue(15_000, 35_000, "long")], through: ranges), [
            cue(5_000, 10_000, "long"),
            cue(10_000, 15_000, "long"),
        ])
    }

    func testAClipUsedTwiceGivesItsCuesTwice() {
        let clip = (start: Int64(10_000), end: Int64(20_000))
        let ranges = [
            ClipRange(sourceStart: clip.start, sourceEnd: clip.end, outputStart: 0),
            ClipRange(sourceStart: 50_000, sourceEnd: 55_000, outputStart: 10_000),
            ClipRange(sourceStart: clip.start, sourceEnd: clip.end, outputStart: 15_000),
        ]
        let cues = [cue(11_000, 12_000, "one"), cue(19_000, 22_000, "two")]
        XCTAssertEqual(retime(cues: cues, through: ranges), [
            cue(1_000, 2_000, "one"),
            cue(9_000, 10_000, "two"),
            cue(16_000, 17_000, "one"),
            cue(24_000, 25_000, "two"),
        ])
        XCTAssertEqual(retimedCues(cues, through: ranges).map(\.rangeIndex), [0, 0, 2, 2])
    }

    func testOutOfOrderClipsAndOverlappingCuesSortByOutputTimeStably() {
        // The later part of the recording is shown first.
        let ranges = [
            ClipRange(sourceStart: 60_000, sourceEnd: 70_000, outputStart: 0),
            ClipRange(sourceStart: 0, sourceEnd: 10_000, outputStart: 10_000),
        ]
        let cues = [cue(1_000, 3_000, "early B"), cue(1_000, 3_000, "early A"), cue(61_000, 62_000, "late"),
                    cue(1_000, 2_000, "shorter")]
        XCTAssertEqual(retime(cues: cues, through: ranges), [
            cue(1_000, 2_000, "late"),
            cue(11_000, 12_000, "shorter"),
            cue(11_000, 13_000, "early B"),
            cue(11_000, 13_000, "early A"),
        ])
    }

    func testEmptyOrInvertedRangesAndEmptyInputs() {
        XCTAssertEqual(retime(cues: [cue(0, 10_000, "x")], through: [
            ClipRange(sourceStart: 5_000, sourceEnd: 5_000, outputStart: 0),
            ClipRange(sourceStart: 6_000, sourceEnd: 4_000, outputStart: 0),
        ]), [])
        XCTAssertEqual(retime(cues: [], through: ReferenceJob.rangesA), [])
        XCTAssertEqual(retime(cues: [cue(0, 1, "x")], through: []), [])
    }

    /// A clip's own cues are timed from its `in`: a range from 0 to the clip's duration places them.
    func testClipOwnCuesTimedFromTheInPoint() {
        let clipCues = [Cue(startSeconds: 0.5, endSeconds: 3.2, text: "Access is not the same as care")!,
                        Cue(startSeconds: 29.0, endSeconds: 31.0, text: "runs past the clip")!]
        let range = ClipRange(sourceStart: 0, sourceEnd: 30_000, outputStart: 4_000)
        XCTAssertEqual(retime(cues: clipCues, through: [range]), [
            cue(4_500, 7_200, "Access is not the same as care"),
            cue(33_000, 34_000, "runs past the clip"),
        ])
        XCTAssertEqual(range.outputEnd, 34_000)
    }

    func testSecondsToMilliseconds() {
        XCTAssertEqual(Cue.milliseconds(fromSeconds: 55.5), 55_500)
        XCTAssertEqual(Cue.milliseconds(fromSeconds: 0.1 + 0.2), 300)
        XCTAssertEqual(Cue.milliseconds(fromSeconds: 39.967), 39_967)
        XCTAssertEqual(Cue.milliseconds(fromSeconds: 1.0005), 1_001)
        XCTAssertNil(Cue.milliseconds(fromSeconds: .nan))
        XCTAssertNil(Cue.milliseconds(fromSeconds: .infinity))
        XCTAssertNil(Cue(startSeconds: 1e300, endSeconds: 2, text: "x"))
    }

    /// JOB.md's cue-fate table: 18 of the 23 cues reach the output, at these exact output times.
    func testReferenceJobCueFates() {
        let a = CaptionFile.parse(contents: ReferenceJob.captionsA, fileName: "captions-a.srt").cues
        let b = CaptionFile.parse(contents: ReferenceJob.captionsB, fileName: "captions-b.srt").cues
        let fromA = retimedCues(a, through: ReferenceJob.rangesA)
        let fromB = retimedCues(b, through: ReferenceJob.rangesB)

        // Cue numbers (1-based, as in the table) and output times.
        func fates(_ retimed: [RetimedCue]) -> [String] {
            retimed.map { "\($0.cueIndex + 1): \($0.cue.start)–\($0.cue.end)" }
        }
        XCTAssertEqual(fates(fromA), [
            "2: 4000–6000",     // crosses clip 1's in-point: 10.0–12.0 s of A
            "3: 7000–11500",
            "4: 13000–18000",
            "5: 20000–25000",
            "6: 27000–32000",
            "7: 32500–34000",   // crosses clip 1's out-point: 38.5–40.0 s of A
            "9: 66000–70000",   // cue 8 (50–55 s, between clips 1 and 3) is dropped, not shown over B
            "10: 70500–75000",
            "11: 78000–83000",
            "12: 86000–91000",
            "13: 92000–94000",  // crosses clip 3's out-point: 98.0–100.0 s of A; cue 14 after it is dropped
        ])
        XCTAssertEqual(fates(fromB), [
            "2: 34000–35500",   // crosses clip 2's in-point: 55.5–57.0 s of B; cue 1 before it is dropped
            "3: 36500–41000",
            "4: 42500–46500",
            "5: 48000–52500",
            "6: 53500–58500",
            "7: 59500–63000",
            "8: 63000–64000",   // crosses clip 2's out-point: 84.5–85.5 s of B; cue 9 after it is dropped
        ])
        XCTAssertEqual(fromA.map { [$0.trimmedAtStart, $0.trimmedAtEnd] }.filter { $0 != [false, false] },
                       [[true, false], [false, true], [false, true]])

        let all = (fromA + fromB).map(\.cue).sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        XCTAssertEqual(all.count, 18)
        // Every cue lies inside the 97 s output and inside a clip (4–94 s), never on the cards.
        XCTAssertTrue(all.allSatisfy { $0.start >= 4_000 && $0.end <= 94_000 && $0.end > $0.start })
        XCTAssertEqual(all.first { $0.start == 59_500 }?.text, "Fund time, not throughput: that's the ask.")
    }

    /// The same job through the SRT writer gives, byte for byte, what the bench's retime_srt.py writes for
    /// `captions-a.srt:10:40:4 captions-b.srt:55.5:85.5:34 captions-a.srt:70:100:64` (its output, pasted).
    func testReferenceJobMatchesTheBenchScript() {
        let a = CaptionFile.parse(contents: ReferenceJob.captionsA, fileName: "captions-a.srt").cues
        let b = CaptionFile.parse(contents: ReferenceJob.captionsB, fileName: "captions-b.srt").cues
        let all = (retime(cues: a, through: ReferenceJob.rangesA) + retime(cues: b, through: ReferenceJob.rangesB))
            .sorted { ($0.start, $0.end, $0.text) < ($1.start, $1.end, $1.text) }
        XCTAssertEqual(SRT.write(all), Self.benchScriptOutput)
    }

    static let benchScriptOutput = """
        1
        00:00:04,000 --> 00:00:06,000
        That is the provocation
        we were asked to argue today.

        2
        00:00:07,000 --> 00:00:11,500
        For twenty years the answer has been
        more appointments, longer hours.

        3
        00:00:13,000 --> 00:00:18,000
        Those who gain most from quick access
        are rarely those in greatest need.

        4
        00:00:20,000 --> 00:00:25,000
        Measure success by speed, and continuity
        is the first thing we lose.

        5
        00:00:27,000 --> 00:00:32,000
        Patients who see the same doctor
        have fewer admissions and live longer.

        6
        00:00:32,500 --> 00:00:34,000
        Every extra slot for the worried well
        is taken from someone quieter.

        7
        00:00:34,000 --> 00:00:35,500
        Access matters to the patient who
        cannot get through at eight o'clock.

        8
        00:00:36,500 --> 00:00:41,000
        Digital triage helped some practices
        see the right person first time.

        9
        00:00:42,500 --> 00:00:46,500
        Demand rises to meet
        whatever supply we create.

        10
        00:00:48,000 --> 00:00:52,500
        Online forms with no limit
        fill up by nine o'clock.

        11
        00:00:53,500 --> 00:00:58,500
        Housebound patients still wait
        weeks for a review.

        12
        00:00:59,500 --> 00:01:03,000
        Fund time, not throughput: that's the ask.

        13
        00:01:03,000 --> 00:01:04,000
        Stop counting contacts
        as if they were care.

        14
        00:01:06,000 --> 00:01:10,000
        So the question is not how many
        appointments we can add,

        15
        00:01:10,500 --> 00:01:15,000
        but which relationships we protect.

        16
        00:01:18,000 --> 00:01:23,000
        Continuity is a treatment,
        and we should prescribe it.

        17
        00:01:26,000 --> 00:01:31,000
        Fast access to a stranger
        is not the same as care.

        18
        00:01:32,000 --> 00:01:34,000
        Thank you. I'll hand over to my colleague.


        """
}
