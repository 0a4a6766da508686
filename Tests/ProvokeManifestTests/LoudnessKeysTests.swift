import Foundation
import XCTest
@testable import ProvokeManifest

/// `outputs[].loudness` and `style.musicLevel`: read, defaulted, and refused at their JSON path when out of range.
final class LoudnessKeysTests: XCTestCase {
    func manifest(output: String = "", style: String = "") -> String {
        """
        {"provoke": 1, "project": {"id": "p", "title": "T"},
         "sources": [{"id": "a", "file": "a.mp4"}], "clips": [{"id": "c", "source": "a", "in": 0, "out": 2}],
         "outputs": [{"id": "o", "audience": "icb", "title": "O", "sequence": ["c"]\(output)}]\(style)}
        """
    }

    func testTheDefaultIsMinus16AndMinus23AndOffAreHonoured() throws {
        XCTAssertEqual(load(manifest()).project?.outputs[0].loudness, .lufs(-16))
        XCTAssertEqual(load(manifest(output: #", "loudness": -23"#)).project?.outputs[0].loudness, .lufs(-23))
        XCTAssertEqual(load(manifest(output: #", "loudness": -23.5"#)).project?.outputs[0].loudness, .lufs(-23.5))
        XCTAssertEqual(load(manifest(output: #", "loudness": "off""#)).project?.outputs[0].loudness, .off)
        XCTAssertEqual(load(manifest()).project?.outputs[0].style.card.musicLevel, -18)
        let styled = load(manifest(output: #", "style": {"musicLevel": -12}"#, style: #", "style": {"musicLevel": -24}"#))
        XCTAssertEqual(styled.project?.style.card.musicLevel, -24)
        XCTAssertEqual(styled.project?.outputs[0].style.card.musicLevel, -12, "the output's style wins")
    }

    func testBadValuesAreErrorsAtTheirPath() {
        for bad in ["-5", "-41", "\"loud\"", "\"Off\"", "null", "true"] {
            let text = manifest(output: #", "loudness": \#(bad)"#)
            let result = load(text)
            XCTAssertNil(result.project, bad)
            XCTAssertEqual(located(result), [
                "\(at(bad, in: text)): outputs[0].loudness: expected a loudness in LUFS from -40 to -10 (-16 for the web, "
                + "-23 for broadcast) or \"off\", found \(bad)",
            ], bad)
        }
        let text = manifest(style: #", "style": {"musicLevel": 6}"#)
        XCTAssertEqual(located(load(text)), [
            "\(at("6}", in: text)): style.musicLevel: expected the music bed's level in LU relative to speech, from -40 to 0 "
            + "(-18: well under the voices), found 6",
        ])
    }
}
