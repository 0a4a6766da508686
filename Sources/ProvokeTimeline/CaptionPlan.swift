// Caption planning: every caption and speaker name of one output, moved to output time through the plan's
// segments. Pure: the cues were read and checked by the manifest loader; nothing here touches a file or media.
//
// Clocks: a source's cues are on its recording's clock, a clip's own cues on the clip's (0 = its `in`). The
// only way onto the output's clock is through a segment: its output frames give where the clip's first frame
// sits (every item before it, clips or later cards, already counted) and how long it lasts.
//
// Order of work, which decides what a viewer reads at a cut: (1) a cue too long for one screen is split into
// screens on its own clock, each timed by its share of the words; (2) each screen is trimmed to every clip that
// shows part of it; (3) what a cut leaves shorter than the style's minimum is dropped when it is the stray head
// or tail of a screen that is mostly outside the clip, and otherwise lengthened into the quiet around it.
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
    /// Pieces of written cues that a cut left too short to read and that are not shown, with why.
    public var dropped: [DroppedCue]
    /// Speakers' names over the first seconds of their clips.
    public var lowerThirds: [LowerThird]

    public init(mode: CaptionMode = .both, style: CaptionStyle = CaptionStyle(),
                speakerStyle: LowerThirdStyle = LowerThirdStyle(), cues: [PlannedCue] = [],
                dropped: [DroppedCue] = [], lowerThirds: [LowerThird] = []) {
        self.mode = mode; self.style = style; self.speakerStyle = speakerStyle
        self.cues = cues; self.dropped = dropped; self.lowerThirds = lowerThirds
    }

    /// Is anything drawn into the picture? (The mode asks for it and there is something to draw.)
    public var burnsIn: Bool { mode.burnsIn && !(cues.isEmpty && lowerThirds.isEmpty) }
    /// Are a caption track and .srt/.vtt sidecars written? (The mode asks for them and there are cues.)
    public var hasSoftCaptions: Bool { mode.isSoft && !cues.isEmpty }
    /// The cues alone, in output time.
    public var outputCues: [Cue] { cues.map(\.cue) }
}

/// Where a caption was written.
public enum CueOrigin: Sendable, Hashable {
    /// Cue `index` (in file order) of the source's caption file; times are on the recording's clock.
    case source(String, index: Int)
    /// Cue `index` of the clip's own `captions`; times are from the clip's `in`.
    case clip(String, index: Int)
}

/// One caption in output time, and where it came from.
public struct PlannedCue: Sendable, Hashable {
    public typealias Origin = CueOrigin

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
    /// Milliseconds it was lengthened by, before its start and after its end, so that what a cut left of it
    /// stays up for the style's minimum (0 and 0: shown for exactly the time its words are spoken).
    public var extendedBefore: Int64 = 0
    public var extendedAfter: Int64 = 0

    public init(cue: Cue, clip: String, segment: Int, origin: Origin, originalStart: Int64, originalEnd: Int64,
                writtenAt: String? = nil, trimmedAtStart: Bool, trimmedAtEnd: Bool,
                extendedBefore: Int64 = 0, extendedAfter: Int64 = 0) {
        self.cue = cue; self.clip = clip; self.segment = segment; self.origin = origin
        self.originalStart = originalStart; self.originalEnd = originalEnd; self.writtenAt = writtenAt
        self.trimmedAtStart = trimmedAtStart; self.trimmedAtEnd = trimmedAtEnd
        self.extendedBefore = extendedBefore; self.extendedAfter = extendedAfter
    }
}

/// A piece of a caption that a cut left too short to read, and is not shown: where it would have been, and why.
public struct DroppedCue: Sendable, Hashable, CustomStringConvertible {
    public enum Reason: Sendable, Hashable {
        /// Only `shown` ms of a `of` ms screen fall inside the clip: its head (the clip ends just after it
        /// starts), its tail (the clip starts just before it ends), or a sliver of its middle.
        case mostlyOutside(shown: Int64, of: Int64)
        /// It is mostly inside the clip, but the clip's ends and the captions around it leave no room to show it
        /// for `needed` ms.
        case noRoom(shown: Int64, needed: Int64)
    }
    /// The caption as it would have been shown (in output time, trimmed to its clip).
    public var planned: PlannedCue
    public var reason: Reason

