import CFFmpeg
import Foundation

/// What an EBU R128 meter read: integrated loudness (ITU-R BS.1770, gated) and, when asked for, the true peak
/// (the highest sample after 4× oversampling, the highest of the channels).
public struct LoudnessReading: Sendable, Equatable, Codable {
    /// LUFS; -70 (the absolute gate) for silence.
    public var integrated: Double
    /// dBTP; nil when the meter was not asked for it. -inf is written as -200.
    public var truePeak: Double?
    public init(integrated: Double, truePeak: Double?) { self.integrated = integrated; self.truePeak = truePeak }

    /// Below the absolute gate: nothing to even out.
    public var isSilent: Bool { integrated <= -69.95 }
}

/// libavfilter's `ebur128` scanner, fed planar float frames: abuffer → ebur128 (metadata=1, peak=true) →
/// abuffersink. The filter attaches its running values to the frames that complete a 100 ms block
/// (`lavfi.r128.I`, `lavfi.r128.true_peaks_chN`, linear); the last ones seen are the reading.
public final class LoudnessMeter {
    private let graph = FilterGraph()
    private let source: FilterGraph.Node
    private let sink: FilterGraph.Node
    private let sampleRate: Int
    private let channels: Int
    private let truePeak: Bool
    private var integrated = -70.0
    private var peak = 0.0
    private var samples: Int64 = 0
    private let out = Frame()

    public init(sampleRate: Int, channels: Int, truePeak: Bool) throws {
        self.sampleRate = sampleRate
        self.channels = channels
        self.truePeak = truePeak
        source = try graph.audioSource(sampleRate: sampleRate, channels: channels)
        // ebur128 takes 48 kHz doubles: the graph inserts the conversion before it.
        let meter = try graph.add("ebur128", [("metadata", "1"), ("peak", truePeak ? "true" : "none")])
        try graph.link(source, to: meter)
        sink = try graph.audioSink(after: meter, sampleRate: 48_000, channels: channels)
        try graph.configure()
    }

    /// Adds planar float samples at the meter's rate and channel count.
    public func add(_ frame: Frame) throws {
        guard frame.sampleCount > 0 else { return }
        frame.pts = samples
        samples += Int64(frame.sampleCount)
        try graph.push(frame, into: source)
        try drain()
    }

    /// The reading over everything added. With true peaks, 100 ms of silence goes in first, so the peaks of the
    /// last block (the filter reports at block ends) and of its resampler's delay are counted.
    public func finish() throws -> LoudnessReading {
        if truePeak {
            let tail = try Frame.audio(samples: sampleRate / 10, sampleRate: sampleRate, channels: channels)
            for ch in 0..<channels { tail.withPlane(ch) { p, _ in p.update(repeating: 0, count: tail.sampleCount * 4) } }
            try add(tail)
        }
        try graph.push(nil, into: source)
        try drain()
        return LoudnessReading(integrated: integrated,
                               truePeak: truePeak ? (peak > 0 ? 20 * log10(peak) : -200) : nil)
    }

    private func drain() throws {
        while try graph.pull(from: sink, into: out) == .frame {
            if let i = out.metadata("lavfi.r128.I").flatMap(Double.init) { integrated = i }
            for ch in 0..<channels {
                if let p = out.metadata("lavfi.r128.true_peaks_ch\(ch)").flatMap(Double.init) { peak = max(peak, p) }
            }
            out.unref()
        }
    }
}

/// Gain and a true-peak limiter over planar float audio: abuffer → aresample 4× → alimiter (lookahead,
/// latency compensated, no auto level) → aresample back → abuffersink. Limiting the oversampled signal keeps
/// the peaks between samples under the ceiling too (a plain sample-peak limiter lets white noise overshoot by
/// about 2 dB). The output has as many samples as the input, in step with it.
public final class PeakLimiter {
    private let graph = FilterGraph()
    private let source: FilterGraph.Node
    private let sink: FilterGraph.Node
    private var samples: Int64 = 0
    private let out = Frame()

    /// - Parameters: gain in dB (applied before limiting, -36 to +36), ceiling in dBFS of the oversampled signal.
    public init(sampleRate: Int, channels: Int, gain: Double, ceiling: Double) throws {
        source = try graph.audioSource(sampleRate: sampleRate, channels: channels)
        let up = try graph.add("aresample", [("osr", String(sampleRate * 4))])
        let limiter = try graph.add("alimiter", [
            ("level_in", String(pow(10, max(-36, min(36, gain)) / 20))),
            ("limit", String(pow(10, max(-24, min(0, ceiling)) / 20))),
            ("attack", "5"), ("release", "50"), ("level", "0"), ("latency", "1"),
        ])
        let down = try graph.add("aresample", [("osr", String(sampleRate))])
        try graph.chain([source, up, limiter, down])
        sink = try graph.audioSink(after: down, sampleRate: sampleRate, channels: channels)
        try graph.configure()
    }

    /// Sends `frame` through (nil: the end, flushing the lookahead) and hands over what comes out.
    public func process(_ frame: Frame?, _ body: (Frame) throws -> Void) throws {
        if let frame {
            guard frame.sampleCount > 0 else { return }
            frame.pts = samples
            samples += Int64(frame.sampleCount)
        }
        try graph.push(frame, into: source)
        while try graph.pull(from: sink, into: out) == .frame {
            try body(out)
            out.unref()
        }
    }
}
