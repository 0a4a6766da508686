import FFmpegKit
import Foundation
import ProvokeSamples
import XCTest

/// The report as a campaign lead gets it: files rendered by the `provoke` binary from small generated media,
/// contacts imported from a CSV with hostile names, deliveries recorded, `provoke report` run, and the page
/// opened in headless Chromium with every host name unresolvable. The DOM Chromium builds is what is checked.
final class BrowserTests: XCTestCase {
    static func manifest(icbTitle: String) -> String {
        """
        {
          "provoke": 1,
          "project": {"id": "campaign", "title": "Increasing access is harmful to health", "date": "1 May 2026"},
          "sources": [{"id": "may1", "file": "a.mp4"}],
          "ideas": [{"id": "demand", "text": "More access feeds demand, not health"},
                    {"id": "continuity", "text": "Continuity of care <b>saves</b> lives"},
                    {"id": "voice", "text": "General practice needs one voice"}],
          "clips": [{"id": "opening", "source": "may1", "in": 1, "out": 2.5, "ideas": ["demand"],
                     "speaker": {"name": "Dr Ann <i>O'Neil</i>", "role": "GP partner"}},
                    {"id": "reply", "source": "may1", "in": 3, "out": 4, "ideas": ["continuity"]}],
          "cards": [{"id": "provocation", "template": "statement", "duration": 3, "text": "Increasing access is harmful"},
                    {"id": "close", "template": "end", "duration": 3, "text": "Talk to your GP leaders",
                     "url": "javascript:alert(1)"}],
          "outputs": [
            {"id": "for-icbs", "audience": "icb", "title": "\(icbTitle)", "sequence": ["provocation", "opening", "close"]},
            {"id": "for-government", "audience": "government", "title": "Increasing access: for government",
             "sequence": ["provocation", "reply"]},
            {"id": "for-colleges", "audience": "college", "title": "Increasing access: for the royal colleges",
             "sequence": ["opening"]}
          ]
        }
        """
    }

    static let contacts = """
        name,email,organisation,role,audience,notes
        Ann Example,ann@icb.example,North ICB,Chair,icb,
        Bob Builder,bob@icb.example,South ICB,Primary care director,icb,
        <script>alert(1)</script>,script@icb.example,East ICB,Chief executive,icb,
        Zoë Wright,zoe@icb.example,javascript:alert(2),Director,icb,🩺 javascript:alert(3)
        Gwen Minister,gwen@gov.example,Department of Health,Adviser,government,
        \"\"\"><img src=x onerror=alert(1)>\",img@gov.example,Select committee,Clerk,government,
        Carl College,carl@rcgp.example,Royal College of GPs,Lead,college,

        """

