import FFmpegKit
import Foundation
import ProvokeCaptions
import ProvokeSystem
import ProvokeTimeline

/// How a batch is rendered.
public struct RenderOptions: Sendable {
    /// Pieces encoded side by side (each with one x264 thread, so the bytes do not depend on it).
    public var jobs = max(1, ProcessInfo.processInfo.activeProcessorCount)
    /// The cache folder; nil renders through a temporary cache that is removed afterwards (`--no-cache`).
    public var cache: URL?
    /// Encode only the pieces and sound tracks of shard `index` of `count` (a stable split by key), and join
    /// nothing: for several machines sharing one cache, followed by a plain render that joins.
    public var shard: (index: Int, count: Int)?
    /// x264 settings; the defaults match the reference job (preset veryfast, CRF 23, high profile).
    public var preset = "veryfast"
    public var crf = 23
    public init() {}
}

/// What a batch reports as it goes, from any of its threads.
public enum RenderEvent: Sendable {
    /// Before any work: how much of an output is there already.
    case planned(output: String, pieces: Int, cachedPieces: Int, frames: Int)
    case pieceStarted(key: String, outputs: [String], frames: Int)
    case pieceDone(key: String, outputs: [String])
    case soundDone(key: String, output: String)
    /// Frames of an output's pieces that are ready (cached ones included).
    case progress(output: String, framesDone: Int, framesTotal: Int)
    case written(RenderedOutput)
    /// The MP4 in place is what this render would write: nothing was written.
    case unchanged(RenderedOutput)
    case failed(output: String, error: RenderError)
}

/// The entries still to make, shared by the workers.
final class WorkQueue: @unchecked Sendable {  // everything is guarded by `lock`
    private let lock = NSLock()
    private let work: [BatchRenderer.Work]
    private var position = 0
    private var progress: [String: (done: Int, total: Int)]
    private var cancelled = false
    private var failed: [String: RenderError] = [:]

    init(work: [BatchRenderer.Work], progress: [String: (done: Int, total: Int)]) {
        self.work = work
        self.progress = progress
    }

    /// The next entry to make; nil when there is none or the batch was cancelled.
    func next() -> BatchRenderer.Work? {
        lock.lock()
        defer { lock.unlock() }
        guard position < work.count, !cancelled else { return nil }
        position += 1
        return work[position - 1]
    }

    /// Counts `n` more frames done for each of `outputs`; their new totals.
    func advance(_ outputs: [String], by n: Int) -> [(String, Int, Int)] {
        lock.lock()
        defer { lock.unlock() }
        return outputs.compactMap { output in
            guard var p = progress[output] else { return nil }
            p.done += n
            progress[output] = p
            return (output, p.done, p.total)
        }
    }

    func cancel() { lock.lock(); cancelled = true; lock.unlock() }
    var isCancelled: Bool { lock.lock(); defer { lock.unlock() }; return cancelled }
    func fail(_ key: String, _ error: RenderError) { lock.lock(); failed[key] = error; lock.unlock() }
    var failures: [String: RenderError] { lock.lock(); defer { lock.unlock() }; return failed }
}

/// The outputs still to join, and what each came to, shared by the joining threads.
final class JoinQueue: @unchecked Sendable {  // everything is guarded by `lock`
    private let lock = NSLock()
    private var position = 0
    private var cancelled = false
    private var results: [BatchRenderer.JoinOutcome?]

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func next() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard position < results.count, !cancelled else { return nil }
        position += 1
        return position - 1
    }

    func set(_ index: Int, _ outcome: BatchRenderer.JoinOutcome) { lock.lock(); results[index] = outcome; lock.unlock() }
    func cancel() { lock.lock(); cancelled = true; lock.unlock() }
    var outcomes: [BatchRenderer.JoinOutcome?] { lock.lock(); defer { lock.unlock() }; return results }
}

/// What a batch did.
public struct BatchResult: Sendable {
    public var written: [RenderedOutput] = []
    /// Outputs whose files in place are what this render would write, as their records describe them.
    public var unchanged: [RenderedOutput] = []
    public var failed: [(output: String, error: RenderError)] = []
    /// Stopped (Ctrl-C, SIGTERM, SIGHUP) while joining: the outputs in `written` are whole, the rest not written.
    public var cancelled = false
    /// Entries (pieces and sound tracks) encoded in this run, and pieces found in the cache, each counted once.
    public var encoded = 0
    public var cached = 0
}

