import ArgumentParser
import ProvokeLedger
import ProvokeRender

/// `provoke render`'s ledger options: every file it writes is registered in the ledger as soon as it
/// is in place, so the ledger never names a file that does not exist.
struct LedgerRegistrationOptions: ParsableArguments {
    @Option(help: "The ledger file. Default: $PROVOKE_LEDGER, or provoke-ledger.sqlite in the current folder.")
    var ledger: String?

    @Flag(help: "Do not register the rendered files in the ledger.")
    var noLedger = false

    func register(_ output: RenderedOutput) throws {
        guard !noLedger else { return }
        let path = Ledger.location(option: ledger)
        do {
            let registration = try Ledger(path: path).registerVideo(output.renderRecord, path: output.mp4.path)
            print("  recorded in \(path)\(registration.isNew ? "" : " (same file as before)")")
        } catch let error as LedgerError {
            for line in error.diagnostics { printStderr("provoke: " + line) }
            throw ExitCode(error.exitCode)
        }
    }
}