    public var cue: Cue { planned.cue }
    public var clip: String { planned.clip }
    public var segment: Int { planned.segment }
    public var writtenAt: String? { planned.writtenAt }

    public var description: String {
        func s(_ ms: Int64) -> String { String(format: "%.2f s", Double(ms) / 1000) }
        switch reason {
        case let .mostlyOutside(shown, of):
            return "only \(s(shown)) of this \(s(of)) caption falls inside clip \(clip); the rest is outside it"
        case let .noRoom(shown, needed):
            return "\(s(shown)) is left inside clip \(clip), and there is no room to show it for \(s(needed))"
        }
    }
}

public enum CaptionPlanner {
    /// Where each clip segment plays: its source range in milliseconds (from the clip's `in`, as long as the
    /// segment lasts in output time, so no cue spills into the next segment) and its output start.
    static func ranges(_ segments: [Segment], clock: FrameClock) -> [(segment: Int, clip: ClipContent, range: ClipRange)] {
        segments.enumerated().compactMap { index, segment in
            guard case let .clip(clip) = segment.content else { return nil }
            let start = clock.milliseconds(ofFrame: segment.frames.start)
            let end = clock.milliseconds(ofFrame: segment.frames.end)
            // Captions are timed in whole milliseconds; a microsecond in-point is rounded to the nearest.
            let sourceStart = (clip.sourceIn.microseconds + 500) / 1000
            return (index, clip, ClipRange(sourceStart: sourceStart, sourceEnd: sourceStart + (end - start),
                                           outputStart: start))
        }
    }

    /// One screen of a written cue, on the cue's own clock, and which written cue it is part of.
    struct Screen {
        var cue: Cue
        var index: Int
    }

    /// A screen trimmed to one clip, in output time, before the readability rule.
    struct Piece {
        var planned: PlannedCue
        /// The whole screen's length: what the piece is a part of.
        var screenLength: Int64
        var range: ClipRange
    }

    /// Every caption of the output: each source's cues through the segments cut from it, each clip's own cues
    /// through that clip's segments, split into screens first, trimmed, made readable, merged and sorted. Lower
    /// thirds for clips with a speaker, except where the same speaker carries on from the segment before.
    public static func plan(_ project: Project, _ output: Output, segments: [Segment], format: OutputFormat) -> CaptionPlan {
        let style = output.style.captions
        let placed = ranges(segments, clock: format.clock)
        func screens(_ cues: [Cue]) -> [Screen] {
            cues.enumerated().flatMap { index, cue in
                style.wrapping.apply(to: cue, minimumScreen: style.minimumDuration).map { Screen(cue: $0, index: index) }
            }
        }
        var pieces: [Piece] = []

        // A recording's cues, through every segment of this output cut from that recording.
        for source in project.sources {
            guard let file = source.captions else { continue }
            let uses = placed.filter { $0.clip.source == source.id }
            guard !uses.isEmpty else { continue }
            let split = screens(file.cues)
            for use in uses {
                pieces += trim(split, to: use.range).map { screen, cue, trimmed in
                    let written = file.cues[screen.index]
                    let line = file.lines.indices.contains(screen.index) ? file.lines[screen.index] : nil
                    return Piece(planned: PlannedCue(cue: cue, clip: use.clip.clip, segment: use.segment,
                                                     origin: .source(source.id, index: screen.index),
                                                     originalStart: written.start, originalEnd: written.end,
                                                     writtenAt: line.map { "\(file.file):\($0)" },
                                                     trimmedAtStart: trimmed.start, trimmedAtEnd: trimmed.end),
                                 screenLength: screen.cue.duration, range: use.range)
                }
            }
        }
        // A clip's own cues: the same rule, on the clip's clock (0 = its in).
        for use in placed {
            guard let clip = project.clip(use.clip.clip), !clip.captions.isEmpty else { continue }
            let range = ClipRange(sourceStart: 0, sourceEnd: use.range.sourceEnd - use.range.sourceStart,
                                  outputStart: use.range.outputStart)
            pieces += trim(screens(clip.captions), to: range).map { screen, cue, trimmed in
                let written = clip.captions[screen.index]
                return Piece(planned: PlannedCue(cue: cue, clip: clip.id, segment: use.segment,
                                                 origin: .clip(clip.id, index: screen.index),
                                                 originalStart: written.start, originalEnd: written.end,
                                                 trimmedAtStart: trimmed.start, trimmedAtEnd: trimmed.end),
                             screenLength: screen.cue.duration, range: range)
            }
        }

        let (shown, dropped) = readable(pieces, minimum: style.minimumDuration)
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

        return CaptionPlan(mode: output.captions, style: style, speakerStyle: output.style.speaker,
                           cues: shown, dropped: dropped, lowerThirds: lowerThirds)
    }

