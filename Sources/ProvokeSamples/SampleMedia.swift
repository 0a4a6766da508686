// ProvokeSamples: synthetic recordings made with provoke's own bindings (never the ffmpeg program):
// the demo's two "session recordings" and the small sources the tests cut, whose every frame carries
// its own index and whose sound beeps at every whole second, so a viewer (or a test) can tell which
// source frame and which moment of sound ended up where.
import FFmpegKit
import Foundation

public struct SampleSpec: Sendable {
    public enum Picture: Sendable {
        /// A flat grey picture whose top rows carry the frame index as 12 binary blocks (see `FrameIndexCode`).
        case indexed
        /// testsrc2 with a burned-in source timecode and frame number ("A 00:00:10.000 f300") top left and
        /// a speaker lower third, like a meeting recording.
        case session(letter: String, speaker: String, fontFile: String)
        /// testsrc2 under strong moving noise: pictures no encoder can make small (for size caps).
        case noise
    }
    public enum Sound: Sendable {
        /// A 20 ms 1 kHz beep at the start of every whole second of the file, silence between.
        case beeps
        /// A speech recording (any format FFmpeg reads, e.g. espeak-ng's WAV), looped to the duration.
        case speech(path: String)
        /// A soft sustained chord (A minor, swelling every 4 s): a stand-in music bed for cards.
        case chord
        /// A steady sine of `frequency` Hz at `amplitude` (peak, 0…1) in every channel: a recording at a known
        /// loudness (a 1 kHz stereo sine reads about 20·log10(amplitude) LUFS), for the loudness tests.
        case tone(frequency: Double, amplitude: Float)
    }

    public var width = 320
    public var height = 180
    public var fps = 30
    public var frames = 90
    /// Keyframe interval in frames (closed GOPs, no scene-cut keyframes).
    public var gop = 250
    public var pixelFormat = "yuv420p"
    public var picture = Picture.indexed
    public var sound: Sound? = .beeps
    public var sampleRate = 48_000
    public var channels = 2
    public var preset = "ultrafast"
    public var crf = 18
    /// Write the index at the front (+faststart), as the demo's recordings and most exports do.
    public var faststart = true
    public var tags: [(String, String)] = []
    /// A display-matrix rotation (degrees counter-clockwise) for players to apply, as phones record.
    public var displayRotation: Double? = nil

    public init() {}
}

/// How `.indexed` frames carry their index: 12 blocks, 16 px square, along the top of the picture from
/// x = 8, y = 8; a white block (luma 235) is a 1 bit, a black one (16) a 0 bit, most significant first.
public enum FrameIndexCode {
    public static let bits = 12
    public static let block = 16
    public static let origin = 8

    /// Reads the index back from a luma plane (any size ≥ 208 × 32), sampling each block's centre.
    public static func read(luma: (Int, Int) -> UInt8) -> Int {
        var value = 0
        for bit in 0..<bits {
            let x = origin + bit * block + block / 2, y = origin + block / 2
            value = value << 1 | (luma(x, y) > 128 ? 1 : 0)
        }
        return value
    }
}

public enum SampleMedia {
    /// Writes a synthetic recording to `path` (atomically: temporary name, then rename).
    public static func write(_ spec: SampleSpec, to path: String) throws {
        var muxerOptions: [(String, String)] = []
        if spec.faststart { muxerOptions.append(("movflags", "+faststart")) }
        let file = try OutputFile(path: path, format: "mp4", tags: spec.tags, muxerOptions: muxerOptions)
        var v = VideoEncoderSettings(width: spec.width, height: spec.height, frameRate: spec.fps)
        v.preset = spec.preset
        v.crf = spec.crf
        v.gop = spec.gop
        v.pixelFormat = spec.pixelFormat
        v.profile = spec.pixelFormat == "yuv420p" || spec.pixelFormat == "yuvj420p" ? "high" : "high422"
        v.options = [("x264-params", "keyint=\(spec.gop):min-keyint=\(spec.gop):scenecut=0:open-gop=0")]
        let videoStream = try file.addVideo(v)
        if let degrees = spec.displayRotation { try file.setDisplayRotation(videoStream, degrees: degrees) }
        var audioStream: Int?
        if spec.sound != nil {
            var a = AudioEncoderSettings()
            a.sampleRate = spec.sampleRate
            a.channels = spec.channels
            audioStream = try file.addAudio(a)
        }
        try file.start()

        let pictures = try PictureSource(spec)
        let sound = try spec.sound.map { try SoundSource($0, spec: spec) }
        let frameSize = audioStream.map { max(file.encoder($0).frameSize, 1024) } ?? 0
        let totalSamples = spec.frames * spec.sampleRate / spec.fps
        var samplesDone = 0
        for index in 0..<spec.frames {
            let frame = try pictures.frame(index)
            frame.pts = Int64(index)
            frame.setEncoderKeyframe(false)
            try file.encode(frame, stream: videoStream)
            // Keep the sound level with the picture, so the muxer interleaves without buffering.
            if let audioStream, let sound {
                let due = (index + 1) * spec.sampleRate / spec.fps
                while samplesDone + frameSize <= due || (index == spec.frames - 1 && samplesDone < totalSamples) {
                    let n = min(frameSize, totalSamples - samplesDone)
                    let chunk = try sound.samples(from: samplesDone, count: n)
                    chunk.pts = Int64(samplesDone)
                    try file.encode(chunk, stream: audioStream)
                    samplesDone += n
                }
            }
        }
        try file.finish()
    }
}

