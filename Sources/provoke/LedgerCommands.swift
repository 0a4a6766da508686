import ArgumentParser

/// The ledger's subcommands (contacts, deliver, deliveries, pending, register, export), added to `provoke`.
let ledgerCommands: [ParsableCommand.Type] = []
