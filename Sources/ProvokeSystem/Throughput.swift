import Foundation

/// How fast one piece of work moves and how long it has left, for progress lines. In a batch, work can begin
/// part done (pieces from the cache) and wait its turn behind other work, so speed is measured over the time it
/// was moving only: its first step only starts the clock, and a later wait longer than `idleGap` counts as one
/// ordinary step, not as slowness. Until it has moved twice, its speed and time left are unknown (nil), never 0
/// or a guess from the batch's clock.
public struct Throughput: Sendable {
    /// Updates further apart than this mean the work was waiting, not working.
    public static let idleGap: TimeInterval = 1

    public private(set) var done: Int
    public private(set) var total: Int
    private var lastMove: Date
    private var clockStarted = false
    private var moved = 0
    private var steps = 0
    private var activeSeconds: TimeInterval = 0

    /// Work with `done` of `total` units already done (found, not made) at `now`.
    public init(done: Int, total: Int, at now: Date = Date()) {
        self.done = done
        self.total = total
        lastMove = now
    }

    public mutating func update(done newDone: Int, total newTotal: Int, at now: Date = Date()) {
        total = newTotal
        guard newDone > done else { done = newDone; return }
        let gap = max(0, now.timeIntervalSince(lastMove))
        defer { done = newDone; lastMove = now }
        // When the first step began is unknown (the work may have waited its turn first): the clock starts at
        // its end. After a wait, the step that ends it took about as long as the steps before it.
        guard clockStarted else { clockStarted = true; return }
        activeSeconds += gap <= Self.idleGap || steps == 0 ? min(gap, Self.idleGap) : activeSeconds / Double(steps)
        steps += 1
        moved += newDone - done
    }

    public var isComplete: Bool { done >= total }

    /// Units a second while moving; nil until it has moved twice.
    public var rate: Double? {
        moved > 0 && activeSeconds > 0 ? Double(moved) / activeSeconds : nil
    }

    /// Seconds left at the measured rate: 0 when complete, nil while unknown.
    public var secondsLeft: Double? {
        if isComplete { return 0 }
        return rate.map { Double(total - done) / $0 }
    }

    /// True when unfinished work has not moved for longer than `idleGap` (it is waiting for its turn).
    public func isWaiting(at now: Date = Date()) -> Bool {
        !isComplete && now.timeIntervalSince(lastMove) > Self.idleGap
    }
}
