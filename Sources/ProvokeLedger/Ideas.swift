import Foundation
import ProvokeManifest
import ProvokeTimeline

// The project's ideas and which of them each file carries (schema version 2), and `Campaign`: the whole
// ledger read in one snapshot, for the views that need everything at once (coverage, history, the report).

/// An idea of a project, as the newest registered render record words it.
public struct CampaignIdea: Hashable, Sendable {
    public var project: String
    /// The idea's id in the manifest.
    public var id: String
    public var text: String

    public init(project: String, id: String, text: String) {
        self.project = project; self.id = id; self.text = text
    }
}

/// The ledger in one read snapshot: every contact, the registered files of the chosen projects, their ideas
/// and the deliveries of those files. Values refer to each other by index into these arrays, so a view can
/// cross them without more queries (10,000 contacts and 200 files are a few megabytes).
public struct Campaign: Sendable {
    /// One recorded delivery (planned ones included: `status.hasReachedContact` tells them apart).
    public struct Receipt: Equatable, Sendable {
        /// Indexes into `contacts` and `videos`.
        public var contact: Int
        public var video: Int
        public var channel: Channel
        /// `YYYY-MM-DD`.
        public var date: String
        public var status: DeliveryStatus
        public var note: String
    }

    /// By organisation, name and email: the order the report lists people in.
    public var contacts: [Contact]
    /// By project, output and render time, so the versions of an output are adjacent, oldest first.
    public var videos: [Video]
    /// By project, then the order the ideas were first registered (the manifest's order).
    public var ideas: [CampaignIdea]
    /// For each video, indexes into `ideas` of the ideas it carries.
    public var videoIdeas: [[Int]]
    /// By date, then contact.
    public var deliveries: [Receipt]
    /// For each video that is a personal edition, its recipient's email (lowercased); nil for an output's one
    /// file. A recipient's newest edition is the version they should hold, whatever was rendered for others after.
    public var editionRecipients: [String?]

    public init(contacts: [Contact], videos: [Video], ideas: [CampaignIdea], videoIdeas: [[Int]],
                deliveries: [Receipt], editionRecipients: [String?]? = nil) {
        self.contacts = contacts; self.videos = videos; self.ideas = ideas; self.videoIdeas = videoIdeas
        self.deliveries = deliveries
        self.editionRecipients = editionRecipients ?? Array(repeating: nil, count: videos.count)
    }

    /// Whether `video` is the newest of its kind: the newest version of its output, or for a personal edition
    /// the newest version of that recipient's edition.
    public func isNewest(_ video: Int) -> Bool {
        let v = videos[video], recipient = editionRecipients[video]
        var next = video + 1  // versions of an output are adjacent, oldest first
        while next < videos.count, videos[next].project == v.project, videos[next].output == v.output {
            if editionRecipients[next] == recipient { return false }
            next += 1
        }
        return true
    }

    /// How many personal editions (recipients) the output whose versions are `versions` has; 0 for an ordinary one.
    public func editionCount(_ versions: [Int]) -> Int {
        Set(versions.compactMap { editionRecipients[$0] }).count
    }

    /// The outputs (`project/output`), each as the indexes of its versions in `videos`, oldest first.
    public var outputs: [[Int]] {
        var result: [[Int]] = []
        for index in videos.indices {
            if let last = result.last?.last, videos[last].project == videos[index].project,
               videos[last].output == videos[index].output {
                result[result.count - 1].append(index)
            } else {
                result.append([index])
            }
        }
        return result
    }
}

