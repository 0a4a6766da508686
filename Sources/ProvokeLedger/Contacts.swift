import Foundation
import ProvokeManifest
import ProvokeSystem

/// What `removeContacts` removed.
public struct ContactsRemoval: Equatable, Sendable {
    public var contacts: Int
    /// Deliveries removed with the contacts.
    public var deliveries: Int
}

/// What an import or upsert did, contact by contact.
public struct ContactsImport: Equatable, Sendable {
    public var added = 0
    public var updated = 0
    public var unchanged = 0
}

extension Ledger {
    /// Reads a contacts CSV file and upserts every row by email, in one transaction. A bad row rejects the
    /// whole file (`LedgerError` `.badInput` with every bad row and its line) and the ledger is untouched.
    @discardableResult
    public func importContacts(csvFile file: String) throws -> ContactsImport {
        let bytes: [UInt8]
        do {
            // A named pipe would be waited on forever.
            try InputFiles.requireRegularIfPresent(file)
            bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        } catch let error as FileError {
            throw LedgerError(.badInput, file: file, error.message)
        } catch {
            throw LedgerError(.badInput, file: file, "cannot read: \(error.localizedDescription)")
        }
        return try upsertContacts(ContactsCSV.parse(bytes, file: file))
    }

    /// Adds contacts whose email is new and updates those whose email is known (the email match ignores
    /// case; the stored spelling becomes the new one). One transaction.
    @discardableResult
    public func upsertContacts(_ contacts: [Contact]) throws -> ContactsImport {
        try write {
            let find = try db.prepare("SELECT \(Self.contactColumns) FROM contacts c WHERE email = ?")
            let insert = try db.prepare("""
                INSERT INTO contacts (name, email, organisation, role, audience, region, notes)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
            let update = try db.prepare("""
                UPDATE contacts SET name = ?, email = ?, organisation = ?, role = ?, audience = ?, region = ?,
                    notes = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                WHERE email = ?
                """)
            var result = ContactsImport()
            for contact in contacts {
                let values: [SQLValue] = [.text(contact.name), .text(contact.email), .text(contact.organisation),
                                          .text(contact.role), .text(contact.audience.rawValue),
                                          .text(contact.region), .text(contact.notes)]
                if let existing = try find.rows([.text(contact.email)], Self.contactRow).first {
                    if existing == contact {
                        result.unchanged += 1
                    } else {
                        try update.run(values + [.text(contact.email)])
                        result.updated += 1
                    }
                } else {
                    try insert.run(values)
                    result.added += 1
                }
            }
            return result
        }
    }

    /// Contacts, optionally of one audience, by audience, organisation and name.
    public func contacts(audience: Audience? = nil) throws -> [Contact] {
        try guarded {
            try db.query("""
                SELECT \(Self.contactColumns) FROM contacts c WHERE ?1 IS NULL OR audience = ?1
                ORDER BY audience, organisation, name, email
                """, [SQLValue(audience?.rawValue)], Self.contactRow)
        }
    }

    /// The contact with this email (any case), or nil.
    public func contact(email: String) throws -> Contact? {
        try guarded {
            try db.query("SELECT \(Self.contactColumns) FROM contacts c WHERE email = ?",
                         [.text(email.trimmingCharacters(in: .whitespaces))], Self.contactRow).first
        }
    }

    /// Removes contacts and their deliveries (what the ledger knows about a person goes with them), in one
    /// transaction. An unknown email removes nothing and throws `.badInput` naming every unknown address.
    @discardableResult
    public func removeContacts(emails: [String]) throws -> ContactsRemoval {
        try write {
            let ids = try contactIDs(emails)
            var removal = ContactsRemoval(contacts: ids.count, deliveries: 0)
            for id in ids {
                removal.deliveries += try db.scalar("SELECT count(*) FROM deliveries WHERE contact_id = ?",
                                                    [.integer(id)])?.intValue ?? 0
                try db.run("DELETE FROM contacts WHERE id = ?", [.integer(id)])
            }
            return removal
        }
    }

    /// The row ids of `emails` (any case, duplicates once, in order); throws naming every unknown address.
    func contactIDs(_ emails: [String]) throws -> [Int64] {
        let find = try db.prepare("SELECT id FROM contacts WHERE email = ?")
        var ids: [Int64] = []
        var unknown: [String] = []
        for email in emails {
            let trimmed = email.trimmingCharacters(in: .whitespaces)
            if let id = try find.rows([.text(trimmed)], { $0.int64(0) }).first {
                if !ids.contains(id) { ids.append(id) }
            } else {
                unknown.append(trimmed)
            }
        }
        if !unknown.isEmpty {
            throw LedgerError(.badInput, file: path, "unknown contact\(unknown.count == 1 ? "" : "s"): "
                              + unknown.joined(separator: ", ") + "; nothing was changed"
                              + " (add contacts with provoke contacts import)")
        }
        return ids
    }

    static let contactColumns = "c.name, c.email, c.organisation, c.role, c.audience, c.region, c.notes"

    /// Reads `contactColumns` starting at column `first`.
    static func contactRow(_ row: Statement, first: Int32) throws -> Contact {
        let audienceText = row.text(first + 4)
        guard let audience = Audience(rawValue: audienceText) else {
            throw LedgerError(.newerLedger, file: row.connection.path,
                              "a contact has audience \"\(audienceText)\", which this provoke does not know; update provoke")
        }
        return Contact(name: row.text(first), email: row.text(first + 1), organisation: row.text(first + 2),
                       role: row.text(first + 3), audience: audience, region: row.text(first + 5),
                       notes: row.text(first + 6))
    }

    static func contactRow(_ row: Statement) throws -> Contact { try contactRow(row, first: 0) }
}
