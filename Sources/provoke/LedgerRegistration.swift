import ArgumentParser
import ProvokeRender

/// `provoke render`'s ledger options: every file it writes is registered in the ledger.
struct LedgerRegistrationOptions: ParsableArguments {
    @Option(help: "The ledger file. Default: $PROVOKE_LEDGER, or provoke-ledger.sqlite in the current folder.")
    var ledger: String?

    @Flag(help: "Do not register the rendered files in the ledger.")
    var noLedger = false

    func register(_ output: RenderedOutput) throws {}
}
