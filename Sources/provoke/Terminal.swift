import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Progress on a terminal: one updating line per output (percent, fps, ETA). Not a terminal: a plain
/// line at every tenth and at the end, for logs.
final class ProgressReporter {
    let isTTY = isatty(STDERR_FILENO) != 0
    private var started = Date()
    private var lastDraw = Date.distantPast
    private var lastTenth = -1
    private var current = ""

    func begin(_ output: String) {
        current = output
        started = Date()
        lastDraw = .distantPast
        lastTenth = -1
    }

    func update(done: Int, total: Int) {
        let now = Date()
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        if isTTY {
            guard now.timeIntervalSince(lastDraw) > 0.2 || done == total else { return }
            lastDraw = now
            let elapsed = now.timeIntervalSince(started)
            let fps = elapsed > 0 ? Double(done) / elapsed : 0
            let eta = fps > 0 ? Double(total - done) / fps : 0
            let line = String(format: "\r%@  %3.0f%%  %5.1f fps  ETA %@ ", current, fraction * 100, fps, clock(eta))
            writeStderr(line)
        } else {
            let tenth = Int(fraction * 10)
            if tenth > lastTenth && tenth < 10 {
                lastTenth = tenth
                printStderr("\(current): \(tenth * 10)%")
            }
        }
    }

    func end() {
        if isTTY { writeStderr("\r\u{1B}[K") }
    }

    func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
