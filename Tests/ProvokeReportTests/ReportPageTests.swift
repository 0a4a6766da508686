import Foundation
import ProvokeLedger
import ProvokeManifest
@testable import ProvokeReport
import ProvokeTimeline
import XCTest

/// The page from a real ledger file whose files are not on disk (no posters): escaping, links, counts,
/// and the folder it is written to.
final class ReportPageTests: XCTestCase {
    static let ideas = [RenderRecord.Idea(id: "demand", text: "More access feeds demand " + Hostile.script),
                        RenderRecord.Idea(id: "voice", text: "One voice " + Hostile.attribute)]

    /// A ledger with hostile text everywhere a person can type: contact fields, titles, ideas, notes.
    func hostileLedger(_ folder: TempFolder) throws -> Ledger {
        let ledger = try Ledger(path: folder.path("ledger.sqlite"))
        try ledger.upsertContacts([
            Contact(name: Hostile.script, email: "s@icb.example", organisation: Hostile.javascriptURL, audience: .icb),
            Contact(name: Hostile.attribute, email: "a@icb.example", organisation: Hostile.remote, audience: .icb,
                    notes: Hostile.javascriptURL),
            Contact(name: Hostile.quotes, email: "q@gov.example", organisation: "Department", audience: .government),
        ])
        let video = try ledger.registerVideo(
            record(output: "for-icbs", audience: .icb, title: "ICBs " + Hostile.attribute, sha: 1,
                   carries: [Self.ideas[0]], projectIdeas: Self.ideas), path: folder.path("missing/for-icbs.mp4")).video
        try ledger.registerVideo(record(output: "for-gov", audience: .government, title: Hostile.script, sha: 2),
                                 path: folder.path("missing/for-gov.mp4"))
        try ledger.deliver(DeliveryRequest(video: video, recipients: .emails(["a@icb.example"]), note: Hostile.script))
        return ledger
    }