    func testTheReportOfARealLedgerReadsRightInChromium() throws {
        FFmpegLog.setQuiet()
        let folder = try TempFolder()
        var spec = SampleSpec()
        spec.frames = 150
        try SampleMedia.write(spec, to: folder.path("a.mp4"))
        let provoke = provokeExecutable()
        func cli(_ arguments: [String]) throws {
            let result = try ProvokeReportTests.run(provoke, arguments, in: folder.url)
            XCTAssertEqual(result.status, 0, "provoke \(arguments): \(result.stderr)")
        }
        try folder.write("manifest.json", Self.manifest(icbTitle: "Increasing access: for ICBs"))
        try cli(["render", "manifest.json"])
        try folder.write("contacts.csv", Self.contacts)
        try cli(["contacts", "import", "contacts.csv"])
        try cli(["deliver", "campaign/for-icbs", "--to", "ann@icb.example", "--date", "2026-05-02"])
        // A recut: new bytes, so a new version of the ICB video; Ann now has an older one.
        try folder.write("manifest.json", Self.manifest(icbTitle: "Increasing access: for ICBs (recut)"))
        try cli(["render", "manifest.json", "--output", "for-icbs"])
        try cli(["deliver", "campaign/for-icbs", "--to", "bob@icb.example", "zoe@icb.example", "--status", "viewed",
                 "--date", "2026-05-10"])
        try cli(["deliver", "campaign/for-government", "--to", "gwen@gov.example", "--status", "responded",
                 "--channel", "meeting", "--date", "2026-05-12"])
        try cli(["deliver", "campaign/for-colleges", "--to", "carl@rcgp.example", "--status", "planned"])
        let started = Date()
        try cli(["report", "-o", "report"])
        let reportSeconds = Date().timeIntervalSince(started)

        // The record beside each MP4 now says who speaks and what the cards say.
        let record = try folder.read("out/for-icbs.json")
        XCTAssertTrue(record.contains("\"speaker\""), record)
        XCTAssertTrue(record.contains("Talk to your GP leaders"), record)
        XCTAssertTrue(record.contains("\"projectIdeas\""), record)

        // Posters: 480x270 PNGs, one per video. The ICB and government videos open on the same card, so their
        // posters are the same picture; the colleges' opens on a clip.
        let posters = try FileManager.default.contentsOfDirectory(atPath: folder.path("report/posters")).sorted()
        XCTAssertEqual(posters.count, 3, "\(posters)")
        let images = try posters.map { try Data(contentsOf: folder.url.appendingPathComponent("report/posters/\($0)")) }
        for image in images {
            XCTAssertEqual(Array(image.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "PNG signature")
            XCTAssertEqual(Self.bigEndian(image, at: 16), 480)
            XCTAssertEqual(Self.bigEndian(image, at: 20), 270)
        }
        XCTAssertEqual(Set(images).count, 2, "two videos open on the same statement card")

        let page = folder.url.appendingPathComponent("report/index.html")
        // No network address anywhere the browser would fetch from.
        let html = try folder.read("report/index.html"), css = try folder.read("report/report.css")
        for reference in ReportPageTests.attributeValues(html, names: ["href", "src"]) + ReportPageTests.cssURLs(css + html) {
            XCTAssertTrue(reference.hasPrefix("#") || reference == "report.css" || reference.hasPrefix("posters/"), reference)
        }
        let dom = try Chromium.dom(page, in: folder)
        XCTAssertTrue(dom.contains("</html>"), "Chromium loaded the page")
        for title in ["Increasing access: for ICBs (recut)", "Increasing access: for government",
                      "Increasing access: for the royal colleges"] {
            XCTAssertTrue(dom.contains("\">\(title)</h3>"), "video \(title)")
        }
        XCTAssertFalse(dom.contains(">Increasing access: for ICBs</h3>"), "the old version is not shown as a video")
        for (audience, label) in [("icb", "ICB"), ("college", "College"), ("government", "Government")] {
            XCTAssertTrue(dom.contains("<span class=\"badge badge-\(audience)\">\(label)</span>"), label)
        }
        // Pending: never received, older version, and planned-only (not received).
        for pending in ["<li>&lt;script&gt;alert(1)&lt;/script&gt;, East ICB</li>", "<li>Ann Example, North ICB</li>",
                        "<li>\"&gt;&lt;img src=x onerror=alert(1)&gt;, Select committee</li>",
                        "<li>Carl College, Royal College of GPs <span class=\"muted\">(planned)</span></li>"] {
            XCTAssertTrue(dom.contains(pending), pending)
        }
        XCTAssertTrue(dom.contains("<th scope=\"row\">Carl College</th><td class=\"got-none\">planned</td>"), "grid: planned")
        XCTAssertTrue(dom.contains("<th scope=\"row\">Ann Example</th><td class=\"got-older\">older</td>"), "grid: older")
        XCTAssertTrue(dom.contains("<th scope=\"row\">Bob Builder</th><td class=\"got-latest\">latest</td>"), "grid: latest")
        XCTAssertFalse(dom.contains("<li>Bob Builder"), "Bob has the latest version")
        for idea in ["More access feeds demand, not health", "Continuity of care &lt;b&gt;saves&lt;/b&gt; lives",
                     "General practice needs one voice"] {
            XCTAssertTrue(dom.contains(idea), idea)
        }
        XCTAssertEqual(dom.components(separatedBy: "Not yet in front of anyone").count - 1, 1, "only 'voice'")
        XCTAssertTrue(dom.contains("Dr Ann &lt;i&gt;O'Neil&lt;/i&gt;, GP partner"), "speaker, as text")
        XCTAssertTrue(dom.contains("Talk to your GP leaders / javascript:alert(1)"), "card words, as text")

        // Nothing injected: no script element, no image but the three posters, no event handler, no
        // javascript: link.
        XCTAssertFalse(dom.lowercased().contains("<script"))
        let imgs = dom.matches(of: /<img [^>]*>/).map { String($0.output) }
        XCTAssertEqual(imgs.count, 3, "\(imgs)")
        for img in imgs {
            XCTAssertTrue(img.contains("src=\"posters/"), img)
            XCTAssertTrue(img.contains("alt=\"Poster of "), img)
        }
        XCTAssertNil(dom.firstMatch(of: /<[^>]*\son[a-z]+=/), "an event handler attribute")
        XCTAssertFalse(dom.contains("href=\"javascript"))

        // A picture for the README, taken as a campaign lead first sees the page.
        let shot = folder.url.appendingPathComponent("report.png")
        let taken = try Chromium.run(["--window-size=1280,2300", "--force-device-scale-factor=0.75", "--screenshot=\(shot.path)", page.absoluteString], in: folder)
        XCTAssertEqual(taken.status, 0, taken.stderr)
        let png = try Data(contentsOf: shot)
        XCTAssertEqual(Self.bigEndian(png, at: 16), 960, "1280 CSS pixels at 0.75")
        if let docs = ProcessInfo.processInfo.environment["PROVOKE_UPDATE_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: docs)
            try FileManager.default.copyItem(at: shot, to: URL(fileURLWithPath: docs))
        }
        // Printed: the print stylesheet asks for A4, and Chromium's PDF has A4 pages (595 x 842 points).
        let pdf = folder.url.appendingPathComponent("report.pdf")
        let printed = try Chromium.run(["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", page.absoluteString], in: folder)
        XCTAssertEqual(printed.status, 0, printed.stderr)
        let boxes = String(decoding: try Data(contentsOf: pdf), as: UTF8.self).matches(of: /MediaBox *\[0 0 ([0-9.]+) ([0-9.]+)\]/)
        XCTAssertFalse(boxes.isEmpty, "pages in the PDF")
        for box in boxes {
            XCTAssertEqual(Double(box.output.1) ?? 0, 595, accuracy: 1.5)
            XCTAssertEqual(Double(box.output.2) ?? 0, 842, accuracy: 1.5)
        }
        print("report of \(posters.count) videos with posters: \(String(format: "%.2f", reportSeconds)) s")
    }

    static func bigEndian(_ data: Data, at offset: Int) -> Int {
        data.dropFirst(offset).prefix(4).reduce(0) { $0 << 8 | Int($1) }
    }
}
