@testable import ProvokeLedger
import ProvokeManifest
import XCTest

final class ContactsImportTests: XCTestCase {
    func testSpreadsheetExportWithBOMCRLFOtherOrderAndCase() throws {
        let dir = try LedgerTempDir()
        let ledger = try Ledger(path: dir.path("ledger.sqlite"))
        // Columns in another order and case, "Organization" spelling, a quoted multi-line note with commas
        // and quotes, a blank row of empty cells, no final line end.
        let csv = try dir.write("contacts.csv", [0xEF, 0xBB, 0xBF] + Array((
            "Email,NAME,Audience,Organization,role,Notes,REGION\r\n"
            + "ann@nhs.example,Ann Smith,ICB,NHS North,Chair,\"Met at \"\"Leeds\"\" event,\r\nkeen\",North\r\n"
            + ",,,,,,\r\n"
            + "  bob@rcp.example ,Bob Jones,college,Royal College,Registrar,,"
        ).utf8))
        let result = try ledger.importContacts(csvFile: csv)
        XCTAssertEqual(result, ContactsImport(added: 2, updated: 0, unchanged: 0))
        let contacts = try ledger.contacts()
        XCTAssertEqual(contacts.count, 2)
        let ann = try XCTUnwrap(contacts.first { $0.email == "ann@nhs.example" })
        XCTAssertEqual(ann, Contact(name: "Ann Smith", email: "ann@nhs.example", organisation: "NHS North", role: "Chair",
                                    audience: .icb, region: "North", notes: "Met at \"Leeds\" event,\r\nkeen"))
        let bob = try XCTUnwrap(try ledger.contact(email: "BOB@RCP.EXAMPLE"), "email matches case-insensitively")
        XCTAssertEqual(bob.email, "bob@rcp.example", "surrounding spaces trimmed")
        XCTAssertEqual(bob.audience, .college)
        XCTAssertEqual(bob.region, "")
    }

    func testUpsertByEmailIgnoringCase() throws {
        let dir = try LedgerTempDir()
        let ledger = try Ledger(path: dir.path("ledger.sqlite"))
        let header = "name,email,organisation,role,audience\n"
        try ledger.importContacts(csvFile: dir.write("a.csv", header + "Ann,ann@x.org,NHS,Chair,icb\nBob,bob@x.org,RCP,Reg,college\n"))
        let second = try ledger.importContacts(csvFile: dir.write("b.csv", header
            + "Ann Smith,ANN@X.ORG,NHS,Chair,icb\nBob,bob@x.org,RCP,Reg,college\nCat,cat@x.org,DHSC,Adviser,government\n"))
        XCTAssertEqual(second, ContactsImport(added: 1, updated: 1, unchanged: 1))
        XCTAssertEqual(try ledger.contacts().count, 3)
        XCTAssertEqual(try ledger.contact(email: "ann@x.org")?.name, "Ann Smith")
        XCTAssertEqual(try ledger.contact(email: "ann@x.org")?.email, "ANN@X.ORG", "the newest spelling is kept")
    }

