import FFmpegKit
import Foundation
import ProvokeTimeline

/// Reads one clip segment from its source: seeks to the keyframe before the in-point, decodes
/// forward, and hands the sink exactly `frames.count` normalised video frames and exactly the matching
/// number of audio samples. Which source frame each output frame shows is `ClipTiming.isAfter`'s rule
/// (ProvokeTimeline/Time.swift): a 25 fps source repeats frames, a 60 fps source skips them, and the first
/// frame is the one on screen at `in` whatever the keyframe spacing.
final class ClipReader {
    let clip: ClipContent
    let frames: FrameRange
    let format: OutputFormat
    /// The captions to burn in (output time), or nil.
    let captionScript: BurnIn?
    let isCancelled: () -> Bool
    /// The segment's frames to produce (0-based within the segment): all of them for a render, one for a still.
    let only: Range<Int>
    /// Whether to produce the pictures and the sound (stills and pieces need no sound; an output's sound track
    /// is made without pictures). Sound is always the whole segment's.
    let withVideo: Bool
    let withAudio: Bool
    /// The video decoder's threads (0: FFmpeg's choice; 1 where pieces are already decoded side by side).
    let decoderThreads: Int32

    init(clip: ClipContent, frames: FrameRange, format: OutputFormat, captionScript: BurnIn? = nil,
         only: Range<Int>? = nil, withVideo: Bool = true, withAudio: Bool = true, decoderThreads: Int32 = 0,
         isCancelled: @escaping () -> Bool) {
        self.decoderThreads = decoderThreads
        self.clip = clip
        self.frames = frames
        self.format = format
        self.captionScript = captionScript
        self.only = only ?? 0..<frames.count
        self.withVideo = withVideo
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
        input.select(streams: Set((withVideo ? [videoInfo.index] : []) + (audioInfo.map { [$0.index] } ?? [])))

        // Players show the file's start time as 0, and so do manifest times.
        let timing = clip.timing(format.clock, origin: input.startMicroseconds)
        // Sound alone: the demuxer lands on the video keyframe before the in-point all the same (audio packets
        // are all keyframes, but where the streams interleave is the video's business).
        try seek(input, to: timing, frame: only.lowerBound, stream: videoInfo)

        let video = try withVideo ? VideoPath(decoder: try Decoder(input, stream: videoInfo.index, threads: decoderThreads), info: videoInfo,
                                              clip: clip, timing: timing, frames: frames, only: only, format: format,
                                              captionScript: captionScript) : nil
        let audio = try audioInfo.map {
            try AudioPath(decoder: try Decoder(input, stream: $0.index), info: $0,
                          timing: timing, samples: format.samples(forFrames: frames.count), format: format)
        }

        do {
            try decodeLoop(input: input, video: video, audio: audio, videoIndex: videoInfo.index, out: out, advanced: advanced)
        } catch let e as FFmpegError where e.isInvalidData && e.call != "av_read_frame" {
            let at = timing.sourceTime(ofFrame: video?.next ?? 0)
            throw FFmpegError(call: e.call, file: clip.path,
                              reason: "cannot be decoded at about \(at): \(e.reason) (the file may be damaged or truncated)")
        }
        if audio == nil && withAudio {
            // A source without sound contributes silence of exactly the segment's length.
            try out.silence(format.samples(forFrames: frames.count))
        }
    }

    /// Lands the demuxer on the keyframe at or before output frame `k`'s source time (with the frame choice's
    /// tolerance, so an in-point on a keyframe does not go back a whole GOP). A file just opened is already at
    /// its start, so a target at or before the stream's first timestamp needs no seek: some demuxers refuse a
    /// seek before their first index entry. Any other failed seek is an error, never a silent decode from the
    /// start of a two-hour recording.
    private func seek(_ input: InputFile, to timing: ClipTiming, frame k: Int, stream: StreamInfo) throws {
        let target = rescale(timing.seekTarget(forFrame: k), from: Rational(1, 1_000_000), to: stream.timeBase)
        if let start = stream.startTime, target <= start { return }
        do {
            try input.seek(stream: stream.index, toKeyframeAtOrBefore: target)
        } catch let e as FFmpegError {
            throw FFmpegError(call: e.call, file: clip.path,
                              reason: "cannot seek to \(timing.sourceTime(ofFrame: k)): \(e.reason)")
        }
    }

