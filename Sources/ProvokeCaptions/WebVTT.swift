/// WebVTT (`.vtt`), after the W3C parsing rules, reduced to what captions need.
///
/// The file starts with `WEBVTT` (then optionally a space or tab and anything) and a header up to the first
/// blank line. Blocks are separated by blank lines: `NOTE` comments, `STYLE` and `REGION` definitions are
/// skipped; a cue is an optional identifier line, a timing line (cue settings after the end time are
/// ignored: we place captions ourselves), and text up to a blank line or a line containing `-->`.
enum WebVTT {
    static let timingExample = "00:00:01.000 --> 00:00:02.000"

    static func parse(_ source: SourceText, into file: inout CaptionFile) {
        let lines = source.lines
        var i = 0
        func skipToBlank() { while i < lines.count, !lines[i].isBlankLine { i += 1 } }

        if let first = lines.first, isSignature(first) {
            skipToBlank()  // the header: signature line plus optional header lines, up to the first blank line
        } else {
            // Report it, then read on as if the signature were there, so the cues' own problems show too.
            let found = lines.first.map { $0.isEmpty ? "an empty line" : $0.quotedForMessage } ?? "an empty file"
            file.error(line: 1, "expected \"WEBVTT\" on the first line, found \(found)")
            if lines.first?.hasPrefix("WEBVTT") == true { skipToBlank() }  // a header after all (`WEBVTTX`)
        }

        while true {
            while i < lines.count, lines[i].isBlankLine { i += 1 }
            guard i < lines.count else { break }
            let first = lines[i]

            if isBlockKeyword("NOTE", first) || isBlockKeyword("STYLE", first) || isBlockKeyword("REGION", first) {
                skipToBlank()
                continue
            }
            var identifier: Substring? = nil
            if !first.contains("-->") {
                identifier = first
                i += 1
                guard i < lines.count, !lines[i].isBlankLine else {
                    let atEnd = lines[i...].allSatisfy(\.isBlankLine)
                    file.error(line: atEnd ? i : i + 1,
                               "expected a timing line like \(timingExample) after cue identifier \(first.quotedForMessage), found "
                               + (atEnd ? "the end of the file" : "a blank line"))
                    continue
                }
            }
            let timingLineIndex = i
            guard let timing = parseTimingLine(lines[i]) else {
                let after = identifier.map { " after cue identifier \($0.quotedForMessage)" } ?? ""
                file.error(line: i + 1, "expected a timing line like \(timingExample)\(after), found \(lines[i].quotedForMessage)")
                skipToBlank()
                continue
            }
            i += 1
            var text: [Substring] = []
            while i < lines.count, !lines[i].isBlankLine, !lines[i].contains("-->") { text.append(lines[i]); i += 1 }
            // Teams names the speaker in a voice span; the span is markup, so the name is kept beside the text.
            file.add(start: timing.start, end: timing.end, text: InlineMarkup.plainText(lines: text),
                     line: timingLineIndex + 1, format: .vtt, speaker: InlineMarkup.firstVoice(lines: text))
        }
    }

    /// `WEBVTT` alone, or followed by a space or tab and anything.
    static func isSignature(_ line: Substring) -> Bool {
        isBlockKeyword("WEBVTT", line)
    }

    /// `keyword` alone on the line, or followed by a space or tab (then anything).
    static func isBlockKeyword(_ keyword: String, _ line: Substring) -> Bool {
        guard line.hasPrefix(keyword) else { return false }
        let next = line.dropFirst(keyword.count).first
        return next == nil || next == " " || next == "\t"
    }

    /// `WEBVTT`, a blank line, then each cue as a timing line (`HH:MM:SS.mmm`), its text and a blank line. No
    /// identifiers, settings or styles. `&`, `<` and `>` in text are written as `&amp;`, `&lt;` and `&gt;`,
    /// so text that looks like a tag stays text and `-->` cannot appear in a cue's text; empty and blank lines
    /// are dropped (a blank line would end the cue), control characters removed; cues with no text are skipped.
    static func write(_ cues: [Cue]) -> String {
        var out = "WEBVTT\n\n"
        for cue in cues {
            let lines = CaptionText.fileLines(cue.text)
            guard !lines.isEmpty else { continue }
            out += "\(Timestamp.format(cue.start, separator: ".")) --> \(Timestamp.format(cue.end, separator: "."))\n"
            for line in lines { out += escape(line) + "\n" }
            out += "\n"
        }
        return out
    }

    static func escape(_ line: String) -> String {
        var out = ""
        out.reserveCapacity(line.utf8.count)
        for c in line {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(c)
            }
        }
        return out
    }
}
