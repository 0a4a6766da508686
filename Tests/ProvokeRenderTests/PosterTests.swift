import ProvokeCards
@testable import ProvokeRender
import ProvokeTimeline
import XCTest

/// Which frame a poster shows: the first card once it is all on screen, before it fades or the next item mixes in.
final class PosterTests: XCTestCase {
    func record(cards: [(Int, Int)], clips: [(Int, Int)]) -> RenderRecord {
        var r = RenderRecord(project: "p", projectTitle: "P", output: "o", audience: .icb, title: "T", duration: 10,
                             frames: 300, fps: 30, width: 1280, height: 720, audioSamples: 480_000, sampleRate: 48_000,
                             clips: clips.map { RenderRecord.Clip(clip: "c", source: "s", file: "s.mp4", sourceIn: 0, sourceOut: 1,
                                                                   outputStart: 0, outputEnd: 1, outputStartFrame: $0.0,
                                                                   outputEndFrame: $0.1, ideas: []) },
                             ideas: [], file: "o.mp4", sha256: "", renderedAt: "")
        r.cards = cards.map { RenderRecord.Card(card: "k", template: .statement, outputStart: 0, outputEnd: 1,
                                                outputStartFrame: $0.0, outputEndFrame: $0.1) }
        return r
    }

    func testTheFirstCardIsShownSettledBeforeItFadesOut() {
        // A clip first, then a 4 s card at frames 60..<180: the card is the poster, not the clip.
        let frame = Poster.frame(for: record(cards: [(60, 180), (240, 300)], clips: [(0, 60), (180, 240)]))
        let fade = CardLayout.fadeFrames(count: 120, fps: 30)
        XCTAssertEqual(frame, 180 - 1 - fade - 6)
        XCTAssertGreaterThan(frame, 60 + fade, "after it has faded in")
    }

    func testACrossfadeIntoTheNextItemIsAvoided() {
        // The clip after the card starts 50 frames before the card ends (a long crossfade).
        let frame = Poster.frame(for: record(cards: [(0, 90)], clips: [(40, 150)]))
        XCTAssertLessThan(frame, 40)
        XCTAssertGreaterThanOrEqual(frame, 0)
    }

    func testWithoutCardsTheMiddleOfTheFirstClip() {
        XCTAssertEqual(Poster.frame(for: record(cards: [], clips: [(30, 90), (0, 30)])), 15)
        XCTAssertEqual(Poster.frame(for: record(cards: [], clips: [])), 0)
    }
}
