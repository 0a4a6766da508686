@testable import ProvokeLedger
import ProvokeManifest
import ProvokeTimeline
import XCTest

/// Schema version 3: personal editions, their codes and file names, deliver's refusal, pending and trace.
final class EditionsLedgerTests: XCTestCase {
    /// The record `render --personal` writes for `contact`'s edition.
    func editionRecord(_ edition: Edition, sha: Int, packets: Int, at: String = "2026-06-01T10:00:00Z") -> RenderRecord {
        var record = makeRecord(output: "for-icbs", sha256: fakeSHA(sha), renderedAt: at)
        record.edition = EditionRecord(recipient: edition.recipient, code: edition.code, slug: edition.slug,
                                       videoPacketsSHA256: fakeSHA(packets))
        return record
    }

    func ledgerWithContacts() throws -> (LedgerTempDir, Ledger) {
        let dir = try LedgerTempDir()
        let ledger = try Ledger(path: dir.path("l.sqlite"))
        try ledger.upsertContacts([contact("ann@icb.org", name: "Ann Example"), contact("bob@icb.org", name: "Ann Example"),
                                   contact("cy@icb.org", name: "🎉"), contact("gov@gov.uk", .government)])
        return (dir, ledger)
    }

    func testAVersion2LedgerIsUpgradedInPlaceKeepingEveryRow() throws {
        let dir = try LedgerTempDir()
        let path = dir.path("v2.sqlite")
        try makeOldLedger(path, version: 2, contact: "ann@icb.org")
        let ledger = try Ledger(path: path)
        XCTAssertEqual(try Schema.version(ledger.db), 3)
        XCTAssertEqual(try ledger.videos().map(\.title), ["Old cut"])
        XCTAssertEqual(try ledger.deliveries().map(\.status), [.viewed])
        XCTAssertEqual(try ledger.integrityCheck(), "ok")
        // The old file is no one's edition: trace finds it by its bytes as the output's one file.
        let trace = try XCTUnwrap(try ledger.trace(fileSHA256: fakeSHA(7)))
        XCTAssertNil(trace.edition)
        XCTAssertEqual(trace.deliveries.map(\.contact.email), ["ann@icb.org"])
        XCTAssertEqual(try Schema.migrate(Ledger(path: path).db), .upToDate)
    }

    func testCodesAndFileNamesAreStableUniqueAndKeptAcrossRuns() throws {
        let (_, ledger) = try ledgerWithContacts()
        let contacts = try ledger.editionRecipients(.audience, audience: .icb).contacts
        XCTAssertEqual(contacts.map(\.email).sorted(), ["ann@icb.org", "bob@icb.org", "cy@icb.org"])
        let editions = try ledger.editions(project: "campaign", output: "for-icbs", for: contacts)
        let byEmail = Dictionary(uniqueKeysWithValues: editions.map { ($0.recipient.email, $0) })
        XCTAssertEqual(byEmail["ann@icb.org"]?.slug, "ann-example")
        XCTAssertEqual(byEmail["bob@icb.org"]?.slug, "ann-example-" + byEmail["bob@icb.org"]!.code.prefix(4).lowercased(),
                       "a second contact of the same name gets the code's first characters")
        XCTAssertEqual(byEmail["cy@icb.org"]?.slug, "cy", "an emoji name is named by the address")
        XCTAssertEqual(Set(editions.map(\.code)).count, 3)
        for e in editions { XCTAssertNotNil(e.code.wholeMatch(of: /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/)) }
        // Recorded with their first version, they stay: a later run, with another contact first, asks again.
        try ledger.registerVideos(editions.enumerated().map { (editionRecord($1, sha: $0 + 1, packets: 100 + $0), "/o/\($1.slug).mp4") })
        let again = try ledger.editions(project: "campaign", output: "for-icbs", for: contacts.reversed())
        XCTAssertEqual(Set(again.map { "\($0.recipient.email) \($0.code) \($0.slug)" }),
                       Set(editions.map { "\($0.recipient.email) \($0.code) \($0.slug)" }))
        // A listed address that is no contact is returned apart, so the others' editions can still be made.
        let listed = try ledger.editionRecipients(.emails(["ann@icb.org", "nobody@icb.org"]), audience: .icb)
        XCTAssertEqual(listed.contacts.map(\.email), ["ann@icb.org"])
        XCTAssertEqual(listed.unknown, ["nobody@icb.org"])
    }

