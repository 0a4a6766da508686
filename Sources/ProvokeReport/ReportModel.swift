import Foundation
import ProvokeLedger
import ProvokeManifest
import ProvokeTimeline

/// What the report knows of one file beyond the ledger: its render record, its size and its poster. The
/// writer finds these on disk; tests can give them directly.
public struct VideoDetails: Sendable {
    /// The `<output>.json` beside the MP4 (nil when it cannot be read: the page says so).
    public var record: RenderRecord?
    /// Bytes of the MP4 where the ledger last saw it (nil: the file is not there).
    public var size: Int64?
    /// The poster's name inside the report folder (nil: no poster, and `posterProblem` says why).
    public var poster: String?
    public var posterProblem: String?

    public init(record: RenderRecord? = nil, size: Int64? = nil, poster: String? = nil, posterProblem: String? = nil) {
        self.record = record; self.size = size; self.poster = poster; self.posterProblem = posterProblem
    }
}

/// What a contact holds of one output.
public enum Receipt: UInt8, Sendable {
    /// No version has reached them (a planned delivery has not).
    case none
    /// An earlier render reached them, not the newest.
    case older
    /// The newest render reached them.
    case latest
}

/// Everything the page shows, worked out from one ledger snapshot. No HTML here.
public struct ReportModel: Sendable {
    /// One output: its newest version first-class, the older ones listed.
    public struct Output: Sendable {
        /// Indexes into `campaign.videos`, oldest first; the last is the newest.
        public var versions: [Int]
        public var latest: Video
        public var details: VideoDetails
        public var ideas: [CampaignIdea]
        /// Contacts of the output's audience.
        public var audienceContacts: Int
        /// Of those, who has the newest version.
        public var delivered: Int
        /// Indexes into `campaign.contacts`: never received any version; received an older one.
        public var neverReceived: [Int]
        public var olderVersion: [Int]
        /// Contacts for whom a delivery of the newest version is recorded as planned (not yet received).
        public var planned: Set<Int>
        public var pending: Int { neverReceived.count + olderVersion.count }
    }

    /// The contacts of one audience against that audience's outputs.
    public struct Grid: Sendable {
        public var audience: Audience
        /// Indexes into `campaign.contacts` (by organisation, name, email) and into `outputs`.
        public var contacts: [Int]
        public var outputs: [Int]
    }

    public var campaign: Campaign
    public var projects: [String]
    public var outputs: [Output]
    public var audiences: [AudienceReach]
    public var ideas: [IdeaCoverage]
    public var grids: [Grid]
    /// `receipts[contact * outputs.count + output]`.
    public var receipts: [Receipt]
    /// When and from which ledger: `YYYY-MM-DD HH:MM UTC`, and the ledger file's name.
    public var generatedAt: String
    public var ledger: String

    public func receipt(contact: Int, output: Int) -> Receipt { receipts[contact * outputs.count + output] }

    public init(campaign: Campaign, projects: [String], generatedAt: String, ledger: String,
                details: (Video) -> VideoDetails) {
        self.campaign = campaign
        self.projects = projects.isEmpty ? Array(Set(campaign.videos.map(\.project))).sorted() : projects
        self.generatedAt = generatedAt
        self.ledger = ledger
        // Videos by audience (as the campaign addresses them: ICBs, colleges, government), then project and output.
        let groups = campaign.outputs.sorted { a, b in
            let x = campaign.videos[a.last!], y = campaign.videos[b.last!]
            return (x.audience, x.project, x.output) < (y.audience, y.project, y.output)
        }
        var outputOf = [Int](repeating: 0, count: campaign.videos.count)
        for (o, versions) in groups.enumerated() { for v in versions { outputOf[v] = o } }

        var receipts = [Receipt](repeating: .none, count: campaign.contacts.count * groups.count)
        var reachedAnything = Set<Int>()
        var planned = [Set<Int>](repeating: [], count: groups.count)
        // The newest version is the output's newest file, or for a personal edition its recipient's newest.
        for delivery in campaign.deliveries where delivery.status == .planned && campaign.isNewest(delivery.video) {
            planned[outputOf[delivery.video]].insert(delivery.contact)
        }
        for delivery in campaign.deliveries where delivery.status.hasReachedContact {
            let o = outputOf[delivery.video]
            let got: Receipt = campaign.isNewest(delivery.video) ? .latest : .older
            let slot = delivery.contact * groups.count + o
            if got.rawValue > receipts[slot].rawValue { receipts[slot] = got }
            reachedAnything.insert(delivery.contact)
        }
        self.receipts = receipts

        var byAudience: [Audience: [Int]] = [:]
        for (c, contact) in campaign.contacts.enumerated() { byAudience[contact.audience, default: []].append(c) }

        outputs = groups.enumerated().map { o, versions in
            let latest = campaign.videos[versions.last!]
            var never: [Int] = [], older: [Int] = []
            var delivered = 0
            let audience = byAudience[latest.audience] ?? []
            for c in audience {
                switch receipts[c * groups.count + o] {
                case .latest: delivered += 1
                case .older: older.append(c)
                case .none: never.append(c)
                }
            }
            return Output(versions: versions, latest: latest, details: details(latest),
                          ideas: campaign.videoIdeas[versions.last!].map { campaign.ideas[$0] },
                          audienceContacts: audience.count, delivered: delivered, neverReceived: never,
                          olderVersion: older, planned: planned[o])
        }

        let videoAudiences = Set(campaign.videos.map(\.audience))
        audiences = Audience.allCases.filter { byAudience[$0] != nil || videoAudiences.contains($0) }.map { a in
            let members = byAudience[a] ?? []
            return AudienceReach(audience: a, reached: members.filter(reachedAnything.contains).count,
                                 contacts: members.count)
        }
        ideas = campaign.coverage()
        grids = audiences.map { reach in
            Grid(audience: reach.audience, contacts: byAudience[reach.audience] ?? [],
                 outputs: groups.indices.filter { campaign.videos[groups[$0].last!].audience == reach.audience })
        }
    }
}
