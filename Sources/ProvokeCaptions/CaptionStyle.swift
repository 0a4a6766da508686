/// A colour with alpha, as styles write it: `#RRGGBB` or `#RRGGBBAA` (CSS order; `FF` alpha is opaque).
public struct RGBAColor: Hashable, Sendable, Codable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8
    /// 255 is opaque, 0 fully transparent.
    public var alpha: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }

    /// `#RRGGBB` or `#RRGGBBAA`, hex digits in either case; nil for anything else.
    public init?(hex: String) {
        let bytes = Array(hex.utf8)
        guard bytes.first == UInt8(ascii: "#"), bytes.count == 7 || bytes.count == 9 else { return nil }
        var values: [UInt8] = []
        for pair in stride(from: 1, to: bytes.count, by: 2) {
            guard let high = Self.hexDigit(bytes[pair]), let low = Self.hexDigit(bytes[pair + 1]) else { return nil }
            values.append(high << 4 | low)
        }
        self.init(red: values[0], green: values[1], blue: values[2], alpha: values.count == 4 ? values[3] : 255)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    public static let white = RGBAColor(red: 255, green: 255, blue: 255)
    public static let black = RGBAColor(red: 0, green: 0, blue: 0)

    /// `#RRGGBBAA`, upper case.
    public var hex: String { "#" + [red, green, blue, alpha].map(Self.hexByte).joined() }

    /// ASS `&HAABBGGRR`: blue-green-red order, and alpha inverted (ASS `00` is opaque, `FF` invisible).
    public var assValue: String { "&H" + [255 - alpha, blue, green, red].map(Self.hexByte).joined() }

    public var description: String { hex }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let color = RGBAColor(hex: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a colour like #FFFFFF or #000000B3, found \"\(text)\"")
        }
        self = color
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }
}

/// A style problem, named by the style key (as the README's Captions section spells them) so the manifest validator can
/// report it at its JSON path.
public struct StyleProblem: Hashable, Sendable {
    /// The key within the style block: `size`, `box.padding`, `font`.
    public var key: String
    /// What was expected and what was found.
    public var message: String
}

/// How burned-in captions look. Sizes are shares of the frame height, so one style fits every output size;
/// defaults follow broadcast subtitle practice (BBC subtitle guidelines, EBU): white text with a black outline,
/// bottom centre inside the title-safe area, at most two lines of about 37 characters.
public struct CaptionStyle: Hashable, Sendable {
    public enum Position: String, Hashable, Sendable, Codable, CaseIterable {
        /// Bottom centre (ASS alignment 2).
        case bottom
        /// Top centre (ASS alignment 8), for footage with text at the bottom.
        case top
    }

    /// An opaque or translucent box behind the text, instead of an outline.
    public struct Box: Hashable, Sendable {
        public enum Shape: String, Hashable, Sendable, Codable, CaseIterable {
            /// One box per line, hugging each (ASS BorderStyle 3).
            case line
            /// One box around the whole caption (BorderStyle 4, a libass extension; libass >= 0.17).
            case block
        }
        public var color: RGBAColor
        /// Space between text and box edge, as a share of frame height (0.008 ≈ 6 px at 720p).
        public var padding: Double
        public var shape: Shape

        public init(color: RGBAColor = RGBAColor(red: 0, green: 0, blue: 0, alpha: 0xCC), padding: Double = 0.008,
                    shape: Shape = .block) {
            self.color = color; self.padding = padding; self.shape = shape
        }
    }

