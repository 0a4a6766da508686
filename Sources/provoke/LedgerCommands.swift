// The ledger's subcommands. Each parses its arguments, calls ProvokeLedger, prints the result and maps
// errors to exit codes: 0 ok, 1 bad input, 2 usage, 3 failure writing. Errors print on stderr as
// `provoke: <file>: <message>`.
import ArgumentParser
import Foundation
import ProvokeLedger
import ProvokeManifest
import ProvokeSystem
import ProvokeTimeline

/// The ledger's subcommands (contacts, deliver, deliveries, pending, register, export), added to `provoke`.
let ledgerCommands: [ParsableCommand.Type] = [
    RegisterCommand.self, ContactsCommand.self, DeliverCommand.self, DeliveriesCommand.self, PendingCommand.self,
    ExportCommand.self, TraceCommand.self,
]

// MARK: - Shared options

struct LedgerOptions: ParsableArguments {
    @Option(name: .customLong("ledger"),
            help: ArgumentHelp("The ledger file, created on first use. Default: $\(Ledger.environmentVariable), else"
                               + " ./\(Ledger.defaultFileName).", valueName: "path"))
    var path: String?

    func open() throws -> Ledger { try Ledger(path: Ledger.location(option: path)) }
}

/// How list commands print.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json

    var listFormat: ListFormat {
        switch self {
        case .table: return .table
        case .csv: return .csv
        case .json: return .json
        }
    }
}

struct FormatOptions: ParsableArguments {
    @Option(help: "Output format.")
    var format: OutputFormat = .table

    /// Prints the listing for people (`table`) or the one for programs (`csv`, `json`) in the chosen format.
    func print(table: @autoclosure () -> Listing, rows: @autoclosure () -> Listing) {
        printOut((format == .table ? table() : rows()).rendered(format.listFormat))
    }
}

/// An audience on the command line. Audience belongs to ProvokeManifest; wrapping it keeps its
/// command-line conformance local to these commands.
struct AudienceArgument: ExpressibleByArgument {
    var audience: Audience

    init?(argument: String) {
        guard let audience = Audience(rawValue: argument.lowercased()) else { return nil }
        self.audience = audience
    }

    static var allValueStrings: [String] { Audience.allCases.map(\.rawValue) }
}

extension Channel: ExpressibleByArgument {}
extension DeliveryStatus: ExpressibleByArgument {}

struct DeliveryFilterOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Only deliveries to this contact.", valueName: "email"))
    var contact: String?
    @Option(help: ArgumentHelp("Only videos for this audience.", valueName: "audience"))
    var audience: AudienceArgument?
    @Option(help: ArgumentHelp("Only videos of this project.", valueName: "project"))
    var project: String?
    @Option(help: ArgumentHelp("Only this output id (with --project, or in any project).", valueName: "id"))
    var output: String?

    var filter: DeliveryFilter {
        DeliveryFilter(contact: contact, audience: audience?.audience, project: project, output: output)
    }
}

// MARK: - Running and reporting

/// Prints a `LedgerError` as `provoke: file: message` lines on stderr and exits with its code.
func reportingErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as LedgerError {
        for line in error.diagnostics { printError("provoke: " + line) }
        throw ExitCode(error.exitCode)
    }
}

private func printError(_ line: String) {
    printStderr(line)
}

/// Like `writeStderr`: a closed pipe or terminal must not crash the command.
func printOut(_ text: String) {
    try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
}

/// A video named on the command line: an MP4 path (found by its SHA-256) or `project/output` (its newest
/// registered version).
private func resolveVideo(_ argument: String, in ledger: Ledger) throws -> Video {
    var isFolder: ObjCBool = false
    if FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder), !isFolder.boolValue {
        return try ledger.video(file: argument)
    }
    if let slash = argument.lastIndex(of: "/"), slash != argument.startIndex, slash != argument.index(before: argument.endIndex) {
        let project = String(argument[..<slash]), output = String(argument[argument.index(after: slash)...])
        if let video = try ledger.latestVideo(project: project, output: output) { return video }
        throw LedgerError(.badInput, file: argument, "no such file, and no registered output \"\(output)\" in project"
                          + " \"\(project)\" (name an MP4, or project/output as in the manifest)")
    }
    throw LedgerError(.badInput, file: argument, "no such file (name an MP4, or project/output)")
}

// MARK: - register