    /// The screens that overlap the range, trimmed to it and moved to output time, with which ends were cut.
    static func trim(_ screens: [Screen], to range: ClipRange) -> [(Screen, Cue, trimmed: (start: Bool, end: Bool))] {
        retimedCues(screens.map(\.cue), through: [range]).map { retimed in
            (screens[retimed.cueIndex], retimed.cue, (retimed.trimmedAtStart, retimed.trimmedAtEnd))
        }
    }

    /// The readability rule, one clip segment at a time. A piece the cut left shorter than `minimum` (or than
    /// its whole screen, when the screen was written shorter than that) is dropped when less than half of its
    /// screen is inside the clip (a stray head or tail of words spoken mostly elsewhere); otherwise it is
    /// lengthened to that, into the quiet after it first and then before it, never over another caption or past
    /// the clip's ends, and dropped if there is not room. Screens written short keep their own length.
    static func readable(_ pieces: [Piece], minimum: Int64) -> (shown: [PlannedCue], dropped: [DroppedCue]) {
        var shown: [PlannedCue] = []
        var dropped: [DroppedCue] = []
        func drop(_ piece: Piece, _ reason: DroppedCue.Reason) {
            dropped.append(DroppedCue(planned: piece.planned, reason: reason))
        }
        for segment in Set(pieces.map(\.planned.segment)).sorted() {
            var kept: [Piece] = []
            for piece in inOutputOrder(pieces.filter { $0.planned.segment == segment }, \.planned.cue) {
                let length = piece.planned.cue.duration
                if length < min(minimum, piece.screenLength) && 2 * length < piece.screenLength {
                    drop(piece, .mostlyOutside(shown: length, of: piece.screenLength))
                } else {
                    kept.append(piece)
                }
            }
            var i = 0
            while i < kept.count {
                let piece = kept[i], cue = piece.planned.cue
                // Only what a cut shortened; a screen written shorter than the minimum is shown as written.
                guard piece.screenLength >= minimum, cue.duration < minimum else { i += 1; continue }
                let need = minimum - cue.duration
                let nextStart = kept[(i + 1)...].map(\.planned.cue.start).min() ?? piece.range.outputEnd
                let after = max(0, min(need, min(nextStart, piece.range.outputEnd) - cue.end))
                let previousEnd = kept[..<i].map(\.planned.cue.end).max() ?? piece.range.outputStart
                let before = max(0, min(need - after, cue.start - max(previousEnd, piece.range.outputStart)))
                guard after + before == need else {
                    drop(piece, .noRoom(shown: cue.duration, needed: minimum))
                    kept.remove(at: i)
                    continue
                }
                kept[i].planned.cue = Cue(start: cue.start - before, end: cue.end + after, text: cue.text)
                kept[i].planned.extendedBefore = before
                kept[i].planned.extendedAfter = after
                i += 1
            }
            shown += kept.map(\.planned)
        }
        // Output order; ties keep the order pieces were made in (sources in manifest order, then clips' own).
        return (inOutputOrder(shown, \.cue), inOutputOrder(dropped, \.cue))
    }

    /// By output start, then end; stable.
    static func inOutputOrder<T>(_ items: [T], _ cue: KeyPath<T, Cue>) -> [T] {
        items.enumerated().sorted {
            ($0.element[keyPath: cue].start, $0.element[keyPath: cue].end, $0.offset)
                < ($1.element[keyPath: cue].start, $1.element[keyPath: cue].end, $1.offset)
        }.map(\.element)
    }
}
