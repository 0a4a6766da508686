// Caption planning: every caption and speaker name of one output, moved to output time through the plan's
// segments. Pure: the cues were read and checked by the manifest loader; nothing here touches a file or media.
//
// Clocks: a source's cues are on its recording's clock, a clip's own cues on the clip's (0 = its `in`). The
// only way onto the output's clock is through a segment: its output frames give where the clip's first frame
// sits (every item before it, clips or later cards, already counted) and how long it lasts.
import ProvokeCaptions
import ProvokeManifest

/// What an output shows as captions, in output time (integer milliseconds from the output's first frame).
public struct CaptionPlan: Sendable, Equatable {
    public var mode: CaptionMode
    public var style: CaptionStyle
    public var speakerStyle: LowerThirdStyle
    /// Every caption, sorted by start (then end), wrapped to the style's line limits (a cue too long for one
    /// screen is several consecutive cues). These exact cues go into the burned-in script, the soft track and
    /// the sidecars.
    public var cues: [PlannedCue]
    /// Speakers' names over the first seconds of their clips.
    public var lowerThirds: [LowerThird]

    public init(mode: CaptionMode = .both, style: CaptionStyle = CaptionStyle(),
                speakerStyle: LowerThirdStyle = LowerThirdStyle(), cues: [PlannedCue] = [],
                lowerThirds: [LowerThird] = []) {
        self.mode = mode; self.style = style; self.speakerStyle = speakerStyle
        self.cues = cues; self.lowerThirds = lowerThirds
    }

    /// Is anything drawn into the picture? (The mode asks for it and there is something to draw.)
    public var burnsIn: Bool { mode.burnsIn && !(cues.isEmpty && lowerThirds.isEmpty) }
    /// Are a caption track and .srt/.vtt sidecars written? (The mode asks for them and there are cues.)
    public var hasSoftCaptions: Bool { mode.isSoft && !cues.isEmpty }
    /// The cues alone, in output time.
    public var outputCues: [Cue] { cues.map(\.cue) }
}

/// One caption in output time, and where it came from.
public struct PlannedCue: Sendable, Hashable {
    public enum Origin: Sendable, Hashable {
        /// Cue `index` (in file order) of the source's caption file; `start`/`end` are on the recording's clock.
        case source(String, index: Int)
        /// Cue `index` of the clip's own `captions`; `start`/`end` are from the clip's `in`.
        case clip(String, index: Int)
    }

    /// In output time, trimmed to its clip, wrapped.
    public var cue: Cue
    /// The clip it is shown over, and that clip's segment in `OutputPlan.segments`.
    public var clip: String
    public var segment: Int
    public var origin: Origin
    /// The cue as written, on its own clock (see `origin`).
    public var originalStart: Int64
    public var originalEnd: Int64
    /// For a source's cue, its place in the caption file: `captions/may1.srt:14` (path as in the manifest).
    public var writtenAt: String?
    /// The written cue started before the clip's in-point (or ended after its out-point) and was cut there.
    public var trimmedAtStart: Bool
    public var trimmedAtEnd: Bool

    public init(cue: Cue, clip: String, segment: Int, origin: Origin, originalStart: Int64, originalEnd: Int64,
                writtenAt: String? = nil, trimmedAtStart: Bool, trimmedAtEnd: Bool) {
        self.cue = cue; self.clip = clip; self.segment = segment; self.origin = origin
        self.originalStart = originalStart; self.originalEnd = originalEnd; self.writtenAt = writtenAt
        self.trimmedAtStart = trimmedAtStart; self.trimmedAtEnd = trimmedAtEnd
    }
}

public enum CaptionPlanner {
    /// The output millisecond of output frame `frame`, floored. FFmpeg's `ass` filter asks libass for the frame
    /// at its time truncated to whole milliseconds, so a cue placed from here is on exactly the segment's frames.
    public static func milliseconds(ofFrame frame: Int, fps: Int) -> Int64 {
        Int64(frame) * 1000 / Int64(fps)
    }

