import Foundation
import ProvokeManifest

/// The `<output-id>.json` record written beside every rendered MP4. It says what the file is
/// (audience, title, project), what it contains (clips with source and output ranges, ideas),
/// and which bytes it is (SHA-256). The ledger registers videos from it; keep it backward
/// compatible: add fields, never rename them.
public struct RenderRecord: Codable, Equatable, Sendable {
    public struct Clip: Codable, Equatable, Sendable {
        /// The clip's id in the manifest.
        public var clip: String
        /// The source's id and its file as written in the manifest (relative to the manifest).
        public var source: String
        public var file: String
        /// Source range, seconds from the source's start (manifest times are whole microseconds), and frames at the source's rate.
        public var sourceIn: Double
        public var sourceOut: Double
        /// Output range, seconds from the output's start, and output frames [start, end).
        public var outputStart: Double
        public var outputEnd: Double
        public var outputStartFrame: Int
        public var outputEndFrame: Int
        public var ideas: [String]
        /// Who speaks in the clip, as the manifest names them (nil when it names no one, and in records from
        /// before the report needed it).
        public var speaker: Speaker?

        public init(clip: String, source: String, file: String, sourceIn: Double, sourceOut: Double,
                    outputStart: Double, outputEnd: Double, outputStartFrame: Int, outputEndFrame: Int,
                    ideas: [String], speaker: Speaker? = nil) {
            self.clip = clip; self.source = source; self.file = file
            self.sourceIn = sourceIn; self.sourceOut = sourceOut
            self.outputStart = outputStart; self.outputEnd = outputEnd
            self.outputStartFrame = outputStartFrame; self.outputEndFrame = outputEndFrame
            self.ideas = ideas; self.speaker = speaker
        }
    }

    /// A clip's speaker: `clips[].speaker` of the manifest.
    public struct Speaker: Codable, Equatable, Sendable {
        public var name: String
        public var role: String?
        public init(name: String, role: String? = nil) { self.name = name; self.role = role }
    }

    /// What the output carries as captions. Absent in records written before captions existed.
    public struct Captions: Codable, Equatable, Sendable {
        /// As the manifest says: burned, soft, both or none.
        public var mode: CaptionMode
        /// Captions in output time (each at most two lines; the same cues are burned in, in the track and in
        /// the sidecars), and speakers' names shown.
        public var cues: Int
        public var speakers: Int
        /// Drawn into the picture.
        public var burned: Bool
        /// The MP4's soft caption track (mov_text) and its language, when there is one.
        public var track: Bool
        public var language: String?
        /// The sidecar files beside the MP4, when written.
        public var srt: String?
        public var vtt: String?

        public init(mode: CaptionMode, cues: Int, speakers: Int, burned: Bool, track: Bool, language: String?,
                    srt: String?, vtt: String?) {
            self.mode = mode; self.cues = cues; self.speakers = speakers; self.burned = burned
            self.track = track; self.language = language; self.srt = srt; self.vtt = vtt
        }
    }

    /// A card as this output showed it (absent in records from before cards).
    public struct Card: Codable, Equatable, Sendable {
        public var card: String
        public var template: CardTemplate
        /// Output range, seconds and frames [start, end).
        public var outputStart: Double
        public var outputEnd: Double
        public var outputStartFrame: Int
        public var outputEndFrame: Int
        /// The words the card showed this output's audience, in reading order (text, attribution, points,
        /// value, label, url, event, date, whichever it has); nil in records from before the report.
        public var words: [String]?
        public init(card: String, template: CardTemplate, outputStart: Double, outputEnd: Double,
                    outputStartFrame: Int, outputEndFrame: Int, words: [String]? = nil) {
            self.card = card; self.template = template; self.outputStart = outputStart; self.outputEnd = outputEnd
            self.outputStartFrame = outputStartFrame; self.outputEndFrame = outputEndFrame; self.words = words
        }
    }

    public struct Idea: Codable, Equatable, Sendable {
        public var id: String
        public var text: String
        public init(id: String, text: String) { self.id = id; self.text = text }
    }

