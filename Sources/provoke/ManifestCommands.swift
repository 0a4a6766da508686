import ArgumentParser
import FFmpegKit
import Foundation
import ProvokeCards
import ProvokeManifest
import ProvokeRender
import ProvokeSystem
import ProvokeTimeline

/// Loads and validates a manifest, printing every diagnostic as `file:line:column: path: message`.
/// Throws exit code 1 when there are errors.
func loadProject(_ path: String, probeMedia: Bool, quietWarnings: Bool = false) throws -> Project {
    let url = URL(fileURLWithPath: path)
    // Fonts are always checked (libass would fall back to another font silently); media only when asked.
    let result = ManifestLoader.load(url, probe: probeMedia ? FFmpegSourceProbe() : nil, fonts: SystemFonts())
    for d in result.diagnostics where d.severity == .error || !quietWarnings { printStderr(d.description) }
    guard let project = result.project, result.errors.isEmpty else {
        printStderr("\(path): \(result.errors.count) error\(result.errors.count == 1 ? "" : "s"); nothing was rendered")
        throw ExitCode.invalidInput
    }
    return project
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a manifest and its source files; report every problem at once.",
        discussion: "Exit 0 when valid, 1 when not, 2 for a usage error.")

    @Argument(help: "The project manifest (JSON).")
    var manifest: String

    @Flag(help: "Print the diagnostics as JSON on standard output.")
    var json = false

    func run() throws {
        let result = ManifestLoader.load(URL(fileURLWithPath: manifest), probe: FFmpegSourceProbe(), fonts: SystemFonts())
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(result.diagnostics), as: UTF8.self))
        } else {
            for d in result.diagnostics { printStderr(d.description) }
        }
        if !result.errors.isEmpty {
            if !json { printStderr("\(manifest): \(result.errors.count) error\(result.errors.count == 1 ? "" : "s")") }
            throw ExitCode.invalidInput
        }
        // Everything plan and render would refuse, validate refuses too: the plan is made (it is cheap and
        // touches no media), so its limits are validate's.
        if let p = result.project {
            do {
                _ = try Planner.plan(p)
            } catch let e as PlanError {
                printStderr("\(manifest): \(e)")
                throw ExitCode.invalidInput
            }
            if !json {
                print("\(manifest): valid: \(p.sources.count) sources, \(p.clips.count) clips, \(p.cards.count) cards, \(p.outputs.count) outputs")
            }
        }
    }
}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what render will do, without rendering: every segment's source range and output range.")

    @Argument(help: "The project manifest (JSON).")
    var manifest: String

    @Option(name: .customLong("output"), help: "Only this output (repeatable).")
    var outputs: [String] = []

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() throws {
        // Planning needs no media; the sources' frame rates (from their headers, if they open) only
        // label source frame numbers.
        let project = try loadProject(manifest, probeMedia: false, quietWarnings: json)
        let plan = try planOrUsageError(project, outputs)
        let doc = PlanDocument(plan, sourceFrameRates: MediaProbe.frameRates(of: project.sources), project: project)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(doc), as: UTF8.self))
        } else {
            print(doc.text)
        }
    }
}

func planOrUsageError(_ project: Project, _ outputs: [String]) throws -> RenderPlan {
    do {
        return try Planner.plan(project, outputs: outputs)
    } catch let e as PlanError {
        if case .unknownOutput = e {
            printStderr("provoke: \(project.manifestURL.path): \(e)")
            throw ExitCode.usage
        }
        printStderr("provoke: \(project.manifestURL.path): \(e)")
        throw ExitCode.invalidInput
    }
}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render a project's outputs to audience-tagged MP4s (with a JSON record beside each).",
        discussion: """
        Validates and opens the ledger first, and renders nothing if either fails. An output's MP4, \
        sidecars and record are written under temporary names and renamed together when all are \
        complete; one failing output does not stop the others. SIGINT, SIGTERM and SIGHUP stop it \
        within a frame, leaving no temporary file (exit 130).
        """)

    @Argument(help: "The project manifest (JSON).")
    var manifest: String

    @Option(name: .customLong("output"), help: "Only this output (repeatable). Default: every output.")
    var outputs: [String] = []

    @Option(name: .customLong("out"), help: "Folder for the MP4s and records. Default: out/ beside the manifest.")
    var outDir: String?

    @OptionGroup var ledger: LedgerRegistrationOptions

    func run() throws {
        // From the start: validating can take a while, and a stop then must not leave the terminal hanging.
        Interruption.install(.stopWhenPolled)
        let project = try loadProject(manifest, probeMedia: true)
        let plan = try planOrUsageError(project, outputs)
        let directory = outDir.map { URL(fileURLWithPath: $0) } ?? project.baseURL.appendingPathComponent("out")
        let ledger = try self.ledger.openChecked()
        let progress = ProgressReporter()
        let renderer = Renderer(progress: { progress.update(done: $0.framesDone, total: $0.framesTotal) },
                                isCancelled: { Interruption.requested })
        var written: [RenderedOutput] = []
        var failures: [(String, String, Bool)] = []
        for output in plan.outputs {
            progress.begin(output.output)
            let result: RenderedOutput
            do {
                result = try renderer.render(output, into: directory)
                progress.end()
            } catch is RenderCancelled {
                progress.end()
                printStderr("provoke: interrupted; \(output.output) was not written")
                throw ExitCode.interrupted
            } catch let e as RenderError {
                progress.end()
                printStderr("provoke: \(output.output): \(e.message)")
                failures.append((output.output, e.message, e.isInputProblem))
                continue
            }
            written.append(result)
            print("\(output.output): wrote \(result.mp4.path) (\(output.duration), \(output.frameCount) frames, sha256 \(result.sha256.prefix(12)))")
            // A ledger that fails now (the disk filled, another process holds it) stops the run with its own
            // message: the next outputs could not be recorded either.
            try self.ledger.register(result, in: ledger)
        }
        print("rendered \(written.count) of \(plan.outputs.count) outputs into \(directory.path)")
        if !failures.isEmpty {
            print("failed:")
            for (id, why, _) in failures { print("  \(id): \(VisibleText.escaped(why))") }
            throw failures.allSatisfy(\.2) ? ExitCode.invalidInput : ExitCode.renderFailure
        }
        if Interruption.requested {
            printStderr("provoke: interrupted after the last output was written")
            throw ExitCode.interrupted
        }
    }
}
