import FFmpegKit
import Foundation
import ProvokeCards
import ProvokeCaptions
import ProvokeManifest
import ProvokeSystem
import ProvokeTimeline

/// Produces one segment of an output (all its frames and sound, some of its frames without sound for a piece
/// or a still, or its sound alone) into a lane of the TransitionMixer: clips through ClipReader, cards through
/// CardReader. It owns what several segments of one output share: the decoded logo and the music bed.
///
/// Every segment is filtered on its own clock (frames numbered from 0, captions from `OutputPlan.burnInScript`)
/// and only its frames' timestamps are output frame numbers, so what it draws does not depend on its position.
final class SegmentRunner {
    let plan: OutputPlan
    let isCancelled: () -> Bool
    /// Where card and caption scripts are written while a segment renders (removed after).
    let scratch: URL
    private var logos: [URL: Frame] = [:]
    private var music: MusicBed?
    /// Video decoding threads for clips (see `ClipReader.decoderThreads`).
    var decoderThreads: Int32 = 0

    /// What a run produces: everything, the pictures of some frames (0-based within the segment), or the sound.
    enum Part {
        case all
        case frames(Range<Int>)
        case sound
    }

    init(plan: OutputPlan, scratch: URL, isCancelled: @escaping () -> Bool) {
        self.plan = plan
        self.scratch = scratch
        self.isCancelled = isCancelled
    }

    /// Runs segment `index`; `only` limits it to some of its frames (0-based within the segment), without sound.
    func run(_ index: Int, into lane: SegmentOutput, only: Range<Int>? = nil, advanced: (Int) -> Void) throws {
        try run(index, into: lane, part: only.map(Part.frames) ?? .all, advanced: advanced)
    }

    func run(_ index: Int, into lane: SegmentOutput, part: Part, advanced: (Int) -> Void) throws {
        let segment = plan.segments[index]
        let only: Range<Int>?, withVideo: Bool, withAudio: Bool
        switch part {
        case .all: (only, withVideo, withAudio) = (nil, true, true)
        case let .frames(range): (only, withVideo, withAudio) = (range, true, false)
        case .sound: (only, withVideo, withAudio) = (nil, false, true)
        }
        switch segment.content {
        case let .clip(clip):
            let script = try withVideo ? captionScript(index, frames: only) : nil
            let burnIn = script.map { BurnIn(path: $0.path, fontsDirectory: plan.cardStyle.fontsDirectory?.path) }
            let reader = ClipReader(clip: clip, frames: segment.frames, format: plan.format, captionScript: burnIn,
                                    only: only, withVideo: withVideo, withAudio: withAudio,
                                    decoderThreads: decoderThreads, isCancelled: isCancelled)
            do {
                try reader.run(into: lane, advanced: advanced)
            } catch let e as FFmpegError where e.file == clip.path {
                // A problem of the source recording: bad input, named by the path the producer wrote.
                throw RenderError(output: plan.output, message: "\(clip.file): \(e.reason) (\(e.call))", isInputProblem: true)
            }
        case let .card(card):
            let scene: CardScene
            do {
                // On the card's own clock: laid out as if it started the output.
                scene = try CardLayout.scene(for: card, frames: FrameRange(start: 0, count: segment.frames.count),
                                             format: plan.format)
            } catch {
                throw RenderError(output: plan.output, message: "card \"\(card.card)\": \(error)", isInputProblem: true)
            }
            if withVideo {
                let logo = try card.style.logo.flatMap { file in scene.logoBox == nil ? nil : try self.logo(file) }
                let reader = CardReader(card: card, scene: scene, frames: segment.frames, format: plan.format,
                                        logo: logo, scratch: scratch, isCancelled: isCancelled)
                try reader.run(into: lane, only: only ?? 0..<segment.frames.count, advanced: advanced)
            }
            if withAudio {
                if let offset = card.musicOffset, let file = card.style.music {
                    try music(file).play(from: offset, count: plan.format.samples(forFrames: segment.frames.count),
                                         fadeIn: plan.format.samples(forFrames: scene.fadeInFrames),
                                         fadeOut: plan.format.samples(forFrames: scene.fadeOutFrames), into: lane)
                } else {
                    try lane.silence(plan.format.samples(forFrames: segment.frames.count))
                }
            }
        }
    }

