import FFmpegKit
import Foundation
import ProvokeManifest
import ProvokeSystem
import ProvokeTimeline

// Loudness: every output's sound normalised to its target (default -16 LUFS integrated, true peak at most
// -1 dBTP), measured as EBU R128 / ITU-R BS.1770 through libavfilter's `ebur128`.
//
// The sound track stays one continuous stream (so joins are sample-exact and A/V sync is untouched); levelling
// only multiplies samples and limits peaks, which never moves a sample in time:
//   1. each clip's sound (its source range, as the mixer gets it) is measured once and cached by its range
//      (`loudness/` entries): a gain evens it out to the target, so a quiet speaker comes up to a loud one;
//      the music bed is set `style.musicLevel` LU (default 18) below the target;
//   2. the mix goes through a true-peak limiter (4× oversampled) with a ceiling 1 dB below the required one,
//      since AAC encoding adds peaks of its own;
//   3. the encoded track is decoded and measured; when it is more than half a LU off the target, or its true
//      peak above -1 dBTP, it is made again with the difference corrected (at most twice). The reading is
//      cached beside the track and written into the record.

/// The per-clip gains of one output's sound, and the music bed's.
struct SoundLevels {
    /// Gain in dB by segment index (clips only).
    var clipGains: [Int: Double]
    var musicGain: Double?
    var record: RenderRecord.Loudness
}

enum Levelling {
    /// Gains are kept within ±30 dB: a clip quieter than -46 LUFS (at the default target) is a recording
    /// problem that raising further would turn into hiss.
    static let maximumGain = 30.0
    /// The limiter's ceiling before encoding, below `LoudnessTarget.truePeakCeiling`.
    static let limiterCeiling = -2.0
    /// How far the measured integrated loudness may be from the target before the track is made again.
    static let tolerance = 0.5
    static let attempts = 3

    static func gain(from reading: LoudnessReading, to level: Double) -> Double {
        reading.isSilent ? 0 : max(-maximumGain, min(maximumGain, level - reading.integrated))
    }

    static func rounded(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}

extension CacheKeys {
    /// The key of a clip's loudness measurement: its source range as the sound track takes it.
    func clipLoudness(_ clip: ClipContent, frames: Int) throws -> String {
        CacheKeys.hash([CacheKeys.version, "loudness 1 ebur128 integrated", "clip \(try files.of(clip.path)) in \(clip.sourceIn.microseconds)",
                        "samples \(plan.format.samples(forFrames: frames)) at \(plan.format.sampleRate) Hz \(plan.format.channels) ch"])
    }

    /// What the sound key adds for a normalised output (nothing when loudness is off, so those keys are as before).
    func soundLevelLines() -> [String] {
        guard let target = plan.loudness.lufs else { return [] }
        var lines = ["loudness 1 target \(target) LUFS ceiling \(LoudnessTarget.truePeakCeiling) dBTP"]
        if plan.segments.contains(where: { if case let .card(c) = $0.content { return c.musicOffset != nil } else { return false } }) {
            lines.append("music level \(plan.cardStyle.musicLevel) LU")
        }
        return lines
    }
}

/// One lock per measurement key in this process, so outputs sharing a clip measure it once even when their
/// sound tracks are made side by side.
final class MeasurementLocks: @unchecked Sendable {  // `locks` is guarded by `lock`
    static let shared = MeasurementLocks()
    private let lock = NSLock()
    private var locks: [String: NSLock] = [:]
    func with<T>(_ key: String, _ body: () throws -> T) rethrows -> T {
        lock.lock()
        let keyLock = locks[key] ?? NSLock()
        locks[key] = keyLock
        lock.unlock()
        keyLock.lock()
        defer { keyLock.unlock() }
        return try body()
    }
}

extension RenderCache {
    /// A measurement, when the cache holds it whole: its size and SHA-256 as sealed (an altered one is measured
    /// again, never used; it would set a clip's gain).
    func reading<T: Decodable>(_ key: String, as type: T.Type) -> T? {
        guard isComplete(.measure, key, hashing: true), let data = try? Data(contentsOf: url(.measure, key)) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }

