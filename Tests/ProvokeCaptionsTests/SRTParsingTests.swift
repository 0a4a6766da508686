import Foundation
import XCTest
@testable import ProvokeCaptions

final class SRTParsingTests: XCTestCase {
    func testReadsNumberedCuesWithMultiLineText() {
        let parsed = CaptionFile.parse(contents: file(
            "1",
            "00:00:01,000 --> 00:00:02,500",
            "Hello",
            "",
            "2",
            "00:00:03,000 --> 00:01:04,250",
            "Two",
            "lines",
            ""), fileName: "a.srt")
        XCTAssertEqual(parsed.format, .srt)
        XCTAssertEqual(parsed.cues, [cue(1000, 2500, "Hello"), cue(3000, 64_250, "Two\nlines")])
        XCTAssertEqual(parsed.cueLines, [2, 6])
        XCTAssertEqual(printed(parsed), [])
    }

    func testByteOrderMarkCRLFAndNoFinalBlankLine() {
        let text = "\u{FEFF}" + file(
            "1",
            "00:00:01,000 --> 00:00:02,000",
            "First",
            "",
            "2",
            "00:00:03,000 --> 00:00:04,000",
            "Last, with no line end", ending: "\r\n")
        let parsed = CaptionFile.parse(contents: text, fileName: "bom.srt")
        XCTAssertEqual(parsed.cues, [cue(1000, 2000, "First"), cue(3000, 4000, "Last, with no line end")])
        XCTAssertEqual(printed(parsed), [])

        // The same as bytes, as a file would be read.
        let fromData = CaptionFile.parse(contents: Data(text.utf8), fileName: "bom.srt")
        XCTAssertEqual(fromData.cues, parsed.cues)
        XCTAssertEqual(printed(fromData), [])
        XCTAssertEqual(Array(Data(text.utf8).prefix(3)), [0xEF, 0xBB, 0xBF])
    }

    func testOldMacCRLineEndsAndMixedEndings() {
        let text = "1\r00:00:01,000 --> 00:00:02,000\rOne\r\r2\r\n00:00:03,000 --> 00:00:04,000\nTwo\r\nlines\n"
        let parsed = CaptionFile.parse(contents: text, fileName: "cr.srt")
        XCTAssertEqual(parsed.cues, [cue(1000, 2000, "One"), cue(3000, 4000, "Two\nlines")])
        XCTAssertEqual(printed(parsed), [])
    }

    func testCommaAndDotMillisecondSeparatorsAndMissingNumbers() {
        let parsed = CaptionFile.parse(contents: file(
            "00:00:01.000 --> 00:00:02,000",
            "No number, dot then comma",
            "",
            "7",
            "00:00:05,5 --> 00:00:06,000",
            "Bad fraction",
            "",
            "8",
            "100:00:00.001 --> 100:00:01.999 X1:10 X2:20 Y1:5 Y2:9",
            "Long hours and SRT coordinates"), fileName: "sep.srt")
        XCTAssertEqual(parsed.cues, [
            cue(1000, 2000, "No number, dot then comma"),
            cue(360_000_001, 360_001_999, "Long hours and SRT coordinates"),
        ])
        XCTAssertEqual(printed(parsed), [
            #"sep.srt:5: expected a timing line like 00:00:01,000 --> 00:00:02,000, found "00:00:05,5 --> 00:00:06,000""#,
        ])
    }

