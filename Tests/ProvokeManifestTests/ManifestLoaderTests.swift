import Foundation
import XCTest
@testable import ProvokeManifest

final class ManifestLoaderTests: XCTestCase {
    private let timeExpectation = #"expected a time ("HH:MM:SS.mmm", "MM:SS.mmm", "SS.mmm" or seconds as a number)"#

    private var expectedProject: Project {
        Project(
            id: "increasing-access", title: "Increasing access is harmful to health",
            event: "Provocation event, 1 May", manifestURL: URL(fileURLWithPath: "/projects/demo/manifest.json"),
            sources: [
                Source(id: "may1", file: "media/session-may1.mp4",
                       url: URL(fileURLWithPath: "/projects/demo/media/session-may1.mp4")),
                Source(id: "may2", file: "/recordings/may2.mp4", url: URL(fileURLWithPath: "/recordings/may2.mp4")),
            ],
            ideas: [
                Idea(id: "demand", text: "More access feeds demand, not health"),
                Idea(id: "continuity", text: "Continuity is care"),
            ],
            clips: [
                Clip(id: "opening", source: "may1", in: µs(10_000_000), out: µs(40_000_000), ideas: ["demand"]),
                Clip(id: "reply", source: "may2", in: µs(10_500_000), out: µs(62_250_000),
                     ideas: ["demand", "continuity"]),
                Clip(id: "close", source: "may1", in: µs(3_600_000_000), out: µs(3_607_500_000), ideas: []),
            ],
            outputs: [
                Output(id: "for-icbs", audience: .icb, title: "Increasing access: a provocation for ICBs",
                       sequence: [SequenceItem(item: "opening"), SequenceItem(item: "reply"), SequenceItem(item: "close")]),
                Output(id: "for-colleges", audience: .college, title: "For the colleges",
                       sequence: [SequenceItem(item: "reply"), SequenceItem(item: "opening")]),
            ])
    }

    // MARK: Valid manifests

