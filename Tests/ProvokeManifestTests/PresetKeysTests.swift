import Foundation
import XCTest
@testable import ProvokeManifest

/// `outputs[].preset`, `max_mb`, `poster` and the project's own presets (`style.presets`): read into the project,
/// and every problem reported at its JSON path with what was expected.
final class PresetKeysTests: XCTestCase {
    /// `validManifest` with extra members in the first output and a project style block.
    func manifest(output: String = "", style: String? = nil) -> String {
        var text = replacing(#""title": "Increasing access: a provocation for ICBs","#,
                             with: #""title": "Increasing access: a provocation for ICBs", "# + output)
        if let style { text = replacing(#""provoke": 1,"#, with: #""provoke": 1, "style": "# + style + ",", in: text) }
        return text
    }

    func testPresetsMaxMBAndPosterAreReadIntoTheOutput() throws {
        let result = load(manifest(output: #""preset": "email", "max_mb": 9.5, "poster": "00:03.500","#))
        XCTAssertEqual(located(result), [])
        let output = try XCTUnwrap(result.project?.outputs.first)
        XCTAssertEqual(output.preset.name, "email")
        XCTAssertTrue(output.preset.capsSize)
        XCTAssertEqual(output.maxBytes, 9_500_000)
        XCTAssertEqual(output.poster, µs(3_500_000))
        XCTAssertEqual(result.project?.outputs[1].preset, .web720p, "the default")
    }

    func testACustomPresetIsUsable() throws {
        let result = load(manifest(output: #""preset": "newsletter","#,
                                   style: #"{"presets": {"newsletter": {"width": 960, "height": 540, "fps": 25, "crf": 26, "x264Preset": "medium"}}}"#))
        XCTAssertEqual(located(result), [])
        XCTAssertEqual(result.project?.outputs.first?.preset,
                       VideoPreset(name: "newsletter", width: 960, height: 540, fps: 25, crf: 26, x264Preset: "medium"))
    }

    func testAnUnknownPresetNamesTheKnownOnes() {
        let text = manifest(output: #""preset": "squar","#, style: #"{"presets": {"mine": {"width": 640, "height": 360}}}"#)
        XCTAssertEqual(located(load(text)), [
            "\(at(#""squar""#, in: text)): outputs[0].preset: unknown preset \"squar\"; did you mean \"square\"? "
                + "known presets: web-720p, hd-1080p, square, vertical, email, mine",
        ])
    }

    func testCustomPresetProblemsAreReportedAtTheirKeys() {
        let style = #"{"presets": {"odd": {"width": 641, "height": 360, "fps": 29, "crf": 60, "x264Preset": "ludicrous", "bitrat": 1}, "email": {"width": 640, "height": 360}, "both": {"width": 640, "height": 360, "crf": 20, "bitrate": 800}}}"#
        let text = manifest(style: style)
        XCTAssertEqual(located(load(text)), [
            "\(at("641", in: text)): style.presets.odd.width: expected an even number of pixels (4:2:0 video halves each side), found 641",
            "\(at("29", in: text)): style.presets.odd.fps: expected a frame rate that divides 48000 (24, 25, 30, 48, 50 or 60), found 29",
            "\(at(#""crf": 60"#, in: text, offset: 7)): style.presets.odd.crf: expected a whole number from 0 to 51, found 60",
            "\(at(#""ludicrous""#, in: text)): style.presets.odd.x264Preset: expected one of ultrafast, superfast, veryfast, "
                + "faster, fast, medium, slow, slower, veryslow, found \"ludicrous\"",
            "\(at(#""bitrat""#, in: text)): style.presets.odd: unknown key \"bitrat\" in style.presets.odd; did you mean "
                + "\"bitrate\"? allowed: width, height, fps, crf, bitrate, x264Preset",
            "\(at(#""email""#, in: text)): style.presets.email: \"email\" is a built-in preset; give yours another name",
            "\(at(#""crf": 20"#, in: text, offset: 7)): style.presets.both.crf: expected crf or bitrate, not both (crf keeps a quality, bitrate a size)",
        ])
    }

    func testMaxMBBelongsToEmailAndPresetsToTheProjectStyle() {
        let text = manifest(output: #""max_mb": 10, "style": {"presets": {}},"#)
        XCTAssertEqual(located(load(text)), [
            "\(at(#""max_mb": 10"#, in: text, offset: 10)): outputs[0].max_mb: \"max_mb\" applies to the email preset; "
                + "this output's preset is \"web-720p\"",
            "\(at(#"{}"#, in: text)): outputs[0].style.presets: expected \"presets\" in the project's style block only "
                + "(outputs choose one with \"preset\")",
        ])
        let zero = manifest(output: #""preset": "email", "max_mb": 0.5,"#)
        XCTAssertEqual(located(load(zero)), [
            "\(at(#""max_mb": 0.5"#, in: zero, offset: 10)): outputs[0].max_mb: expected a size in megabytes from 1 to 4000 (such as 20), found 0.5",
        ])
    }
}