    func testEscapeTurnsMarkupIntoText() {
        XCTAssertEqual(HTML.escape(Hostile.script), "&lt;script&gt;alert(1)&lt;/script&gt;")
        XCTAssertEqual(HTML.escape(Hostile.attribute), "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
        XCTAssertEqual(HTML.escape("a & b 'c'"), "a &amp; b &#39;c&#39;")
        XCTAssertEqual(HTML.escape("bell\u{7}"), "bell\u{FFFD}")
        XCTAssertEqual(HTML.escape("Zoë 🩺 {\\b1}"), "Zoë 🩺 {\\b1}", "nothing else changes")
    }

    func testHostileTextNeverBecomesMarkupOrALink() throws {
        let folder = try TempFolder()
        let ledger = try hostileLedger(folder)
        try CampaignReport.write(ledger: ledger, projects: [], to: folder.url.appendingPathComponent("report"))
        let html = try folder.read("report/index.html")
        XCTAssertFalse(html.lowercased().contains("<script"), "no script element, from data or otherwise")
        XCTAssertFalse(html.contains("<img src=x"), html)
        XCTAssertFalse(html.contains("onerror=alert(1)>") && html.contains("<img src=x"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        XCTAssertTrue(html.contains("O&#39;Neil &amp; &quot;Sons&quot;"))
        // Every href and src is the report's own: an anchor, the stylesheet or a poster.
        for value in Self.attributeValues(html, names: ["href", "src"]) {
            XCTAssertTrue(value.hasPrefix("#") || value == "report.css" || value.hasPrefix("posters/"), value)
        }
        XCTAssertTrue(html.contains(Hostile.javascriptURL), "shown as text")
        XCTAssertFalse(html.contains("<img"), "no poster: the files are not on disk")
        XCTAssertTrue(html.contains("No poster: the file is not at"))
    }

    func testNothingOnThePageOrInTheStylesheetNamesANetworkAddress() throws {
        let folder = try TempFolder()
        let ledger = try hostileLedger(folder)
        try CampaignReport.write(ledger: ledger, projects: [], to: folder.url.appendingPathComponent("report"))
        let html = try folder.read("report/index.html"), css = try folder.read("report/report.css")
        var references = Self.attributeValues(html, names: ["href", "src", "srcset", "action", "poster", "data"])
        references += Self.cssURLs(css) + Self.cssURLs(html)
        XCTAssertFalse(references.isEmpty, "the page does reference its stylesheet")
        for reference in references {
            let lowered = reference.lowercased()
            XCTAssertFalse(lowered.contains(":") || lowered.hasPrefix("//"), "network or scheme reference: \(reference)")
        }
        XCTAssertFalse(css.contains("@import"))
        XCTAssertFalse(css.lowercased().contains("http"), "no address in the stylesheet, not even in a comment")
    }

    func testCountsPendingPeopleAndIdeasFromTheLedger() throws {
        let folder = try TempFolder()
        let ledger = try hostileLedger(folder)
        let model = ReportModel(campaign: try ledger.campaign(), projects: [], generatedAt: "now", ledger: "l") { _ in VideoDetails() }
        XCTAssertEqual(model.outputs.map(\.latest.output), ["for-icbs", "for-gov"], "by audience: ICBs first")
        XCTAssertEqual(model.outputs[0].delivered, 1)
        XCTAssertEqual(model.outputs[0].neverReceived.map { model.campaign.contacts[$0].email }, ["s@icb.example"])
        XCTAssertEqual(model.outputs[1].neverReceived.map { model.campaign.contacts[$0].email }, ["q@gov.example"])
        XCTAssertEqual(model.audiences, [AudienceReach(audience: .icb, reached: 1, contacts: 2),
                                         AudienceReach(audience: .government, reached: 0, contacts: 1)])
        XCTAssertEqual(model.ideas.map(\.idea.id), ["voice", "demand"], "the idea no one has seen first")
        XCTAssertEqual(model.grids.map(\.contacts.count), [2, 1])
    }

    /// Personal editions are files of their own, not versions of each other: a recipient who holds the newest
    /// version of their own edition has the latest, however many editions were rendered for others after it.
    func testEachRecipientsOwnEditionIsTheirLatest() throws {
        let folder = try TempFolder()
        let ledger = try Ledger(path: folder.path("ledger.sqlite"))
        try ledger.upsertContacts([Contact(name: "Ann", email: "ann@icb.example", organisation: "A ICB", audience: .icb),
                                   Contact(name: "Bob", email: "bob@icb.example", organisation: "B ICB", audience: .icb),
                                   Contact(name: "Cy", email: "cy@icb.example", organisation: "C ICB", audience: .icb)])
        let editions = try ledger.editions(project: "campaign", output: "for-icbs",
                                           for: try ledger.editionRecipients(.audience, audience: .icb).contacts)
        func file(_ edition: Edition, sha: Int, at: String) -> (record: RenderRecord, path: String) {
            var r = record(output: "for-icbs", audience: .icb, title: "For you", sha: sha, at: at)
            r.edition = EditionRecord(recipient: edition.recipient, code: edition.code, slug: edition.slug,
                                      videoPacketsSHA256: fakeSHA(100 + sha))
            return (r, folder.path("out/for-icbs/\(edition.slug).mp4"))
        }
        // Ann's edition, then Bob's and Cy's; then a second version of Cy's only.
        let first = try ledger.registerVideos(editions.enumerated().map { file($1, sha: $0 + 1, at: "2026-05-0\($0 + 1)T10:00:00Z") })
        let cyAgain = try ledger.registerVideos([file(editions[2], sha: 9, at: "2026-05-09T10:00:00Z")])
        for (n, edition) in editions.enumerated().prefix(2) {
            try ledger.deliver(DeliveryRequest(video: first[n].video, recipients: .emails([edition.recipient.email]),
                                               status: .sent))
        }
        try ledger.deliver(DeliveryRequest(video: first[2].video, recipients: .emails(["cy@icb.example"]), status: .sent))
        _ = cyAgain

        let model = ReportModel(campaign: try ledger.campaign(), projects: [], generatedAt: "now", ledger: "l") { _ in VideoDetails() }
        XCTAssertEqual(model.outputs.count, 1)
        XCTAssertEqual(model.outputs[0].delivered, 2, "Ann and Bob hold the newest of their own editions")
        XCTAssertEqual(model.outputs[0].olderVersion.map { model.campaign.contacts[$0].email }, ["cy@icb.example"],
                       "Cy holds the first version of hers; a second was rendered since")
        XCTAssertEqual(model.outputs[0].neverReceived, [])
        XCTAssertEqual(model.campaign.editionCount(model.outputs[0].versions), 3)

        let page = ReportPage.html(model)
        XCTAssertTrue(page.contains("1</strong> video (3 personal editions, and 1 older version)"), page)
        XCTAssertTrue(page.contains("3 personal editions, one per recipient, and 1 older version of them"), page)
    }

    func testOnlyAnEarlierReportOrAnEmptyFolderIsReplaced() throws {
        let folder = try TempFolder()
        let ledger = try hostileLedger(folder)
        let mine = folder.url.appendingPathComponent("documents")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("keep me".utf8).write(to: mine.appendingPathComponent("notes.txt"))
        XCTAssertThrowsError(try CampaignReport.write(ledger: ledger, projects: [], to: mine)) { error in
            XCTAssertEqual((error as? ReportError)?.exitCode, 1, "\(error)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: mine.path), ["notes.txt"])

        let report = folder.url.appendingPathComponent("report")
        try CampaignReport.write(ledger: ledger, projects: [], to: report)
        let first = try folder.read("report/index.html")
        try ledger.upsertContacts([Contact(name: "New Person", email: "n@icb.example", audience: .icb)])
        try CampaignReport.write(ledger: ledger, projects: [], to: report)
        XCTAssertNotEqual(try folder.read("report/index.html"), first)
        XCTAssertTrue(try folder.read("report/index.html").contains("New Person"))
        let left = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(left, [], "no temporary folder left beside the report")
        XCTAssertThrowsError(try CampaignReport.write(ledger: ledger, projects: ["nope"], to: report)) { error in
            XCTAssertEqual((error as? ReportError)?.exitCode, 1, "\(error)")
        }
    }

    // MARK: - Helpers

    /// Values of the named attributes in `html` (double-quoted, as the page writes them).
    static func attributeValues(_ html: String, names: [String]) -> [String] {
        var values: [String] = []
        for name in names {
            for match in html.matches(of: try! Regex("\\s\(name)\\s*=\\s*\"([^\"]*)\"").ignoresCase()) {
                if let value = match.output[1].substring { values.append(String(value)) }
            }
        }
        return values
    }

    static func cssURLs(_ text: String) -> [String] {
        text.matches(of: /url\(\s*['"]?([^'")]*)/).map { String($0.output.1) }
    }
}
