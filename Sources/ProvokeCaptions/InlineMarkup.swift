import Foundation

/// Styling markup inside cue text, reduced to plain text.
///
/// Captions are text we restyle ourselves, so markup is removed, not interpreted. Only real tags go: `<b>`,
/// `<i>`, `<u>`, `<s>`, `<font …>` (SRT), `<c.class>`, `<v Speaker>`, `<lang en>`, `<ruby>`, `<rt>` (WebVTT), their
/// closing forms, and WebVTT timestamp tags (`<00:01.000>`). Everything else is text, so `a < b`, `x<y>z`,
/// `<3` and SRT's `{\an8}` stay as written (we never read ASS-style override blocks from SRT: they are the
/// author's characters, and the ASS writer escapes them). Entities `&amp; &lt; &gt; &nbsp; &quot; &apos;
/// &lrm; &rlm;` and numeric `&#233;` / `&#xE9;` are decoded once; an unknown `&name;` or a bare `&` is kept.
enum InlineMarkup {
    static let tagNames: Set<String> = ["b", "i", "u", "s", "font", "c", "v", "lang", "ruby", "rt"]

    static let namedEntities: [String: Character] = [
        "amp": "&", "lt": "<", "gt": ">", "nbsp": "\u{00A0}", "quot": "\"", "apos": "'",
        "lrm": "\u{200E}", "rlm": "\u{200F}",
    ]

    /// Cue text lines (already split) → plain text, lines joined by `\n`. Lines that were nothing but markup
    /// (`<i></i>`) are dropped, so they cannot become blank lines.
    static func plainText(lines: [Substring]) -> String {
        lines.map { plainText(line: $0) }
            .filter { !Substring($0).isBlankLine }
            .joined(separator: "\n")
    }

    static func plainText(line: Substring) -> String {
        var out = ""
        var rest = line
        while let c = rest.first {
            if c == "<", let tagEnd = tagEnd(in: rest) {
                rest = rest[tagEnd...]
            } else if c == "&", let (decoded, after) = entity(in: rest) {
                out.append(decoded)
                rest = rest[after...]
            } else {
                out.append(c)
                rest = rest.dropFirst()
            }
        }
        return out
    }

    /// The name in the first WebVTT voice span of the cue (`<v Asha Patel>`, `<v.loud Asha Patel>`), entities
    /// decoded and spaces trimmed; nil when there is none or it names no one. Teams writes one voice span per cue;
    /// a cue with two voices is credited to the first (the lower third shows one name for a clip anyway).
    static func firstVoice(lines: [Substring]) -> String? {
        for line in lines {
            var rest = line[...]
            while let open = rest.firstIndex(of: "<") {
                rest = rest[open...]
                guard let end = tagEnd(in: rest) else { rest = rest.dropFirst(); continue }
                let body = rest[rest.index(after: rest.startIndex)..<rest.index(before: end)]
                rest = rest[end...]
                guard body.first == "v" || body.first == "V" else { continue }
                let afterName = body.dropFirst()
                guard afterName.isEmpty || afterName.first == "." || afterName.first == " " || afterName.first == "\t"
                else { continue }
                // Classes (`.loud`) run to the first space; the annotation, the name, is the rest.
                let annotation = afterName.drop { $0 != " " && $0 != "\t" }
                let name = plainText(line: annotation).trimmingCharacters(in: .whitespaces)
                if !name.isEmpty { return name }
            }
        }
        return nil
    }

    /// If `text` starts with a real tag, the index just past its `>`.
    private static func tagEnd(in text: Substring) -> Substring.Index? {
        guard let close = text.firstIndex(of: ">") else { return nil }
        let inner = text[text.index(after: text.startIndex)..<close]
        guard !inner.contains("<") else { return nil }
        if Timestamp.parse(inner) != nil { return text.index(after: close) }  // <00:01.000>
        var body = inner
        if body.first == "/" { body = body.dropFirst() }
        let name = body.prefix { $0.isASCII && $0.isLetter }
        guard tagNames.contains(name.lowercased()) else { return nil }
        let after = body[name.endIndex...]
        // The name must end there: `<bold>` is not `<b>`. Classes (`.yellow`) or an annotation may follow.
        guard after.isEmpty || after.first == "." || after.first == " " || after.first == "\t" else { return nil }
        return text.index(after: close)
    }

    /// If `text` starts with a known entity, its character and the index past the `;`.
    private static func entity(in text: Substring) -> (Character, Substring.Index)? {
        let limit = text.prefix(12)
        guard let semicolon = limit.firstIndex(of: ";") else { return nil }
        let name = text[text.index(after: text.startIndex)..<semicolon]
        let after = text.index(after: semicolon)
        if let named = namedEntities[String(name)] { return (named, after) }
        guard name.first == "#" else { return nil }
        var digits = name.dropFirst()
        var radix = 10
        if digits.first == "x" || digits.first == "X" { digits = digits.dropFirst(); radix = 16 }
        guard !digits.isEmpty, let value = UInt32(digits, radix: radix),
              let scalar = Unicode.Scalar(value), value >= 0x20, !(0x7F..<0xA0).contains(value) else { return nil }
        return (Character(scalar), after)
    }
}