    /// Version of this record's format.
    public var record: Int = 1
    public var project: String
    public var projectTitle: String
    public var output: String
    public var audience: Audience
    public var title: String
    /// Output duration in seconds (frames / fps) and its exact frame and audio-sample counts.
    public var duration: Double
    public var frames: Int
    public var fps: Int
    public var width: Int
    public var height: Int
    public var audioSamples: Int
    public var sampleRate: Int
    public var clips: [Clip]
    /// The ideas this output carries (those of its clips), in the order they first appear.
    public var ideas: [Idea]
    /// Every idea of the project, carried or not, so the ledger knows the ideas no file carries yet
    /// (nil in records from before the ledger kept ideas: then only `ideas` is known).
    public var projectIdeas: [Idea]?
    /// The MP4's file name (beside this record) and the SHA-256 of its bytes, lowercase hex.
    public var file: String
    public var sha256: String
    /// When the file was rendered, ISO 8601 UTC.
    public var renderedAt: String
    /// Captions: mode, count, track and sidecars (nil in records from before captions).
    public var captions: Captions?
    /// The cards shown, in order (nil in records from before cards).
    public var cards: [Card]?
    /// The key of everything in the MP4 (its pieces, sound track, captions and tags): a render that finds the
    /// same key here and the file's SHA-256 unchanged has nothing to do (nil in records from before the cache).
    public var cacheKey: String?
    /// The MP4's size in bytes and modification time (seconds.nanoseconds since 1970) as it landed: a render that
    /// finds both unchanged need not read the file to know its bytes are the recorded ones.
    public var bytes: Int64?
    public var modified: String?
    /// The delivery preset (`square`) and the poster PNG beside the MP4 (nil in records from before presets).
    public var preset: String?
    public var poster: String?
    /// The sound's loudness: target, measured values and gains (`LoudnessRecord.swift`; nil in older records).
    public var loudness: Loudness?
    /// A personal edition: who it was made for, its code, and the SHA-256 of its coded video packets (nil for
    /// an output's one file, and in records from before editions).
    public var edition: EditionRecord?

    public init(project: String, projectTitle: String, output: String, audience: Audience, title: String,
                duration: Double, frames: Int, fps: Int, width: Int, height: Int, audioSamples: Int,
                sampleRate: Int, clips: [Clip], ideas: [Idea], file: String, sha256: String, renderedAt: String,
                captions: Captions? = nil) {
        self.project = project; self.projectTitle = projectTitle; self.output = output
        self.audience = audience; self.title = title; self.duration = duration; self.frames = frames
        self.fps = fps; self.width = width; self.height = height; self.audioSamples = audioSamples
        self.sampleRate = sampleRate; self.clips = clips; self.ideas = ideas; self.file = file
        self.sha256 = sha256; self.renderedAt = renderedAt; self.captions = captions
    }
}

/// `RenderRecord.edition`: a personal edition's recipient and code (Editions.swift), and its video packets'
/// SHA-256, which a copy re-muxed without re-encoding (`ffmpeg -c copy`) keeps while its file's SHA-256 changes.
public struct EditionRecord: Codable, Equatable, Sendable {
    public var recipient: Recipient
    public var code: String
    public var slug: String
    public var videoPacketsSHA256: String?
    public init(recipient: Recipient, code: String, slug: String, videoPacketsSHA256: String? = nil) {
        self.recipient = recipient; self.code = code; self.slug = slug; self.videoPacketsSHA256 = videoPacketsSHA256
    }
}

/// Why a file is not a render record, in words: `missing key "sha256"`, `clips[0].sourceIn: expected a number`.
public struct RenderRecordError: Error, Equatable, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

extension RenderRecord {
    /// Reads a record from JSON. Failures say which key and what was expected, never Swift's `DecodingError`
    /// dump (`keyNotFound(CodingKeys(stringValue: …), Context(…))`), which means nothing to a producer.
    public static func decode(_ data: Data) throws(RenderRecordError) -> RenderRecord {
        do {
            return try JSONDecoder().decode(RenderRecord.self, from: data)
        } catch let error as DecodingError {
            throw RenderRecordError(message: describe(error))
        } catch {
            throw RenderRecordError(message: "not JSON")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func place(_ path: [any CodingKey]) -> String {
            path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
                .trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        switch error {
        case let .keyNotFound(key, context):
            return "missing key \"\(place(context.codingPath + [key]))\""
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            let expected = type == String.self ? "a string" : type == Int.self ? "a whole number"
                : type == Double.self ? "a number" : type == Bool.self ? "true or false" : "another kind of value"
            return "\(place(context.codingPath)): expected \(expected)"
        case let .dataCorrupted(context):
            return context.codingPath.isEmpty ? "not JSON" : "\(place(context.codingPath)): not a valid value"
        @unknown default:
            return "not a render record"
        }
    }
}
