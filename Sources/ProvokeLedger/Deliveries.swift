import Foundation
import ProvokeManifest

/// A request to record that `video` went (or will go) to some contacts.
///
/// `channel`, `date`, `status` and `note` left nil mean: for a new delivery, the default (email, today,
/// sent, no note); for a delivery already recorded, keep what is there. So recording the same delivery
/// twice changes nothing, and only what the user states explicitly updates it.
public struct DeliveryRequest: Sendable {
    public enum Recipients: Equatable, Sendable {
        /// These addresses (any case); each must be a known contact.
        case emails([String])
        /// Every contact of this audience.
        case audience(Audience)
    }

    public var video: Video
    public var recipients: Recipients
    public var channel: Channel?
    /// `YYYY-MM-DD`.
    public var date: String?
    public var status: DeliveryStatus?
    public var note: String?
    /// Record even for contacts whose audience is not the video's.
    public var allowMismatch: Bool
    /// When `video` is a personal edition: each recipient gets the newest version of their own edition of the
    /// same output (`deliver project/output`), not this file.
    public var eachOwnEdition: Bool

    public init(video: Video, recipients: Recipients, channel: Channel? = nil, date: String? = nil,
                status: DeliveryStatus? = nil, note: String? = nil, allowMismatch: Bool = false,
                eachOwnEdition: Bool = false) {
        self.video = video; self.recipients = recipients; self.channel = channel; self.date = date
        self.status = status; self.note = note; self.allowMismatch = allowMismatch
        self.eachOwnEdition = eachOwnEdition
    }
}

/// What `deliver` did (or, for a dry run, would do), contact by contact.
public struct DeliveryOutcome: Equatable, Sendable {
    public enum Action: String, Equatable, Sendable {
        case added, updated, unchanged
    }

    public struct Entry: Equatable, Sendable {
        public var contact: Contact
        public var action: Action
        public var channel: Channel
        public var date: String
        public var status: DeliveryStatus
        public var note: String
        /// The file recorded for this contact: the request's, or their own edition's (`eachOwnEdition`).
        public var video: Video
    }

    public var video: Video
    public var entries: [Entry]
    /// True when nothing was written (a dry run).
    public var dryRun: Bool
    /// True when each contact was given their own personal edition (`DeliveryRequest.eachOwnEdition`).
    public var ownEditions = false
}

/// Which deliveries to list; nil fields match everything.
public struct DeliveryFilter: Equatable, Sendable {
    public var contact: String?
    /// The video's audience.
    public var audience: Audience?
    public var project: String?
    public var output: String?

    public init(contact: String? = nil, audience: Audience? = nil, project: String? = nil, output: String? = nil) {
        self.contact = contact; self.audience = audience; self.project = project; self.output = output
    }
}

/// Who, in a video's audience, has not received that exact file.
public struct PendingReport: Equatable, Sendable {
    public enum State: String, Equatable, Sendable {
        /// No version of this output has reached them.
        case neverReceived = "never"
        /// An earlier render of this output reached them, not this one.
        case olderVersion = "older"
        /// A later render reached them (the video asked about is not the newest).
        case newerVersion = "newer"
    }

    public struct Entry: Equatable, Sendable {
        public var contact: Contact
        public var state: State
        /// The newest version of the output that reached them, if any.
        public var received: Video?
        /// When that version reached them (`YYYY-MM-DD`).
        public var receivedOn: String?
        /// A delivery of this very file is recorded as planned (not yet sent).
        public var planned: Bool
    }

    public var video: Video
    /// Whether `video` is the newest registered version of its output.
    public var isLatestVersion: Bool
    public var entries: [Entry]
    /// For a personalised output: how many personal editions it has. Each contact is then checked against the
    /// newest version of their own edition, so no one version is the one everybody should hold.
    public var editions: Int?

    public func entries(_ state: State) -> [Entry] { entries.filter { $0.state == state } }
}