struct RegisterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "Record rendered MP4s in the ledger, from the JSON render record beside each.",
        discussion: """
            Each FILE.mp4 needs FILE.json (written by provoke render) beside it. The file's SHA-256 must match \
            the record's: a mismatch means the file changed after it was rendered, and nothing is registered. \
            Registering a file again only updates its path.
            """)

    @OptionGroup var ledger: LedgerOptions
    @Argument(help: ArgumentHelp("Rendered MP4 files.", valueName: "file.mp4"))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one MP4 file") }
    }

    func run() throws {
        try reportingErrors {
            let ledger = try ledger.open()
            var records: [(record: RenderRecord, path: String)] = []
            var problems: [String] = []
            for file in files {
                do {
                    records.append((try Ledger.checkedRecord(for: file), file))
                } catch let error as LedgerError {
                    problems += error.diagnostics
                }
            }
            if !problems.isEmpty {
                for line in problems { printError("provoke: " + line) }
                printError("provoke: nothing was registered")
                throw ExitCode(1)
            }
            for registration in try ledger.registerVideos(records) {
                let video = registration.video
                printOut("\(registration.isNew ? "registered" : "already registered") \(video.reference)"
                         + " (\(video.audience.rawValue)) \(video.shortSHA) \(video.path)\n")
            }
        }
    }
}

// MARK: - contacts

struct ContactsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "contacts",
        abstract: "Import, list and remove the decision makers videos go to.",
        subcommands: [ContactsImportCommand.self, ContactsListCommand.self, ContactsRemoveCommand.self])
}

struct ContactsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add or update contacts from a CSV file (matched by email).",
        discussion: """
            The header row names the columns name,email,organisation,role,audience and optionally region,notes, \
            in any order and case. UTF-8 (with or without a byte-order mark), CRLF or LF, RFC 4180 quoting. \
            Any bad row rejects the whole file: every bad row is listed with its line, and nothing is written.
            """)

    @OptionGroup var ledger: LedgerOptions
    @Argument(help: ArgumentHelp("The contacts spreadsheet.", valueName: "file.csv"))
    var file: String

    func run() throws {
        try reportingErrors {
            let result = try ledger.open().importContacts(csvFile: file)
            printOut("\(file): \(result.added) added, \(result.updated) updated, \(result.unchanged) unchanged\n")
        }
    }
}

struct ContactsListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List contacts.")

    @OptionGroup var ledger: LedgerOptions
    @Option(help: ArgumentHelp("Only contacts of this audience.", valueName: "audience"))
    var audience: AudienceArgument?
    @OptionGroup var format: FormatOptions

    func run() throws {
        try reportingErrors {
            let contacts = try ledger.open().contacts(audience: audience?.audience)
            printOut(Listing.contacts(contacts).rendered(format.format.listFormat))
        }
    }
}

struct ContactsRemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove contacts, and the deliveries recorded for them.")

    @OptionGroup var ledger: LedgerOptions
    @Argument(help: ArgumentHelp("Email addresses (any case).", valueName: "email"))
    var emails: [String]

    func validate() throws {
        if emails.isEmpty { throw ValidationError("name at least one email address") }
    }

    func run() throws {
        try reportingErrors {
            let removed = try ledger.open().removeContacts(emails: emails)
            printOut("removed \(removed.contacts) contact\(removed.contacts == 1 ? "" : "s")"
                     + " and \(removed.deliveries) deliver\(removed.deliveries == 1 ? "y" : "ies")\n")
        }
    }
}

// MARK: - deliver

