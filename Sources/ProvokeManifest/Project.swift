import Foundation
import ProvokeCaptions

/// A time inside one source recording, counted from the recording's start (what a player shows),
/// in whole microseconds. Manifest times (seconds or "HH:MM:SS.mmm") become this at the parser;
/// no floating-point seconds travel further. Output time is a different type (see ProvokeTimeline).
public struct SourceTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var microseconds: Int64
    public init(microseconds: Int64) { self.microseconds = microseconds }
    public static func < (a: SourceTime, b: SourceTime) -> Bool { a.microseconds < b.microseconds }
    /// `HH:MM:SS.mmm` (to the nearest millisecond), for plans and labels. This and `exactDescription` are the
    /// only formatters of a time; `OutputTime` prints through them too.
    public var description: String {
        let totalMs = (microseconds + 500) / 1000
        let ms = totalMs % 1000, s = (totalMs / 1000) % 60, m = (totalMs / 60_000) % 60, h = totalMs / 3_600_000
        return String(format: "%02lld:%02lld:%02lld.%03lld", h, m, s, ms)
    }
    /// `HH:MM:SS.mmm`, or with six fraction digits when the time is not a whole millisecond, so two different
    /// times in one validation message never print the same.
    public var exactDescription: String {
        guard microseconds % 1000 != 0 else { return description }
        let seconds = microseconds / 1_000_000
        return String(format: "%02lld:%02lld:%02lld.%06lld", seconds / 3600, seconds / 60 % 60, seconds % 60,
                      microseconds % 1_000_000)
    }
    /// Seconds as a Double, only for human-facing records (JSON sidecars, reports); never for arithmetic.
    public var seconds: Double { Double(microseconds) / 1_000_000 }
}

/// A validated project: every reference resolves, every id is unique, every time is in range.
/// Produced only by `ManifestLoader`; the planner trusts it.
public struct Project: Sendable, Equatable {
    public var id: String
    public var title: String
    public var event: String?
    /// When the event was, as the producer writes it ("1 May 2026"): shown on `title` cards.
    public var date: String?
    /// The manifest file and the folder that relative paths are resolved against.
    public var manifestURL: URL
    public var baseURL: URL { manifestURL.deletingLastPathComponent() }
    public var sources: [Source]
    public var ideas: [Idea]
    public var clips: [Clip]
    /// Animated text cards; a sequence item names a clip or a card (their ids share one namespace).
    public var cards: [Card]
    public var outputs: [Output]
    /// The project-level `"style"` block over the defaults (each output's `style` starts from this).
    public var style: Style

    public init(id: String, title: String, event: String?, manifestURL: URL, sources: [Source], ideas: [Idea],
                clips: [Clip], cards: [Card] = [], outputs: [Output], style: Style = Style(), date: String? = nil) {
        self.id = id; self.title = title; self.event = event; self.manifestURL = manifestURL
        self.sources = sources; self.ideas = ideas; self.clips = clips; self.cards = cards; self.outputs = outputs
        self.style = style; self.date = date
    }

    public func source(_ id: String) -> Source? { sources.first { $0.id == id } }
    public func clip(_ id: String) -> Clip? { clips.first { $0.id == id } }
    public func card(_ id: String) -> Card? { cards.first { $0.id == id } }
    public func idea(_ id: String) -> Idea? { ideas.first { $0.id == id } }
    public func output(_ id: String) -> Output? { outputs.first { $0.id == id } }
}

public struct Source: Sendable, Equatable {
    public var id: String
    /// The path as written in the manifest (for messages and records) and resolved against the manifest's folder.
    public var file: String
    public var url: URL
    /// The recording's caption file, read and checked at validation; nil when the source names none.
    public var captions: SourceCaptions?
    public init(id: String, file: String, url: URL, captions: SourceCaptions? = nil) {
        self.id = id; self.file = file; self.url = url; self.captions = captions
    }
}

/// A source's caption file (`sources[].captions`): its cues in the recording's own time.
public struct SourceCaptions: Sendable, Equatable {
    /// The path as written in the manifest, and resolved against the manifest's folder.
    public var file: String
    public var url: URL
    public var format: CaptionFormat
    /// In file order, integer milliseconds of the recording (overlaps allowed).
    public var cues: [Cue]
    /// The line of each cue's timing line in the file (`lines[i]` belongs to `cues[i]`), for plans and messages.
    public var lines: [Int]
    public init(file: String, url: URL, format: CaptionFormat, cues: [Cue], lines: [Int] = []) {
        self.file = file; self.url = url; self.format = format; self.cues = cues; self.lines = lines
    }
}

public struct Idea: Sendable, Equatable {
    public var id: String
    public var text: String
    public init(id: String, text: String) { self.id = id; self.text = text }
}

