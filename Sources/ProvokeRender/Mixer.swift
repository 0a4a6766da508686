import FFmpegKit
import Foundation
import ProvokeCaptions
import ProvokeTimeline

/// Where a segment's producer (ClipReader, CardReader) delivers: its frames (pts = output frame number) and its
/// sound, in order, as if the segment were alone. Transitions are applied behind this interface.
protocol SegmentOutput: AnyObject {
    func video(_ frame: Frame, keyframe: Bool) throws
    /// Moves `count` samples from the producer's FIFO.
    func audio(from fifo: AudioFifo, count: Int) throws
    /// Adds the samples of a planar float chunk (a card's music).
    func audio(_ chunk: Frame) throws
    func silence(_ count: Int) throws
}

/// What the mixed timeline goes to: a piece's encoder (PieceSink), the sound track's (SoundSink) or a frame grabber (stills).
protocol TimelineOutput: AnyObject {
    func encodeVideo(_ frame: Frame, keyframe: Bool) throws
    func appendAudio(_ chunk: Frame) throws
}

/// Applies the plan's transitions between segments, and nothing else: every frame and sample passes through
/// here in output order.
///
/// - `fade`: frames and samples of the segment before fade linearly to the background colour and to silence
///   over its last `outFrames`; the segment's own first `inFrames` rise from them. The level is 0 exactly at
///   the join, so a dip between two items shows the plain colour for one frame on each side.
/// - `crossfade`: the earlier segment's last `frames` frames (and their samples) are held here until the later
///   segment produces the same output frames, then mixed linearly (the later one's weight rising from
///   1/(n+1) to n/(n+1)). Segments are produced in order, so at most one overlap is held at a time.
final class TransitionMixer {
    let plan: OutputPlan
    let output: TimelineOutput
    let samplesPerFrame: Int
    /// The earlier segment's frames of a crossfade, by output frame.
    fileprivate var heldVideo: [Int: Frame] = [:]
    /// The earlier segment's samples of a crossfade, per channel, from output sample `heldAudioStart`.
    fileprivate var heldAudio: [[Float]] = []
    fileprivate var heldAudioStart = 0

    init(plan: OutputPlan, output: TimelineOutput) {
        self.plan = plan
        self.output = output
        // Whole samples a frame: OutputFormat's rates (30 fps at 48 kHz) divide, so the mix works frame by frame.
        precondition(plan.format.sampleRate % plan.format.fps == 0, "the output's frame rate divides its sample rate")
        self.samplesPerFrame = plan.format.samples(forFrames: 1)
    }

    /// The input for segment `index`.
    func lane(_ index: Int) -> SegmentOutput {
        Lane(mixer: self, index: index)
    }

