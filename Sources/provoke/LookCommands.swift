import ArgumentParser
import Foundation
import ProvokeLedger
import ProvokeManifest
import ProvokeRender
import ProvokeSystem
import ProvokeTimeline

// Looking at an output without rendering it: one frame (`still`) or one frame per sequence item (`storyboard`),
// each exactly as the render would show it, written as PNG with `FileOutput.write`: a file by atomic rename, a
// device or pipe (`-o /dev/stdout`) as a stream.

struct Still: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the frame an output shows at a time, as PNG, without rendering the video.")

    @Argument(help: "The project manifest (JSON).")
    var manifest: String

    @Option(name: .customLong("output"), help: "The output to look at.")
    var output: String

    @Option(name: .customLong("at"), help: "Output time: seconds (12.5) or HH:MM:SS.mmm.")
    var at: String

    @Option(name: .customShort("o"),
            help: ArgumentHelp("The PNG to write. Default: <output>-<time>.png in the current folder.", valueName: "file.png"))
    var file: String?

    @OptionGroup var edition: EditionPreviewOptions

    func run() throws {
        Interruption.install(.exitAtOnce)
        let microseconds: Int64
        do {
            microseconds = at.contains(":") ? try TimeLiteral.microseconds(fromClock: at)
                                            : try TimeLiteral.microseconds(fromSeconds: at)
        } catch {
            printStderr("provoke: --at \(at): \(error)")
            throw ExitCode.usage
        }
        let project = try loadProject(manifest, probeMedia: true, quietWarnings: true)
        guard let planned = try planOrUsageError(project, [output]).outputs.first else { throw ExitCode.usage }
        let plan = try edition.plan(planned, of: project)
        // The frame on screen at that time: the latest frame starting at or before it.
        let frame = plan.format.clock.frame(at: microseconds)
        guard frame < plan.frameCount else {
            printStderr("provoke: --at \(at): past the end of output \"\(output)\" (\(plan.duration), \(plan.frameCount) frames)")
            throw ExitCode.usage
        }
        let destination = URL(fileURLWithPath: file ?? "\(output)-\(String(format: "%.3f", Double(microseconds) / 1e6)).png")
        try writePicture(destination, output: output) { try Renderer().stillPNG(plan, frame: frame) }
        print("\(output): frame \(frame) (\(plan.format.clock.time(ofFrame: frame))) -> \(destination.path)")
    }
}

struct StoryboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storyboard",
        abstract: "Write a contact sheet of an output as PNG: one labelled frame per sequence item.")

    @Argument(help: "The project manifest (JSON).")
    var manifest: String

    @Option(name: .customLong("output"), help: "The output to look at.")
    var output: String

    @Option(name: .customShort("o"),
            help: ArgumentHelp("The PNG to write. Default: <output>-storyboard.png in the current folder.", valueName: "file.png"))
    var file: String?

    @OptionGroup var edition: EditionPreviewOptions

    func run() throws {
        Interruption.install(.exitAtOnce)
        let project = try loadProject(manifest, probeMedia: true, quietWarnings: true)
        guard let planned = try planOrUsageError(project, [output]).outputs.first else { throw ExitCode.usage }
        let plan = try edition.plan(planned, of: project)
        let destination = URL(fileURLWithPath: file ?? "\(output)-storyboard.png")
        try writePicture(destination, output: output) { try Renderer().storyboardPNG(plan) }
        print("\(output): \(plan.segments.count) items -> \(destination.path)")
    }
}

/// What `still` and `storyboard` show of a personalised output: its card's placeholders as written, or with
/// `--to`, that contact's edition exactly as `render --personal` makes it (their details and edition code). The
/// ledger is only read: looking registers no edition.
struct EditionPreviewOptions: ParsableArguments {
    @Option(name: .customLong("to"),
            help: ArgumentHelp("For a personalised output: show this contact's edition.", valueName: "email"))
    var to: String?

    @Option(name: .customLong("ledger"),
            help: ArgumentHelp("With --to: the ledger holding the contact. Default: $\(Ledger.environmentVariable), else"
                               + " ./\(Ledger.defaultFileName).", valueName: "path"))
    var ledgerPath: String?

    func plan(_ plan: OutputPlan, of project: Project) throws -> OutputPlan {
        guard let personalise = project.output(plan.output)?.personalise else {
            if let to {
                printStderr("provoke: --to \(to): output \"\(plan.output)\" is not personalised (it has no \"personalise\" key)")
                throw ExitCode.usage
            }
            return plan
        }
        guard let to else {
            printStderr("provoke: note: output \"\(plan.output)\" is personalised; its card is shown with the placeholders"
                        + " as written (--to EMAIL shows that contact's edition)")
            return plan
        }
        let path = Ledger.location(option: ledgerPath)
        guard FileManager.default.fileExists(atPath: path) else {
            printStderr("provoke: \(path): no ledger here, so no contact \(to) (--ledger names another)")
            throw ExitCode.invalidInput
        }
        let edition = try reportingErrors {
            let ledger = try Ledger(path: path)
            guard let contact = try ledger.contact(email: to) else {
                throw LedgerError(.badInput, file: path, "unknown contact: \(to)")
            }
            let recipients = try ledger.editionRecipients(personalise.contacts, audience: plan.audience).contacts
            if !recipients.contains(where: { $0.email.lowercased() == contact.email.lowercased() }) {
                printStderr("provoke: note: \(contact.email) is not one of \"\(plan.output)\"'s recipients (its personalise"
                            + " contacts): render --personal makes no edition for them")
            }
            return try ledger.editions(project: plan.project, output: plan.output, for: [contact])[0]
        }
        do {
            return try plan.personalised(edition, card: personalise.card)
        } catch let e as EditionError {
            printStderr("provoke: \(plan.output): \(e.message)")
            throw ExitCode.invalidInput
        }
    }
}

/// Makes a picture and writes it as PNG (see `FileOutput.write`); maps failures to exit codes.
func writePicture(_ destination: URL, output: String, make: () throws -> Data) throws {
    do {
        try FileOutput.write(try make(), to: destination.path)
    } catch let e as RenderError {
        printStderr("provoke: \(output): \(e.message)")
        throw e.isInputProblem ? ExitCode.invalidInput : ExitCode.renderFailure
    } catch let e as FileError {
        printStderr("provoke: \(e)")
        throw e.isInputProblem ? ExitCode.invalidInput : ExitCode.renderFailure
    }
}
