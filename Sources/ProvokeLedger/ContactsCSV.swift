// Turns a contacts spreadsheet (CSV) into validated `Contact`s, or rejects the whole file with every
// bad row and its line. Nothing here touches the ledger: the import writes only what passed.
import Foundation
import ProvokeManifest

public enum ContactsCSV {
    /// The columns, in the order `contacts list --format csv` writes them. Header names match any case.
    public static let requiredColumns = ["name", "email", "organisation", "role", "audience"]
    public static let optionalColumns = ["region", "notes"]
    /// Spellings a spreadsheet may use for a column.
    static let aliases = ["organization": "organisation"]

    /// Parses and validates `bytes` read from `file` (named in errors). Throws a `.badInput` `LedgerError`
    /// listing every bad row, or returns every contact in file order.
    public static func parse(_ bytes: [UInt8], file: String) throws -> [Contact] {
        if let line = CSVReader.firstInvalidUTF8Line(bytes) {
            throw LedgerError(.badInput, file: file, "is not UTF-8 text (line \(line)); save it as \"CSV UTF-8\"",
                              problems: [.init(line: line, message: "bytes that are not UTF-8")])
        }
        // Blank rows (and rows of empty cells, which spreadsheets write for blank lines) carry nothing.
        let records = CSVReader.records(bytes).filter { record in
            record.error != nil || record.fields.contains { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }
        guard let header = records.first else {
            throw LedgerError(.badInput, file: file, "is empty; expected a header row: "
                              + (requiredColumns + optionalColumns).joined(separator: ","))
        }
        let columns = try columnIndexes(header, file: file)

        var problems: [LedgerError.Problem] = []
        var contacts: [Contact] = []
        var firstLineOfEmail: [String: Int] = [:]
        for record in records.dropFirst() {
            if let error = record.error {
                problems.append(.init(line: record.line, message: error)); continue
            }
            var messages: [String] = []
            let extra = record.fields.dropFirst(header.fields.count)
            if extra.contains(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) {
                messages.append("\(record.fields.count) fields but the header has \(header.fields.count)"
                                + " (is a comma missing its quotes?)")
            }
            // A spreadsheet may drop empty cells at the end of a row: a missing field is an empty one.
            func value(_ column: String) -> String {
                guard let index = columns[column], index < record.fields.count else { return "" }
                return column == "notes" ? record.fields[index] : record.fields[index].trimmingCharacters(in: .whitespaces)
            }
            let name = value("name"), email = value("email"), audienceText = value("audience")
            if name.isEmpty { messages.append("missing name") }
            if email.isEmpty {
                messages.append("missing email")
            } else if let problem = emailProblem(email) {
                messages.append("email \"\(email)\" \(problem)")
            } else if let earlier = firstLineOfEmail[email.lowercased()] {
                messages.append("email \(email) is also on line \(earlier) (one row per contact)")
            } else {
                firstLineOfEmail[email.lowercased()] = record.line
            }
            let audience = Audience(rawValue: audienceText.lowercased())
            if audienceText.isEmpty {
                messages.append("missing audience (one of \(Audience.allCases.map(\.rawValue).joined(separator: ", ")))")
            } else if audience == nil {
                messages.append("unknown audience \"\(audienceText)\" (expected one of "
                                + Audience.allCases.map(\.rawValue).joined(separator: ", ") + ")")
            }
            if !messages.isEmpty {
                problems.append(.init(line: record.line, message: messages.joined(separator: "; ")))
                continue
            }
            contacts.append(Contact(name: name, email: email, organisation: value("organisation"), role: value("role"),
                                    audience: audience!, region: value("region"), notes: value("notes")))
        }
        if !problems.isEmpty {
            let rows = problems.count == 1 ? "1 bad row" : "\(problems.count) bad rows"
            throw LedgerError(.badInput, file: file, "\(rows); nothing was imported", problems: problems)
        }
        return contacts
    }

    /// Why an address cannot be right, or nil. Deliberately loose: one @, something either side, a dot in
    /// the domain, no spaces. Mail servers are the judges of the rest.
    static func emailProblem(_ email: String) -> String? {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        if parts.count != 2 || parts[0].isEmpty || parts[1].isEmpty { return "is not an address (expected name@domain)" }
        if email.contains(where: { $0.isWhitespace || $0.unicodeScalars.contains { $0.properties.generalCategory == .control } }) {
            return "contains spaces or control characters"
        }
        if !parts[1].contains(".") || parts[1].hasPrefix(".") || parts[1].hasSuffix(".") {
            return "has no valid domain after @"
        }
        return nil
    }

    private static func columnIndexes(_ header: CSVRecord, file: String) throws -> [String: Int] {
        if let error = header.error {
            throw LedgerError(.badInput, file: file, "the header row is not valid CSV",
                              problems: [.init(line: header.line, message: error)])
        }
        var indexes: [String: Int] = [:]
        var messages: [String] = []
        let known = requiredColumns + optionalColumns
        for (index, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            let column = aliases[name] ?? name
            if name.isEmpty {
                // Empty header cells at the end are a spreadsheet's habit; elsewhere they hide a column.
                if header.fields[index...].allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { break }
                messages.append("column \(index + 1) has no name")
            } else if !known.contains(column) {
                messages.append("unknown column \"\(raw)\"")
            } else if indexes[column] != nil {
                messages.append("column \"\(column)\" appears twice")
            } else {
                indexes[column] = index
            }
        }
        let missing = requiredColumns.filter { indexes[$0] == nil }
        if !missing.isEmpty { messages.append("missing column\(missing.count == 1 ? "" : "s") " + missing.joined(separator: ", ")) }
        if !messages.isEmpty {
            throw LedgerError(.badInput, file: file, "the header row must name the columns "
                              + requiredColumns.joined(separator: ",") + "[,region,notes] in any order",
                              problems: [.init(line: header.line, message: messages.joined(separator: "; "))])
        }
        return indexes
    }
}
