@testable import ProvokeLedger
import ProvokeManifest
import ProvokeTimeline
import XCTest

/// Schema version 2: the project's ideas, which files carry them, and the views over them (coverage, history).
final class IdeasTests: XCTestCase {
    static let ideas = [RenderRecord.Idea(id: "demand", text: "More access feeds demand, not health"),
                        RenderRecord.Idea(id: "continuity", text: "Continuity saves lives"),
                        RenderRecord.Idea(id: "voice", text: "General practice needs one voice")]

    func record(_ output: String, _ audience: Audience, sha: Int, carries: [String], at: String = "2026-05-01T10:00:00Z",
                projectIdeas: [RenderRecord.Idea]? = IdeasTests.ideas) -> RenderRecord {
        var r = makeRecord(output: output, audience: audience, sha256: fakeSHA(sha), renderedAt: at)
        r.ideas = IdeasTests.ideas.filter { carries.contains($0.id) }
        r.projectIdeas = projectIdeas
        return r
    }

    func testAVersion1LedgerIsUpgradedInPlaceKeepingEveryRow() throws {
        let dir = try LedgerTempDir()
        let path = dir.path("v1.sqlite")
        try makeOldLedger(path, version: 1, contact: "ann@icb.example")
        let ledger = try Ledger(path: path)
        XCTAssertEqual(try Schema.version(ledger.db), Schema.currentVersion)
        XCTAssertEqual(try ledger.contacts().map(\.email), ["ann@icb.example"])
        XCTAssertEqual(try ledger.videos().map(\.title), ["Old cut"])
        let deliveries = try ledger.deliveries()
        XCTAssertEqual(deliveries.map(\.status), [.viewed])
        XCTAssertEqual(deliveries.map(\.date), ["2026-05-02"])
        XCTAssertEqual(try ledger.integrityCheck(), "ok")
        // The old file carries no known ideas yet; registering it again (same bytes) fills them in.
        XCTAssertEqual(try ledger.coverage().count, 0)
        let again = try ledger.registerVideo(record("icb-cut", .icb, sha: 7, carries: ["demand"]), path: "/videos/icb-cut.mp4")
        XCTAssertFalse(again.isNew)
        let coverage = try ledger.coverage()
        XCTAssertEqual(coverage.map(\.idea.id), ["continuity", "voice", "demand"], "ideas no one has seen come first")
        XCTAssertEqual(coverage.last?.reach, [AudienceReach(audience: .icb, reached: 1, contacts: 1)])
        // And a second open runs nothing.
        XCTAssertEqual(try Schema.migrate(Ledger(path: path).db), .upToDate)
    }

    func testCoverageCountsContactsOfEachAudienceWhoReceivedAFileCarryingTheIdea() throws {
        let dir = try LedgerTempDir()
        let ledger = try Ledger(path: dir.path("l.sqlite"))
        try ledger.upsertContacts([contact("a@icb.org", .icb), contact("b@icb.org", .icb), contact("c@icb.org", .icb),
                                   contact("d@gov.uk", .government), contact("e@gov.uk", .government)])
        let icb = try ledger.registerVideo(record("for-icbs", .icb, sha: 1, carries: ["demand", "continuity"]), path: "/v/1.mp4").video
        let gov = try ledger.registerVideo(record("for-gov", .government, sha: 2, carries: ["demand"]), path: "/v/2.mp4").video
        try ledger.deliver(DeliveryRequest(video: icb, recipients: .emails(["a@icb.org", "b@icb.org"]), status: .sent))
        try ledger.deliver(DeliveryRequest(video: icb, recipients: .emails(["c@icb.org"]), status: .planned))
        try ledger.deliver(DeliveryRequest(video: gov, recipients: .emails(["d@gov.uk"]), status: .responded))

        let coverage = try ledger.coverage(project: "campaign")
        XCTAssertEqual(coverage.map(\.idea.id), ["voice", "demand", "continuity"])
        XCTAssertFalse(coverage[0].isDelivered)
        XCTAssertEqual(coverage[0].outputs, [])
        XCTAssertEqual(coverage[1].outputs, ["campaign/for-gov", "campaign/for-icbs"])
        XCTAssertEqual(coverage[1].reach, [AudienceReach(audience: .icb, reached: 2, contacts: 3),
                                           AudienceReach(audience: .government, reached: 1, contacts: 2)],
                       "a planned delivery has not reached anyone")
        XCTAssertEqual(coverage[2].reach, [AudienceReach(audience: .icb, reached: 2, contacts: 3)])
        XCTAssertThrowsError(try ledger.coverage(project: "another")) { error in
            XCTAssertEqual((error as? LedgerError)?.kind, .badInput, "a project the ledger does not know")
        }

        let csv = Listing.coverage(coverage).csv()
        XCTAssertTrue(csv.hasPrefix("project,idea,text,delivered,outputs,audience,reached,contacts\r\n"
                                    + "campaign,voice,General practice needs one voice,no,,,0,0\r\n"), csv)
        XCTAssertTrue(csv.contains("campaign,demand,\"More access feeds demand, not health\",yes,campaign/for-gov campaign/for-icbs,government,1,2\r\n"), csv)
        XCTAssertTrue(Listing.coverageTable(coverage).table().contains("icb 2/3, government 1/2"))
    }

