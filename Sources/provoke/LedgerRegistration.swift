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

    /// The ledger, opened (created or upgraded) and checked before anything is rendered: a ledger that cannot
    /// record the result stops the render at once, with its own message. Nil with --no-ledger.
    func openChecked() throws -> Ledger? {
        guard !noLedger else { return nil }
        return try reportingErrors {
            let ledger = try Ledger(path: Ledger.location(option: ledger))
            try ledger.requireIntact()
            return ledger
        }
    }

    /// `say` prints a line for people (standard error when standard output carries JSON events).
    func register(_ output: RenderedOutput, in ledger: Ledger?, say: (String) -> Void) throws {
        guard let ledger else { return }
        try reportingErrors {
            let registration = try ledger.registerVideo(output.renderRecord, path: output.mp4.path)
            say("  recorded in \(ledger.path)\(registration.isNew ? "" : " (same file as before)")")
        }
    }

    /// Records an output render left as it was, if the ledger does not know its bytes yet (it was rendered with
    /// `--no-ledger`, or into another ledger); a known one is left alone, so a re-run changes nothing.
    func registerIfNew(_ output: RenderedOutput, in ledger: Ledger?, say: (String) -> Void) throws {
        guard let ledger else { return }
        let known = try reportingErrors { try ledger.video(sha256: output.sha256) != nil }
        if !known { try register(output, in: ledger, say: say) }
    }
}
