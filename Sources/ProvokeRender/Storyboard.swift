import FFmpegKit
import Foundation
import ProvokeCards
import ProvokeCaptions
import ProvokeTimeline

/// `provoke storyboard`: one labelled frame per sequence item on a contact sheet, so a producer sees the whole
/// output at a glance without playing it. Each frame is a still exactly as the render shows it, taken where
/// the item is settled: a clip's middle, a card once everything on it is revealed (before it fades out).
public struct Storyboard {
    public static let columns = 4
    public static let thumbnailWidth = 320
    public static let thumbnailHeight = 180
    static let gap = 16
    static let labelHeight = 52
    static let headerHeight = 64
    static let backdrop = RGBAColor(red: 0x20, green: 0x20, blue: 0x20)

    /// The output frame shown for each segment.
    public static func frames(_ plan: OutputPlan) -> [Int] {
        plan.segments.enumerated().map { index, segment in
            // Clear of the transitions at both ends.
            let lead = segment.transition?.inFrames ?? 0
            let next = index + 1 < plan.segments.count ? plan.segments[index + 1].transition : nil
            let tail = next.map { $0.kind == .crossfade ? $0.frames : $0.outFrames } ?? 0
            let first = segment.frames.start + lead, last = segment.frames.end - 1 - tail
            guard first <= last else { return segment.frames.start + segment.frames.count / 2 }
            switch segment.content {
            case .clip:
                return (first + last) / 2
            case .card:
                // Just before the card starts to fade out, when every point is shown.
                let fadeOut = CardLayout.fadeFrames(count: segment.frames.count, fps: plan.format.fps)
                return max(first, min(last, segment.frames.end - 1 - fadeOut - plan.format.fps / 5))
            }
        }
    }

    /// The contact sheet as a yuv420p frame.
    public static func sheet(_ plan: OutputPlan, renderer: Renderer) throws -> Frame {
        let picks = frames(plan)
        let rows = (picks.count + columns - 1) / columns
        let cell = (w: thumbnailWidth + gap, h: thumbnailHeight + labelHeight + gap)
        let width = gap + columns * cell.w
        let height = headerHeight + rows * cell.h + gap
        let sheet = try Pixels.solid(backdrop, width: width, height: height)

        var labels: [(x: Int, y: Int, lines: [String])] = []
        for (index, frame) in picks.enumerated() {
            let still = try renderer.still(plan, frame: frame)
            let thumb = try still.scaled(width: thumbnailWidth, height: thumbnailHeight)
            let x = gap + (index % columns) * cell.w, y = headerHeight + (index / columns) * cell.h
            Pixels.paste(thumb, into: sheet, x: x, y: y)
            let segment = plan.segments[index]
            let kind: String
            switch segment.content {
            case .clip(let c): kind = "clip from \(c.source)"
            case .card(let c): kind = "\(c.template.rawValue) card"
            }
            let clock = plan.format.clock
            var second = "\(clock.time(ofFrame: segment.frames.start))–\(clock.time(ofFrame: segment.frames.end))"
            if let t = segment.transition { second += " · \(t.kind.rawValue) in" }
            labels.append((x, y + thumbnailHeight + 4, ["\(index + 1). \(segment.item) · \(kind)", second]))
        }

        let header = "\(plan.title) · \(plan.audience.rawValue) · \(String(format: "%.1f", plan.duration.seconds)) s · \(plan.segments.count) items"
        var events = ["Dialogue: 0,0:00:00.00,9:00:00.00,Title,,0,0,0,,{\\pos(\(gap),\(headerHeight / 2))}\(ASSText.escape(header))"]
        for label in labels {
            events.append("Dialogue: 0,0:00:00.00,9:00:00.00,Label,,0,0,0,,{\\pos(\(label.x),\(label.y))}"
                          + label.lines.map(ASSText.escape).joined(separator: "\\N"))
        }
        let script = """
            [Script Info]
            ScriptType: v4.00+
            PlayResX: \(width)
            PlayResY: \(height)
            WrapStyle: 2
            ScaledBorderAndShadow: yes

            [V4+ Styles]
            Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
            Style: Title,DejaVu Sans,26,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,1,0,0,0,100,100,0,0,1,0,0,4,0,0,0,1
            Style: Label,DejaVu Sans,17,&H00E0E0E0,&H00E0E0E0,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,0,0,7,0,0,0,1

            [Events]
            Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
            \(events.joined(separator: "\n"))

            """
        let file = try ScratchFile(in: FileManager.default.temporaryDirectory, name: "storyboard.ass",
                                   contents: Data(script.utf8))
        let graph = FilterGraph()
        let source = try graph.videoSource(width: width, height: height, pixelFormat: Frame.yuv420pFormat,
                                           timeBase: Rational(1, 1))
        let sink = try graph.videoSink()
        try graph.chain([source, try BurnIn(path: file.path, fontsDirectory: nil).node(in: graph), sink])
        try graph.configure()
        sheet.pts = 0
        try graph.push(sheet, into: source)
        let out = Frame()
        guard case .frame = try graph.pull(from: sink, into: out) else {
            throw FFmpegError(call: "av_buffersink_get_frame", reason: "the storyboard's label graph held back the sheet")
        }
        return out
    }
}

extension Pixels {
    /// Copies a yuv420p frame into a larger one at (x, y) (even coordinates).
    static func paste(_ small: Frame, into big: Frame, x: Int, y: Int) {
        for plane in 0..<3 {
            let shift = plane == 0 ? 0 : 1
            let w = small.width >> shift, h = small.height >> shift
            let px = x >> shift, py = y >> shift
            small.withPlane(plane) { src, srcStride in
                big.withPlane(plane) { dst, dstStride in
                    for row in 0..<h {
                        (dst + (py + row) * dstStride + px).update(from: src + row * srcStride, count: w)
                    }
                }
            }
        }
    }
}
