import ArgumentParser
import Foundation
import ProvokeLedger
import ProvokeManifest
import ProvokeRender
import ProvokeSystem
import ProvokeTimeline

/// The manifests of a batch, loaded, planned and paired with the folders their outputs go to.
struct Batch {
    var jobs: [BatchRenderer.Job] = []
    var projects: [Project] = []

    /// Loads every manifest (each reports all its problems; any error stops the batch before work starts) and
    /// plans the outputs named by `outputs` (all when empty; an id no manifest has is a usage error).
    init(manifests: [String], outputs: [String], outDir: String?, probeMedia: Bool, quietWarnings: Bool = false) throws {
        var failed = false
        for manifest in manifests {
            do {
                projects.append(try loadProject(manifest, probeMedia: probeMedia, quietWarnings: quietWarnings))
            } catch let e as ExitCode where e == .invalidInput {
                failed = true
            }
        }
        if failed { throw ExitCode.invalidInput }
        let known = Set(projects.flatMap { $0.outputs.map(\.id) })
        for id in outputs where !known.contains(id) {
            printStderr("provoke: no output \"\(id)\" in \(manifests.joined(separator: ", ")) (outputs: \(known.sorted().joined(separator: ", ")))")
            throw ExitCode.usage
        }
        var destinations: [String: String] = [:]
        for project in projects {
            let wanted = outputs.isEmpty ? [] : outputs.filter { id in project.outputs.contains { $0.id == id } }
            if !outputs.isEmpty && wanted.isEmpty { continue }
            let directory = outDir.map { URL(fileURLWithPath: $0) } ?? project.baseURL.appendingPathComponent("out")
            for plan in try planOrUsageError(project, wanted).outputs {
                let path = directory.appendingPathComponent("\(plan.output).mp4").standardizedFileURL.path
                if let other = destinations[path] {
                    printStderr("provoke: \(path) would be written by both \(other) and \(project.id)/\(plan.output); "
                                + "give the projects different --out folders or render them apart")
                    throw ExitCode.usage
                }
                destinations[path] = "\(project.id)/\(plan.output)"
                jobs.append(BatchRenderer.Job(plan: plan, directory: directory))
            }
        }
    }

    /// `.provoke-cache/` beside the first manifest, unless `option` names a folder.
    func cacheFolder(_ option: String?) -> URL {
        option.map { URL(fileURLWithPath: $0) } ?? projects[0].baseURL.appendingPathComponent(".provoke-cache")
    }
}

