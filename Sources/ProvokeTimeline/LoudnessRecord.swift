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

        public init(mode: String, target: Double? = nil, truePeakCeiling: Double? = nil, integrated: Double? = nil,
                    truePeak: Double? = nil, clips: [ClipLevel]? = nil, music: MusicLevel? = nil) {
            self.mode = mode; self.target = target; self.truePeakCeiling = truePeakCeiling
            self.integrated = integrated; self.truePeak = truePeak; self.clips = clips; self.music = music
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
