import ProvokeManifest

/// A decision maker the campaign sends videos to. The email address identifies them (case-insensitively).
public struct Contact: Equatable, Sendable {
    public var name: String
    public var email: String
    public var organisation: String
    public var role: String
    public var audience: Audience
    public var region: String
    public var notes: String

    public init(name: String, email: String, organisation: String = "", role: String = "", audience: Audience,
                region: String = "", notes: String = "") {
        self.name = name; self.email = email; self.organisation = organisation; self.role = role
        self.audience = audience; self.region = region; self.notes = notes
    }
}

/// One rendered file. A re-render of the same output with different bytes is another `Video`
/// (another version) of the same `project/output`.
public struct Video: Equatable, Sendable {
    /// SHA-256 of the file's bytes, lowercase hex: the file's identity.
    public var sha256: String
    public var project: String
    public var output: String
    public var audience: Audience
    public var title: String
    /// Seconds.
    public var duration: Double
    /// Absolute path where the file was last registered.
    public var path: String
    /// UTC, `YYYY-MM-DDTHH:MM:SS.SSSZ`.
    public var renderedAt: String

    /// `project/output`, as the command line names an output.
    public var reference: String { "\(project)/\(output)" }
    /// Enough of the SHA-256 to tell versions apart in a table.
    public var shortSHA: String { String(sha256.prefix(12)) }
}

/// How a video reached a contact.
public enum Channel: String, CaseIterable, Sendable {
    case email, meeting, post, link
}

/// How far a delivery has gone, in order.
public enum DeliveryStatus: String, CaseIterable, Sendable, Comparable {
    case planned, sent, viewed, responded

    /// A planned delivery has not reached the contact yet.
    public var hasReachedContact: Bool { self != .planned }

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One contact's copy of one file.
public struct Delivery: Equatable, Sendable {
    public var contact: Contact
    public var video: Video
    public var channel: Channel
    /// `YYYY-MM-DD`.
    public var date: String
    public var status: DeliveryStatus
    public var note: String
    /// Whether `video` is the newest registered version of its output.
    public var isLatestVersion: Bool
}