/// Renders many outputs, doing each piece of work once: every output is cut into pieces (`OutputPlan.pieces`)
/// keyed by their content (`CacheKeys`); the pieces no cache entry holds are encoded, `jobs` at a time, then each
/// output is joined from the cache by stream copy. Outputs that share footage share its pieces; an output whose
/// MP4 is already what it would be is left alone.
public final class BatchRenderer: Sendable {
    let options: RenderOptions
    let isCancelled: @Sendable () -> Bool
    let events: @Sendable (RenderEvent) -> Void

    public init(options: RenderOptions = RenderOptions(), isCancelled: @escaping @Sendable () -> Bool = { false },
                events: @escaping @Sendable (RenderEvent) -> Void = { _ in }) {
        self.options = options
        self.isCancelled = isCancelled
        self.events = events
    }

    /// One output to render and the folder its files go to.
    public struct Job: Sendable {
        public var plan: OutputPlan
        public var directory: URL
        public init(plan: OutputPlan, directory: URL) { self.plan = plan; self.directory = directory }
    }

    /// An output's work, keyed.
    struct Planned {
        var job: Job
        var pieces: [Piece]
        var pieceKeys: [String]
        var soundKey: String
        var outputKey: String
        var keys: CacheKeys
    }

    /// A unit of work: one cache entry to make.
    struct Work {
        var kind: RenderCache.Kind
        var key: String
        /// The output it is made from (the first that needs it), and for a piece which.
        var planned: Planned
        var piece: Piece?
        var frames: Int
        /// Every output that needs it.
        var outputs: [String]
    }

    public func render(_ jobs: [Job]) throws -> BatchResult {
        let temporary = options.cache == nil
            ? FileManager.default.temporaryDirectory.appendingPathComponent("provoke-cache-\(getpid())-\(UUID().uuidString)")
            : nil
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }
        let cache: RenderCache
        do {
            cache = try RenderCache(directory: options.cache ?? temporary!)
        } catch {
            let folder = options.cache ?? temporary!
            throw RenderError(output: "", message: "\(folder.path): cannot use as the cache: "
                              + (FileKind.folderProblem(folder) ?? error.localizedDescription), isInputProblem: false)
        }
        var result = BatchResult()
        let files = FileIdentities(), keyframes = KeyframeIndex()

        // 1. Keys, and what is already there.
        var planned: [Planned] = []
        for job in jobs {
            do {
                planned.append(try plan(job, files: files, keyframes: keyframes))
            } catch let e as RenderError {
                result.failed.append((job.plan.label, e))
                events(.failed(output: job.plan.label, error: e))
            }
        }
        if options.shard == nil {
            planned.removeAll { p in
                guard let existing = unchanged(p) else { return false }
                result.unchanged.append(existing)
                events(.unchanged(existing))
                return true
            }
        }

        // 2. The entries to make, each once, biggest first (so the last to finish are short).
        var work: [Work] = []
        var index: [String: Int] = [:]
        func need(_ kind: RenderCache.Kind, _ key: String, _ p: Planned, _ piece: Piece?, frames: Int) {
            if let shard = options.shard, BatchRenderer.shard(of: key, among: shard.count) != shard.index { return }
            if let i = index[key] {
                if !work[i].outputs.contains(p.job.plan.label) { work[i].outputs.append(p.job.plan.label) }
                return
            }
            index[key] = work.count
            work.append(Work(kind: kind, key: key, planned: p, piece: piece, frames: frames, outputs: [p.job.plan.label]))
        }
        var progress: [String: (done: Int, total: Int)] = [:]
        var found: Set<String> = []
        for p in planned {
            var cachedPieces = 0, cachedFrames = 0
            for (piece, key) in zip(p.pieces, p.pieceKeys) {
                if cache.isComplete(.piece, key) {
                    cachedPieces += 1
                    cachedFrames += piece.frames.count
                    if found.insert(key).inserted { result.cached += 1 }
                } else {
                    need(.piece, key, p, piece, frames: piece.frames.count)
                }
            }
            // A normalised sound track (clips measured, limited, measured again) costs about what an eighth of its
            // frames would as a piece: sorted among the pieces, so it is not left to run alone at the end.
            let soundCost = p.job.plan.loudness.lufs == nil ? 0 : p.job.plan.frameCount / 8
            if !soundComplete(p, cache) { need(.sound, p.soundKey, p, nil, frames: soundCost) }
            progress[p.job.plan.label] = (cachedFrames, p.job.plan.frameCount)
            events(.planned(output: p.job.plan.label, pieces: p.pieces.count, cachedPieces: cachedPieces,
                            frames: p.job.plan.frameCount))
            events(.progress(output: p.job.plan.label, framesDone: cachedFrames, framesTotal: p.job.plan.frameCount))
        }
        work.sort { $0.frames > $1.frames }