/// A range of one source: [in, out).
public struct Clip: Sendable, Equatable {
    public var id: String
    public var source: String
    public var `in`: SourceTime
    public var out: SourceTime
    public var ideas: [String]
    /// The clip's own cues (`clips[].captions`), in milliseconds from the clip's `in` (not the recording's start).
    public var captions: [Cue]
    /// Who speaks in the clip: shown as a lower third over its first seconds. The manifest's `speaker`, or else
    /// the transcript's (who speaks most in the clip, shown as the `speakers` map says).
    public var speaker: Speaker?
    /// Where the clip's `quote` was found, when the clip is timed by one (`in` and `out` come from it).
    public var quote: QuotedRange?
    public init(id: String, source: String, in: SourceTime, out: SourceTime, ideas: [String], captions: [Cue] = [],
                speaker: Speaker? = nil, quote: QuotedRange? = nil) {
        self.id = id; self.source = source; self.in = `in`; self.out = out; self.ideas = ideas
        self.captions = captions; self.speaker = speaker; self.quote = quote
    }
}

/// `clips[].speaker`: `{"name": "Dr A. Example", "role": "GP partner"}`.
public struct Speaker: Sendable, Hashable {
    public var name: String
    public var role: String?
    public init(name: String, role: String? = nil) { self.name = name; self.role = role }
}

public struct Output: Sendable, Equatable {
    public var id: String
    public var audience: Audience
    public var title: String
    public var sequence: [SequenceItem]
    /// Which captions the output gets (`outputs[].captions`, default both).
    public var captions: CaptionMode
    /// The style this output is rendered with: the project's `style` with the output's own `style` keys over it.
    public var style: Style
    /// `preset` (default `web-720p`), `max_mb` in bytes for a size-capped preset (default 20 MB), and the
    /// `poster` frame's output time when given (Presets.swift).
    public var preset = VideoPreset.web720p
    public var maxBytes: Int64?
    public var poster: SourceTime?
    /// The integrated loudness the output is normalised to (`outputs[].loudness`, default -16 LUFS), or off.
    public var loudness: LoudnessTarget
    /// `personalise`: rendered once per contact (`render --personal`); nil for one file for everyone.
    public var personalise: Personalise?
    public init(id: String, audience: Audience, title: String, sequence: [SequenceItem],
                captions: CaptionMode = .both, style: Style = Style(), loudness: LoudnessTarget = .standard,
                personalise: Personalise? = nil) {
        self.id = id; self.audience = audience; self.title = title; self.sequence = sequence
        self.captions = captions; self.style = style; self.loudness = loudness; self.personalise = personalise
    }
}

/// `outputs[].captions`: burned into the picture, a soft track (mov_text in the MP4 plus .srt/.vtt sidecars),
/// both, or none.
public enum CaptionMode: String, Sendable, Hashable, Codable, CaseIterable {
    case burned, soft, both, none
    public var burnsIn: Bool { self == .burned || self == .both }
    public var isSoft: Bool { self == .soft || self == .both }
}

/// The `"style"` block: how cards look (its top-level keys), and how burned-in captions and speakers' lower
/// thirds look (`captions`, `speaker`; the README's Captions section).
public struct Style: Sendable, Hashable {
    public var card: CardStyle
    public var captions: CaptionStyle
    public var speaker: LowerThirdStyle
    public init(card: CardStyle = CardStyle(), captions: CaptionStyle = CaptionStyle(),
                speaker: LowerThirdStyle = LowerThirdStyle()) {
        self.card = card; self.captions = captions; self.speaker = speaker
    }
}

/// One entry of an output's `sequence`: the id of a clip or a card, written either as a bare string or as an
/// object `{"item": "id", "transition": {…}}`.
public struct SequenceItem: Sendable, Equatable {
    public var item: String
    /// How this item comes in after the one before it (nil: a hard cut).
    public var transition: Transition?
    public init(item: String, transition: Transition? = nil) { self.item = item; self.transition = transition }
}

/// `sequence[].transition`: how an item replaces the one before it.
public struct Transition: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// A hard cut (the default; duration is ignored).
        case cut
        /// The item before fades to the style's background colour over the first half of the duration, this
        /// one fades up from it over the second half. The sound dips with the picture. The output's length is
        /// unchanged. On the first item: fades up from the background over the whole duration.
        case fade
        /// The two items overlap for the duration, picture and sound mixing linearly from one to the other, so
        /// the output is shorter by the duration. Not allowed on the first item.
        case crossfade
    }
    public var kind: Kind
    /// Whole microseconds (a manifest time).
    public var duration: Int64
    public init(kind: Kind, duration: Int64) { self.kind = kind; self.duration = duration }
}

// MARK: - Cards

/// Text written either once for every audience or per audience: `"text": "…"` or
/// `"text": {"icb": "…", "college": "…", "government": "…"}`.
public enum AudienceText: Sendable, Hashable {
    case all(String)
    case byAudience([Audience: String])

    /// The words an output for `audience` shows; nil when the map has no entry for it (a validation error
    /// wherever an output for that audience uses the card).
    public func text(for audience: Audience) -> String? {
        switch self {
        case let .all(text): return text
        case let .byAudience(map): return map[audience]
        }
    }
}