    func store<T: Encodable>(_ value: T, _ key: String) throws {
        let url = try prepare(.measure, key)
        do {
            try FileOutput.write(try JSONEncoder().encode(value), to: url.path)
        } catch let e as FileError {
            throw RenderError(output: key, message: e.description, isInputProblem: false)
        }
        try seal(.measure, key)
    }
}

/// A lane that measures what a segment produces instead of mixing it.
final class MeterLane: SegmentOutput {
    let meter: LoudnessMeter
    let sampleRate: Int
    let channels: Int
    init(sampleRate: Int, channels: Int) throws {
        self.sampleRate = sampleRate
        self.channels = channels
        meter = try LoudnessMeter(sampleRate: sampleRate, channels: channels, truePeak: false)
    }
    func video(_ frame: Frame, keyframe: Bool) throws {}
    func audio(from fifo: AudioFifo, count: Int) throws { try meter.add(try fifo.read(count, sampleRate: sampleRate)) }
    func audio(_ chunk: Frame) throws { try meter.add(chunk) }
    func silence(_ count: Int) throws {
        let chunk = try Frame.audio(samples: count, sampleRate: sampleRate, channels: channels)
        for ch in 0..<channels { chunk.withPlane(ch) { p, _ in p.update(repeating: 0, count: count * 4) } }
        try meter.add(chunk)
    }
}

/// Multiplies a segment's sound by a gain on its way into the mixer.
final class GainLane: SegmentOutput {
    let inner: SegmentOutput
    let factor: Float
    let sampleRate: Int
    init(_ inner: SegmentOutput, gain: Double, sampleRate: Int) {
        self.inner = inner
        self.factor = Float(pow(10, gain / 20))
        self.sampleRate = sampleRate
    }
    func video(_ frame: Frame, keyframe: Bool) throws { try inner.video(frame, keyframe: keyframe) }
    func audio(from fifo: AudioFifo, count: Int) throws {
        guard count > 0 else { return }
        try audio(try fifo.read(count, sampleRate: sampleRate))
    }
    func audio(_ chunk: Frame) throws {
        try chunk.makeWritable()
        let n = chunk.sampleCount
        for ch in 0..<chunk.channelCount {
            chunk.withPlane(ch) { p, _ in
                p.withMemoryRebound(to: Float.self, capacity: n) { s in for i in 0..<n { s[i] *= factor } }
            }
        }
        try inner.audio(chunk)
    }
    func silence(_ count: Int) throws { try inner.silence(count) }
}

/// The mixed sound through the gain and true-peak limiter, on to the encoder's sink: exactly as many samples
/// come out as went in.
final class LimiterStage: TimelineOutput {
    let limiter: PeakLimiter
    let sink: SoundSink
    private var taken = 0
    private var given = 0

    init(sink: SoundSink, sampleRate: Int, channels: Int, gain: Double, ceiling: Double) throws {
        self.sink = sink
        limiter = try PeakLimiter(sampleRate: sampleRate, channels: channels, gain: gain, ceiling: ceiling)
    }

    func encodeVideo(_ frame: Frame, keyframe: Bool) throws {}

    func appendAudio(_ chunk: Frame) throws {
        taken += chunk.sampleCount
        try limiter.process(chunk, forward)
    }

    func finish() throws { try limiter.process(nil, forward) }

