import Foundation
import ProvokeManifest
import ProvokeTimeline

/// A contact's edition of an output, as the ledger keeps it (schema 3): the code and file name stay the same
/// across versions; each rendered version is a `videos` row pointing at it.
public struct EditionRow: Equatable, Sendable {
    public var project: String
    public var output: String
    /// The recipient as the edition was made (kept if the contact is removed later).
    public var email: String
    public var name: String
    public var code: String
    public var slug: String
    public var reference: String { "\(project)/\(output)" }
}

/// What `provoke trace` found: whose copy a file or code is, which version, and where it went.
public struct TraceReport: Sendable {
    public enum Evidence: String, Sendable {
        case fileBytes = "the file's bytes (SHA-256)"
        case videoPackets = "its video packets (the file was re-muxed or its tags changed; the picture is the rendered one)"
        case editionTag = "its edition tag (the file itself is not registered)"
        case code = "the edition code"
    }
    public var evidence: Evidence
    /// Nil for an output's one file (not a personal edition).
    public var edition: EditionRow?
    /// The recipient's contact row today; nil when they were removed (or for an output's one file).
    public var contact: Contact?
    /// The exact version, when the file says (its bytes or packets); nil from a code or tag alone.
    public var video: Video?
    /// Every version of the edition (or the one file), oldest first.
    public var versions: [Video]
    /// Deliveries of any of those versions, to anyone, by date.
    public var deliveries: [Delivery]
}

extension Ledger {
    /// Who gets an edition: every contact of `audience`, or the listed addresses, in the ledger's order; listed
    /// addresses that are no contact (never imported, or removed since) are returned apart, for the caller to
    /// name, so the other editions can still be made.
    public func editionRecipients(_ contacts: Personalise.Contacts, audience: Audience) throws
        -> (contacts: [Contact], unknown: [String]) {
        switch contacts {
        case .audience:
            let found = try self.contacts(audience: audience)
            return (found.sorted { ($0.organisation, $0.name, $0.email) < ($1.organisation, $1.name, $1.email) }, [])
        case let .emails(emails):
            var found: [Contact] = []
            var unknown: [String] = []
            for email in emails {
                if let contact = try contact(email: email) { found.append(contact) } else { unknown.append(email) }
            }
            return (found, unknown)
        }
    }

    /// Each contact's edition of `project/output`: the code and file name the ledger already has for them, or the
    /// ones they would get. Reads only (`still --to`, `cache prune`); `reserveEditions` records new ones.
    public func editions(project: String, output: String, for contacts: [Contact]) throws -> [Edition] {
        try read { try assignEditions(project: project, output: output, for: contacts).editions }
    }