    private func decodeLoop(input: InputFile, video: VideoPath?, audio: AudioPath?, videoIndex: Int,
                            out: SegmentOutput, advanced: (Int) -> Void) throws {
        let packet = Packet()
        var reachedEnd = false
        while !((video?.isDone ?? true) && (audio?.isDone ?? true)) {
            if isCancelled() { throw RenderCancelled() }
            switch try input.read(into: packet) {
            case .endOfFile:
                reachedEnd = true
            case .packet:
                if packet.streamIndex == videoIndex, let video, !video.isDone {
                    try video.decode(packet, out: out, advanced: advanced)
                } else if let audio, packet.streamIndex == audio.info.index, !audio.isDone {
                    try audio.decode(packet, out: out)
                }
            }
            if reachedEnd { break }
        }
        if reachedEnd {
            try video?.finish(out: out, advanced: advanced)
            try audio?.finish(out: out)
        }
    }
}

/// Decoding, frame choice and normalisation of a clip's video.
final class VideoPath {
    let decoder: Decoder
    let info: StreamInfo
    let clip: ClipContent
    let timing: ClipTiming
    let frames: FrameRange
    let format: OutputFormat
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

    init(decoder: Decoder, info: StreamInfo, clip: ClipContent, timing: ClipTiming, frames: FrameRange,
         only: Range<Int>, format: OutputFormat, captionScript: BurnIn?) {
        self.next = only.lowerBound
        self.first = only.lowerBound
        self.end = only.upperBound
        self.captionScript = captionScript
        self.decoder = decoder
        self.info = info
        self.clip = clip
        self.timing = timing
        self.frames = frames
        self.format = format
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
            let at = timing.sourceTime(ofFrame: next)
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

    private func take(_ frame: Frame, out: SegmentOutput, advanced: (Int) -> Void) throws {
        guard let pts = frame.bestEffortTimestamp else { return }
        // Every output frame whose time comes before this new frame shows the frame held so far
        // (or, if the source starts late, this one).
        while !isDone && timing.isAfter(pts: pts, timeBaseNumerator: Int(info.timeBase.num),
                                        timeBaseDenominator: Int(info.timeBase.den), frame: next) {
            try emit(held ?? frame, out: out, advanced: advanced)
        }
        held = try frame.clone()
        frame.unref()
    }

    private func emit(_ frame: Frame, out: SegmentOutput, advanced: (Int) -> Void) throws {
        if graph == nil {
            graph = try NormaliseGraph(first: frame, rotation: info.rotation, format: format, captionScript: captionScript)
        }
        // Filtered on the segment's clock (the burned-in script's), handed on at its output frame number.
        let outFrame = try graph!.normalise(frame, pts: Int64(next))
        outFrame.pts = Int64(frames.start + next)
        try out.video(outFrame, keyframe: next == first)
        next += 1
        advanced(1)
    }
}

/// buffer → [transpose/flip] → scale → pad (or `BlurredFill`) → format=yuv420p → setsar=1 → [ass] → buffersink, built for the
/// first frame's size and pixel format. Every option is set on its node (no graph strings).
///
/// Frames enter with pts = their frame number within the segment in time base 1/fps: libavfilter's `ass` filter
/// asks libass for the picture at pts × time base (truncated to milliseconds), which is the clock the segment's
/// script is on (`OutputPlan.burnInScript`). The script is a file whose path is the filter's `filename` option;
/// caption text never enters the graph.
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
        if format.fillsWithBlur {
            // The fill branches and joins again: what comes before is linked now, and the chain goes on from
            // the overlay that puts the picture over its fill.
            try graph.chain(chain)
            chain = [try BlurredFill.link(in: graph, from: chain.last!, picture: box, format: format)]
        } else {
            chain.append(try graph.add("scale", [("w", String(box.width)), ("h", String(box.height)), ("flags", "bicubic")]))
            chain.append(try graph.add("pad", [("w", String(format.width)), ("h", String(format.height)),
                                               ("x", String(box.x)), ("y", String(box.y)), ("color", "black")]))
        }
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
    let timing: ClipTiming
    let samples: Int
    let format: OutputFormat
    var resampler: Resampler?
    let fifo: AudioFifo
    /// Samples still to drop from the front (decoded audio before the in-point).
    var toDrop = 0
    var delivered = 0
    let decoded = Frame()

    init(decoder: Decoder, info: StreamInfo, timing: ClipTiming, samples: Int, format: OutputFormat) throws {
        self.decoder = decoder
        self.info = info
        self.timing = timing
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
                    let gap = timing.samplesBeforeIn(fromFileMicroseconds: rescale(pts, from: info.timeBase, to: Rational(1, 1_000_000)),
                                                     sampleRate: format.sampleRate)
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