    /// Where each clip segment plays: its source range in milliseconds (from the clip's `in`, as long as the
    /// segment lasts in output time, so no cue spills into the next segment) and its output start.
    static func ranges(_ segments: [Segment], fps: Int) -> [(segment: Int, clip: ClipContent, range: ClipRange)] {
        segments.enumerated().compactMap { index, segment in
            guard case let .clip(clip) = segment.content else { return nil }
            let start = milliseconds(ofFrame: segment.frames.start, fps: fps)
            let end = milliseconds(ofFrame: segment.frames.end, fps: fps)
            // Captions are timed in whole milliseconds; a microsecond in-point is rounded to the nearest.
            let sourceStart = (clip.sourceIn.microseconds + 500) / 1000
            return (index, clip, ClipRange(sourceStart: sourceStart, sourceEnd: sourceStart + (end - start),
                                           outputStart: start))
        }
    }

    /// Every caption of the output: each source's cues through the segments cut from it, each clip's own cues
    /// through that clip's segments, wrapped to the style, merged and sorted. Lower thirds for clips with a
    /// speaker, except where the same speaker carries on from the segment before.
    public static func plan(_ project: Project, _ output: Output, segments: [Segment], format: OutputFormat) -> CaptionPlan {
        let placed = ranges(segments, fps: format.fps)
        var cues: [PlannedCue] = []

        // A recording's cues, through every segment of this output cut from that recording.
        for source in project.sources {
            guard let file = source.captions else { continue }
            let uses = placed.filter { $0.clip.source == source.id }
            for retimed in retimedCues(file.cues, through: uses.map(\.range)) {
                let use = uses[retimed.rangeIndex], written = file.cues[retimed.cueIndex]
                let line = file.lines.indices.contains(retimed.cueIndex) ? file.lines[retimed.cueIndex] : nil
                cues.append(PlannedCue(cue: retimed.cue, clip: use.clip.clip, segment: use.segment,
                                       origin: .source(source.id, index: retimed.cueIndex),
                                       originalStart: written.start, originalEnd: written.end,
                                       writtenAt: line.map { "\(file.file):\($0)" },
                                       trimmedAtStart: retimed.trimmedAtStart, trimmedAtEnd: retimed.trimmedAtEnd))
            }
        }
        // A clip's own cues: the same rule, on the clip's clock (0 = its in).
        for use in placed {
            guard let clip = project.clip(use.clip.clip), !clip.captions.isEmpty else { continue }
            let range = ClipRange(sourceStart: 0, sourceEnd: use.range.sourceEnd - use.range.sourceStart,
                                  outputStart: use.range.outputStart)
            for retimed in retimedCues(clip.captions, through: [range]) {
                let written = clip.captions[retimed.cueIndex]
                cues.append(PlannedCue(cue: retimed.cue, clip: clip.id, segment: use.segment,
                                       origin: .clip(clip.id, index: retimed.cueIndex),
                                       originalStart: written.start, originalEnd: written.end,
                                       trimmedAtStart: retimed.trimmedAtStart, trimmedAtEnd: retimed.trimmedAtEnd))
            }
        }
        // Broadcast line limits: long cues become consecutive screens, each keeping where it came from.
        let wrapping = output.style.captions.wrapping
        let wrapped = cues.flatMap { planned in
            wrapping.apply(to: planned.cue).map { screen in
                var piece = planned
                piece.cue = screen
                return piece
            }
        }
        // Output order; ties keep the order above (sources in manifest order, then clips' own cues).
        let sorted = wrapped.enumerated().sorted {
            ($0.element.cue.start, $0.element.cue.end, $0.offset) < ($1.element.cue.start, $1.element.cue.end, $1.offset)
        }.map(\.element)

        var lowerThirds: [LowerThird] = []
        var previousSpeaker: Speaker?
        for use in placed {
            let speaker = project.clip(use.clip.clip)?.speaker
            if let speaker, speaker != previousSpeaker {
                lowerThirds.append(LowerThird(name: speaker.name, role: speaker.role, clip: use.range,
                                              duration: output.style.speaker.duration))
            }
            previousSpeaker = speaker
        }

        return CaptionPlan(mode: output.captions, style: output.style.captions, speakerStyle: output.style.speaker,
                           cues: sorted, lowerThirds: lowerThirds)
    }
}
