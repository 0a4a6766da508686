@testable import ProvokeCards
import ProvokeManifest
import ProvokeTimeline
import XCTest

/// A personal edition's code on the end card: in the title-safe bottom right corner, at its size, whatever the
/// code's characters, and with the card's own words unchanged.
final class EditionCodeTests: XCTestCase {
    func testTheCodeFitsTheSafeCornerWhateverItsCharacters() throws {
        let format = OutputFormat()  // 1280x720: the corner is (1152, 648)
        let frames = FrameRange(start: 0, count: 90)
        var plain = card(.end, text: "Talk to your GP leaders", url: "wisegp.co.uk")
        let without = try CardLayout.scene(for: plain, frames: frames, format: format)
        // Every character of the alphabet last (the widest ink past its advance decides), and a "7W" pair.
        for last in Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ") {
            plain.edition = "7WMW-WMW\(last)"
            let scene = try CardLayout.scene(for: plain, frames: frames, format: format)
            XCTAssertEqual(scene.scale, 1, "code ending \(last) shrank the card")
            let ink = try XCTUnwrap(try scene.inkFrame(atMilliseconds: 2000, format: format).inkBounds)
            XCTAssertLessThanOrEqual(ink.maxX, 1152, "\(last)")
            XCTAssertLessThanOrEqual(ink.maxY, 648, "\(last)")
            XCTAssertGreaterThan(ink.maxX, 1100, "the code is in the right corner")
            XCTAssertGreaterThan(ink.maxY, 620, "the code is at the bottom")
        }
        XCTAssertEqual(without.scale, 1)
    }
}