    func testMarkupIsStrippedButOddTextIsKept() {
        let parsed = CaptionFile.parse(contents: file(
            "1",
            "00:00:01,000 --> 00:00:02,000",
            "<i>Italic</i> and <b>bold</b>, <u>u</u> <s>s</s>",
            "<font color=\"#ff0000\" face='Arial'>red</font> <FONT COLOR=red>shout</FONT>",
            "",
            "2",
            "00:00:03,000 --> 00:00:04,000",
            "{\\an8}Top? No: literal text",
            "a < b and c > d, x<y>z, <3, <bold>, 1<2",
            "",
            "3",
            "00:00:05,000 --> 00:00:06,000",
            "AT&T &amp; R&D &lt;b&gt; &#233;t&#xE9; &unknown; &#0; a&nbsp;b",
            "<i></i>",
            ""), fileName: "tags.srt")
        XCTAssertEqual(parsed.cues.map(\.text), [
            "Italic and bold, u s\nred shout",
            "{\\an8}Top? No: literal text\na < b and c > d, x<y>z, <3, <bold>, 1<2",
            "AT&T & R&D <b> été &unknown; &#0; a\u{00A0}b",
        ])
        XCTAssertEqual(printed(parsed), [])
    }

    /// The example from the issue: the diagnostic names the file, the line, what was expected and what was found.
    func testMalformedTimingLineIsReportedAtItsLine() {
        var lines: [String] = []
        for n in 1...3 {
            lines += ["\(n)", "00:00:0\(n),000 --> 00:00:0\(n),500", "Cue \(n)", ""]
        }
        lines += ["4", "00:00:01 -> 2", "Broken", "", "5", "00:00:09,000 --> 00:00:10,000", "Still read", ""]
        let parsed = CaptionFile.parse(contents: lines.joined(separator: "\n"), fileName: "captions/may1.srt")
        XCTAssertEqual(printed(parsed), [
            #"captions/may1.srt:14: expected a timing line like 00:00:01,000 --> 00:00:02,000, found "00:00:01 -> 2""#,
        ])
        XCTAssertEqual(parsed.diagnostics.first?.line, 14)
        XCTAssertEqual(parsed.diagnostics.first?.severity, .error)
        XCTAssertEqual(parsed.cues.map(\.text), ["Cue 1", "Cue 2", "Cue 3", "Still read"])
        XCTAssertTrue(parsed.hasErrors)
    }

    func testEveryProblemIsReportedAtOnce() {
        let parsed = CaptionFile.parse(contents: file(
            "Title: not a cue",                  // 1
            "",
            "1",
            "00:00:05,000 --> 00:00:04,000",     // 4 end before start
            "Backwards",
            "",
            "2",
            "00:00:06,000 --> 00:00:06,000",     // 8 zero length
            "Never shown",
            "",
            "3",
            "00:00:07,000 --> 00:00:08,000",     // 12 no text
            "",
            "4",
            "00:00:09,000 --> 00:00:10,000",     // 15
            "Fine",
            "",
            "5",                                 // 18 number, then the end of the file
            ""), fileName: "bad.srt")
        XCTAssertEqual(printed(parsed), [
            #"bad.srt:1: expected a cue number or a timing line like 00:00:01,000 --> 00:00:02,000, found "Title: not a cue""#,
            "bad.srt:4: expected the end time after the start time, found 00:00:05,000 --> 00:00:04,000",
            "bad.srt:8: warning: cue starts and ends at 00:00:06,000, so it is never shown; skipped",
            "bad.srt:12: warning: cue has no text; skipped",
            "bad.srt:18: expected a timing line like 00:00:01,000 --> 00:00:02,000 after cue number 5, found the end of the file",
        ])
        XCTAssertEqual(parsed.cues, [cue(9000, 10_000, "Fine")])
        XCTAssertEqual(parsed.cueLines, [15])
    }

    func testCueNumberAtEndOfFile() {
        let parsed = CaptionFile.parse(contents: file("1", "00:00:01,000 --> 00:00:02,000", "A", "", "2"),
                                       fileName: "end.srt")
        XCTAssertEqual(printed(parsed), [
            "end.srt:5: expected a timing line like 00:00:01,000 --> 00:00:02,000 after cue number 2, found the end of the file",
        ])
    }