    func testAnyBadRowRejectsTheWholeFileAndListsEveryBadLine() throws {
        let dir = try LedgerTempDir()
        let path = dir.path("ledger.sqlite")
        let ledger = try Ledger(path: path)
        try ledger.upsertContacts([contact("keep@x.org", name: "Original")])
        let csv = try dir.write("contacts.csv", """
            name,email,organisation,role,audience
            Good One,keep@x.org,NHS,Chair,icb
            No Email,,NHS,Chair,icb
            "Two
            Lines",two@x.org,NHS,Chair,nurses
            Bad Quote,bad"quote@x.org,NHS,Chair,icb
            Good Two,good@x.org,NHS,Chair,college
            ,noname@x.org,NHS,Chair,icb
            Not Address,not-an-address,NHS,Chair,icb
            Dup,KEEP@x.org,NHS,Chair,icb
            Extra,extra@x.org,NHS,Chair,icb,surplus
            Unclosed,"unclosed@x.org,NHS,Chair,icb

            """)
        XCTAssertThrowsError(try ledger.importContacts(csvFile: csv)) { error in
            guard let error = error as? LedgerError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.kind, .badInput)
            XCTAssertEqual(error.exitCode, 1)
            XCTAssertEqual(error.file, csv)
            XCTAssertEqual(error.problems.map(\.line), [3, 4, 6, 8, 9, 10, 11, 12])
            let byLine = Dictionary(uniqueKeysWithValues: error.problems.map { ($0.line, $0.message) })
            XCTAssertTrue(byLine[3]!.contains("missing email"))
            XCTAssertTrue(byLine[4]!.contains("unknown audience \"nurses\""))
            XCTAssertTrue(byLine[6]!.contains("malformed quoting"))
            XCTAssertTrue(byLine[8]!.contains("missing name"))
            XCTAssertTrue(byLine[9]!.contains("not an address"))
            XCTAssertTrue(byLine[10]!.contains("also on line 2"))
            XCTAssertTrue(byLine[11]!.contains("6 fields"))
            XCTAssertTrue(byLine[12]!.contains("never closed"))
            XCTAssertEqual(error.diagnostics[1], "\(csv):3: missing email")
        }
        // Nothing written: the good rows were not added and the existing contact not updated.
        let after = try Ledger(path: path)
        XCTAssertEqual(try after.contacts().map(\.email), ["keep@x.org"])
        XCTAssertEqual(try after.contact(email: "keep@x.org")?.name, "Original")
    }

    func testHeaderProblemsAreReported() throws {
        let dir = try LedgerTempDir()
        let ledger = try Ledger(path: dir.path("ledger.sqlite"))
        for (text, expected) in [("name,emial,organisation,role,audience\n", "unknown column \"emial\""),
                                 ("name,email,organisation,role\n", "missing column audience"),
                                 ("name,email,Email,organisation,role,audience\n", "\"email\" appears twice"),
                                 ("", "is empty")] {
            let csv = try dir.write("h.csv", text)
            XCTAssertThrowsError(try ledger.importContacts(csvFile: csv)) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error) should mention \(expected)")
            }
        }
        XCTAssertThrowsError(try ledger.importContacts(csvFile: dir.write("latin1.csv", Array("name,email\n".utf8) + [0xE9])))
        { error in XCTAssertTrue("\(error)".contains("not UTF-8"), "\(error)") }
        XCTAssertEqual(try ledger.contacts().count, 0)
    }

    func testHostileTextIsStoredAndPrintedLiterally() throws {
        let dir = try LedgerTempDir()
        let path = dir.path("ledger.sqlite")
        let ledger = try Ledger(path: path)
        let hostile = ["'); DROP TABLE contacts;--", "Robert\"); DELETE FROM deliveries; --", "😀 Zoë 🇬🇧",
                       "<script>alert('x')</script>", "=cmd|' /C calc'!A0", "%s %n {\\b1} [0:v]; ,:"]
        // Every cell quoted, quotes doubled, and nothing neutralised: the file holds the hostile text as is.
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let csv = try dir.write("hostile.csv", "name,email,organisation,role,audience,notes\r\n" + hostile.enumerated().map {
            [$1, "h\($0)@x.org", $1, $1, "icb", $1].map(quoted).joined(separator: ",") + "\r\n"
        }.joined())
        try ledger.importContacts(csvFile: csv)

        let reopened = try Ledger(path: path)
        let contacts = try reopened.contacts()
        XCTAssertEqual(Set(contacts.map(\.name)), Set(hostile), "every value stored byte for byte")
        XCTAssertEqual(contacts.map(\.notes).sorted(), hostile.sorted())
        XCTAssertEqual(try reopened.integrityCheck(), "ok")

        let json = Listing.contacts(contacts).json()
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: Any]]
        XCTAssertEqual(Set(decoded.map { $0["name"] as! String }), Set(hostile))
        let table = Listing.contacts(contacts).table()
        for text in hostile { XCTAssertTrue(table.contains(text), "table shows \(text) literally") }
        let csvOut = Listing.contacts(contacts).csv()
        XCTAssertTrue(csvOut.contains("'=cmd|' /C calc'!A0"), "formula neutralised on the way out")
        XCTAssertTrue(csvOut.contains("'); DROP TABLE contacts;--"))
    }
}
