import Foundation
import ProvokeCaptions
import ProvokeManifest
import ProvokeTimeline

/// A card ready to draw: libass draws `script` over `background` (through libavfilter's `ass` filter), the renderer
/// puts the logo in `logoBox` and fades the whole card in and out.
public struct CardScene: Sendable, Equatable {
    /// A complete ASS script: PlayResX/Y = the frame size, ScaledBorderAndShadow yes, WrapStyle 0, events timed in
    /// OUTPUT time (milliseconds from the output's first frame: the card's first frame is at
    /// frames.start * 1000 / fps ms).
    public var script: String
    /// Passed to libavfilter's `ass` filter as `fontsdir` (CardStyle.fontsDirectory).
    public var fontsDirectory: URL?
    public var background: RGBAColor
    /// Where the end card's logo goes, in frame pixels (inside the title-safe area, clear of all text); the renderer
    /// scales the logo to fit inside this box keeping its aspect and centres it. nil when the card shows no logo.
    public var logoBox: PixelRect?
    /// The whole card (text and logo) fades up from the background over its first `fadeInFrames` and down to it
    /// over its last `fadeOutFrames`; the renderer does these fades. Motion (slides, reveals, scaling) is in the
    /// script.
    public var fadeInFrames: Int
    public var fadeOutFrames: Int
    /// The font size scale the fitting settled on (1 = the template's design size).
    public var scale: Double

    public init(script: String, fontsDirectory: URL?, background: RGBAColor, logoBox: PixelRect?, fadeInFrames: Int,
                fadeOutFrames: Int, scale: Double) {
        self.script = script; self.fontsDirectory = fontsDirectory; self.background = background
        self.logoBox = logoBox; self.fadeInFrames = fadeInFrames; self.fadeOutFrames = fadeOutFrames; self.scale = scale
    }
}

/// A rectangle of frame pixels: columns x..<x+width, rows y..<y+height.
public struct PixelRect: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }

    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    public func contains(_ other: PixelRect) -> Bool {
        other.x >= x && other.y >= y && other.maxX <= maxX && other.maxY <= maxY
    }

    public func intersects(_ other: PixelRect) -> Bool {
        other.x < maxX && x < other.maxX && other.y < maxY && y < other.maxY
    }

    public func union(_ other: PixelRect) -> PixelRect {
        let left = min(x, other.x), top = min(y, other.y)
        return PixelRect(x: left, y: top, width: max(maxX, other.maxX) - left, height: max(maxY, other.maxY) - top)
    }

    public var description: String { "\(width)x\(height) at (\(x), \(y))" }
}

public enum CardError: Error, CustomStringConvertible, Equatable {
    /// Even at the smallest size the card's text leaves the title-safe area (or covers the logo).
    case doesNotFit(card: String, template: CardTemplate, smallestScale: Double, ink: PixelRect?, safe: PixelRect)
    /// A libass call failed (out of memory, a script it could not read).
    case libass(call: String, detail: String)

    public var description: String {
        switch self {
        case let .doesNotFit(card, template, scale, ink, safe):
            let drawn = ink.map { "its text covers \($0)" } ?? "its text"
            return "card \"\(card)\" (\(template.rawValue)): \(drawn) and does not fit the title-safe area \(safe) even at "
                + "\(Int((scale * 100).rounded()))% of its design size; shorten the text"
        case let .libass(call, detail):
            return "libass: \(call): \(detail)"
        }
    }
}

public enum CardLayout {
    /// Inset of the title-safe area from each edge, as a share of that dimension.
    static let safeInset = 0.10
    /// The fitting shrinks by this factor per attempt, and gives up below `smallestScale`.
    static let shrinkStep = 0.9
    static let smallestScale = 0.15

    /// How many frames a card of `count` frames takes to fade in, and again to fade out: half a second each way;
    /// a short card gives at most a quarter of its frames to each fade.
    public static func fadeFrames(count: Int, fps: Int) -> Int {
        max(0, min(Int((Double(fps) / 2).rounded()), count / 4))
    }

