/// Cues for a track that shows one sample at a time, such as MP4's `mov_text` (3GPP timed text): a sample lasts
/// until the next one starts, so two cues on screen together cannot be two samples.
///
/// Where cues overlap, each stretch of time gets one cue showing the text of every cue on screen then, in start
/// order, one under the other. Stretches with nothing on screen are left out; neighbouring stretches with the
/// same text are joined. Cues that never overlap come back as they are, in start order. So
/// `A 0–4 s` and `B 2–6 s` become `A 0–2`, `A\nB 2–4`, `B 4–6`.
public func sequentialCues(_ cues: [Cue]) -> [Cue] {
    let ordered = cues.enumerated()
        .filter { $0.element.end > $0.element.start && !$0.element.text.isEmpty }
        .sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }
        .map(\.element)
    let boundaries = Array(Set(ordered.flatMap { [$0.start, $0.end] })).sorted()
    var result: [Cue] = []
    var first = 0  // cues before this one ended before the current stretch
    for (start, end) in zip(boundaries, boundaries.dropFirst()) {
        while first < ordered.count, ordered[first].end <= start { first += 1 }
        var texts: [String] = []
        for cue in ordered[first...] {
            if cue.start > start { break }
            if cue.end >= end { texts.append(cue.text) }
        }
        guard !texts.isEmpty else { continue }
        let text = texts.joined(separator: "\n")
        if let last = result.last, last.end == start, last.text == text {
            result[result.count - 1].end = end
        } else {
            result.append(Cue(start: start, end: end, text: text))
        }
    }
    return result
}