        // 3. Encode, `jobs` at a time.
        Memory.returnFreedHeapEagerly()
        Memory.avoidHugePages()
        Memory.trim()  // what validating and planning freed
        let queue = WorkQueue(work: work, progress: progress)
        let done = DispatchGroup()
        for _ in 0..<max(1, min(options.jobs, work.count)) {
            done.enter()
            Thread.detachNewThread { [self] in
                defer { done.leave() }
                while let item = queue.next() {
                    do {
                        try make(item, cache: cache) { n in
                            for (output, done, total) in queue.advance(item.outputs, by: n) {
                                events(.progress(output: output, framesDone: done, framesTotal: total))
                            }
                        }
                        // What this piece's encoder and decoder held goes back before the next one starts.
                        Memory.trim()
                    } catch is RenderCancelled {
                        queue.cancel()
                    } catch {
                        queue.fail(item.key, error as? RenderError
                            ?? RenderError(output: item.outputs[0], message: String(describing: error), isInputProblem: false))
                    }
                }
            }
        }
        done.wait()
        if queue.isCancelled || isCancelled() { throw RenderCancelled() }
        let failures = queue.failures
        result.encoded = work.count - failures.count

        // 4. Join every output whose entries are all there. A stop now keeps what is already written (the caller
        // records it) and leaves the rest.
        if options.shard != nil {
            // A shard joins nothing, but an entry it failed to make is the failure of every output that needs it:
            // reported, so the batch system sees the shard fail (a non-zero exit) instead of a join that cannot.
            for p in planned {
                guard let failure = (p.pieceKeys + [p.soundKey]).lazy.compactMap({ failures[$0] }).first else { continue }
                let e = RenderError(output: p.job.plan.label, message: failure.message, isInputProblem: failure.isInputProblem)
                events(.failed(output: p.job.plan.label, error: e))
                result.failed.append((p.job.plan.label, e))
            }
            return result
        }
        // `jobs` joins side by side (each streams packets: memory does not grow with the number of outputs), their
        // results kept in the outputs' order.
        let digests = PieceDigests(), toJoin = planned
        let joins = JoinQueue(count: planned.count)
        let joinAll: @Sendable () -> Void = { [self] in
            while let index = joins.next() {
                if isCancelled() { joins.cancel(); break }
                let outcome = joinOne(toJoin[index], cache: cache, failures: failures, digests: digests,
                                      files: files, keyframes: keyframes)
                joins.set(index, outcome)
                if case .cancelled = outcome { joins.cancel(); break }
                Memory.trim()
            }
        }
        let threads = max(1, min(options.jobs, planned.count))
        if threads == 1 {
            joinAll()  // on this thread, as before: no other thread's malloc arena to fill
        } else {
            let joined = DispatchGroup()
            for _ in 0..<threads {
                joined.enter()
                Thread.detachNewThread { defer { joined.leave() }; joinAll() }
            }
            joined.wait()
        }
        for outcome in joins.outcomes {
            switch outcome {
            case let .written(written, encoded)?:
                result.written.append(written)
                result.encoded += encoded
            case let .failed(label, error)?:
                result.failed.append((label, error))
            case .cancelled?, nil:
                result.cancelled = true
            }
        }
        return result
    }

    enum Joined { case landed(RenderedOutput), overCap(Int64) }

    /// Encodes what the output still lacks (an entry whose bytes fail their seal is encoded again) and joins it.
    func finish(_ p: Planned, cache: RenderCache, digests: PieceDigests, encoded: inout Int) throws -> Joined {
        for (piece, key) in zip(p.pieces, p.pieceKeys) where !cache.isComplete(.piece, key, hashing: true) {
            try make(Work(kind: .piece, key: key, planned: p, piece: piece, frames: piece.frames.count,
                          outputs: [p.job.plan.label]), cache: cache) { _ in }
            encoded += 1
        }
        if !soundComplete(p, cache, hashing: true) {
            try make(Work(kind: .sound, key: p.soundKey, planned: p, piece: nil, frames: 0, outputs: [p.job.plan.label]),
                     cache: cache) { _ in }
            encoded += 1
        }
        do {
            return .landed(try join(p, cache: cache, digests: digests))
        } catch let over as OverCap {
            return .overCap(over.bytes)
        }
    }

    /// What joining one output came to.
    enum JoinOutcome {
        /// Written, after encoding `encoded` entries again (whose bytes no longer matched their seals, or an
        /// email's at a lower rate).
        case written(RenderedOutput, encoded: Int)
        case failed(String, RenderError)
        case cancelled
    }

    /// Joins one output whose entries are all there (encoding again any whose seal no longer matches).
    func joinOne(_ p: Planned, cache: RenderCache, failures: [String: RenderError], digests: PieceDigests,
                 files: FileIdentities, keyframes: KeyframeIndex) -> JoinOutcome {
        if let failure = (p.pieceKeys + [p.soundKey]).lazy.compactMap({ failures[$0] }).first {
            let e = RenderError(output: p.job.plan.label, message: failure.message, isInputProblem: failure.isInputProblem)
            events(.failed(output: p.job.plan.label, error: e))
            return .failed(p.job.plan.label, e)
        }
        do {
            var encoded = 0
            var attempt = p
            var written = try finish(attempt, cache: cache, digests: digests, encoded: &encoded)
            // A size-capped output over its cap (the rates are chosen to stay under: see SizeCap) is encoded
            // again at a lower rate, twice at most, and never lands over it.
            for retry in 0...2 {
                guard case let .overCap(bytes) = written else { break }
                var plan = attempt.job.plan
                guard retry < 2, SizeCap.lower(&plan.format, bytes: bytes) else {
                    throw RenderError(output: plan.label, message: "\(plan.label): \(bytes) bytes, over its cap of "
                                      + "\(plan.format.maxBytes ?? 0) bytes even at a lower rate; nothing was written",
                                      isInputProblem: false)
                }
                attempt = try self.plan(Job(plan: plan, directory: attempt.job.directory), files: files, keyframes: keyframes)
                // The record keeps the key of what was asked: the same manifest lowers the same way, so a
                // re-run finds the output in place instead of joining it again.
                attempt.outputKey = p.outputKey
                written = try finish(attempt, cache: cache, digests: digests, encoded: &encoded)
            }
            guard case let .landed(output) = written else { preconditionFailure("the retries land or throw") }
            events(.written(output))
            return .written(output, encoded: encoded)
        } catch is RenderCancelled {
            return .cancelled
        } catch let e as RenderError {
            events(.failed(output: p.job.plan.label, error: e))
            return .failed(p.job.plan.label, e)
        } catch {
            let e = RenderError(output: p.job.plan.label, message: String(describing: error), isInputProblem: false)
            events(.failed(output: p.job.plan.label, error: e))
            return .failed(p.job.plan.label, e)
        }
    }

    /// Keys an output's pieces, sound track and whole file.
    func plan(_ job: Job, files: FileIdentities, keyframes: KeyframeIndex) throws -> Planned {
        let plan = job.plan
        let keys = CacheKeys(plan: plan, video: CacheKeys.pieceEncoder(plan.format, preset: options.preset, crf: options.crf),
                             audio: soundSettings(plan.format), files: files)
        let pieces = plan.pieces(keyframes: keyframes.of(plan))
        let pieceKeys = try pieces.map { try keys.piece($0) }
        let soundKey = try keys.sound()
        var lines = [CacheKeys.version, "output"] + pieceKeys + [soundKey]
        lines += plan.tags.map { "tag \($0.0)=\($0.1.debugDescription)" }
        // The poster beside the MP4 (and its cover) shows this frame: a new `poster` time makes them again.
        if let frame = plan.posterFrame { lines.append("poster \(frame)") }
        if plan.captions.hasSoftCaptions {
            lines.append("captions \(plan.captions.style.fontFamily.debugDescription) \(plan.captions.style.fontSize)")
            lines += plan.captions.outputCues.map { "cue \($0.start) \($0.end) \($0.text.debugDescription)" }
        }
        return Planned(job: job, pieces: pieces, pieceKeys: pieceKeys, soundKey: soundKey, outputKey: CacheKeys.hash(lines),
                       keys: keys)
    }

    /// The sound track is there whole, and for a normalised output its measurement too.
    func soundComplete(_ p: Planned, _ cache: RenderCache, hashing: Bool = false) -> Bool {
        cache.isComplete(.sound, p.soundKey, hashing: hashing)
            && (p.job.plan.loudness.lufs == nil || cache.isComplete(.measure, p.soundKey, hashing: hashing))
    }

    func soundSettings(_ format: OutputFormat) -> AudioEncoderSettings {
        var audio = AudioEncoderSettings()
        audio.sampleRate = format.sampleRate
        audio.channels = format.channels
        audio.bitRate = format.audioBitRate
        return audio
    }

    /// The output's files in place, when they are the ones this render would write: its record names the same
    /// key, the MP4's bytes are those the record hashed, and the sidecars it names are there.
    func unchanged(_ p: Planned) -> RenderedOutput? {
        let folder = p.job.directory, name = p.job.plan.fileStem
        let mp4 = folder.appendingPathComponent("\(name).mp4"), recordURL = folder.appendingPathComponent("\(name).json")
        guard FileKind(linkAt: mp4.path) == .regular, let data = try? Data(contentsOf: recordURL),
              let record = try? RenderRecord.decode(data), record.cacheKey == p.outputKey else { return nil }
        // The bytes are the recorded ones if the file's size and time are as it landed; else they are read.
        let stamp = FileStamp.of(mp4.path)
        let untouched = stamp.map { $0.0 == record.bytes && $0.1 == record.modified } ?? false
        guard untouched || (try? SHA256.hex(ofFileAt: mp4.path)) == record.sha256 else { return nil }
        let srt = record.captions?.srt.map { folder.appendingPathComponent($0) }
        let vtt = record.captions?.vtt.map { folder.appendingPathComponent($0) }
        guard [srt, vtt].compactMap({ $0 }).allSatisfy({ FileKind(linkAt: $0.path) == .regular }) else { return nil }
        let poster = record.poster.map { folder.appendingPathComponent($0) }
        guard poster.map({ FileKind(linkAt: $0.path) == .regular }) ?? true else { return nil }
        return RenderedOutput(mp4: mp4, record: recordURL, poster: poster, srt: srt, vtt: vtt, plan: p.job.plan, sha256: record.sha256,
                              renderRecord: record)
    }

    /// Makes one cache entry, under a temporary name beside it until it is whole, then seals it.
    func make(_ item: Work, cache: RenderCache, advanced: (Int) -> Void) throws {
        let plan = item.planned.job.plan
        let url = try cache.prepare(item.kind, item.key)
        let scratch = url.deletingLastPathComponent()
        if let piece = item.piece {
            events(.pieceStarted(key: item.key, outputs: item.outputs, frames: piece.frames.count))
            let encoder = PieceEncoder(plan: plan, piece: piece,
                                       settings: CacheKeys.pieceEncoder(plan.format, preset: options.preset, crf: options.crf),
                                       scratch: scratch, decoderThreads: options.jobs > 1 ? 1 : 0, isCancelled: isCancelled)
            try mapErrors(plan) { try encoder.encode(to: url.path, advanced: advanced) }
            try cache.seal(.piece, item.key)
            events(.pieceDone(key: item.key, outputs: item.outputs))
        } else {
            let encoder = SoundEncoder(plan: plan, settings: soundSettings(plan.format), scratch: scratch,
                                       isCancelled: isCancelled)
            if let target = plan.loudness.lufs {
                let record = try mapErrors(plan) {
                    try encoder.encodeNormalised(to: url.path, target: target, keys: item.planned.keys, cache: cache)
                }
                try cache.store(record, item.key)
            } else {
                try mapErrors(plan) { try encoder.encode(to: url.path) }
            }
            try cache.seal(.sound, item.key)
            events(.soundDone(key: item.key, output: plan.label))
        }
    }

    /// FFmpeg's and the file system's errors as render errors of this output.
    func mapErrors<T>(_ plan: OutputPlan, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as FFmpegError {
            throw RenderError(output: plan.label, message: e.description, isInputProblem: false)
        } catch let e as FileError {
            throw RenderError(output: plan.label, message: e.description, isInputProblem: e.isInputProblem)
        }
    }

    /// Writes the output's MP4 from the cache, with its sidecars and record, all landing together.
    func join(_ p: Planned, cache: RenderCache, digests: PieceDigests) throws -> RenderedOutput {
        let plan = p.job.plan, directory = p.job.directory
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw RenderError(output: plan.label, message: "\(directory.path): cannot create the folder: "
                              + "\(error.localizedDescription)", isInputProblem: false)
        }
        TemporaryFiles.removeAbandoned(in: directory.path)
        let files = StagedFiles()
        defer { files.discard() }
        let pieces = zip(p.pieces, p.pieceKeys).map { ($0, cache.url(.piece, $1).path) }
        return try mapErrors(plan) {
            let poster = try Poster.pictures(plan, pieces: pieces)
            let loudness = plan.loudness.lufs == nil ? RenderRecord.Loudness.off
                : cache.reading(p.soundKey, as: RenderRecord.Loudness.self)
            var packets: String?
            return try OutputWriter(plan: plan, directory: directory)
                .write(staging: files, cacheKey: p.outputKey, poster: poster, loudness: loudness,
                       videoPackets: { packets }) { file in
                    packets = try Joiner(plan: plan, pieces: pieces, soundPath: cache.url(.sound, p.soundKey).path,
                                         digests: plan.edition == nil ? nil : digests).write(file)
                }
        }
    }
}

