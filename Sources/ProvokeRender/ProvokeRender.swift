// ProvokeRender: executes a RenderPlan, one output at a time: for each segment, decode the source
// range (seeking to the keyframe before the in-point), pick the frame shown at each output frame
// time, normalise it (rotate, scale, letterbox, yuv420p) and burn in captions (libass) in a filter graph,
// encode (libx264, AAC, mov_text captions) and mux into one MP4 that appears together with its .srt/.vtt
// caption sidecars and JSON record (all staged under temporary names and renamed at once: ProvokeSystem's
// StagedFiles), or not at all.
// It never decides what goes where: that is the plan's job (ProvokeTimeline).
import FFmpegKit
import Foundation
import ProvokeCaptions
import ProvokeManifest
import ProvokeSystem
import ProvokeTimeline

/// Why an output could not be rendered. `isInputProblem` separates bad media (exit 1) from failures
/// while rendering or writing (exit 3).
public struct RenderError: Error, CustomStringConvertible {
    public var output: String
    public var message: String
    public var isInputProblem: Bool
    public var description: String { message }
}

/// Thrown when the cancellation check says stop (SIGINT, SIGTERM, SIGHUP); no partial file is left.
public struct RenderCancelled: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "cancelled" }
}

/// Progress of one output, reported after every encoded frame.
public struct RenderProgress: Sendable {
    public var output: String
    public var framesDone: Int
    public var framesTotal: Int
    public var fraction: Double { framesTotal == 0 ? 1 : Double(framesDone) / Double(framesTotal) }
}

/// What render wrote for one output.
public struct RenderedOutput: Sendable {
    public var mp4: URL
    public var record: URL
    /// `<output>.png`: the poster frame, also embedded in the MP4 as its cover.
    public var poster: URL?
    /// The caption sidecars, when the output has soft captions.
    public var srt: URL?
    public var vtt: URL?
    public var plan: OutputPlan
    public var sha256: String
    public var renderRecord: RenderRecord
}

public struct Renderer {
    public var progress: (RenderProgress) -> Void
    public var isCancelled: @Sendable () -> Bool
    /// x264 settings; the defaults match the reference job (preset veryfast, CRF 23, high profile).
    public var preset = "veryfast"
    public var crf = 23

    public init(progress: @escaping (RenderProgress) -> Void = { _ in }, isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.progress = progress
        self.isCancelled = isCancelled
    }

    /// Renders one output into `directory` as `<output>.mp4` and `<output>.json` (and `.srt`, `.vtt` with
    /// soft captions), without a cache: a batch of one through a temporary cache (`BatchRenderer`), so it is the
    /// same render as every other. The files appear together, or none of them does.
    public func render(_ plan: OutputPlan, into directory: URL) throws -> RenderedOutput {
        var options = RenderOptions()
        options.preset = preset
        options.crf = crf
        let seen = ProgressRelay(progress)
        let batch = BatchRenderer(options: options, isCancelled: isCancelled) { event in
            if case let .progress(output, done, total) = event { seen.send(RenderProgress(output: output, framesDone: done, framesTotal: total)) }
        }
        let result = try batch.render([BatchRenderer.Job(plan: plan, directory: directory)])
        seen.flush()
        if let failure = result.failed.first { throw failure.error }
        if result.cancelled && result.written.isEmpty { throw RenderCancelled() }
        guard let written = result.written.first ?? result.unchanged.first else {
            throw RenderError(output: plan.output, message: "\(plan.output): nothing was written", isInputProblem: false)
        }
        return written
    }
}

/// Hands progress reported on worker threads to a caller's closure on the caller's thread, after the fact.
final class ProgressRelay: @unchecked Sendable {  // `pending` is guarded by `lock`
    private let lock = NSLock()
    private var pending: [RenderProgress] = []
    private let body: (RenderProgress) -> Void
    init(_ body: @escaping (RenderProgress) -> Void) { self.body = body }
    func send(_ p: RenderProgress) { lock.lock(); pending.append(p); lock.unlock() }
    func flush() {
        lock.lock()
        let all = pending
        pending = []
        lock.unlock()
        all.forEach(body)
    }
}

/// A size-capped output came out over its cap; nothing was written.
struct OverCap: Error { var bytes: Int64 }

/// Writes one output's files: the MP4 (its streams filled by the caller), the caption sidecars and the JSON
/// record. They appear together, or none of them does and whatever was there before stays; the record is
/// renamed into place last, so a record always names an MP4 that is there.
struct OutputWriter {
    let plan: OutputPlan
    let directory: URL

