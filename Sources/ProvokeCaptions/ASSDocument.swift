/// The ASS script libass burns in: captions (and speakers' lower thirds) in output time, styled for one output
/// frame size.
///
/// - `PlayResX`/`PlayResY` are the output frame size, so every size in the script is in output pixels.
/// - `WrapStyle: 2`: libass never wraps on its own; lines are broken here (`LineWrapping`), where the rules are
///   tested, and a line the frame cannot hold is broken shorter (see `effectiveWrapping`).
/// - `ScaledBorderAndShadow: yes`: outline widths scale with the script like font sizes.
/// - `YCbCr Matrix: None`: colours are RGB as given; libass does not adjust them for a video matrix.
/// - Event text goes through `ASSText.escape`, so no caption can add tags or lines to the script; the font
///   name is cleaned of commas and line breaks, which would break the `Style:` line.
/// - Event times are floored to centiseconds (see `Timestamp.formatASS`); an event that becomes empty is left out.
///
/// Write `text` to a file and give the file's path to the `ass` or `subtitles` filter as an option value.
public struct ASSDocument: Hashable, Sendable {
    public let frameWidth: Int
    public let frameHeight: Int
    /// The height that font sizes, outlines and box padding are shares of: the frame's height, or more on a
    /// square or portrait frame (its 16:9 text height, `OutputFormat.textHeight`). Margins stay shares of the frame.
    public let textHeight: Int
    /// Rows `[top, bottom)` of the frame the picture fills, on a frame with room around it (vertical): captions and
    /// speakers' names are then set next to the picture instead of at the frame's edges (`besidePicture`).
    public let pictureBand: Range<Int>?
    public let style: CaptionStyle
    public let lowerThirdStyle: LowerThirdStyle
    /// The captions as drawn: wrapped with `effectiveWrapping` (so long cues are already split), output time.
    public let captions: [Cue]
    public let lowerThirds: [LowerThird]

    /// Style names in the script.
    public static let captionStyleName = "Caption"
    public static let speakerStyleName = "Speaker"

    /// `cues` in output time (from `retime`), for a frame of `frameWidth` x `frameHeight` pixels (both > 0).
    public init(frameWidth: Int, frameHeight: Int, textHeight: Int? = nil, pictureBand: Range<Int>? = nil, cues: [Cue],
                style: CaptionStyle = CaptionStyle(), lowerThirds: [LowerThird] = [],
                lowerThirdStyle: LowerThirdStyle = LowerThirdStyle()) {
        self.pictureBand = pictureBand
        precondition(frameWidth > 0 && frameHeight > 0, "ASSDocument needs a frame size, got \(frameWidth)x\(frameHeight)")
        self.frameWidth = frameWidth
        self.frameHeight = frameHeight
        self.textHeight = textHeight ?? frameHeight
        self.style = style
        self.lowerThirdStyle = lowerThirdStyle
        self.lowerThirds = lowerThirds
        self.captions = ASSDocument.effectiveWrapping(style: style, frameWidth: frameWidth, frameHeight: textHeight ?? frameHeight)
            .apply(to: cues)
    }

    /// The style's line limits, shortened if the title-safe width cannot hold that many characters at the
    /// style's size. The estimate allows 0.6 x font size per character, a little more than DejaVu Sans's
    /// average (its font size is about 1.16 em, mixed-case text about 0.55 em a character); at 1280x720 and the
    /// default size it allows 42, so 37 stands, while a portrait 1080x1920 frame gets 13.
    public var effectiveWrapping: LineWrapping {
        ASSDocument.effectiveWrapping(style: style, frameWidth: frameWidth, frameHeight: textHeight)
    }

    static func effectiveWrapping(style: CaptionStyle, frameWidth: Int, frameHeight: Int) -> LineWrapping {
        let fitting = charactersFitting(frameWidth: frameWidth, safeArea: style.safeArea,
                                        fontPixels: pixels(style.fontSize, of: frameHeight, minimum: 1))
        return LineWrapping(maxLineLength: min(style.wrapping.maxLineLength, fitting), maxLines: style.wrapping.maxLines)
    }