    /// Segment `index`'s burned-in captions and names as a script file (removed when released), or nil.
    private func captionScript(_ index: Int, frames: Range<Int>?) throws -> ScratchFile? {
        guard let text = plan.burnInScript(segment: index, frames: frames) else { return nil }
        do {
            return try ScratchFile(in: scratch, name: "\(plan.output)-\(index).ass", contents: Data(text.utf8))
        } catch {
            throw RenderError(output: plan.output, message: "\(scratch.path): cannot write the caption script: \(error.localizedDescription)",
                              isInputProblem: false)
        }
    }

    /// The style's logo, decoded once per output.
    private func logo(_ file: ManifestFile) throws -> Frame {
        if let frame = logos[file.url] { return frame }
        do {
            let frame = try decodeStill(file.url.path)
            logos[file.url] = frame
            return frame
        } catch let e as FFmpegError {
            throw RenderError(output: plan.output, message: "\(file.written): \(e.reason) (\(e.call))", isInputProblem: true)
        }
    }

    /// The music bed, decoded once per output: as many samples as all the output's cards play (it loops when
    /// shorter), at the output's rate and channels.
    func music(_ file: ManifestFile) throws -> MusicBed {
        if let music { return music }
        let needed = plan.segments.reduce(0) { total, segment in
            guard case .card(let c) = segment.content, c.musicOffset != nil else { return total }
            return total + plan.format.samples(forFrames: segment.frames.count)
        }
        do {
            let bed = try MusicBed(path: file.url.path, samples: needed, format: plan.format)
            music = bed
            return bed
        } catch let e as FFmpegError {
            throw RenderError(output: plan.output, message: "\(file.written): \(e.reason) (\(e.call))", isInputProblem: true)
        }
    }
}

/// The first picture of an image or video file, decoded as it is stored.
func decodeStill(_ path: String) throws -> Frame {
    let input = try InputFile(path: path)
    guard let info = input.bestStream(.video) else {
        throw FFmpegError(call: "av_find_best_stream", file: path, reason: "no picture in the file")
    }
    var picture: Frame?
    try decodeStream(input, info) { frame in
        picture = try frame.clone()
        return false
    }
    guard let picture else { throw FFmpegError(call: "avcodec_receive_frame", file: path, reason: "no picture in the file") }
    return picture
}

/// Decodes one stream of `input` from where it is, handing each frame to `body` until it returns false or the
/// stream ends (the decoder drained).
func decodeStream(_ input: InputFile, _ info: StreamInfo, _ body: (Frame) throws -> Bool) throws {
    input.select(streams: [info.index])
    let decoder = try Decoder(input, stream: info.index)
    let packet = Packet(), frame = Frame()
    var ended = false
    while true {
        switch try decoder.receive(into: frame) {
        case .frame:
            let more = try body(frame)
            frame.unref()
            if !more { return }
        case .endOfStream: return
        case .needsInput:
            if ended { return }
            switch try input.read(into: packet) {
            case .endOfFile:
                ended = true
                try decoder.send(nil)
            case .packet:
                if packet.streamIndex == info.index { try decoder.send(packet) }
                packet.unref()
            }
        }
    }
}

/// Draws a card: a background frame per output frame through
/// buffer → ass (the card's script) → [overlay logo] → fade in → fade out → buffersink.
/// Frames enter with pts = their frame number within the card, the clock the scene (laid out from frame 0) is
/// on; they leave with pts = their output frame number. Fades use the frames' times, so a still of any single
/// frame matches the render.
final class CardReader {
    let card: CardContent
    let scene: CardScene
    let frames: FrameRange
    let format: OutputFormat
    let logo: Frame?
    let scratch: URL
    let isCancelled: () -> Bool

