import Foundation
import ProvokeCaptions
import ProvokeManifest
import ProvokeTimeline
import XCTest
@testable import ProvokeCards

final class CardLayoutTests: XCTestCase {
    static let typical: [CardContent] = [
        card(.title, text: "Increasing access is harmful to health", event: "Provocation event", date: "1 May 2026"),
        card(.statement, text: "Every extra appointment offered without continuity makes the next one harder to get."),
        card(.quote, text: "We measured access and lost sight of the relationship.", attribution: "Dr A. Example"),
        card(.points, text: "What we propose", points: ["Fund continuity", "Measure relationships", "Protect time"]),
        card(.stat, value: "62%", label: "of patients prefer to wait for their own GP"),
        card(.end, text: "Join the conversation", url: "provoke.example.org"),
    ]

    func testTitleSafeAreaIsTenPercentIn() {
        XCTAssertEqual(CardLayout.titleSafe(width: 1280, height: 720), PixelRect(x: 128, y: 72, width: 1024, height: 576))
        XCTAssertEqual(CardLayout.titleSafe(width: 1920, height: 1080), PixelRect(x: 192, y: 108, width: 1536, height: 864))
    }

    func testEveryTemplateFitsAtDesignSizeAndShowsInkAtTheHold() throws {
        for content in Self.typical {
            let scene = try CardLayout.scene(for: content, frames: testFrames, format: testFormat)
            XCTAssertEqual(scene.scale, 1, "\(content.template) should fit at its design size")
            XCTAssertEqual(scene.background, content.style.background)
            XCTAssertNil(scene.logoBox)
            try assertInkInsideSafeArea(scene, "\(content.template)")
            let hold = try rasterizer(scene).frame(atMilliseconds: holdMs())
            let ink = try XCTUnwrap(hold.inkBounds, "\(content.template) draws nothing at the hold")
            XCTAssertGreaterThan(ink.width, 100, "\(content.template)")
            XCTAssertGreaterThan(ink.height, 40, "\(content.template)")
        }
    }

    func testTheHoldIsStill() throws {
        // From 1.5 s before the fade out begins, nothing moves: every frame to the fade out is the same.
        for content in Self.typical {
            let scene = try CardLayout.scene(for: content, frames: testFrames, format: testFormat)
            let r = try rasterizer(scene)
            let fadeOutStart = durationMs() - scene.fadeOutFrames * 1000 / testFormat.fps
            let still = r.frame(atMilliseconds: outputMs(fadeOutStart - 1500)).coverage
            XCTAssertEqual(r.frame(atMilliseconds: outputMs(fadeOutStart - 1)).coverage, still, "\(content.template)")
        }
    }

    func testScriptIsTimedInOutputTimeWithFramePlayRes() throws {
        let scene = try CardLayout.scene(for: Self.typical[1], frames: FrameRange(start: 45, count: 90), format: testFormat)
        XCTAssertTrue(scene.script.contains("PlayResX: 1280\nPlayResY: 720\n"))
        XCTAssertTrue(scene.script.contains("WrapStyle: 0\n"))
        XCTAssertTrue(scene.script.contains("ScaledBorderAndShadow: yes\n"))
        // Frame 45 at 30 fps is 1.5 s; the card lasts 3 s.
        XCTAssertTrue(scene.script.contains("Dialogue: 0,0:00:01.50,0:00:04.50,"), scene.script)
        let r = try rasterizer(scene)
        XCTAssertNil(r.inkBounds(atMilliseconds: 1499))
        XCTAssertNotNil(r.inkBounds(atMilliseconds: 3000))
        XCTAssertNil(r.inkBounds(atMilliseconds: 4500))
    }

