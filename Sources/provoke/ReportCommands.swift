// The campaign at a glance: which ideas reached whom (`coverage`, `history`) and the report site (`report`).
// Each command parses, calls one library function and maps errors to exit codes like the ledger commands
// (0 ok, 1 bad input, 2 usage, 3 failure writing).
import ArgumentParser
import Foundation
import ProvokeLedger
import ProvokeReport

/// Added to `provoke` beside the ledger's commands.
let reportCommands: [ParsableCommand.Type] = [CoverageCommand.self, HistoryCommand.self, ReportCommand.self]

struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Per idea: the videos that carry it and how many contacts of each audience have received one.",
        discussion: """
            A contact is reached once a file carrying the idea was sent, viewed or responded to (planned is not \
            reached), counted against all contacts of their audience. Ideas that have reached no one come first. \
            CSV and JSON give one row per idea and audience.
            """)

    @OptionGroup var ledger: LedgerOptions
    @Argument(help: ArgumentHelp("Only this project's ideas (default: every project).", valueName: "project"))
    var project: String?
    @OptionGroup var format: FormatOptions

    func run() throws {
        try reportingErrors {
            let coverage = try ledger.open().coverage(project: project)
            format.print(table: Listing.coverageTable(coverage), rows: Listing.coverage(coverage))
        }
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "What one contact has been sent: when, how, which version, and the ideas it carried.")

    @OptionGroup var ledger: LedgerOptions
    @Argument(help: ArgumentHelp("The contact's email address (any case).", valueName: "email"))
    var email: String
    @OptionGroup var format: FormatOptions

    func run() throws {
        try reportingErrors {
            let history = try ledger.open().history(email: email)
            format.print(table: Listing.historyTable(history), rows: Listing.history(history))
        }
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the campaign report: a static HTML site with every video, idea, audience and contact.",
        discussion: """
            index.html, report.css and a poster per video (a frame of the file, its first card), readable from \
            the file system with no network and no script, printable on A4. The folder is built beside DIR and \
            swapped into place; only a folder an earlier report wrote (or an empty one) is replaced.
            """)

    @OptionGroup var ledger: LedgerOptions
    @Argument(help: ArgumentHelp("Only these projects (default: every project).", valueName: "project"))
    var projects: [String] = []
    @Option(name: [.customShort("o"), .customLong("out")],
            help: ArgumentHelp("The report folder.", valueName: "dir"))
    var out = "report"

    func run() throws {
        try reportingErrors {
            do {
                let summary = try CampaignReport.write(ledger: ledger.open(), projects: projects,
                                                       to: URL(fileURLWithPath: out))
                printOut("\(summary.folder.path)/\(CampaignReport.page): \(summary.videos) video"
                         + "\(summary.videos == 1 ? "" : "s") (\(summary.files) file\(summary.files == 1 ? "" : "s")),"
                         + " posters: \(summary.postersMade) made, \(summary.postersReused) reused,"
                         + " \(summary.postersMissing) missing\n")
            } catch let error as ReportError {
                printStderr("provoke: \(error)")
                throw ExitCode(error.exitCode)
            }
        }
    }
}
