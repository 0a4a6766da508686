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
    /// The caption sidecars, when the output has soft captions.
    public var srt: URL?
    public var vtt: URL?
    public var plan: OutputPlan
    public var sha256: String
    public var renderRecord: RenderRecord
}

public struct Renderer {
    public var progress: (RenderProgress) -> Void
    public var isCancelled: () -> Bool
    /// x264 settings; the defaults match the reference job (preset veryfast, CRF 23, high profile).
    public var preset = "veryfast"
    public var crf = 23

    public init(progress: @escaping (RenderProgress) -> Void = { _ in }, isCancelled: @escaping () -> Bool = { false }) {
        self.progress = progress
        self.isCancelled = isCancelled
    }

    /// Renders one output into `directory` as `<output>.mp4` and `<output>.json` (and `.srt`, `.vtt` with
    /// soft captions). They appear together, or none of them does and whatever was there before stays; the
    /// record is renamed into place last, so a record always names an MP4 that is there. Temporary files that
    /// killed renders left in `directory` are removed first.
    public func render(_ plan: OutputPlan, into directory: URL) throws -> RenderedOutput {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw RenderError(output: plan.output, message: "\(directory.path): cannot create the folder: "
                              + "\(error.localizedDescription)", isInputProblem: false)
        }
        TemporaryFiles.removeAbandoned(in: directory.path)
        let files = StagedFiles()
        defer { files.discard() }
        do {
            return try render(plan, into: directory, staging: files)
        } catch let e as FileError {
            throw RenderError(output: plan.output, message: e.description, isInputProblem: e.isInputProblem)
        } catch let e as FFmpegError {
            throw RenderError(output: plan.output, message: e.description, isInputProblem: false)
        } catch let e where !(e is RenderError || e is RenderCancelled) {
            throw RenderError(output: plan.output, message: String(describing: e), isInputProblem: false)
        }
    }

    private func render(_ plan: OutputPlan, into directory: URL, staging files: StagedFiles) throws -> RenderedOutput {
        let mp4 = directory.appendingPathComponent("\(plan.output).mp4")
        let recordURL = directory.appendingPathComponent("\(plan.output).json")
        let srtURL = directory.appendingPathComponent("\(plan.output).srt")
        let vttURL = directory.appendingPathComponent("\(plan.output).vtt")
        let format = plan.format
        let captions = plan.captions

        let file = try OutputFile(path: mp4.path, format: "mp4", tags: plan.tags,
                                  // faststart: the index goes before the media, so browsers and phones
                                  // play while downloading; use_metadata_tags keeps custom keys (audience).
                                  muxerOptions: [("movflags", "+faststart+use_metadata_tags")],
                                  stagedWith: files)
        // Every destination is checked now (a folder or a pipe where the record goes), not after the encode.
        // Staging order is rename order: the record goes last.
        let srtStaged = captions.hasSoftCaptions ? try files.stage(srtURL.path) : nil
        let vttStaged = captions.hasSoftCaptions ? try files.stage(vttURL.path) : nil
        let recordStaged = try files.stage(recordURL.path)
        var video = VideoEncoderSettings(width: format.width, height: format.height, frameRate: format.fps)
        video.preset = preset
        video.crf = crf
        // An IDR frame wherever a segment starts (the segment sets pict_type I on its first frame): a viewer
        // can seek to every cut, and a segment is decodable on its own.
        video.options = [("forced-idr", "1")]
        let videoStream = try file.addVideo(video)
        var audio = AudioEncoderSettings()
        audio.sampleRate = format.sampleRate
        audio.channels = format.channels
        let audioStream = try file.addAudio(audio)
        // Soft captions: a mov_text track. One sample shows at a time, so overlapping cues are merged into
        // stretches showing every caption on screen. Its header's first style (the caption style) becomes the
        // track's default font, size and colour.
        var subtitles: (stream: Int, cues: [EncodeSink.SubtitleCue])?
        if captions.hasSoftCaptions {
            let header = ASSDocument(frameWidth: format.width, frameHeight: format.height, cues: [], style: captions.style).text
            let stream = try file.addSubtitle(SubtitleEncoderSettings(assHeader: header, language: "eng"))
            // Every caption gets the header's caption style: FFmpeg 5.1's mov_text encoder compares each caption's
            // style with the track's default, and for a style it cannot find it writes the first caption with a
            // zeroed style record (font size 0, transparent text).
            subtitles = (stream, sequentialCues(captions.outputCues).map {
                EncodeSink.SubtitleCue(start: $0.start, end: $0.end,
                                       event: SubtitleText.assEvent($0.text, style: ASSDocument.captionStyleName))
            })
        }
        try file.start()

        let sink = EncodeSink(file: file, videoStream: videoStream, audioStream: audioStream, format: format,
                              subtitles: subtitles)
        defer { sink.stop() }
        let mixer = TransitionMixer(plan: plan, output: sink)
        // Burned-in captions: each segment's script goes to a temporary file beside the output (the `ass` filter
        // reads a file), removed however the render ends.
        let runner = SegmentRunner(plan: plan, scratch: directory, isCancelled: isCancelled)
        // Progress counts frames produced: a crossfade's frames are produced twice (once per side).
        let total = plan.segments.reduce(0) { $0 + $1.frames.count }
        var done = 0
        do {
            for index in plan.segments.indices {
                try runner.run(index, into: mixer.lane(index)) { n in
                    done += n
                    progress(RenderProgress(output: plan.output, framesDone: done, framesTotal: total))
                }
            }
        } catch let e as FFmpegError {
            throw RenderError(output: plan.output, message: "\(mp4.path): \(e.reason) (\(e.call))", isInputProblem: false)
        }
        // Encodes what is queued and writes the trailer, still under the temporary name.
        try sink.finish(totalSamples: plan.audioSampleCount)

        // Sidecars with the same cues as the track (overlaps kept: both formats allow them).
        if let srtStaged, let vttStaged {
            try files.write(Data(CaptionFormat.srt.write(captions.outputCues).utf8), toStaged: srtStaged)
            try files.write(Data(CaptionFormat.vtt.write(captions.outputCues).utf8), toStaged: vttStaged)
        }

        let sha = try sha256Hex(ofFileAt: file.temporaryPath)
        var record = RenderRecord(plan: plan, file: mp4.lastPathComponent, sha256: sha, renderedAt: Date())
        record.captions = RenderRecord.Captions(
            mode: captions.mode, cues: captions.cues.count, speakers: captions.lowerThirds.count,
            burned: captions.burnsIn, track: captions.hasSoftCaptions,
            language: captions.hasSoftCaptions ? "eng" : nil,
            srt: captions.hasSoftCaptions ? srtURL.lastPathComponent : nil,
            vtt: captions.hasSoftCaptions ? vttURL.lastPathComponent : nil)
        try files.write(try record.jsonData(), toStaged: recordStaged)
        try files.commit()
        // Sidecars left from an earlier render with soft captions go, so the folder matches the record; only
        // files (never a device or pipe someone put there) are removed.
        if !captions.hasSoftCaptions {
            for sidecar in [srtURL.path, vttURL.path] where FileKind(linkAt: sidecar) == .regular { unlink(sidecar) }
        }
        return RenderedOutput(mp4: mp4, record: recordURL, srt: captions.hasSoftCaptions ? srtURL : nil,
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
        addReportDetails(from: plan)
    }

    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }
}
