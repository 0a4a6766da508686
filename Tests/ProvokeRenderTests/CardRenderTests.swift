import FFmpegKit
import Foundation
import ProvokeCaptions
import ProvokeCards
import ProvokeManifest
@testable import ProvokeRender
import ProvokeSamples
import ProvokeTimeline
import XCTest

/// Cards and transitions, looked at as a viewer would: frame counts, the background colour, where text ink
/// lands, brightness through a fade, sound through a crossfade.
final class CardRenderTests: XCTestCase {
    override func setUp() { FFmpegLog.setQuiet() }

    static let background = CardStyle.defaultBackground
    static let safe = (x: 128..<1152, y: 72..<648)

    /// A project with the indexed test source `a.mp4` (10 s, beeps every second) and the given cards.
    func cardProject(_ dir: TempDir, cards: [Card], outputs: [(String, Audience, [SequenceItem])],
                     clips: [(String, Double, Double)] = [], style: CardStyle = CardStyle(),
                     sound: SampleSpec.Sound? = .beeps) throws -> Project {
        var spec = SampleSpec()
        spec.frames = 300
        spec.sound = sound
        try SampleMedia.write(spec, to: dir.path("a.mp4"))
        var p = project(sources: [("a", "a.mp4")], clips: clips.map { ($0.0, "a", $0.1, $0.2) }, outputs: [], base: dir.url)
        p.cards = cards
        p.date = "1 May 2026"
        p.outputs = outputs.map {
            Output(id: $0.0, audience: $0.1, title: "Title of \($0.0)", sequence: $0.2, captions: .none,
                   style: Style(card: style))
        }
        return p
    }

    /// A colour's full-range luma, as `decodeLuma` reads it (BT.601 weights).
    static func gray(_ c: RGBAColor) -> Double { 0.299 * Double(c.red) + 0.587 * Double(c.green) + 0.114 * Double(c.blue) }

    static func seconds(_ s: Double) -> Int64 { Int64((s * 1_000_000).rounded()) }

    /// The luma of a still (the frame before encoding, so exact).
    func luma(_ frame: Frame) -> LumaFrame {
        var pixels = [UInt8](repeating: 0, count: frame.width * frame.height)
        frame.withPlane(0) { p, stride in
            for y in 0..<frame.height { for x in 0..<frame.width { pixels[y * frame.width + x] = p[y * stride + x] } }
        }
        return LumaFrame(width: frame.width, height: frame.height, pixels: pixels)
    }

