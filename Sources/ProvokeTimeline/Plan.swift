// ProvokeTimeline: pure planning. It turns a validated Project into a RenderPlan: for every output,
// a list of segments in output time, each naming exactly what produces its pixels and sound.
// It touches no media, no clock and no file system; the renderer executes the plan as written.
// Captions are planned in CaptionPlan.swift, from the segments made here.
import ProvokeCaptions
import ProvokeManifest

/// An output's delivery format, from its preset (`web-720p` by default; see Presets.swift).
public struct OutputFormat: Sendable, Equatable, Codable {
    /// The preset's name, for people (`square`).
    public var preset = "web-720p"
    public var width = 1280
    public var height = 720
    /// Whole frames per second. Segment lengths are whole frames, so cuts are frame-exact.
    public var fps = 30
    public var sampleRate = 48_000
    public var channels = 2
    /// x264 settings the preset sets; nil: the render's (`--preset`, `--crf`).
    public var x264Preset: String?
    public var crf: Int?
    /// Video rate control in kbit/s: an average (ABR), and a maximum over a buffer (VBV); nil: none.
    public var videoBitRate: Int?
    public var videoMaxRate: Int?
    public var videoBuffer: Int?
    /// AAC bits per second.
    public var audioBitRate = 128_000
    /// The MP4's cap in bytes (`email`'s `max_mb`); nil: none.
    public var maxBytes: Int64?
    public init() {}

    /// The output's frame clock: every conversion between output frames, times and samples goes through it.
    public var clock: FrameClock { FrameClock(fps: fps) }

    /// Audio samples in `frames` video frames (exact when fps divides the sample rate, as 30 and 25 do 48 kHz).
    public func samples(forFrames frames: Int) -> Int { clock.samples(forFrames: frames, sampleRate: sampleRate) }
}

/// A time on an output's timeline, in whole microseconds from the output's first frame.
/// Converting between OutputTime and SourceTime goes through a `Segment`.
public struct OutputTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var microseconds: Int64
    public init(microseconds: Int64) { self.microseconds = microseconds }
    public static func < (a: OutputTime, b: OutputTime) -> Bool { a.microseconds < b.microseconds }
    /// `HH:MM:SS.mmm`, as `SourceTime` prints (one formatter for both clocks).
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
        /// An animated text card, with the words for this output's audience.
        case card(CardContent)
    }
    public var content: Content
    /// Where the segment sits in the output, in output frames. After a crossfade it starts inside the
    /// segment before it (the two overlap for the transition's frames).
    public var frames: FrameRange
    /// How the segment comes in after the one before it; nil for a hard cut.
    public var transition: PlannedTransition?

    public init(content: Content, frames: FrameRange, transition: PlannedTransition? = nil) {
        self.content = content; self.frames = frames; self.transition = transition
    }

    /// The manifest id of what the segment shows (a clip's or a card's).
    public var item: String {
        switch content {
        case let .clip(c): return c.clip
        case let .card(c): return c.card
        }
    }

    /// The output time of the segment's first frame.
    public func startTime(_ format: OutputFormat) -> OutputTime { format.clock.time(ofFrame: frames.start) }
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
    /// Who speaks, for the render record (the lower third itself is planned in `CaptionPlan`).
    public var speaker: Speaker? = nil

    public init(clip: String, source: String, file: String, path: String, sourceIn: SourceTime, sourceOut: SourceTime,
                ideas: [String] = [], speaker: Speaker? = nil) {
        self.clip = clip; self.source = source; self.file = file; self.path = path
        self.sourceIn = sourceIn; self.sourceOut = sourceOut; self.ideas = ideas; self.speaker = speaker
    }

    /// How this clip's output frames map onto its recording (k = 0 is `sourceIn`), for an output on `clock`;
    /// `origin` is the file's start time when a file is open.
    public func timing(_ clock: FrameClock, origin: Int64 = 0) -> ClipTiming {
        ClipTiming(sourceIn: sourceIn, clock: clock, origin: origin)
    }
}