/// `--shard I/N`: this machine's share of the pieces, 0 ≤ I < N.
struct Shard: ExpressibleByArgument {
    var index: Int
    var count: Int
    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n > 0, (0..<n).contains(i) else { return nil }
        index = i
        count = n
    }
}

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render the outputs of one or more projects to audience-tagged MP4s (with a JSON record beside each).",
        discussion: """
        Each output is cut into pieces keyed by their content; a piece the cache holds is not encoded again, \
        so outputs that share footage share its pieces and a re-run after a small edit encodes only what the \
        edit changed. An output whose MP4 is already what it would be is left as it is (and recorded only \
        if the ledger does not know it yet). Validates every manifest and opens the ledger first, and renders nothing if either fails. An \
        output's MP4, sidecars and record are written under temporary names and renamed together when all \
        are complete; one failing output does not stop the others. SIGINT, SIGTERM and SIGHUP stop it \
        within a frame, leaving no temporary file and no broken cache entry (exit 130).
        """)

    @Argument(help: "The project manifests (JSON).")
    var manifests: [String]

    @Option(name: .customLong("output"), help: "Only this output (repeatable). Default: every output.")
    var outputs: [String] = []

    @Option(name: .customLong("out"), help: "Folder for the MP4s and records. Default: out/ beside each manifest.")
    var outDir: String?

    @Option(help: "Pieces encoded side by side (each with one x264 thread). Default: the number of cores.")
    var jobs: Int?

    @Option(help: "The cache folder (any POSIX file system, shared by machines). Default: .provoke-cache/ beside the first manifest.")
    var cache: String?

    @Flag(help: "Render without the cache (through a temporary one, removed afterwards).")
    var noCache = false

    @Option(help: ArgumentHelp("Encode only shard I of N of the pieces (a stable split by key) into the cache, and join nothing.",
                               valueName: "I/N"))
    var shard: Shard?

    @Option(help: "How to show progress.")
    var progress: ProgressStyle = .auto

    @Flag(help: "Show no progress (as --progress quiet).")
    var quiet = false

    @OptionGroup var ledger: LedgerRegistrationOptions

    @Flag(help: "Render the personalised outputs' editions, one per contact: out/<output-id>/<contact>.mp4.")
    var personal = false

    @Option(name: .customLong("to"), parsing: .upToNextOption,
            help: ArgumentHelp("With --personal: only these contacts' editions.", valueName: "email"))
    var to: [String] = []

    func validate() throws {
        if personal && ledger.noLedger { throw ValidationError("--personal takes its contacts from the ledger: it does not go with --no-ledger") }
        if personal && shard != nil { throw ValidationError("--personal does not go with --shard (shard the outputs' own render)") }
        if !to.isEmpty && !personal { throw ValidationError("--to chooses editions: it needs --personal") }
        if manifests.isEmpty { throw ValidationError("name at least one manifest") }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        if noCache && cache != nil { throw ValidationError("--no-cache and --cache do not go together") }
        if noCache && shard != nil { throw ValidationError("--shard writes into a shared cache: it does not go with --no-cache") }
    }

    func run() throws {
        // From the start: validating can take a while, and a stop then must not leave the terminal hanging.
        Interruption.install(.stopWhenPolled)
        let style: ProgressStyle = quiet ? .quiet : progress
        var batch = try Batch(manifests: manifests, outputs: outputs, outDir: outDir, probeMedia: true,
                              quietWarnings: style == .json)
        // Shards only fill the cache; the ledger is the joining render's business.
        let ledger = shard == nil ? try self.ledger.openChecked() : nil
        var options = RenderOptions()
        if let jobs { options.jobs = jobs }
        options.cache = noCache ? nil : batch.cacheFolder(cache)
        options.shard = shard.map { ($0.index, $0.count) }
        let reporter = BatchProgress(style: style)
        // People's lines go to standard error when standard output carries JSON events.
        let toStderr = style == .json
        let say: (String) -> Void = { line in if toStderr { printStderr(line) } else { print(line) } }
        // Personalised outputs are made only as editions (`--personal`), never as one file showing `{name}`.
        var editionFailures: [(output: String, error: RenderError)] = []
        if personal, let ledger {
            let named = batch.jobs.filter { batch.personalise(of: $0.plan) == nil && outputs.contains($0.plan.output) }
            for job in named {
                printStderr("provoke: output \"\(job.plan.output)\" is not personalised (no \"personalise\" key); --personal renders editions only")
                throw ExitCode.usage
            }
            (batch.jobs, editionFailures) = try EditionJobs.make(batch, ledger: ledger, to: to, reserving: true)
        } else {
            for job in batch.jobs where batch.personalise(of: job.plan) != nil {
                say("\(job.plan.output): personalised; its editions are rendered with --personal")
            }
            let personalised = batch
            batch.jobs.removeAll { personalised.personalise(of: $0.plan) != nil }
        }
        if shard == nil { try checkOutputFolders(batch.jobs) }
        var result: BatchResult
        do {
            result = try BatchRenderer(options: options, isCancelled: { Interruption.requested },
                                       events: { reporter.handle($0) }).render(batch.jobs)
        } catch is RenderCancelled {
            reporter.finish()
            for job in batch.jobs { printStderr("provoke: interrupted; \(job.plan.label) was not written") }
            throw ExitCode.interrupted
        } catch let e as RenderError {
            reporter.finish()
            printStderr("provoke: \(e.message)")
            throw ExitCode.renderFailure
        }
        reporter.finish()
        let where_ = options.cache.map { " (cache \($0.path))" } ?? ""
        if let shard {
            say("shard \(shard.index)/\(shard.count): \(result.encoded) entries encoded, \(result.cached) already in the cache\(where_)")
            return try exitForFailures(result, say: say)
        }
        result.failed = editionFailures + result.failed
        if personal {
            for output in result.unchanged { say("\(output.plan.label): unchanged \(output.mp4.path) (sha256 \(output.sha256.prefix(12)))") }
            for output in result.written {
                say("\(output.plan.label): wrote \(output.mp4.path) for \(output.plan.edition?.recipient.email ?? "?") (edition \(output.plan.edition?.code ?? "?"), sha256 \(output.sha256.prefix(12)))")
            }
            var unknown: [RenderedOutput] = []
            for output in result.unchanged {
                let known = try reportingErrors { try ledger?.video(sha256: output.sha256) != nil }
                if !known { unknown.append(output) }
            }
            try self.ledger.registerEditions(result.written + unknown, in: ledger, say: say)
            if to.isEmpty { noteFormerEditions(batch.jobs, failed: editionFailures.map(\.output), say: say) }
        }
        for output in personal ? [] : result.unchanged {
            say("\(output.plan.output): unchanged \(output.mp4.path) (sha256 \(output.sha256.prefix(12)))")
            try self.ledger.registerIfNew(output, in: ledger, say: say)
        }
        for output in personal ? [] : result.written {
            say("\(output.plan.output): wrote \(output.mp4.path) (\(output.plan.duration), \(output.plan.frameCount) frames, sha256 \(output.sha256.prefix(12)))")
            // A ledger that fails now (the disk filled, another process holds it) stops the run with its own
            // message: the next outputs could not be recorded either.
            try self.ledger.register(output, in: ledger, say: say)
        }
        say("rendered \(result.written.count) of \(batch.jobs.count) \(personal ? "editions" : "outputs") (\(result.unchanged.count) unchanged); "
            + "\(result.encoded) pieces and sound tracks encoded, \(result.cached) pieces from the cache\(where_)")
        if result.cancelled {
            let done = Set((result.written + result.unchanged).map(\.plan.label) + result.failed.map(\.output))
            for job in batch.jobs where !done.contains(job.plan.label) {
                printStderr("provoke: interrupted; \(job.plan.label) was not written")
            }
            throw ExitCode.interrupted
        }
        try exitForFailures(result, say: say)
        if Interruption.requested {
            printStderr("provoke: interrupted after the last output was written")
            throw ExitCode.interrupted
        }
    }

    /// Every output folder made and writable before anything is encoded: a folder that cannot take the outputs
    /// (a file in the way, no permission, a read-only disk) is found at once, not after hours of encoding.
    func checkOutputFolders(_ jobs: [BatchRenderer.Job]) throws {
        var seen = Set<String>()
        for folder in jobs.map(\.directory) where seen.insert(folder.path).inserted {
            var problem = FileKind.folderProblem(folder)
            if problem == nil {
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                } catch {
                    problem = "cannot create it (\(error.localizedDescription))"
                }
            }
            if let problem {
                printStderr("provoke: \(folder.path): cannot hold the outputs: \(problem); nothing was rendered")
                throw ExitCode.renderFailure
            }
        }
    }

    /// Files in an edition folder that are no edition now (their contact left the audience or the list, or was
    /// removed): named, so a folder is not sent out whole by mistake. They are left where they are. `failed`:
    /// the `output/slug` of editions that could not be made this time, still editions.
    func noteFormerEditions(_ jobs: [BatchRenderer.Job], failed: [String], say: (String) -> Void) {
        var current: [URL: Set<String>] = [:]
        for job in jobs { if let slug = job.plan.edition?.slug { current[job.directory, default: []].insert(slug + ".mp4") } }
        for label in failed {
            let parts = label.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let folder = current.keys.first(where: { $0.lastPathComponent == parts[0] }) else { continue }
            current[folder]?.insert(parts[1] + ".mp4")
        }
        for (folder, names) in current.sorted(by: { $0.key.path < $1.key.path }) {
            let present = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            for name in present.sorted() where name.hasSuffix(".mp4") && !names.contains(name) {
                say("note: \(folder.appendingPathComponent(name).path) is no longer an edition (its contact is not a recipient"
                    + " now); left as it is")
            }
        }
    }

    private func exitForFailures(_ result: BatchResult, say: (String) -> Void) throws {
        guard !result.failed.isEmpty else { return }
        for (id, error) in result.failed { printStderr("provoke: \(id): \(VisibleText.escaped(error.message))") }
        say("failed:")
        for (id, error) in result.failed { say("  \(id): \(VisibleText.escaped(error.message))") }
        throw result.failed.allSatisfy(\.error.isInputProblem) ? ExitCode.invalidInput : ExitCode.renderFailure
    }
}

struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Show the segment cache's size, or prune it.",
        subcommands: [CacheSize.self, CachePrune.self], defaultSubcommand: CacheSize.self)
}

struct CacheSize: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "size", abstract: "How many entries the cache holds, and their size.")

    @Argument(help: "A manifest whose cache to look at (its .provoke-cache/). Default: ./.provoke-cache.")
    var manifest: String?

    @Option(help: "The cache folder.")
    var cache: String?

    func run() throws {
        let folder = cache.map { URL(fileURLWithPath: $0) }
            ?? (manifest.map { URL(fileURLWithPath: $0).deletingLastPathComponent() } ?? URL(fileURLWithPath: "."))
                .appendingPathComponent(".provoke-cache")
        switch FileKind(path: folder.path) {
        case .folder: break
        case .missing:
            print("\(folder.path): no cache yet")
            return
        case let kind:
            printStderr("provoke: \(folder.path): is \(kind.phrase), not a cache folder")
            throw ExitCode.invalidInput
        }
        let entries = try RenderCache(directory: folder).entries()
        let bytes = entries.reduce(Int64(0)) { $0 + $1.bytes }
        let pieces = entries.filter { $0.kind == .piece }.count, sound = entries.filter { $0.kind == .sound }.count
        print("\(folder.path): \(pieces) pieces and \(sound) sound tracks, \(megabytes(bytes))"
              + " (and \(entries.count - pieces - sound) loudness measurements)")
    }
}

