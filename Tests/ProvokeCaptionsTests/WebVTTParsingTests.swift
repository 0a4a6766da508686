import Foundation
import XCTest
@testable import ProvokeCaptions

final class WebVTTParsingTests: XCTestCase {
    func testHeaderNotesStylesRegionsIdentifiersAndSettings() {
        let parsed = CaptionFile.parse(contents: file(
            "WEBVTT - Provocation session, 1 May",
            "Kind: captions",
            "Language: en-GB",
            "",
            "NOTE",
            "This is a comment that spans",
            "two lines, and contains --> an arrow",
            "",
            "STYLE",
            "::cue { color: yellow }",
            "",
            "REGION",
            "id:fred width:40%",
            "",
            "intro",
            "00:01.000 --> 00:04.000 align:start line:0 position:10%",
            "<v Dr A. Example>Access is not</v>",
            "<c.yellow.bg_blue>the same</c> as <i>care</i>",
            "",
            "NOTE a one-line note",
            "",
            "2",
            "00:00:05.000 --> 00:00:06.500",
            "Karaoke <00:00:05.500>style <00:05.750>timestamps",
            "<ruby>漢<rt>kan</rt></ruby> &amp; <lang cy>Croeso ŵ ŷ</lang>",
            "",
            "01:00:00.000 --> 01:00:01.000",
            "No identifier",
            ""), fileName: "session.vtt")
        XCTAssertEqual(parsed.format, .vtt)
        XCTAssertEqual(printed(parsed), [])
        XCTAssertEqual(parsed.cues, [
            Cue(start: 1000, end: 4000, text: "Access is not\nthe same as care", speaker: "Dr A. Example"),
            cue(5000, 6500, "Karaoke style timestamps\n漢kan & Croeso ŵ ŷ"),
            cue(3_600_000, 3_601_000, "No identifier"),
        ])
        XCTAssertEqual(parsed.cueLines, [16, 23, 27])
    }

    func testByteOrderMarkCRLFAndNoFinalLineEnd() {
        let text = "\u{FEFF}" + file("WEBVTT", "", "00:00:01.000 --> 00:00:02.000", "a < b &lt; c", "",
                                     "00:03.000 --> 00:04.000", "end", ending: "\r\n")
        let parsed = CaptionFile.parse(contents: Data(text.utf8), fileName: "x.vtt")
        XCTAssertEqual(parsed.cues, [cue(1000, 2000, "a < b < c"), cue(3000, 4000, "end")])
        XCTAssertEqual(printed(parsed), [])
    }

    func testMissingSignatureIsAnErrorButCuesAreStillRead() {
        let parsed = CaptionFile.parse(contents: file(
            "00:00:01.000 --> 00:00:02.000", "An SRT-ish file named .vtt", ""), fileName: "wrong.vtt")
        XCTAssertEqual(printed(parsed), [
            #"wrong.vtt:1: expected "WEBVTT" on the first line, found "00:00:01.000 --> 00:00:02.000""#,
        ])
        XCTAssertEqual(parsed.cues, [cue(1000, 2000, "An SRT-ish file named .vtt")])

        XCTAssertEqual(printed(CaptionFile.parse(contents: "WEBVTTX\n", fileName: "w.vtt")),
                       [#"w.vtt:1: expected "WEBVTT" on the first line, found "WEBVTTX""#])
        XCTAssertEqual(printed(CaptionFile.parse(contents: "", fileName: "w.vtt")),
                       [#"w.vtt:1: expected "WEBVTT" on the first line, found an empty line"#])
        XCTAssertEqual(printed(CaptionFile.parse(contents: "WEBVTT\tx\n", fileName: "w.vtt")),
                       ["w.vtt:1: warning: no cues in this file"])
    }

    func testMalformedTimingIsReportedWithTheIdentifier() {
        let parsed = CaptionFile.parse(contents: file(
            "WEBVTT",
            "",
            "opening",
            "00:01.000 -> 00:02.000",
            "Skipped",
            "",
            "1:02.000 --> 00:03.000",
            "Skipped too",
            "",
            "dangling",
            ""), fileName: "bad.vtt")
        XCTAssertEqual(printed(parsed), [
            #"bad.vtt:4: expected a timing line like 00:00:01.000 --> 00:00:02.000 after cue identifier "opening", found "00:01.000 -> 00:02.000""#,
            #"bad.vtt:7: expected a timing line like 00:00:01.000 --> 00:00:02.000, found "1:02.000 --> 00:03.000""#,
            #"bad.vtt:10: expected a timing line like 00:00:01.000 --> 00:00:02.000 after cue identifier "dangling", found the end of the file"#,
        ])
        XCTAssertEqual(parsed.cues, [])
    }

    func testALineWithAnArrowEndsTheCueText() {
        // Per the WebVTT parser, a line containing "-->" starts the next cue even without a blank line.
        let parsed = CaptionFile.parse(contents: file(
            "WEBVTT", "", "00:01.000 --> 00:02.000", "One", "00:02.000 --> 00:03.000", "Two"), fileName: "a.vtt")
        XCTAssertEqual(parsed.cues, [cue(1000, 2000, "One"), cue(2000, 3000, "Two")])
    }

    func testEndBeforeStart() {
        let parsed = CaptionFile.parse(contents: file("WEBVTT", "", "00:05.000 --> 00:04.000", "Back"), fileName: "b.vtt")
        XCTAssertEqual(printed(parsed), ["b.vtt:3: expected the end time after the start time, found 00:00:05.000 --> 00:00:04.000"])
    }
}
