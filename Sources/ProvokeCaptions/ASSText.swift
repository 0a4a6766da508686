import Foundation

/// Caption text made safe for the Text field of an ASS `Dialogue:` line.
///
/// Caption and speaker text is data: whatever its characters, libass must draw them, never read them as
/// override tags, drawing commands or line breaks, and nothing in it may end the `Dialogue:` line.
///
/// How libass 0.17.1 reads event text (Debian 12's libass9 1:0.17.1; `parse_events` in ass_render.c and the
/// next-character function in ass_parse.c/ass_render.c, same rules in 0.15–0.17):
/// - `{` starts an override block only if a `}` follows somewhere later in the text (`strchr`); the block runs
///   to that `}`. A `{` with no `}` after it, and any `}` outside a block, are drawn as they are.
/// - Outside blocks, `\` is an escape only before `N` (line break), `n` (a space, or a break with WrapStyle 2),
///   `h` (no-break space), `{` and `}` (the literal brace). Before anything else, `\` is drawn as itself.
///   There is no escape for `\` itself: `\\N` is a backslash and then a line break.
/// - Tab is drawn as a space; characters below U+0020 have no glyph.
/// - The file reader (ass.c) ends a line at CR or LF, so either in the text would end the event and start a
///   new script line; the Text field is the last one, so commas in it are fine.
///
/// So the rule, applied character by character:
/// - `{` → `\{` and `}` → `\}`: no raw brace is left, so no override block (`{\an8}`, `{\p1}` drawing mode)
///   can start, and the escaped forms draw the braces.
/// - `\` → `\` + U+2060 WORD JOINER: the backslash is never directly before `N`, `n`, `h`, `{` or `}` (nor
///   before a brace escape, or whatever a caller appends after the escaped text), so it is always drawn as
///   itself. The word joiner is invisible, has no width and allows no line break (HarfBuzz hides default
///   ignorables; DejaVu Sans also has an empty glyph for it).
/// - CR LF, CR, LF, NEL, U+2028 and U+2029 → `\N` (a line break); tab → space.
/// - NUL, the other C0 controls and DEL/C1 controls are removed: they would end the string (NUL) or the
///   line, or draw nothing.
/// Commas, `:` `'` `;` `[` `]` `%` `"` and all other Unicode (accents, Welsh ŵ ŷ, Arabic, CJK, emoji) pass
/// unchanged.
///
/// Verified by rendering with FFmpeg 5.1's `ass` filter over libass 0.17.1: `{\an8}`, `{\p1}m 0 0 l 100 0`,
/// a lone `\`, `\N`, `\n`, `\h`, `\\`, `\\N`, `\{b\}`, a trailing `\`, `}` and `{` escaped this way all draw
/// literally on one line at the bottom, while the unescaped forms move to the top (`\an8`), turn into a
/// drawing (`\p1`), break the line (`\N`) or lose their backslashes (`\{`).
public enum ASSText {
    /// U+2060 WORD JOINER, written after every backslash.
    public static let wordJoiner: Unicode.Scalar = "\u{2060}"

    /// `text` as an ASS Dialogue Text field that draws exactly these characters (see the rule above).
    public static func escape(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            i += 1
            switch s {
            case "\r":
                if i < scalars.count, scalars[i] == "\n" { i += 1 }
                out.append(contentsOf: #"\N"#.unicodeScalars)
            case "\n", "\u{85}", "\u{2028}", "\u{2029}":
                out.append(contentsOf: #"\N"#.unicodeScalars)
            case "\t":
                out.append(" ")
            case "\\":
                out.append("\\")
                out.append(wordJoiner)
            case "{":
                out.append(contentsOf: #"\{"#.unicodeScalars)
            case "}":
                out.append(contentsOf: #"\}"#.unicodeScalars)
            default:
                if s.value < 0x20 || (0x7F...0x9F).contains(s.value) { continue }
                out.append(s)
            }
        }
        return String(out)
    }

    /// A value for a header or style field (a font name): like `escape`'s removals, plus commas (the field
    /// separator) and braces/backslashes (which have no meaning there and no escape either) go; line breaks
    /// become spaces. Leading and trailing spaces are trimmed.
    public static func fieldValue(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            switch s {
            case "\r", "\n", "\t", "\u{85}", "\u{2028}", "\u{2029}": out.append(" ")
            case ",", "{", "}", "\\": continue
            default:
                if s.value < 0x20 || (0x7F...0x9F).contains(s.value) { continue }
                out.append(s)
            }
        }
        return String(String(out).trimmingCharacters(in: .whitespaces))
    }
}