/// A transition into a segment, in whole output frames.
public struct PlannedTransition: Sendable, Equatable, Codable {
    public var kind: Transition.Kind
    /// The transition's length in output frames. `crossfade`: the overlap with the segment before (its last
    /// `frames` frames and this segment's first `frames`). `fade`: the segment before fades to the background
    /// over its last `outFrames`, this one up from it over its first `frames - outFrames`.
    public var frames: Int
    /// `fade` only: how many of `frames` belong to the segment before (0 on the first segment). A fade passes
    /// through the output's card background (`OutputPlan.cardStyle`).
    public var outFrames: Int
    public init(kind: Transition.Kind, frames: Int, outFrames: Int = 0) {
        self.kind = kind; self.frames = frames; self.outFrames = outFrames
    }
    /// Frames of this segment's start that fade or mix in.
    public var inFrames: Int { frames - outFrames }
}

/// A card as one output shows it: the template, the words for the output's audience, and the style.
/// How it is laid out and animated is ProvokeCards'.
public struct CardContent: Sendable, Equatable {
    public var card: String
    public var template: CardTemplate
    /// The card's words for this audience, by field; absent fields are not shown. `title` cards have the
    /// project's title, event and date filled in here unless the card overrides them.
    public var text: String?
    public var attribution: String?
    public var points: [String]
    public var value: String?
    public var label: String?
    public var url: String?
    public var event: String?
    public var date: String?
    public var style: CardStyle
    /// Where in the music bed this card's sound starts (output samples from the bed's start, wrapping round
    /// when the bed is shorter than all the cards together); nil when the style has no music.
    public var musicOffset: Int?
    /// `end` cards of a personal edition: the edition's code, shown small in a corner (Editions.swift).
    public var edition: String?

    public init(card: String, template: CardTemplate, text: String? = nil, attribution: String? = nil,
                points: [String] = [], value: String? = nil, label: String? = nil, url: String? = nil,
                event: String? = nil, date: String? = nil, style: CardStyle = CardStyle(), musicOffset: Int? = nil) {
        self.card = card; self.template = template; self.text = text; self.attribution = attribution
        self.points = points; self.value = value; self.label = label; self.url = url; self.event = event
        self.date = date; self.style = style; self.musicOffset = musicOffset
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
         ("comment", comment)] + editionTags
    }
    public var project: String
    public var projectTitle: String
    /// "For Integrated Care Boards · Increasing access is harmful to health"
    public var comment: String { "For \(audience.description) · \(projectTitle)" }
    public var ideas: [Idea]
    /// Every idea of the project, for the render record: the ledger lists the ideas no output carries too.
    public var projectIdeas: [Idea] = []
    /// Captions and speakers' names in output time, with the mode and style they are shown in.
    public var captions = CaptionPlan()
    /// The output's card style: transitions fade through its background; its fonts folder serves captions too.
    public var cardStyle = CardStyle()
    /// The output frame its poster shows, when the manifest says (`poster`); else the renderer picks one.
    public var posterFrame: Int?
    /// The integrated loudness the sound is normalised to, or off (`outputs[].loudness`).
    public var loudness = LoudnessTarget.standard
    /// A personal edition's recipient, code and file name (Editions.swift); nil for the output's one file.
    public var edition: Edition?

    public var frameCount: Int { segments.last?.frames.end ?? 0 }
    public var audioSampleCount: Int { format.samples(forFrames: frameCount) }
    public var duration: OutputTime { format.clock.time(ofFrame: frameCount) }

    public static func == (a: OutputPlan, b: OutputPlan) -> Bool {
        a.output == b.output && a.audience == b.audience && a.title == b.title && a.format == b.format
            && a.segments == b.segments && a.project == b.project && a.projectTitle == b.projectTitle && a.ideas == b.ideas
            && a.projectIdeas == b.projectIdeas
            && a.captions == b.captions && a.cardStyle == b.cardStyle && a.posterFrame == b.posterFrame
            && a.loudness == b.loudness && a.edition == b.edition
    }
}

public struct RenderPlan: Sendable, Equatable {
    public var project: String
    public var projectTitle: String
    public var outputs: [OutputPlan]
    public init(project: String, projectTitle: String, outputs: [OutputPlan]) {
        self.project = project; self.projectTitle = projectTitle; self.outputs = outputs
    }
}