extension Ledger {
    /// Records deliveries of one file, in one transaction (or, with `dryRun`, only works out what it would
    /// do). Refuses and records nothing when an address is unknown, when no contact matches, or (unless
    /// `allowMismatch`) when a contact's audience is not the video's. Idempotent per contact and file.
    @discardableResult
    public func deliver(_ request: DeliveryRequest, dryRun: Bool = false,
                        today: String = Ledger.today()) throws -> DeliveryOutcome {
        try (dryRun ? read : write) {
            if let date = request.date, try db.scalar("SELECT date(?1, '+0 days') IS ?1", [.text(date)])?.intValue != 1 {
                throw LedgerError(.badInput, file: path, "date \"\(date)\" is not a calendar date (YYYY-MM-DD)")
            }
            guard let videoID = try db.scalar("SELECT id FROM videos WHERE sha256 = ?",
                                              [.text(request.video.sha256)])?.intValue else {
                throw LedgerError(.badInput, file: path, "\(request.video.reference) (\(request.video.shortSHA)) is"
                                  + " not registered; register it first")
            }
            let contacts = try recipients(request.recipients)
            // Which file each contact gets: this one, or with `eachOwnEdition` the newest version of their own
            // edition. A contact getting their own edition is never a mismatch: it was made for them.
            var files: [Int64: (id: Int64, video: Video)] = [:]
            let edition = try edition(ofVideo: Int64(videoID))
            if request.eachOwnEdition, edition != nil {
                files = try ownEditions(contacts, of: request.video)
            } else if !request.allowMismatch {
                try refuseOthers(contacts.map(\.contact), videoID: Int64(videoID), video: request.video)
            }
            let ownEdition = { (id: Int64, contact: Contact) in
                files[id] != nil || edition?.row.email.lowercased() == contact.email.lowercased()
            }
            if !request.allowMismatch {
                let mismatched = contacts.filter { $0.contact.audience != request.video.audience && !ownEdition($0.id, $0.contact) }
                if !mismatched.isEmpty {
                    throw LedgerError(.badInput, file: path, "\(request.video.reference) is for the"
                        + " \(request.video.audience.rawValue) audience, but "
                        + mismatched.map { "\($0.contact.email) is \($0.contact.audience.rawValue)" }
                            .joined(separator: ", ")
                        + "; nothing was recorded (--allow-mismatch records it anyway)")
                }
            }
            let existing = try db.prepare("""
                SELECT channel, date, status, note FROM deliveries WHERE contact_id = ? AND video_id = ?
                """)
            let upsert = try db.prepare("""
                INSERT INTO deliveries (contact_id, video_id, channel, date, status, note) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (contact_id, video_id) DO UPDATE SET channel = excluded.channel, date = excluded.date,
                    status = excluded.status, note = excluded.note,
                    updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                """)
            var entries: [DeliveryOutcome.Entry] = []
            for (contactID, contact) in contacts {
                let file = files[contactID] ?? (Int64(videoID), request.video)
                let old = try existing.rows([.integer(contactID), .integer(file.id)]) { row in
                    (channel: Channel(rawValue: row.text(0)) ?? .email, date: row.text(1),
                     status: DeliveryStatus(rawValue: row.text(2)) ?? .sent, note: row.text(3))
                }.first
                let entry = DeliveryOutcome.Entry(
                    contact: contact, action: .added,
                    channel: request.channel ?? old?.channel ?? .email,
                    date: request.date ?? old?.date ?? today,
                    status: request.status ?? old?.status ?? .sent,
                    note: request.note ?? old?.note ?? "", video: file.video)
                var recorded = entry
                if let old {
                    let same = old.channel == entry.channel && old.date == entry.date && old.status == entry.status
                        && old.note == entry.note
                    recorded.action = same ? .unchanged : .updated
                }
                entries.append(recorded)
                if !dryRun && recorded.action != .unchanged {
                    try upsert.run([.integer(contactID), .integer(file.id), .text(entry.channel.rawValue),
                                    .text(entry.date), .text(entry.status.rawValue), .text(entry.note)])
                }
            }
            return DeliveryOutcome(video: request.video, entries: entries, dryRun: dryRun,
                                   ownEditions: request.eachOwnEdition && edition != nil)
        }
    }

    private func recipients(_ recipients: DeliveryRequest.Recipients) throws -> [(id: Int64, contact: Contact)] {
        switch recipients {
        case .emails(let emails):
            let ids = try contactIDs(emails)
            let find = try db.prepare("SELECT \(Self.contactColumns) FROM contacts c WHERE id = ?")
            return try ids.map { id in (id, try find.rows([.integer(id)], Self.contactRow)[0]) }
        case .audience(let audience):
            let found = try db.query("""
                SELECT c.id, \(Self.contactColumns) FROM contacts c WHERE audience = ?
                ORDER BY organisation, name, email
                """, [.text(audience.rawValue)]) { row in (row.int64(0), try Self.contactRow(row, first: 1)) }
            if found.isEmpty {
                throw LedgerError(.badInput, file: path, "no contacts have the \(audience.rawValue) audience;"
                                  + " nothing was recorded")
            }
            return found
        }
    }

