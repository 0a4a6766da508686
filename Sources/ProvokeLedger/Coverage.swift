import Foundation
import ProvokeManifest

// Which ideas have reached whom: per idea (`provoke coverage`) and per person (`provoke history`), worked
// out from a `Campaign` snapshot. A delivery counts once it has reached the contact (sent, viewed or
// responded); a planned one has not.

/// How far something has reached one audience: contacts of that audience who received it, of all its contacts.
public struct AudienceReach: Equatable, Sendable {
    public var audience: Audience
    public var reached: Int
    public var contacts: Int
    public init(audience: Audience, reached: Int, contacts: Int) {
        self.audience = audience; self.reached = reached; self.contacts = contacts
    }
    /// 0…1; 0 for an audience without contacts.
    public var share: Double { contacts == 0 ? 0 : Double(reached) / Double(contacts) }
}

/// One idea: the outputs whose files carry it and how far it has reached each audience.
public struct IdeaCoverage: Equatable, Sendable {
    public var idea: CampaignIdea
    /// `project/output` of every output with a registered file carrying the idea.
    public var outputs: [String]
    /// Indexes into `Campaign.videos` of the files carrying it.
    public var videos: [Int]
    /// The audiences of those files and of the contacts it reached, in `Audience.allCases` order.
    public var reach: [AudienceReach]
    /// True once any file carrying it has reached anyone.
    public var isDelivered: Bool { reach.contains { $0.reached > 0 } }
}

/// One delivery to one person, with the ideas the file carries.
public struct HistoryEntry: Equatable, Sendable {
    public var delivery: Delivery
    public var ideas: [CampaignIdea]
}

extension Campaign {
    /// Contacts per audience.
    public var contactsByAudience: [Audience: Int] {
        contacts.reduce(into: [:]) { $0[$1.audience, default: 0] += 1 }
    }

    /// Every idea with its outputs and reach; ideas that have reached no one come first, then by project and
    /// the manifest's order.
    public func coverage() -> [IdeaCoverage] {
        let totals = contactsByAudience
        var carriers = [[Int]](repeating: [], count: ideas.count)
        for (video, carried) in videoIdeas.enumerated() { for idea in carried { carriers[idea].append(video) } }
        var reachedBy = [Set<Int>](repeating: [], count: ideas.count)
        for delivery in deliveries where delivery.status.hasReachedContact {
            for idea in videoIdeas[delivery.video] { reachedBy[idea].insert(delivery.contact) }
        }
        let all = ideas.indices.map { i -> IdeaCoverage in
            var outputs: [String] = []
            for v in carriers[i] where !outputs.contains(videos[v].reference) { outputs.append(videos[v].reference) }
            var audiences = Set(carriers[i].map { videos[$0].audience })
            var reached: [Audience: Int] = [:]
            for c in reachedBy[i] {
                reached[contacts[c].audience, default: 0] += 1
                audiences.insert(contacts[c].audience)
            }
            let reach = Audience.allCases.filter(audiences.contains).map {
                AudienceReach(audience: $0, reached: reached[$0] ?? 0, contacts: totals[$0] ?? 0)
            }
            return IdeaCoverage(idea: ideas[i], outputs: outputs, videos: carriers[i], reach: reach)
        }
        // A stable partition keeps the manifest's order within each group.
        return all.filter { !$0.isDelivered } + all.filter(\.isDelivered)
    }

    /// Index of the newest version of each video's output, by video index.
    public var latestVersion: [Int] {
        var latest = [Int](repeating: 0, count: videos.count)
        for versions in outputs { for v in versions { latest[v] = versions.last! } }
        return latest
    }
}

extension Ledger {
    /// Every idea of `project` (all projects when nil) and how far it has reached; see `Campaign.coverage`.
    /// A project the ledger has no file or idea of is an error (`.badInput`): most likely a typo.
    public func coverage(project: String? = nil) throws -> [IdeaCoverage] {
        let campaign = try self.campaign(projects: project.map { [$0] } ?? [])
        if let project, campaign.videos.isEmpty, campaign.ideas.isEmpty {
            throw LedgerError(.badInput, file: path, "no registered videos or ideas of project \"\(project)\"")
        }
        return campaign.coverage()
    }

    /// What one contact has been sent, by date, with the ideas each file carries. An unknown address is
    /// an error (`.badInput`).
    public func history(email: String) throws -> [HistoryEntry] {
        let deliveries = try self.deliveries(DeliveryFilter(contact: email))
        return try read {
            let ideas = try db.prepare("""
                SELECT i.project, i.idea, i.text FROM videos v JOIN video_ideas vi ON vi.video_id = v.id
                JOIN ideas i ON i.id = vi.idea_id WHERE v.sha256 = ? ORDER BY i.id
                """)
            return try deliveries.map { delivery in
                HistoryEntry(delivery: delivery, ideas: try ideas.rows([.text(delivery.video.sha256)]) {
                    CampaignIdea(project: $0.text(0), id: $0.text(1), text: $0.text(2))
                })
            }
        }
    }
}

extension Listing {
    /// One row per idea and audience (one row with no audience for an idea no file has taken anywhere).
    public static func coverage(_ coverage: [IdeaCoverage]) -> Listing {
        Listing(columns: ["project", "idea", "text", "delivered", "outputs", "audience", "reached", "contacts"],
                rows: coverage.flatMap { c -> [[Cell]] in
                    let head: [Cell] = [.text(c.idea.project), .text(c.idea.id), .text(c.idea.text),
                                        .bool(c.isDelivered), .text(c.outputs.joined(separator: " "))]
                    if c.reach.isEmpty { return [head + [.null, .integer(0), .integer(0)]] }
                    return c.reach.map { head + [.text($0.audience.rawValue), .integer($0.reached), .integer($0.contacts)] }
                })
    }

    /// The table's form: one line per idea, the audiences as `icb 3/10`.
    public static func coverageTable(_ coverage: [IdeaCoverage]) -> Listing {
        Listing(columns: ["idea", "text", "outputs", "reached"],
                rows: coverage.map { c in
                    [.text("\(c.idea.project)/\(c.idea.id)"), .text(c.idea.text),
                     .text(c.outputs.isEmpty ? "(no file)" : c.outputs.joined(separator: " ")),
                     .text(c.isDelivered || !c.reach.isEmpty
                           ? c.reach.map { "\($0.audience.rawValue) \($0.reached)/\($0.contacts)" }.joined(separator: ", ")
                           : "no one")]
                })
    }

    public static func history(_ entries: [HistoryEntry]) -> Listing {
        Listing(columns: ["date", "channel", "status", "project", "output", "title", "sha256", "latest", "note",
                          "ideas", "idea_texts"],
                rows: entries.map { e in
                    let d = e.delivery
                    return [.text(d.date), .text(d.channel.rawValue), .text(d.status.rawValue), .text(d.video.project),
                            .text(d.video.output), .text(d.video.title), .text(d.video.sha256), .bool(d.isLatestVersion),
                            .text(d.note), .text(e.ideas.map(\.id).joined(separator: " ")),
                            .text(e.ideas.map(\.text).joined(separator: " | "))]
                })
    }

    public static func historyTable(_ entries: [HistoryEntry]) -> Listing {
        Listing(columns: ["date", "channel", "status", "video", "version", "latest", "ideas"],
                rows: entries.map { e in
                    let d = e.delivery
                    return [.text(d.date), .text(d.channel.rawValue), .text(d.status.rawValue), .text(d.video.reference),
                            .text(d.video.shortSHA), .bool(d.isLatestVersion),
                            .text(e.ideas.map(\.text).joined(separator: "; "))]
                })
    }
}
