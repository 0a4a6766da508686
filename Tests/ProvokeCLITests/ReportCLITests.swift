import Foundation
import XCTest

/// `coverage`, `history` and `report` from the command line: output formats and exit codes.
extension CLITests {
    func testCoverageHistoryAndReportCommands() throws {
        try source("a.mp4"); try source("b.mp4")
        // The "good" output carries "demand"; "voice" is in no clip.
        try write(CLITests.twoOutputs.replacingOccurrences(
            of: #""ideas": [{"id": "demand", "text": "More access feeds demand, not health"}]"#,
            with: #""ideas": [{"id": "demand", "text": "More access feeds demand, not health"}, {"id": "voice", "text": "One voice"}]"#),
                  "manifest.json")
        XCTAssertEqual(try provoke(["render", "manifest.json", "--output", "good"]).status, 0)
        try write("name,email,organisation,role,audience\nPriya,priya@icb.example.org,North,Chair,icb\n"
                  + "Sam,sam@icb.example.org,South,Director,icb\n", "contacts.csv")
        XCTAssertEqual(try provoke(["contacts", "import", "contacts.csv"]).status, 0)
        XCTAssertEqual(try provoke(["deliver", "cli/good", "--to", "priya@icb.example.org", "--date", "2026-05-01"]).status, 0)

        let table = try provoke(["coverage"])
        XCTAssertEqual(table.status, 0, table.err)
        let lines = table.out.split(separator: "\n")
        XCTAssertTrue(lines[1].hasPrefix("cli/voice "), table.out)
        XCTAssertTrue(lines[2].contains("icb 1/2"), table.out)
        let json = try provoke(["coverage", "cli", "--format", "json"])
        XCTAssertEqual(json.status, 0, json.err)
        XCTAssertTrue(json.out.contains(#""idea": "demand", "text": "More access feeds demand, not health", "delivered": true, "outputs": "cli/good", "audience": "icb", "reached": 1, "contacts": 2"#), json.out)
        XCTAssertEqual(try provoke(["coverage", "--format", "xml"]).status, 2)

        let history = try provoke(["history", "PRIYA@icb.example.org", "--format", "csv"])
        XCTAssertEqual(history.status, 0, history.err)
        XCTAssertTrue(history.out.contains("2026-05-01,email,sent,cli,good,Good,"), history.out)
        XCTAssertTrue(history.out.contains(",yes,,demand,\"More access feeds demand, not health\"\r\n"), history.out)
        let unknown = try provoke(["history", "nobody@x.org"])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.err.contains("unknown contact: nobody@x.org"), unknown.err)
        XCTAssertEqual(try provoke(["history"]).status, 2)

        let report = try provoke(["report"])
        XCTAssertEqual(report.status, 0, report.err)
        XCTAssertTrue(report.out.contains("report/index.html: 1 video (1 file), posters: 1 made"), report.out)
        XCTAssertEqual(files("report"), [".provoke-report", "index.html", "posters", "report.css"])
        let again = try provoke(["report"])
        XCTAssertTrue(again.out.contains("0 made, 1 reused"), again.out)
        XCTAssertEqual(try provoke(["report", "nosuchproject"]).status, 1)
        // A folder provoke did not write is never replaced.
        let notMine = try provoke(["report", "-o", "out"])
        XCTAssertEqual(notMine.status, 1)
        XCTAssertTrue(notMine.err.contains("did not write"), notMine.err)
        XCTAssertEqual(files("out"), ["good.json", "good.mp4", "good.png"])
    }
}
