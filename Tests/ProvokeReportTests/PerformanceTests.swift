import Foundation
import ProvokeLedger
import ProvokeManifest
@testable import ProvokeReport
import ProvokeTimeline
import XCTest

/// A large campaign: 10,000 contacts, 200 registered files (50 outputs, 4 versions each), 12 ideas and
/// 57,144 deliveries. The page must be written in under 2 s and laid out by Chromium in under 2 s.
final class PerformanceTests: XCTestCase {
    static let contacts = 10_000
    static let outputs = 50
    static let versions = 4

    /// Builds the ledger file (a real one: the same SQLite the commands use).
    static func largeLedger(_ folder: TempFolder) throws -> Ledger {
        let ledger = try Ledger(path: folder.path("large.sqlite"))
        let audiences = Audience.allCases
        try ledger.upsertContacts((0..<contacts).map { i in
            Contact(name: "Contact \(i)", email: "c\(i)@example.org", organisation: "Organisation \(i % 400)",
                    role: "Role", audience: audiences[i % audiences.count])
        })
        let ideas = (0..<12).map { RenderRecord.Idea(id: "idea-\($0)", text: "Idea number \($0) from the sessions") }
        var files: [(record: RenderRecord, path: String)] = []
        for o in 0..<outputs {
            for v in 0..<versions {
                // Ideas 10 and 11 are in no file: the page lists them first.
                let carried = [ideas[o % 10], ideas[(o + 3) % 10]]
                files.append((record(output: "output-\(o)", audience: audiences[o % audiences.count],
                                     title: "Video \(o)", sha: o * versions + v + 1,
                                     at: String(format: "2026-05-%02dT10:00:00Z", v + 1), carries: carried,
                                     projectIdeas: ideas), folder.path("missing/output-\(o)-\(v).mp4")))
            }
        }
        let registered = try ledger.registerVideos(files).map(\.video)
        var byAudience: [Audience: [String]] = [:]
        for i in 0..<contacts { byAudience[audiences[i % audiences.count], default: []].append("c\(i)@example.org") }
        for o in 0..<outputs {
            let members = byAudience[audiences[o % audiences.count]]!
            let older = members.enumerated().filter { ($0.offset + o) % 5 == 0 }.map(\.element)
            let latest = members.enumerated().filter { ($0.offset + o) % 7 == 0 }.map(\.element)
            try ledger.deliver(DeliveryRequest(video: registered[o * versions + 1], recipients: .emails(older), date: "2026-05-03"))
            try ledger.deliver(DeliveryRequest(video: registered[o * versions + 3], recipients: .emails(latest),
                                               date: "2026-05-05", status: .viewed))
        }
        return ledger
    }

    func testTenThousandContactsAndTwoHundredFilesWriteAndLayOutQuickly() throws {
        let folder = try TempFolder()
        let ledger = try Self.largeLedger(folder)
        let report = folder.url.appendingPathComponent("report")
        // Timings on a shared machine are noisy: a second try is made only when the first is over the limit,
        // and the better counts; a page that is slow every time still fails.
        var summary: ReportSummary!
        let writeSeconds = try Self.best(under: 2) {
            let started = Date()
            summary = try CampaignReport.write(ledger: ledger, projects: [], to: report)
            return Date().timeIntervalSince(started)
        }
        XCTAssertEqual(summary.videos, Self.outputs)
        XCTAssertEqual(summary.files, Self.outputs * Self.versions)

        // Layout in Chromium: a page loads the report in a frame and reads its height, which makes the browser
        // lay it out; then again with every grid row laid out (as printing does). Script only in this
        // measuring page, never in the report.
        try folder.write("measure.html", """
            <!DOCTYPE html><html><body><iframe id="f" style="width:1280px;height:900px" src="report/index.html"></iframe>
            <pre id="result"></pre><script>
            const t0 = performance.now();
            document.getElementById('f').onload = () => {
              const d = document.getElementById('f').contentDocument;
              const h = d.documentElement.scrollHeight; const t1 = performance.now();
              const s = d.createElement('style'); s.textContent = '.grid-part { content-visibility: visible !important }';
              d.head.appendChild(s); const h2 = d.documentElement.scrollHeight; const t2 = performance.now();
              document.getElementById('result').textContent = JSON.stringify({open: t1 - t0, full: t2 - t1, height: h, fullHeight: h2});
            };
            </script></body></html>
            """)
        var figures: [String: Double] = [:]
        let open = try Self.best(under: 2) {
            let dom = try Chromium.dom(folder.url.appendingPathComponent("measure.html"), in: folder,
                                       extra: ["--allow-file-access-from-files"])
            let json = try XCTUnwrap(dom.firstMatch(of: /<pre id="result">([^<]*)<\/pre>/)?.output.1, "no measurement: \(dom.suffix(300))")
            figures = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Double])
            return figures["open"]! / 1000
        }
        let full = figures["full"]! / 1000
        print(String(format: "report of %d contacts, %d files: written in %.2f s (%d bytes); Chromium: loaded and laid"
                     + " out in %.2f s, every grid row laid out in a further %.2f s (page %.0f px, %.0f px in full)",
                     Self.contacts, summary.files, writeSeconds, summary.pageBytes, open, full,
                     figures["height"]!, figures["fullHeight"]!))
        XCTAssertGreaterThan(figures["fullHeight"]!, 100_000, "10,000 rows were laid out")
        XCTAssertLessThan(writeSeconds, 2, "writing the report")
        XCTAssertLessThan(open, 2, "Chromium opening the report")
    }

    /// Seconds `measure` reports, measured again once if over `limit`; the better of the two.
    static func best(under limit: Double, _ measure: () throws -> Double) rethrows -> Double {
        let first = try measure()
        return first < limit ? first : min(first, try measure())
    }
}
