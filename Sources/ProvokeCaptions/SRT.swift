/// SubRip (`.srt`): numbered blocks of a timing line and text, separated by blank lines.
///
/// Read leniently, as players do, but every guess is reported: the cue number may be missing; the millisecond
/// separator may be `,` or `.`; text that follows a blank line inside a cue (a common export bug) stays with
/// that cue, with a warning, unless it looks like the start of the next cue (a number alone on its line, or a
/// line with `-->` or starting like a time), which is then read as one and must be well-formed.
enum SRT {
    static let timingExample = "00:00:01,000 --> 00:00:02,000"

    static func parse(_ source: SourceText, into file: inout CaptionFile) {
        let lines = source.lines
        var i = 0
        func skipToBlank() { while i < lines.count, !lines[i].isBlankLine { i += 1 } }

        while true {
            while i < lines.count, lines[i].isBlankLine { i += 1 }
            guard i < lines.count else { break }

            let first = lines[i]
            var afterNumber: Substring? = nil
            if isCueNumber(first) {
                afterNumber = first.trimmingSpacesAndTabs
                i += 1
                guard i < lines.count, !lines[i].isBlankLine else {
                    let atEnd = lines[i...].allSatisfy(\.isBlankLine)
                    file.error(line: atEnd ? i : i + 1,
                               "expected a timing line like \(timingExample) after cue number \(afterNumber!), found "
                               + (atEnd ? "the end of the file" : "a blank line"))
                    continue
                }
            }
            let timingLineIndex = i
            guard let timing = parseTimingLine(lines[i]) else {
                let expected = afterNumber == nil ? "a cue number or a timing line" : "a timing line"
                file.error(line: i + 1, "expected \(expected) like \(timingExample), found \(lines[i].quotedForMessage)")
                skipToBlank()
                continue
            }
            i += 1
            var text: [Substring] = []
            while i < lines.count, !lines[i].isBlankLine { text.append(lines[i]); i += 1 }

            // Text after blank lines that is not a new cue belongs to this one.
            while true {
                var next = i
                while next < lines.count, lines[next].isBlankLine { next += 1 }
                guard next < lines.count, next > i, !startsCue(lines[next]) else { break }
                file.warning(line: next + 1, "text after a blank line inside the cue at line \(timingLineIndex + 1); "
                                             + "kept as part of that cue (a blank line ends a cue in SRT)")
                i = next
                while i < lines.count, !lines[i].isBlankLine { text.append(lines[i]); i += 1 }
            }

            file.add(start: timing.start, end: timing.end, text: InlineMarkup.plainText(lines: text),
                     line: timingLineIndex + 1, format: .srt)
        }
    }

    /// A cue number: digits alone on the line (surrounding spaces allowed).
    static func isCueNumber(_ line: Substring) -> Bool {
        let trimmed = line.trimmingSpacesAndTabs
        return !trimmed.isEmpty && trimmed.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Would a reader take this line for the start of a new cue? A number alone, anything with `-->` (even
    /// malformed, so it is reported rather than shown), or a line starting like a time (`00:00:01 -> 2`).
    static func startsCue(_ line: Substring) -> Bool {
        if isCueNumber(line) || line.contains("-->") { return true }
        let trimmed = line.trimmingSpacesAndTabs
        let leadingDigits = trimmed.prefix { $0.isASCII && $0.isNumber }
        return !leadingDigits.isEmpty && trimmed.dropFirst(leadingDigits.count).first == ":"
    }

    /// Numbered from 1, `HH:MM:SS,mmm`, LF line ends, a blank line after every cue (including the last).
    /// Text is written as-is except that it cannot end the cue early: empty and blank lines inside it are
    /// dropped (a blank line ends an SRT cue), CR becomes a line break, NUL, ESC, BEL and the other control
    /// characters are removed (see `CaptionText.fileLines`). Cues with no text left
    /// are skipped, since they would show nothing. Tag-like text (`<i>`) is not escaped: SRT has no escape,
    /// and readers (ours included) will take it for markup.
    static func write(_ cues: [Cue]) -> String {
        var out = ""
        var number = 0
        for cue in cues {
            let lines = CaptionText.fileLines(cue.text)
            guard !lines.isEmpty else { continue }
            number += 1
            out += "\(number)\n"
            out += "\(Timestamp.format(cue.start, separator: ",")) --> \(Timestamp.format(cue.end, separator: ","))\n"
            for line in lines { out += line + "\n" }
            out += "\n"
        }
        return out
    }
}