    init(card: CardContent, scene: CardScene, frames: FrameRange, format: OutputFormat,
         logo: Frame?, scratch: URL, isCancelled: @escaping () -> Bool) {
        self.card = card; self.scene = scene; self.frames = frames; self.format = format
        self.logo = logo; self.scratch = scratch; self.isCancelled = isCancelled
    }

    /// The card's graph: the background through libass (and the logo). Its fades are done here on the YUV frame
    /// (`Pixels.fade`, as transitions are), not by FFmpeg's `fade`, which in 5.1 takes only RGB formats for a
    /// colour other than black: two conversions of every frame, most of a card's cost besides x264.
    private func makeGraph(script: ScratchFile) throws -> (graph: FilterGraph, source: FilterGraph.Node,
                                                            sink: FilterGraph.Node, logoSource: FilterGraph.Node?) {
        let graph = FilterGraph()
        let timeBase = Rational(1, Int32(format.fps))
        let source = try graph.videoSource(width: format.width, height: format.height,
                                           pixelFormat: Frame.yuv420pFormat, timeBase: timeBase)
        var chain = [source, try BurnIn(path: script.path, fontsDirectory: scene.fontsDirectory?.path).node(in: graph)]
        var logoSource: FilterGraph.Node?
        if let logo, let box = scene.logoBox {
            // Scaled to fit the box, keeping its shape, and centred in it.
            let scale = min(Double(box.width) / Double(logo.width), Double(box.height) / Double(logo.height))
            let w = max(2, Int(Double(logo.width) * scale) / 2 * 2), h = max(2, Int(Double(logo.height) * scale) / 2 * 2)
            let logoIn = try graph.videoSource(width: logo.width, height: logo.height, pixelFormat: logo.pixelFormat,
                                               timeBase: timeBase, sampleAspectRatio: logo.sampleAspectRatio)
            let scaled = try graph.add("scale", [("w", String(w)), ("h", String(h)), ("flags", "bicubic")])
            let rgba = try graph.add("format", [("pix_fmts", "rgba")])
            // One logo frame, then end of stream: overlay repeats the last frame it has (eof_action=repeat).
            let overlay = try graph.add("overlay", [("x", String(box.x + (box.width - w) / 2)),
                                                    ("y", String(box.y + (box.height - h) / 2)),
                                                    ("eof_action", "repeat"), ("format", "yuv420")])
            try graph.chain([logoIn, scaled, rgba])
            try graph.link(rgba, to: overlay, 1)
            chain.append(overlay)
            logoSource = logoIn
        }
        chain.append(try graph.add("format", [("pix_fmts", "yuv420p")]))
        let sink = try graph.videoSink()
        chain.append(sink)
        try graph.chain(chain)
        try graph.configure()
        return (graph, source, sink, logoSource)
    }

    /// How much of card frame `k` shows (1: all of it, 0: only the background): up from the background over the
    /// fade in (frame k of n at k/n), down to it over the fade out (its last frame fully faded).
    func level(_ k: Int) -> Double {
        var level = 1.0
        if k < scene.fadeInFrames { level *= Double(k) / Double(scene.fadeInFrames) }
        let outStart = frames.count - scene.fadeOutFrames
        if scene.fadeOutFrames > 0 && k >= outStart {
            level *= max(0, 1 - Double(k - outStart) / Double(max(1, scene.fadeOutFrames - 1)))
        }
        return level
    }

    func run(into lane: SegmentOutput, only: Range<Int>, advanced: (Int) -> Void) throws {
        let script = try ScratchFile(in: scratch, name: "card-\(card.card).ass", contents: Data(scene.script.utf8))
        let (graph, source, sink, logoSource) = try makeGraph(script: script)
        if let logo, let logoSource {
            logo.pts = Int64(only.lowerBound)
            try graph.push(logo, into: logoSource)
            try graph.push(nil, into: logoSource)
        }
        let background = try Pixels.solid(scene.background, width: format.width, height: format.height)
        let out = Frame()
        for k in only {
            if isCancelled() { throw RenderCancelled() }
            background.pts = Int64(k)
            try graph.push(background, into: source)
            switch try graph.pull(from: sink, into: out) {
            case .frame:
                let shown = level(k)
                if shown < 1 {
                    try out.makeWritable()
                    try Pixels.fade(out, toward: scene.background, level: shown)
                }
                out.pts = Int64(frames.start + k)
                try lane.video(out, keyframe: k == only.lowerBound)
                advanced(1)
            case .needsInput, .endOfStream:
                throw FFmpegError(call: "av_buffersink_get_frame", reason: "the card's filter graph held back a frame")
            }
        }
    }
}