    /// A fontconfig family name. Must be installed where the render runs (DejaVu Sans: fonts-dejavu-core).
    public var fontFamily: String
    /// Font size as a share of frame height (libass font size, which is about the line height).
    /// 0.055 is 40 px at 720p, 59 px at 1080p.
    public var fontSize: Double
    public var bold: Bool
    public var textColor: RGBAColor
    public var outlineColor: RGBAColor
    /// Outline thickness as a share of frame height; 0.00278 is 2 px at 720p, 3 px at 1080p. Ignored when `box` is set.
    public var outlineWidth: Double
    /// Nil: outlined text (readable on any background). Set: text on a box.
    public var box: Box?
    public var position: Position
    /// Inset of the title-safe area from each edge, as a share of that dimension: captions stay inside it.
    /// 0.10 is the traditional title-safe area (80% of width and height).
    public var safeArea: Double
    /// Line limits. The document may shorten lines further when the frame is too narrow for them.
    public var wrapping: LineWrapping
    /// The shortest time a caption stays on screen, in milliseconds (`captions.minDuration`): what is left of a
    /// cue at a cut is dropped or lengthened to this, and a long cue is split into screens of at least this.
    /// 800 ms: shorter flashes cannot be read (subtitle guidelines ask for about a second for a short line).
    /// A cue written shorter than this in its file keeps its own length.
    public var minimumDuration: Int64

    public init(fontFamily: String = "DejaVu Sans", fontSize: Double = 0.055, bold: Bool = false,
                textColor: RGBAColor = .white, outlineColor: RGBAColor = .black, outlineWidth: Double = 0.00278,
                box: Box? = nil, position: Position = .bottom, safeArea: Double = 0.10,
                wrapping: LineWrapping = .broadcast, minimumDuration: Int64 = 800) {
        self.fontFamily = fontFamily; self.fontSize = fontSize; self.bold = bold
        self.textColor = textColor; self.outlineColor = outlineColor; self.outlineWidth = outlineWidth
        self.box = box; self.position = position; self.safeArea = safeArea; self.wrapping = wrapping
        self.minimumDuration = minimumDuration
    }

    /// Values that cannot be rendered as meant. The document still renders (clamping and cleaning them), but
    /// `provoke validate` should report these.
    public var problems: [StyleProblem] {
        var problems = fontProblems(fontFamily, key: "font")
        if !(fontSize > 0 && fontSize <= 0.25) {
            problems.append(StyleProblem(key: "size", message: "expected a share of frame height above 0 and at most 0.25 (0.055 is 40 px at 720p), found \(fontSize)"))
        }
        if !(outlineWidth >= 0 && outlineWidth <= 0.02) {
            problems.append(StyleProblem(key: "outlineWidth", message: "expected a share of frame height from 0 to 0.02 (0.00278 is 2 px at 720p), found \(outlineWidth)"))
        }
        if let box, !(box.padding >= 0 && box.padding <= 0.05) {
            problems.append(StyleProblem(key: "box.padding", message: "expected a share of frame height from 0 to 0.05, found \(box.padding)"))
        }
        if !(safeArea >= 0 && safeArea <= 0.3) {
            problems.append(StyleProblem(key: "safeArea", message: "expected a share of each dimension from 0 to 0.3 (0.10 is title-safe), found \(safeArea)"))
        }
        if !(0...5000).contains(minimumDuration) {
            problems.append(StyleProblem(key: "minDuration", message: "expected a time from 0 to 5 seconds (0.8 is the default), found \(Double(minimumDuration) / 1000) s"))
        }
        return problems
    }
}

func fontProblems(_ family: String, key: String) -> [StyleProblem] {
    if ASSText.fieldValue(family).isEmpty {
        return [StyleProblem(key: key, message: "expected a font family name such as \"DejaVu Sans\", found \"\(family)\"")]
    }
    if family.contains(where: { $0 == "," || $0 == "{" || $0 == "}" || $0 == "\\" || $0.isNewline }) {
        return [StyleProblem(key: key, message: "expected a font family name without commas, braces, backslashes or line breaks, found \"\(family)\"")]
    }
    return []
}