    /// Issue 16: FFmpeg's metadata values are C strings, so a NUL in a title cut the MP4's title tag short.
    func testTitlesHoldNoControlCharacters() {
        let text = replacing(#""title": "For the colleges""#, with: #""title": "For the\u0000 colleges""#)
        XCTAssertEqual(located(load(text)), [
            #"\#(at(#""For the\u0000"#, in: text)): outputs[1].title: expected a title without control characters (NUL, line breaks, tabs; the MP4's title tag holds one line, and is cut at a NUL), found "For the\u0000 colleges""#,
        ])
        let project = replacing(#""title": "Increasing access is harmful to health""#,
                                with: #""title": "Increasing access\nis harmful""#)
        XCTAssertEqual(located(load(project)).map { $0.contains("project.title: expected a title without control characters") }, [true])
    }

    func testValidManifestDecodesToTheExactProject() {
        let result = load(validManifest)
        XCTAssertEqual(located(result), [])
        XCTAssertEqual(result.project, expectedProject)
        XCTAssertEqual(result.project?.baseURL.path, "/projects/demo")
    }

    func testTheIssueExampleIsValid() {
        let text = """
        {
          "provoke": 1,
          "project": {"id": "increasing-access", "title": "Increasing access is harmful to health",
                      "event": "Provocation event, 1 May"},
          "sources": [{"id": "may1", "file": "media/session-may1.mp4"}],
          "ideas":   [{"id": "demand", "text": "More access feeds demand, not health"}],
          "clips":   [{"id": "opening", "source": "may1", "in": "00:10.000", "out": 40, "ideas": ["demand"]}],
          "outputs": [{"id": "for-icbs", "audience": "icb", "title": "Increasing access: a provocation for ICBs",
                       "sequence": ["opening"]}]
        }
        """
        let result = load(text)
        XCTAssertEqual(located(result), [])
        XCTAssertEqual(result.project?.clips, [Clip(id: "opening", source: "may1", in: µs(10_000_000),
                                                    out: µs(40_000_000), ideas: ["demand"])])
    }

    func testOptionalKeysMayBeLeftOut() {
        let text = """
        {"provoke": 1, "project": {"id": "p", "title": "P"},
         "sources": [{"id": "s", "file": "s.mp4"}],
         "clips": [{"id": "c", "source": "s", "in": 0, "out": 1}],
         "outputs": [{"id": "o", "audience": "government", "title": "O", "sequence": ["c"]}]}
        """
        let result = load(text)
        XCTAssertEqual(located(result), [])
        XCTAssertEqual(result.project?.event, nil)
        XCTAssertEqual(result.project?.ideas, [])
        XCTAssertEqual(result.project?.clips.first?.ideas, [])
        XCTAssertEqual(result.project?.outputs.first?.audience, .government)
    }

    func testNumericTimesKeepEveryDigit() {
        let text = replacing(#""in": 10.5, "out": "00:01:02.25""#, with: #""in": 10.1, "out": 62.000001"#)
        let clip = load(text).project?.clip("reply")
        XCTAssertEqual(clip?.in, µs(10_100_000))
        XCTAssertEqual(clip?.out, µs(62_000_001))
    }

    func testTimesInEveryForm() {
        let forms: [(String, Int64)] = [
            (#""01:00:00.5""#, 3_600_500_000), (#""59:59.999""#, 3_599_999_000), (#""75.25""#, 75_250_000),
            (#""75""#, 75_000_000), ("75", 75_000_000), ("7.5e1", 75_000_000), ("0.000001", 1),
        ]
        for (written, microseconds) in forms {
            let text = replacing(#""in": "00:10.000""#, with: #""in": \#(written)"#)
                .replacingOccurrences(of: #""out": 40"#, with: #""out": 4000"#)
            let result = load(text)
            XCTAssertEqual(located(result), [], written)
            XCTAssertEqual(result.project?.clip("opening")?.in, µs(microseconds), written)
        }
    }

    func testManifestWithByteOrderMarkLoads() {
        let data = Data([0xEF, 0xBB, 0xBF]) + Data(validManifest.utf8)
        let result = ManifestLoader.load(data: data, url: manifestURL, probe: nil)
        XCTAssertEqual(result.diagnostics, [])
        XCTAssertEqual(result.project, expectedProject)

        // Positions are the same as without the mark.
        let broken = replacing(#""out": 40"#, with: #""out": "x""#)
        let withBOM = ManifestLoader.load(data: Data([0xEF, 0xBB, 0xBF]) + Data(broken.utf8), url: manifestURL,
                                          probe: nil)
        XCTAssertEqual(located(withBOM), [#"\#(at(#""x""#, in: broken)): clips[0].out: \#(timeExpectation), found "x""#])
    }

    // MARK: Syntax

    func testSyntaxErrorGivesLineColumnAndPath() {
        let text = replacing(#""out": 40, "ideas""#, with: #""out": 40 "ideas""#)
        let result = load(text)
        XCTAssertNil(result.project)
        let place = at(#""ideas": ["demand"]"#, in: text)
        XCTAssertEqual(place, "9:80")
        XCTAssertEqual(result.diagnostics.map(\.description), [
            "/projects/demo/manifest.json:9:80: clips[0]: expected ',' or '}' after object member, found '\"'",
        ])
    }

    func testDuplicateJSONKeysAreErrors() {
        let text = replacing(#""title": "For the colleges""#,
                             with: #""title": "For the colleges", "title": "Again""#)
        let result = load(text)
        XCTAssertNil(result.project)
        XCTAssertEqual(located(result), [
            "\(at(#""title": "Again""#, in: text)): outputs[1].title: duplicate key \"title\" (first at line 14); "
                + "expected each key once per object",
        ])
    }

    // MARK: Keys

    func testMisspelledKeyIsNamedWithSuggestionAndAllowedKeys() {
        let text = replacing(#""sequence": ["opening", {"item": "reply"}, "close"]"#,
                             with: #""sequnce": ["opening", {"item": "reply"}, "close"]"#)
        let result = load(text)
        XCTAssertNil(result.project)
        XCTAssertEqual(located(result), [
            #"\#(at(#"{"id": "for-icbs""#, in: text)): outputs[0]: missing key "sequence"; required: id, audience, title, sequence"#,
            #"\#(at(#""sequnce""#, in: text)): outputs[0]: unknown key "sequnce" in outputs[0]; did you mean "sequence"? allowed: id, audience, title, sequence, captions, style, preset, max_mb, poster, loudness, personalise"#,
        ])
    }

    func testUnknownKeysEverywhereNameTheKeyAndTheAllowedOnes() {
        var text = replacing(#""provoke": 1,"#, with: #""provoke": 1, "card": [],"#)
        text = replacing(#""event": "Provocation event, 1 May""#, with: #""dates": "1 May""#, in: text)
        text = replacing(#"{"id": "may1", "file""#, with: #"{"Id": "may1", "file""#, in: text)
        text = replacing(#"{"item": "reply"}"#, with: #"{"item": "reply", "transitoin": "fade"}"#, in: text)
        let result = load(text)
        XCTAssertEqual(located(result), [
            #"\#(at(#""card""#, in: text)): unknown key "card" at the top level; did you mean "cards"? allowed: provoke, project, sources, ideas, clips, cards, outputs, style, speakers"#,
            #"\#(at(#""dates""#, in: text)): project: unknown key "dates" in project; did you mean "date"? allowed: id, title, event, date"#,
            #"\#(at(#"{"Id""#, in: text)): sources[0]: missing key "id"; required: id, file"#,
            #"\#(at(#""Id""#, in: text)): sources[0]: unknown key "Id" in sources[0]; did you mean "id"? allowed: id, file, captions"#,
            #"\#(at(#""transitoin""#, in: text)): outputs[0].sequence[1]: unknown key "transitoin" in outputs[0].sequence[1]; did you mean "transition"? allowed: item, transition"#,
        ])
    }

    func testMissingKeysAreReportedAtTheirObject() {
        var text = replacing("\"provoke\": 1,\n", with: "")
        text = replacing(#", "out": 40"#, with: "", in: text)
        let result = load(text)
        XCTAssertEqual(located(result), [
            #"1:1: missing key "provoke"; required: provoke, project, sources, clips, outputs"#,
            #"\#(at(#"{"id": "opening""#, in: text)): clips[0]: missing key "out"; required: id, source, in, out"#,
        ])
    }

    // MARK: Types

    func testWrongTypesSayWhatWasFoundAndExpected() {
        var text = replacing(#""title": "Increasing access is harmful to health""#, with: #""title": 5"#)
        text = replacing(#""in": "01:00:00""#, with: #""in": true"#, in: text)
        text = replacing(#""ideas": ["demand", "continuity"]"#, with: #""ideas": "demand""#, in: text)
        text = replacing(#""sequence": ["reply", "opening"]"#, with: #""sequence": ["reply", 7, null]"#, in: text)
        text = replacing(#""audience": "college""#, with: #""audience": ["college"]"#, in: text)
        text = replacing(#""title": "For the colleges""#, with: #""title": " ""#, in: text)
        let result = load(text)
        XCTAssertNil(result.project)
        XCTAssertEqual(located(result), [
            "\(at(#""title": 5"#, in: text, offset: 9)): project.title: expected a string, found 5",
            #"\#(at(#""ideas": "demand""#, in: text, offset: 9)): clips[1].ideas: expected a list of idea ids (an array), found "demand""#,
            "\(at(#""in": true"#, in: text, offset: 6)): clips[2].in: \(timeExpectation), found true",
            "\(at(#"["college"]"#, in: text)): outputs[1].audience: expected a string, found an array",
            #"\#(at(#"" ""#, in: text)): outputs[1].title: expected a non-empty string, found " ""#,
            #"\#(at("7, null", in: text)): outputs[1].sequence[1]: expected a clip or card id, or an object {"item": "id", "transition": {…}}, found 7"#,
            #"\#(at("null]", in: text)): outputs[1].sequence[2]: expected a clip or card id, or an object {"item": "id", "transition": {…}}, found null"#,
        ])
    }

    func testNonObjectsWhereObjectsBelong() {
        XCTAssertEqual(located(load("[1]")), [#"1:1: expected a manifest object {"provoke": 1, …}, found an array"#])
        var text = replacing(#"{"id": "may2", "file": "/recordings/may2.mp4"}"#, with: #""may2""#)
        text = replacing(#""project": {"id": "increasing-access", "title": "Increasing access is harmful to health","#,
                         with: #""project": ["increasing-access""#, in: text)
        text = replacing(#""event": "Provocation event, 1 May"},"#, with: "],", in: text)
        let result = load(text)
        // The unreadable source declares ids nobody can know, so clips naming "may2" are not called dangling.
        XCTAssertEqual(located(result), [
            #"\#(at(#"["increasing-access""#, in: text)): project: expected the project (an object with keys id, title, event, date), found an array"#,
            #"\#(at(#""may2"]"#, in: text)): sources[1]: expected a source (an object with keys id, file, captions), found "may2""#,
        ])
    }

    // MARK: Ids and references

    func testIDsMustBeUsableAsFileNames() {
        var text = replacing(#""id": "for-icbs""#, with: #""id": "For_ICBs""#)
        text = replacing(#""id": "for-colleges""#, with: #""id": "-colleges""#, in: text)
        text = replacing(#""id": "increasing-access""#, with: #""id": "Increasing access!""#, in: text)
        let rule = "expected an id of lowercase letters a-z, digits and '-', not starting with '-'"
        XCTAssertEqual(located(load(text)), [
            #"\#(at(#""Increasing access!""#, in: text)): project.id: \#(rule), found "Increasing access!""#,
            #"\#(at(#""For_ICBs""#, in: text)): outputs[0].id: \#(rule), found "For_ICBs"; did you mean "for-icbs"?"#,
            #"\#(at(#""-colleges""#, in: text)): outputs[1].id: \#(rule), found "-colleges"; did you mean "colleges"?"#,
        ])
        XCTAssertNil(ManifestDecoder.idProblem("a-1-b"))
        XCTAssertNil(ManifestDecoder.idProblem("2024-may"))
        XCTAssertNil(ManifestDecoder.idProblem("trailing-"))
        XCTAssertNotNil(ManifestDecoder.idProblem(""))
        XCTAssertNotNil(ManifestDecoder.idProblem("café"))
        XCTAssertNotNil(ManifestDecoder.idProblem("a.b"))
        XCTAssertNotNil(ManifestDecoder.idProblem("a/b"))
        XCTAssertNil(ManifestDecoder.idProblem(String(repeating: "a", count: 100)))
        XCTAssertEqual(ManifestDecoder.idProblem(String(repeating: "a", count: 101)), "an id of at most 100 characters")
    }

    func testDuplicateIDsPerKind() {
        var text = replacing(#"{"id": "close", "source""#, with: #"{"id": "opening", "source""#)
        text = replacing(#""id": "for-colleges""#, with: #""id": "for-icbs""#, in: text)
        XCTAssertEqual(located(load(text)), [
            #"\#(at(#""opening""#, in: text, occurrence: 2)): clips[2].id: duplicate clip id "opening" (first at line 9)"#,
            #"\#(at(#""close""#, in: text)): outputs[0].sequence[2]: unknown clip or card "close"; known clips and cards: opening, reply"#,
            #"\#(at(#""for-icbs""#, in: text, occurrence: 2)): outputs[1].id: duplicate output id "for-icbs" (first at line 12)"#,
        ])
    }

    func testTheSameIDMayNameThingsOfDifferentKinds() {
        var text = replacing(#"{"id": "close", "source""#, with: #"{"id": "may1", "source""#)
        text = replacing(#""close"]"#, with: #""may1"]"#, in: text)
        text = replacing(#"{"id": "continuity""#, with: #"{"id": "may1""#, in: text)
        text = replacing(#""ideas": ["demand", "continuity"]"#, with: #""ideas": ["demand", "may1"]"#, in: text)
        let result = load(text)
        XCTAssertEqual(located(result), [])
        XCTAssertEqual(result.project?.clip("may1")?.source, "may1")
    }

    func testDanglingReferencesListTheKnownIDs() {
        var text = replacing(#""source": "may2""#, with: #""source": "may3""#)
        text = replacing(#""ideas": ["demand"]"#, with: #""ideas": ["demnd"]"#, in: text)
        text = replacing(#"["opening", {"item": "reply"}"#, with: #"["openin", {"item": "nope"}"#, in: text)
        XCTAssertEqual(located(load(text)), [
            #"\#(at(#""demnd""#, in: text)): clips[0].ideas[0]: unknown idea "demnd"; did you mean "demand"? known ideas: demand, continuity"#,
            #"\#(at(#""may3""#, in: text)): clips[1].source: unknown source "may3"; did you mean "may1"? known sources: may1, may2"#,
            #"\#(at(#""openin""#, in: text)): outputs[0].sequence[0]: unknown clip or card "openin"; did you mean "opening"? known clips and cards: opening, reply, close"#,
            #"\#(at(#""nope""#, in: text)): outputs[0].sequence[1].item: unknown clip or card "nope"; known clips and cards: opening, reply, close"#,
        ])
    }

    func testReferenceToAnUndeclaredKind() {
        var text = replacing(#""ideas": ["demand", "continuity"]"#, with: #""ideas": []"#)
        text = replacing(#"  "ideas":   [{"id": "demand", "text": "More access feeds demand, not health"},"#,
                         with: "", in: text)
        text = replacing(#"              {"id": "continuity", "text": "Continuity is care"}],"#, with: "", in: text)
        XCTAssertEqual(located(load(text)), [
            #"\#(at(#""demand""#, in: text)): clips[0].ideas[0]: unknown idea "demand"; no ideas are defined"#,
        ])
    }

    // MARK: Times

    func testMalformedTimeNamesTheFormsExpected() {
        let text = replacing(#""out": 40"#, with: #""out": "1:2:3:4""#)
        let result = load(text)
        XCTAssertNil(result.project)
        XCTAssertEqual(result.diagnostics, [Diagnostic(
            file: "/projects/demo/manifest.json", path: "clips[0].out", line: 9, column: 77, severity: .error,
            message: #"expected a time ("HH:MM:SS.mmm", "MM:SS.mmm", "SS.mmm" or seconds as a number), found "1:2:3:4""#)])
        XCTAssertEqual(at(#""1:2:3:4""#, in: text), "9:77")
    }

    func testInvalidTimesOfEveryKind() {
        var text = replacing(#""in": "00:10.000", "out": 40"#, with: #""in": "00:60", "out": 40.0000001"#)
        text = replacing(#""in": 10.5"#, with: #""in": -1"#, in: text)
        text = replacing(#""out": "1:00:07.5""#, with: #""out": "1:00:07.1234567""#, in: text)
        XCTAssertEqual(located(load(text)), [
            #"\#(at(#""00:60""#, in: text)): clips[0].in: expected seconds from 00 to 59 when minutes are given, found "00:60""#,
            "\(at("40.0000001", in: text)): clips[0].out: expected at most 6 decimal places (microseconds), found 40.0000001",
            "\(at("-1", in: text)): clips[1].in: expected a time of 0 or later, found -1",
            #"\#(at(#""1:00:07.1234567""#, in: text)): clips[2].out: expected at most 6 decimal places (microseconds), found "1:00:07.1234567""#,
        ])
    }

    func testOutMustComeAfterIn() {
        var text = replacing(#""in": "00:10.000", "out": 40"#, with: #""in": "00:50.000", "out": 40"#)
        text = replacing(#""in": 10.5, "out": "00:01:02.25""#, with: #""in": 62.25, "out": "00:01:02.25""#, in: text)
        text = replacing(#""in": "01:00:00", "out": "1:00:07.5""#, with: #""in": 40.0001, "out": 40"#, in: text)
        XCTAssertEqual(located(load(text)), [
            "\(at("40,", in: text)): clips[0].out: expected out after in (00:00:50.000), found 00:00:40.000",
            #"\#(at(#""00:01:02.25""#, in: text)): clips[1].out: expected out after in (00:01:02.250), found 00:01:02.250"#,
            "\(at("40}", in: text)): clips[2].out: expected out after in (00:00:40.000100), found 00:00:40.000",
        ])
    }

    // MARK: Outputs

    func testAudienceMustBeKnown() {
        var text = replacing(#""audience": "icb""#, with: #""audience": "icbs""#)
        text = replacing(#""audience": "college""#, with: #""audience": "public""#, in: text)
        XCTAssertEqual(located(load(text)), [
            #"\#(at(#""icbs""#, in: text)): outputs[0].audience: expected one of icb, college, government, found "icbs"; did you mean "icb"?"#,
            #"\#(at(#""public""#, in: text)): outputs[1].audience: expected one of icb, college, government, found "public""#,
        ])
    }

    func testOutputsNeedASequenceAndThereMustBeAnOutput() {
        let text = replacing(#""sequence": ["reply", "opening"]"#, with: #""sequence": []"#)
        XCTAssertEqual(located(load(text)), [
            "\(at("[]", in: text)): outputs[1].sequence: expected at least one clip or card id, found an empty array",
        ])
        let none = """
        {"provoke": 1, "project": {"id": "p", "title": "P"}, "sources": [], "clips": [],
         "outputs": []}
        """
        XCTAssertEqual(located(load(none)), ["2:13: outputs: expected at least one output, found an empty array"])
        let missing = #"{"provoke": 1, "project": {"id": "p", "title": "P"}, "sources": [], "clips": []}"#
        XCTAssertEqual(located(load(missing)),
                       [#"1:1: missing key "outputs"; required: provoke, project, sources, clips, outputs"#])
    }

    // MARK: Version

    func testNewerFormatIsOneClearError() {
        let text = replacing(#""provoke": 1,"#, with: #""provoke": 2, "cards": [{"id": "x"}],"#)
        let result = load(text)
        XCTAssertNil(result.project)
        XCTAssertEqual(located(result), ["2:14: provoke: this manifest needs provoke format 2; this program reads 1"])
    }

    func testVersionMustBeTheNumberOne() {
        for (written, shown) in [(#""1""#, #""1""#), ("0", "0"), ("1.5", "1.5"), ("-1", "-1"), ("null", "null")] {
            let result = load(replacing(#""provoke": 1,"#, with: #""provoke": \#(written),"#))
            XCTAssertNil(result.project, written)
            XCTAssertEqual(located(result), ["2:14: provoke: expected the format version 1, found \(shown)"], written)
        }
        XCTAssertEqual(located(load(replacing(#""provoke": 1,"#, with: #""provoke": 1.0,"#))), [])
    }

    // MARK: All at once

    func testEveryProblemIsReportedAtOnceInDocumentOrder() {
        var text = replacing(#""event": "Provocation event, 1 May""#, with: #""evnt": "Provocation event, 1 May""#)
        text = replacing(#""out": 40"#, with: #""out": "forty""#, in: text)
        text = replacing(#""source": "may2""#, with: #""source": "june""#, in: text)
        text = replacing(#""audience": "college""#, with: #""audience": "colleges""#, in: text)
        text = replacing(#""id": "for-colleges""#, with: #""id": "for-icbs""#, in: text)
        let result = load(text)
        XCTAssertNil(result.project)
        XCTAssertEqual(result.errors.count, 5)
        XCTAssertEqual(result.diagnostics.map(\.path),
                       ["project", "clips[0].out", "clips[1].source", "outputs[1].id", "outputs[1].audience"])
        let lines = result.diagnostics.map(\.line)
        XCTAssertEqual(lines, lines.sorted())
    }

    // MARK: Warnings

    func testUnusedSourcesAndClipsAreWarningsThatDoNotBlock() {
        var text = replacing(#"{"id": "may2", "file": "/recordings/may2.mp4"}"#,
                             with: #"{"id": "may2", "file": "/recordings/may2.mp4"}, {"id": "spare", "file": "x.mp4"}"#)
        text = replacing(#""out": "1:00:07.5"}"#, with: #""out": "1:00:07.5"}, {"id": "extra", "source": "may1", "in": 0, "out": 1}"#, in: text)
        let result = load(text)
        XCTAssertNotNil(result.project)
        XCTAssertEqual(result.errors, [])
        XCTAssertEqual(located(result), [
            #"\#(at(#""spare""#, in: text)): sources[2].id: warning: source "spare" is not used by any clip"#,
            #"\#(at(#""extra""#, in: text)): clips[3].id: warning: clip "extra" is not in any output's sequence"#,
        ])
    }

    func testDiagnosticDescriptions() {
        let error = Diagnostic(file: "projects/x/manifest.json", path: "clips[2].out", line: 12, column: 40,
                               severity: .error, message: "expected …")
        XCTAssertEqual(error.description, "projects/x/manifest.json:12:40: clips[2].out: expected …")
        var warning = error
        warning.severity = .warning
        XCTAssertEqual(warning.description, "projects/x/manifest.json:12:40: clips[2].out: warning: expected …")
        let root = Diagnostic(file: "m.json", path: "", line: 1, column: 1, severity: .error, message: "m")
        XCTAssertEqual(root.description, "m.json:1:1: m")
        let whole = Diagnostic(file: "m.json", path: "", line: 0, column: 0, severity: .error, message: "file not found")
        XCTAssertEqual(whole.description, "m.json: file not found")
    }
}

final class ManifestDocumentationTests: XCTestCase {
    /// The README's manifest example (the first JSON block of its manifest section) must stay a valid manifest.
    func testTheDocumentedExampleIsValid() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../README.md").standardizedFileURL
        let markdown = try String(contentsOf: readme, encoding: .utf8)
        let section = try XCTUnwrap(markdown.components(separatedBy: "## The project manifest").dropFirst().first)
        let example = try XCTUnwrap(section.components(separatedBy: "```json\n").dropFirst().first?
            .components(separatedBy: "```").first)
        // The style's logo and music must exist (the loader checks that always); empty files will do without a
        // probe, so the example is loaded from a folder that has them.
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for asset in ["assets/logo.png", "assets/bed.m4a"] {
            let file = folder.appendingPathComponent(asset)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            XCTAssertTrue(FileManager.default.createFile(atPath: file.path, contents: Data()))
        }
        let result = load(example, url: folder.appendingPathComponent("manifest.json"))
        XCTAssertEqual(located(result), [])
        XCTAssertEqual(result.project?.clip("reply")?.out, µs(92_250_000))
        XCTAssertEqual(result.project?.outputs.first?.sequence.map(\.item), ["provocation", "opening", "reply", "close"])
        XCTAssertEqual(result.project?.outputs.first?.sequence.compactMap(\.transition?.kind), [.fade, .crossfade])
        XCTAssertEqual(result.project?.cards.map(\.template), [.statement, .end])
        XCTAssertEqual(result.project?.style.card.logo?.written, "assets/logo.png")
    }
}
