import Foundation
import ProvokeManifest
import ProvokeTimeline

/// What registering a file did.
public struct VideoRegistration: Equatable, Sendable {
    public var video: Video
    /// False when the same bytes (SHA-256) were already registered; only the path was brought up to date.
    public var isNew: Bool
}

extension Ledger {
    /// Records a rendered file from its render record. `path` is where the MP4 is now (stored absolute).
    /// Registering the same bytes again is not an error: it updates the stored path and reports `isNew == false`.
    /// The caller vouches that the file's SHA-256 is `record.sha256`.
    @discardableResult
    public func registerVideo(_ record: RenderRecord, path: String) throws -> VideoRegistration {
        try registerVideos([(record, path)])[0]
    }

    /// Registers several files in one transaction: all of them, or (on any error) none.
    @discardableResult
    public func registerVideos(_ files: [(record: RenderRecord, path: String)]) throws -> [VideoRegistration] {
        for (record, path) in files { try Self.validate(record, path: path) }
        return try write {
            try files.map { record, path in
                let registration = try insertVideo(record, path: path)
                try recordIdeas(record, video: registration.video)
                try recordEdition(record, video: registration.video)
                return registration
            }
        }
    }

    private static func validate(_ record: RenderRecord, path: String) throws {
        let hex = Set("0123456789abcdef")
        let sha = record.sha256.lowercased()
        var problems: [String] = []
        if sha.count != 64 || !sha.allSatisfy(hex.contains) { problems.append("sha256 is not 64 hexadecimal digits") }
        if record.project.isEmpty { problems.append("project is empty") }
        if record.output.isEmpty { problems.append("output is empty") }
        if !record.duration.isFinite || record.duration < 0 { problems.append("duration is not a number of seconds") }
        if !problems.isEmpty {
            throw LedgerError(.badInput, file: path, "its render record cannot be registered: "
                              + problems.joined(separator: "; "))
        }
    }

    private func insertVideo(_ record: RenderRecord, path: String) throws -> VideoRegistration {
        let sha = record.sha256.lowercased()
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        // Normalised by SQLite itself (any ISO 8601 offset → UTC, milliseconds), so text order is time order.
        guard let renderedAt = try db.scalar("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ?)", [.text(record.renderedAt)])?
            .textValue
        else {
            throw LedgerError(.badInput, file: path, "its render record's renderedAt is not an ISO 8601 time")
        }
        if let existing = try video(sha256: sha) {
            try db.run("UPDATE videos SET path = ? WHERE sha256 = ?", [.text(absolute), .text(sha)])
            var video = existing
            video.path = absolute
            return VideoRegistration(video: video, isNew: false)
        }
        try db.run("""
            INSERT INTO videos (sha256, project, output, audience, title, duration, path, rendered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(sha), .text(record.project), .text(record.output), .text(record.audience.rawValue),
                  .text(record.title), .real(record.duration), .text(absolute), .text(renderedAt)])
        return VideoRegistration(
            video: Video(sha256: sha, project: record.project, output: record.output, audience: record.audience,
                         title: record.title, duration: record.duration, path: absolute, renderedAt: renderedAt),
            isNew: true)
    }

    /// The registered file with these bytes, or nil.
    public func video(sha256: String) throws -> Video? {
        try guarded {
            try db.query("SELECT \(Self.videoColumns) FROM videos v WHERE sha256 = ?", [.text(sha256.lowercased())],
                         Self.videoRow).first
        }
    }

    /// The newest render (by render time) of `project/output`, or nil when none is registered.
    public func latestVideo(project: String, output: String) throws -> Video? {
        try versions(project: project, output: output).last
    }

    /// Every registered version of `project/output`, oldest first.
    public func versions(project: String, output: String) throws -> [Video] {
        try guarded {
            try db.query("""
                SELECT \(Self.videoColumns) FROM videos v WHERE project = ? AND output = ?
                ORDER BY rendered_at, id
                """, [.text(project), .text(output)], Self.videoRow)
        }
    }

    /// Every registered file, by project, output and render time.
    public func videos() throws -> [Video] {
        try guarded {
            try db.query("SELECT \(Self.videoColumns) FROM videos v ORDER BY project, output, rendered_at, id",
                         [], Self.videoRow)
        }
    }

    static let videoColumns = "v.sha256, v.project, v.output, v.audience, v.title, v.duration, v.path, v.rendered_at"

    /// Reads `videoColumns` starting at column `first`.
    static func videoRow(_ row: Statement, first: Int32) throws -> Video {
        let audienceText = row.text(first + 3)
        guard let audience = Audience(rawValue: audienceText) else {
            throw LedgerError(.newerLedger, file: row.connection.path,
                              "a video has audience \"\(audienceText)\", which this provoke does not know; update provoke")
        }
        return Video(sha256: row.text(first), project: row.text(first + 1), output: row.text(first + 2),
                     audience: audience, title: row.text(first + 4), duration: row.double(first + 5),
                     path: row.text(first + 6), renderedAt: row.text(first + 7))
    }

    static func videoRow(_ row: Statement) throws -> Video { try videoRow(row, first: 0) }
}