    func testHistoryListsWhatOnePersonReceivedWithItsIdeas() throws {
        let dir = try LedgerTempDir()
        let ledger = try Ledger(path: dir.path("l.sqlite"))
        try ledger.upsertContacts([contact("a@icb.org", .icb)])
        let first = try ledger.registerVideo(record("for-icbs", .icb, sha: 1, carries: ["demand"]), path: "/v/1.mp4").video
        let second = try ledger.registerVideo(record("for-icbs", .icb, sha: 2, carries: ["demand", "voice"],
                                                     at: "2026-06-01T10:00:00Z"), path: "/v/2.mp4").video
        try ledger.deliver(DeliveryRequest(video: first, recipients: .emails(["a@icb.org"]), channel: .meeting, date: "2026-05-03"))
        try ledger.deliver(DeliveryRequest(video: second, recipients: .emails(["A@ICB.org"]), date: "2026-06-04", status: .viewed))
        let history = try ledger.history(email: "a@icb.org")
        XCTAssertEqual(history.map(\.delivery.date), ["2026-05-03", "2026-06-04"])
        XCTAssertEqual(history.map(\.delivery.channel), [.meeting, .email])
        XCTAssertEqual(history.map(\.delivery.isLatestVersion), [false, true])
        XCTAssertEqual(history.map { $0.ideas.map(\.id) }, [["demand"], ["demand", "voice"]])
        let table = Listing.historyTable(history).table()
        XCTAssertTrue(table.contains("More access feeds demand, not health; General practice needs one voice"), table)
        XCTAssertThrowsError(try ledger.history(email: "nobody@x.org")) { error in
            XCTAssertEqual((error as? LedgerError)?.kind, .badInput)
        }
    }

    func testAnOlderRecordRegisteredLaterKeepsTheNewerWording() throws {
        let dir = try LedgerTempDir()
        let ledger = try Ledger(path: dir.path("l.sqlite"))
        var newer = record("for-icbs", .icb, sha: 2, carries: ["demand"], at: "2026-06-01T10:00:00Z")
        newer.projectIdeas = [RenderRecord.Idea(id: "demand", text: "Demand, reworded")]
        newer.ideas = newer.projectIdeas!
        try ledger.registerVideo(newer, path: "/v/2.mp4")
        // An old record, from before `projectIdeas`: it knows only the ideas it carries.
        try ledger.registerVideo(record("for-icbs", .icb, sha: 1, carries: ["demand"], projectIdeas: nil), path: "/v/1.mp4")
        let campaign = try ledger.campaign()
        XCTAssertEqual(campaign.ideas, [CampaignIdea(project: "campaign", id: "demand", text: "Demand, reworded")])
        XCTAssertEqual(campaign.videoIdeas, [[0], [0]])
        XCTAssertEqual(campaign.outputs, [[0, 1]])
        XCTAssertEqual(campaign.latestVersion, [1, 1])
    }
}
