import XCTest
@testable import ProvokeCaptions

final class SequentialCuesTests: XCTestCase {
    func testCuesThatNeverOverlapStayAsTheyAreInStartOrder() {
        let cues = [cue(3000, 4000, "b"), cue(0, 1000, "a"), cue(4000, 5000, "c")]
        XCTAssertEqual(sequentialCues(cues), [cue(0, 1000, "a"), cue(3000, 4000, "b"), cue(4000, 5000, "c")])
    }

    func testOverlapsShowEveryCaptionOnScreenOneUnderTheOther() {
        XCTAssertEqual(sequentialCues([cue(0, 4000, "A"), cue(2000, 6000, "B")]),
                       [cue(0, 2000, "A"), cue(2000, 4000, "A\nB"), cue(4000, 6000, "B")])
        // One inside another, and the same times twice.
        XCTAssertEqual(sequentialCues([cue(0, 6000, "long"), cue(1000, 2000, "short"), cue(1000, 2000, "twin")]),
                       [cue(0, 1000, "long"), cue(1000, 2000, "long\nshort\ntwin"), cue(2000, 6000, "long")])
    }

    func testEmptyAndZeroLengthCuesGoAndEqualNeighboursJoin() {
        XCTAssertEqual(sequentialCues([cue(0, 0, "never"), cue(0, 1000, ""), cue(0, 1000, "x"), cue(1000, 2000, "x")]),
                       [cue(0, 2000, "x")])
        XCTAssertEqual(sequentialCues([]), [])
    }
}
