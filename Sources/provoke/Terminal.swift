import ArgumentParser
import Foundation
import ProvokeRender
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
    private let started = Date()
    private var order: [String] = []
    private var outputs: [String: (done: Int, total: Int, atStart: Int, pieces: Int, cached: Int)] = [:]
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
            outputs[output] = (0, frames, 0, pieces, cached)
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
            if o.done == 0 && o.atStart == 0 { o.atStart = done }
            o.done = done
            o.total = total
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
        let fraction = o.total == 0 ? 1 : Double(o.done) / Double(o.total)
        let elapsed = Date().timeIntervalSince(started)
        let fps = elapsed > 0 ? Double(o.done - o.atStart) / elapsed : 0
        let eta = fps > 0 ? Double(o.total - o.done) / fps : 0
        let cached = o.cached > 0 ? ", \(o.cached) of \(o.pieces) pieces from the cache" : ""
        return String(format: "%@: %3.0f%%  %5.1f fps  ETA %@%@", output, fraction * 100, fps, clock(eta), cached)
    }

    private func show(_ output: String) {
        switch style {
        case .auto: draw(force: false)
        case .plain, .json:
            let now = Date()
            guard let o = outputs[output], !complete.contains(output),
                  o.done == o.total || now.timeIntervalSince(lastLine[output] ?? .distantPast) >= 1 else { return }
            lastLine[output] = now
            if o.done == o.total { complete.insert(output) }
            if style == .plain {
                printStderr(line(output))
            } else {
                json(["event": "progress", "output": output, "frames": o.done, "of": o.total])
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
