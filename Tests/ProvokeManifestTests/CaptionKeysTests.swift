import Foundation
import ProvokeCaptions
import XCTest
@testable import ProvokeManifest

/// The caption keys: caption files (read from disk), clips' own captions and speakers, caption modes and the
/// style block, each problem at its JSON path or at the caption file's line.
final class CaptionKeysTests: XCTestCase {
    private var folder: URL!
    /// The manifest as a producer names it from the folder they work in: `project/manifest.json`.
    private var manifest: URL {
        URL(fileURLWithPath: "project/manifest.json", relativeTo: URL(fileURLWithPath: folder.path, isDirectory: true))
    }

    override func setUpWithError() throws {
        folder = try temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("project/captions"),
                                                withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: folder) }

    private func write(_ bytes: [UInt8], _ name: String) throws {
        try Data(bytes).write(to: folder.appendingPathComponent("project/" + name))
    }
    private func write(_ text: String, _ name: String) throws { try write(Array(text.utf8), name) }

    private func check(_ text: String, probe: (any SourceProbe)? = nil) -> ManifestResult {
        ManifestLoader.load(data: Data(text.utf8), url: manifest, probe: probe)
    }

    /// A manifest with one source and one clip (2–6 s); `source`, `clip`, `output` and `top` are spliced in as
    /// extra members of those objects (and of the root).
    private func manifestText(source: String = "", clip: String = "", output: String = "", top: String = "") -> String {
        """
        {
          "provoke": 1,
          "project": {"id": "demo", "title": "Demo"},
          "sources": [{"id": "may1", "file": "media/may1.mp4"\(source)}],
          "clips": [{"id": "opening", "source": "may1", "in": 2, "out": 6\(clip)}],
          "outputs": [{"id": "for-icbs", "audience": "icb", "title": "For ICBs", "sequence": ["opening"]\(output)}]\(top)
        }
        """
    }

    // MARK: Caption files

    func testAnSRTWithBOMAndCRLFIsReadIntoTheProject() throws {
        // BOM, CRLF, a comma and a dot as millisecond separators, markup, and no blank line after the last cue.
        try write([0xEF, 0xBB, 0xBF] + Array(("1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Access</i> is not care\r\n\r\n"
                   + "2\r\n00:00:03.000 --> 00:00:04.500\r\nWelsh: ŵ ŷ\r\nsecond line").utf8), "captions/may1.srt")
        let result = check(manifestText(source: #", "captions": "captions/may1.srt""#))
        XCTAssertEqual(located(result), [])
        let captions = try XCTUnwrap(result.project?.sources[0].captions)
        XCTAssertEqual(captions.format, .srt)
        XCTAssertEqual(captions.file, "captions/may1.srt")
        XCTAssertEqual(captions.url, folder.appendingPathComponent("project/captions/may1.srt").standardizedFileURL)
        XCTAssertEqual(captions.cues, [Cue(start: 1000, end: 2500, text: "Access is not care"),
                                       Cue(start: 3000, end: 4500, text: "Welsh: ŵ ŷ\nsecond line")])
        XCTAssertEqual(captions.lines, [2, 6])
    }

    func testAWebVTTWithBOMAndCRLFIsReadIntoTheProject() throws {
        try write([0xEF, 0xBB, 0xBF] + Array(("WEBVTT - session\r\n\r\nNOTE a comment\r\n\r\n"
                   + "intro\r\n00:01.000 --> 00:02.000 align:start\r\n<v Dr A>Hello &amp; welcome\r\n").utf8),
                  "captions/may1.vtt")
        let result = check(manifestText(source: #", "captions": "captions/may1.vtt""#))
        XCTAssertEqual(located(result), [])
        XCTAssertEqual(result.project?.sources[0].captions?.cues, [Cue(start: 1000, end: 2000, text: "Hello & welcome", speaker: "Dr A")])
        XCTAssertEqual(result.project?.sources[0].captions?.format, .vtt)
    }

    func testAMalformedCaptionFileIsReportedAtItsOwnLines() throws {
        try write("1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:01 -> 2\nbroken\n\n3\n00:00:05,000 --> 00:00:04,000\nbackwards\n",
                  "captions/may1.srt")
        let result = check(manifestText(source: #", "captions": "captions/may1.srt""#))
        XCTAssertNil(result.project)
        XCTAssertEqual(result.diagnostics.map(\.description), [
            #"project/captions/may1.srt:6: expected a timing line like 00:00:01,000 --> 00:00:02,000, found "00:00:01 -> 2""#,
            "project/captions/may1.srt:10: expected the end time after the start time, found 00:00:05,000 --> 00:00:04,000",
        ])
        XCTAssertEqual(result.diagnostics.map(\.column), [0, 0])
        XCTAssertEqual(result.diagnostics.map(\.path), ["", ""])
    }

    func testCaptionFileProblemsComeAfterTheManifestsOwn() throws {
        try write("WEBVTT\n\n00:00:01.000 --> 00:00:01.000\nnever shown\n", "captions/may1.vtt")
        let result = check(manifestText(source: #", "captions": "captions/may1.vtt""#, clip: #", "bogus": 1"#))
        XCTAssertEqual(result.diagnostics.map(\.file), ["project/manifest.json", "project/captions/may1.vtt",
                                                        "project/captions/may1.vtt"])
        XCTAssertEqual(result.diagnostics.dropFirst().map(\.description), [
            "project/captions/may1.vtt:1: warning: no cues in this file",
            "project/captions/may1.vtt:3: warning: cue starts and ends at 00:00:01.000, so it is never shown; skipped",
        ])
    }

    func testAMissingCaptionFileIsAnErrorAtItsKey() throws {
        let text = manifestText(source: #", "captions": "captions/nope.srt""#)
        let result = check(text)
        XCTAssertNil(result.project)
        let missing = folder.appendingPathComponent("project/captions/nope.srt").standardizedFileURL.path
        XCTAssertEqual(located(result), [#"\#(at(#""captions/nope.srt""#, in: text)): sources[0].captions: file not found: \#(missing)"#])
        XCTAssertEqual(located(check(manifestText(source: #", "captions": "captions""#))).count, 1, "a folder")
        XCTAssertEqual(located(check(manifestText(source: #", "captions": " ""#))).count, 1, "blank")
    }

    func testCuesPastTheRecordingsEndAreWarnings() throws {
        try write("1\n00:00:01,000 --> 00:00:02,000\nin\n\n2\n00:00:09,000 --> 00:00:11,000\nruns over\n\n3\n00:00:12,000 --> 00:00:13,000\nafter\n",
                  "captions/may1.srt")
        let media = folder.appendingPathComponent("project/media/may1.mp4")
        try FileManager.default.createDirectory(at: media.deletingLastPathComponent(), withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: media.path, contents: Data()))
        let probe = FakeProbe(answers: [media.standardizedFileURL.path:
            .success(SourceMediaInfo(duration: µs(10_000_000), hasVideo: true, hasAudio: true))])
        let result = check(manifestText(source: #", "captions": "captions/may1.srt""#), probe: probe)
        XCTAssertNotNil(result.project, "warnings only")
        XCTAssertEqual(result.diagnostics.map(\.description), [
            "project/captions/may1.srt:6: warning: cue ends at 00:00:11.000, after the recording ends (00:00:10.000)",
            "project/captions/may1.srt:10: warning: cue starts at 00:00:12.000, after the recording ends (00:00:10.000)",
        ])
    }

    func testCuesShownFasterThanAViewerCanReadAreWarningsAtTheirLines() throws {
        // 40 characters in 2 s is 20 a second: the limit, fine. 41 in 2 s is over it. Line breaks count as the
        // space a viewer reads; markup does not count.
        try write("1\n00:00:01,000 --> 00:00:03,000\n<i>Continuity of care</i> is what we lose today\n\n"
                  + "2\n00:00:04,000 --> 00:00:06,000\nContinuity of care is what we lose\nfirst!\n", "captions/may1.srt")
        let result = check(manifestText(source: #", "captions": "captions/may1.srt""#,
                                        clip: #", "captions": [{"start": 0, "end": 0.5, "text": "Fund time to care"}]"#))
        XCTAssertNotNil(result.project, "warnings only")
        let text = manifestText(clip: #", "captions": [{"start": 0, "end": 0.5, "text": "Fund time to care"}]"#)
        XCTAssertEqual(result.diagnostics.map(\.file), [manifest.relativePath, "project/captions/may1.srt"])
        XCTAssertEqual(located(result), [
            #"\#(at(#""Fund time to care""#, in: text)): clips[0].captions[0].text: warning: 17 characters in 0.500 s, 34.0 a second: more than the 20 a viewer can read; give it more time or fewer words"#,
            "6: warning: 41 characters in 2.000 s, 20.5 a second: more than the 20 a viewer can read; give it more time or fewer words",
        ])
    }

    func testDiagnosticDescriptionLeavesOutAZeroColumn() {
        XCTAssertEqual(Diagnostic(file: "captions/may1.srt", path: "", line: 14, column: 0, severity: .error,
                                  message: "m").description, "captions/may1.srt:14: m")
        XCTAssertEqual(Diagnostic(file: "m.json", path: "clips[0].out", line: 3, column: 7, severity: .warning,
                                  message: "m").description, "m.json:3:7: clips[0].out: warning: m")
    }

    // MARK: Clips

    func testAClipsOwnCaptionsAndSpeakerAreRead() throws {
        let clip = #", "captions": [{"start": 0.5, "end": "00:03.2", "text": "Access: 'not' care; {\\an8}"}], "speaker": {"name": "Dr A. Example", "role": "GP partner"}"#
        let result = check(manifestText(clip: clip))
        XCTAssertEqual(located(result), [])
        XCTAssertEqual(result.project?.clips[0].captions, [Cue(start: 500, end: 3200, text: #"Access: 'not' care; {\an8}"#)])
        XCTAssertEqual(result.project?.clips[0].speaker, Speaker(name: "Dr A. Example", role: "GP partner"))
        XCTAssertEqual(check(manifestText(clip: #", "speaker": {"name": "Sam"}"#)).project?.clips[0].speaker,
                       Speaker(name: "Sam", role: nil))
    }

    func testClipCaptionProblemsAreReportedAtTheirPaths() {
        let clip = #", "captions": [{"start": 2, "end": 1, "text": "backwards"}, {"start": 0, "end": 1, "text": ""}, {"start": 0, "end": 1, "txt": "x"}, {"start": 3, "end": 5, "text": "past the end"}, {"start": 4, "end": 5, "text": "after"}], "speaker": {"role": "GP"}"#
        let text = manifestText(clip: clip)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""end": 1"#, in: text, offset: 7)): clips[0].captions[0].end: expected end after start (00:00:02.000), found 00:00:01.000"#,
            #"\#(at(#""""#, in: text)): clips[0].captions[1].text: expected a non-empty string, found """#,
            #"\#(at(#"{"start": 0, "end": 1, "txt""#, in: text)): clips[0].captions[2]: missing key "text"; required: start, end, text"#,
            #"\#(at(#""txt""#, in: text)): clips[0].captions[2]: unknown key "txt" in clips[0].captions[2]; did you mean "text"? allowed: start, end, text"#,
            #"\#(at(#""end": 5"#, in: text, offset: 7)): clips[0].captions[3].end: warning: caption ends at 00:00:05.000 from the clip's in, after the clip's end (00:00:04.000); it is cut there"#,
            #"\#(at(#""start": 4"#, in: text, offset: 9)): clips[0].captions[4].start: warning: caption starts at 00:00:04.000 from the clip's in, at or after the clip's end (00:00:04.000); it is never shown"#,
            #"\#(at(#"{"role""#, in: text)): clips[0].speaker: missing key "name"; required: name"#,
        ])
    }

    // MARK: Outputs: mode and style

    func testCaptionModeDefaultsToBothAndIsOneOfFour() {
        XCTAssertEqual(check(manifestText()).project?.outputs[0].captions, .both)
        for mode in CaptionMode.allCases {
            XCTAssertEqual(check(manifestText(output: #", "captions": "\#(mode.rawValue)""#)).project?.outputs[0].captions, mode)
        }
        var text = manifestText(output: #", "captions": "Both""#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""Both""#, in: text)): outputs[0].captions: expected one of burned, soft, both, none, found "Both"; did you mean "both"?"#,
        ])
        text = manifestText(output: #", "captions": "burnt""#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""burnt""#, in: text)): outputs[0].captions: expected one of burned, soft, both, none, found "burnt""#,
        ])
    }

    func testTheProjectStyleOverridesTheDefaultsAndAnOutputOnlyTheKeysItNames() throws {
        let top = ##", "style": {"captions": {"font": "DejaVu Serif", "size": 0.06, "bold": true, "color": "#FFFF00", "outlineColor": "#101010", "outlineWidth": 0.004, "box": {"color": "#00000080"}, "position": "bottom", "safeArea": 0.05, "maxLineLength": 32, "maxLines": 3, "minDuration": 1.2}, "speaker": {"font": "DejaVu Sans Mono", "nameSize": 0.05, "roleSize": 0.03, "color": "#EEEEEE", "outlineColor": "#000000", "outlineWidth": 0.001, "box": {"shape": "line"}, "safeArea": 0.08, "corner": "bottomLeft", "duration": "00:03.5", "maxLineLength": 30}}"##
        let output = #", "style": {"captions": {"position": "top", "box": false, "size": 0.07}, "speaker": {"box": {"padding": 0.01}}}"#
        var text = manifestText(output: output, top: top)
        // A second output without a style gets the project's.
        text = text.replacingOccurrences(of: #""sequence": ["opening"], "style""#,
                                         with: #""sequence": ["opening"]}, {"id": "plain", "audience": "college", "title": "P", "sequence": ["opening"], "style""#)
        text = text.replacingOccurrences(of: #"{"id": "plain", "audience": "college", "title": "P", "sequence": ["opening"], "style": {"captions": {"position": "top", "box": false, "size": 0.07}, "speaker": {"box": {"padding": 0.01}}}}"#,
                                         with: #"{"id": "plain", "audience": "college", "title": "P", "sequence": ["opening"]}"#)
        text = text.replacingOccurrences(of: #"{"id": "for-icbs", "audience": "icb", "title": "For ICBs", "sequence": ["opening"]},"#,
                                         with: #"{"id": "for-icbs", "audience": "icb", "title": "For ICBs", "sequence": ["opening"]\#(output)},"#)
        let result = check(text)
        XCTAssertEqual(located(result), [])
        let project = try XCTUnwrap(result.project)
        var expected = Style()
        expected.captions = CaptionStyle(fontFamily: "DejaVu Serif", fontSize: 0.06, bold: true,
                                         textColor: RGBAColor(hex: "#FFFF00")!, outlineColor: RGBAColor(hex: "#101010")!,
                                         outlineWidth: 0.004, box: CaptionStyle.Box(color: RGBAColor(hex: "#00000080")!),
                                         position: .bottom, safeArea: 0.05,
                                         wrapping: LineWrapping(maxLineLength: 32, maxLines: 3), minimumDuration: 1200)
        expected.speaker = LowerThirdStyle(fontFamily: "DejaVu Sans Mono", nameSize: 0.05, roleSize: 0.03,
                                           textColor: RGBAColor(hex: "#EEEEEE")!, outlineColor: .black, outlineWidth: 0.001,
                                           box: CaptionStyle.Box(shape: .line), corner: .bottomLeft, safeArea: 0.08,
                                           duration: 3500, maxLineLength: 30)
        XCTAssertEqual(project.style, expected)
        XCTAssertEqual(project.outputs.map(\.id), ["for-icbs", "plain"])
        XCTAssertEqual(project.outputs[1].style, expected)
        var overridden = expected
        overridden.captions.position = .top
        overridden.captions.box = nil
        overridden.captions.fontSize = 0.07
        overridden.speaker.box?.padding = 0.01  // over the project's box: shape stays "line"
        XCTAssertEqual(project.outputs[0].style, overridden)
        XCTAssertEqual(check(manifestText()).project?.outputs[0].style, Style(), "no style: the defaults")
    }

    func testStyleProblemsAreReportedWhereTheValueWasWritten() {
        let top = ##", "style": {"captions": {"size": 0.5, "color": "white", "position": "botom", "maxLines": 9, "font": "Sans, Bold", "box": {"padding": 0.2, "shape": "round"}, "colour": "#FFFFFF"}, "speaker": {"duration": 0, "corner": "topRight", "nameSize": "big"}}"##
        let output = #", "style": {"captions": {"outlineWidth": 0.1, "box": true}}"#
        let text = manifestText(output: output, top: top)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""outlineWidth""#, in: text, offset: 16)): outputs[0].style.captions.outlineWidth: expected a share of frame height from 0 to 0.02 (0.00278 is 2 px at 720p), found 0.1"#,
            #"\#(at(#""box": true"#, in: text, offset: 7)): outputs[0].style.captions.box: expected a box {"color", "padding", "shape"} or false (no box), found true"#,
            #"\#(at(#"0.5"#, in: text)): style.captions.size: expected a share of frame height above 0 and at most 0.25 (0.055 is 40 px at 720p), found 0.5"#,
            ##"\##(at(#""white""#, in: text)): style.captions.color: expected a colour "#RRGGBB" or "#RRGGBBAA" (AA is opacity, FF opaque), such as "#FFFFFF" or "#000000CC", found "white""##,
            #"\#(at(#""botom""#, in: text)): style.captions.position: expected one of bottom, top, found "botom"; did you mean "bottom"?"#,
            #"\#(at(#"9,"#, in: text)): style.captions.maxLines: expected a whole number from 1 to 4, found 9"#,
            #"\#(at(#""Sans, Bold""#, in: text)): style.captions.font: expected a font family name without commas, braces, backslashes or line breaks, found "Sans, Bold""#,
            #"\#(at(#"0.2"#, in: text)): style.captions.box.padding: expected a share of frame height from 0 to 0.05, found 0.2"#,
            #"\#(at(#""round""#, in: text)): style.captions.box.shape: expected one of line, block, found "round""#,
            #"\#(at(#""colour""#, in: text)): style.captions: unknown key "colour" in style.captions; did you mean "color"? allowed: font, size, bold, color, outlineColor, outlineWidth, box, position, safeArea, maxLineLength, maxLines, minDuration"#,
            #"\#(at(#"0,"#, in: text)): style.speaker.duration: expected a time above 0, found 0 ms"#,
            #"\#(at(#""topRight""#, in: text)): style.speaker.corner: expected one of topLeft, bottomLeft, found "topRight""#,
            #"\#(at(#""big""#, in: text)): style.speaker.nameSize: expected a number (a share of the frame, such as 0.055), found "big""#,
        ].sortedByPlace())
    }
}

private extension Array where Element == String {
    /// Diagnostics in the loader's order: by line, then column (`line:column` prefix).
    func sortedByPlace() -> [String] {
        sorted {
            func place(_ s: String) -> (Int, Int) {
                let parts = s.split(separator: ":", maxSplits: 2)
                return (Int(parts[0]) ?? 0, Int(parts[1]) ?? 0)
            }
            return place($0) < place($1)
        }
    }
}
