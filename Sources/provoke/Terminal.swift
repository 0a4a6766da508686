import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C: the first SIGINT sets a flag that the renderer polls between frames, so it stops within a
/// frame, removes its temporary file and the process exits 130. A second Ctrl-C exits at once.
enum Interrupt {
    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    static func install() {
        signal(SIGINT) { _ in
            if Interrupt.flag != 0 { _exit(130) }
            Interrupt.flag = 1
        }
        signal(SIGTERM) { _ in Interrupt.flag = 1 }
    }

    static var requested: Bool { flag != 0 }
}

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
            FileHandle.standardError.write(Data(line.utf8))
        } else {
            let tenth = Int(fraction * 10)
            if tenth > lastTenth && tenth < 10 {
                lastTenth = tenth
                printStderr("\(current): \(tenth * 10)%")
            }
        }
    }

    func end() {
        if isTTY { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}
