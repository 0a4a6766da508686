import Foundation
import ProvokeCaptions
import ProvokeManifest
import ProvokeTimeline

/// One card's script at one size: what `CardLayout` renders to check the fit.
struct CardDraft {
    var script: String
    var logoBox: PixelRect?
    /// Card-relative milliseconds at which the fit is checked: every frame while something moves, a dozen spread
    /// over the card, and the hold.
    var sampleTimes: [Int]
    /// A card-relative instant at which everything is shown and still.
    var holdTime: Int
    /// End cards with a logo: the y the text block is anchored at (top centre, `\an8`).
    var textAnchorY: Int
}

/// Where the end card's text goes under its logo: measured from a first draft.
struct TextPlacement {
    /// The ink's top minus the anchor y (the space above the first glyph inside the line box).
    var inkOffset: Int
    var inkHeight: Int
    var logo: PixelRect
}

/// Templates and their animations. Sizes are designed for a 1280x720 frame and scale with the frame's text height
/// (`OutputFormat.textHeight` / 720: a 16:9 frame's height, larger on square and portrait frames, never more than
/// their width allows); `scale` is the fitting's factor, which shrinks text that would leave the title-safe area.
///
/// Text is placed with ASS alignment and margins (the margins are the title-safe area), so libass wraps long text
/// inside the safe width. Every user string goes through `ASSText.escape`; every override tag and drawing here is
/// built from numbers and colours.
struct CardDesign {
    let card: CardContent
    let frames: FrameRange
    let format: OutputFormat
    let hasLogo: Bool
    let safe: PixelRect
    /// Frame pixels per design pixel.
    let unit: Double
    /// Output milliseconds of the card's first frame, and the card's length in milliseconds.
    let startMs: Int64
    let durationMs: Int
    let fadeInFrames: Int
    let fadeOutFrames: Int
    /// How much of the card's intro animations survive: 1 normally, less on a card too short for them and a
    /// 1.5 s still read before the fade out, 0 (no motion) when even that does not fit.
    let introFactor: Double

    static let styleName = "Card"
    /// How long the text is fully shown and still before the card starts fading out, at least (ms).
    static let readingHold = 1500

    init(card: CardContent, frames: FrameRange, format: OutputFormat, hasLogo: Bool) {
        self.card = card
        self.frames = frames
        self.format = format
        self.hasLogo = hasLogo
        safe = CardLayout.titleSafe(width: format.width, height: format.height)
        unit = Double(format.textHeight) / 720
        startMs = format.clock.milliseconds(ofFrame: frames.start)
        durationMs = max(1, Int(format.clock.milliseconds(ofFrame: frames.end) - startMs))
        let fade = CardLayout.fadeFrames(count: frames.count, fps: format.fps)
        fadeInFrames = fade
        fadeOutFrames = fade
        let fadeOutMs = Int(format.clock.milliseconds(ofFrame: fade))
        let available = durationMs - fadeOutMs - CardDesign.readingHold
        let intro = CardDesign.introLength(card)
        introFactor = intro == 0 ? 1 : min(1, max(0, Double(available) / Double(intro)))
    }

    func absolute(_ relative: Int) -> Int64 { startMs + Int64(relative) }

    /// The intro's design length (ms): when the last animation of the template ends on a long card.
    static func introLength(_ card: CardContent) -> Int {
        switch card.template {
        case .title: return 1000
        case .statement: return 800
        case .quote: return 1400
        case .stat: return 700
        case .end: return 1000
        case .points: return 0  // spread over the card instead; see `pointsTimes`
        }
    }

    /// A design-time instant (ms) scaled to this card.
    private func t(_ ms: Int) -> Int { Int((Double(ms) * introFactor).rounded()) }

    private var fadeOutMs: Int { Int(format.clock.milliseconds(ofFrame: fadeOutFrames)) }

    // MARK: - Script

