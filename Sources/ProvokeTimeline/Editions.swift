// Personal editions, planned: one output plan per recipient, differing from the output's plan only in the
// personalised card's words (placeholders filled from the contact, as data), the edition code on its end
// card(s), two tags and the file name. Everything else (clips, captions, sound) is the same plan, so the
// renderer's content keys make the shared pieces once for every edition. Pure: who the recipients are and
// which code and file name each has are the ledger's (ProvokeLedger's Editions.swift).

import Foundation
import ProvokeManifest
import ProvokeSystem

/// Who an edition is for: a contact's details as the ledger holds them.
public struct Recipient: Sendable, Hashable, Codable {
    public var name: String
    public var email: String
    public var role: String
    public var organisation: String
    public var region: String
    public init(name: String, email: String, role: String = "", organisation: String = "", region: String = "") {
        self.name = name; self.email = email; self.role = role; self.organisation = organisation; self.region = region
    }

    func value(_ placeholder: Placeholder) -> String {
        switch placeholder {
        case .name: return name
        case .role: return role
        case .organisation: return organisation
        case .region: return region
        }
    }
}

/// One recipient's edition of an output: its code (on the end card and in the `edition` tag) and its file name
/// (`out/<output-id>/<slug>.mp4`).
public struct Edition: Sendable, Hashable {
    public var recipient: Recipient
    public var code: String
    public var slug: String
    public init(recipient: Recipient, code: String, slug: String) {
        self.recipient = recipient; self.code = code; self.slug = slug
    }
}

/// An edition that cannot be made: the contact lacks a detail the card shows.
public struct EditionError: Error, CustomStringConvertible, Sendable {
    public var output: String
    public var email: String
    public var message: String
    public var description: String { message }
}

/// Edition codes: eight characters of Crockford's base 32 (digits and capitals without I, L, O and U, so a
/// code read off a screen is not misread), shown as `7KQ4-M2XA`. 40 bits: among ten thousand editions two
/// share a code about once in twenty thousand ledgers; the ledger makes another then (`attempt`).
public enum EditionCode {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// The code of `email`'s edition of `project/output`: the same on every run and machine.
    public static func make(project: String, output: String, email: String, attempt: Int = 0) -> String {
        let hex = SHA256.hex("provoke edition\n\(project)\n\(output)\n\(email.lowercased())\n\(attempt)")
        // 40 bits from the first ten hex digits, five at a time.
        var bits = UInt64(hex.prefix(10), radix: 16)!
        var characters: [Character] = []
        for _ in 0..<8 {
            characters.append(alphabet[Int(bits & 31)])
            bits >>= 5
        }
        return String(characters[0..<4]) + "-" + String(characters[4..<8])
    }

    /// A code as a person types it (any case, with or without the dash or spaces; O for 0, I or L for 1), in
    /// its written form; nil when it cannot be a code.
    public static func normalise(_ typed: String) -> String? {
        var characters: [Character] = []
        for c in typed.uppercased() where !(c == "-" || c == " ") {
            let mapped: Character = c == "O" ? "0" : (c == "I" || c == "L") ? "1" : c
            guard alphabet.contains(mapped) else { return nil }
            characters.append(mapped)
        }
        guard characters.count == 8 else { return nil }
        return String(characters[0..<4]) + "-" + String(characters[4..<8])
    }
}

/// Edition file names: the contact's name as lowercase ASCII words joined by `-` (accents dropped, `Zoë` →
/// `zoe`), at most 60 characters; from the address's local part when the name has no letters or digits (an
/// emoji, a name left empty), `contact` when neither has. Uniqueness is the ledger's (it adds the code).
public enum EditionSlug {
    public static func base(name: String, email: String) -> String {
        for text in [name, String(email.split(separator: "@").first ?? "")] {
            let slug = words(text)
            if !slug.isEmpty { return slug }
        }
        return "contact"
    }

    /// Letters that are not a Latin letter with a mark, so folding marks away would drop them (`Łukasz Øberg`
    /// would be `ukasz-berg`), written as English does.
    static let ownLetters: [Character: String] = [
        "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss",
        "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Þ": "Th", "þ": "th", "ı": "i", "Ŀ": "L", "ŀ": "l", "Ħ": "H", "ħ": "h",
    ]

    static func words(_ text: String) -> String {
        let latin = String(text.flatMap { ownLetters[$0] ?? String($0) })
        let folded = latin.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
        var parts: [String] = []
        var word = ""
        for scalar in folded.unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                word.unicodeScalars.append(scalar)
            } else if !word.isEmpty {
                parts.append(word)
                word = ""
            }
        }
        if !word.isEmpty { parts.append(word) }
        var slug = ""
        for part in parts {
            let next = slug.isEmpty ? part : slug + "-" + part
            if next.count > 60 { break }
            slug = next
        }
        if slug.isEmpty, let first = parts.first { slug = String(first.prefix(60)) }
        return slug.lowercased()
    }
}

extension OutputPlan {
    /// The file name without `.mp4`: the edition's slug, or the output's id.
    public var fileStem: String { edition?.slug ?? output }
    /// How progress and errors name this plan: `for-icbs`, or `for-icbs/jane-example` for an edition.
    public var label: String { edition.map { "\(output)/\($0.slug)" } ?? output }

    var editionTags: [(String, String)] {
        edition.map { [("recipient", $0.recipient.email), ("edition", $0.code)] } ?? []
    }

    /// This plan as `edition`'s: the placeholders of card `card` filled with the recipient's details (one pass,
    /// the values as data), the code on every `end` card, the tags and file name. Throws when the card uses a
    /// detail the contact does not have (an empty role would leave "Prepared for Jane, , NHS").
    public func personalised(_ edition: Edition, card: String) throws -> OutputPlan {
        var plan = self
        plan.edition = edition
        for index in plan.segments.indices {
            guard case var .card(content) = plan.segments[index].content else { continue }
            if content.card == card {
                var missing: [Placeholder] = []
                func fill(_ text: String?) -> String? {
                    guard let text else { return nil }
                    var values: [Placeholder: String] = [:]
                    for word in Placeholder.words(in: text) {
                        guard let p = Placeholder(rawValue: word) else { continue }
                        let value = edition.recipient.value(p).trimmingCharacters(in: .whitespacesAndNewlines)
                        if value.isEmpty { if !missing.contains(p) { missing.append(p) } } else { values[p] = value }
                    }
                    return Placeholder.fill(text, values)
                }
                content.text = fill(content.text)
                content.attribution = fill(content.attribution)
                content.points = content.points.map { fill($0)! }
                content.value = fill(content.value)
                content.label = fill(content.label)
                content.url = fill(content.url)
                content.event = fill(content.event)
                content.date = fill(content.date)
                if !missing.isEmpty {
                    throw EditionError(output: output, email: edition.recipient.email, message:
                        "\(output): contact \(edition.recipient.email) has no "
                        + missing.map(\.rawValue).joined(separator: " or ") + ", which card \"\(card)\" shows ("
                        + missing.map { "{\($0.rawValue)}" }.joined(separator: ", ")
                        + "); add it to the contact (provoke contacts import) or take the placeholder out")
                }
            }
            if content.template == .end { content.edition = edition.code }
            plan.segments[index].content = .card(content)
        }
        return plan
    }
}