    /// About how many characters of text at `fontPixels` fit across the safe area (at least 8).
    static func charactersFitting(frameWidth: Int, safeArea: Double, fontPixels: Int) -> Int {
        let safeWidth = Double(frameWidth) * (1 - 2 * clampedSafeArea(safeArea))
        return max(8, Int(safeWidth / (0.6 * Double(fontPixels))))
    }

    /// The whole script, UTF-8 text with LF line ends.
    public var text: String {
        var out = """
            [Script Info]
            ; Written by provoke (ProvokeCaptions). Caption text is escaped: see ASSText.escape.
            ScriptType: v4.00+
            PlayResX: \(frameWidth)
            PlayResY: \(frameHeight)
            WrapStyle: 2
            ScaledBorderAndShadow: yes
            YCbCr Matrix: None

            [V4+ Styles]
            Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding

            """
        let caption = besidePicture(below: style.position == .bottom, centred: true, safeArea: style.safeArea, size: style.fontSize)
        out += styleLine(name: ASSDocument.captionStyleName, font: style.fontFamily, size: style.fontSize,
                         bold: style.bold, text: style.textColor, outline: style.outlineColor,
                         outlineWidth: style.outlineWidth, box: style.box,
                         alignment: caption?.alignment ?? (style.position == .bottom ? 2 : 8), safeArea: style.safeArea,
                         marginV: caption?.marginV) + "\n"
        if !lowerThirds.isEmpty {
            let l = lowerThirdStyle
            let name = besidePicture(below: l.corner != .topLeft, centred: false, safeArea: l.safeArea, size: l.nameSize)
            out += styleLine(name: ASSDocument.speakerStyleName, font: l.fontFamily, size: l.nameSize, bold: true,
                             text: l.textColor, outline: l.outlineColor, outlineWidth: l.outlineWidth, box: l.box,
                             alignment: name?.alignment ?? (l.corner == .topLeft ? 7 : 1), safeArea: l.safeArea,
                             marginV: name?.marginV) + "\n"
        }
        out += """

            [Events]
            Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text

            """
        for line in dialogueLines { out += line + "\n" }
        return out
    }

    /// Where text goes on a frame with more than a fifth of its height free between the picture and the safe
    /// margin (a vertical frame): against the picture, below it (top-aligned) or above it (bottom-aligned), half a
    /// line away, so the eye need not travel to the frame's edge; nil elsewhere (text keeps to the safe margins).
    private func besidePicture(below: Bool, centred: Bool, safeArea: Double, size: Double) -> (alignment: Int, marginV: Int)? {
        guard let band = pictureBand else { return nil }
        let safe = Int((Double(frameHeight) * ASSDocument.clampedSafeArea(safeArea)).rounded())
        let gap = ASSDocument.pixels(size, of: textHeight, minimum: 1) / 2
        let room = below ? frameHeight - safe - band.upperBound : band.lowerBound - safe
        guard room > frameHeight / 5 else { return nil }
        if below { return (centred ? 8 : 7, band.upperBound + gap) }
        return (centred ? 2 : 1, frameHeight - band.lowerBound + gap)
    }