    /// Two renders at once for two contacts of the same name: the first to reserve keeps the plain file name,
    /// the second sees it and gets the code's characters, so no file is written by both.
    func testReservingEditionsNamesThemBeforeTheyAreRendered() throws {
        let (dir, ledger) = try ledgerWithContacts()
        let contacts = try ledger.editionRecipients(.audience, audience: .icb).contacts
        let ann = contacts.filter { $0.email == "ann@icb.org" }, bob = contacts.filter { $0.email == "bob@icb.org" }
        XCTAssertEqual(try ledger.editions(project: "campaign", output: "for-icbs", for: bob).first?.slug, "ann-example",
                       "looking only: Bob would be ann-example while Ann has no edition")
        let first = try ledger.reserveEditions(project: "campaign", output: "for-icbs", for: ann)
        let other = try Ledger(path: dir.path("l.sqlite"))  // another process's connection
        let second = try other.reserveEditions(project: "campaign", output: "for-icbs", for: bob)
        XCTAssertEqual(first.first?.slug, "ann-example")
        XCTAssertEqual(second.first?.slug, "ann-example-" + second.first!.code.prefix(4).lowercased())
        // Reserved editions keep their names, again and when registered; no video yet, so no delivery.
        XCTAssertEqual(try ledger.reserveEditions(project: "campaign", output: "for-icbs", for: ann + bob).map(\.slug),
                       [first[0].slug, second[0].slug])
        XCTAssertEqual(try ledger.db.scalar("SELECT count(*) FROM editions")?.intValue, 2)
        try ledger.registerVideos([(editionRecord(second[0], sha: 9, packets: 90), "/o/\(second[0].slug).mp4")])
        XCTAssertEqual(try ledger.db.scalar("SELECT count(*) FROM editions")?.intValue, 2)
        XCTAssertEqual(try ledger.deliveries().map(\.contact.email), ["bob@icb.org"])
    }

    func testEveryEditionOfAnOutputIsRecordedInOneTransactionEachPlannedForItsRecipient() throws {
        let (dir, ledger) = try ledgerWithContacts()
        let editions = try ledger.editions(project: "campaign", output: "for-icbs",
                                           for: try ledger.editionRecipients(.audience, audience: .icb).contacts)
        var files = editions.enumerated().map { (editionRecord($1, sha: $0 + 1, packets: 100 + $0), "/o/\($1.slug).mp4") }
        // The last one cannot be recorded (its code is another edition's): none of them is.
        files[2].0.edition!.code = editions[0].code
        XCTAssertThrowsError(try ledger.registerVideos(files))
        let other = try Ledger(path: dir.path("l.sqlite"))
        XCTAssertEqual(try other.videos().count, 0)
        XCTAssertEqual(try other.deliveries().count, 0)
        XCTAssertEqual(try other.db.scalar("SELECT count(*) FROM editions")?.intValue, 0)

        files[2].0.edition!.code = editions[2].code
        try ledger.registerVideos(files)
        let deliveries = try other.deliveries()
        XCTAssertEqual(deliveries.map(\.status), [.planned, .planned, .planned])
        XCTAssertEqual(Set(deliveries.map { "\($0.contact.email) \($0.video.sha256)" }),
                       Set(editions.enumerated().map { "\($1.recipient.email) \(fakeSHA($0 + 1))" }))
        XCTAssertTrue(deliveries.allSatisfy(\.isLatestVersion), "each edition is the latest of its own versions")
    }

