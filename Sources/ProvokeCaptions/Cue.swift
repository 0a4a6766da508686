/// One caption: `text` is on screen from `start` (inclusive) to `end` (exclusive), both integer milliseconds.
///
/// `text` is plain text (markup already stripped by the parsers); `\n` separates lines. Whose clock the times are
/// on is the holder's business: cues parsed from a source's caption file are in that recording's time, cues
/// returned by `retime(cues:through:)` are in output time.
public struct Cue: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds, inclusive.
    public var start: Int64
    /// Milliseconds, exclusive.
    public var end: Int64
    public var text: String
    /// Who says it, as the transcript names them (a WebVTT voice span `<v Asha Patel>`, or a `Name:` prefix in a
    /// transcript whose cues all carry one: see `Transcript`); nil when the file does not say. The name is never
    /// part of `text`. Cues made from other cues (wrapped, retimed) do not carry it: captions show words only.
    public var speaker: String?

    public init(start: Int64, end: Int64, text: String, speaker: String? = nil) {
        self.start = start
        self.end = end
        self.text = text
        self.speaker = speaker
    }

    /// A cue from the manifest's seconds (`{"start": 0.5, "end": 3.2, "text": …}`), each rounded to the nearest
    /// millisecond. Nil when a time is not finite or out of range; whether end follows start is the caller's
    /// check (it has the JSON path for the message).
    public init?(startSeconds: Double, endSeconds: Double, text: String) {
        guard let start = Cue.milliseconds(fromSeconds: startSeconds),
              let end = Cue.milliseconds(fromSeconds: endSeconds) else { return nil }
        self.init(start: start, end: end, text: text)
    }

    /// Seconds (as the manifest writes them) to integer milliseconds, rounded to nearest; nil if not finite or
    /// beyond ±100 years. This is the only place a `Double` enters this module.
    public static func milliseconds(fromSeconds seconds: Double) -> Int64? {
        guard seconds.isFinite, abs(seconds) < 3_155_760_000 else { return nil }
        return Int64((seconds * 1000).rounded())
    }

    /// `end - start`, in milliseconds.
    public var duration: Int64 { end - start }

    /// The fastest a caption can be read, in characters a second: the usual limit in subtitle guidelines
    /// (Netflix's 20 for adults; the BBC's 160-180 words a minute is about the same).
    public static let readableCharactersPerSecond = 20

    /// When the cue asks for more than `readableCharactersPerSecond`: a warning's words ("43 characters in
    /// 1.500 s, 29 a second"), else nil. Characters are what a viewer reads: line breaks count as the space
    /// they stand for.
    public var readingSpeedProblem: String? {
        let characters = text.split(whereSeparator: \.isNewline).joined(separator: " ").count
        guard duration > 0, Int64(characters) * 1000 > Int64(Cue.readableCharactersPerSecond) * duration else { return nil }
        return "\(characters) characters in \(String(format: "%.3f", Double(duration) / 1000)) s, "
            + String(format: "%.1f", Double(characters) * 1000 / Double(duration)) + " a second: more than the \(Cue.readableCharactersPerSecond) a viewer "
            + "can read; give it more time or fewer words"
    }

    /// `00:00:01.000 --> 00:00:02.500 "text"`, for test failures and debugging.
    public var description: String {
        "\(Timestamp.format(start, separator: ".")) --> \(Timestamp.format(end, separator: "."))"
            + (speaker.map { " [\($0)]" } ?? "") + " \(String(reflecting: text))"
    }
}
