/// Text from files provoke did not write (caption files, manifests, CSVs, the ledger) shown on a terminal with
/// every control character as a visible escape: `\n`, `\r`, `\t`, and `\u{1b}` for ESC, `\u{7}` for BEL,
/// `\u{0}` for NUL. Printed raw, ESC and BEL let a file retitle, clear or recolour the terminal
/// (`ESC ] 0 ; title BEL`), and a line break would split one message or table row into two.
public enum VisibleText {
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where isControl(scalar): out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// C0, DEL and C1 controls (Unicode's general category Cc).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }

    /// `text` with every control character removed, for checking that something would be left to show.
    public static func withoutControls(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { !isControl($0) }))
    }
}
