import Foundation
import ProvokeCaptions

/// A time inside one source recording, counted from the recording's start (what a player shows),
/// in whole microseconds. Manifest times (seconds or "HH:MM:SS.mmm") become this at the parser;
/// no floating-point seconds travel further. Output time is a different type (see ProvokeTimeline).
public struct SourceTime: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var microseconds: Int64
    public init(microseconds: Int64) { self.microseconds = microseconds }
    public static func < (a: SourceTime, b: SourceTime) -> Bool { a.microseconds < b.microseconds }
    /// `HH:MM:SS.mmm`, for messages and plans.
    public var description: String {
        let totalMs = (microseconds + 500) / 1000
        let ms = totalMs % 1000, s = (totalMs / 1000) % 60, m = (totalMs / 60_000) % 60, h = totalMs / 3_600_000
        return String(format: "%02lld:%02lld:%02lld.%03lld", h, m, s, ms)
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
    /// The manifest file and the folder that relative paths are resolved against.
    public var manifestURL: URL
    public var baseURL: URL { manifestURL.deletingLastPathComponent() }
    public var sources: [Source]
    public var ideas: [Idea]
    public var clips: [Clip]
    public var outputs: [Output]
    /// The project-level `"style"` block over the defaults (each output's `style` starts from this).
    public var style: Style

    public init(id: String, title: String, event: String?, manifestURL: URL, sources: [Source], ideas: [Idea],
                clips: [Clip], outputs: [Output], style: Style = Style()) {
        self.id = id; self.title = title; self.event = event; self.manifestURL = manifestURL
        self.sources = sources; self.ideas = ideas; self.clips = clips; self.outputs = outputs
        self.style = style
    }

    public func source(_ id: String) -> Source? { sources.first { $0.id == id } }
    public func clip(_ id: String) -> Clip? { clips.first { $0.id == id } }
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
    /// Who speaks in the clip: shown as a lower third over its first seconds.
    public var speaker: Speaker?
    public init(id: String, source: String, in: SourceTime, out: SourceTime, ideas: [String], captions: [Cue] = [],
                speaker: Speaker? = nil) {
        self.id = id; self.source = source; self.in = `in`; self.out = out; self.ideas = ideas
        self.captions = captions; self.speaker = speaker
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
    public init(id: String, audience: Audience, title: String, sequence: [SequenceItem],
                captions: CaptionMode = .both, style: Style = Style()) {
        self.id = id; self.audience = audience; self.title = title; self.sequence = sequence
        self.captions = captions; self.style = style
    }
}

/// `outputs[].captions`: burned into the picture, a soft track (mov_text in the MP4 plus .srt/.vtt sidecars),
/// both, or none.
public enum CaptionMode: String, Sendable, Hashable, Codable, CaseIterable {
    case burned, soft, both, none
    public var burnsIn: Bool { self == .burned || self == .both }
    public var isSoft: Bool { self == .soft || self == .both }
}

/// The `"style"` block: how burned-in captions and speakers' lower thirds look (the README's Captions section).
public struct Style: Sendable, Hashable {
    public var captions: CaptionStyle
    public var speaker: LowerThirdStyle
    public init(captions: CaptionStyle = CaptionStyle(), speaker: LowerThirdStyle = LowerThirdStyle()) {
        self.captions = captions; self.speaker = speaker
    }
}

/// One entry of an output's `sequence`: the id of a clip (later issues: or a card), written either as a
/// bare string or as an object `{"item": "id"}`.
public struct SequenceItem: Sendable, Equatable {
    public var item: String
    public init(item: String) { self.item = item }
}

/// What the validator needs to know about a source recording. Supplied by the media layer through
/// `SourceProbe`, so this module stays free of FFmpeg.
public struct SourceMediaInfo: Sendable, Equatable {
    public var duration: SourceTime
    public var hasVideo: Bool
    public var hasAudio: Bool
    public init(duration: SourceTime, hasVideo: Bool, hasAudio: Bool) {
        self.duration = duration; self.hasVideo = hasVideo; self.hasAudio = hasAudio
    }
}

/// Opens a source file and reports what it holds, or throws an error whose description says what is
/// wrong with the file (missing, truncated, not media).
public protocol SourceProbe: Sendable {
    func probe(_ url: URL) throws -> SourceMediaInfo
}
