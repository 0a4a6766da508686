import ArgumentParser
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
        // Only validate measures the sources' loudness (a sample of each): render's own check stays quick.
        let result = ManifestLoader.load(URL(fileURLWithPath: manifest), probe: FFmpegSourceProbe(measuresLoudness: true),
                                         fonts: SystemFonts())
        var diagnostics = result.diagnostics
        // Everything plan and render would refuse, validate refuses too: each output is planned (it is cheap and
        // touches no media), so the planner's limits are validate's, and every output's problem is reported.
        if let p = result.project {
            for output in p.outputs {
                do {
                    _ = try Planner.plan(p, outputs: [output.id])
                } catch let e as PlanError {
                    diagnostics.append(e.diagnostic(in: p, file: URL(fileURLWithPath: manifest)))
                }
            }
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(diagnostics), as: UTF8.self))
        } else {
            for d in diagnostics { printStderr(d.description) }
        }
        if errors > 0 {
            if !json { printStderr("\(manifest): \(errors) error\(errors == 1 ? "" : "s")") }
            throw ExitCode.invalidInput
        }
        if let p = result.project, !json {
            print("\(manifest): valid: \(p.sources.count) sources, \(p.clips.count) clips, \(p.cards.count) cards, \(p.outputs.count) outputs")
        }
    }
}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what render will do, without rendering: every segment's source range and output range.")

    @Argument(help: "The project manifests (JSON); the plan of each, one after another.")
    var manifests: [String]

    @Option(name: .customLong("output"), help: "Only this output (repeatable).")
    var outputs: [String] = []

    @Flag(help: "Print the plan as JSON.")
    var json = false

    @Flag(help: "List the cache entries render needs instead: every piece and sound track with its key, whether the cache holds it, and its shard.")
    var segments = false

    @Option(help: "With --segments: the cache to look in. Default: .provoke-cache/ beside the first manifest.")
    var cache: String?

    @Option(help: "With --segments: say which of N shards (render --shard I/N) encodes each entry.")
    var shards: Int?

    func validate() throws {
        if manifests.isEmpty { throw ValidationError("name at least one manifest") }
        if (cache != nil || shards != nil) && !segments { throw ValidationError("--cache and --shards go with --segments") }
        if let shards, shards < 1 { throw ValidationError("--shards must be at least 1") }
    }

    func run() throws {
        // Planning needs no media; the sources' frame rates (from their headers, if they open) only
        // label source frame numbers. Keys do read the files (their size, time and first and last MiB).
        let batch = try Batch(manifests: manifests, outputs: outputs, outDir: nil, probeMedia: segments, quietWarnings: json)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        if segments {
            let folder = batch.cacheFolder(cache)
            let entries = try BatchRenderer().entries(batch.jobs, cache: FileKind(path: folder.path) == .folder ? folder : nil,
                                                      shards: shards)
            if json { return print(String(decoding: try encoder.encode(entries), as: UTF8.self)) }
            for e in entries {
                let state = e.cached.map { $0 ? "cached" : "to encode" } ?? "no cache yet"
                let shard = e.shard.map { "  shard \($0)/\(shards!)" } ?? ""
                print("\(e.output) \(e.kind) \(e.key.prefix(16))  frames \(e.start)+\(e.count)  \(e.parts.joined(separator: " + "))  \(state)\(shard)")
            }
            return
        }
        for (project, jobs) in zip(batch.projects, batch.projects.map { p in batch.jobs.filter { $0.plan.project == p.id } }) {
            let plan = RenderPlan(project: project.id, projectTitle: project.title, outputs: jobs.map(\.plan))
            var doc = PlanDocument(plan, sourceFrameRates: MediaProbe.frameRates(of: project.sources), project: project)
            // The gains and levels a render measured, when the default cache holds this plan's sound tracks.
            let folder = batch.cacheFolder(nil)
            if FileKind(path: folder.path) == .folder {
                let measured = BatchRenderer().measuredLoudness(jobs, cache: folder)
                for i in doc.outputs.indices { let id = doc.outputs[i].output; doc.outputs[i].loudness?.measured = measured[id] }
            }
            print(json ? String(decoding: try encoder.encode(doc), as: UTF8.self) : doc.text)
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
        printStderr(e.diagnostic(in: project).description)
        throw ExitCode.invalidInput
    }
}

extension PlanError {
    /// The error as a diagnostic of `project`'s manifest (`file:line:column: path: message`, as validate prints
    /// the manifest's own problems), located at the value it concerns.
    func diagnostic(in project: Project, file: URL? = nil) -> Diagnostic {
        ManifestLoader.diagnostic(file ?? project.manifestURL, path: jsonPath(in: project), message: "\(self)")
    }
}

