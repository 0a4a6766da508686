// RFC 4180 CSV, both ways. Reading accepts what spreadsheets write (a UTF-8 byte-order mark, CRLF or
// LF line ends, a missing final line end, quoted fields holding commas, quotes and line breaks) and
// reports malformed quoting per record instead of guessing. Writing quotes what needs quoting and
// neutralises cells a spreadsheet would run as a formula.
import Foundation

/// One record of a CSV file and where it starts, for messages a person can act on.
struct CSVRecord: Equatable {
    /// The physical line (1-based) on which the record starts; a quoted line break makes a record span lines.
    var line: Int
    var fields: [String]
    /// Why the record could not be read (malformed quoting); `fields` is then incomplete.
    var error: String?
}

enum CSVReader {
    private static let quote = UInt8(ascii: "\"")
    private static let comma = UInt8(ascii: ",")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    /// Splits `bytes` into records. Delimiters are ASCII, so splitting UTF-8 bytes never cuts a character;
    /// each field is decoded on its own. The caller checks the whole input is UTF-8 first.
    static func records(_ input: [UInt8]) -> [CSVRecord] {
        var bytes = input[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }  // spreadsheets' UTF-8 BOM

        var records: [CSVRecord] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1          // current physical line
        var recordLine = 1    // line where the current record started
        var inQuotes = false
        var afterQuoted = false  // just closed a quoted field: only a comma or a line end may follow
        var error: String?
        var index = bytes.startIndex

        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
            afterQuoted = false
        }
        func endRecord() {
            endField()
            records.append(CSVRecord(line: recordLine, fields: fields, error: error))
            fields.removeAll()
            error = nil
            recordLine = line
        }
        /// After malformed quoting, skip to the end of the physical line and resume with the next record.
        func skipLine() {
            while index < bytes.endIndex, bytes[index] != lf, bytes[index] != cr { index += 1 }
            inQuotes = false
        }

        while index < bytes.endIndex {
            let byte = bytes[index]
            if inQuotes {
                if byte == quote {
                    if index + 1 < bytes.endIndex, bytes[index + 1] == quote {
                        field.append(quote); index += 2; continue
                    }
                    inQuotes = false; afterQuoted = true; index += 1; continue
                }
                // A line break inside quotes is data (kept as written) but still a new physical line.
                if byte == lf || (byte == cr && (index + 1 == bytes.endIndex || bytes[index + 1] != lf)) { line += 1 }
                field.append(byte); index += 1; continue
            }
            switch byte {
            case comma:
                endField(); index += 1
            case lf, cr:
                // CRLF, LF and a lone CR (old Mac exports) all end a line.
                index += (byte == cr && index + 1 < bytes.endIndex && bytes[index + 1] == lf) ? 2 : 1
                line += 1
                endRecord()
            case quote:
                if field.isEmpty && !afterQuoted {
                    inQuotes = true; index += 1
                } else {
                    error = error ?? "malformed quoting: a quote inside an unquoted field"
                        + " (quote the whole field and double the quote: \"\"…\"\")"
                    skipLine()
                }
            default:
                if afterQuoted {
                    error = error ?? "malformed quoting: text after a closing quote"
                        + " (a quote inside a quoted field must be doubled: \"\")"
                    skipLine()
                } else {
                    field.append(byte); index += 1
                }
            }
        }
        if inQuotes {
            error = error ?? "malformed quoting: a quoted field is never closed (it runs to the end of the file)"
        }
        // The last record has no line end, or the input ended inside it; a final line end adds nothing.
        if inQuotes || !field.isEmpty || !fields.isEmpty || afterQuoted || error != nil { endRecord() }
        return records
    }

    /// The 1-based line of the first byte that is not UTF-8, or nil when every byte is.
    static func firstInvalidUTF8Line(_ bytes: [UInt8]) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var line = 1
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): if scalar == "\n" { line += 1 }
            case .emptyInput: return nil
            case .error: return line
            }
        }
    }
}

enum CSVWriter {
    /// Cells starting with these are run as formulas by Excel, LibreOffice and Google Sheets
    /// (OWASP "CSV Injection"): `=`, `+`, `-`, `@`, tab and carriage return.
    private static let formulaPrefixes: Set<Character> = ["=", "+", "-", "@", "\t", "\r", "\r\n"]

    /// A cell safe to open in a spreadsheet: a formula prefix is neutralised with a leading apostrophe
    /// (which spreadsheets show as text and hide), then the cell is quoted if it must be.
    static func cell(_ text: String) -> String {
        var text = text
        if let first = text.first, formulaPrefixes.contains(first) { text = "'" + text }
        let needsQuotes = text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// One record, CRLF-terminated as RFC 4180 says.
    static func record(_ cells: [String]) -> String {
        cells.map(cell).joined(separator: ",") + "\r\n"
    }
}
