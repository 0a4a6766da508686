import Foundation
import ProvokeTimeline
import XCTest

/// Records written before a field existed must still decode: the ledger registers files rendered long ago.
final class RenderRecordTests: XCTestCase {
    func testARecordFromBeforeSpeakersWordsAndProjectIdeasDecodes() throws {
        let old = """
        {"record": 1, "project": "p", "projectTitle": "P", "output": "o", "audience": "icb", "title": "T",
         "duration": 1.5, "frames": 45, "fps": 30, "width": 1280, "height": 720, "audioSamples": 72000,
         "sampleRate": 48000, "file": "o.mp4", "sha256": "\(String(repeating: "a", count: 64))",
         "renderedAt": "2026-05-01T10:00:00Z",
         "clips": [{"clip": "c", "source": "s", "file": "s.mp4", "sourceIn": 1, "sourceOut": 2.5, "outputStart": 0,
                    "outputEnd": 1.5, "outputStartFrame": 0, "outputEndFrame": 45, "ideas": ["demand"]}],
         "ideas": [{"id": "demand", "text": "More access feeds demand"}],
         "cards": [{"card": "k", "template": "statement", "outputStart": 0, "outputEnd": 1, "outputStartFrame": 0,
                    "outputEndFrame": 30}]}
        """
        let record = try JSONDecoder().decode(RenderRecord.self, from: Data(old.utf8))
        XCTAssertNil(record.clips[0].speaker)
        XCTAssertNil(record.cards?[0].words)
        XCTAssertNil(record.projectIdeas)
        XCTAssertEqual(record.ideas.map(\.id), ["demand"])
    }
}
