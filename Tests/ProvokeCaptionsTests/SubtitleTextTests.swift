import XCTest
@testable import ProvokeCaptions

/// Caption text for the MP4's soft track, as libavcodec's `ass_split.c` (FFmpeg 5.1) reads an event: only
/// `{\`, `\n` and `\N` mean anything there, so only those are broken up.
final class SubtitleTextTests: XCTestCase {
    let wj = "\u{2060}"

    func testOnlyTheSequencesTheEncoderReadsAreBrokenUp() {
        XCTAssertEqual(SubtitleText.escape(#"{\an8}top"#), "{" + wj + #"\an8}top"#)
        XCTAssertEqual(SubtitleText.escape(#"C:\new\Notes"#), #"C:\"# + wj + #"new\"# + wj + "Notes")
        XCTAssertEqual(SubtitleText.escape("a {b} c\\"), "a {b} c\\", "a brace or backslash alone is copied through")
        XCTAssertEqual(SubtitleText.escape("two\nlines\r\nthree"), #"two\Nlines\Nthree"#)
        XCTAssertEqual(SubtitleText.escape("tab\there, nul\u{0}, bell\u{7}, esc\u{1B}"), "tab here, nul, bell, esc")
    }

    func testTheEventPutsTheTextInTheLastFieldAndKeepsTheStyleNameToOneField() {
        XCTAssertEqual(SubtitleText.assEvent("Access, not care", style: "Caption"), "0,0,Caption,,0,0,0,,Access, not care")
        XCTAssertEqual(SubtitleText.assEvent("x", style: "A,B\nC"), "0,0,ABC,,0,0,0,,x")
    }
}
