import ProvokeManifest

/// The printable form of a RenderPlan (`provoke plan --json`): every segment with its source range in
/// seconds and frames and its output range, exactly as render will execute it.
public struct PlanDocument: Codable, Equatable, Sendable {
    public struct SourceRange: Codable, Equatable, Sendable {
        public var source: String
        public var file: String
        public var clip: String
        /// Seconds from the source's start, [in, out).
        public var inSeconds: Double
        public var outSeconds: Double
        /// "HH:MM:SS.mmm"
        public var inTime: String
        public var outTime: String
        /// Source frames shown, first and last (inclusive), at the source's frame rate when known.
        public var firstFrame: Int?
        public var lastFrame: Int?
        public var frameRate: String?
    }
    public struct SegmentEntry: Codable, Equatable, Sendable {
        public var kind: String
        public var outputStart: Double
        public var outputEnd: Double
        public var outputStartTime: String
        public var outputEndTime: String
        /// Output frames [startFrame, endFrame).
        public var startFrame: Int
        public var endFrame: Int
        public var source: SourceRange?
        public var ideas: [String]
    }
    public struct OutputEntry: Codable, Equatable, Sendable {
        public var output: String
        public var audience: Audience
        public var title: String
        public var file: String
        public var width: Int
        public var height: Int
        public var fps: Int
        public var frames: Int
        public var duration: Double
        public var audioSamples: Int
        public var tags: [String: String]
        public var segments: [SegmentEntry]
    }
    public var project: String
    public var title: String
    public var outputs: [OutputEntry]

    /// - Parameter sourceFrameRates: frame rate (num, den) of each source id, when the files could be
    ///   read; the first and last source frames are given only for those.
    public init(_ plan: RenderPlan, sourceFrameRates: [String: (Int, Int)] = [:]) {
        project = plan.project
        title = plan.projectTitle
        outputs = plan.outputs.map { o in
            let fps = o.format.fps
            func time(_ frame: Int) -> OutputTime { OutputTime(microseconds: Int64(frame) * 1_000_000 / Int64(fps)) }
            let segments = o.segments.map { s -> SegmentEntry in
                var source: SourceRange?
                var ideas: [String] = []
                switch s.content {
                case let .clip(c):
                    ideas = c.ideas
                    var first: Int?, last: Int?, rate: String?
                    if let (num, den) = sourceFrameRates[c.source], num > 0, den > 0 {
                        first = PlanDocument.frameShown(at: c.sourceIn, num: num, den: den)
                        // The last output frame shows the source frame at in + (count - 1)/fps.
                        let lastTime = SourceTime(microseconds: c.sourceIn.microseconds + Int64(s.frames.count - 1) * 1_000_000 / Int64(fps))
                        last = PlanDocument.frameShown(at: lastTime, num: num, den: den)
                        rate = den == 1 ? "\(num)" : "\(num)/\(den)"
                    }
                    source = SourceRange(source: c.source, file: c.file, clip: c.clip,
                                         inSeconds: c.sourceIn.seconds, outSeconds: c.sourceOut.seconds,
                                         inTime: c.sourceIn.description, outTime: c.sourceOut.description,
                                         firstFrame: first, lastFrame: last, frameRate: rate)
                }
                return SegmentEntry(kind: "clip", outputStart: time(s.frames.start).seconds, outputEnd: time(s.frames.end).seconds,
                                    outputStartTime: time(s.frames.start).description, outputEndTime: time(s.frames.end).description,
                                    startFrame: s.frames.start, endFrame: s.frames.end, source: source, ideas: ideas)
            }
            return OutputEntry(output: o.output, audience: o.audience, title: o.title, file: "\(o.output).mp4",
                               width: o.format.width, height: o.format.height, fps: fps, frames: o.frameCount,
                               duration: o.duration.seconds, audioSamples: o.audioSampleCount,
                               tags: Dictionary(uniqueKeysWithValues: o.tags), segments: segments)
        }
    }

    /// The source frame on screen at `t` (1 ms tolerance, as the renderer chooses).
    static func frameShown(at t: SourceTime, num: Int, den: Int) -> Int {
        Int((Int128(t.microseconds + 1_000) * Int128(num)) / (Int128(den) * 1_000_000))
    }

    /// A plain-text table for people.
    public var text: String {
        var lines: [String] = ["project \(project): \(title)"]
        for o in outputs {
            lines.append("")
            lines.append("output \(o.output) (\(o.audience.rawValue)) \"\(o.title)\" -> \(o.file)")
            lines.append("  \(o.width)x\(o.height) \(o.fps) fps, \(o.frames) frames, \(OutputTime(microseconds: Int64(o.frames) * 1_000_000 / Int64(o.fps))), \(o.audioSamples) audio samples")
            for (i, s) in o.segments.enumerated() {
                var line = "  \(i + 1). \(s.outputStartTime)-\(s.outputEndTime) frames \(s.startFrame)-\(s.endFrame - 1)"
                if let src = s.source {
                    line += "  clip \(src.clip): \(src.source) \(src.inTime)-\(src.outTime)"
                    if let f = src.firstFrame, let l = src.lastFrame, let r = src.frameRate {
                        line += " (source frames \(f)-\(l) at \(r) fps)"
                    }
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }
}