/// One entry an output needs, for `plan --segments` and `cache prune`.
public struct CacheEntryListing: Sendable, Codable {
    public var output: String
    /// "piece" (video), "sound" (the output's whole sound track) or "loudness" (a clip's measured loudness,
    /// for a normalised output; `parts` names the clip).
    public var kind: String
    public var key: String
    /// Output frames [start, start + count) (a sound track: the whole output).
    public var start: Int
    public var count: Int
    /// For a piece: which frames of which sequence items make it (`"fund-time 0..<450"`; two for a crossfade).
    public var parts: [String]
    /// Whether the cache holds it whole, when a cache was looked in.
    public var cached: Bool?
    /// Which shard of `shards` encodes it (`render --shard I/N`), when asked.
    public var shard: Int?
}

extension BatchRenderer {
    /// Every cache entry the outputs need, in output order, with whether `cache` holds it (when given) and its
    /// shard of `shards` (when given).
    public func entries(_ jobs: [Job], cache: URL? = nil, shards: Int? = nil) throws -> [CacheEntryListing] {
        let files = FileIdentities(), keyframes = KeyframeIndex()
        let store = try cache.map { try RenderCache(directory: $0) }
        var listing: [CacheEntryListing] = []
        for job in jobs {
            let p = try plan(job, files: files, keyframes: keyframes)
            let plan = job.plan
            for (piece, key) in zip(p.pieces, p.pieceKeys) {
                listing.append(CacheEntryListing(
                    output: plan.label, kind: "piece", key: key, start: piece.frames.start, count: piece.frames.count,
                    parts: piece.parts.map { "\(plan.segments[$0.segment].item) \($0.frames.lowerBound)..<\($0.frames.upperBound)" },
                    cached: store.map { $0.isComplete(.piece, key) }, shard: shards.map { BatchRenderer.shard(of: key, among: $0) }))
            }
            // Each clip's loudness measurement, kept with its range: made with the sound track that first needs it,
            // so listed in that track's shard.
            if plan.loudness.lufs != nil {
                for segment in plan.segments {
                    guard case let .clip(c) = segment.content else { continue }
                    let key = try p.keys.clipLoudness(c, frames: segment.frames.count)
                    listing.append(CacheEntryListing(
                        output: plan.label, kind: "loudness", key: key, start: segment.frames.start, count: segment.frames.count,
                        parts: [c.clip], cached: store.map { $0.isComplete(.measure, key) },
                        shard: shards.map { BatchRenderer.shard(of: p.soundKey, among: $0) }))
                }
            }
            listing.append(CacheEntryListing(
                output: plan.label, kind: "sound", key: p.soundKey, start: 0, count: plan.frameCount, parts: [],
                cached: store.map { soundComplete(p, $0) }, shard: shards.map { BatchRenderer.shard(of: p.soundKey, among: $0) }))
        }
        return listing
    }

    /// The shard that encodes `key`: a stable split by key, the same on every machine.
    public static func shard(of key: String, among count: Int) -> Int {
        Int((UInt64(key.prefix(15), radix: 16) ?? 0) % UInt64(max(1, count)))
    }
}
