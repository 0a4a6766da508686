// How an output is cut into pieces that are encoded on their own and joined by stream copy. Pure: which
// frames of which segments make each piece; what a piece's cache key is, and how it is rendered, is
// ProvokeRender's business.
//
// A piece never spans a hard cut, so a piece's frames come from one segment, except where two segments
// crossfade: the overlap is a piece of its own, made of both. Long stretches are cut into pieces of at most
// `Piece.maximumFrames`, so that several can be encoded side by side and an edit re-encodes only the piece it
// touches. Every piece starts with an IDR frame (x264's first frame), so any piece can follow any other.

/// A run of output frames encoded on its own.
public struct Piece: Sendable, Equatable {
    /// The frames of one segment that a piece is made of (0-based within the segment).
    public struct Part: Sendable, Equatable {
        public var segment: Int
        public var frames: Range<Int>
        public init(segment: Int, frames: Range<Int>) { self.segment = segment; self.frames = frames }
    }

    /// 15 s at 30 fps: short enough to spread an output over two cores and to keep an edit's re-encode small,
    /// long enough that the extra decoding from the keyframe before each piece's start stays a few per cent.
    public static let maximumFrames = 450

    /// Where the piece sits in the output.
    public var frames: FrameRange
    /// One part, or two for a crossfade (the earlier segment's last frames, then the later one's first).
    public var parts: [Part]

    public init(frames: FrameRange, parts: [Part]) { self.frames = frames; self.parts = parts }
}

extension OutputPlan {
    /// The output cut into pieces, in output order; together they cover every frame once.
    ///
    /// - Parameter keyframes: each source's video keyframe times (microseconds, on the recording's clock as
    ///   manifest times are), when known. A long clip is then cut where a piece can start right on a keyframe:
    ///   decoding starts at the keyframe before a piece's first frame, so a piece starting mid-GOP decodes up to a
    ///   GOP (8 s of a meeting recording) for nothing.
    public func pieces(maximumFrames: Int = Piece.maximumFrames, keyframes: [String: [Int64]] = [:]) -> [Piece] {
        var pieces: [Piece] = []
        for (index, segment) in segments.enumerated() {
            let crossfadeIn = segment.transition?.kind == .crossfade ? segment.transition!.frames : 0
            let next = index + 1 < segments.count ? segments[index + 1].transition : nil
            let crossfadeOut = next?.kind == .crossfade ? next!.frames : 0
            if crossfadeIn > 0, index > 0 {
                let before = segments[index - 1].frames
                pieces.append(Piece(frames: FrameRange(start: segment.frames.start, count: crossfadeIn), parts: [
                    Piece.Part(segment: index - 1, frames: (before.count - crossfadeIn)..<before.count),
                    Piece.Part(segment: index, frames: 0..<crossfadeIn),
                ]))
            }
            // The frames that are this segment's alone, in near-equal pieces.
            let own = crossfadeIn..<(segment.frames.count - crossfadeOut)
            guard !own.isEmpty else { continue }
            let count = (own.count + maximumFrames - 1) / maximumFrames
            var cuts = (1..<count).map { own.lowerBound + own.count * $0 / count }
            if case let .clip(clip) = segment.content, let times = keyframes[clip.source], count > 1 {
                cuts = onKeyframes(cuts, within: own, clip: clip, keyframes: times, slack: maximumFrames / 3)
            }
            for (a, b) in zip([own.lowerBound] + cuts, cuts + [own.upperBound]) {
                pieces.append(Piece(frames: FrameRange(start: segment.frames.start + a, count: b - a),
                                    parts: [Piece.Part(segment: index, frames: a..<b)]))
            }
        }
        return pieces
    }

    /// Each cut moved to the nearest frame (within `slack`) that a piece can start on with its source's keyframe
    /// as the first frame decoded: the first frame showing that keyframe, by the frame-choice rule. Cuts stay in
    /// order and apart; one with no keyframe near it stays where it was.
    func onKeyframes(_ cuts: [Int], within own: Range<Int>, clip: ClipContent, keyframes: [Int64], slack: Int) -> [Int] {
        // A frame whose seek lands exactly on keyframe t: the first whose time (with the tolerance) reaches t.
        let aligned = keyframes.map { t in
            format.clock.firstFrame(atOrAfterMicroseconds: t - clip.sourceIn.microseconds - ClipTiming.toleranceMicroseconds)
        }.filter { own.lowerBound < $0 && $0 < own.upperBound }
        var result: [Int] = []
        for cut in cuts {
            let floor = (result.last ?? own.lowerBound) + 1
            let near = aligned.filter { $0 >= floor && abs($0 - cut) <= slack }.min { abs($0 - cut) < abs($1 - cut) }
            result.append(max(floor, near ?? cut))
        }
        return result.filter { $0 < own.upperBound }
    }
}
