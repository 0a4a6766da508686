import ArgumentParser

@main
struct Provoke: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provoke",
        abstract: "Turn provocation-event recordings into captioned, audience-tagged videos and track who received them.",
        subcommands: ledgerCommands)
}