    /// The box around every pixel whose luma differs from `base` by more than `tolerance`; nil when none does.
    func inkBox(_ f: LumaFrame, base: UInt8, tolerance: Int = 12) -> (x: ClosedRange<Int>, y: ClosedRange<Int>, count: Int)? {
        var minX = Int.max, maxX = -1, minY = Int.max, maxY = -1, count = 0
        for y in 0..<f.height {
            for x in 0..<f.width where abs(Int(f[x, y]) - Int(base)) > tolerance {
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y); count += 1
            }
        }
        return count == 0 ? nil : (minX...maxX, minY...maxY, count)
    }

    func assertInkInsideSafeArea(_ f: LumaFrame, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let box = inkBox(f, base: Pixels.yuv(Self.background).y) else {
            return XCTFail("\(what): no text drawn", file: file, line: line)
        }
        XCTAssertGreaterThan(box.count, 500, "\(what): too little ink to read", file: file, line: line)
        XCTAssertTrue(Self.safe.x.contains(box.x.lowerBound) && Self.safe.x.contains(box.x.upperBound)
                      && Self.safe.y.contains(box.y.lowerBound) && Self.safe.y.contains(box.y.upperBound),
                      "\(what): ink at x \(box.x), y \(box.y) leaves the title-safe area", file: file, line: line)
    }

    func testEveryTemplateRendersAtItsDurationOnTheStyleBackground() throws {
        let dir = try TempDir()
        let cards = [
            Card(id: "opening", template: .title, duration: Self.seconds(1.5)),
            Card(id: "provocation", template: .statement, duration: Self.seconds(1.2),
                 text: .all("Increasing access is harmful to health")),
            Card(id: "voices", template: .quote, duration: Self.seconds(1.4),
                 text: .all("We measure appointments, not health."), attribution: .all("GP, London")),
            Card(id: "asks", template: .points, duration: Self.seconds(2.0),
                 points: [.all("Fund continuity"), .all("Count outcomes"), .all("Protect time to think")]),
            Card(id: "burden", template: .stat, duration: Self.seconds(1.0), value: .all("46%"),
                 label: .all("of practices have a vacancy")),
            Card(id: "close", template: .end, duration: Self.seconds(1.1), text: .all("Talk to your GP leaders"),
                 url: .all("wisegp.co.uk")),
        ]
        let p = try cardProject(dir, cards: cards, outputs: [("cards", .icb, cards.map { SequenceItem(item: $0.id) })])
        let plan = try Planner.plan(p).outputs[0]
        let counts = plan.segments.map(\.frames.count)
        XCTAssertEqual(counts, [45, 36, 42, 60, 30, 33])
        let out = try Renderer().render(plan, into: dir.url.appendingPathComponent("out"))

        XCTAssertEqual(out.renderRecord.cards?.map(\.card), cards.map(\.id), "the record lists the cards")
        XCTAssertEqual(out.renderRecord.cards?.last?.outputEndFrame, counts.reduce(0, +))
        let probe = try ffprobe(out.mp4.path)
        let v = try XCTUnwrap(stream(probe, "video")), a = try XCTUnwrap(stream(probe, "audio"))
        XCTAssertEqual(v["nb_read_frames"] as? String, String(counts.reduce(0, +)))
        XCTAssertEqual(v["r_frame_rate"] as? String, "30/1")
        XCTAssertEqual(a["duration_ts"] as? Int ?? Int(a["duration_ts"] as? String ?? ""), counts.reduce(0, +) * 1600)

        // The background is the style's colour, at the edges of every frame.
        let frames = try decodeLuma(out.mp4.path)
        for (i, f) in frames.enumerated() {
            XCTAssertEqual(Double(f[8, 8]), Self.gray(Self.background), accuracy: 2, "frame \(i) corner")
            XCTAssertEqual(Double(f[1270, 710]), Self.gray(Self.background), accuracy: 2, "frame \(i) corner")
        }
        // Each card's words are inside the title-safe area, at the instant it holds still.
        let holds = Storyboard.frames(plan)
        for (segment, frame) in zip(plan.segments, holds) {
            assertInkInsideSafeArea(luma(try Renderer().still(plan, frame: frame)), segment.item)
        }
        // A still is the rendered frame (give or take the encoder's rounding; the still's luma is limited range).
        let still = luma(try Renderer().still(plan, frame: holds[1])).mean(x: 128, y: 72, w: 1024, h: 576)
        let rendered = frames[holds[1]].mean(x: 128, y: 72, w: 1024, h: 576)
        XCTAssertEqual((still - 16) * 255 / 219, rendered, accuracy: 1.5)
    }
}

extension CardRenderTests {
    func testFadeRisesFromTheBackgroundAndDipsBetweenItems() throws {
        let dir = try TempDir()
        // Fades up over the first second; then dips through the background into the second clip over 0.4 s.
        let faded = [SequenceItem(item: "a1", transition: Transition(kind: .fade, duration: Self.seconds(1.0))),
                     SequenceItem(item: "a2", transition: Transition(kind: .fade, duration: Self.seconds(0.4)))]
        let p = try cardProject(dir, cards: [], outputs: [
            ("fades", .icb, faded), ("cuts", .icb, faded.map { SequenceItem(item: $0.item) }),
        ], clips: [("a1", 0, 2), ("a2", 5, 6)])
        let plans = try Planner.plan(p).outputs
        XCTAssertEqual(plans[0].frameCount, 90, "a fade keeps the output's length")
        let fades = try decodeLuma(try Renderer().render(plans[0], into: dir.url).mp4.path)
        let cuts = try decodeLuma(try Renderer().render(plans[1], into: dir.url).mp4.path)
        XCTAssertEqual(fades.count, 90)
        // How much of the picture shows over the background (0: plain background, 1: the picture), from the mean
        // luma of the same area of the faded and the cut render (the decoded luma is full range).
        let background = Self.gray(Self.background)
        let shown = zip(fades, cuts).map { fade, cut in
            (fade.mean(x: 200, y: 200, w: 880, h: 400) - background) / (cut.mean(x: 200, y: 200, w: 880, h: 400) - background)
        }
        for k in 0..<30 { XCTAssertEqual(shown[k], Double(k) / 30, accuracy: 0.05, "rising at frame \(k)") }
        for k in 1..<30 { XCTAssertGreaterThan(shown[k], shown[k - 1], "brightness rises at frame \(k)") }
        XCTAssertEqual(shown[30], 1, accuracy: 0.03)
        // The dip: a1's last 6 frames fall to the background, a2's first 6 rise from it.
        for k in 54..<60 { XCTAssertEqual(shown[k], Double(59 - k) / 6, accuracy: 0.05, "falling at frame \(k)") }
        for k in 60..<66 { XCTAssertEqual(shown[k], Double(k - 60) / 6, accuracy: 0.05, "rising at frame \(k)") }
        XCTAssertEqual(shown[66], 1, accuracy: 0.03)
    }