/// Produces the pictures of a spec, frame by frame.
private final class PictureSource {
    let spec: SampleSpec
    let graph = FilterGraph()
    var source: FilterGraph.Node?
    let sink: FilterGraph.Node
    let out = Frame()

    init(_ spec: SampleSpec) throws {
        self.spec = spec
        var chain: [FilterGraph.Node] = []
        switch spec.picture {
        case .indexed:
            let src = try graph.videoSource(width: spec.width, height: spec.height, pixelFormat: 0 /* yuv420p */,
                                            timeBase: Rational(1, Int32(spec.fps)))
            source = src
            chain.append(src)
        case let .session(letter, speaker, font):
            let seconds = Double(spec.frames) / Double(spec.fps)
            let h = spec.height, w = spec.width
            chain.append(try graph.add("testsrc2", [("size", "\(w)x\(h)"), ("rate", String(spec.fps)),
                                                    ("duration", String(seconds))]))
            chain.append(try graph.add("drawbox", [("x", "0"), ("y", String(h * 620 / 720)), ("w", String(w)),
                                                   ("h", String(h * 100 / 720)), ("color", "black@0.55"), ("t", "fill")]))
            chain.append(try graph.add("drawtext", [("fontfile", font), ("expansion", "none"), ("text", speaker),
                                                    ("fontcolor", "white"), ("fontsize", String(h * 34 / 720)),
                                                    ("x", String(w * 32 / 1280)), ("y", String(h * 652 / 720))]))
            chain.append(try graph.add("drawbox", [("x", "16"), ("y", "16"), ("w", String(w * 600 / 1280)),
                                                   ("h", String(h * 56 / 720)), ("color", "black@0.7"), ("t", "fill")]))
            // Our own constant text with drawtext's expansion: the source time and frame number.
            chain.append(try graph.add("drawtext", [("fontfile", font), ("text", "\(letter) %{pts:hms} f%{n}"),
                                                    ("fontcolor", "yellow"), ("fontsize", String(h * 36 / 720)),
                                                    ("x", String(w * 28 / 1280)), ("y", String(h * 26 / 720))]))
        case .noise:
            chain.append(try graph.add("testsrc2", [("size", "\(spec.width)x\(spec.height)"), ("rate", String(spec.fps)),
                                                    ("duration", String(Double(spec.frames) / Double(spec.fps)))]))
            chain.append(try graph.add("noise", [("alls", "80"), ("allf", "t+u")]))
        }
        chain.append(try graph.add("format", [("pix_fmts", spec.pixelFormat)]))
        sink = try graph.videoSink()
        chain.append(sink)
        try graph.chain(chain)
        try graph.configure()
    }

    func frame(_ index: Int) throws -> Frame {
        if let source {
            try graph.push(try indexedFrame(index), into: source)
        }
        switch try graph.pull(from: sink, into: out) {
        case .frame: return out
        case .needsInput, .endOfStream:
            throw FFmpegError(call: "av_buffersink_get_frame", reason: "the picture generator ended at frame \(index)")
        }
    }

    private func indexedFrame(_ index: Int) throws -> Frame {
        let f = try Frame.video(width: spec.width, height: spec.height, pixelFormat: .init(0))
        f.pts = Int64(index)
        f.withPlane(0) { p, stride in
            let background = UInt8(64 + (index * 3) % 64)  // a slow change, so the picture moves
            for y in 0..<spec.height { (p + y * stride).update(repeating: background, count: spec.width) }
            for bit in 0..<FrameIndexCode.bits {
                let on = (index >> (FrameIndexCode.bits - 1 - bit)) & 1 == 1
                let x0 = FrameIndexCode.origin + bit * FrameIndexCode.block
                for y in FrameIndexCode.origin..<(FrameIndexCode.origin + FrameIndexCode.block) {
                    (p + y * stride + x0).update(repeating: on ? 235 : 16, count: FrameIndexCode.block)
                }
            }
        }
        for plane in 1...2 {
            f.withPlane(plane) { p, stride in
                for y in 0..<(spec.height / 2) { (p + y * stride).update(repeating: 128, count: spec.width / 2) }
            }
        }
        return f
    }
}

/// Produces the sound of a spec as planar float frames, addressed by sample position.
private final class SoundSource {
    let spec: SampleSpec
    /// Speech samples (one channel, at the spec's rate), looped; nil for beeps.
    var speech: [Float]?

