import Foundation
import XCTest
@testable import ProvokeCaptions

/// Lines joined with `ending` (LF unless a test needs CRLF or CR), so files with exact line numbers can be
/// written one line per argument.
func file(_ lines: String..., ending: String = "\n") -> String {
    lines.joined(separator: ending)
}

/// Diagnostics as their printed form (`file:line: message`), for exact comparison.
func printed(_ file: CaptionFile) -> [String] {
    file.diagnostics.map(\.description)
}

func cue(_ start: Int64, _ end: Int64, _ text: String) -> Cue {
    Cue(start: start, end: end, text: text)
}

/// The reference job's caption files, exactly as /work/shared/bench/gen-sources.sh writes them (14 cues in
/// source A time, 9 in source B time).
enum ReferenceJob {
    static let captionsA = """
        1
        00:00:02,000 --> 00:00:05,500
        Increasing access is harmful to health.

        2
        00:00:08,500 --> 00:00:12,000
        That is the provocation
        we were asked to argue today.

        3
        00:00:13,000 --> 00:00:17,500
        For twenty years the answer has been
        more appointments, longer hours.

        4
        00:00:19,000 --> 00:00:24,000
        Those who gain most from quick access
        are rarely those in greatest need.

        5
        00:00:26,000 --> 00:00:31,000
        Measure success by speed, and continuity
        is the first thing we lose.

        6
        00:00:33,000 --> 00:00:38,000
        Patients who see the same doctor
        have fewer admissions and live longer.

        7
        00:00:38,500 --> 00:00:43,000
        Every extra slot for the worried well
        is taken from someone quieter.

        8
        00:00:50,000 --> 00:00:55,000
        A practice list is a population, not a queue.

        9
        00:01:12,000 --> 00:01:16,000
        So the question is not how many
        appointments we can add,

        10
        00:01:16,500 --> 00:01:21,000
        but which relationships we protect.

        11
        00:01:24,000 --> 00:01:29,000
        Continuity is a treatment,
        and we should prescribe it.

        12
        00:01:32,000 --> 00:01:37,000
        Fast access to a stranger
        is not the same as care.

        13
        00:01:38,000 --> 00:01:43,000
        Thank you. I'll hand over to my colleague.

        14
        00:01:50,000 --> 00:01:54,000
        Questions from the floor, please.

        """

    static let captionsB = """
        1
        00:00:20,000 --> 00:00:24,000
        I want to push back, but only a little.

        2
        00:00:53,000 --> 00:00:57,000
        Access matters to the patient who
        cannot get through at eight o'clock.

        3
        00:00:58,000 --> 00:01:02,500
        Digital triage helped some practices
        see the right person first time.

        4
        00:01:04,000 --> 00:01:08,000
        Demand rises to meet
        whatever supply we create.

        5
        00:01:09,500 --> 00:01:14,000
        Online forms with no limit
        fill up by nine o'clock.

        6
        00:01:15,000 --> 00:01:20,000
        Housebound patients still wait
        weeks for a review.

        7
        00:01:21,000 --> 00:01:24,500
        Fund time, not throughput: that's the ask.

        8
        00:01:24,500 --> 00:01:28,000
        Stop counting contacts
        as if they were care.

        9
        00:01:40,000 --> 00:01:45,000
        Give practices the staff to follow up.

        """

    /// JOB.md's timeline: clip 1 is A 10.000–40.000 at 4.000, clip 2 B 55.500–85.500 at 34.000, clip 3
    /// A 70.000–100.000 at 64.000 (after a 4 s title card).
    static let rangesA = [
        ClipRange(sourceStart: 10_000, sourceEnd: 40_000, outputStart: 4_000),
        ClipRange(sourceStart: 70_000, sourceEnd: 100_000, outputStart: 64_000),
    ]
    static let rangesB = [ClipRange(sourceStart: 55_500, sourceEnd: 85_500, outputStart: 34_000)]
}