    func testTextAfterABlankLineInsideACueStaysWithItWithAWarning() {
        let parsed = CaptionFile.parse(contents: file(
            "1",
            "00:00:01,000 --> 00:00:02,000",
            "First line",
            "",
            "second paragraph",
            "",
            "",
            "2",
            "00:00:03,000 --> 00:00:04,000",
            "Next"), fileName: "gap.srt")
        XCTAssertEqual(parsed.cues, [cue(1000, 2000, "First line\nsecond paragraph"), cue(3000, 4000, "Next")])
        XCTAssertEqual(printed(parsed), [
            "gap.srt:5: warning: text after a blank line inside the cue at line 2; kept as part of that cue (a blank line ends a cue in SRT)",
        ])
    }

    func testLinesThatLookLikeTimesAfterABlankLineAreReadAsCues() {
        // "12:30 ..." after a blank line looks like a timing line, so it is reported, not shown.
        let parsed = CaptionFile.parse(contents: file(
            "1", "00:00:01,000 --> 00:00:02,000", "Meeting at", "", "12:30 in room 4"), fileName: "t.srt")
        XCTAssertEqual(printed(parsed), [
            #"t.srt:5: expected a cue number or a timing line like 00:00:01,000 --> 00:00:02,000, found "12:30 in room 4""#,
        ])
    }

    func testTimestampRules() {
        XCTAssertEqual(Timestamp.parse("00:00:01,000"), 1000)
        XCTAssertEqual(Timestamp.parse("01:02:03.004"), 3_723_004)
        XCTAssertEqual(Timestamp.parse("02:03.004"), 123_004)
        XCTAssertEqual(Timestamp.parse("123:00:00,000"), 442_800_000)
        for bad in ["00:60:00,000", "00:00:60,000", "0:0:1,000", "00:00:01,0000", "00:00:01", "00:00:01;000",
                    "00:00:01,00", "1,000", "aa:00:01,000", "-1:00:01,000", "00:00:01, 00", ""] {
            XCTAssertNil(Timestamp.parse(bad), bad)
        }
        XCTAssertEqual(Timestamp.format(0, separator: ","), "00:00:00,000")
        XCTAssertEqual(Timestamp.format(3_723_004, separator: "."), "01:02:03.004")
        XCTAssertEqual(Timestamp.format(360_000_000, separator: ","), "100:00:00,000")
        XCTAssertEqual(Timestamp.format(-5, separator: ","), "00:00:00,000")
    }

    func testLongFoundTextIsShortened() {
        let long = String(repeating: "x", count: 80)
        let parsed = CaptionFile.parse(contents: file("1", long), fileName: "l.srt")
        XCTAssertEqual(printed(parsed), [
            "l.srt:2: expected a timing line like 00:00:01,000 --> 00:00:02,000, found \"" + String(repeating: "x", count: 57) + "…\"",
        ])
    }

    func testBytesThatAreNotUTF8AreReportedAtTheirLine() {
        var data = Data("1\n00:00:01,000 --> 00:00:02,000\nCaf".utf8)
        data.append(0xE9)  // é in Windows-1252
        data.append(contentsOf: Array("\n".utf8))
        let parsed = CaptionFile.parse(contents: data, fileName: "latin1.srt")
        XCTAssertEqual(printed(parsed), [
            "latin1.srt:3: expected UTF-8 text, found byte 0xE9 (the file looks like another encoding, e.g. Windows-1252; save it as UTF-8)",
        ])
        XCTAssertEqual(parsed.cues, [cue(1000, 2000, "Caf\u{FFFD}")])
    }

    func testUTF16WithByteOrderMarkIsRead() {
        let text = "1\r\n00:00:01,000 --> 00:00:02,000\r\nŵŷ 漢字\r\n"
        var data = Data([0xFF, 0xFE])
        data.append(text.data(using: .utf16LittleEndian)!)
        let parsed = CaptionFile.parse(contents: data, fileName: "wide.srt")
        XCTAssertEqual(parsed.cues, [cue(1000, 2000, "ŵŷ 漢字")])
        XCTAssertEqual(printed(parsed), [])
    }