    private func forward(_ frame: Frame) throws {
        let n = min(frame.sampleCount, taken - given)
        guard n > 0 else { return }
        if n < frame.sampleCount { frame.keepFirstSamples(n) }
        given += n
        try sink.appendAudio(frame)
    }
}

extension SoundEncoder {
    /// The clips' and music bed's gains for a normalised output: each clip measured (or its cached measurement
    /// read), the bed measured as decoded.
    func levels(target: Double, keys: CacheKeys, cache: RenderCache) throws -> SoundLevels {
        var gains: [Int: Double] = [:], clips: [RenderRecord.ClipLevel] = []
        let runner = SegmentRunner(plan: plan, scratch: scratch, isCancelled: isCancelled)
        var music: RenderRecord.MusicLevel?
        for (index, segment) in plan.segments.enumerated() {
            switch segment.content {
            case let .clip(c):
                let key = try keys.clipLoudness(c, frames: segment.frames.count)
                let reading = try MeasurementLocks.shared.with(key) { () throws -> LoudnessReading in
                    if let known = cache.reading(key, as: LoudnessReading.self) { return known }
                    let lane = try MeterLane(sampleRate: plan.format.sampleRate, channels: plan.format.channels)
                    try runner.run(index, into: lane, part: .sound) { _ in }
                    let measured = try lane.meter.finish()
                    try cache.store(measured, key)
                    return measured
                }
                let gain = Levelling.gain(from: reading, to: target)
                gains[index] = gain
                clips.append(RenderRecord.ClipLevel(clip: c.clip, outputStartFrame: segment.frames.start,
                                                    input: Levelling.rounded(reading.integrated), gain: Levelling.rounded(gain)))
            case let .card(c):
                guard music == nil, c.musicOffset != nil, let file = c.style.music else { continue }
                let reading = try runner.music(file).loudness()
                let level = plan.cardStyle.musicLevel
                music = RenderRecord.MusicLevel(level: level, input: Levelling.rounded(reading.integrated),
                                                gain: Levelling.rounded(Levelling.gain(from: reading, to: target + level)))
            }
        }
        return SoundLevels(clipGains: gains, musicGain: music?.gain,
                           record: RenderRecord.Loudness(mode: "normalised", target: target,
                                                         truePeakCeiling: LoudnessTarget.truePeakCeiling,
                                                         clips: clips, music: music))
    }

    /// Makes the normalised track at `path`, measures it, and makes it again with the error corrected when it
    /// is off the target or over the ceiling. Returns what the record says about it.
    func encodeNormalised(to path: String, target: Double, keys: CacheKeys, cache: RenderCache) throws -> RenderRecord.Loudness {
        let levels = try levels(target: target, keys: keys, cache: cache)
        var gain = 0.0, ceiling = Levelling.limiterCeiling
        var reading = LoudnessReading(integrated: -70, truePeak: nil)
        for attempt in 1...Levelling.attempts {
            try encode(to: path, levels: levels, master: (gain, ceiling))
            reading = try Levelling.measure(file: path)
            let peak = reading.truePeak ?? -200
            let off = reading.isSilent ? 0 : target - reading.integrated
            if (abs(off) <= Levelling.tolerance && peak <= LoudnessTarget.truePeakCeiling) || attempt == Levelling.attempts { break }
            if abs(off) > Levelling.tolerance { gain += off }
            if peak > LoudnessTarget.truePeakCeiling { ceiling -= peak - LoudnessTarget.truePeakCeiling + 0.3 }
        }
        var record = levels.record
        record.integrated = Levelling.rounded(reading.integrated)
        record.truePeak = Levelling.rounded(reading.truePeak ?? -200)
        // The gain of the mix as encoded: the last attempt's (the loop stops before adding another).
        record.correction = gain == 0 ? nil : Levelling.rounded(gain)
        return record
    }
}

/// Decoded audio of one stream on its way into a meter: resampled to 48 kHz (ebur128's rate), mono or stereo as
/// recorded, and 5.1 or more measured as 5.1, so the meter weighs the surrounds and leaves out the LFE as
/// BS.1770 says (three to five channels, whose positions vary, are mixed to stereo). Used for whole files
/// (render's check of its own track, `probe`) and for samples of them (`validate`).
final class MeterFeed {
    let meter: LoudnessMeter
    let channels: Int
    private let fifo: AudioFifo
    private var resampler: Resampler?

    init(channels: Int, truePeak: Bool) throws {
        self.channels = channels >= 6 ? 6 : max(1, min(2, channels))
        fifo = AudioFifo(channels: self.channels)
        meter = try LoudnessMeter(sampleRate: 48_000, channels: self.channels, truePeak: truePeak)
    }