extension Ledger {
    /// Records the project's ideas (wording from the newest render) and which of them the file carries.
    /// Part of registering: registering a file again fills in the ideas of a file registered by a ledger
    /// from before version 2.
    func recordIdeas(_ record: RenderRecord, video: Video) throws {
        guard let videoID = try db.scalar("SELECT id FROM videos WHERE sha256 = ?", [.text(video.sha256)]) else { return }
        // Records from before `projectIdeas` only know the ideas the file carries.
        var known = record.projectIdeas ?? record.ideas
        for idea in record.ideas where !known.contains(where: { $0.id == idea.id }) { known.append(idea) }
        let upsert = try db.prepare("""
            INSERT INTO ideas (project, idea, text, rendered_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (project, idea) DO UPDATE SET text = excluded.text, rendered_at = excluded.rendered_at
            WHERE excluded.rendered_at >= ideas.rendered_at
            """)
        for idea in known {
            try upsert.run([.text(record.project), .text(idea.id), .text(idea.text), .text(video.renderedAt)])
        }
        let link = try db.prepare("""
            INSERT OR IGNORE INTO video_ideas (video_id, idea_id)
            SELECT ?, id FROM ideas WHERE project = ? AND idea = ?
            """)
        for idea in record.ideas { try link.run([videoID, .text(record.project), .text(idea.id)]) }
    }

    /// The ledger in one snapshot: every contact, and the files, ideas and deliveries of `projects` (all
    /// projects when empty).
    public func campaign(projects: [String] = []) throws -> Campaign {
        try read {
            let wanted = Set(projects)
            func chosen(_ project: String) -> Bool { wanted.isEmpty || wanted.contains(project) }

            var contactIndex: [Int64: Int] = [:]
            var contacts: [Contact] = []
            for (id, contact) in try db.query("""
                SELECT c.id, \(Self.contactColumns) FROM contacts c ORDER BY c.organisation, c.name, c.email
                """, [], { row in (row.int64(0), try Self.contactRow(row, first: 1)) }) {
                contactIndex[id] = contacts.count
                contacts.append(contact)
            }

            var videoIndex: [Int64: Int] = [:]
            var videos: [Video] = []
            for (id, video) in try db.query("""
                SELECT v.id, \(Self.videoColumns) FROM videos v ORDER BY v.project, v.output, v.rendered_at, v.id
                """, [], { row in (row.int64(0), try Self.videoRow(row, first: 1)) }) where chosen(video.project) {
                videoIndex[id] = videos.count
                videos.append(video)
            }

            var ideaIndex: [Int64: Int] = [:]
            var ideas: [CampaignIdea] = []
            for (id, idea) in try db.query("SELECT id, project, idea, text FROM ideas ORDER BY project, id", [], { row in
                (row.int64(0), CampaignIdea(project: row.text(1), id: row.text(2), text: row.text(3)))
            }) where chosen(idea.project) {
                ideaIndex[id] = ideas.count
                ideas.append(idea)
            }

            var videoIdeas = [[Int]](repeating: [], count: videos.count)
            for (video, idea) in try db.query("SELECT video_id, idea_id FROM video_ideas ORDER BY idea_id", [], {
                ($0.int64(0), $0.int64(1))
            }) {
                if let v = videoIndex[video], let i = ideaIndex[idea] { videoIdeas[v].append(i) }
            }

            let deliveries = try db.query("""
                SELECT d.contact_id, d.video_id, d.channel, d.date, d.status, d.note FROM deliveries d
                ORDER BY d.date, d.contact_id, d.video_id
                """) { row -> Campaign.Receipt? in
                guard let c = contactIndex[row.int64(0)], let v = videoIndex[row.int64(1)] else { return nil }
                return Campaign.Receipt(contact: c, video: v, channel: Channel(rawValue: row.text(2)) ?? .email,
                                        date: row.text(3), status: DeliveryStatus(rawValue: row.text(4)) ?? .sent,
                                        note: row.text(5))
            }.compactMap { $0 }
            var recipients = [String?](repeating: nil, count: videos.count)
            for (video, email) in try db.query("""
                SELECT v.id, e.email FROM videos v JOIN editions e ON e.id = v.edition_id
                """, [], { ($0.int64(0), $0.text(1)) }) {
                if let v = videoIndex[video] { recipients[v] = email.lowercased() }
            }
            return Campaign(contacts: contacts, videos: videos, ideas: ideas, videoIdeas: videoIdeas,
                            deliveries: deliveries, editionRecipients: recipients)
        }
    }
}