    func testFadesAreHalfASecondAndShorterOnShortCards() throws {
        let long = try CardLayout.scene(for: Self.typical[1], frames: testFrames, format: testFormat)
        XCTAssertEqual(long.fadeInFrames, 15)
        XCTAssertEqual(long.fadeOutFrames, 15)
        let short = try CardLayout.scene(for: Self.typical[1], frames: FrameRange(start: 0, count: 30), format: testFormat)
        XCTAssertEqual(short.fadeInFrames, 7)
        XCTAssertEqual(short.fadeOutFrames, 7)
    }

    func testLongStatementShrinksAndWrapsInsideTheSafeArea() throws {
        let sentence = "Continuity of care saves lives, and access targets that ignore it do harm. "
        let text = String(String(repeating: sentence, count: 14).prefix(1000))
        let scene = try CardLayout.scene(for: card(.statement, text: text), frames: testFrames, format: testFormat)
        XCTAssertLessThan(scene.scale, 1)
        let ink = try XCTUnwrap(try assertInkInsideSafeArea(scene))
        // It wraps across the width rather than being squeezed into a column.
        XCTAssertGreaterThan(ink.width, 900)
    }

    func testSixLongPointsFit() throws {
        let points = (1...6).map { "Point \($0): practices that know their patients prevent admissions, and that is worth measuring" }
        let scene = try CardLayout.scene(for: card(.points, text: "Six things", points: points), frames: testFrames, format: testFormat)
        XCTAssertLessThan(scene.scale, 1)
        try assertInkInsideSafeArea(scene)
        let hold = try rasterizer(scene).frame(atMilliseconds: holdMs())
        XCTAssertGreaterThanOrEqual(hold.rowBands(gap: 4).count, 7, "heading and six points")
    }

    func testUnbrokenEightyCharacterWordFits() throws {
        let word = String(repeating: "Gwasanaeth", count: 8)
        XCTAssertEqual(word.count, 80)
        for template in [CardTemplate.statement, .title, .end, .quote] {
            let scene = try CardLayout.scene(for: card(template, text: word, attribution: "A", url: word),
                                             frames: testFrames, format: testFormat)
            XCTAssertLessThan(scene.scale, 1, "\(template)")
            try assertInkInsideSafeArea(scene, "\(template)")
        }
    }

    func testStatValueTooWideShrinks() throws {
        let scene = try CardLayout.scene(for: card(.stat, value: "£1,234,567,890,123", label: "a very large figure"),
                                         frames: testFrames, format: testFormat)
        XCTAssertLessThan(scene.scale, 1)
        try assertInkInsideSafeArea(scene)
    }

