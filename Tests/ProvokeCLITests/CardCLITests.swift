import FFmpegKit
import Foundation
import XCTest

/// Cards from the command line: fonts and logos that must exist, audience words that must be there, and looking
/// at an output (`still`, `storyboard`) without rendering it.
extension CLITests {
    static func cards(font: String = "DejaVu Sans", logo: String = "logo.png", government: Bool = true) -> String {
        """
        {
          "provoke": 1,
          "project": {"id": "cli", "title": "Increasing access is harmful to health", "date": "1 May"},
          "style": {"font": "\(font)", "background": "#12263A", "logo": "\(logo)"},
          "sources": [{"id": "a", "file": "a.mp4"}],
          "clips": [{"id": "one", "source": "a", "in": 1, "out": 3}],
          "cards": [
            {"id": "provocation", "template": "statement", "duration": 3, "text": "Increasing access is harmful to health"},
            {"id": "close", "template": "end", "duration": 3,
             "text": {"icb": "Talk to your GP leaders", "college": "Teach continuity"}, "url": "wisegp.co.uk"}
          ],
          "outputs": [
            {"id": "for-icbs", "audience": "icb", "title": "ICBs",
             "sequence": ["provocation", {"item": "one", "transition": {"type": "crossfade", "duration": 0.5}},
                          {"item": "close", "transition": {"type": "fade", "duration": 0.5}}]}\(government ? "," : "")
            \(government ? #"{"id": "for-government", "audience": "government", "title": "Government", "sequence": ["one", "close"]}"# : "")
          ]
        }
        """
    }

    func logo() throws {
        try PNGImage.encode(try Frame.yuv420p(width: 64, height: 32)).write(to: dir.appendingPathComponent("logo.png"))
    }

    func testMissingFontLogoAndAudienceAreValidationErrors() throws {
        try source("a.mp4")
        try write(CLITests.cards(font: "No Such Font 123", logo: "assets/missing.png"), "manifest.json")
        let r = try provoke(["validate", "manifest.json"])
        XCTAssertEqual(r.status, 1, r.err)
        XCTAssertTrue(r.err.contains(#"style.font: no font family "No Such Font 123" is installed"#), r.err)
        XCTAssertTrue(r.err.contains("style.logo: file not found:"), r.err)
        XCTAssertTrue(r.err.contains(#"card "close" has no text for audience "government""#), r.err)
        XCTAssertTrue(r.err.contains("manifest.json: 3 errors"), r.err)
        // Nothing is drawn either.
        XCTAssertEqual(try provoke(["still", "manifest.json", "--output", "for-icbs", "--at", "1", "-o", "x.png"]).status, 1)
        XCTAssertEqual(files(""), ["a.mp4", "manifest.json"])
    }

    func testStillAndStoryboardWritePNGsOfWhatRenderWouldShow() throws {
        try source("a.mp4"); try logo()
        // Without the government output, whose words for the end card are missing.
        try write(CLITests.cards(government: false), "manifest.json")
        let v = try provoke(["validate", "manifest.json"])
        XCTAssertEqual(v.status, 0, v.err)

        let s = try provoke(["still", "manifest.json", "--output", "for-icbs", "--at", "00:00:02.000", "-o", "card.png"])
        XCTAssertEqual(s.status, 0, s.err)
        XCTAssertTrue(s.out.contains("frame 60"), s.out)
        let still = try XCTUnwrap(stream(try ffprobeJSON(dir.appendingPathComponent("card.png").path), "video"))
        XCTAssertEqual(still["codec_name"] as? String, "png")
        XCTAssertEqual(still["width"] as? Int, 1280)
        XCTAssertEqual(still["height"] as? Int, 720)

        let b = try provoke(["storyboard", "manifest.json", "--output", "for-icbs"])
        XCTAssertEqual(b.status, 0, b.err)
        XCTAssertTrue(b.out.contains("3 items"), b.out)
        let sheet = try XCTUnwrap(stream(try ffprobeJSON(dir.appendingPathComponent("for-icbs-storyboard.png").path), "video"))
        XCTAssertEqual(sheet["width"] as? Int, 16 + 4 * 336)

        // Past the end, or not a time: a usage error, and no file.
        XCTAssertEqual(try provoke(["still", "manifest.json", "--output", "for-icbs", "--at", "60", "-o", "late.png"]).status, 2)
        XCTAssertEqual(try provoke(["still", "manifest.json", "--output", "for-icbs", "--at", "soon", "-o", "late.png"]).status, 2)
        XCTAssertFalse(files("").contains("late.png"))
        XCTAssertFalse(files("").contains { $0.contains("partial") }, "\(files(""))")
    }

    func ffprobeJSON(_ path: String) throws -> [String: Any] {
        let data = try tool("/usr/bin/ffprobe", ["-v", "error", "-print_format", "json", "-show_streams", path]).out
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func stream(_ probe: [String: Any], _ type: String) -> [String: Any]? {
        (probe["streams"] as? [[String: Any]])?.first { $0["codec_type"] as? String == type }
    }
}
