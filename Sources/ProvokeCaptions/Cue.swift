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

    public init(start: Int64, end: Int64, text: String) {
        self.start = start
        self.end = end
        self.text = text
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

    /// `00:00:01.000 --> 00:00:02.500 "text"`, for test failures and debugging.
    public var description: String {
        "\(Timestamp.format(start, separator: ".")) --> \(Timestamp.format(end, separator: ".")) \(String(reflecting: text))"
    }
}