struct DeliverCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Record that a video went (or will go) to contacts.",
        discussion: """
            VIDEO is an MP4 (found by its SHA-256) or project/output (its newest registered version; for a \
            personalised output, each contact's own edition's newest version). \
            Recording the same contact and file again is the same delivery: options given again update it, \
            options left out keep what was recorded. Nothing is recorded if any address is unknown or, \
            without --allow-mismatch, if a contact's audience is not the video's or the video is a personal \
            edition made for someone else.
            """)

    @OptionGroup var ledger: LedgerOptions
    @Argument(help: ArgumentHelp("An MP4 file or project/output.", valueName: "video"))
    var video: String
    @Option(name: .customLong("to"), parsing: .upToNextOption,
            help: ArgumentHelp("Contacts' email addresses.", valueName: "email"))
    var emails: [String] = []
    @Option(help: ArgumentHelp("Every contact of this audience.", valueName: "audience"))
    var audience: AudienceArgument?
    @Option(help: "How it was sent (new deliveries: email).")
    var channel: Channel?
    @Option(help: ArgumentHelp("When, YYYY-MM-DD (new deliveries: today).", valueName: "date"))
    var date: String?
    @Option(help: "How far it has got (new deliveries: sent).")
    var status: DeliveryStatus?
    @Option(help: ArgumentHelp("A note kept with the delivery.", valueName: "text"))
    var note: String?
    @Flag(help: "Record even for contacts whose audience is not the video's, or who are not a personal edition's recipient.")
    var allowMismatch = false
    @Flag(help: "Show what would be recorded, and record nothing.")
    var dryRun = false

    func validate() throws {
        if emails.isEmpty == (audience == nil) {
            throw ValidationError("give either --to EMAIL... or --audience AUDIENCE")
        }
        if let date, date.wholeMatch(of: /[0-9]{4}-[0-9]{2}-[0-9]{2}/) == nil {
            throw ValidationError("--date must be YYYY-MM-DD, not \"\(date)\"")
        }
    }

    func run() throws {
        try reportingErrors {
            let ledger = try ledger.open()
            let video = try resolveVideo(self.video, in: ledger)
            // project/output of a personalised output: each contact gets their own edition's newest version.
            let byReference = !FileManager.default.fileExists(atPath: self.video)
            let request = DeliveryRequest(
                video: video, recipients: audience.map { .audience($0.audience) } ?? .emails(emails),
                channel: channel, date: date, status: status, note: note, allowMismatch: allowMismatch,
                eachOwnEdition: byReference)
            let outcome = try ledger.deliver(request, dryRun: dryRun)
            let eachOwn = outcome.ownEditions
            let verb: [DeliveryOutcome.Action: String] = dryRun
                ? [.added: "would add", .updated: "would update", .unchanged: "unchanged"]
                : [.added: "added", .updated: "updated", .unchanged: "unchanged"]
            var text = ""
            for entry in outcome.entries {
                let mismatch = entry.contact.audience != video.audience ? " [audience \(entry.contact.audience.rawValue)]" : ""
                let own = entry.video.sha256 == video.sha256 && !eachOwn ? ""
                    : " [own edition \(URL(fileURLWithPath: entry.video.path).lastPathComponent), \(entry.video.shortSHA)]"
                text += "\(verb[entry.action]!) \(entry.contact.email): \(entry.status.rawValue) by"
                    + " \(entry.channel.rawValue) on \(entry.date)\(mismatch)\(own)\n"
            }
            let count = { (action: DeliveryOutcome.Action) in outcome.entries.filter { $0.action == action }.count }
            text += "\(video.reference) (\(video.audience.rawValue), \(eachOwn ? "personal editions" : video.shortSHA)):"
                + " \(count(.added)) added,"
                + " \(count(.updated)) updated, \(count(.unchanged)) unchanged"
                + (dryRun ? " (dry run: nothing recorded)" : "") + "\n"
            printOut(text)
        }
    }
}

// MARK: - deliveries, pending, export

struct DeliveriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "List recorded deliveries.",
        discussion: "The table shortens the SHA-256; CSV and JSON give every field.")

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var filter: DeliveryFilterOptions
    @OptionGroup var format: FormatOptions

    func run() throws {
        try reportingErrors {
            let deliveries = try ledger.open().deliveries(filter.filter)
            format.print(table: Listing.deliveriesTable(deliveries), rows: Listing.deliveries(deliveries))
        }
    }
}

struct PendingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pending",
        abstract: "Contacts of a video's audience who have not received that file.",
        discussion: """
            Split into those who never received the output and those who received an older version \
            (a re-render with a new SHA-256 is a new version). A planned delivery is not a received one. \
            For a personal edition, a contact is up to date when they have received the newest version of \
            their own edition.
            """)

    @OptionGroup var ledger: LedgerOptions
    @Argument(help: ArgumentHelp("An MP4 file or project/output (its newest version).", valueName: "video"))
    var video: String
    @OptionGroup var format: FormatOptions

    func run() throws {
        try reportingErrors {
            let ledger = try ledger.open()
            let report = try ledger.pending(try resolveVideo(video, in: ledger))
            printOut(report.rendered(format.format.listFormat))
        }
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write ledger data to files.",
        subcommands: [ExportDeliveriesCommand.self])
}

struct ExportDeliveriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliveries",
        abstract: "Write deliveries to a spreadsheet-safe CSV file.",
        discussion: """
            UTF-8 with a byte-order mark, CRLF, RFC 4180 quoting; cells starting with = + - @ tab or CR are \
            prefixed with ' so a spreadsheet shows them as text. The file is replaced whole or not at all.
            """)

    @OptionGroup var ledger: LedgerOptions
    @OptionGroup var filter: DeliveryFilterOptions
    @Argument(help: ArgumentHelp("The CSV file to write.", valueName: "file.csv"))
    var file: String

    func run() throws {
        Interruption.install(.exitAtOnce)
        try reportingErrors {
            let count = try ledger.open().exportDeliveries(to: file, filter: filter.filter)
            printOut("\(file): \(count) deliver\(count == 1 ? "y" : "ies")\n")
        }
    }
}
