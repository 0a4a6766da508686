/// Caption text as FFmpeg's own ASS reader takes it, so that it arrives in a soft caption track as data.
///
/// The mov_text encoder does not take plain text: it reads an ASS event with libavcodec's `ass_split.c`
/// (FFmpeg 5.1, `ff_ass_split_dialog` then `ff_ass_split_override_codes`), turning `{\…}` into style boxes and
/// `\n`/`\N` into line breaks. Its rules differ from libass's (ProvokeCaptions' `ASSText` is for libass): only
/// these three are read, every other character (`{` alone, `}`, a lone `\`, `\{`) is copied through as it is.
/// So only those sequences are broken up, with U+2060 WORD JOINER (invisible, zero width), and line ends are
/// written as `\N`, which the encoder turns back into a line break. NUL would end the C string and the other
/// control characters have no glyph; they are removed.
public enum SubtitleText {
    static let wordJoiner: Unicode.Scalar = "\u{2060}"

    /// `ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text` with the text made safe, in `style`
    /// (a style name from the header; commas would shift the fields, so they are dropped).
    public static func assEvent(_ text: String, style: String) -> String {
        "0,0,\(style.filter { $0 != "," && !$0.isNewline }),,0,0,0,," + escape(text)
    }

    /// The Text field: draws exactly `text` (its line breaks as line breaks).
    public static func escape(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            let next: Unicode.Scalar? = i + 1 < scalars.count ? scalars[i + 1] : nil
            i += 1
            switch s {
            case "\r":
                if next == "\n" { i += 1 }
                out.append(contentsOf: #"\N"#.unicodeScalars)
            case "\n", "\u{85}", "\u{2028}", "\u{2029}":
                out.append(contentsOf: #"\N"#.unicodeScalars)
            case "\t":
                out.append(" ")
            case "\\":
                out.append(s)
                if next == "n" || next == "N" { out.append(wordJoiner) }
            case "{":
                out.append(s)
                if next == "\\" { out.append(wordJoiner) }
            default:
                if s.value < 0x20 || (0x7F...0x9F).contains(s.value) { continue }
                out.append(s)
            }
        }
        return String(out)
    }
}