    func testCrossfadeShortensTheOutputAndKeepsTheSoundInSync() throws {
        let dir = try TempDir()
        let p = try cardProject(dir, cards: [], outputs: [("mix", .icb, [
            SequenceItem(item: "a1"),
            SequenceItem(item: "a2", transition: Transition(kind: .crossfade, duration: Self.seconds(0.5))),
        ])], clips: [("a1", 0.5, 2.5), ("a2", 5, 7)])
        let plan = try Planner.plan(p).outputs[0]
        XCTAssertEqual(plan.segments.map(\.frames.start), [0, 45])
        let out = try Renderer().render(plan, into: dir.url)
        let probe = try ffprobe(out.mp4.path)
        XCTAssertEqual(try XCTUnwrap(stream(probe, "video"))["nb_read_frames"] as? String, "105", "60 + 60 − 15 frames")
        let sound = try XCTUnwrap(stream(probe, "audio"))
        XCTAssertEqual(sound["duration_ts"] as? Int ?? Int(sound["duration_ts"] as? String ?? ""), 105 * 1600)

        let frames = try decodeLuma(out.mp4.path)
        let box = Letterbox.fit(sourceWidth: 320, sourceHeight: 180, into: 1280, 720)
        let index = frames.map { sourceIndex($0, box: box, sw: 320, sh: 180) }
        XCTAssertEqual(Array(index[0..<45]), Array(15..<60), "a1 alone")
        XCTAssertEqual(Array(index[60..<105]), Array(165..<210), "a2 alone, from 5.5 s")
        // In the overlap both pictures show, mixed: output frame 52 is a1's frame 67 (2.233 s) at 8/16 and a2's
        // frame 157 (5.233 s) at 8/16, so its brightness is halfway between theirs.
        let a = try decodeLuma(try Renderer().render(Planner.plan(p.withOutputSequence(["a1"])).outputs[0], into: dir.url.appendingPathComponent("a")).mp4.path)
        let b = try decodeLuma(try Renderer().render(Planner.plan(p.withOutputSequence(["a2"])).outputs[0], into: dir.url.appendingPathComponent("b")).mp4.path)
        func level(_ f: LumaFrame) -> Double { f.mean(x: 200, y: 200, w: 880, h: 400) }
        XCTAssertEqual(level(frames[52]), (level(a[52]) * 8 + level(b[7]) * 8) / 16, accuracy: 1.5)

        // Beeps at each whole second of the source: a1's 1 and 2 s at 0.5 and 1.5 s, a2's 6 s at 2.5 s (its 5 s
        // beep is at the start of the mix, nearly silent). Sound and picture moved together.
        let onsets = beepOnsets(try decodeAudio(out.mp4.path))
        XCTAssertEqual(onsets.count, 3, "\(onsets)")
        for (found, expected) in zip(onsets, [0.5, 1.5, 2.5]) { XCTAssertEqual(found, expected, accuracy: 0.005) }
    }

