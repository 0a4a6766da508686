// What is drawn into one segment's own frames, on the segment's own clock. Each segment is filtered with its
// frames numbered from 0, so its pixels do not depend on where it sits in an output: the same clip with the
// same captions looks the same in every output and at every position, which is what lets a rendered piece
// be cached and shared (see Pieces.swift).
import ProvokeCaptions

extension OutputPlan {
    /// The captions and speakers' names drawn on segment `index`, in milliseconds from the segment's first
    /// frame, for its local frames `wantedFrames` (all of them when nil). Each is snapped to the frames it is on in
    /// output time (`FrameClock.firstFrame`), so the frames that show it are exactly those the output's
    /// caption plan says, whatever the segment's position; only those touching `wantedFrames` are kept.
    public func burnedIn(segment index: Int, frames wantedFrames: Range<Int>? = nil) -> (cues: [Cue], lowerThirds: [LowerThird]) {
        guard captions.mode.burnsIn else { return ([], []) }
        let segment = segments[index], clock = format.clock
        let wanted = wantedFrames ?? 0..<segment.frames.count
        // Output frames [first, end) an event of [start, end) ms is drawn on, as local frames.
        func local(_ start: Int64, _ end: Int64) -> Range<Int>? {
            let first = clock.firstFrame(atOrAfterMilliseconds: start) - segment.frames.start
            let last = clock.firstFrame(atOrAfterMilliseconds: end) - segment.frames.start
            return max(first, wanted.lowerBound) < min(last, wanted.upperBound) ? first..<last : nil
        }
        func ms(_ frames: Range<Int>) -> (Int64, Int64) {
            (clock.milliseconds(ofFrame: frames.lowerBound), clock.milliseconds(ofFrame: frames.upperBound))
        }
        let cues: [Cue] = captions.cues.compactMap { planned in
            guard planned.segment == index, let frames = local(planned.cue.start, planned.cue.end) else { return nil }
            let (start, end) = ms(frames)
            return Cue(start: start, end: end, text: planned.cue.text)
        }
        // A name is shown from the start of its clip's segment.
        let segmentStart = clock.milliseconds(ofFrame: segment.frames.start)
        let segmentEnd = clock.milliseconds(ofFrame: segment.frames.end)
        let names: [LowerThird] = captions.lowerThirds.compactMap { name in
            guard name.start >= segmentStart, name.start < segmentEnd, let frames = local(name.start, name.end) else { return nil }
            let (start, end) = ms(frames)
            return LowerThird(name: name.name, role: name.role, start: start, end: end)
        }
        return (cues, names)
    }

    /// The ASS script libass draws into segment `index`'s local frames `local` (its frames numbered from 0), or
    /// nil when nothing is drawn there. The text itself decides the pixels, so it is part of a piece's cache key.
    public func burnInScript(segment index: Int, frames local: Range<Int>? = nil) -> String? {
        let (cues, names) = burnedIn(segment: index, frames: local)
        guard !(cues.isEmpty && names.isEmpty) else { return nil }
        return ASSDocument(frameWidth: format.width, frameHeight: format.height, textHeight: format.textHeight,
                           pictureBand: format.pictureBand, cues: cues, style: captions.style,
                           lowerThirds: names, lowerThirdStyle: captions.speakerStyle).text
    }
}
