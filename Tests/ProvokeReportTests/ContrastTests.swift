import Foundation
@testable import ProvokeReport
import XCTest

/// WCAG AA for every colour pair the stylesheet uses, computed from the palette it is written from.
final class ContrastTests: XCTestCase {
    func testTheContrastFormulaMatchesWCAGsReferenceValues() {
        XCTAssertEqual(RGB.contrast(RGB(0x000000), RGB(0xFFFFFF)), 21, accuracy: 0.001)
        XCTAssertEqual(RGB.contrast(RGB(0x777777), RGB(0xFFFFFF)), 4.48, accuracy: 0.01, "#777 on white just fails AA")
        XCTAssertEqual(RGB.contrast(RGB(0xFFFFFF), RGB(0xFFFFFF)), 1, accuracy: 0.001)
    }

    func testEveryTextPairReachesAA() {
        for pair in Palette.textPairs {
            let ratio = RGB.contrast(pair.text, pair.background)
            XCTAssertGreaterThanOrEqual(ratio, 4.5, "\(pair.use): \(pair.text) on \(pair.background) is \(ratio):1")
        }
    }

    func testGraphicsThatCarryMeaningReachThreeToOne() {
        for pair in Palette.graphicPairs {
            let ratio = RGB.contrast(pair.foreground, pair.background)
            XCTAssertGreaterThanOrEqual(ratio, 3, "\(pair.use): \(pair.foreground) on \(pair.background) is \(ratio):1")
        }
    }

    func testTheStylesheetUsesNoColourOutsideThePalette() throws {
        let checked = Set(Palette.textPairs.flatMap { [$0.text, $0.background] }
                          + Palette.graphicPairs.flatMap { [$0.foreground, $0.background] }).map(\.description)
        // The rule colour draws borders only (decorative: no text or meaning depends on it).
        let allowed = Set(checked + [Palette.rule.description])
        let used = Palette.css.matches(of: /#[0-9A-Fa-f]{6}\b/).map { String($0.output).uppercased() }
        XCTAssertFalse(used.isEmpty)
        for colour in used { XCTAssertTrue(allowed.contains(colour), "\(colour) is not in a checked pair") }
        XCTAssertFalse(Palette.css.contains("rgb("), "colours only as #RRGGBB, so this test sees them all")
    }
}