    /// Like `editions`, and records the new editions' codes and file names, in one write transaction, before
    /// their files are rendered: two renders at once for two contacts of the same name then get two file names,
    /// never one file written by both. An edition recorded here and never rendered has no version yet.
    public func reserveEditions(project: String, output: String, for contacts: [Contact]) throws -> [Edition] {
        try write {
            let (editions, new) = try assignEditions(project: project, output: output, for: contacts)
            let insert = try db.prepare("""
                INSERT INTO editions (project, output, email, name, code, slug) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for edition in editions where new.contains(edition.recipient.email.lowercased()) {
                try insert.run([.text(project), .text(output), .text(edition.recipient.email),
                                .text(edition.recipient.name), .text(edition.code), .text(edition.slug)])
            }
            return editions
        }
    }

    /// The editions of `contacts`, known or newly named, and the (lowercased) addresses of the new ones. A new
    /// file name that another contact's edition has gets the new code's first four characters
    /// (`jane-example-7kq4`), so no edition's name ever changes.
    private func assignEditions(project: String, output: String, for contacts: [Contact]) throws
        -> (editions: [Edition], new: Set<String>) {
        var byEmail: [String: (code: String, slug: String)] = [:]
        var slugs = Set<String>()
        _ = try db.query("SELECT email, code, slug FROM editions WHERE project = ? AND output = ?",
                         [.text(project), .text(output)]) { row in
            byEmail[row.text(0).lowercased()] = (row.text(1), row.text(2))
            slugs.insert(row.text(2))
        }
        var taken = Set(try db.query("SELECT code FROM editions") { $0.text(0) })
        var assigned: [String: (code: String, slug: String)] = [:]
        // New editions are named in address order, so the same contacts get the same names on any run.
        for contact in contacts.sorted(by: { $0.email.lowercased() < $1.email.lowercased() }) {
            let key = contact.email.lowercased()
            guard byEmail[key] == nil, assigned[key] == nil else { continue }
            var attempt = 0, code = EditionCode.make(project: project, output: output, email: key)
            while taken.contains(code) {
                attempt += 1
                code = EditionCode.make(project: project, output: output, email: key, attempt: attempt)
            }
            taken.insert(code)
            var slug = EditionSlug.base(name: contact.name, email: contact.email)
            if slugs.contains(slug) { slug += "-" + code.prefix(4).lowercased() }
            if slugs.contains(slug) { slug += code.suffix(4).lowercased() }
            slugs.insert(slug)
            assigned[key] = (code, slug)
        }
        let editions = contacts.map { contact in
            let known = byEmail[contact.email.lowercased()] ?? assigned[contact.email.lowercased()]!
            return Edition(recipient: Recipient(name: contact.name, email: contact.email, role: contact.role,
                                                organisation: contact.organisation, region: contact.region),
                           code: known.code, slug: known.slug)
        }
        return (editions, Set(assigned.keys))
    }

    /// Inside a registration's transaction: links a personal edition's file to its edition (made on its first
    /// version), keeps its video packets' hash, and plans the delivery to its recipient (an existing delivery of
    /// this file to them is left as it is).
    func recordEdition(_ record: RenderRecord, video: Video) throws {
        guard let edition = record.edition else { return }
        let email = edition.recipient.email
        var editionID = try db.scalar("SELECT id FROM editions WHERE project = ? AND output = ? AND email = ?",
                                      [.text(record.project), .text(record.output), .text(email)])?.intValue
        if editionID == nil {
            if let other = try db.query("SELECT project, output, email FROM editions WHERE code = ?",
                                        [.text(edition.code)], { "\($0.text(0))/\($0.text(1)) for \($0.text(2))" }).first {
                throw LedgerError(.badInput, file: path, "edition code \(edition.code) of \(record.project)/\(record.output)"
                                  + " for \(email) is already \(other)'s; render the edition again")
            }
            try db.run("INSERT INTO editions (project, output, email, name, code, slug) VALUES (?, ?, ?, ?, ?, ?)",
                       [.text(record.project), .text(record.output), .text(email), .text(edition.recipient.name),
                        .text(edition.code), .text(edition.slug)])
            editionID = try db.scalar("SELECT last_insert_rowid()")?.intValue
        }
        try db.run("UPDATE videos SET edition_id = ?, packets_sha256 = ? WHERE sha256 = ?",
                   [.integer(Int64(editionID!)), SQLValue(edition.videoPacketsSHA256), .text(video.sha256)])
        guard let contactID = try db.scalar("SELECT id FROM contacts WHERE email = ?", [.text(email)])?.intValue,
              let videoID = try db.scalar("SELECT id FROM videos WHERE sha256 = ?", [.text(video.sha256)])?.intValue
        else { return }
        try db.run("""
            INSERT INTO deliveries (contact_id, video_id, channel, date, status) VALUES (?, ?, 'email', ?, 'planned')
            ON CONFLICT (contact_id, video_id) DO NOTHING
            """, [.integer(Int64(contactID)), .integer(Int64(videoID)), .text(Ledger.today())])
    }

    /// The edition a registered file is a version of; nil for an output's one file.
    func edition(ofVideo videoID: Int64) throws -> (id: Int64, row: EditionRow)? {
        try db.query("""
            SELECT e.id, e.project, e.output, e.email, e.name, e.code, e.slug
            FROM videos v JOIN editions e ON e.id = v.edition_id WHERE v.id = ?
            """, [.integer(videoID)]) { row in
            (row.int64(0), EditionRow(project: row.text(1), output: row.text(2), email: row.text(3), name: row.text(4),
                                      code: row.text(5), slug: row.text(6)))
        }.first
    }

    /// `deliver`: a personal edition goes to its recipient only.
    func refuseOthers(_ contacts: [Contact], videoID: Int64, video: Video) throws {
        guard let (_, edition) = try edition(ofVideo: videoID) else { return }
        let others = contacts.filter { $0.email.lowercased() != edition.email.lowercased() }
        guard !others.isEmpty else { return }
        throw LedgerError(.badInput, file: path, "\(video.reference) (\(video.shortSHA)) is the personal edition of "
                          + "\(edition.name) <\(edition.email)> (code \(edition.code)), not of "
                          + others.map(\.email).joined(separator: ", ")
                          + "; nothing was recorded (--allow-mismatch records it anyway)")
    }

    /// `deliver project/output` of a personalised output: for each contact, the newest version of their own
    /// edition, by contact id. A contact with no edition of it is an error naming them; nothing is recorded.
    func ownEditions(_ contacts: [(id: Int64, contact: Contact)], of video: Video) throws -> [Int64: (id: Int64, video: Video)] {
        let newest = try db.prepare("""
            SELECT \(Self.videoColumns), v.id FROM videos v JOIN editions e ON e.id = v.edition_id
            WHERE e.project = ? AND e.output = ? AND e.email = ? ORDER BY v.rendered_at DESC, v.id DESC LIMIT 1
            """)
        var files: [Int64: (id: Int64, video: Video)] = [:]
        var without: [String] = []
        for (id, contact) in contacts {
            let found = try newest.rows([.text(video.project), .text(video.output), .text(contact.email)]) {
                ($0.int64(8), try Self.videoRow($0))
            }.first
            if let found { files[id] = found } else { without.append(contact.email) }
        }
        if !without.isEmpty {
            throw LedgerError(.badInput, file: path, "\(video.reference) is made as personal editions, and none has been"
                              + " rendered for " + without.joined(separator: ", ")
                              + " (render --personal makes them); nothing was recorded")
        }
        return files
    }

    /// `pending` for a personal edition: the output's recipients (the contacts it has editions for) who have not
    /// received (only planned, or not at all) the newest version of their own edition. A copy of someone else's
    /// edition does not count. Nil when `videoID` is not an edition.
    func editionPending(_ video: Video, videoID: Int64) throws -> PendingReport? {
        guard let (editionID, _) = try edition(ofVideo: videoID) else { return nil }
        let newest = try db.query("""
            SELECT \(Self.videoColumns) FROM videos v WHERE edition_id = ? ORDER BY rendered_at DESC, id DESC LIMIT 1
            """, [.integer(editionID)], Self.videoRow).first
        // Each recipient still in the ledger, with their edition.
        let recipients = try db.query("""
            SELECT \(Self.contactColumns), e.id FROM editions e JOIN contacts c ON c.email = e.email
            WHERE e.project = ? AND e.output = ? ORDER BY c.organisation, c.name, c.email
            """, [.text(video.project), .text(video.output)]) { row in
            (try Self.contactRow(row), row.int64(7))
        }
        let own = try db.prepare("""
            SELECT \(Self.videoColumns), v.id FROM videos v WHERE v.edition_id = ?
            ORDER BY v.rendered_at DESC, v.id DESC LIMIT 1
            """)
        let received = try db.prepare("""
            SELECT \(Self.videoColumns), d.date FROM deliveries d JOIN videos v ON v.id = d.video_id
            WHERE d.contact_id = (SELECT id FROM contacts WHERE email = ?) AND v.edition_id = ? AND d.status <> 'planned'
            ORDER BY v.rendered_at DESC, v.id DESC LIMIT 1
            """)
        let planned = try db.prepare("""
            SELECT 1 FROM deliveries WHERE video_id = ? AND contact_id = (SELECT id FROM contacts WHERE email = ?)
            """)
        var entries: [PendingReport.Entry] = []
        for (contact, edition) in recipients {
            let mine = try own.rows([.integer(edition)]) { (try Self.videoRow($0), $0.int64(8)) }.first
            let got = try received.rows([.text(contact.email), .integer(edition)]) {
                (try Self.videoRow($0), $0.text(8))
            }.first
            if let mine, got?.0.sha256 == mine.0.sha256 { continue }
            let isPlanned = try mine.map { try !planned.rows([.integer($0.1), .text(contact.email)]) { $0.int(0) }.isEmpty } ?? false
            entries.append(PendingReport.Entry(contact: contact, state: got == nil ? .neverReceived : .olderVersion,
                                               received: got?.0, receivedOn: got?.1, planned: isPlanned))
        }
        return PendingReport(video: video, isLatestVersion: newest?.sha256 == video.sha256, entries: entries,
                             editions: recipients.count)
    }

    /// Whose copy a file or code is: by the file's SHA-256, else its video packets' SHA-256, else an edition code
    /// (from its tag, or typed from the end card). Nil when none of them is known.
    public func trace(fileSHA256: String? = nil, packetsSHA256: String? = nil, code: String? = nil,
                      codeFromTag: Bool = false) throws -> TraceReport? {
        try guarded {
            var found: (Video, Int64, TraceReport.Evidence)?
            if let sha = fileSHA256?.lowercased() {
                found = try db.query("SELECT \(Self.videoColumns), v.id FROM videos v WHERE sha256 = ?", [.text(sha)]) {
                    (try Self.videoRow($0), $0.int64(8), TraceReport.Evidence.fileBytes)
                }.first
            }
            if found == nil, let packets = packetsSHA256?.lowercased() {
                found = try db.query("""
                    SELECT \(Self.videoColumns), v.id FROM videos v WHERE packets_sha256 = ? ORDER BY rendered_at DESC LIMIT 1
                    """, [.text(packets)]) { (try Self.videoRow($0), $0.int64(8), TraceReport.Evidence.videoPackets) }.first
            }
            var edition: (id: Int64, row: EditionRow)?
            var evidence = found?.2 ?? (codeFromTag ? .editionTag : .code)
            if let found {
                edition = try self.edition(ofVideo: found.1)
            } else if let code {
                edition = try db.query("""
                    SELECT id, project, output, email, name, code, slug FROM editions WHERE code = ?
                    """, [.text(code)]) { row in
                    (row.int64(0), EditionRow(project: row.text(1), output: row.text(2), email: row.text(3),
                                              name: row.text(4), code: row.text(5), slug: row.text(6)))
                }.first
                guard edition != nil else { return nil }
            } else {
                return nil
            }
            if found == nil { evidence = codeFromTag ? .editionTag : .code }
            let versions: [Video]
            if let edition {
                versions = try db.query("""
                    SELECT \(Self.videoColumns) FROM videos v WHERE edition_id = ? ORDER BY rendered_at, id
                    """, [.integer(edition.id)], Self.videoRow)
            } else {
                versions = [found!.0]
            }
            let shas = Set(versions.map(\.sha256))
            let reference = found?.0 ?? versions.first
            let deliveries = try reference.map {
                try self.deliveries(DeliveryFilter(project: $0.project, output: $0.output)).filter { shas.contains($0.video.sha256) }
            } ?? []
            return TraceReport(evidence: evidence, edition: edition?.row,
                               contact: try edition.flatMap { try contact(email: $0.row.email) },
                               video: found?.0, versions: versions, deliveries: deliveries)
        }
    }
}
