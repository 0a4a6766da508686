// ProvokeTimeline: pure planning. It turns a validated Project into a RenderPlan: for every output,
// a list of segments in output time, each naming exactly what produces its pixels and sound.
// It touches no media, no clock and no file system; the renderer executes the plan as written.
// Captions are planned in CaptionPlan.swift, from the segments made here.
import ProvokeManifest

/// The fixed delivery format of every output (later issues add presets).
public struct OutputFormat: Sendable, Equatable, Codable {
    public var width = 1280
    public var height = 720
    /// Whole frames per second. Segment lengths are whole frames, so cuts are frame-exact.
    public var fps = 30
    public var sampleRate = 48_000
    public var channels = 2
    public init() {}

    /// Audio samples in `frames` video frames (exact when fps divides the sample rate, as 30 and 25 do 48 kHz).
    public func samples(forFrames frames: Int) -> Int { frames * sampleRate / fps }
}

/// A time on an output's timeline, in whole microseconds from the output's first frame.
/// Converting between OutputTime and SourceTime goes through a `Segment`.
public struct OutputTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var microseconds: Int64
    public init(microseconds: Int64) { self.microseconds = microseconds }
    public static func < (a: OutputTime, b: OutputTime) -> Bool { a.microseconds < b.microseconds }
    public var description: String { SourceTime(microseconds: microseconds).description }
    public var seconds: Double { Double(microseconds) / 1_000_000 }
}

/// A run of output frames [start, start + count).
public struct FrameRange: Sendable, Equatable, Codable {
    public var start: Int
    public var count: Int
    public var end: Int { start + count }
    public init(start: Int, count: Int) { self.start = start; self.count = count }
}

/// One piece of an output, in output time.
public struct Segment: Sendable, Equatable {
    public enum Content: Sendable, Equatable {
        /// Frames and sound of a source recording, from `sourceIn` on.
        case clip(ClipContent)
    }
    public var content: Content
    /// Where the segment sits in the output, in output frames.
    public var frames: FrameRange

    public init(content: Content, frames: FrameRange) { self.content = content; self.frames = frames }

    /// The output time of the segment's first frame.
    public func startTime(_ format: OutputFormat) -> OutputTime {
        OutputTime(microseconds: Int64(frames.start) * 1_000_000 / Int64(format.fps))
    }
}

public struct ClipContent: Sendable, Equatable {
    public var clip: String
    public var source: String
    /// The source's path as written in the manifest, and resolved.
    public var file: String
    public var path: String
    /// The source range. `sourceOut - sourceIn` rounded to whole output frames is the segment's length.
    public var sourceIn: SourceTime
    public var sourceOut: SourceTime
    public var ideas: [String]

    /// The source time shown at output frame `k` of this segment (k = 0 is `sourceIn`), as an exact
    /// fraction of a second: (numerator, denominator) = sourceIn + k / fps.
    public func sourceTime(ofFrame k: Int, fps: Int) -> (numerator: Int64, denominator: Int64) {
        (sourceIn.microseconds * Int64(fps) + Int64(k) * 1_000_000, Int64(fps) * 1_000_000)
    }
}

/// Everything render will do for one output.
public struct OutputPlan: Sendable, Equatable {
    public var output: String
    public var audience: Audience
    public var title: String
    public var format: OutputFormat
    public var segments: [Segment]
    /// Container tags written into the MP4 (read back by ffprobe's format_tags).
    public var tags: [(String, String)] {
        [("title", title), ("audience", audience.rawValue), ("project", project), ("output", output),
         ("comment", comment)]
    }
    public var project: String
    public var projectTitle: String
    /// "For Integrated Care Boards · Increasing access is harmful to health"
    public var comment: String { "For \(audience.description) · \(projectTitle)" }
    public var ideas: [Idea]
    /// Captions and speakers' names in output time, with the mode and style they are shown in.
    public var captions = CaptionPlan()

    public var frameCount: Int { segments.last?.frames.end ?? 0 }
    public var audioSampleCount: Int { format.samples(forFrames: frameCount) }
    public var duration: OutputTime { OutputTime(microseconds: Int64(frameCount) * 1_000_000 / Int64(format.fps)) }

    public static func == (a: OutputPlan, b: OutputPlan) -> Bool {
        a.output == b.output && a.audience == b.audience && a.title == b.title && a.format == b.format
            && a.segments == b.segments && a.project == b.project && a.projectTitle == b.projectTitle && a.ideas == b.ideas
            && a.captions == b.captions
    }
}

public struct RenderPlan: Sendable, Equatable {
    public var project: String
    public var projectTitle: String
    public var outputs: [OutputPlan]
}

public enum PlanError: Error, CustomStringConvertible, Equatable {
    case unknownOutput(String, known: [String])
    case emptyClip(String)
    public var description: String {
        switch self {
        case let .unknownOutput(id, known): return "no output \"\(id)\" in the manifest (outputs: \(known.joined(separator: ", ")))"
        case let .emptyClip(id): return "clip \"\(id)\" is shorter than one frame"
        }
    }
}

public enum Planner {
    /// Whole output frames in a source range: (out - in) × fps, rounded to nearest.
    public static func frameCount(from start: SourceTime, to end: SourceTime, fps: Int) -> Int {
        Int(((end.microseconds - start.microseconds) * Int64(fps) + 500_000) / 1_000_000)
    }

    /// Plans the named outputs (all when `outputs` is empty), in manifest order.
    public static func plan(_ project: Project, outputs wanted: [String] = [], format: OutputFormat = OutputFormat()) throws -> RenderPlan {
        for id in wanted where project.output(id) == nil {
            throw PlanError.unknownOutput(id, known: project.outputs.map(\.id))
        }
        let chosen = wanted.isEmpty ? project.outputs : project.outputs.filter { wanted.contains($0.id) }
        return RenderPlan(project: project.id, projectTitle: project.title,
                          outputs: try chosen.map { try plan(project, $0, format: format) })
    }

    static func plan(_ project: Project, _ output: Output, format: OutputFormat) throws -> OutputPlan {
        var segments: [Segment] = []
        var cursor = 0
        var ideaIDs: [String] = []
        for item in output.sequence {
            guard let clip = project.clip(item.item), let source = project.source(clip.source) else {
                preconditionFailure("a validated project's sequence names a clip with a source")
            }
            let count = frameCount(from: clip.in, to: clip.out, fps: format.fps)
            if count <= 0 { throw PlanError.emptyClip(clip.id) }
            let content = ClipContent(clip: clip.id, source: source.id, file: source.file, path: source.url.path,
                                      sourceIn: clip.in, sourceOut: clip.out, ideas: clip.ideas)
            segments.append(Segment(content: .clip(content), frames: FrameRange(start: cursor, count: count)))
            cursor += count
            for idea in clip.ideas where !ideaIDs.contains(idea) { ideaIDs.append(idea) }
        }
        return OutputPlan(output: output.id, audience: output.audience, title: output.title, format: format,
                          segments: segments, project: project.id, projectTitle: project.title,
                          ideas: ideaIDs.compactMap { project.idea($0) },
                          captions: CaptionPlanner.plan(project, output, segments: segments, format: format))
    }
}
