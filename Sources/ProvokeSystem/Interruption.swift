import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT (Ctrl-C), SIGTERM (kill, shutdown) and SIGHUP (the terminal or SSH session closed) all mean "stop":
/// a command that writes files stops without leaving a temporary file, and exits 130.
///
/// A signal that was ignored when the program started stays ignored: that is how `nohup` and a shell's
/// background jobs ask a program to survive the terminal closing, so provoke keeps going then.
public enum Interruption {
    public enum Response: Sendable {
        /// The first signal only sets `requested`, which the caller polls (render stops within a frame and
        /// cleans up itself); a second one removes the registered temporary files and exits at once.
        case stopWhenPolled
        /// The first signal removes the registered temporary files and exits: for commands whose work is short
        /// and not interruptible part-way (a still, an export).
        case exitAtOnce
    }

    public static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]
    /// The exit status after a stop: 128 + SIGINT, what a shell reports for Ctrl-C, whatever the signal.
    public static let exitStatus: Int32 = 130

    nonisolated(unsafe) private static var flag: sig_atomic_t = 0

    /// Installs the handlers, leaving alone any of the signals that is ignored now.
    public static func install(_ response: Response) {
        // Touch the register here, so the handler never runs its lazy initialiser.
        _ = TemporaryFiles.slots
        for number in signals where !isIgnored(number) {
            switch response {
            case .stopWhenPolled:
                signal(number) { _ in
                    if Interruption.flag != 0 { stopNow() }
                    Interruption.flag = 1
                }
            case .exitAtOnce:
                signal(number) { _ in stopNow() }
            }
        }
    }

    /// True once a stop was asked for (with `.stopWhenPolled`).
    public static var requested: Bool { flag != 0 }

    /// Whether `signal`'s disposition is SIG_IGN, without changing it.
    public static func isIgnored(_ signal: Int32) -> Bool {
        var current = sigaction()
        guard sigaction(signal, nil, &current) == 0 else { return false }
        // SIG_IGN is the handler value 1, which Swift does not import as a constant.
        return unsafeBitCast(current.__sigaction_handler.sa_handler, to: Int.self) == 1
    }
}

/// Async-signal-safe: unlink and _exit only.
private func stopNow() -> Never {
    TemporaryFiles.unlinkAllRegistered()
    _exit(Interruption.exitStatus)
}
