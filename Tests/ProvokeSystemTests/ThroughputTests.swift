import Foundation
import ProvokeSystem
import XCTest

/// Speed and time left as a progress line shows them, on a clock the test sets: work that starts part done from
/// the cache and waits its turn in a batch is measured over the time it moved, not from the batch's start.
final class ThroughputTests: XCTestCase {
    let t0 = Date(timeIntervalSinceReferenceDate: 1_000_000)

    /// Advances `work` by `frames` every `step` seconds, `times` times, from `start`; returns the time reached.
    @discardableResult
    func move(_ work: inout Throughput, from start: TimeInterval, frames: Int, every step: TimeInterval, times: Int) -> TimeInterval {
        var t = start
        for _ in 0..<times {
            t += step
            work.update(done: work.done + frames, total: work.total, at: t0 + t)
        }
        return t
    }

    func testBeforeItMovesSpeedAndTimeLeftAreUnknownNotZero() {
        let work = Throughput(done: 270, total: 300, at: t0)
        XCTAssertNil(work.rate)
        XCTAssertNil(work.secondsLeft, "unknown, not 0:00")
        XCTAssertFalse(work.isWaiting(at: t0 + 0.5))
        XCTAssertTrue(work.isWaiting(at: t0 + 20), "an edition queued behind the others")
        // Its first frame after 0.9 s says nothing of its speed: how long of that it waited is unknown.
        var moved = work
        moved.update(done: 271, total: 300, at: t0 + 0.9)
        XCTAssertNil(moved.rate)
        XCTAssertNil(moved.secondsLeft)
    }

    func testFramesFoundInTheCacheAreNotSpeedAndAWaitIsNotSlowness() {
        // 91% from the cache, then 20 s waiting for its turn, then 30 frames in 0.5 s (60 fps).
        var work = Throughput(done: 270, total: 330, at: t0)
        move(&work, from: 20, frames: 3, every: 0.05, times: 10)
        let rate = try! XCTUnwrap(work.rate)
        XCTAssertEqual(rate, 60, accuracy: 1, "measured over the 0.5 s it moved (the batch's clock would say 1.5 fps)")
        XCTAssertEqual(try XCTUnwrap(work.secondsLeft), 0.5, accuracy: 0.02, "30 frames left at 60 fps")
        XCTAssertFalse(work.isWaiting(at: t0 + 20.6))
    }

    func testAWaitInTheMiddleCountsAsOneOrdinaryStep() {
        var work = Throughput(done: 0, total: 1000, at: t0)
        var t = move(&work, from: 0, frames: 10, every: 0.1, times: 10)  // 100 fps
        XCTAssertTrue(work.isWaiting(at: t0 + t + 1.5))
        t = move(&work, from: t + 30, frames: 10, every: 0.1, times: 10)  // 30 s later, 100 fps again
        XCTAssertEqual(try XCTUnwrap(work.rate), 100, accuracy: 5)
        XCTAssertEqual(try XCTUnwrap(work.secondsLeft), 8, accuracy: 0.5)
    }

    func testCompleteWorkHasNoTimeLeftAndIsNotWaiting() {
        var work = Throughput(done: 0, total: 60, at: t0)
        move(&work, from: 0, frames: 30, every: 0.5, times: 2)
        XCTAssertTrue(work.isComplete)
        XCTAssertEqual(work.secondsLeft, 0)
        XCTAssertEqual(try XCTUnwrap(work.rate), 60, accuracy: 0.01)
        XCTAssertFalse(work.isWaiting(at: t0 + 100))
        XCTAssertEqual(Throughput(done: 60, total: 60, at: t0).secondsLeft, 0, "all of it from the cache")
    }
}
