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
        let fps = max(1, record.fps)
        let starts = ((record.cards ?? []).map(\.outputStartFrame) + record.clips.map(\.outputStartFrame)).sorted()
        if let card = (record.cards ?? []).min(by: { $0.outputStartFrame < $1.outputStartFrame }) {
            // Stop before whatever comes next starts mixing in (a crossfade overlaps the card's end).
            let next = starts.first { $0 > card.outputStartFrame } ?? card.outputEndFrame
            let last = min(card.outputEndFrame, next) - 1
            let count = card.outputEndFrame - card.outputStartFrame
            let fadeOut = CardLayout.fadeFrames(count: count, fps: fps)
            return max(card.outputStartFrame, min(last, card.outputEndFrame - 1 - fadeOut - fps / 5))
        }
        if let clip = record.clips.min(by: { $0.outputStartFrame < $1.outputStartFrame }) {
            return (clip.outputStartFrame + clip.outputEndFrame) / 2
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