    /// Deliveries matching `filter`, by date, then contact. An unknown `filter.contact` is an error.
    public func deliveries(_ filter: DeliveryFilter = DeliveryFilter()) throws -> [Delivery] {
        try read {
            if let email = filter.contact, try contact(email: email) == nil {
                throw LedgerError(.badInput, file: path, "unknown contact: \(email)")
            }
            return try db.query("""
                SELECT \(Self.contactColumns), \(Self.videoColumns), d.channel, d.date, d.status, d.note,
                    NOT EXISTS (SELECT 1 FROM videos newer WHERE newer.project = v.project AND newer.output = v.output
                                AND newer.edition_id IS v.edition_id
                                AND (newer.rendered_at, newer.id) > (v.rendered_at, v.id))
                FROM deliveries d JOIN contacts c ON c.id = d.contact_id JOIN videos v ON v.id = d.video_id
                WHERE (?1 IS NULL OR c.email = ?1) AND (?2 IS NULL OR v.audience = ?2)
                    AND (?3 IS NULL OR v.project = ?3) AND (?4 IS NULL OR v.output = ?4)
                ORDER BY d.date, c.email, v.project, v.output, v.rendered_at
                """, [SQLValue(filter.contact?.trimmingCharacters(in: .whitespaces)),
                      SQLValue(filter.audience?.rawValue), SQLValue(filter.project), SQLValue(filter.output)]) { row in
                Delivery(contact: try Self.contactRow(row, first: 0), video: try Self.videoRow(row, first: 7),
                         channel: Channel(rawValue: row.text(15)) ?? .email, date: row.text(16),
                         status: DeliveryStatus(rawValue: row.text(17)) ?? .sent, note: row.text(18),
                         isLatestVersion: row.int(19) != 0)
            }
        }
    }

    /// Contacts of `video`'s audience who have not received this file (a planned delivery has not been
    /// received), each marked by what they did receive of the same output.
    public func pending(_ video: Video) throws -> PendingReport {
        try read {
            guard let videoID = try db.scalar("SELECT id FROM videos WHERE sha256 = ?", [.text(video.sha256)])?
                .intValue else {
                throw LedgerError(.badInput, file: path, "\(video.reference) (\(video.shortSHA)) is not registered")
            }
            if let report = try editionPending(video, videoID: Int64(videoID)) { return report }
            let versions = try self.versions(project: video.project, output: video.output)
            // For each contact of the audience without a received copy of this file: the newest version of
            // the same output they did receive (if any), and whether this file is planned for them.
            let rows = try db.query("""
                SELECT \(Self.contactColumns),
                    (SELECT v.sha256 FROM deliveries d JOIN videos v ON v.id = d.video_id
                     WHERE d.contact_id = c.id AND v.project = ?2 AND v.output = ?3 AND d.status <> 'planned'
                     ORDER BY v.rendered_at DESC, v.id DESC LIMIT 1),
                    (SELECT d.date FROM deliveries d JOIN videos v ON v.id = d.video_id
                     WHERE d.contact_id = c.id AND v.project = ?2 AND v.output = ?3 AND d.status <> 'planned'
                     ORDER BY v.rendered_at DESC, v.id DESC LIMIT 1),
                    EXISTS (SELECT 1 FROM deliveries d WHERE d.contact_id = c.id AND d.video_id = ?4)
                FROM contacts c
                WHERE c.audience = ?1 AND NOT EXISTS (
                    SELECT 1 FROM deliveries d WHERE d.contact_id = c.id AND d.video_id = ?4 AND d.status <> 'planned')
                ORDER BY c.organisation, c.name, c.email
                """, [.text(video.audience.rawValue), .text(video.project), .text(video.output), .integer(Int64(videoID))]) {
                row in (try Self.contactRow(row), row.optionalText(7), row.optionalText(8), row.int(9) != 0)
            }
            let position = versions.firstIndex { $0.sha256 == video.sha256 } ?? versions.count
            let entries = rows.map { contact, receivedSHA, receivedOn, planned in
                let receivedIndex = receivedSHA.flatMap { sha in versions.firstIndex { $0.sha256 == sha } }
                let state: PendingReport.State = receivedIndex.map { $0 < position ? .olderVersion : .newerVersion }
                    ?? .neverReceived
                return PendingReport.Entry(contact: contact, state: state, received: receivedIndex.map { versions[$0] },
                                           receivedOn: receivedOn, planned: planned)
            }
            return PendingReport(video: video, isLatestVersion: versions.last?.sha256 == video.sha256,
                                 entries: entries)
        }
    }

    /// Today's date where the program runs, `YYYY-MM-DD`.
    public static func today() -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }
}
