import FFmpegKit
import Foundation
import ProvokeCards
import ProvokeManifest
import ProvokeTimeline

/// A poster for the campaign report: one frame of a rendered MP4, read back through the same path `still`
/// uses for a clip (ClipReader: seek to the keyframe before, decode forward, pick the frame on screen,
/// scale and letterbox into the size asked for), encoded as PNG. Reading the file, not re-rendering from a
/// manifest, shows exactly what the recipients got.
public enum Poster {
    /// Poster size: a quarter of the delivery format's area, sharp on a report page, small on disk.
    public static let width = 480
    public static let height = 270

    /// The output frame to show: the first card once all of it is on screen (as the storyboard picks it),
    /// else the middle of the first clip, else frame 0.
    public static func frame(for record: RenderRecord) -> Int {
        frame(cards: (record.cards ?? []).map { $0.outputStartFrame..<$0.outputEndFrame },
              clips: record.clips.map { $0.outputStartFrame..<$0.outputEndFrame }, fps: record.fps)
    }

    /// The same choice for a plan, before it is rendered: its `poster` frame when the manifest gives one.
    public static func frame(for plan: OutputPlan) -> Int {
        if let frame = plan.posterFrame { return frame }
        var cards: [Range<Int>] = [], clips: [Range<Int>] = []
        for segment in plan.segments {
            let range = segment.frames.start..<segment.frames.end
            if case .card = segment.content { cards.append(range) } else { clips.append(range) }
        }
        return frame(cards: cards, clips: clips, fps: plan.format.fps)
    }

    static func frame(cards: [Range<Int>], clips: [Range<Int>], fps: Int) -> Int {
        let fps = max(1, fps)
        let starts = (cards + clips).map(\.lowerBound).sorted()
        if let card = cards.min(by: { $0.lowerBound < $1.lowerBound }) {
            // Stop before whatever comes next starts mixing in (a crossfade overlaps the card's end).
            let next = starts.first { $0 > card.lowerBound } ?? card.upperBound
            let last = min(card.upperBound, next) - 1
            let fadeOut = CardLayout.fadeFrames(count: card.count, fps: fps)
            return max(card.lowerBound, min(last, card.upperBound - 1 - fadeOut - fps / 5))
        }
        if let clip = clips.min(by: { $0.lowerBound < $1.lowerBound }) {
            return (clip.lowerBound + clip.upperBound) / 2
        }
        return 0
    }

    /// Frame `frame` (at `fps`) of the MP4 at `path`, `width`×`height`, as PNG bytes.
    public static func png(video path: String, frame: Int, fps: Int, width: Int = Poster.width,
                           height: Int = Poster.height) throws -> Data {
        var format = OutputFormat()
        format.width = width
        format.height = height
        format.fps = max(1, fps)
        let at = SourceTime(microseconds: Int64(frame) * 1_000_000 / Int64(format.fps))
        let clip = ClipContent(clip: "poster", source: "poster", file: path, path: path, sourceIn: at,
                               sourceOut: SourceTime(microseconds: at.microseconds + 1_000_000 / Int64(format.fps)))
        let grab = PosterGrab()
        let reader = ClipReader(clip: clip, frames: FrameRange(start: 0, count: 1), format: format, only: 0..<1,
                                withAudio: false, isCancelled: { false })
        try reader.run(into: grab) { _ in }
        guard let picture = grab.picture else {
            throw FFmpegError(call: "poster", file: path, reason: "no frame at \(at)")
        }
        return try PNGImage.encode(picture)
    }
}

/// Keeps the one frame a poster wants.
private final class PosterGrab: SegmentOutput {
    var picture: Frame?
    func video(_ frame: Frame, keyframe: Bool) throws { if picture == nil { picture = try frame.clone() } }
    func audio(from fifo: AudioFifo, count: Int) throws {}
    func audio(_ chunk: Frame) throws {}
    func silence(_ count: Int) throws {}
}

extension Poster {
    /// An output's poster, read from the piece of its cache that holds the poster frame (so it is exactly what
    /// the MP4 shows, at the output's size), as PNG; and the picture to embed as cover art: the same, or for a
    /// size-capped output one halved until it fits `SizeCap.coverBytes`.
    static func pictures(_ plan: OutputPlan, pieces: [(piece: Piece, path: String)]) throws -> (png: Data, cover: Data) {
        let frame = Poster.frame(for: plan)
        guard let (piece, path) = pieces.first(where: { $0.piece.frames.start <= frame && frame < $0.piece.frames.end })
        else { throw FFmpegError(call: "poster", reason: "no piece holds frame \(frame)") }
        let k = frame - piece.frames.start
        let fps = plan.format.fps
        let poster = try png(video: path, frame: k, fps: fps, width: plan.format.width, height: plan.format.height)
        guard plan.format.maxBytes != nil else { return (poster, poster) }
        var cover = poster, width = plan.format.width, height = plan.format.height
        while Int64(cover.count) > SizeCap.coverBytes && width > 32 {
            width = max(2, width / 2 & ~1)
            height = max(2, height / 2 & ~1)
            cover = try png(video: path, frame: k, fps: fps, width: width, height: height)
        }
        return (poster, cover)
    }
}