/// A card's template: which fields it shows and how it animates (the README's Cards section).
public enum CardTemplate: String, Sendable, Hashable, CaseIterable, Codable {
    /// The project's title, event and date (each may be overridden: `text`, `event`, `date`).
    case title
    /// One sentence, large.
    case statement
    /// A quotation (`text`) and who said it (`attribution`).
    case quote
    /// Up to six `points`, revealed one after another.
    case points
    /// A large figure (`value`) and what it counts (`label`).
    case stat
    /// The call to action (`text`), a `url` and the style's logo.
    case end
}

/// `cards[]`: an animated text card, a sequence item of its own. Text fields may differ per audience.
public struct Card: Sendable, Equatable {
    public var id: String
    public var template: CardTemplate
    /// How long the card is on screen, whole microseconds.
    public var duration: Int64
    public var text: AudienceText?
    public var attribution: AudienceText?
    public var points: [AudienceText]
    public var value: AudienceText?
    public var label: AudienceText?
    public var url: AudienceText?
    /// `title` cards: the event and date lines (default: the project's `event` and `date`).
    public var event: AudienceText?
    public var date: AudienceText?

    public init(id: String, template: CardTemplate, duration: Int64, text: AudienceText? = nil,
                attribution: AudienceText? = nil, points: [AudienceText] = [], value: AudienceText? = nil,
                label: AudienceText? = nil, url: AudienceText? = nil, event: AudienceText? = nil,
                date: AudienceText? = nil) {
        self.id = id; self.template = template; self.duration = duration; self.text = text
        self.attribution = attribution; self.points = points; self.value = value; self.label = label
        self.url = url; self.event = event; self.date = date
    }
}

/// A file named by the manifest: the path as written (for messages and records) and resolved.
public struct ManifestFile: Sendable, Hashable {
    public var written: String
    public var url: URL
    public init(written: String, url: URL) { self.written = written; self.url = url }
}

/// The style block's card keys: `font`, `background`, `text`, `accent`, `logo`, `music`.
public struct CardStyle: Sendable, Hashable {
    /// The font family libass asks fontconfig for (when the manifest names a font file, the family read from it).
    public var font: String
    /// A folder of font files libass loads besides the system's (the project's `assets/fonts/`, or the folder of
    /// a font file the manifest names); nil when there is none.
    public var fontsDirectory: URL?
    public var background: RGBAColor
    public var text: RGBAColor
    public var accent: RGBAColor
    /// A PNG (or any still FFmpeg reads) shown on `end` cards.
    public var logo: ManifestFile?
    /// A music bed under the cards (only), fading in and out with each card.
    public var music: ManifestFile?
    /// Where the music bed sits, LU relative to the output's speech loudness (`musicLevel`, default -18); used
    /// when the output's loudness is normalised.
    public var musicLevel: Double = CardStyle.defaultMusicLevel

    public static let defaultBackground = RGBAColor(red: 0x12, green: 0x26, blue: 0x3A)
    public static let defaultAccent = RGBAColor(red: 0xF2, green: 0xB1, blue: 0x34)

    public init(font: String = "DejaVu Sans", fontsDirectory: URL? = nil, background: RGBAColor = defaultBackground,
                text: RGBAColor = .white, accent: RGBAColor = defaultAccent, logo: ManifestFile? = nil,
                music: ManifestFile? = nil) {
        self.font = font; self.fontsDirectory = fontsDirectory; self.background = background; self.text = text
        self.accent = accent; self.logo = logo; self.music = music
    }
}

/// Which fonts exist, for the validator (fontconfig, supplied by ProvokeCards): a font the manifest names must
/// exist, since libass would otherwise fall back to another one without a word.
public protocol FontLocator: Sendable {
    /// Does fontconfig know a font of exactly this family (case-insensitive), or does `directory` (the
    /// project's fonts folder) hold one?
    func hasFamily(_ family: String, orIn directory: URL?) -> Bool
    /// The family names of a font file; nil when the file is not a font fontconfig can read.
    func families(inFile url: URL) -> [String]?
}

/// What the validator needs to know about a source recording. Supplied by the media layer through
/// `SourceProbe`, so this module stays free of FFmpeg.
public struct SourceMediaInfo: Sendable, Equatable {
    public var duration: SourceTime
    public var hasVideo: Bool
    public var hasAudio: Bool
    /// The video's display-matrix rotation (degrees counter-clockwise, 0 when none).
    public var rotation: Int
    /// Integrated loudness (LUFS) of a sample of the sound, when the probe measured it (`validate` only).
    public var loudness: Double?
    public init(duration: SourceTime, hasVideo: Bool, hasAudio: Bool, rotation: Int = 0, loudness: Double? = nil) {
        self.duration = duration; self.hasVideo = hasVideo; self.hasAudio = hasAudio
        self.rotation = rotation; self.loudness = loudness
    }
}

/// Opens a source file and reports what it holds, or throws an error whose description says what is
/// wrong with the file (missing, truncated, not media).
public protocol SourceProbe: Sendable {
    func probe(_ url: URL) throws -> SourceMediaInfo
}