    func testEmptyFileWarns() {
        XCTAssertEqual(printed(CaptionFile.parse(contents: "", fileName: "e.srt")), ["e.srt:1: warning: no cues in this file"])
        XCTAssertEqual(printed(CaptionFile.parse(contents: "\n\n\n", fileName: "e.srt")), ["e.srt:1: warning: no cues in this file"])
    }

    func testOverlappingAndUnorderedCuesAreKeptInFileOrder() {
        let parsed = CaptionFile.parse(contents: file(
            "1", "00:00:05,000 --> 00:00:08,000", "Later", "",
            "2", "00:00:01,000 --> 00:00:06,000", "Earlier, overlapping"), fileName: "o.srt")
        XCTAssertEqual(parsed.cues, [cue(5000, 8000, "Later"), cue(1000, 6000, "Earlier, overlapping")])
        XCTAssertEqual(printed(parsed), [])
    }

    func testFormatFromFileName() {
        XCTAssertEqual(CaptionFormat(fileName: "captions/may1.SRT"), .srt)
        XCTAssertEqual(CaptionFormat(fileName: "x.vtt"), .vtt)
        XCTAssertEqual(CaptionFormat(fileName: "x.webvtt"), .vtt)
        XCTAssertNil(CaptionFormat(fileName: "x.txt"))
        XCTAssertNil(CaptionFormat(fileName: "dir.srt/file"))
        XCTAssertNil(CaptionFormat(fileName: "srt"))

        let vtt = CaptionFile.parse(contents: "WEBVTT\n\n00:01.000 --> 00:02.000\nHi\n", fileName: "c.txt")
        XCTAssertEqual(vtt.format, .vtt)
        XCTAssertEqual(printed(vtt), ["c.txt:1: warning: expected a file name ending in .srt or .vtt; read as WebVTT (the text starts with WEBVTT)"])
        let srt = CaptionFile.parse(contents: "1\n00:00:01,000 --> 00:00:02,000\nHi\n", fileName: "c.txt")
        XCTAssertEqual(srt.format, .srt)
        XCTAssertEqual(srt.cues.count, 1)
        // An explicit format wins over the name.
        XCTAssertEqual(CaptionFile.parse(contents: "WEBVTT\n", fileName: "c.srt", format: .vtt).format, .vtt)
    }

    func testCuesPastTheRecordingsEndAreWarnings() {
        let parsed = CaptionFile.parse(contents: file(
            "1", "00:00:01,000 --> 00:00:02,000", "In", "",
            "2", "00:01:59,000 --> 00:02:01,000", "Runs over", "",
            "3", "00:02:05,000 --> 00:02:06,000", "After"), fileName: "a.srt")
        XCTAssertEqual(parsed.diagnosticsForCues(pastEnd: 120_000).map(\.description), [
            "a.srt:6: warning: cue ends at 00:02:01.000, after the recording ends (00:02:00.000)",
            "a.srt:10: warning: cue starts at 00:02:05.000, after the recording ends (00:02:00.000)",
        ])
    }

    func testReferenceJobFilesParseCleanly() {
        let a = CaptionFile.parse(contents: ReferenceJob.captionsA, fileName: "captions-a.srt")
        let b = CaptionFile.parse(contents: ReferenceJob.captionsB, fileName: "captions-b.srt")
        XCTAssertEqual(a.cues.count, 14)
        XCTAssertEqual(b.cues.count, 9)
        XCTAssertEqual(printed(a) + printed(b), [])
        XCTAssertEqual(b.cues[6], cue(81_000, 84_500, "Fund time, not throughput: that's the ask."))
        XCTAssertEqual(a.cues[1], cue(8_500, 12_000, "That is the provocation\nwe were asked to argue today."))
    }
}
