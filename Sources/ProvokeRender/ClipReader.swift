import FFmpegKit
import Foundation
import ProvokeTimeline

/// Reads one clip segment from its source: seeks to the keyframe before the in-point, decodes
/// forward, and hands the sink exactly `frames.count` normalised video frames and exactly the matching
/// number of audio samples. Frame choice: output frame k shows the latest source frame whose time is
/// at or before `in + k/fps` (1 ms tolerance, as manifest times have millisecond precision). So a
/// 25 fps source repeats frames, a 60 fps source skips them, and the first frame is the one on screen
/// at `in` whatever the keyframe spacing.
final class ClipReader {
    let clip: ClipContent
    let frames: FrameRange
    let format: OutputFormat
    /// The captions to burn in (output time), or nil.
    let captionScript: BurnIn?
    let isCancelled: () -> Bool
    /// The segment's frames to produce (0-based within the segment): all of them for a render, one for a still.
    let only: Range<Int>
    /// Whether to produce the sound (stills need none).
    let withAudio: Bool
    static let toleranceMicroseconds: Int64 = 1_000

    init(clip: ClipContent, frames: FrameRange, format: OutputFormat, captionScript: BurnIn? = nil,
         only: Range<Int>? = nil, withAudio: Bool = true, isCancelled: @escaping () -> Bool) {
        self.clip = clip
        self.frames = frames
        self.format = format
        self.captionScript = captionScript
        self.only = only ?? 0..<frames.count
        self.withAudio = withAudio && only == nil
        self.isCancelled = isCancelled
    }

    /// Runs the segment; `advanced(n)` is called after n more frames went to the encoder.
    func run(into out: SegmentOutput, advanced: (Int) -> Void) throws {
        let input = try InputFile(path: clip.path)
        guard let videoInfo = input.bestStream(.video) else {
            throw FFmpegError(call: "av_find_best_stream", file: clip.path, reason: "no video stream")
        }
        let audioInfo = withAudio ? input.bestStream(.audio) : nil
        input.select(streams: Set([videoInfo.index] + (audioInfo.map { [$0.index] } ?? [])))

        let origin = input.startMicroseconds  // what players show as 0
        let inAbsolute = origin + clip.sourceIn.microseconds
        // The demuxer lands on the keyframe at or before the first frame wanted (with the frame choice's
        // tolerance, so an in-point on a keyframe does not go back a whole GOP).
        let firstWanted = inAbsolute + Int64(only.lowerBound) * 1_000_000 / Int64(format.fps)
        let seekTarget = rescale(firstWanted + ClipReader.toleranceMicroseconds, from: Rational(1, 1_000_000),
                                 to: videoInfo.timeBase)
        if (try? input.seek(stream: videoInfo.index, toKeyframeAtOrBefore: seekTarget)) == nil {
            try input.seek(stream: videoInfo.index, toKeyframeAtOrBefore: videoInfo.startTime ?? 0)
        }

        let video = VideoPath(decoder: try Decoder(input, stream: videoInfo.index), info: videoInfo,
                              clip: clip, frames: frames, only: only, format: format, origin: origin,
                              captionScript: captionScript)
        let audio = try audioInfo.map {
            try AudioPath(decoder: try Decoder(input, stream: $0.index), info: $0,
                          inAbsolute: inAbsolute, samples: format.samples(forFrames: frames.count), format: format)
        }

        do {
            try decodeLoop(input: input, video: video, audio: audio, videoIndex: videoInfo.index, out: out, advanced: advanced)
        } catch let e as FFmpegError where e.isInvalidData && e.call != "av_read_frame" {
            let at = SourceTimeText.seconds(clip.sourceIn.microseconds + Int64(video.next) * 1_000_000 / Int64(format.fps))
            throw FFmpegError(call: e.call, file: clip.path,
                              reason: "cannot be decoded at about \(at): \(e.reason) (the file may be damaged or truncated)")
        }
        if audio == nil && withAudio {
            // A source without sound contributes silence of exactly the segment's length.
            try out.silence(format.samples(forFrames: frames.count))
        }
    }

    private func decodeLoop(input: InputFile, video: VideoPath, audio: AudioPath?, videoIndex: Int,
                            out: SegmentOutput, advanced: (Int) -> Void) throws {
        let packet = Packet()
        var reachedEnd = false
        while !(video.isDone && (audio?.isDone ?? true)) {
            if isCancelled() { throw RenderCancelled() }
            switch try input.read(into: packet) {
            case .endOfFile:
                reachedEnd = true
            case .packet:
                if packet.streamIndex == videoIndex, !video.isDone {
                    try video.decode(packet, out: out, advanced: advanced)
                } else if let audio, packet.streamIndex == audio.info.index, !audio.isDone {
                    try audio.decode(packet, out: out)
                }
            }
            if reachedEnd { break }
        }
        if reachedEnd {
            try video.finish(out: out, advanced: advanced)
            try audio?.finish(out: out)
        }
    }
}

