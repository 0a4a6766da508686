@testable import ProvokeLedger
import ProvokeManifest
import XCTest

final class CSVReaderTests: XCTestCase {
    private func read(_ text: String) -> [CSVRecord] { CSVReader.records(Array(text.utf8)) }

    func testBOMAndCRLFAndMissingFinalNewline() {
        let records = CSVReader.records([0xEF, 0xBB, 0xBF] + Array("name,email\r\nAnn,a@x.org\r\nBob,b@x.org".utf8))
        XCTAssertEqual(records.map(\.fields), [["name", "email"], ["Ann", "a@x.org"], ["Bob", "b@x.org"]])
        XCTAssertEqual(records.map(\.line), [1, 2, 3])
        XCTAssertTrue(records.allSatisfy { $0.error == nil })
    }

    func testQuotedNewlinesCommasAndQuotesKeepLineNumbers() {
        let text = "a,b\n\"two\nlines, and \"\"quotes\"\"\",x\nnext,\"\"\r\nlast,\"crlf\r\ninside\"\n"
        let records = read(text)
        XCTAssertEqual(records.map(\.fields), [["a", "b"], ["two\nlines, and \"quotes\"", "x"], ["next", ""],
                                               ["last", "crlf\r\ninside"]])
        // The record after a two-line record starts on line 4; the one after the CRLF-in-quotes on line 5.
        XCTAssertEqual(records.map(\.line), [1, 2, 4, 5])
    }

    func testLoneCRIsALineEndAndTrailingEmptyFieldsSurvive() {
        let records = read("a,b\rc,\r\"\",\"\"")
        XCTAssertEqual(records.map(\.fields), [["a", "b"], ["c", ""], ["", ""]])
        XCTAssertEqual(records.map(\.line), [1, 2, 3])
    }

    func testMalformedQuotingIsReportedPerRecordAndReadingContinues() {
        let records = read("h1,h2\nab\"c,d\n\"ok\"x,y\ngood,row\n\"never closed,z\nmore\n")
        XCTAssertEqual(records.count, 5)
        XCTAssertNotNil(records[1].error)  // quote inside an unquoted field, line 2
        XCTAssertEqual(records[1].line, 2)
        XCTAssertNotNil(records[2].error)  // text after a closing quote, line 3
        XCTAssertEqual(records[2].line, 3)
        XCTAssertEqual(records[3].fields, ["good", "row"])
        XCTAssertNil(records[3].error)
        XCTAssertNotNil(records[4].error)  // unterminated quote, starting line 5
        XCTAssertEqual(records[4].line, 5)
    }

    func testInvalidUTF8IsFoundWithItsLine() {
        XCTAssertNil(CSVReader.firstInvalidUTF8Line(Array("é😀\n".utf8)))
        XCTAssertEqual(CSVReader.firstInvalidUTF8Line(Array("a\nb\n".utf8) + [0xFF, 0x41]), 3)
    }
}

final class CSVWriterTests: XCTestCase {
    func testFormulaPrefixesAreNeutralised() {
        XCTAssertEqual(CSVWriter.cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0")
        XCTAssertEqual(CSVWriter.cell("+1+1"), "'+1+1")
        XCTAssertEqual(CSVWriter.cell("-2+3"), "'-2+3")
        XCTAssertEqual(CSVWriter.cell("@SUM(A1)"), "'@SUM(A1)")
        XCTAssertEqual(CSVWriter.cell("\t=1"), "'\t=1")
        XCTAssertEqual(CSVWriter.cell("\r=1"), "\"'\r=1\"")
        XCTAssertEqual(CSVWriter.cell("=HYPERLINK(\"http://x\",\"y\")"), "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")
        // Only a leading prefix is a formula; elsewhere the characters are data.
        XCTAssertEqual(CSVWriter.cell("a=b-c+d@e"), "a=b-c+d@e")
        XCTAssertEqual(CSVWriter.cell("2025-03-01"), "2025-03-01")
    }

    func testQuotingRoundTripsThroughTheReader() {
        let cells = ["plain", "comma, inside", "quote \" inside", "line\nbreak", "", "emoji 😀", "'); DROP TABLE contacts;--"]
        let text = CSVWriter.record(cells)
        XCTAssertTrue(text.hasSuffix("\r\n"))
        XCTAssertEqual(CSVReader.records(Array(text.utf8)).map(\.fields), [cells])
    }

    func testListingFormats() {
        let listing = Listing(columns: ["name", "note"], rows: [[.text("<script>alert(1)</script>"), .text("a\nb\u{1b}[31m")],
                                                                [.text("😀 wide"), .null]])
        let table = listing.table()
        XCTAssertEqual(table.split(separator: "\n").count, 3, "control characters must not break rows: \(table)")
        XCTAssertTrue(table.contains("<script>alert(1)</script>"))
        XCTAssertTrue(table.contains("a\\nb\\u{1b}[31m"))
        XCTAssertFalse(table.contains("\u{1b}"), "an escape sequence must not reach the terminal")
        XCTAssertEqual(listing.json(), """
            [
              {"name": "<script>alert(1)</script>", "note": "a\\nb\\u001b[31m"},
              {"name": "😀 wide", "note": null}
            ]

            """)
        XCTAssertEqual(listing.csv(), "name,note\r\n<script>alert(1)</script>,\"a\nb\u{1b}[31m\"\r\n😀 wide,\r\n")
        // An emoji takes two terminal columns: columns line up by display width, not by characters.
        let wide = Listing(columns: ["a", "b"], rows: [[.text("😀😀"), .text("x")], [.text("abcd"), .text("y")]])
        XCTAssertEqual(wide.table(), "A     B\n😀😀  x\nabcd  y\n")
    }
}