    func testTheAudienceMapPicksEachOutputsWords() throws {
        let dir = try TempDir()
        let close = Card(id: "close", template: .end, duration: Self.seconds(2),
                         text: .byAudience([.icb: "Talk to your GP leaders", .college: "Teach continuity"]),
                         url: .all("wisegp.co.uk"))
        let icbText = Card(id: "plain-icb", template: .end, duration: Self.seconds(2), text: .all("Talk to your GP leaders"),
                           url: .all("wisegp.co.uk"))
        let p = try cardProject(dir, cards: [close, icbText], outputs: [
            ("for-icbs", .icb, [SequenceItem(item: "close")]), ("for-colleges", .college, [SequenceItem(item: "close")]),
            ("plain", .college, [SequenceItem(item: "plain-icb")]),
        ])
        let plans = try Planner.plan(p).outputs
        let hold = Storyboard.frames(plans[0])[0]
        let icb = luma(try Renderer().still(plans[0], frame: hold))
        let college = luma(try Renderer().still(plans[1], frame: hold))
        let plain = luma(try Renderer().still(plans[2], frame: hold))
        XCTAssertNotEqual(icb.pixels, college.pixels, "the two audiences see different words")
        XCTAssertEqual(icb.pixels, plain.pixels, "the ICB output shows exactly the ICB words")
        assertInkInsideSafeArea(college, "college end card")
    }

    func testVeryLongTextShrinksToFitTheTitleSafeArea() throws {
        let dir = try TempDir()
        let long = String(repeating: "Continuity of care saves lives, and access without continuity feeds demand. ", count: 14)
        let word = String(repeating: "Ŵŷ", count: 40)
        let p = try cardProject(dir, cards: [
            Card(id: "long", template: .statement, duration: Self.seconds(3), text: .all(long)),
            Card(id: "word", template: .statement, duration: Self.seconds(3), text: .all(word)),
            Card(id: "many", template: .points, duration: Self.seconds(6),
                 points: (1...6).map { .all("Point \($0): " + String(repeating: "a long reason to act now ", count: 6)) }),
        ], outputs: [("long", .government, [SequenceItem(item: "long"), SequenceItem(item: "word"), SequenceItem(item: "many")])])
        let plan = try Planner.plan(p).outputs[0]
        for (segment, frame) in zip(plan.segments, Storyboard.frames(plan)) {
            assertInkInsideSafeArea(luma(try Renderer().still(plan, frame: frame)), segment.item)
        }
    }

    func testMusicPlaysUnderCardsOnlyAndLogoSitsInItsBox() throws {
        let dir = try TempDir()
        // A silent source; the music bed is a tone file, the logo a red PNG.
        var bed = SampleSpec()
        bed.frames = 30
        try SampleMedia.write(bed, to: dir.path("bed.mp4"))
        let red = try Pixels.solid(RGBAColor(red: 230, green: 20, blue: 20), width: 200, height: 100)
        try PNGImage.encode(red).write(to: dir.url.appendingPathComponent("logo.png"))
        let style = CardStyle(logo: ManifestFile(written: "logo.png", url: dir.url.appendingPathComponent("logo.png")),
                              music: ManifestFile(written: "bed.mp4", url: dir.url.appendingPathComponent("bed.mp4")))
        let p = try cardProject(dir, cards: [
            Card(id: "close", template: .end, duration: Self.seconds(2), text: .all("Talk to your GP leaders"),
                 url: .all("wisegp.co.uk")),
        ], outputs: [("end", .icb, [SequenceItem(item: "a1"), SequenceItem(item: "close")])],
           clips: [("a1", 0, 1)], style: style, sound: nil)
        let plan = try Planner.plan(p).outputs[0]
        let out = try Renderer().render(plan, into: dir.url.appendingPathComponent("out"))
        let a = try XCTUnwrap(stream(try ffprobe(out.mp4.path), "audio"))
        XCTAssertEqual(a["duration_ts"] as? Int ?? Int(a["duration_ts"] as? String ?? ""), 90 * 1600)
        let audio = try SampleMedia.decodeMono(out.mp4.path, rate: 48_000)
        XCTAssertEqual(audio[0..<48_000].map(abs).max() ?? 1, 0, accuracy: 0.001, "the clip has no sound and gets no music")
        // The bed's beep at its 0 s is faded out (the card fades in); its 1 s beep plays at 2 s.
        XCTAssertEqual(beepOnsets((Array(audio), 48_000)).first ?? 0, 2.0, accuracy: 0.01)

        let hold = Storyboard.frames(plan)[1]
        let still = try Renderer().still(plan, frame: hold)
        let box = try XCTUnwrap(CardLayout.scene(for: { guard case .card(let c) = plan.segments[1].content else { fatalError() }; return c }(),
                                                 frames: plan.segments[1].frames, format: plan.format).logoBox)
        // Red (luma about 68 in BT.601) in the middle of the logo box.
        let centre = luma(still)[box.x + box.width / 2, box.y + box.height / 2]
        XCTAssertEqual(Double(centre), 16 + (65.481 * 230 + 128.553 * 20 + 24.966 * 20) / 255, accuracy: 4)
    }
}

