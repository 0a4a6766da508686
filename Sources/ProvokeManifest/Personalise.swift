// Personal editions: `outputs[].personalise` and the card-text placeholders it fills.
//
// A personalised output is rendered once per contact (`provoke render --personal`); its personalised card's text
// may use `{name}`, `{role}`, `{organisation}` and `{region}`, filled from the contact as data. This file reads
// the key and checks every placeholder against the outputs that show its card; filling them is the planner's
// (ProvokeTimeline's Editions.swift), which uses `Placeholder.fill` below so both agree on what a placeholder is.

import Foundation

/// `outputs[].personalise`: which card carries the recipient's details, and who gets an edition.
public struct Personalise: Sendable, Hashable {
    public enum Contacts: Sendable, Hashable {
        /// Every contact of the output's audience in the ledger.
        case audience
        /// These addresses (compared ignoring case), in the order written.
        case emails([String])
    }
    /// The id of the card whose text may use placeholders (it must be in the output's sequence).
    public var card: String
    public var contacts: Contacts
    public init(card: String, contacts: Contacts = .audience) { self.card = card; self.contacts = contacts }
}

/// A placeholder in card text: `{name}` and its kin. Anything else in braces that looks like one (`{nmae}`,
/// `{email}`) is an error; braces around anything else (`{\b1}`, `{ }`) are ordinary text, as before.
public enum Placeholder: String, Sendable, CaseIterable {
    case name, role, organisation, region

    /// Every `{word}` in `text`, in order: a brace, an ASCII letter, then letters, digits or `_`, then a brace.
    public static func words(in text: String) -> [String] {
        scan(text).compactMap { if case let .placeholder(word) = $0 { return word } else { return nil } }
    }

    /// `text` with each known placeholder replaced by `values[placeholder]`, in one pass: a value is never
    /// scanned again, so a name written `{role}` shows as those six characters. Unknown words stay as written
    /// (the validator has already refused them).
    public static func fill(_ text: String, _ values: [Placeholder: String]) -> String {
        scan(text).map { piece in
            switch piece {
            case let .text(t): return t
            case let .placeholder(word): return Placeholder(rawValue: word).flatMap { values[$0] } ?? "{\(word)}"
            }
        }.joined()
    }

    enum Piece { case text(String), placeholder(String) }

    static func scan(_ text: String) -> [Piece] {
        var pieces: [Piece] = []
        var plain = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            plain += rest[..<open]
            let after = rest[rest.index(after: open)...]
            if let close = after.firstIndex(of: "}") {
                let word = after[..<close]
                if let first = word.first, first.isASCII, first.isLetter,
                   word.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
                    if !plain.isEmpty { pieces.append(.text(plain)); plain = "" }
                    pieces.append(.placeholder(String(word)))
                    rest = after[after.index(after: close)...]
                    continue
                }
            }
            plain.append("{")
            rest = after
        }
        plain += rest
        if !plain.isEmpty { pieces.append(.text(plain)) }
        return pieces
    }
}

/// `outputs[].personalise` as read.
struct PersonaliseDraft {
    var path: JSONPath
    var position: TextPosition
    var card: Located<String>?
    var contacts: Personalise.Contacts
}

extension ManifestKeys {
    static let personalise: [ManifestKey] = [.required("card"), .optional("contacts")]
}

