import ArgumentParser
import Foundation
import ProvokeRender
import ProvokeSystem
#if canImport(Glibc)
import Glibc
#endif

/// How `render` shows its progress.
enum ProgressStyle: String, ExpressibleByArgument, CaseIterable {
    /// Lines redrawn in place on a terminal, plain lines otherwise.
    case auto
    /// Plain lines on standard error, at most one a second per output.
    case plain
    /// One JSON object a line on standard output, for scripts; people's lines go to standard error.
    case json
    /// Nothing but errors and the summary.
    case quiet
}

/// Shows a batch's progress: per output its percent, frames per second and ETA, and a total line that counts
/// the pieces found in the cache apart from those encoded. Events come from the render's worker threads.
final class BatchProgress: @unchecked Sendable {  // everything is guarded by `lock`
    private let lock = NSLock()
    private let style: ProgressStyle
    private let isTTY = isatty(STDERR_FILENO) != 0
    private var order: [String] = []
    /// Per output: its frames (the first progress event, at planning, gives those found in the cache), pieces.
    private var outputs: [String: (work: Throughput?, total: Int, pieces: Int, cached: Int)] = [:]
    private var encoded = 0, cachedPieces = 0, piecesTotal = 0
    private var lastDraw = Date.distantPast
    private var lastLine: [String: Date] = [:]
    /// Outputs whose 100% line has been written (plain and json say it once).
    private var complete: Set<String> = []
    private var drawnLines = 0

    init(style: ProgressStyle) {
        self.style = style == .auto && !isTTY ? .plain : style
    }

    /// Redrawn lines on a terminal (`auto` on a TTY).
    private var redraws: Bool { style == .auto }

    func handle(_ event: RenderEvent) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case let .planned(output, pieces, cached, frames):
            order.append(output)
            outputs[output] = (nil, frames, pieces, cached)
            piecesTotal += pieces
            cachedPieces += cached
            json(["event": "planned", "output": output, "pieces": pieces, "cached": cached, "frames": frames])
        case let .pieceStarted(key, list, frames):
            json(["event": "segment started", "key": key, "outputs": list, "frames": frames])
        case let .pieceDone(key, list):
            encoded += 1
            json(["event": "segment done", "key": key, "outputs": list])
        case let .soundDone(key, output):
            json(["event": "sound done", "key": key, "output": output])
        case let .progress(output, done, total):
            guard var o = outputs[output] else { return }
            if o.work == nil {
                o.work = Throughput(done: done, total: total)  // found in the cache: not a speed
            } else {
                o.work?.update(done: done, total: total)
            }
            outputs[output] = o
            show(output)
        case let .written(result):
            json(["event": "output written", "output": result.plan.output, "file": result.mp4.path, "sha256": result.sha256])
        case let .unchanged(result):
            json(["event": "output unchanged", "output": result.plan.output, "file": result.mp4.path])
        case let .failed(output, error):
            json(["event": "failure", "output": output, "message": error.message])
        }
    }

    /// Ends the display: the last state stays on the terminal.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if redraws { draw(force: true) }
    }

    private func line(_ output: String) -> String {
        guard let o = outputs[output] else { return output }
        let work = o.work ?? Throughput(done: 0, total: o.total)
        let fraction = work.total == 0 ? 1 : Double(work.done) / Double(work.total)
        let speed: String
        if work.isWaiting() {
            speed = "waiting"
        } else if work.isComplete && work.rate == nil {
            speed = "done"  // found in the cache, or too quick to time
        } else {
            let fps = work.rate.map { String(format: "%5.1f", $0) } ?? "    -"
            speed = "\(fps) fps  ETA " + (work.secondsLeft.map(clock) ?? "-:--")
        }
        let cached = o.cached > 0 ? ", \(o.cached) of \(o.pieces) pieces from the cache" : ""
        // Rounded down: 100% only once every frame is done.
        return String(format: "%@: %3ld%%  ", output, Int((fraction * 100).rounded(.down))) + speed + cached
    }

    private func show(_ output: String) {
        switch style {
        case .auto: draw(force: false)
        case .plain, .json:
            let now = Date()
            guard let o = outputs[output], let work = o.work, !complete.contains(output),
                  work.isComplete || now.timeIntervalSince(lastLine[output] ?? .distantPast) >= 1 else { return }
            lastLine[output] = now
            if work.isComplete { complete.insert(output) }
            if style == .plain {
                printStderr(line(output))
            } else {
                json(["event": "progress", "output": output, "frames": work.done, "of": work.total])
            }
        case .quiet: break
        }
    }

    private func draw(force: Bool) {
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.2 else { return }
        lastDraw = now
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
        let lines = order.map(line) + ["total: \(encoded) pieces encoded, \(cachedPieces) of \(piecesTotal) from the cache"]
        for l in lines { text += "\r\u{1B}[K" + l + "\n" }
        drawnLines = lines.count
        writeStderr(text)
    }

    private func json(_ object: [String: Any]) {
        guard style == .json, let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        printOut(String(decoding: data, as: UTF8.self) + "\n")
    }

    private func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
