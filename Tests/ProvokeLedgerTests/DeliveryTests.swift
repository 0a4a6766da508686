@testable import ProvokeLedger
import ProvokeManifest
import XCTest

final class DeliveryTests: XCTestCase {
    private var dir: LedgerTempDir!
    private var path: String!
    private var ledger: Ledger!

    override func setUpWithError() throws {
        dir = try LedgerTempDir()
        path = dir.path("ledger.sqlite")
        ledger = try Ledger(path: path)
        try ledger.upsertContacts([contact("ann@nhs.example", .icb), contact("ian@nhs.example", .icb),
                                   contact("cat@rcp.example", .college)])
    }

    override func tearDown() {
        ledger = nil
        dir = nil
    }

    func testRegisteringTheSameFileTwiceIsOneVideo() throws {
        let record = makeRecord(sha256: fakeSHA(1).uppercased())
        let first = try ledger.registerVideo(record, path: "out/icb-cut.mp4")
        XCTAssertTrue(first.isNew)
        XCTAssertEqual(first.video.sha256, fakeSHA(1), "stored lowercase")
        XCTAssertTrue(first.video.path.hasPrefix("/"), "stored absolute")
        let again = try ledger.registerVideo(record, path: "/moved/icb-cut.mp4")
        XCTAssertFalse(again.isNew)
        XCTAssertEqual(try ledger.videos().count, 1)
        XCTAssertEqual(try ledger.video(sha256: fakeSHA(1))?.path, "/moved/icb-cut.mp4")
        XCTAssertEqual(try ledger.video(sha256: fakeSHA(1))?.renderedAt, "2025-03-01T10:00:00.000Z")
    }

    func testABadRecordRegistersNothing() throws {
        let good = makeRecord(sha256: fakeSHA(1))
        let bad = makeRecord(sha256: "not-a-hash")
        XCTAssertThrowsError(try ledger.registerVideos([(good, "a.mp4"), (bad, "b.mp4")])) { error in
            XCTAssertEqual((error as? LedgerError)?.file, "b.mp4")
        }
        let badTime = makeRecord(sha256: fakeSHA(2), renderedAt: "yesterday")
        XCTAssertThrowsError(try ledger.registerVideos([(good, "a.mp4"), (badTime, "c.mp4")])) { error in
            XCTAssertEqual((error as? LedgerError)?.file, "c.mp4")
            XCTAssertEqual((error as? LedgerError)?.kind, .badInput)
        }
        XCTAssertEqual(try ledger.videos().count, 0, "the good record of the same command was not kept")
    }