    /// Measures a decoded frame, or at most `limit` samples of it (the rest is dropped); returns how many.
    @discardableResult
    func add(_ frame: Frame, limit: Int = .max) throws -> Int {
        if resampler == nil {
            resampler = try Resampler(inputRate: frame.sampleRate, inputChannels: frame.channelCount,
                                      inputFormat: frame.sampleFormat, outputRate: 48_000, outputChannels: channels)
        }
        try resampler!.convert(frame, into: fifo)
        return try take(limit)
    }

    /// Starts again after a seek: what the resampler holds belongs to the place before it.
    func restart() throws {
        resampler = nil
        try fifo.drop(fifo.count)
    }

    func finish() throws -> LoudnessReading {
        try resampler?.convert(nil, into: fifo)
        try take(.max)
        return try meter.finish()
    }

    private func take(_ limit: Int) throws -> Int {
        let n = min(fifo.count, limit)
        if n > 0 { try meter.add(try fifo.read(n, sampleRate: 48_000)) }
        try fifo.drop(fifo.count)
        return n
    }
}

extension Levelling {
    /// The integrated loudness and true peak of a file's best audio stream, decoded as it plays. Silence when it
    /// has no sound.
    static func measure(file path: String) throws -> LoudnessReading {
        let input = try InputFile(path: path)
        guard let info = input.bestStream(.audio) else { return LoudnessReading(integrated: -70, truePeak: -200) }
        let feed = try MeterFeed(channels: info.channels, truePeak: true)
        try decodeStream(input, info) { try feed.add($0); return true }
        return try feed.finish()
    }

    /// Windows of a long recording measured by `validate`: six of 10 s, spread evenly (the first at the start,
    /// the last at the end), so a two-hour session costs a minute of decoded sound, not two hours.
    static let sampleWindows = 6
    static let sampleSeconds = 10.0

    /// The integrated loudness of `audio` in `input`, over the sample windows (all of it when that is shorter).
    static func sampled(_ input: InputFile, _ audio: StreamInfo) throws -> LoudnessReading {
        let feed = try MeterFeed(channels: audio.channels, truePeak: false)
        let total = Double(input.durationMicroseconds ?? 0) / 1_000_000
        let starts = total <= sampleSeconds * Double(sampleWindows)
            ? [0.0]
            : (0..<sampleWindows).map { (total - sampleSeconds) * Double($0) / Double(sampleWindows - 1) }
        let limit = starts.count == 1 ? Int.max : Int(sampleSeconds * 48_000)
        for start in starts {
            if start > 0 {
                let origin = Double(input.startMicroseconds) / 1_000_000
                let ts = rescale(Int64((start + origin) * 1_000_000), from: Rational(1, 1_000_000), to: audio.timeBase)
                try input.seek(stream: audio.index, toKeyframeAtOrBefore: ts)
                try feed.restart()
            }
            var taken = 0
            try decodeStream(input, audio) { frame in
                taken += try feed.add(frame, limit: limit - taken)
                return taken < limit
            }
        }
        return try feed.finish()
    }
}

extension MusicBed {
    /// The bed's integrated loudness over the samples the cards play.
    func loudness() throws -> LoudnessReading {
        let meter = try LoudnessMeter(sampleRate: format.sampleRate, channels: format.channels, truePeak: false)
        let length = samplesHeld
        var done = 0
        while done < length {
            let n = min(4096, length - done)
            try meter.add(try chunk(from: done, count: n))
            done += n
        }
        return try meter.finish()
    }
}

extension BatchRenderer {
    /// What the last render measured of each normalised output's sound, by output id, when `cache` holds the
    /// sound track this plan would use (for `provoke plan`). Reads the sources' identities for the keys.
    public func measuredLoudness(_ jobs: [Job], cache folder: URL) -> [String: RenderRecord.Loudness] {
        guard let cache = try? RenderCache(directory: folder) else { return [:] }
        let files = FileIdentities(), keyframes = KeyframeIndex()
        var found: [String: RenderRecord.Loudness] = [:]
        for job in jobs where job.plan.loudness.lufs != nil {
            guard let p = try? plan(job, files: files, keyframes: keyframes),
                  let measured = cache.reading(p.soundKey, as: RenderRecord.Loudness.self) else { continue }
            found[job.plan.output] = measured
        }
        return found
    }
}