public enum PlanError: Error, CustomStringConvertible, Equatable {
    case unknownOutput(String, known: [String])
    case emptyClip(String)
    /// A card has no words for the audience of an output that shows it (the validator reports this first).
    case missingAudience(card: String, field: String, audience: Audience)
    /// A transition needs more frames than the items around it have (after rounding to whole frames).
    case transitionTooLong(output: String, item: String, frames: Int, available: Int)
    case crossfadeFirst(output: String, item: String)
    /// A size-capped output (`email`) too long to fit its cap at 360p; `longest` is what fits (ms).
    case tooLongForCap(output: String, milliseconds: Int64, maxBytes: Int64, longest: Int64)
    /// `poster` is at or after the output's end.
    case posterOutside(output: String, poster: OutputTime, duration: OutputTime)
    public var description: String {
        switch self {
        case let .unknownOutput(id, known): return "no output \"\(id)\" in the manifest (outputs: \(known.joined(separator: ", ")))"
        case let .emptyClip(id): return "clip \"\(id)\" is shorter than one frame"
        case let .missingAudience(card, field, audience):
            return "card \"\(card)\" has no \(field) for audience \"\(audience.rawValue)\""
        case let .transitionTooLong(output, item, frames, available):
            return "output \"\(output)\": the transition into \"\(item)\" needs \(frames) frames, but only \(available) are free"
        case let .crossfadeFirst(output, item):
            return "output \"\(output)\": \"\(item)\" is first, so there is nothing to crossfade from"
        case let .tooLongForCap(output, ms, maxBytes, longest):
            let mb = maxBytes % 1_000_000 == 0 ? "\(maxBytes / 1_000_000)" : "\(Double(maxBytes) / 1_000_000)"
            return "output \"\(output)\": \(OutputTime(microseconds: ms * 1000)) does not fit in \(mb) MB "
                + "at an acceptable quality (360p or better); at most about \(OutputTime(microseconds: longest * 1000)) fits "
                + "(shorten the sequence or raise max_mb)"
        case let .posterOutside(output, poster, duration):
            return "output \"\(output)\": poster \(poster) is not before the output's end (\(duration))"
        }
    }

    /// Where in the manifest the problem is written (`outputs[1].poster`), when it belongs to one place.
    public func jsonPath(in project: Project) -> String? {
        func output(_ id: String) -> (Int, Output)? {
            project.outputs.firstIndex { $0.id == id }.map { ($0, project.outputs[$0]) }
        }
        func transition(_ id: String, _ item: String) -> String? {
            guard let (i, o) = output(id) else { return nil }
            guard let j = o.sequence.firstIndex(where: { $0.item == item }) else { return "outputs[\(i)].sequence" }
            return "outputs[\(i)].sequence[\(j)].transition"
        }
        switch self {
        case .unknownOutput, .emptyClip, .missingAudience: return nil
        case let .transitionTooLong(id, item, _, _), let .crossfadeFirst(id, item): return transition(id, item)
        case let .tooLongForCap(id, _, _, _): return output(id).map { "outputs[\($0.0)].sequence" }
        case let .posterOutside(id, _, _): return output(id).map { "outputs[\($0.0)].poster" }
        }
    }
}

public enum Planner {
    /// Plans the named outputs (all when `outputs` is empty), in manifest order.
    public static func plan(_ project: Project, outputs wanted: [String] = [], format: OutputFormat = OutputFormat()) throws -> RenderPlan {
        for id in wanted where project.output(id) == nil {
            throw PlanError.unknownOutput(id, known: project.outputs.map(\.id))
        }
        let chosen = wanted.isEmpty ? project.outputs : project.outputs.filter { wanted.contains($0.id) }
        return RenderPlan(project: project.id, projectTitle: project.title,
                          outputs: try chosen.map { try plan(project, $0, format: format) })
    }

