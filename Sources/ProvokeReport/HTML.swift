/// HTML escaping, done once, on output. Every piece of text that comes from a manifest, a render record or
/// the ledger (titles, names, organisations, notes, card words, paths) is written through `escape`, in text
/// and in quoted attribute values alike, so `<script>`, `"><img onerror=…>` and `&` are shown as characters.
/// The page makes no link from data: `href` and `src` are only ever the report's own relative names and
/// `#` anchors built from indexes, so a `javascript:` URL in a note or a card can only ever be text.
public enum HTML {
    /// `&`, `<`, `>`, `"` and `'` as character references: safe in element content and in attribute values
    /// quoted with either quote. Control characters other than tab and line breaks, which HTML forbids,
    /// become U+FFFD.
    public static func escape(_ text: String) -> String {
        // Most text needs nothing: return it without building a copy (the grid has 100,000s of cells).
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 || $0 < 0x20 || $0 == 0x7F })
        else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