    let isChord: Bool
    var tone: (frequency: Double, amplitude: Float)?

    init(_ sound: SampleSpec.Sound, spec: SampleSpec) throws {
        self.spec = spec
        if case let .tone(frequency, amplitude) = sound { tone = (frequency, amplitude) }
        if case let .speech(path) = sound { speech = try SampleMedia.decodeMono(path, rate: spec.sampleRate) }
        if case .chord = sound { isChord = true } else { isChord = false }
    }

    func samples(from start: Int, count: Int) throws -> Frame {
        let f = try Frame.audio(samples: count, sampleRate: spec.sampleRate, channels: spec.channels)
        let rate = spec.sampleRate
        for ch in 0..<spec.channels {
            f.withPlane(ch) { raw, _ in
                let p = UnsafeMutableRawPointer(raw).assumingMemoryBound(to: Float.self)
                for i in 0..<count {
                    let n = start + i
                    if let tone {
                        let phase = Double(n % rate) * tone.frequency / Double(rate)
                        p[i] = tone.amplitude * Float(sin(2 * Double.pi * phase))
                    } else if let speech, !speech.isEmpty {
                        p[i] = speech[n % speech.count] * 0.9
                    } else if isChord {
                        // A, C, E and the A below, quiet, swelling and ebbing every 4 s.
                        let t = Float(n) / Float(rate)
                        let swell = 0.6 + 0.4 * sinf(2 * .pi * t / 4)
                        let tones = [110, 220, 261.63, 329.63].map { sinf(2 * .pi * Float($0) * t) }
                        p[i] = 0.06 * swell * tones.reduce(0, +)
                    } else {
                        let inSecond = n % rate
                        p[i] = inSecond < rate / 50 ? 0.5 * sinf(2 * .pi * 1000 * Float(inSecond) / Float(rate)) : 0
                    }
                }
            }
        }
        return f
    }
}

extension SampleMedia {
    /// Writes a sound-only file (AAC in MP4, as an .m4a music bed is) of `seconds`, atomically.
    public static func writeSound(_ sound: SampleSpec.Sound, seconds: Int, to path: String) throws {
        var spec = SampleSpec()
        spec.sound = sound
        let file = try OutputFile(path: path, format: "mp4", tags: [], muxerOptions: [("movflags", "+faststart")])
        var a = AudioEncoderSettings()
        a.sampleRate = spec.sampleRate
        a.channels = spec.channels
        let stream = try file.addAudio(a)
        try file.start()
        let source = try SoundSource(sound, spec: spec)
        let frameSize = max(file.encoder(stream).frameSize, 1024)
        let total = seconds * spec.sampleRate
        var done = 0
        while done < total {
            let n = min(frameSize, total - done)
            let chunk = try source.samples(from: done, count: n)
            chunk.pts = Int64(done)
            try file.encode(chunk, stream: stream)
            done += n
        }
        try file.finish()
    }

    /// The first audio stream of a file, decoded and mixed to one channel of floats at `rate` (the
    /// speech for `.speech`; the tests also listen to outputs with it).
    public static func decodeMono(_ path: String, rate: Int) throws -> [Float] {
        let fifo = try decodeAudio(path, rate: rate, channels: 1)
        let all = try fifo.read(fifo.count, sampleRate: rate)
        return all.withPlane(0) { raw, _ in
            Array(UnsafeBufferPointer(start: UnsafeMutableRawPointer(raw).assumingMemoryBound(to: Float.self), count: all.sampleCount))
        }
    }

    /// The first audio stream of a file, decoded whole and resampled to planar floats at `rate` with `channels`
    /// channels (tests measure and listen to outputs with it).
    public static func decodeAudio(_ path: String, rate: Int, channels: Int) throws -> AudioFifo {
        let input = try InputFile(path: path)
        guard let info = input.bestStream(.audio) else {
            throw FFmpegError(call: "av_find_best_stream", file: path, reason: "no audio stream")
        }
        input.select(streams: [info.index])
        let decoder = try Decoder(input, stream: info.index)
        let fifo = AudioFifo(channels: channels)
        var resampler: Resampler?
        let packet = Packet(), frame = Frame()
        var atEnd = false
        while !atEnd {
            if try input.read(into: packet) == .endOfFile { atEnd = true; try decoder.send(nil) }
            else if packet.streamIndex == info.index { try decoder.send(packet) } else { continue }
            while try decoder.receive(into: frame) == .frame {
                if resampler == nil {
                    resampler = try Resampler(inputRate: frame.sampleRate, inputChannels: frame.channelCount,
                                              inputFormat: frame.sampleFormat, outputRate: rate, outputChannels: channels)
                }
                try resampler!.convert(frame, into: fifo)
            }
        }
        try resampler?.convert(nil, into: fifo)
        return fifo
    }
}