struct CachePrune: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Remove the cache entries that none of the named manifests uses (and files left by killed renders).")

    @Argument(help: "The manifests whose entries stay.")
    var manifests: [String]

    @Option(help: "The cache folder. Default: .provoke-cache/ beside the first manifest.")
    var cache: String?

    @Option(name: .customLong("ledger"),
            help: ArgumentHelp("The ledger whose contacts the personalised outputs' editions are made for: their own "
                               + "cards stay too. Default: $\(Ledger.environmentVariable), else ./\(Ledger.defaultFileName); "
                               + "without one, only what the editions share stays.", valueName: "path"))
    var ledgerPath: String?

    func validate() throws {
        if manifests.isEmpty { throw ValidationError("name the manifests whose entries stay") }
    }

    func run() throws {
        let batch = try Batch(manifests: manifests, outputs: [], outDir: nil, probeMedia: true, quietWarnings: true)
        let folder = batch.cacheFolder(cache)
        var jobs = batch.jobs
        if jobs.contains(where: { batch.personalise(of: $0.plan) != nil }) {
            // The editions render --personal would make now: each one's cards are entries in use. A ledger that is
            // not there is not created here.
            let path = Ledger.location(option: ledgerPath)
            if FileKind(path: path) == .regular {
                let editions = try EditionJobs.make(batch, ledger: try Ledger(path: path), to: [], reserving: false)
                for failure in editions.failures { print("note: \(failure.error.message)") }
                jobs += editions.jobs
            } else {
                print("\(path): no ledger, so the personal editions' own cards are not kept (--ledger names one)")
            }
        }
        let keep = Set(try BatchRenderer().entries(jobs).map(\.key))
        let cache: RenderCache
        do {
            cache = try RenderCache(directory: folder)
        } catch {
            printStderr("provoke: \(folder.path): cannot use as the cache: \(FileKind.folderProblem(folder) ?? error.localizedDescription)")
            throw ExitCode.renderFailure
        }
        let (removed, freed) = cache.prune(keeping: keep)
        print("\(folder.path): removed \(removed) entries (\(megabytes(freed))); kept \(cache.entries().count)")
    }
}

func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
