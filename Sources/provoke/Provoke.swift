import ArgumentParser
import ProvokeRender
import Foundation

@main
struct Provoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provoke",
        abstract: "Turn provocation-event recordings into captioned, audience-tagged videos and track who received them.",
        discussion: """
        Exit codes: 0 success, 1 invalid input (manifest or media), 2 usage, 3 failure while rendering \
        or writing, 130 after Ctrl-C, SIGTERM or SIGHUP.
        """,
        subcommands: [Validate.self, Plan.self, Find.self, Render.self, CacheCommand.self, Still.self, StoryboardCommand.self, Samples.self, Probe.self]
            + ledgerCommands + reportCommands)

    /// Parses and runs the command; maps argument errors to exit code 2 (swift-argument-parser uses 64).
    static func main() {
        Renderer.quietMediaLibraries()
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                writeStderr(fullMessage(for: error) + "\n")
                Foundation.exit(ExitCode.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

extension ExitCode {
    static let invalidInput = ExitCode(1)
    static let usage = ExitCode(2)
    static let renderFailure = ExitCode(3)
    static let interrupted = ExitCode(130)
}

/// Writes a line to standard error.
func printStderr(_ text: String) {
    writeStderr(text + "\n")
}

/// Writes to standard error, ignoring failure: after SIGHUP the terminal is gone and writes fail (EIO), and
/// FileHandle's non-throwing `write` would then crash the process before it could clean up.
func writeStderr(_ text: String) {
    try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
}