    /// `videoPackets`: the video packets' fingerprint, if `fill` worked it out (a personal edition's); else it is
    /// read back from the file when the record needs it.
    func write(staging files: StagedFiles, cacheKey: String?, poster: (png: Data, cover: Data)? = nil,
               loudness: RenderRecord.Loudness? = nil, videoPackets: () -> String? = { nil },
               fill: (OutputFile) throws -> Void) throws -> RenderedOutput {
        let mp4 = directory.appendingPathComponent("\(plan.fileStem).mp4")
        let recordURL = directory.appendingPathComponent("\(plan.fileStem).json")
        let srtURL = directory.appendingPathComponent("\(plan.fileStem).srt")
        let vttURL = directory.appendingPathComponent("\(plan.fileStem).vtt")
        let captions = plan.captions

        let file = try OutputFile(path: mp4.path, format: "mp4", tags: plan.tags,
                                  // faststart: the index goes before the media, so browsers and phones
                                  // play while downloading; use_metadata_tags keeps custom keys (audience).
                                  muxerOptions: [("movflags", "+faststart+use_metadata_tags")],
                                  stagedWith: files)
        // Every destination is checked now (a folder or a pipe where the record goes), not after the work.
        // Staging order is rename order: the record goes last.
        let srtStaged = captions.hasSoftCaptions ? try files.stage(srtURL.path) : nil
        let vttStaged = captions.hasSoftCaptions ? try files.stage(vttURL.path) : nil
        let posterURL = directory.appendingPathComponent("\(plan.fileStem).png")
        let posterStaged = poster == nil ? nil : try files.stage(posterURL.path)
        let recordStaged = try files.stage(recordURL.path)
        do {
            try fill(file)
            // Writes the trailer, still under the temporary name.
            try file.finish()
            // The cover goes into the finished file's metadata (CoverArt says why not through the muxer).
            if let poster { try CoverArt.embed(poster.cover, intoMP4: file.temporaryPath) }
        } catch {
            file.discard()
            throw error
        }
        if let poster, let posterStaged { try files.write(poster.png, toStaged: posterStaged) }

        // Sidecars with the same cues as the track (overlaps kept: both formats allow them).
        if let srtStaged, let vttStaged {
            try files.write(Data(CaptionFormat.srt.write(captions.outputCues).utf8), toStaged: srtStaged)
            try files.write(Data(CaptionFormat.vtt.write(captions.outputCues).utf8), toStaged: vttStaged)
        }

        let sha = try SHA256.hex(ofFileAt: file.temporaryPath)
        var record = RenderRecord(plan: plan, file: mp4.lastPathComponent, sha256: sha, renderedAt: Date())
        // Renaming keeps both, so they are the landed file's.
        (record.bytes, record.modified) = FileStamp.of(file.temporaryPath) ?? (nil, nil)
        // The rates are chosen to stay under (SizeCap); a file over its cap is never shipped.
        if let cap = plan.format.maxBytes, let bytes = record.bytes, bytes > cap { throw OverCap(bytes: bytes) }
        record.poster = poster == nil ? nil : posterURL.lastPathComponent
        record.captions = RenderRecord.Captions(
            mode: captions.mode, cues: captions.cues.count, speakers: captions.lowerThirds.count,
            burned: captions.burnsIn, track: captions.hasSoftCaptions,
            language: captions.hasSoftCaptions ? "eng" : nil,
            srt: captions.hasSoftCaptions ? srtURL.lastPathComponent : nil,
            vtt: captions.hasSoftCaptions ? vttURL.lastPathComponent : nil)
        record.cacheKey = cacheKey
        record.loudness = loudness
        if let edition = plan.edition {
            record.edition = EditionRecord(recipient: edition.recipient, code: edition.code, slug: edition.slug,
                                           videoPacketsSHA256: try videoPackets() ?? VideoPackets.sha256(ofFileAt: file.temporaryPath))
        }
        try files.write(try record.jsonData(), toStaged: recordStaged)
        try files.commit()
        // Sidecars left from an earlier render with soft captions go, so the folder matches the record; only
        // files (never a device or pipe someone put there) are removed.
        if !captions.hasSoftCaptions {
            for sidecar in [srtURL.path, vttURL.path] where FileKind(linkAt: sidecar) == .regular { unlink(sidecar) }
        }
        return RenderedOutput(mp4: mp4, record: recordURL, poster: poster == nil ? nil : posterURL,
                              srt: captions.hasSoftCaptions ? srtURL : nil,
                              vtt: captions.hasSoftCaptions ? vttURL : nil, plan: plan, sha256: sha, renderRecord: record)
    }
}