    fileprivate final class Lane: SegmentOutput {
        let mixer: TransitionMixer
        let frames: FrameRange
        let into: PlannedTransition?
        let next: PlannedTransition?
        let channels: Int
        /// Samples of this segment delivered so far.
        var audioPosition = 0
        let sampleCount: Int
        /// The segment before's samples that this one's crossfade mixes with, from output sample `incomingStart`.
        let incoming: [[Float]]
        let incomingStart: Int

        init(mixer: TransitionMixer, index: Int) {
            self.mixer = mixer
            let segments = mixer.plan.segments
            frames = segments[index].frames
            into = segments[index].transition
            next = index + 1 < segments.count ? segments[index + 1].transition : nil
            channels = mixer.plan.format.channels
            sampleCount = frames.count * mixer.samplesPerFrame
            // The segment before is finished: what it held is this segment's to mix.
            incoming = mixer.heldAudio
            incomingStart = mixer.heldAudioStart
            mixer.heldAudio = []
        }

        /// Frames at the end that the next segment's crossfade mixes (held, not emitted here).
        var crossfadeOut: Int { next?.kind == .crossfade ? next!.frames : 0 }
        var crossfadeIn: Int { into?.kind == .crossfade ? into!.frames : 0 }
        var fadeOut: Int { next?.kind == .fade ? next!.outFrames : 0 }
        var fadeIn: Int { into?.kind == .fade ? into!.inFrames : 0 }

        /// The picture's share at position `k` of `count` units (frames or samples), from the fades.
        func level(_ k: Int, count: Int, unitsPerFrame: Int) -> Double {
            var level = 1.0
            let fin = fadeIn * unitsPerFrame, fout = fadeOut * unitsPerFrame
            if fin > 0, k < fin { level = Double(k) / Double(fin) }
            if fout > 0, k >= count - fout { level = min(level, Double(count - 1 - k) / Double(fout)) }
            return level
        }

        func video(_ frame: Frame, keyframe: Bool) throws {
            guard let pts = frame.pts else { return }
            let f = Int(pts), k = f - frames.start
            if crossfadeOut > 0, k >= frames.count - crossfadeOut {
                mixer.heldVideo[f] = try frame.clone()
                frame.unref()
                return
            }
            let level = level(k, count: frames.count, unitsPerFrame: 1)
            let held = crossfadeIn > 0 && k < crossfadeIn ? mixer.heldVideo.removeValue(forKey: f) : nil
            if held != nil || level < 1 { try frame.makeWritable() }
            if let held {
                let weight = Double(k + 1) / Double(crossfadeIn + 1)
                try Pixels.mix(frame, with: held, weight: weight)
            }
            if level < 1 { try Pixels.fade(frame, toward: mixer.plan.cardStyle.background, level: level) }
            try mixer.output.encodeVideo(frame, keyframe: keyframe)
        }

        func audio(from fifo: AudioFifo, count: Int) throws {
            guard count > 0 else { return }
            try audio(try fifo.read(count, sampleRate: mixer.plan.format.sampleRate))
        }

        func silence(_ count: Int) throws {
            var left = count
            while left > 0 {
                let n = min(left, 4096)
                let chunk = try Frame.audio(samples: n, sampleRate: mixer.plan.format.sampleRate, channels: channels)
                for ch in 0..<channels { chunk.withPlane(ch) { p, _ in p.update(repeating: 0, count: n * 4) } }
                try audio(chunk)
                left -= n
            }
        }

        func audio(_ chunk: Frame) throws {
            let n = chunk.sampleCount
            let start = audioPosition
            audioPosition += n
            let plain = crossfadeIn == 0 && crossfadeOut == 0 && fadeIn == 0 && fadeOut == 0
            if plain { return try mixer.output.appendAudio(chunk) }

            let spf = mixer.samplesPerFrame
            let mixIn = crossfadeIn * spf, holdFrom = sampleCount - crossfadeOut * spf
            // Samples before `holdFrom` go out now; the rest wait for the next segment.
            let emitCount = max(0, min(n, holdFrom - start))
            if emitCount < n {
                if mixer.heldAudio.isEmpty {
                    mixer.heldAudio = Array(repeating: [], count: channels)
                    mixer.heldAudioStart = frames.start * spf + holdFrom
                }
                for ch in 0..<channels {
                    chunk.withPlane(ch) { p, _ in
                        p.withMemoryRebound(to: Float.self, capacity: n) { s in
                            mixer.heldAudio[ch].append(contentsOf: UnsafeBufferPointer(start: s + emitCount, count: n - emitCount))
                        }
                    }
                }
            }
            guard emitCount > 0 else { return }
            let out = try Frame.audio(samples: emitCount, sampleRate: mixer.plan.format.sampleRate, channels: channels)
            // Where this segment's first sample is in the held samples of the segment before.
            let heldOffset = frames.start * spf - incomingStart
            for ch in 0..<channels {
                let held = ch < incoming.count ? incoming[ch] : []
                chunk.withPlane(ch) { src, _ in
                    out.withPlane(ch) { dst, _ in
                        src.withMemoryRebound(to: Float.self, capacity: n) { s in
                            dst.withMemoryRebound(to: Float.self, capacity: emitCount) { d in
                                for i in 0..<emitCount {
                                    let p = start + i
                                    var v = s[i]
                                    if p < mixIn {
                                        let w = Float(p + 1) / Float(mixIn + 1)
                                        let j = heldOffset + p
                                        v = (j >= 0 && j < held.count ? held[j] : 0) * (1 - w) + v * w
                                    }
                                    d[i] = v * Float(level(p, count: sampleCount, unitsPerFrame: spf))
                                }
                            }
                        }
                    }
                }
            }
            try mixer.output.appendAudio(out)
        }
    }
}

/// Pixel arithmetic on yuv420p frames (the normalised format every segment produces).
enum Pixels {
    /// BT.601 limited range, as FFmpeg's drawing code converts colours (RGB_TO_Y_CCIR in libavutil/colorspace.h).
    static func yuv(_ c: RGBAColor) -> (y: UInt8, u: UInt8, v: UInt8) {
        let r = Double(c.red), g = Double(c.green), b = Double(c.blue)
        let y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
        let u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
        let v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
        func byte(_ x: Double) -> UInt8 { UInt8(max(0, min(255, x.rounded()))) }
        return (byte(y), byte(u), byte(v))
    }

    /// A yuv420p frame of one colour.
    static func solid(_ color: RGBAColor, width: Int, height: Int) throws -> Frame {
        let frame = try Frame.yuv420p(width: width, height: height)
        let (y, u, v) = yuv(color)
        for (plane, value, h) in [(0, y, height), (1, u, height / 2), (2, v, height / 2)] {
            frame.withPlane(plane) { p, stride in p.update(repeating: value, count: stride * h) }
        }
        return frame
    }

    /// Moves every pixel toward `color`: level 1 keeps the picture, 0 is the plain colour.
    static func fade(_ frame: Frame, toward color: RGBAColor, level: Double) throws {
        let (y, u, v) = yuv(color)
        let a = Int(max(0, min(1, level)) * 256)
        for (plane, value) in [(0, y), (1, u), (2, v)] {
            let (w, h) = plane == 0 ? (frame.width, frame.height) : (frame.width / 2, frame.height / 2)
            let target = Int(value) * (256 - a) + 128
            frame.withPlane(plane) { p, stride in
                for row in 0..<h {
                    let line = p + row * stride
                    for x in 0..<w { line[x] = UInt8((Int(line[x]) * a + target) >> 8) }
                }
            }
        }
    }

    /// frame = held × (1 − weight) + frame × weight.
    static func mix(_ frame: Frame, with held: Frame, weight: Double) throws {
        let a = Int(max(0, min(1, weight)) * 256)
        for plane in 0..<3 {
            let (w, h) = plane == 0 ? (frame.width, frame.height) : (frame.width / 2, frame.height / 2)
            frame.withPlane(plane) { p, stride in
                held.withPlane(plane) { q, heldStride in
                    for row in 0..<h {
                        let line = p + row * stride, other = q + row * heldStride
                        for x in 0..<w { line[x] = UInt8((Int(line[x]) * a + Int(other[x]) * (256 - a) + 128) >> 8) }
                    }
                }
            }
        }
    }
}
