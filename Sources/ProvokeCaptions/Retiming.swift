/// One clip's piece of a recording, placed in an output: source milliseconds [sourceStart, sourceEnd) play
/// from output millisecond `outputStart`.
///
/// The planner builds one per clip of an output, for the clip's source (whatever comes before the clip in the
/// output, other clips or cards, is already in `outputStart`). For a clip's own cues, which are timed from the
/// clip's `in`, use `sourceStart: 0, sourceEnd: clip duration`.
public struct ClipRange: Hashable, Sendable, Codable {
    public var sourceStart: Int64
    public var sourceEnd: Int64
    public var outputStart: Int64

    public init(sourceStart: Int64, sourceEnd: Int64, outputStart: Int64) {
        self.sourceStart = sourceStart
        self.sourceEnd = sourceEnd
        self.outputStart = outputStart
    }

    /// Where the range ends in output time (exclusive).
    public var outputEnd: Int64 { outputStart + (sourceEnd - sourceStart) }
}

/// A cue in output time and where it came from, for the printable plan.
public struct RetimedCue: Hashable, Sendable, Codable {
    /// In output time, trimmed to its clip.
    public var cue: Cue
    /// Index of the source cue in the `cues` passed to `retimedCues(_:through:)`.
    public var cueIndex: Int
    /// Index of the range (clip) it was placed through.
    public var rangeIndex: Int
    /// The source cue started before the clip's in-point (or ended after its out-point) and was cut there.
    public var trimmedAtStart: Bool
    public var trimmedAtEnd: Bool
}

/// Moves one recording's cues into output time through the clips that use that recording.
///
/// For every range, every cue overlapping [sourceStart, sourceEnd) is trimmed to it and shifted by
/// `outputStart - sourceStart`. So: a cue crossing a cut is trimmed to the clip; a cue outside every range is
/// dropped (never shifted onto someone else's footage); a cue spanning two clips of the same recording appears
/// once per clip, trimmed to each; a clip used twice gives its cues twice. Nothing of zero length is kept, nor
/// are ranges that are empty or inverted. Integer milliseconds throughout, so 55.5 s is exact.
///
/// Sorted by output start, then end; ties keep range order, then cue order (stable). Overlapping cues stay
/// overlapping.
public func retimedCues(_ cues: [Cue], through ranges: [ClipRange]) -> [RetimedCue] {
    var result: [RetimedCue] = []
    for (rangeIndex, range) in ranges.enumerated() where range.sourceEnd > range.sourceStart {
        let shift = range.outputStart - range.sourceStart
        for (cueIndex, cue) in cues.enumerated() {
            let start = max(cue.start, range.sourceStart)
            let end = min(cue.end, range.sourceEnd)
            guard end > start else { continue }
            result.append(RetimedCue(
                cue: Cue(start: start + shift, end: end + shift, text: cue.text),
                cueIndex: cueIndex, rangeIndex: rangeIndex,
                trimmedAtStart: cue.start < range.sourceStart, trimmedAtEnd: cue.end > range.sourceEnd))
        }
    }
    // `result` is built in (range, cue) order, so sorting on times with that order as the last key is stable.
    return result.enumerated().sorted { a, b in
        (a.element.cue.start, a.element.cue.end, a.offset) < (b.element.cue.start, b.element.cue.end, b.offset)
    }.map(\.element)
}

/// The cues alone of `retimedCues(_:through:)`: one recording's cues in output time.
public func retime(cues: [Cue], through ranges: [ClipRange]) -> [Cue] {
    retimedCues(cues, through: ranges).map(\.cue)
}
