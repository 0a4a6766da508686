import Foundation
import ProvokeCaptions
import ProvokeManifest
import ProvokeTimeline
import XCTest
@testable import ProvokeCards

/// Card text is drawn as written: no text can add override tags, drawings, line breaks or script lines.
final class TextIsDataTests: XCTestCase {
    func scene(_ template: CardTemplate, _ text: String) throws -> CardScene {
        try CardLayout.scene(for: card(template, text: text, attribution: text, points: [text, "second"], value: text,
                                       label: text, url: text, event: text, date: text),
                             frames: testFrames, format: testFormat)
    }

    func holdFrame(_ scene: CardScene) throws -> InkFrame { try rasterizer(scene).frame(atMilliseconds: holdMs()) }

    func testOverrideTagsDoNotMoveTheText() throws {
        let hostile = try holdFrame(try scene(.statement, #"{\an8}Moved to the top?"#))
        let plain = try holdFrame(try scene(.statement, #"(\an8)Moved to the top?"#))
        let h = try XCTUnwrap(hostile.inkBounds), p = try XCTUnwrap(plain.inkBounds)
        // Still centred in the frame, like the same text with other brackets.
        XCTAssertLessThan(abs((h.y + h.maxY) / 2 - 360), 40, "\(h)")
        XCTAssertEqual(h.y, p.y)
        XCTAssertLessThan(abs(h.width - p.width), 40)
    }

    func testDrawingCommandsAreDrawnAsText() throws {
        let text = #"{\an8}{\p1}m 0 0 l 100 0"#
        for template in CardTemplate.allCases {
            let hostile = try holdFrame(try scene(template, text))
            let plain = try holdFrame(try scene(template, #"[\an8][\p1]m 0 0 l 100 0"#))
            let h = try XCTUnwrap(hostile.inkBounds, "\(template)"), p = try XCTUnwrap(plain.inkBounds, "\(template)")
            // As a drawing it would be a line with no area (no ink) at the top; as text it is as wide as the same
            // characters with other brackets, in the same rows.
            XCTAssertLessThan(abs(h.width - p.width), 60, "\(template): \(h) vs \(p)")
            XCTAssertEqual(hostile.rowBands(gap: 4).count, plain.rowBands(gap: 4).count, "\(template)")
            XCTAssertLessThan(abs((h.y + h.maxY) - (p.y + p.maxY)) / 2, 20, "\(template): \(h) vs \(p)")
        }
    }

    func testBackslashNIsNotALineBreak() throws {
        let hostile = try holdFrame(try scene(.statement, #"one\Ntwo"#))
        let plain = try holdFrame(try scene(.statement, #"one/Ntwo"#))
        XCTAssertEqual(hostile.rowBands(gap: 4).count, plain.rowBands(gap: 4).count)
        XCTAssertEqual(hostile.inkBounds?.height, plain.inkBounds?.height)
    }

    func testHostileStringsStayOneEventAndDrawInk() throws {
        let hostile = ["'); DROP TABLE cards;--", "</script><script>alert(1)</script>", "%{x} %s %n", "=cmd|' /C calc'!A0",
                       "a,b:c;d[e]f", "line one\nDialogue: 0,0:00:00.00,9:00:00.00,Card,,0,0,0,,injected", "emoji 🎉👩🏽‍⚕️🇬🇧",
                       "trailing backslash \\", "{\\b1}bold?{\\b0}"]
        for text in hostile {
            for template in CardTemplate.allCases {
                let scene = try scene(template, text)
                let dialogues = scene.script.split(separator: "\n").filter { $0.hasPrefix("Dialogue:") }
                let expected = template == .points ? 2 : template == .stat ? 2 : 1
                XCTAssertEqual(dialogues.count, expected, "\(template) \(text)\n\(scene.script)")
                XCTAssertFalse(dialogues.contains { $0.hasPrefix("Dialogue: 0,0:00:00.00,9:") }, "\(template) \(text)")
                XCTAssertNotNil(try holdFrame(scene).inkBounds, "\(template) \(text)")
                try assertInkInsideSafeArea(scene, "\(template) \(text)")
            }
        }
    }

    func testUserTextIsEscapedInTheScript() throws {
        let scene = try scene(.quote, #"{\an8}{\p1}m 0 0 l 100 0"#)
        XCTAssertFalse(scene.script.contains(#"{\an8}{\p1}m 0 0"#))
        XCTAssertTrue(scene.script.contains(ASSText.escape(#"{\an8}{\p1}m 0 0 l 100 0"#)))
    }
}