/// A file that exists while its owner does: written at init, removed in deinit (also when rendering fails,
/// and by the signal handler when the process is stopped first).
final class ScratchFile {
    let path: String
    init(in folder: URL, name: String, contents: Data) throws(FileError) {
        path = try TemporaryFiles.create(in: folder, for: name, contents)
    }
    deinit { TemporaryFiles.remove(path) }
}

/// The style's music bed, decoded and resampled once, looped to the length all cards need.
final class MusicBed {
    /// Planar samples, one array per channel.
    private var channels: [[Float]]
    let format: OutputFormat

    init(path: String, samples needed: Int, format: OutputFormat) throws {
        self.format = format
        let input = try InputFile(path: path)
        guard let info = input.bestStream(.audio) else {
            throw FFmpegError(call: "av_find_best_stream", file: path, reason: "no sound in the music file")
        }
        let fifo = AudioFifo(channels: format.channels)
        var resampler: Resampler?
        try decodeStream(input, info) { frame in
            if resampler == nil {
                resampler = try Resampler(inputRate: frame.sampleRate, inputChannels: frame.channelCount,
                                          inputFormat: frame.sampleFormat, outputRate: format.sampleRate,
                                          outputChannels: format.channels)
            }
            try resampler!.convert(frame, into: fifo)
            return fifo.count < needed
        }
        if let resampler { try resampler.convert(nil, into: fifo) }
        let count = min(fifo.count, max(needed, 1))
        guard count > 0 else { throw FFmpegError(call: "avcodec_receive_frame", file: path, reason: "the music file has no sound") }
        let chunk = try fifo.read(count, sampleRate: format.sampleRate)
        channels = (0..<format.channels).map { ch in
            chunk.withPlane(ch) { p, _ in
                p.withMemoryRebound(to: Float.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
            }
        }
    }

    /// How many samples the bed holds (one loop).
    var samplesHeld: Int { channels[0].count }

    /// `count` samples from `offset`, as they are (no looping, no fades), for measuring.
    func chunk(from offset: Int, count: Int) throws -> Frame {
        let chunk = try Frame.audio(samples: count, sampleRate: format.sampleRate, channels: format.channels)
        for ch in 0..<format.channels {
            channels[ch].withUnsafeBufferPointer { source in
                chunk.withPlane(ch) { p, _ in
                    p.withMemoryRebound(to: Float.self, capacity: count) { $0.update(from: source.baseAddress! + offset, count: count) }
                }
            }
        }
        return chunk
    }

    /// `count` samples from `offset` (looping), fading in over the first `fadeIn` and out over the last `fadeOut`.
    func play(from offset: Int, count: Int, fadeIn: Int, fadeOut: Int, into lane: SegmentOutput) throws {
        let length = channels[0].count
        var done = 0
        while done < count {
            let n = min(4096, count - done)
            let chunk = try Frame.audio(samples: n, sampleRate: format.sampleRate, channels: format.channels)
            for ch in 0..<format.channels {
                let source = channels[ch]
                chunk.withPlane(ch) { p, _ in
                    p.withMemoryRebound(to: Float.self, capacity: n) { d in
                        for i in 0..<n {
                            let k = done + i
                            var gain: Float = 1
                            if fadeIn > 0, k < fadeIn { gain = Float(k) / Float(fadeIn) }
                            if fadeOut > 0, k >= count - fadeOut { gain = min(gain, Float(count - 1 - k) / Float(fadeOut)) }
                            d[i] = source[(offset + k) % length] * gain
                        }
                    }
                }
            }
            try lane.audio(chunk)
            done += n
        }
    }
}