    static func plan(_ project: Project, _ output: Output, format base: OutputFormat) throws -> OutputPlan {
        let format = output.preset == .web720p ? base : OutputFormat(preset: output.preset)
        var segments: [Segment] = []
        var cursor = 0
        var ideaIDs: [String] = []
        var musicSamples = 0
        for item in output.sequence {
            let content: Segment.Content
            let count: Int
            if let clip = project.clip(item.item) {
                guard let source = project.source(clip.source) else {
                    preconditionFailure("a validated project's clips name a source")
                }
                count = format.clock.frames(in: clip.out.microseconds - clip.in.microseconds)
                if count <= 0 { throw PlanError.emptyClip(clip.id) }
                content = .clip(ClipContent(clip: clip.id, source: source.id, file: source.file, path: source.url.path,
                                            sourceIn: clip.in, sourceOut: clip.out, ideas: clip.ideas,
                                            speaker: clip.speaker))
                for idea in clip.ideas where !ideaIDs.contains(idea) { ideaIDs.append(idea) }
            } else if let card = project.card(item.item) {
                count = format.clock.frames(in: card.duration)
                if count <= 0 { throw PlanError.emptyClip(card.id) }
                var words = try cardContent(card, project: project, audience: output.audience, style: output.style.card)
                if output.style.card.music != nil {
                    words.musicOffset = musicSamples
                    musicSamples += format.samples(forFrames: count)
                }
                content = .card(words)
            } else {
                preconditionFailure("a validated project's sequence names a clip or a card")
            }

            var start = cursor
            var transition: PlannedTransition?
            if let t = item.transition, t.kind != .cut {
                let frames = max(1, format.clock.frames(in: t.duration))
                let previous = segments.last
                // Frames of the segment before that are not already taken by its own way in.
                let free = previous.map { $0.frames.count - ($0.transition?.inFrames ?? 0) } ?? 0
                switch t.kind {
                case .cut: break
                case .crossfade:
                    guard previous != nil else { throw PlanError.crossfadeFirst(output: output.id, item: item.item) }
                    if frames > min(free, count) {
                        throw PlanError.transitionTooLong(output: output.id, item: item.item, frames: frames,
                                                          available: min(free, count))
                    }
                    start = cursor - frames
                    transition = PlannedTransition(kind: .crossfade, frames: frames)
                case .fade:
                    let out = previous == nil ? 0 : frames / 2
                    if out > free || frames - out > count {
                        throw PlanError.transitionTooLong(output: output.id, item: item.item, frames: frames,
                                                          available: previous == nil ? count : 2 * min(free, count))
                    }
                    transition = PlannedTransition(kind: .fade, frames: frames, outFrames: out)
                }
            }
            segments.append(Segment(content: content, frames: FrameRange(start: start, count: count), transition: transition))
            cursor = start + count
        }
        var plan = OutputPlan(output: output.id, audience: output.audience, title: output.title, format: format,
                              segments: segments, project: project.id, projectTitle: project.title,
                              ideas: ideaIDs.compactMap { project.idea($0) }, projectIdeas: project.ideas,
                              captions: CaptionPlanner.plan(project, output, segments: segments, format: format),
                              cardStyle: output.style.card, loudness: output.loudness)
        try applyDelivery(output, to: &plan)
        return plan
    }

    /// A card's words for one audience. `title` cards default to the project's title, event and date.
    static func cardContent(_ card: Card, project: Project, audience: Audience, style: CardStyle) throws -> CardContent {
        func words(_ text: AudienceText?, _ field: String) throws -> String? {
            guard let text else { return nil }
            guard let words = text.text(for: audience) else {
                throw PlanError.missingAudience(card: card.id, field: field, audience: audience)
            }
            return words
        }
        var content = CardContent(card: card.id, template: card.template, text: try words(card.text, "text"),
                                  attribution: try words(card.attribution, "attribution"),
                                  points: try card.points.enumerated().map { try words($1, "points[\($0)]")! },
                                  value: try words(card.value, "value"), label: try words(card.label, "label"),
                                  url: try words(card.url, "url"), event: try words(card.event, "event"),
                                  date: try words(card.date, "date"), style: style)
        if card.template == .title {
            content.text = content.text ?? project.title
            content.event = content.event ?? project.event
            content.date = content.date ?? project.date
        }
        return content
    }
}
