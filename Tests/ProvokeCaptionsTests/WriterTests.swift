import Foundation
import XCTest
@testable import ProvokeCaptions

final class WriterTests: XCTestCase {
    /// Texts with everything but markup: punctuation, braces, backslashes, Unicode, no-break spaces.
    let awkward: [Cue] = [
        cue(0, 1500, "Plain"),
        cue(1500, 3000, "Two\nlines"),
        cue(2000, 2500, "Overlaps: ' , ; [ ] % = cmd|"),
        cue(4000, 5000, "{\\an8}{\\p1}m 0 0 l 100 0 \\N \\ }{"),
        cue(5000, 6001, "Croeso ŵ ŷ · مرحبا · 漢字 · 👩‍👩‍👧 · e\u{301}"),
        cue(3_600_000, 3_601_001, "No-break\u{00A0}space and the hour mark"),
        cue(360_000_000, 360_000_010, "Past 99 hours"),
    ]

    func testSRTIsWrittenInTheUsualShape() {
        XCTAssertEqual(SRT.write([cue(1000, 2500, "Hello"), cue(3_723_004, 3_724_000, "Two\nlines")]), """
            1
            00:00:01,000 --> 00:00:02,500
            Hello

            2
            01:02:03,004 --> 01:02:04,000
            Two
            lines


            """)
    }

    func testWebVTTIsWrittenWithEscapes() {
        XCTAssertEqual(WebVTT.write([cue(1000, 2500, "a < b & c > d"), cue(3000, 4000, "<i>not a tag</i>\n-->")]), """
            WEBVTT

            00:00:01.000 --> 00:00:02.500
            a &lt; b &amp; c &gt; d

            00:00:03.000 --> 00:00:04.000
            &lt;i&gt;not a tag&lt;/i&gt;
            --&gt;


            """)
    }

    func testSRTRoundTrip() {
        let written = CaptionFormat.srt.write(awkward)
        let parsed = CaptionFile.parse(contents: written, fileName: "out.srt")
        XCTAssertEqual(printed(parsed), [])
        XCTAssertEqual(parsed.cues, awkward)
    }

    func testWebVTTRoundTripIncludingTagLikeText() {
        let cues = awkward + [cue(7000, 8000, "<b>literal</b> &amp; <00:01.000> a<b>c &nbsp;")]
        let written = CaptionFormat.vtt.write(cues)
        let parsed = CaptionFile.parse(contents: written, fileName: "out.vtt")
        XCTAssertEqual(printed(parsed), [])
        XCTAssertEqual(parsed.cues, cues)
    }

    func testBlankLinesInsideTextDoNotSplitTheCue() {
        let cues = [cue(0, 1000, "First\n\n   \nsecond\r\nthird\rfourth\0"), cue(1000, 2000, "\n\nNext\n")]
        for format in CaptionFormat.allCases {
            let parsed = CaptionFile.parse(contents: format.write(cues), fileName: "x.\(format.rawValue)")
            XCTAssertEqual(printed(parsed), [], "\(format)")
            XCTAssertEqual(parsed.cues, [cue(0, 1000, "First\nsecond\nthird\nfourth"), cue(1000, 2000, "Next")], "\(format)")
        }
        XCTAssertEqual(SRT.write(cues), "1\n00:00:00,000 --> 00:00:01,000\nFirst\nsecond\nthird\nfourth\n\n2\n00:00:01,000 --> 00:00:02,000\nNext\n\n")
    }

    func testCuesWithoutTextAreSkippedAndNumberingStaysConsecutive() {
        XCTAssertEqual(SRT.write([cue(0, 1, "A"), cue(1, 2, "\n \n"), cue(2, 3, "B")]),
                       "1\n00:00:00,000 --> 00:00:00,001\nA\n\n2\n00:00:00,002 --> 00:00:00,003\nB\n\n")
        XCTAssertEqual(WebVTT.write([]), "WEBVTT\n\n")
        XCTAssertEqual(SRT.write([]), "")
    }

    /// SRT has no escape: tag-like text is written as it is, and reads back as markup. This is why the
    /// round trip above holds only for texts without tags, and why WebVTT sidecars escape.
    func testSRTTagLikeTextIsNotEscaped() {
        let parsed = CaptionFile.parse(contents: SRT.write([cue(0, 1000, "<i>x</i> &amp;")]), fileName: "t.srt")
        XCTAssertEqual(parsed.cues.map(\.text), ["x &"])
    }
}
