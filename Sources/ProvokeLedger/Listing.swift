// What the list commands print, as data first (`Listing`: named columns, typed cells) and then as
// text in one of three formats. Values are printed as stored, except that a table shows control
// characters as visible escapes (a line break or a terminal escape sequence in a note must not break
// the table or drive the terminal) and CSV neutralises formula prefixes.
import Foundation
import ProvokeSystem

/// How a list command prints.
public enum ListFormat: String, CaseIterable, Sendable {
    /// Aligned columns for a person.
    case table
    /// RFC 4180 CSV with a header row, spreadsheet-safe (see `CSVWriter`).
    case csv
    /// A JSON array of objects, one per line, keys as the CSV header.
    case json
}

/// A value in a listing.
public enum Cell: Equatable, Sendable {
    case text(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case null

    var plain: String {
        switch self {
        case .text(let s): return s
        case .integer(let i): return String(i)
        case .number(let d): return String(format: "%.3f", d)
        case .bool(let b): return b ? "yes" : "no"
        case .null: return ""
        }
    }

    var json: String {
        switch self {
        case .text(let s): return Listing.jsonString(s)
        case .integer(let i): return String(i)
        case .number(let d): return d.isFinite ? String(format: "%.3f", d) : "null"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }
}

/// Rows under named columns.
public struct Listing: Equatable, Sendable {
    public var columns: [String]
    public var rows: [[Cell]]

    public init(columns: [String], rows: [[Cell]]) {
        self.columns = columns; self.rows = rows
    }

    public func rendered(_ format: ListFormat) -> String {
        switch format {
        case .table: return table()
        case .csv: return csv()
        case .json: return json()
        }
    }

    /// Header row and records, CRLF line ends (RFC 4180).
    public func csv() -> String {
        ([CSVWriter.record(columns)] + rows.map { CSVWriter.record($0.map(\.plain)) }).joined()
    }

    public func json() -> String {
        if rows.isEmpty { return "[]\n" }
        let objects = rows.map { row in
            "  {" + zip(columns, row).map { "\(Self.jsonString($0)): \($1.json)" }.joined(separator: ", ") + "}"
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]\n"
    }

    public func table() -> String {
        let header = columns.map { $0.uppercased() }
        let body = rows.map { $0.map { Self.visible($0.plain) } }
        var widths = header.map(Self.displayWidth)
        for row in body { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], Self.displayWidth(cell)) } }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (i, cell) in cells.enumerated() {
                text += cell
                if i < cells.count - 1 { text += String(repeating: " ", count: widths[i] - Self.displayWidth(cell) + 2) }
            }
            while text.last == " " { text.removeLast() }
            return text + "\n"
        }
        return ([line(header)] + body.map(line)).joined()
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, everything else as is.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Control characters shown as escapes (`\n`, `\t`, `\u{1b}`), so one row stays one line.
    static func visible(_ text: String) -> String { VisibleText.escaped(text) }

    /// Terminal columns: wide (East Asian, emoji) characters take two.
    static func displayWidth(_ text: String) -> Int {
        text.reduce(0) { width, character in
            let scalar = character.unicodeScalars.first!
            let wide = scalar.properties.isEmojiPresentation
                || character.unicodeScalars.contains { $0 == "\u{FE0F}" }
                || (0x1100...0x115F).contains(scalar.value) || (0x2E80...0xA4CF).contains(scalar.value)
                || (0xAC00...0xD7A3).contains(scalar.value) || (0xF900...0xFAFF).contains(scalar.value)
                || (0xFE30...0xFE4F).contains(scalar.value) || (0xFF00...0xFF60).contains(scalar.value)
                || (0xFFE0...0xFFE6).contains(scalar.value) || (0x20000...0x3FFFD).contains(scalar.value)
            return width + (wide ? 2 : 1)
        }
    }
}

