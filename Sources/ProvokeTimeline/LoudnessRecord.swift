import ProvokeManifest

extension RenderRecord {
    /// How loud the output's sound is, as measured (EBU R128 / ITU-R BS.1770, through libavfilter's `ebur128`):
    /// the target, what each clip and the music bed measured and the gain each got, and the output's integrated
    /// loudness and true peak read back from its encoded sound. Absent in records from before loudness.
    public struct Loudness: Codable, Equatable, Sendable {
        /// "normalised", or "off" (the sound as recorded; nothing measured).
        public var mode: String
        /// LUFS and dBTP the output was normalised to.
        public var target: Double?
        public var truePeakCeiling: Double?
        /// The encoded sound track as measured: integrated loudness (LUFS) and true peak (dBTP).
        public var integrated: Double?
        public var truePeak: Double?
        /// Each clip in output order: its sound as recorded (LUFS; -70 is silence) and the gain it got (dB).
        public var clips: [ClipLevel]?
        /// The music bed under the cards, when the style has one.
        public var music: MusicLevel?
        /// A gain (dB) on the whole mix, on top of each clip's and the bed's, when the first mix measured off its
        /// target (a bed that counts in the gated loudness, a limiter that took some off); absent when none.
        public var correction: Double?

        public init(mode: String, target: Double? = nil, truePeakCeiling: Double? = nil, integrated: Double? = nil,
                    truePeak: Double? = nil, clips: [ClipLevel]? = nil, music: MusicLevel? = nil, correction: Double? = nil) {
            self.mode = mode; self.target = target; self.truePeakCeiling = truePeakCeiling
            self.integrated = integrated; self.truePeak = truePeak; self.clips = clips; self.music = music
            self.correction = correction
        }

        public static let off = Loudness(mode: "off")
    }

    public struct ClipLevel: Codable, Equatable, Sendable {
        public var clip: String
        public var outputStartFrame: Int
        public var input: Double
        public var gain: Double
        public init(clip: String, outputStartFrame: Int, input: Double, gain: Double) {
            self.clip = clip; self.outputStartFrame = outputStartFrame; self.input = input; self.gain = gain
        }
    }

    public struct MusicLevel: Codable, Equatable, Sendable {
        /// LU relative to the speech target (`style.musicLevel`), the bed as recorded (LUFS), its gain (dB).
        public var level: Double
        public var input: Double
        public var gain: Double
        public init(level: Double, input: Double, gain: Double) { self.level = level; self.input = input; self.gain = gain }
    }
}

extension PlanDocument {
    /// An output's loudness in the plan: the target, and the gains and result a render measured (filled in from
    /// the cache by `provoke plan` when it holds them; otherwise they are measured at render).
    public struct LoudnessEntry: Codable, Equatable, Sendable {
        /// "normalised" or "off".
        public var mode: String
        public var target: Double?
        public var truePeakCeiling: Double?
        /// LU relative to the target, when the output's cards have a music bed.
        public var musicLevel: Double?
        public var measured: RenderRecord.Loudness?

        init(_ plan: OutputPlan) {
            mode = plan.loudness.lufs == nil ? "off" : "normalised"
            target = plan.loudness.lufs
            truePeakCeiling = target == nil ? nil : LoudnessTarget.truePeakCeiling
            let music = plan.segments.contains { if case let .card(c) = $0.content { return c.musicOffset != nil } else { return false } }
            musicLevel = target != nil && music ? plan.cardStyle.musicLevel : nil
        }

        var lines: [String] {
            guard let target else { return ["  loudness off: the sound as recorded"] }
            func number(_ x: Double) -> String { String(format: "%.1f", x) }
            var head = "  loudness \(number(target)) LUFS, true peak at most \(number(truePeakCeiling ?? -1)) dBTP"
            if let musicLevel { head += ", music bed \(number(-musicLevel)) LU under speech" }
            guard let m = measured, let integrated = m.integrated, let peak = m.truePeak else {
                return [head + ": clips' gains measured at render"]
            }
            var lines = [head + ": last rendered at \(number(integrated)) LUFS, true peak \(number(peak)) dBTP"]
            for clip in m.clips ?? [] {
                lines.append("    clip \(clip.clip) at frame \(clip.outputStartFrame): \(number(clip.input)) LUFS as recorded, "
                             + "gain \(clip.gain >= 0 ? "+" : "")\(number(clip.gain)) dB")
            }
            if let music = m.music {
                lines.append("    music bed: \(number(music.input)) LUFS as recorded, gain \(music.gain >= 0 ? "+" : "")\(number(music.gain)) dB")
            }
            return lines
        }
    }
}