extension Renderer {
    /// Output frame `frame` exactly as the render shows it (transitions, cards, burned-in captions), as a
    /// yuv420p frame. Decodes only what that frame needs: from the keyframe before it in each segment on screen.
    public func still(_ plan: OutputPlan, frame: Int) throws -> Frame {
        guard frame >= 0, frame < plan.frameCount else {
            throw RenderError(output: plan.output, message: "frame \(frame) is outside the output's \(plan.frameCount) frames",
                              isInputProblem: true)
        }
        let grab = FrameGrab(frame: frame)
        let mixer = TransitionMixer(plan: plan, output: grab)
        let runner = SegmentRunner(plan: plan, scratch: FileManager.default.temporaryDirectory, isCancelled: isCancelled)
        do {
            // In order, so a crossfade's earlier side is held when the later one arrives.
            for (index, segment) in plan.segments.enumerated()
            where segment.frames.start <= frame && frame < segment.frames.end {
                let k = frame - segment.frames.start
                try runner.run(index, into: mixer.lane(index), only: k..<(k + 1)) { _ in }
            }
        } catch let e as FFmpegError {
            throw RenderError(output: plan.output, message: "\(e.file.map { "\($0): " } ?? "")\(e.reason) (\(e.call))",
                              isInputProblem: false)
        }
        guard let picture = grab.picture else {
            throw RenderError(output: plan.output, message: "frame \(frame) was not produced", isInputProblem: false)
        }
        return picture
    }
}

/// Keeps the one frame a still wants; sound is not asked for.
final class FrameGrab: TimelineOutput {
    let frame: Int
    var picture: Frame?
    init(frame: Int) { self.frame = frame }
    func encodeVideo(_ frame: Frame, keyframe: Bool) throws {
        if frame.pts == Int64(self.frame) { picture = try frame.clone() }
    }
    func appendAudio(_ chunk: Frame) throws {}
}

extension RenderRecord {
    init(plan: OutputPlan, file: String, sha256: String, renderedAt: Date) {
        let fps = plan.format.fps
        func seconds(_ frame: Int) -> Double { plan.format.clock.time(ofFrame: frame).seconds }
        let clips: [RenderRecord.Clip] = plan.segments.compactMap { segment in
            guard case let .clip(c) = segment.content else { return nil }
            return RenderRecord.Clip(clip: c.clip, source: c.source, file: c.file,
                                     sourceIn: c.sourceIn.seconds, sourceOut: c.sourceOut.seconds,
                                     outputStart: seconds(segment.frames.start), outputEnd: seconds(segment.frames.end),
                                     outputStartFrame: segment.frames.start, outputEndFrame: segment.frames.end,
                                     ideas: c.ideas)
        }
        let cards: [RenderRecord.Card] = plan.segments.compactMap { segment in
            guard case let .card(c) = segment.content else { return nil }
            return RenderRecord.Card(card: c.card, template: c.template, outputStart: seconds(segment.frames.start),
                                     outputEnd: seconds(segment.frames.end), outputStartFrame: segment.frames.start,
                                     outputEndFrame: segment.frames.end)
        }
        // Milliseconds: two versions rendered within one second must still order by render time in the ledger.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let stamp = formatter.string(from: renderedAt)
        self.init(project: plan.project, projectTitle: plan.projectTitle, output: plan.output, audience: plan.audience,
                  title: plan.title, duration: seconds(plan.frameCount), frames: plan.frameCount, fps: fps,
                  width: plan.format.width, height: plan.format.height, audioSamples: plan.audioSampleCount,
                  sampleRate: plan.format.sampleRate, clips: clips,
                  ideas: plan.ideas.map { RenderRecord.Idea(id: $0.id, text: $0.text) },
                  file: file, sha256: sha256, renderedAt: stamp)
        self.cards = cards
        preset = plan.format.preset
        addReportDetails(from: plan)
    }

    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}

/// A file's size and modification time, to see whether it changed since a render wrote it.
enum FileStamp {
    static func of(_ path: String) -> (Int64, String)? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (Int64(st.st_size), "\(st.st_mtim.tv_sec).\(String(format: "%09ld", st.st_mtim.tv_nsec))")
    }
}

/// Pictures for people, as PNG files' bytes: the command line writes them and needs no FFmpeg types.
extension Renderer {
    /// Output frame `frame` as `still` shows it (see `still(_:frame:)`), as PNG.
    public func stillPNG(_ plan: OutputPlan, frame: Int) throws -> Data {
        try png(plan) { try still(plan, frame: frame) }
    }

    /// The output's contact sheet (`Storyboard.sheet`), as PNG.
    public func storyboardPNG(_ plan: OutputPlan) throws -> Data {
        try png(plan) { try Storyboard.sheet(plan, renderer: self) }
    }

    private func png(_ plan: OutputPlan, _ make: () throws -> Frame) throws -> Data {
        do {
            return try PNGImage.encode(try make())
        } catch let e as FFmpegError {
            throw RenderError(output: plan.output, message: e.description, isInputProblem: false)
        }
    }

    /// Keeps FFmpeg's own log quiet: provoke reports what went wrong itself, with the file and the call.
    public static func quietMediaLibraries() { FFmpegLog.setQuiet() }
    /// Not a word from FFmpeg (`probe` reports each file's problem itself).
    public static func silenceMediaLibraries() { FFmpegLog.setSilent() }
}