/// How a speaker's name and role look when shown over the start of their clip.
public struct LowerThirdStyle: Hashable, Sendable {
    public enum Corner: String, Hashable, Sendable, Codable, CaseIterable {
        /// Top left of the safe area (ASS alignment 7). The default: captions use the bottom, and meeting
        /// recordings usually carry the platform's own name label there.
        case topLeft
        /// Bottom left of the safe area (ASS alignment 1). libass moves it or the caption up if they overlap.
        case bottomLeft
    }

    public var fontFamily: String
    /// Name size, share of frame height (0.045 ≈ 32 px at 720p); the name is bold.
    public var nameSize: Double
    /// Role size, share of frame height (0.034 ≈ 24 px at 720p).
    public var roleSize: Double
    public var textColor: RGBAColor
    public var outlineColor: RGBAColor
    public var outlineWidth: Double
    public var box: CaptionStyle.Box?
    public var corner: Corner
    public var safeArea: Double
    /// How long it stays up from the start of the clip, in milliseconds (never past the clip's end).
    public var duration: Int64
    /// Name and role are wrapped to lines of at most this many characters (fewer if the frame is narrow).
    public var maxLineLength: Int

    public init(fontFamily: String = "DejaVu Sans", nameSize: Double = 0.045, roleSize: Double = 0.034,
                textColor: RGBAColor = .white, outlineColor: RGBAColor = .black, outlineWidth: Double = 0.00278,
                box: CaptionStyle.Box? = nil, corner: Corner = .topLeft, safeArea: Double = 0.10,
                duration: Int64 = 5000, maxLineLength: Int = 40) {
        self.fontFamily = fontFamily; self.nameSize = nameSize; self.roleSize = roleSize
        self.textColor = textColor; self.outlineColor = outlineColor; self.outlineWidth = outlineWidth
        self.box = box; self.corner = corner; self.safeArea = safeArea; self.duration = duration
        self.maxLineLength = maxLineLength
    }
}

extension LowerThirdStyle {
    /// Values that cannot be rendered as meant, keyed as in the README's Captions section (`speaker.…` is the caller's prefix).
    public var problems: [StyleProblem] {
        var problems = fontProblems(fontFamily, key: "font")
        for (key, value) in [("nameSize", nameSize), ("roleSize", roleSize)] where !(value > 0 && value <= 0.25) {
            problems.append(StyleProblem(key: key, message: "expected a share of frame height above 0 and at most 0.25, found \(value)"))
        }
        if !(outlineWidth >= 0 && outlineWidth <= 0.02) {
            problems.append(StyleProblem(key: "outlineWidth", message: "expected a share of frame height from 0 to 0.02, found \(outlineWidth)"))
        }
        if let box, !(box.padding >= 0 && box.padding <= 0.05) {
            problems.append(StyleProblem(key: "box.padding", message: "expected a share of frame height from 0 to 0.05, found \(box.padding)"))
        }
        if !(safeArea >= 0 && safeArea <= 0.3) {
            problems.append(StyleProblem(key: "safeArea", message: "expected a share of each dimension from 0 to 0.3, found \(safeArea)"))
        }
        if duration <= 0 {
            problems.append(StyleProblem(key: "duration", message: "expected a time above 0, found \(duration) ms"))
        }
        return problems
    }
}

/// A speaker's name (and role) shown from `start` to `end`, output milliseconds.
public struct LowerThird: Hashable, Sendable {
    public var name: String
    public var role: String?
    public var start: Int64
    public var end: Int64

    public init(name: String, role: String? = nil, start: Int64, end: Int64) {
        self.name = name; self.role = role; self.start = start; self.end = end
    }

    /// Shown from the clip's first output millisecond for `duration` (the style's, 5 s by default), cut short
    /// if the clip is shorter.
    public init(name: String, role: String? = nil, clip: ClipRange, duration: Int64 = LowerThirdStyle().duration) {
        self.init(name: name, role: role, start: clip.outputStart, end: min(clip.outputEnd, clip.outputStart + duration))
    }
}
