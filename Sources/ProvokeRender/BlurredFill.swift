import FFmpegKit
import ProvokeTimeline

/// A square or portrait frame's background: the picture itself, scaled to cover the frame, blurred and darkened,
/// with the picture whole over it (`Letterbox`), so a 16:9 recording fills a phone screen without black bars.
///
///     from → split ─→ scale (cover, 1/8 size) → crop → boxblur → lutyuv (darker, paler) → scale (frame) ─→ overlay
///                  └→ scale (letterbox) ─────────────────────────────────────────────────────────────────→ ┘
///
/// The blur is made at an eighth of the frame's size and scaled up, which blurs as much again and costs a
/// sixty-fourth of blurring the full frame. Every option is a number set on its node.
enum BlurredFill {
    /// Blurred at this fraction of the frame size.
    static let reduction = 8

    /// Links the fill after `from` and returns the overlay, whose output is the filled frame.
    static func link(in graph: FilterGraph, from: FilterGraph.Node, picture box: Letterbox,
                     format: OutputFormat) throws -> FilterGraph.Node {
        let split = try graph.add("split", [("outputs", "2")])
        try graph.link(from, to: split)
        // Cover: the picture scaled up until it fills the frame (the letterbox's scale, grown by the larger of the
        // frame's and the picture's proportions), then the middle cropped, all at the reduced size.
        let smallW = even(format.width / reduction), smallH = even(format.height / reduction)
        let grow = max(Double(format.width) / Double(box.width), Double(format.height) / Double(box.height))
        let coverW = max(smallW, even(Int((Double(box.width) * grow / Double(reduction)).rounded(.up)) + 1))
        let coverH = max(smallH, even(Int((Double(box.height) * grow / Double(reduction)).rounded(.up)) + 1))
        let fill = [
            try graph.add("scale", [("w", String(coverW)), ("h", String(coverH)), ("flags", "bilinear")]),
            try graph.add("crop", [("w", String(smallW)), ("h", String(smallH)),
                                   ("x", String((coverW - smallW) / 2)), ("y", String((coverH - smallH) / 2))]),
            // Radii no larger than boxblur allows: half the plane's smaller side (a chroma plane is half the size),
            // so a small custom frame (64x64: an 8x8 fill) is blurred as far as it can be, not refused.
            try graph.add("boxblur", [("luma_radius", String(min(6, min(smallW, smallH) / 2))), ("luma_power", "2"),
                                      ("chroma_radius", String(min(3, min(smallW, smallH) / 4))), ("chroma_power", "2")]),
            // Darker (luma 45 % of the way from black) and paler (chroma halfway to grey): the fill stays behind
            // the picture and white text on it reads.
            try graph.add("lutyuv", [("y", "16+(val-16)*0.45"), ("u", "128+(val-128)*0.5"), ("v", "128+(val-128)*0.5")]),
            try graph.add("scale", [("w", String(format.width)), ("h", String(format.height)), ("flags", "bicubic")]),
            try graph.add("setsar", [("sar", "1")]),
        ]
        try graph.link(split, 0, to: fill[0])
        try graph.chain(fill)
        let picture = try graph.add("scale", [("w", String(box.width)), ("h", String(box.height)), ("flags", "bicubic")])
        let pictureSAR = try graph.add("setsar", [("sar", "1")])
        try graph.link(split, 1, to: picture)
        try graph.link(picture, to: pictureSAR)
        let overlay = try graph.add("overlay", [("x", String(box.x)), ("y", String(box.y)), ("format", "yuv420")])
        try graph.link(fill.last!, to: overlay, 0)
        try graph.link(pictureSAR, to: overlay, 1)
        return overlay
    }

    private static func even(_ n: Int) -> Int { max(2, n - n % 2) }
}