    /// The `Dialogue:` lines, captions and lower thirds together in start order (captions first on a tie).
    /// One layer for both, so libass's collision handling keeps them from overlapping.
    public var dialogueLines: [String] {
        var events: [(start: Int64, end: Int64, style: String, text: String)] = []
        for cue in captions {
            events.append((cue.start, cue.end, ASSDocument.captionStyleName, ASSText.escape(cue.text)))
        }
        for speaker in lowerThirds {
            events.append((speaker.start, speaker.end, ASSDocument.speakerStyleName, lowerThirdText(speaker)))
        }
        return events.enumerated()
            .sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }
            .map(\.element)
            .filter { $0.end / 10 > $0.start / 10 && !$0.text.isEmpty }
            .map { "Dialogue: 0,\(Timestamp.formatASS($0.start)),\(Timestamp.formatASS($0.end)),\($0.style),,0,0,0,,\($0.text)" }
    }

    /// Name in bold at the style's size; role on the next line, regular, at the role size. The only override
    /// tags in the script are these, built from numbers; the name and role themselves are escaped.
    private func lowerThirdText(_ speaker: LowerThird) -> String {
        let l = lowerThirdStyle
        let fitting = ASSDocument.charactersFitting(frameWidth: frameWidth, safeArea: l.safeArea,
                                                    fontPixels: ASSDocument.pixels(l.nameSize, of: textHeight, minimum: 1))
        let wrapping = LineWrapping(maxLineLength: min(l.maxLineLength, fitting), maxLines: 3)
        func lines(_ text: String) -> String {
            wrapping.screens(for: text).flatMap { $0 }.joined(separator: "\n")
        }
        var text = ASSText.escape(lines(speaker.name))
        if let role = speaker.role {
            let roleLines = lines(role)
            if !roleLines.isEmpty {
                let rolePixels = ASSDocument.pixels(lowerThirdStyle.roleSize, of: textHeight, minimum: 1)
                text += (text.isEmpty ? "" : #"\N"#) + #"{\b0\fs"# + "\(rolePixels)}" + ASSText.escape(roleLines)
            }
        }
        return text
    }

    private func styleLine(name: String, font: String, size: Double, bold: Bool, text: RGBAColor,
                           outline: RGBAColor, outlineWidth: Double, box: CaptionStyle.Box?, alignment: Int,
                           safeArea: Double, marginV placed: Int? = nil) -> String {
        let fontName = ASSText.fieldValue(font).isEmpty ? "DejaVu Sans" : ASSText.fieldValue(font)
        let fontSize = ASSDocument.pixels(size, of: textHeight, minimum: 1)
        let borderStyle: Int, border: Double, outlineColour: RGBAColor, backColour: RGBAColor
        switch box?.shape {
        case nil:
            // Outline around the glyphs. BackColour would colour a shadow; there is none (Shadow 0).
            (borderStyle, border, outlineColour, backColour) = (1, clamp(outlineWidth, 0, 0.02), outline, outline)
        case .line:
            // BorderStyle 3: libass fills a box per line with OutlineColour, Outline wide around the text.
            (borderStyle, border, outlineColour, backColour) = (3, clamp(box!.padding, 0, 0.05), box!.color, box!.color)
        case .block:
            // BorderStyle 4 (libass extension): one box in BackColour around the event, padded by Outline; the
            // glyphs' own outline is made invisible.
            let invisible = RGBAColor(red: 0, green: 0, blue: 0, alpha: 0)
            (borderStyle, border, outlineColour, backColour) = (4, clamp(box!.padding, 0, 0.05), invisible, box!.color)
        }
        let inset = ASSDocument.clampedSafeArea(safeArea)
        let marginH = Int((Double(frameWidth) * inset).rounded())
        let marginV = placed ?? Int((Double(frameHeight) * inset).rounded())
        let fields: [String] = [
            name, fontName, "\(fontSize)", text.assValue, text.assValue, outlineColour.assValue, backColour.assValue,
            bold ? "-1" : "0", "0", "0", "0", "100", "100", "0", "0", "\(borderStyle)",
            ASSDocument.decimal(border * Double(textHeight)), "0", "\(alignment)",
            "\(marginH)", "\(marginH)", "\(marginV)", "1",
        ]
        return "Style: " + fields.joined(separator: ",")
    }

    static func pixels(_ share: Double, of dimension: Int, minimum: Int) -> Int {
        let value = clamp(share, 0, 1) * Double(dimension)
        return max(minimum, Int(value.rounded()))
    }

    static func clampedSafeArea(_ share: Double) -> Double { clamp(share, 0, 0.3) }

    /// Up to two decimals, `.` as separator whatever the locale, no trailing zeros: `2`, `2.5`, `1.98`.
    static func decimal(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let whole = String(hundredths / 100)
        let fraction = hundredths % 100
        if fraction == 0 { return whole }
        let digits = fraction < 10 ? "0\(fraction)" : "\(fraction)"
        return whole + "." + (digits.hasSuffix("0") ? String(digits.dropLast()) : digits)
    }
}

/// `value` limited to lo...hi; NaN becomes lo.
func clamp(_ value: Double, _ lo: Double, _ hi: Double) -> Double {
    guard !value.isNaN else { return lo }
    return min(hi, max(lo, value))
}