    func testDeliverRefusesAnotherContactUnlessAllowedAndPendingCountsOwnEditions() throws {
        let (_, ledger) = try ledgerWithContacts()
        let editions = try ledger.editions(project: "campaign", output: "for-icbs",
                                           for: try ledger.editionRecipients(.audience, audience: .icb).contacts)
        let regs = try ledger.registerVideos(editions.enumerated().map {
            (editionRecord($1, sha: $0 + 1, packets: 100 + $0), "/o/\($1.slug).mp4")
        })
        let ann = regs[editions.firstIndex { $0.recipient.email == "ann@icb.org" }!].video
        XCTAssertThrowsError(try ledger.deliver(DeliveryRequest(video: ann, recipients: .emails(["bob@icb.org"])))) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("ann@icb.org") && text.contains("bob@icb.org"), text)
            XCTAssertEqual((error as? LedgerError)?.exitCode, 1)
        }
        XCTAssertEqual(try ledger.deliveries().filter { $0.status != .planned }.count, 0)
        try ledger.deliver(DeliveryRequest(video: ann, recipients: .emails(["ann@icb.org"]), status: .sent))
        // Ann holds her own edition: up to date. Bob and Cy only have theirs planned.
        var pending = try ledger.pending(ann)
        XCTAssertEqual(pending.entries.map(\.contact.email).sorted(), ["bob@icb.org", "cy@icb.org"])
        XCTAssertTrue(pending.entries.allSatisfy { $0.state == .neverReceived && $0.planned })
        // The table's heading names no one version: each contact is measured against their own edition.
        XCTAssertEqual(pending.rendered(.table).split(separator: "\n").first,
                       "campaign/for-icbs (icb), 3 personal editions, each contact's own newest version: 2 pending")
        // A copy of Ann's edition recorded for Bob anyway does not make Bob up to date: it is not his.
        try ledger.deliver(DeliveryRequest(video: ann, recipients: .emails(["bob@icb.org"]), status: .sent, allowMismatch: true))
        pending = try ledger.pending(ann)
        XCTAssertEqual(pending.entries.map(\.contact.email).sorted(), ["bob@icb.org", "cy@icb.org"])
        XCTAssertEqual(pending.entries.first { $0.contact.email == "bob@icb.org" }?.state, .neverReceived)
        XCTAssertNil(pending.entries.first { $0.contact.email == "bob@icb.org" }?.received)
        // A new version of Ann's edition: she is pending again, with the older one received.
        let annEdition = editions.first { $0.recipient.email == "ann@icb.org" }!
        let v2 = try ledger.registerVideo(editionRecord(annEdition, sha: 50, packets: 150, at: "2026-06-02T10:00:00Z"),
                                          path: "/o/ann-example.mp4").video
        pending = try ledger.pending(v2)
        XCTAssertTrue(pending.isLatestVersion)
        XCTAssertEqual(pending.entries.first { $0.contact.email == "ann@icb.org" }?.state, .olderVersion)
        XCTAssertFalse(try ledger.pending(ann).isLatestVersion)

        // deliver project/output: each contact of the audience gets the newest version of their own edition.
        let all = try ledger.deliver(DeliveryRequest(video: ann, recipients: .audience(.icb), status: .sent, eachOwnEdition: true))
        XCTAssertTrue(all.ownEditions)
        let given = Dictionary(uniqueKeysWithValues: all.entries.map { ($0.contact.email, $0.video.sha256) })
        XCTAssertEqual(given["ann@icb.org"], v2.sha256, "Ann's newest version, not the file named")
        for email in ["bob@icb.org", "cy@icb.org"] {
            let own = regs.first { $0.video.path.hasSuffix("/" + editions.first { $0.recipient.email == email }!.slug + ".mp4") }
            XCTAssertEqual(given[email], own?.video.sha256, email)
        }
        XCTAssertEqual(try ledger.pending(v2).entries.map(\.contact.email), [], "everyone holds their own")
        // Someone with no edition of it: named, nothing recorded.
        XCTAssertThrowsError(try ledger.deliver(DeliveryRequest(video: ann, recipients: .emails(["gov@gov.uk"]),
                                                                allowMismatch: true, eachOwnEdition: true))) {
            XCTAssertTrue(String(describing: $0).contains("none has been rendered for gov@gov.uk"), "\($0)")
        }
    }

    /// A contact of another audience listed in an output's personalise contacts: their own edition is theirs to
    /// receive, with no --allow-mismatch, and pending lists the output's recipients, not its audience.
    func testAListedContactOfAnotherAudienceMayReceiveTheirOwnEdition() throws {
        let (_, ledger) = try ledgerWithContacts()
        let gus = try ledger.editionRecipients(.emails(["gov@gov.uk"]), audience: .icb).contacts
        let edition = try ledger.reserveEditions(project: "campaign", output: "for-icbs", for: gus)[0]
        let video = try ledger.registerVideos([(editionRecord(edition, sha: 1, packets: 100), "/o/\(edition.slug).mp4")])[0].video
        XCTAssertEqual(video.audience, .icb)
        XCTAssertEqual(try ledger.pending(video).entries.map(\.contact.email), ["gov@gov.uk"],
                       "only the output's recipient, not every ICB contact")
        try ledger.deliver(DeliveryRequest(video: video, recipients: .emails(["gov@gov.uk"]), status: .sent))
        XCTAssertEqual(try ledger.pending(video).entries.map(\.contact.email), [])
        // Someone else of his audience is still refused: it is not their edition.
        XCTAssertThrowsError(try ledger.deliver(DeliveryRequest(video: video, recipients: .emails(["ann@icb.org"]))))
    }

    func testTraceByBytesPacketsAndCode() throws {
        let (_, ledger) = try ledgerWithContacts()
        let editions = try ledger.editions(project: "campaign", output: "for-icbs",
                                           for: try ledger.editionRecipients(.audience, audience: .icb).contacts)
        try ledger.registerVideos(editions.enumerated().map { (editionRecord($1, sha: $0 + 1, packets: 100 + $0), "/o/\($1.slug).mp4") })
        let byPackets = try XCTUnwrap(try ledger.trace(fileSHA256: fakeSHA(999), packetsSHA256: fakeSHA(101)))
        XCTAssertEqual(byPackets.evidence, .videoPackets)
        XCTAssertEqual(byPackets.edition?.email, editions[1].recipient.email)
        XCTAssertEqual(byPackets.video?.sha256, fakeSHA(2))
        let byCode = try XCTUnwrap(try ledger.trace(code: EditionCode.normalise(editions[2].code.lowercased().replacingOccurrences(of: "-", with: ""))))
        XCTAssertEqual(byCode.evidence, .code)
        XCTAssertEqual(byCode.edition?.email, editions[2].recipient.email)
        XCTAssertNil(byCode.video)
        XCTAssertEqual(byCode.deliveries.map(\.status), [.planned])
        XCTAssertNil(try ledger.trace(fileSHA256: fakeSHA(999), packetsSHA256: fakeSHA(998)))
        // A contact removed later is still named by the edition.
        try ledger.removeContacts(emails: [editions[0].recipient.email])
        let removed = try XCTUnwrap(try ledger.trace(fileSHA256: fakeSHA(1)))
        XCTAssertEqual(removed.edition?.email, editions[0].recipient.email)
        XCTAssertNil(removed.contact)
    }
}