    func testTextThatCannotFitIsAnErrorNamingTheCard() {
        let word = String(repeating: "x", count: 3000)
        XCTAssertThrowsError(try CardLayout.scene(for: card(.statement, text: word), frames: testFrames, format: testFormat)) { error in
            guard case let CardError.doesNotFit(card, template, _, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(card, "test-statement")
            XCTAssertEqual(template, .statement)
            XCTAssertTrue("\(error)".contains("card \"test-statement\""), "\(error)")
        }
    }

    func testWelshArabicAndEmojiDrawInk() throws {
        for text in ["Gŵyl y Gwanwyn: ŷ ŵ Ŷ Ŵ", "الرعاية المستمرة تنقذ الأرواح", "Care 💙 continuity"] {
            let scene = try CardLayout.scene(for: card(.statement, text: text), frames: testFrames, format: testFormat)
            let frame = try rasterizer(scene).frame(atMilliseconds: holdMs())
            let ink = try XCTUnwrap(frame.inkBounds, text)
            XCTAssertGreaterThan(ink.width, 200, text)
            try assertInkInsideSafeArea(scene, text)
        }
    }

    func testPointsAreRevealedOneAfterAnother() throws {
        let points = ["First point", "Second point", "Third point", "Fourth point"]
        let scene = try CardLayout.scene(for: card(.points, points: points), frames: testFrames, format: testFormat)
        let r = try rasterizer(scene)
        let early = r.frame(atMilliseconds: outputMs(100)).rowBands(gap: 4).count
        let middle = r.frame(atMilliseconds: outputMs(1600)).rowBands(gap: 4).count
        let hold = r.frame(atMilliseconds: holdMs()).rowBands(gap: 4).count
        XCTAssertEqual(early, 1)
        XCTAssertLessThan(early, middle)
        XCTAssertLessThan(middle, hold)
        XCTAssertEqual(hold, 4)
        // The first point never moves as the others appear.
        let first = try XCTUnwrap(r.frame(atMilliseconds: outputMs(100)).rowBands(gap: 4).first)
        XCTAssertEqual(r.frame(atMilliseconds: holdMs()).rowBands(gap: 4).first, first)
        // All revealed, with a 1.5 s still read before the fade out.
        let fadeOutStart = durationMs() - scene.fadeOutFrames * 1000 / testFormat.fps
        XCTAssertEqual(r.frame(atMilliseconds: outputMs(fadeOutStart - 1500)).rowBands(gap: 4).count, 4)
    }

    func testShortPointsCardShowsEverythingAtOnce() throws {
        let frames = FrameRange(start: 0, count: 60)
        let scene = try CardLayout.scene(for: card(.points, points: ["One", "Two", "Three"]), frames: frames, format: testFormat)
        XCTAssertEqual(try rasterizer(scene).frame(atMilliseconds: 0).rowBands(gap: 4).count, 3)
    }

    func testAnimationsMove() throws {
        // statement slides up; quote is revealed from the left; stat's value grows.
        let statement = try rasterizer(try CardLayout.scene(for: Self.typical[1], frames: testFrames, format: testFormat))
        let s0 = try XCTUnwrap(statement.inkBounds(atMilliseconds: outputMs(0)))
        let s1 = try XCTUnwrap(statement.inkBounds(atMilliseconds: holdMs()))
        XCTAssertGreaterThan(s0.y, s1.y)

        let quote = try rasterizer(try CardLayout.scene(for: Self.typical[2], frames: testFrames, format: testFormat))
        let q0 = try XCTUnwrap(quote.inkBounds(atMilliseconds: outputMs(400)))
        let q1 = try XCTUnwrap(quote.inkBounds(atMilliseconds: holdMs()))
        XCTAssertEqual(q0.x, q1.x)
        XCTAssertLessThan(q0.width, q1.width)

        let stat = try rasterizer(try CardLayout.scene(for: Self.typical[4], frames: testFrames, format: testFormat))
        let valueRows = { (ms: Int64) in stat.frame(atMilliseconds: ms).rowBands(gap: 4).first! }
        XCTAssertLessThan(valueRows(outputMs(0)).count, valueRows(holdMs()).count)
    }

    func testAudienceWordsDifferInInk() throws {
        let a = try CardLayout.scene(for: card(.statement, text: "Integrated care boards commission continuity"), frames: testFrames, format: testFormat)
        let b = try CardLayout.scene(for: card(.statement, text: "Government should fund continuity"), frames: testFrames, format: testFormat)
        XCTAssertNotEqual(try rasterizer(a).frame(atMilliseconds: holdMs()).coverage,
                          try rasterizer(b).frame(atMilliseconds: holdMs()).coverage)
    }

    func testEndCardReservesALogoBoxClearOfTheText() throws {
        let logo = ManifestFile(written: "assets/logo.png", url: URL(fileURLWithPath: "/tmp/logo.png"))
        let content = card(.end, text: "Join the conversation at our next event in your area", url: "provoke.example.org",
                           style: CardStyle(logo: logo))
        let scene = try CardLayout.scene(for: content, frames: testFrames, format: testFormat)
        let box = try XCTUnwrap(scene.logoBox)
        let safe = CardLayout.titleSafe(width: 1280, height: 720)
        XCTAssertTrue(safe.contains(box))
        XCTAssertGreaterThan(box.height, 100)
        let ink = try XCTUnwrap(try assertInkInsideSafeArea(scene))
        XCTAssertGreaterThan(ink.y, box.maxY, "text under the logo")
        // Logo and text are centred together.
        XCTAssertLessThan(abs((box.y - safe.y) - (safe.maxY - ink.maxY)), 40)
        // Without a logo there is no box, and other templates never get one.
        XCTAssertNil(try CardLayout.scene(for: content, frames: testFrames, format: testFormat, hasLogo: false).logoBox)
        XCTAssertNil(try CardLayout.scene(for: card(.statement, text: "x", style: CardStyle(logo: logo)),
                                          frames: testFrames, format: testFormat).logoBox)
    }

    func testPortraitAndFullHDFit() throws {
        var portrait = OutputFormat(); portrait.width = 1080; portrait.height = 1920
        var full = OutputFormat(); full.width = 1920; full.height = 1080
        for format in [portrait, full] {
            for content in Self.typical {
                let scene = try CardLayout.scene(for: content, frames: testFrames, format: format)
                try assertInkInsideSafeArea(scene, format: format, "\(content.template) at \(format.width)x\(format.height)")
            }
        }
    }

    func testFontFamilyAndColoursReachTheScript() throws {
        let style = CardStyle(font: "DejaVu Serif", background: RGBAColor(red: 1, green: 2, blue: 3),
                              text: RGBAColor(red: 0x11, green: 0x22, blue: 0x33), accent: RGBAColor(red: 0xAA, green: 0xBB, blue: 0xCC))
        let scene = try CardLayout.scene(for: card(.quote, text: "Words", attribution: "Who", style: style),
                                         frames: testFrames, format: testFormat)
        XCTAssertTrue(scene.script.contains("Style: Card,DejaVu Serif,"))
        XCTAssertTrue(scene.script.contains(#"\1c&H332211&"#))
        XCTAssertTrue(scene.script.contains(#"\1c&HCCBBAA&"#))
        XCTAssertEqual(scene.background, RGBAColor(red: 1, green: 2, blue: 3))
        let frame = try rasterizer(scene).frame(atMilliseconds: holdMs())
        XCTAssertNotNil(frame.inkBounds)
    }
}

final class CardEdgeTests: XCTestCase {
    func testVeryShortCardsAreStillAndFit() throws {
        for content in CardLayoutTests.typical {
            let frames = FrameRange(start: 3, count: 10)
            let scene = try CardLayout.scene(for: content, frames: frames, format: testFormat)
            XCTAssertFalse(scene.script.contains(#"\t("#), "\(content.template): no time for motion\n\(scene.script)")
            XCTAssertFalse(scene.script.contains(#"\move("#), "\(content.template)")
            XCTAssertEqual(scene.fadeInFrames, 2)
            try assertInkInsideSafeArea(scene, frames: frames, "\(content.template)")
        }
    }

    func testScenesCanBeLaidOutConcurrently() throws {
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var scales = [Int: Double]()
            func set(_ i: Int, _ v: Double) { lock.lock(); scales[i] = v; lock.unlock() }
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 12) { i in
            let content = CardLayoutTests.typical[i % CardLayoutTests.typical.count]
            results.set(i, (try? CardLayout.scene(for: content, frames: testFrames, format: testFormat).scale) ?? -1)
        }
        XCTAssertEqual((0..<12).map { results.scales[$0] }, Array(repeating: 1.0, count: 12))
    }

    func testScriptReadsAsWritten() throws {
        let scene = try CardLayout.scene(for: card(.stat, value: "62%", label: "prefer their own GP"), frames: testFrames, format: testFormat)
        XCTAssertTrue(scene.script.hasPrefix("[Script Info]\n"))
        XCTAssertTrue(scene.script.contains("Style: Card,DejaVu Sans,"))
        XCTAssertTrue(scene.script.hasSuffix("\n"))
    }
}