/// Decoding, frame choice and normalisation of a clip's video.
final class VideoPath {
    let decoder: Decoder
    let info: StreamInfo
    let clip: ClipContent
    let frames: FrameRange
    let format: OutputFormat
    let origin: Int64
    let captionScript: BurnIn?
    /// The next output frame of the segment to produce (within `only`).
    var next: Int
    /// The first and the end of the frames to produce.
    let first: Int
    let end: Int
    /// The latest decoded frame at or before the next output frame's time.
    var held: Frame?
    var graph: NormaliseGraph?
    let decoded = Frame()

    init(decoder: Decoder, info: StreamInfo, clip: ClipContent, frames: FrameRange, only: Range<Int>,
         format: OutputFormat, origin: Int64, captionScript: BurnIn?) {
        self.next = only.lowerBound
        self.first = only.lowerBound
        self.end = only.upperBound
        self.captionScript = captionScript
        self.decoder = decoder
        self.info = info
        self.clip = clip
        self.frames = frames
        self.format = format
        self.origin = origin
    }

    var isDone: Bool { next >= end }

    func decode(_ packet: Packet, out: SegmentOutput, advanced: (Int) -> Void) throws {
        try decoder.send(packet)
        try drain(out: out, advanced: advanced)
    }

    func finish(out: SegmentOutput, advanced: (Int) -> Void) throws {
        try decoder.send(nil)
        try drain(out: out, advanced: advanced)
        // The source ran out. Up to two frames of rounding at the very end are filled by holding the
        // last picture; more than that means the file is shorter than its header says.
        let missing = end - next
        if missing > 2 || held == nil {
            let at = SourceTimeText.seconds(clip.sourceIn.microseconds + Int64(next) * 1_000_000 / Int64(format.fps))
            throw FFmpegError(call: "av_read_frame", file: clip.path,
                              reason: "the video ends at \(at), before the clip's out point \(clip.sourceOut) (the file may be damaged or truncated)")
        }
        while !isDone, let held { try emit(held, out: out, advanced: advanced) }
    }

    private func drain(out: SegmentOutput, advanced: (Int) -> Void) throws {
        while !isDone {
            switch try decoder.receive(into: decoded) {
            case .needsInput, .endOfStream: return
            case .frame:
                try take(decoded, out: out, advanced: advanced)
            }
        }
    }

    /// Is the frame at `pts` (stream time base) later than output frame `k`'s time (+ tolerance)?
    private func isAfterOutputFrame(_ pts: Int64, _ k: Int) -> Bool {
        // pts·tb ≤ (origin + in + tol)/1e6 + k/fps, compared exactly in integers.
        let tb = info.timeBase
        let lhs = Int128(pts) * Int128(tb.num) * Int128(format.fps) * 1_000_000
        let rhs = (Int128(origin + clip.sourceIn.microseconds + ClipReader.toleranceMicroseconds) * Int128(format.fps)
                   + Int128(k) * 1_000_000) * Int128(tb.den)
        return lhs > rhs
    }

    private func take(_ frame: Frame, out: SegmentOutput, advanced: (Int) -> Void) throws {
        guard let pts = frame.bestEffortTimestamp else { return }
        // Every output frame whose time comes before this new frame shows the frame held so far
        // (or, if the source starts late, this one).
        while !isDone && isAfterOutputFrame(pts, next) {
            try emit(held ?? frame, out: out, advanced: advanced)
        }
        held = try frame.clone()
        frame.unref()
    }

    private func emit(_ frame: Frame, out: SegmentOutput, advanced: (Int) -> Void) throws {
        if graph == nil {
            graph = try NormaliseGraph(first: frame, rotation: info.rotation, format: format, captionScript: captionScript)
        }
        let outFrame = try graph!.normalise(frame, pts: Int64(frames.start + next))
        try out.video(outFrame, keyframe: next == first)
        next += 1
        advanced(1)
    }
}

/// buffer → [transpose/flip] → scale → pad → format=yuv420p → setsar=1 → [ass] → buffersink, built for the
/// first frame's size and pixel format. Every option is set on its node (no graph strings).
///
/// Frames enter with pts = their output frame number in time base 1/fps, so after `pad` they are output frames
/// at output time: libavfilter's `ass` filter asks libass for the picture at pts × time base (truncated to
/// milliseconds), which is the clock the script's events are on. The script is a file whose path is the
/// filter's `filename` option; caption text never enters the graph.
final class NormaliseGraph {
    let graph = FilterGraph()
    let source: FilterGraph.Node
    let sink: FilterGraph.Node
    let out = Frame()