    /// The title-safe area of a frame: 10% in from each edge (x 128..<1152, y 72..<648 at 1280x720).
    public static func titleSafe(width: Int, height: Int) -> PixelRect {
        let x = Int((Double(width) * safeInset).rounded()), y = Int((Double(height) * safeInset).rounded())
        return PixelRect(x: x, y: y, width: width - 2 * x, height: height - 2 * y)
    }

    /// Lays the card out for the segment's frames, shrinking the text until every drawn pixel at every instant of
    /// the card lies inside the title-safe area (and outside the logo box). End cards reserve a box for the logo
    /// when the style names one.
    public static func scene(for card: CardContent, frames: FrameRange, format: OutputFormat) throws -> CardScene {
        try scene(for: card, frames: frames, format: format, hasLogo: card.style.logo != nil)
    }

    /// As above, with `hasLogo` saying whether the style's logo exists (end cards reserve a box for it).
    public static func scene(for card: CardContent, frames: FrameRange, format: OutputFormat, hasLogo: Bool) throws -> CardScene {
        let design = CardDesign(card: card, frames: frames, format: format, hasLogo: hasLogo)
        let safe = design.safe
        let fontsDirectory = card.style.fontsDirectory
        var rasterizer: CardRasterizer?
        func render(_ script: String) throws -> CardRasterizer {
            if let rasterizer { try rasterizer.load(script: script); return rasterizer }
            let made = try CardRasterizer(script: script, width: format.width, height: format.height,
                                          fontsDirectory: fontsDirectory)
            rasterizer = made
            return made
        }
        func fits(_ ink: PixelRect?, _ logo: PixelRect?) -> Bool {
            ink.map { safe.contains($0) && !(logo?.intersects($0) ?? false) } ?? true
        }

        var scale = 1.0
        var lastInk: PixelRect?
        while scale >= smallestScale - 1e-9 {
            var draft = design.layout(scale: scale, textTop: nil)
            var r = try render(draft.script)
            if let logo = draft.logoBox, let ink = r.inkBounds(atMilliseconds: design.absolute(draft.holdTime)) {
                // The end card's text sits under the logo, the two centred together: measure the text's height at
                // the hold, then place it.
                draft = design.layout(scale: scale, textTop: TextPlacement(inkOffset: ink.y - draft.textAnchorY,
                                                                          inkHeight: ink.height, logo: logo))
                r = try render(draft.script)
            }
            // The hold first: most cards that are too big are too big there, and one frame says so.
            var ink = r.inkBounds(atMilliseconds: design.absolute(draft.holdTime))
            if fits(ink, draft.logoBox) {
                for t in draft.sampleTimes {
                    if let box = r.inkBounds(atMilliseconds: design.absolute(t)) { ink = ink.map { $0.union(box) } ?? box }
                }
            }
            if fits(ink, draft.logoBox) {
                return CardScene(script: draft.script, fontsDirectory: fontsDirectory, background: card.style.background,
                                 logoBox: draft.logoBox, fadeInFrames: design.fadeInFrames,
                                 fadeOutFrames: design.fadeOutFrames, scale: scale)
            }
            lastInk = ink
            scale *= shrinkStep
        }
        throw CardError.doesNotFit(card: card.card, template: card.template, smallestScale: scale / shrinkStep,
                                   ink: lastInk, safe: safe)
    }
}

extension CardScene {
    /// What libass draws of this scene at `milliseconds` of output time, composited over the background (without the
    /// renderer's fades and logo): for tests and for looking at cards without FFmpeg.
    func inkFrame(atMilliseconds milliseconds: Int64, format: OutputFormat) throws -> InkFrame {
        try CardRasterizer(script: script, width: format.width, height: format.height, fontsDirectory: fontsDirectory,
                           background: background).frame(atMilliseconds: milliseconds)
    }
}