extension Listing {
    public static func contacts(_ contacts: [Contact]) -> Listing {
        Listing(columns: ["name", "email", "organisation", "role", "audience", "region", "notes"],
                rows: contacts.map { c in
                    [.text(c.name), .text(c.email), .text(c.organisation), .text(c.role), .text(c.audience.rawValue),
                     .text(c.region), .text(c.notes)]
                })
    }

    public static func deliveries(_ deliveries: [Delivery]) -> Listing {
        Listing(columns: ["date", "email", "name", "organisation", "contact_audience", "project", "output",
                          "audience", "title", "sha256", "rendered_at", "latest", "channel", "status", "note"],
                rows: deliveries.map { d in
                    [.text(d.date), .text(d.contact.email), .text(d.contact.name), .text(d.contact.organisation),
                     .text(d.contact.audience.rawValue), .text(d.video.project), .text(d.video.output),
                     .text(d.video.audience.rawValue), .text(d.video.title), .text(d.video.sha256),
                     .text(d.video.renderedAt), .bool(d.isLatestVersion), .text(d.channel.rawValue),
                     .text(d.status.rawValue), .text(d.note)]
                })
    }

    /// The short form for a table: the SHA-256 shortened, the render time dropped.
    public static func deliveriesTable(_ deliveries: [Delivery]) -> Listing {
        Listing(columns: ["date", "email", "name", "organisation", "video", "version", "latest", "channel", "status",
                          "note"],
                rows: deliveries.map { d in
                    [.text(d.date), .text(d.contact.email), .text(d.contact.name), .text(d.contact.organisation),
                     .text(d.video.reference), .text(d.video.shortSHA), .bool(d.isLatestVersion),
                     .text(d.channel.rawValue), .text(d.status.rawValue), .text(d.note)]
                })
    }

    public static func pending(_ entries: [PendingReport.Entry]) -> Listing {
        Listing(columns: ["state", "name", "email", "organisation", "role", "received_sha256", "received_on",
                          "planned"],
                rows: entries.map { e in
                    [.text(e.state.rawValue), .text(e.contact.name), .text(e.contact.email),
                     .text(e.contact.organisation), .text(e.contact.role),
                     e.received.map { .text($0.sha256) } ?? .null, e.receivedOn.map { .text($0) } ?? .null,
                     .bool(e.planned)]
                })
    }
}

extension PendingReport {
    /// The report in `format`. A table groups the contacts under headings; CSV and JSON give one row per
    /// contact with its `state` (never, older, newer).
    public func rendered(_ format: ListFormat) -> String {
        guard format == .table else { return Listing.pending(entries).rendered(format) }
        var text = "\(Listing.visible(video.reference)) (\(video.audience.rawValue)), "
        if let editions {
            text += "\(editions) personal edition\(editions == 1 ? "" : "s"), each contact's own newest version:"
        } else {
            text += "version \(video.shortSHA) rendered \(video.renderedAt)"
                + "\(isLatestVersion ? " (latest)" : " (not the latest version)"):"
        }
        text += " \(entries.count) pending\n"
        let groups: [(State, String)] = [(.neverReceived, "Never received this output"),
                                         (.olderVersion, "Received an older version"),
                                         (.newerVersion, "Received a newer version")]
        for (state, heading) in groups {
            let group = entries(state)
            if group.isEmpty && state == .newerVersion { continue }
            text += "\n\(heading) (\(group.count)):\n"
            if group.isEmpty { continue }
            let listing = Listing(
                columns: ["name", "email", "organisation", "role"] + (state == .neverReceived ? [] : ["received", "on"])
                    + ["planned"],
                rows: group.map { e in
                    [.text(e.contact.name), .text(e.contact.email), .text(e.contact.organisation), .text(e.contact.role)]
                        + (state == .neverReceived ? [] : [.text(e.received?.shortSHA ?? ""), .text(e.receivedOn ?? "")])
                        + [.bool(e.planned)]
                })
            text += listing.table().split(separator: "\n", omittingEmptySubsequences: false)
                .dropLast().map { "  " + $0 + "\n" }.joined()
        }
        return text
    }
}