extension Project {
    /// This project with one output showing `items` with hard cuts.
    func withOutputSequence(_ items: [String]) -> Project {
        var p = self
        p.outputs = [Output(id: "only", audience: .icb, title: "Only", sequence: items.map { SequenceItem(item: $0) },
                            captions: .none, style: outputs[0].style)]
        return p
    }
}

extension CardRenderTests {
    func testStoryboardShowsEveryItemLabelled() throws {
        let dir = try TempDir()
        let p = try cardProject(dir, cards: [
            Card(id: "provocation", template: .statement, duration: Self.seconds(2), text: .all("Increasing access is harmful to health")),
            Card(id: "close", template: .end, duration: Self.seconds(2), text: .all("Talk to your GP leaders")),
        ], outputs: [("board", .icb, [SequenceItem(item: "provocation"), SequenceItem(item: "a1"),
                                      SequenceItem(item: "a2", transition: Transition(kind: .crossfade, duration: Self.seconds(0.5))),
                                      SequenceItem(item: "close", transition: Transition(kind: .fade, duration: Self.seconds(0.5)))])],
           clips: [("a1", 1, 3), ("a2", 5, 7)])
        let plan = try Planner.plan(p).outputs[0]
        let picks = Storyboard.frames(plan)
        // A clip's middle, clear of its transitions; a card just before it fades out.
        XCTAssertEqual(picks[1], 60 + (45 - 1) / 2 + 0)
        for (pick, segment) in zip(picks, plan.segments) { XCTAssertTrue(segment.frames.start <= pick && pick < segment.frames.end) }

        let sheet = try Storyboard.sheet(plan, renderer: Renderer())
        XCTAssertEqual(sheet.width, 16 + 4 * 336)
        XCTAssertEqual(sheet.height, 64 + 248 + 16)
        let png = try PNGImage.encode(sheet)
        try png.write(to: dir.url.appendingPathComponent("board.png"))
        let probe = try ffprobe(dir.path("board.png"), ["-show_streams"])
        XCTAssertEqual(stream(probe, "video")?["codec_name"] as? String, "png")

        let y = luma(sheet)
        let backdrop = Pixels.yuv(Storyboard.backdrop).y
        for (i, pick) in picks.enumerated() {
            let x = 16 + i * 336
            // The thumbnail is the still, scaled down (its centre pixel's brightness).
            let thumb = luma(try Renderer().still(plan, frame: pick).scaled(width: 320, height: 180))
            XCTAssertEqual(Double(y[x + 20, 64 + 20]), Double(thumb[20, 20]), accuracy: 1, "item \(i + 1) thumbnail")
            // A label under it.
            let label = inkBox(LumaFrame(width: 320, height: 48, pixels: (0..<48).flatMap { r in (0..<320).map { y[x + $0, 64 + 184 + r] } }),
                               base: backdrop)
            XCTAssertGreaterThan(label?.count ?? 0, 300, "item \(i + 1) is labelled")
        }
        // The header names the output.
        XCTAssertGreaterThan(inkBox(LumaFrame(width: 1300, height: 60, pixels: (0..<60).flatMap { r in (0..<1300).map { y[$0, r] } }),
                                    base: backdrop)?.count ?? 0, 300)
    }
}
