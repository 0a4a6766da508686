import Foundation
import ProvokeSystem

/// A caption file's text split into lines the way both formats define them: CR, LF and CRLF all end a line, a
/// leading UTF-8 byte-order mark is dropped. Line `i` of `lines` is line `i + 1` of the file.
struct SourceText {
    let lines: [Substring]

    init(_ text: String) {
        var body = Substring(text)
        if body.unicodeScalars.first == "\u{FEFF}" { body = body.dropFirst() }
        // "\r\n" is a single Character in Swift, so CRLF counts as one line end here.
        lines = body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
    }

    /// Bytes to text. UTF-8 is expected; a UTF-16 file with a byte-order mark is read as such (Windows tools
    /// write those). Invalid UTF-8 is decoded with U+FFFD and reported once, at the line of the first bad byte
    /// (usually a Windows-1252 file: `é` is the lone byte 0xE9).
    static func decode(_ data: Data) -> (text: String, firstInvalid: (line: Int, byte: UInt8)?) {
        if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]),
           let text = String(data: data, encoding: .utf16) {
            return (text, nil)
        }
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        var offset = 0
        decoding: while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return (String(decoding: data, as: UTF8.self), nil)
            case .error: break decoding
            }
        }
        let prefix = String(decoding: data.prefix(offset), as: UTF8.self)
        let line = SourceText(prefix).lines.count
        let bad = data[data.startIndex + offset]
        return (String(decoding: data, as: UTF8.self), (line, bad))
    }
}

extension Substring {
    /// Only spaces and tabs, or nothing: the blank line that ends a cue in both formats.
    var isBlankLine: Bool { allSatisfy { $0 == " " || $0 == "\t" } }

    var trimmingSpacesAndTabs: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return s
    }

    /// The line as a message quotes it: in double quotes, shortened past 60 characters, control characters as
    /// escapes (a caption file must not be able to drive the terminal that shows its diagnostics).
    var quotedForMessage: String {
        let shown = count > 60 ? String(prefix(57)) + "…" : String(self)
        return "\"" + VisibleText.escaped(shown) + "\""
    }
}

/// `start --> end [settings]`, the timing line of both formats. Anything after the end time (WebVTT cue
/// settings such as `align:start line:0`, or the `X1:… Y1:…` box some SRT writers add) is ignored.
func parseTimingLine(_ line: Substring) -> (start: Int64, end: Int64)? {
    guard let arrow = line.range(of: "-->") else { return nil }
    let startText = line[..<arrow.lowerBound].trimmingSpacesAndTabs
    let afterArrow = line[arrow.upperBound...].drop { $0 == " " || $0 == "\t" }
    let endText = afterArrow.prefix { $0 != " " && $0 != "\t" }
    guard let start = Timestamp.parse(startText), let end = Timestamp.parse(endText) else { return nil }
    return (start, end)
}