    func testDeliveringTwiceIsOneDeliveryAndALaterStatusUpdatesIt() throws {
        let video = try ledger.registerVideo(makeRecord(), path: "icb-cut.mp4").video
        let request = DeliveryRequest(video: video, recipients: .emails(["ANN@nhs.example"]))
        let first = try ledger.deliver(request, today: "2025-03-02")
        XCTAssertEqual(first.entries.map(\.action), [.added])
        let second = try ledger.deliver(request, today: "2025-03-09")
        XCTAssertEqual(second.entries.map(\.action), [.unchanged])
        XCTAssertEqual(try ledger.deliveries().map(\.date), ["2025-03-02"], "a repeat keeps the first date")

        var viewed = request
        viewed.status = .viewed
        viewed.note = "watched in the board meeting"
        XCTAssertEqual(try ledger.deliver(viewed).entries.map(\.action), [.updated])
        // Recording again without a status keeps "viewed": only what is stated changes a delivery.
        XCTAssertEqual(try ledger.deliver(request).entries.map(\.action), [.unchanged])

        let rows = try Ledger(path: path).deliveries()
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0].status, .viewed)
        XCTAssertEqual(rows[0].note, "watched in the board meeting")
        XCTAssertEqual(rows[0].channel, .email)
        XCTAssertEqual(rows[0].contact.email, "ann@nhs.example")
        XCTAssertEqual(try ledger.db.scalar("SELECT count(*) FROM deliveries")?.intValue, 1)
    }

    func testAudienceMismatchIsRefusedAndRecordsNothing() throws {
        let video = try ledger.registerVideo(makeRecord(audience: .icb), path: "icb-cut.mp4").video
        let mixed = DeliveryRequest(video: video, recipients: .emails(["ann@nhs.example", "cat@rcp.example"]))
        XCTAssertThrowsError(try ledger.deliver(mixed)) { error in
            guard let error = error as? LedgerError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .badInput)
            XCTAssertTrue(error.message.contains("cat@rcp.example is college"), error.message)
            XCTAssertFalse(error.message.contains("ann@"), "only the mismatched contact is named")
        }
        XCTAssertThrowsError(try ledger.deliver(DeliveryRequest(video: video, recipients: .audience(.college))))
        XCTAssertEqual(try ledger.db.scalar("SELECT count(*) FROM deliveries")?.intValue, 0,
                       "the matching contact was not recorded either")

        var allowed = mixed
        allowed.allowMismatch = true
        XCTAssertEqual(try ledger.deliver(allowed).entries.count, 2)
        XCTAssertEqual(try ledger.deliveries().count, 2)
    }

    func testUnknownContactsAreNamedAndNothingIsRecorded() throws {
        let video = try ledger.registerVideo(makeRecord(), path: "icb-cut.mp4").video
        let request = DeliveryRequest(video: video, recipients: .emails(["ann@nhs.example", "who@x.org", "what@x.org"]))
        XCTAssertThrowsError(try ledger.deliver(request)) { error in
            XCTAssertTrue("\(error)".contains("who@x.org, what@x.org"), "\(error)")
            XCTAssertEqual((error as? LedgerError)?.exitCode, 1)
        }
        XCTAssertEqual(try ledger.deliveries().count, 0)
    }

    func testDryRunRecordsNothingAndBadDatesAreRefused() throws {
        let video = try ledger.registerVideo(makeRecord(), path: "icb-cut.mp4").video
        let outcome = try ledger.deliver(DeliveryRequest(video: video, recipients: .audience(.icb)), dryRun: true)
        XCTAssertEqual(outcome.entries.map(\.contact.email), ["ann@nhs.example", "ian@nhs.example"])
        XCTAssertEqual(outcome.entries.map(\.action), [.added, .added])
        XCTAssertEqual(try ledger.deliveries().count, 0)
        XCTAssertThrowsError(try ledger.deliver(DeliveryRequest(video: video, recipients: .audience(.icb),
                                                                date: "2025-02-30")))
        XCTAssertEqual(try ledger.deliveries().count, 0)
    }

    /// Render A, then B, within one second; register B first. B is the latest because it was rendered later, which
    /// the ledger can tell only from the milliseconds render records carry.
    func testVersionsRenderedWithinOneSecondOrderByTheirMilliseconds() throws {
        let b = try ledger.registerVideo(makeRecord(sha256: fakeSHA(2), renderedAt: "2025-03-01T10:00:00.900Z"),
                                         path: "b/icb-cut.mp4").video
        let a = try ledger.registerVideo(makeRecord(sha256: fakeSHA(1), renderedAt: "2025-03-01T10:00:00.100Z"),
                                         path: "a/icb-cut.mp4").video
        XCTAssertEqual(try ledger.versions(project: "campaign", output: "icb-cut"), [a, b])
        XCTAssertEqual(try ledger.latestVideo(project: "campaign", output: "icb-cut"), b)
        XCTAssertEqual(b.renderedAt, "2025-03-01T10:00:00.900Z")
    }

    func testVersionsAndPending() throws {
        let v1 = try ledger.registerVideo(makeRecord(sha256: fakeSHA(1), renderedAt: "2025-03-01T10:00:00Z"),
                                          path: "v1/icb-cut.mp4").video
        try ledger.deliver(DeliveryRequest(video: v1, recipients: .emails(["ann@nhs.example"])), today: "2025-03-02")
        // Ian's copy of v1 is only planned: he has not received anything.
        try ledger.deliver(DeliveryRequest(video: v1, recipients: .emails(["ian@nhs.example"]), status: .planned))

        var report = try ledger.pending(v1)
        XCTAssertTrue(report.isLatestVersion)
        XCTAssertEqual(report.entries.map(\.contact.email), ["ian@nhs.example"])
        XCTAssertEqual(report.entries.map(\.state), [.neverReceived])
        XCTAssertEqual(report.entries.map(\.planned), [true])

        // A re-render with other bytes, rendered later (in another time zone), is a new version.
        let v2 = try ledger.registerVideo(makeRecord(sha256: fakeSHA(2), renderedAt: "2025-03-05T09:00:00+01:00"),
                                          path: "v2/icb-cut.mp4").video
        XCTAssertEqual(try ledger.latestVideo(project: "campaign", output: "icb-cut"), v2)
        report = try ledger.pending(v2)
        XCTAssertTrue(report.isLatestVersion)
        XCTAssertEqual(report.entries(.olderVersion).map(\.contact.email), ["ann@nhs.example"])
        XCTAssertEqual(report.entries(.olderVersion).first?.received, v1)
        XCTAssertEqual(report.entries(.olderVersion).first?.receivedOn, "2025-03-02")
        XCTAssertEqual(report.entries(.neverReceived).map(\.contact.email), ["ian@nhs.example"])
        XCTAssertFalse(report.entries.contains { $0.contact.audience != .icb }, "only the video's audience")

        // Ann gets v2: she is no longer pending; asked about v1, nobody who has v2 is "never received".
        try ledger.deliver(DeliveryRequest(video: v2, recipients: .emails(["ann@nhs.example"])))
        XCTAssertEqual(try ledger.pending(v2).entries.map(\.contact.email), ["ian@nhs.example"])
        let old = try ledger.pending(v1)
        XCTAssertFalse(old.isLatestVersion)
        XCTAssertEqual(old.entries.map(\.contact.email), ["ian@nhs.example"])

        let deliveries = try ledger.deliveries(DeliveryFilter(contact: "ann@nhs.example"))
        XCTAssertEqual(deliveries.map(\.video.sha256), [fakeSHA(1), fakeSHA(2)])
        XCTAssertEqual(deliveries.map(\.isLatestVersion), [false, true])

        let table = report.rendered(.table)
        XCTAssertTrue(table.contains("Never received this output (1):"), table)
        XCTAssertTrue(table.contains("Received an older version (1):"), table)
        let csv = report.rendered(.csv)
        XCTAssertTrue(csv.hasPrefix("state,name,email"), csv)
        XCTAssertTrue(csv.contains("older,"), csv)
    }

    func testDeliveryFilters() throws {
        let icb = try ledger.registerVideo(makeRecord(output: "icb-cut", sha256: fakeSHA(1)), path: "a.mp4").video
        let college = try ledger.registerVideo(makeRecord(output: "college-cut", audience: .college, sha256: fakeSHA(2)),
                                               path: "b.mp4").video
        let other = try ledger.registerVideo(makeRecord(project: "other", output: "icb-cut", sha256: fakeSHA(3)),
                                             path: "c.mp4").video
        try ledger.deliver(DeliveryRequest(video: icb, recipients: .audience(.icb)))
        try ledger.deliver(DeliveryRequest(video: college, recipients: .audience(.college)))
        try ledger.deliver(DeliveryRequest(video: other, recipients: .emails(["ann@nhs.example"])))
        XCTAssertEqual(try ledger.deliveries().count, 4)
        XCTAssertEqual(try ledger.deliveries(DeliveryFilter(audience: .college)).map(\.contact.email), ["cat@rcp.example"])
        XCTAssertEqual(try ledger.deliveries(DeliveryFilter(project: "other")).count, 1)
        XCTAssertEqual(try ledger.deliveries(DeliveryFilter(output: "icb-cut")).count, 3)
        XCTAssertEqual(try ledger.deliveries(DeliveryFilter(contact: "ANN@nhs.example", project: "campaign")).count, 1)
        XCTAssertThrowsError(try ledger.deliveries(DeliveryFilter(contact: "nobody@x.org")))
    }

    func testRemovingAContactRemovesTheirDeliveriesOnly() throws {
        let video = try ledger.registerVideo(makeRecord(), path: "a.mp4").video
        try ledger.deliver(DeliveryRequest(video: video, recipients: .audience(.icb)))
        XCTAssertThrowsError(try ledger.removeContacts(emails: ["ann@nhs.example", "ghost@x.org"]))
        XCTAssertEqual(try ledger.contacts().count, 3, "an unknown address removes nothing")
        XCTAssertEqual(try ledger.removeContacts(emails: ["Ann@NHS.example", "ann@nhs.example"]),
                       ContactsRemoval(contacts: 1, deliveries: 1))
        XCTAssertEqual(try ledger.contacts().map(\.email).sorted(), ["cat@rcp.example", "ian@nhs.example"])
        XCTAssertEqual(try ledger.deliveries().map(\.contact.email), ["ian@nhs.example"])
        XCTAssertEqual(try ledger.videos().count, 1, "the video stays")
    }

    func testExportIsSpreadsheetSafeAndAtomic() throws {
        try ledger.upsertContacts([Contact(name: "=HYPERLINK(\"http://evil\",\"x\")", email: "eve@nhs.example",
                                           organisation: "+44 NHS", role: "-Chair", audience: .icb, notes: "@once")])
        let video = try ledger.registerVideo(makeRecord(title: "=1+1 <script>"), path: "a.mp4").video
        try ledger.deliver(DeliveryRequest(video: video, recipients: .emails(["eve@nhs.example"]), note: "\tnote"))
        let file = dir.path("deliveries.csv")
        try dir.write("deliveries.csv", "old contents")
        XCTAssertEqual(try ledger.exportDeliveries(to: file), 1)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        XCTAssertEqual(Array(bytes.prefix(3)), [0xEF, 0xBB, 0xBF], "BOM so spreadsheets read UTF-8")
        let records = CSVReader.records(bytes)
        XCTAssertEqual(records.count, 2)
        let row = Dictionary(uniqueKeysWithValues: zip(records[0].fields, records[1].fields))
        XCTAssertEqual(row["name"], "'=HYPERLINK(\"http://evil\",\"x\")")
        XCTAssertEqual(row["organisation"], "'+44 NHS")
        XCTAssertEqual(row["title"], "'=1+1 <script>")
        XCTAssertEqual(row["note"], "'\tnote")
        XCTAssertEqual(row["email"], "eve@nhs.example")
        for cell in records[1].fields { XCTAssertFalse("=+-@\t\r".contains(cell.first ?? "x"), "unsafe cell \(cell)") }
        // No temporary file is left beside the export.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).filter { $0.hasSuffix(".tmp") }, [])

        // A folder that does not exist: a write failure (exit 3), and no partial file.
        XCTAssertThrowsError(try ledger.exportDeliveries(to: dir.path("missing/deliveries.csv"))) { error in
            XCTAssertEqual((error as? LedgerError)?.exitCode, 3)
        }
    }
}