extension ManifestDecoder {
    /// `{"card": "for-you", "contacts": "audience" | ["a@b.org", …]}`; `contacts` defaults to `"audience"`.
    mutating func decodePersonalise(_ node: JSONNode, at path: JSONPath) -> PersonaliseDraft? {
        guard let fields = fields(of: node, at: path, keys: ManifestKeys.personalise, noun: "a personalisation")
        else { return nil }
        var contacts = Personalise.Contacts.audience
        if let written = fields["contacts"] {
            switch written.value {
            case .string("audience"):
                break
            case .array(let items):
                var emails: [String] = []
                for (index, item) in items.enumerated() {
                    guard let email = located(item, at: path + "contacts" + index, nonEmpty: true) else { continue }
                    let trimmed = email.value.trimmingCharacters(in: .whitespaces)
                    if !trimmed.contains("@") || trimmed.contains(where: { $0.isWhitespace }) {
                        report(email.path, email.position, "expected a contact's email address, found \(quoted(email.value))")
                    } else if emails.contains(where: { $0.caseInsensitiveCompare(trimmed) == .orderedSame }) {
                        report(email.path, email.position, "\(quoted(trimmed)) is listed twice; expected each contact once")
                    } else {
                        emails.append(trimmed)
                    }
                }
                if items.isEmpty {
                    report(path + "contacts", written.position, "expected at least one email address, found an empty array")
                }
                contacts = .emails(emails)
            default:
                report(path + "contacts", written.position, "expected \"audience\" (every contact of the output's "
                       + "audience in the ledger) or a list of email addresses, found \(written.foundDescription)")
            }
        }
        return PersonaliseDraft(path: path, position: node.position, card: located(fields, "card", nonEmpty: true), contacts: contacts)
    }

    /// Every placeholder in card text: one that is not `{name}`, `{role}`, `{organisation}` or `{region}` is an
    /// error at the text; so is one in a card an output shows without personalising that card (the output would
    /// show the braces). A personalised output must show its personalised card, and an `end` card to carry the
    /// edition's code.
    mutating func checkPlaceholders(_ draft: ManifestDraft) {
        let known = Placeholder.allCases.map(\.rawValue)
        var cards: [String: CardDraft] = [:]
        for card in draft.cards { if let id = card.id?.value, cards[id] == nil { cards[id] = card } }
        var used: [String: [(text: CardTextDraft, word: String)]] = [:]
        for card in draft.cards {
            guard let id = card.id?.value else { continue }
            for text in card.allTexts {
                let variants: [String]
                switch text.text {
                case let .all(t): variants = [t]
                case let .byAudience(map): variants = Audience.allCases.compactMap { map[$0] }
                }
                var seen = Set<String>()
                for word in variants.flatMap(Placeholder.words) where seen.insert(word).inserted {
                    if known.contains(word) {
                        used[id, default: []].append((text, word))
                    } else {
                        var message = "card \(quoted(id)) \(text.field): unknown placeholder {\(word)}; "
                        if let suggestion = closestMatch(to: word, in: known) { message += "did you mean {\(suggestion)}? " }
                        report(text.path, text.position, message + "placeholders: "
                               + known.map { "{\($0)}" }.joined(separator: ", "))
                    }
                }
            }
        }
        var reported = Set<String>()
        for output in draft.outputs {
            let shown = (output.sequence ?? []).map(\.item.value)
            let personal = output.personalise?.card?.value
            let name = output.id.map { "output \(quoted($0.value))" } ?? "an output"
            for id in shown where id != personal {
                for (text, word) in used[id] ?? [] where reported.insert("\(text.path) \(word)").inserted {
                    report(text.path, text.position, "card \(quoted(id)) \(text.field) uses {\(word)}, but \(name) "
                           + "shows it without personalising it; add \"personalise\": {\"card\": \(quoted(id))} to the "
                           + "output, or write the words out")
                }
            }
            guard let personalise = output.personalise, let card = personalise.card else { continue }
            if cards[card.value] == nil {
                if !draft.unreadableLists.contains("cards") {
                    report(card.path, card.position, "expected the id of a card, found \(quoted(card.value))")
                }
            } else if !shown.contains(card.value) {
                report(card.path, card.position, "card \(quoted(card.value)) is not in \(name)'s sequence; "
                       + "personalise a card the output shows")
            }
            if !shown.contains(where: { cards[$0]?.template == .end }) {
                report(personalise.path, personalise.position,
                       "\(name) is personalised, so it needs an \"end\" card in its sequence: the end card shows "
                       + "each edition's code")
            }
        }
    }
}