    func layout(scale: Double, textTop: TextPlacement?) -> CardDraft {
        var b = ScriptBuilder(design: self, scale: scale)
        var logoBox: PixelRect?
        var anchorY = 0
        var motion: [(from: Int, to: Int)] = []
        let w = format.width, h = format.height
        let all = (0, durationMs)

        switch card.template {
        case .title:
            var text = ""
            if let title = nonEmpty(card.text) { text += b.span(60, bold: true) + ASSText.escape(title) }
            let sub = [nonEmpty(card.event).map { (b.span(34, fade: (t(400), t(1000))), $0) },
                       nonEmpty(card.date).map { (b.span(30, color: card.style.accent, fade: (t(500), t(1000))), $0) }]
                .compactMap { $0 }
            text += b.ruleBlock(width: 150, height: 6, grow: (t(150), t(750)), first: text.isEmpty, last: sub.isEmpty)
            for (prefix, words) in sub { text += #"\N"# + prefix + ASSText.escape(words) }
            b.event(all, #"{\an5}"# + text)
            motion = [(t(150), t(1000))]

        case .statement:
            // Slides up 28 design px while the renderer fades the card in; linear, as libass's \move is.
            let cx = w / 2, cy = h / 2, rise = b.px(28)
            let placement = t(800) > 0 ? #"\move(\#(cx),\#(cy + rise),\#(cx),\#(cy),0,\#(t(800)))"# : #"\pos(\#(cx),\#(cy))"#
            var text = b.rule(width: 90, height: 6, grow: nil) + b.spacer(18)
            text += #"\N"# + b.span(64, bold: true) + ASSText.escape(card.text ?? "")
            b.event(all, #"{\an5"# + placement + "}" + text)
            motion = [(0, t(800))]

        case .quote:
            // Revealed left to right by a rectangular clip sweeping from the safe area's left edge to the frame's
            // right edge (not the safe area's, which would hide text that overflows it from the fitting).
            let reveal = t(1400)
            let (x0, x1) = (safe.x, w)
            let clip = reveal > 0 ? #"\clip(\#(x0),0,\#(x0 + 1),\#(h))\t(0,\#(reveal),0.7,\clip(\#(x0),0,\#(x1),\#(h)))"# : ""
            var text = b.span(110, bold: true, color: card.style.accent) + "\u{201C}"
            text += #"\N"# + b.span(52) + ASSText.escape(card.text ?? "")
            if let who = nonEmpty(card.attribution) {
                text += b.spacer(20) + #"\N"# + b.span(34, color: card.style.accent) + "\u{2014} " + ASSText.escape(who)
            }
            b.event(all, #"{\an4"# + clip + "}" + text)
            motion = [(0, reveal)]

        case .points:
            let points = Array(card.points.prefix(6))
            let times = pointsTimes(count: points.count)
            for stage in 0..<max(1, points.count) {
                let start = points.isEmpty ? 0 : times[stage].show
                let end = stage + 1 < points.count ? times[stage + 1].show : durationMs
                var text = ""
                if let heading = nonEmpty(card.text) { text += b.span(46, bold: true) + ASSText.escape(heading) + b.spacer(20) }
                for (i, point) in points.enumerated() {
                    if i > 0 || !text.isEmpty { text += (i > 0 ? b.spacer(14) : "") + #"\N"# }
                    let state: ScriptBuilder.Visibility = i < stage ? .shown : i == stage ? .fadingIn(times[i].fade) : .hidden
                    text += b.span(32, color: card.style.accent, visibility: state) + "\u{25CF}\u{00A0}\u{00A0}"
                    text += b.span(40, visibility: state) + ASSText.escape(point)
                }
                b.event((start, end), #"{\an4}"# + text)
            }
            motion = times.map { ($0.show, $0.show + $0.fade) }

        case .stat:
            // The value grows to full size (easing out) over the label, which stays put: both events lay out the
            // value and the label, each showing one, so the value's scaling never moves the label.
            let grow = t(700)
            let value = ASSText.escape(card.value ?? ""), label = nonEmpty(card.label).map(ASSText.escape)
            func stat(showValue: Bool) -> String {
                let scaling = showValue && grow > 0 ? #"\fscx70\fscy70\t(0,\#(grow),0.5,\fscx100\fscy100)"# : ""
                var text = #"{\an5}"# + b.span(150, bold: true, color: card.style.accent,
                                                 visibility: showValue ? .shown : .hidden, extra: scaling)
                text += value
                if let label {
                    text += b.spacer(6) + #"\N"# + b.span(44, visibility: showValue ? .hidden : .shown) + label
                }
                return text
            }
            b.event(all, stat(showValue: true))
            if label != nil { b.event(all, stat(showValue: false)) }
            motion = [(0, grow)]

        case .end:
            var text = ""
            if let action = nonEmpty(card.text) { text += b.span(56, bold: true) + ASSText.escape(action) }
            let url = nonEmpty(card.url)
            text += b.ruleBlock(width: 120, height: 6, grow: (t(200), t(800)), first: text.isEmpty, last: url == nil)
            if let url {
                text += #"\N"# + b.span(40, color: card.style.accent, fade: (t(400), t(1000))) + ASSText.escape(url)
            }
            if hasLogo {
                // The logo box: the top of the block, centred; the text below it, the two centred together.
                let boxHeight = Int((Double(safe.height) * 0.28).rounded())
                let boxWidth = Int((Double(safe.width) * 0.45).rounded())
                let gap = Int((36 * unit).rounded())
                var top = safe.y
                if let placed = textTop {
                    top = safe.y + max(0, (safe.height - (boxHeight + gap + placed.inkHeight)) / 2)
                    anchorY = top + boxHeight + gap - placed.inkOffset
                } else {
                    anchorY = top + boxHeight + gap
                }
                logoBox = PixelRect(x: safe.x + (safe.width - boxWidth) / 2, y: top, width: boxWidth, height: boxHeight)
                b.event(all, #"{\an8\pos(\#(w / 2),\#(anchorY))}"# + text)
            } else {
                b.event(all, #"{\an5}"# + text)
            }
            motion = [(t(200), t(1000))]
            if let code = card.edition {
                // A personal edition's code, in the title-safe area's bottom right corner: 22 px at 720p whatever
                // the fitting's scale (the size divided by it), so long words never shrink it past reading. Set
                // 4 px in: a glyph's ink may reach past its advance (a "7" or "W" last), and the corner's edge is
                // the safe area's.
                let inset = max(2, Int((4 * unit).rounded()))
                b.event(all, "{\\an3\\pos(\(safe.maxX - inset),\(safe.maxY - inset))}" + b.span(22 / scale)
                        + ASSText.escape("Edition \(code)"))
            }
        }

        let introEnd = motion.map(\.to).max() ?? 0
        let stillEnd = max(introEnd, durationMs - fadeOutMs)
        let hold = min(durationMs - 1, (introEnd + stillEnd) / 2)
        // Every frame while something moves (a growing line can wrap differently for a frame or two), and a dozen
        // across the card besides; each at the millisecond the `ass` filter will ask for.
        var samples = Set((0..<12).map { (durationMs - 1) * $0 / 11 } + [hold])
        for frame in frames.start..<frames.end {
            let relative = Int(format.clock.milliseconds(ofFrame: frame) - startMs)
            if motion.contains(where: { relative >= $0.from && relative <= $0.to }) { samples.insert(relative) }
        }
        return CardDraft(script: b.script, logoBox: logoBox, sampleTimes: samples.sorted(), holdTime: hold, textAnchorY: anchorY)
    }

    /// When each point appears and how long it fades in (card-relative ms). The first shows with the card; the
    /// rest follow at equal steps across about the first half of the card, the last fully shown no later than
    /// 1.5 s before the fade out begins. A card too short for that shows them all at once.
    func pointsTimes(count: Int) -> [(show: Int, fade: Int)] {
        guard count > 0 else { return [] }
        let fade = 400
        let latest = durationMs - fadeOutMs - CardDesign.readingHold - fade
        let span = min(durationMs / 2, latest)
        guard count > 1, span > 0 else { return Array(repeating: (0, 0), count: count) }
        let step = min(1500, span / (count - 1))
        guard step >= 100 else { return Array(repeating: (0, 0), count: count) }
        let fadeIn = min(fade, step)
        return (0..<count).map { i in (i * step, i == 0 ? 0 : fadeIn) }
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return text
    }
}

/// Builds the script's text: the header, one style, and `Dialogue:` lines from override spans made of numbers.
struct ScriptBuilder {
    let design: CardDesign
    let scale: Double
    private(set) var events: [String] = []

    init(design: CardDesign, scale: Double) { self.design = design; self.scale = scale }

    enum Visibility {
        case shown
        case hidden
        /// From hidden to shown over the first `ms` of the event (shown at once when 0).
        case fadingIn(Int)
    }

    /// Frame pixels for a design size at this scale.
    func px(_ design: Double) -> Int { max(1, Int((design * self.design.unit * scale).rounded())) }

    /// The start of a run of text: every property it depends on is set here, so no earlier span's size, colour,
    /// scale or animation carries over (an evaluated `\t` lasts to the end of the event).
    func span(_ size: Double, bold: Bool = false, italic: Bool = false, color: RGBAColor? = nil,
              visibility: Visibility = .shown, fade: (Int, Int)? = nil, extra: String = "") -> String {
        let c = color ?? design.card.style.text
        var tags = #"\fs\#(px(size))\b\#(bold ? 1 : 0)\i\#(italic ? 1 : 0)\fscx100\fscy100\1c"# + bgr(c)
        let opaque = #"\1a"# + alpha(c)
        switch visibility {
        case .hidden: tags += #"\1a&HFF&"#
        case .shown:
            if let (from, to) = fade, to > from {
                tags += #"\1a&HFF&\t(\#(from),\#(to),"# + opaque + ")"
            } else {
                tags += opaque
            }
        case let .fadingIn(ms):
            tags += ms > 0 ? #"\1a&HFF&\t(0,\#(ms),"# + opaque + ")" : opaque
        }
        return "{" + tags + extra + "}"
    }

    /// A line break and a blank line of `size` design pixels (a no-break space, which libass keeps as a line's
    /// content; an empty line would take the next line's size). Nothing for a size of 0 or less.
    func spacer(_ size: Double) -> String {
        guard size > 0 else { return "" }
        return #"\N{\fs\#(px(size))\fscx100\fscy100}\#u{00A0}"#
    }

    /// A solid accent bar as an ASS drawing, `width` x `height` design pixels; with `grow`, it widens from its
    /// centre between those two card-relative instants.
    func rule(width: Double, height: Double, grow: (Int, Int)?) -> String {
        let w = px(width), h = max(2, px(height))
        let accent = design.card.style.accent
        var tags = #"\p1\fscx100\fscy100\1c"# + bgr(accent) + #"\1a"# + alpha(accent)
        if let (from, to) = grow, to > from { tags += #"\fscx1\t(\#(from),\#(to),0.6,\fscx100)"# }
        return "{" + tags + "}m 0 0 l \(w) 0 \(w) \(h) 0 \(h){\\p0}"
    }

    /// A rule on its own line with space around it, after the text before it (or first).
    func ruleBlock(width: Double, height: Double, grow: (Int, Int)?, first: Bool, last: Bool) -> String {
        (first ? "" : spacer(16) + #"\N"#) + rule(width: width, height: height, grow: grow) + (last ? "" : spacer(16))
    }

    mutating func event(_ times: (Int, Int), _ text: String) {
        let start = design.absolute(times.0), end = design.absolute(times.1)
        guard end / 10 > start / 10 else { return }
        events.append("Dialogue: 0,\(Timestamp.formatASS(start)),\(Timestamp.formatASS(end)),\(CardDesign.styleName),,0,0,0,,\(text)")
    }

    var script: String {
        let format = design.format, safe = design.safe
        let style = design.card.style
        let font = ASSText.fieldValue(style.font).isEmpty ? "DejaVu Sans" : ASSText.fieldValue(style.font)
        let fields = [CardDesign.styleName, font, "\(px(48))", style.text.assValue, style.text.assValue,
                      RGBAColor.black.assValue, RGBAColor.black.assValue, "0", "0", "0", "0", "100", "100", "0", "0",
                      "1", "0", "0", "5", "\(safe.x)", "\(format.width - safe.maxX)", "\(safe.y)", "1"]
        return """
            [Script Info]
            ; Written by provoke (ProvokeCards): card \(ASSText.fieldValue(design.card.card)), \(design.card.template.rawValue) template.
            ; Card text is escaped (ASSText.escape); override tags and drawings are generated from numbers.
            ScriptType: v4.00+
            PlayResX: \(format.width)
            PlayResY: \(format.height)
            WrapStyle: 0
            ScaledBorderAndShadow: yes
            YCbCr Matrix: None

            [V4+ Styles]
            Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
            Style: \(fields.joined(separator: ","))

            [Events]
            Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text

            """ + events.map { $0 + "\n" }.joined()
    }

    /// `&HBBGGRR&` for `\1c`.
    private func bgr(_ c: RGBAColor) -> String { "&H" + [c.blue, c.green, c.red].map(Self.hex).joined() + "&" }
    /// `&HAA&` for `\1a` (ASS alpha: 00 opaque, FF invisible).
    private func alpha(_ c: RGBAColor) -> String { "&H" + Self.hex(255 - c.alpha) + "&" }

    private static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }

}