    init(first: Frame, rotation: Int, format: OutputFormat, captionScript: BurnIn? = nil) throws {
        source = try graph.videoSource(width: first.width, height: first.height, pixelFormat: first.pixelFormat,
                                       timeBase: Rational(1, Int32(format.fps)), sampleAspectRatio: first.sampleAspectRatio)
        var chain = [source]
        // Display matrix rotation is counter-clockwise degrees; players turn the picture upright.
        switch rotation {
        case 90: chain.append(try graph.add("transpose", [("dir", "cclock")]))
        case 270: chain.append(try graph.add("transpose", [("dir", "clock")]))
        case 180:
            chain.append(try graph.add("hflip"))
            chain.append(try graph.add("vflip"))
        default: break
        }
        let sar = first.sampleAspectRatio
        let box = Letterbox.fit(sourceWidth: first.width, sourceHeight: first.height,
                                sarNum: Int(sar.num), sarDen: Int(sar.den), rotation: rotation,
                                into: format.width, format.height)
        chain.append(try graph.add("scale", [("w", String(box.width)), ("h", String(box.height)), ("flags", "bicubic")]))
        chain.append(try graph.add("pad", [("w", String(format.width)), ("h", String(format.height)),
                                           ("x", String(box.x)), ("y", String(box.y)), ("color", "black")]))
        chain.append(try graph.add("format", [("pix_fmts", "yuv420p")]))
        chain.append(try graph.add("setsar", [("sar", "1")]))
        if let captionScript { chain.append(try captionScript.node(in: graph)) }
        sink = try graph.videoSink()
        chain.append(sink)
        try graph.chain(chain)
        try graph.configure()
    }

    func normalise(_ frame: Frame, pts: Int64) throws -> Frame {
        frame.pts = pts
        try graph.push(frame, into: source)
        switch try graph.pull(from: sink, into: out) {
        case .frame: return out
        case .needsInput, .endOfStream:
            throw FFmpegError(call: "av_buffersink_get_frame", reason: "the normalising filter graph held back a frame")
        }
    }
}

/// Decoding and resampling of a clip's audio, trimmed to exactly the segment's samples.
final class AudioPath {
    let decoder: Decoder
    let info: StreamInfo
    let inAbsolute: Int64
    let samples: Int
    let format: OutputFormat
    var resampler: Resampler?
    let fifo: AudioFifo
    /// Samples still to drop from the front (decoded audio before the in-point).
    var toDrop = 0
    var delivered = 0
    let decoded = Frame()

    init(decoder: Decoder, info: StreamInfo, inAbsolute: Int64, samples: Int, format: OutputFormat) throws {
        self.decoder = decoder
        self.info = info
        self.inAbsolute = inAbsolute
        self.samples = samples
        self.format = format
        self.fifo = AudioFifo(channels: format.channels)
    }

    var isDone: Bool { delivered >= samples }

    func decode(_ packet: Packet, out: SegmentOutput) throws {
        try decoder.send(packet)
        try drain(out: out)
    }

    func finish(out: SegmentOutput) throws {
        try decoder.send(nil)
        try drain(out: out)
        if let resampler { try resampler.convert(nil, into: fifo); try deliver(out: out) }
        // Sound shorter than the picture (or none left): silence to the segment's end.
        if !isDone {
            try out.silence(samples - delivered)
            delivered = samples
        }
    }

    private func drain(out: SegmentOutput) throws {
        while !isDone {
            switch try decoder.receive(into: decoded) {
            case .needsInput, .endOfStream: return
            case .frame:
                if resampler == nil {
                    guard let pts = decoded.bestEffortTimestamp else { continue }
                    resampler = try Resampler(inputRate: decoded.sampleRate, inputChannels: decoded.channelCount,
                                              inputFormat: decoded.sampleFormat, outputRate: format.sampleRate,
                                              outputChannels: format.channels)
                    // Output samples between the first decoded sample and the in-point. Negative: the
                    // sound starts after the in-point, so the gap is silence.
                    let firstUs = rescale(pts, from: info.timeBase, to: Rational(1, 1_000_000))
                    let gap = Int((Int128(inAbsolute - firstUs) * Int128(format.sampleRate) / 1_000_000))
                    if gap >= 0 { toDrop = gap } else { try fifo.writeSilence(-gap) }
                }
                try resampler!.convert(decoded, into: fifo)
                decoded.unref()
                try deliver(out: out)
            }
        }
    }

    private func deliver(out: SegmentOutput) throws {
        if toDrop > 0 {
            let n = min(toDrop, fifo.count)
            try fifo.drop(n)
            toDrop -= n
        }
        let n = min(fifo.count, samples - delivered)
        if toDrop == 0 && n > 0 {
            try out.audio(from: fifo, count: n)
            delivered += n
        }
    }
}

enum SourceTimeText {
    static func seconds(_ us: Int64) -> String {
        String(format: "%02lld:%02lld:%06.3f", us / 3_600_000_000, (us / 60_000_000) % 60, Double(us % 60_000_000) / 1e6)
    }
}

/// An ASS script to draw into frames whose pts are output frame numbers (time base 1/fps), so libass is asked
/// for the picture at each frame's output time, the clock the script's events are on.
struct BurnIn {
    /// The script file: the `ass` filter reads a file, so text never enters the graph.
    var path: String
    /// Font files libass loads besides fontconfig's (the project's assets/fonts/), or nil.
    var fontsDirectory: String?

    /// The frame is the script's PlayRes size, so nothing is rescaled; libass finds fonts through fontconfig
    /// (DejaVu Sans: fonts-dejavu-core) and in `fontsDirectory`.
    func node(in graph: FilterGraph) throws -> FilterGraph.Node {
        var options = [("filename", path)]
        if let fontsDirectory { options.append(("fontsdir", fontsDirectory)) }
        return try graph.add("ass", options)
    }
}
