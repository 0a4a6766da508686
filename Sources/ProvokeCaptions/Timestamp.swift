/// Timestamps as SRT and WebVTT write them, to and from integer milliseconds.
public enum Timestamp {
    /// `H+:MM:SS,mmm`, `H+:MM:SS.mmm`, `MM:SS.mmm` or `MM:SS,mmm` → milliseconds. Both files' forms are accepted in
    /// both formats (SRT files in the wild use `.`, and short VTT times are common): minutes and seconds are two
    /// digits below 60, the fraction exactly three digits (`01,5` is ambiguous, so it is refused).
    static func parse<S: StringProtocol>(_ text: S) -> Int64? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        var hours: Int64 = 0
        if parts.count == 3 {
            guard let h = digits(parts[0], min: 1, max: 9) else { return nil }
            hours = h
        }
        guard let minutes = digits(parts[parts.count - 2], min: 2, max: 2), minutes < 60 else { return nil }
        let last = parts[parts.count - 1]
        guard last.count == 6 else { return nil }
        let separator = last.index(last.startIndex, offsetBy: 2)
        guard last[separator] == "," || last[separator] == ".",
              let seconds = digits(last[..<separator], min: 2, max: 2), seconds < 60,
              let millis = digits(last[last.index(after: separator)...], min: 3, max: 3) else { return nil }
        return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
    }

    /// `HH:MM:SS<separator>mmm`; hours grow past two digits if they must. Negative times are written as 0.
    static func format(_ milliseconds: Int64, separator: Character) -> String {
        let ms = max(0, milliseconds)
        let hours = ms / 3_600_000
        let minutes = ms / 60_000 % 60
        let seconds = ms / 1000 % 60
        return "\(pad(hours, 2)):\(pad(minutes, 2)):\(pad(seconds, 2))\(separator)\(pad(ms % 1000, 3))"
    }

    /// ASS event time `H:MM:SS.cc`. Centiseconds are floored, not rounded: libass shows an event while
    /// Start <= now < End, and FFmpeg's `ass`/`subtitles` filters pass `now` as the frame time truncated to whole
    /// milliseconds, so flooring keeps a cue that starts (or ends) on a frame boundary on that frame and not
    /// the next (rounding 66.667 ms -> 70 would miss frame 2 at 30 fps).
    public static func formatASS(_ milliseconds: Int64) -> String {
        let cs = max(0, milliseconds) / 10
        let hours = cs / 360_000
        let minutes = cs / 6000 % 60
        let seconds = cs / 100 % 60
        return "\(hours):\(pad(minutes, 2)):\(pad(seconds, 2)).\(pad(cs % 100, 2))"
    }

    private static func digits<S: StringProtocol>(_ text: S, min: Int, max: Int) -> Int64? {
        guard text.utf8.count >= min, text.utf8.count <= max else { return nil }
        var value: Int64 = 0
        for byte in text.utf8 {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        return value
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
