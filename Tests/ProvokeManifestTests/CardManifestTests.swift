import Foundation
import ProvokeCaptions
import XCTest
@testable import ProvokeManifest

/// A stand-in for fontconfig: families installed on "the system", families in the project's fonts folder (found
/// only when the loader passes that folder), and the families of font files by absolute path.
struct FixedFonts: FontLocator {
    var installed: Set<String> = ["DejaVu Sans", "DejaVu Serif"]
    var inProjectFolder: Set<String> = []
    var files: [String: [String]] = [:]

    func hasFamily(_ family: String, orIn directory: URL?) -> Bool {
        let lowered = family.lowercased()
        if installed.contains(where: { $0.lowercased() == lowered }) { return true }
        return directory != nil && inProjectFolder.contains { $0.lowercased() == lowered }
    }

    func families(inFile url: URL) -> [String]? { files[url.path] }
}

/// Cards, audience text, transitions, and the style's card keys with the files and fonts they name.
final class CardManifestTests: XCTestCase {
    private var folder: URL!
    /// The manifest as a producer names it from the folder they work in: `project/manifest.json`.
    private var manifest: URL {
        URL(fileURLWithPath: "project/manifest.json", relativeTo: URL(fileURLWithPath: folder.path, isDirectory: true))
    }
    private var projectFolder: URL { folder.appendingPathComponent("project") }

    override func setUpWithError() throws {
        folder = try temporaryFolder()
        try FileManager.default.createDirectory(at: projectFolder.appendingPathComponent("assets"),
                                                withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: folder) }

    /// An empty file at `name` under the project folder (existence is all the loader checks itself).
    @discardableResult
    private func touch(_ name: String) throws -> URL {
        let url = projectFolder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: url.path, contents: Data()))
        return url.standardizedFileURL
    }

    private func check(_ text: String, probe: (any SourceProbe)? = nil, fonts: (any FontLocator)? = nil) -> ManifestResult {
        ManifestLoader.load(data: Data(text.utf8), url: manifest, probe: probe, fonts: fonts)
    }

    /// One card of every template, a 4 s clip between them, and two outputs: every card long enough to read and
    /// every audience map complete, so the manifest loads without a word.
    private let cards = """
    {
      "provoke": 1,
      "project": {"id": "demo", "title": "Increasing access is harmful to health", "event": "Provocation event",
                  "date": "1 May 2026"},
      "sources": [{"id": "may1", "file": "media/may1.mp4"}],
      "clips": [{"id": "opening", "source": "may1", "in": 2, "out": 6}],
      "cards": [
        {"id": "intro", "template": "title", "duration": 5},
        {"id": "provocation", "template": "statement", "duration": 5, "text": "Increasing access is harmful to health"},
        {"id": "voices", "template": "quote", "duration": "00:06", "text": "We cannot keep up", "attribution": "GP, London"},
        {"id": "asks", "template": "points", "duration": 8, "points": ["Fund continuity", "Count outcomes", "Ask GPs"]},
        {"id": "burden", "template": "stat", "duration": 5, "value": "46%", "label": "of practices have a vacancy"},
        {"id": "close", "template": "end", "duration": 5, "text": {"icb": "Talk to your GP leaders", "college": "Back your members", "government": "Fund general practice"}, "url": "wisegp.co.uk"}
      ],
      "outputs": [{"id": "for-icbs", "audience": "icb", "title": "For ICBs",
                   "sequence": ["intro", "provocation", "opening", "voices", "asks", "burden", "close"]},
                  {"id": "for-colleges", "audience": "college", "title": "For colleges",
                   "sequence": ["provocation", "close"]}]
    }
    """

    /// `cards` with one piece replaced (it must occur exactly once).
    private func cards(_ target: String, _ replacement: String, in text: String? = nil,
                       file: StaticString = #filePath, line: UInt = #line) -> String {
        replacing(target, with: replacement, in: text ?? cards, file: file, line: line)
    }

    /// `cards` with the output for ICBs showing `sequence` (JSON array elements) instead.
    private func sequence(_ sequence: String, in text: String? = nil) -> String {
        cards(#""sequence": ["intro", "provocation", "opening", "voices", "asks", "burden", "close"]"#,
              #""sequence": [\#(sequence)]"#, in: text)
    }

    /// `cards` with a `style` block at the top level, and `outputStyle` on the output for colleges.
    private func styled(_ style: String, outputStyle: String = "", in text: String? = nil) -> String {
        var text = cards(#""sequence": ["provocation", "close"]}]"#,
                         #""sequence": ["provocation", "close"]\#(outputStyle)}]"#, in: text)
        text = cards("\n}", ",\n  \"style\": \(style)\n}", in: text)
        return text
    }

    // MARK: Cards

    func testEveryTemplateIsDecoded() throws {
        let result = check(cards)
        XCTAssertEqual(located(result), [])
        let project = try XCTUnwrap(result.project)
        XCTAssertEqual(project.date, "1 May 2026")
        XCTAssertEqual(project.cards, [
            Card(id: "intro", template: .title, duration: 5_000_000),
            Card(id: "provocation", template: .statement, duration: 5_000_000,
                 text: .all("Increasing access is harmful to health")),
            Card(id: "voices", template: .quote, duration: 6_000_000, text: .all("We cannot keep up"),
                 attribution: .all("GP, London")),
            Card(id: "asks", template: .points, duration: 8_000_000,
                 points: [.all("Fund continuity"), .all("Count outcomes"), .all("Ask GPs")]),
            Card(id: "burden", template: .stat, duration: 5_000_000, value: .all("46%"),
                 label: .all("of practices have a vacancy")),
            Card(id: "close", template: .end, duration: 5_000_000,
                 text: .byAudience([.icb: "Talk to your GP leaders", .college: "Back your members",
                                    .government: "Fund general practice"]),
                 url: .all("wisegp.co.uk")),
        ])
        XCTAssertEqual(project.outputs[0].sequence.map(\.item),
                       ["intro", "provocation", "opening", "voices", "asks", "burden", "close"])
        XCTAssertEqual(project.card("close")?.text?.text(for: .college), "Back your members")
    }

    func testATitleCardMayOverrideTheProjectsLinesAndAnyTextMayBeAMapByAudience() throws {
        let text = cards(#"{"id": "intro", "template": "title", "duration": 5}"#,
                         #"{"id": "intro", "template": "title", "duration": 5, "text": "Access", "event": {"icb": "ICB day", "college": "College day"}, "date": "2 May"}"#)
        let result = check(text)
        XCTAssertEqual(located(result), [])
        XCTAssertEqual(result.project?.card("intro"), Card(id: "intro", template: .title, duration: 5_000_000,
                                                           text: .all("Access"),
                                                           event: .byAudience([.icb: "ICB day", .college: "College day"]),
                                                           date: .all("2 May")))
    }

    func testAMissingAudienceIsAnErrorAtTheFieldNamingCardAndAudience() {
        // The colleges' output shows "close", whose map has no college text; a government output shows "asks",
        // one of whose points has no government text. Two outputs for colleges: reported once.
        var text = cards(#""college": "Back your members", "#, "")
        text = cards(#"["Fund continuity", "Count outcomes", "Ask GPs"]"#,
                     #"["Fund continuity", {"icb": "Count outcomes", "college": "Count what matters"}, "Ask GPs"]"#, in: text)
        text = cards(#""sequence": ["provocation", "close"]}]"#,
                     #""sequence": ["provocation", "close"]}, {"id": "again", "audience": "college", "title": "Again", "sequence": ["close"]}, {"id": "for-government", "audience": "government", "title": "G", "sequence": ["asks", "close"]}]"#,
                     in: text)
        let result = check(text)
        XCTAssertNil(result.project)
        XCTAssertEqual(located(result), [
            #"\#(at(#"{"icb": "Count outcomes""#, in: text)): cards[3].points[1]: card "asks" has no points[1] for audience "government" (output "for-government" shows it); add "government": "…""#,
            #"\#(at(#"{"icb": "Talk"#, in: text)): cards[5].text: card "close" has no text for audience "college" (output "for-colleges" shows it); add "college": "…""#,
        ])
    }

    func testAnAudienceMapNamesOnlyAudiencesAndHasNonEmptyTexts() {
        let text = cards(#""college": "Back your members""#, #""colleges": "Back your members""#)
            .replacingOccurrences(of: #""label": "of practices have a vacancy""#, with: #""label": {}"#)
            .replacingOccurrences(of: #""attribution": "GP, London""#, with: #""attribution": {"icb": " "}"#)
            .replacingOccurrences(of: #""value": "46%""#, with: #""value": 46"#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#"" ""#, in: text)): cards[2].attribution.icb: expected a non-empty string, found " ""#,
            #"\#(at("46,", in: text)): cards[4].value: expected a text (a string, or an object with one per audience {"icb": …, "college": …, "government": …}), found 46"#,
            #"\#(at("{}", in: text)): cards[4].label: expected a text for at least one audience (icb, college, government), found an empty object"#,
            #"\#(at(#""colleges""#, in: text)): cards[5].text: unknown audience "colleges" in cards[5].text; did you mean "college"? audiences: icb, college, government"#,
        ])
    }

    /// Issue 16: a point of just "\u0000" drew an empty bullet. Text with nothing but control characters shows
    /// nothing, so it is as empty as "".
    func testTextOfOnlyControlCharactersIsEmpty() {
        let text = cards(#""Count outcomes""#, #""\u0000""#)
            .replacingOccurrences(of: #""label": "of practices have a vacancy""#, with: #""label": "\u0007 \u001B""#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""\u0000""#, in: text)): cards[3].points[1]: expected a non-empty string, found "\u0000", which has only control characters (they show nothing)"#,
            #"\#(at(#""\u0007 \u001B""#, in: text)): cards[4].label: expected a non-empty string, found "\u0007 \u001B", which has only control characters (they show nothing)"#,
        ])
    }

    func testAnUnknownTemplateSuggestsOneAndIsTheOnlyComplaint() {
        let text = cards(#""template": "quote""#, #""template": "quotes""#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""quotes""#, in: text)): cards[2].template: expected one of title, statement, quote, points, stat, end, found "quotes"; did you mean "quote"?"#,
        ])
    }

    func testAKeyOfAnotherTemplateNamesTheTemplateAndItsKeys() {
        var text = cards(#""text": "Increasing access is harmful to health"}"#,
                         #""text": "Increasing access is harmful to health", "points": ["a"]}"#)
        text = cards(#""value": "46%", "label""#, #""value": "46%", "text": "x", "labl""#, in: text)
        text = cards(#"{"id": "asks", "template": "points", "duration": 8, "points""#,
                     #"{"id": "asks", "template": "points", "duration": 8, "pionts""#, in: text)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""points""#, in: text)): cards[1]: unknown key "points" for a statement card (points cards have it); a statement card takes: id, template, duration, text"#,
            #"\#(at(#"{"id": "asks""#, in: text)): cards[3]: missing key "points"; required: id, template, duration, points"#,
            #"\#(at(#""pionts""#, in: text)): cards[3]: unknown key "pionts" in cards[3]; did you mean "points"? allowed: id, template, duration, points"#,
            #"\#(at(#""text": "x""#, in: text)): cards[4]: unknown key "text" for a stat card (title, statement, quote and end cards have it); a stat card takes: id, template, duration, value, label"#,
            #"\#(at(#""labl""#, in: text)): cards[4]: unknown key "labl" in cards[4]; did you mean "label"? allowed: id, template, duration, value, label"#,
        ])
    }

    func testAtMostSixPoints() {
        let seven = (1...7).map { #""Point \#($0)""# }.joined(separator: ", ")
        var text = cards(#"["Fund continuity", "Count outcomes", "Ask GPs"]"#, "[\(seven)]")
        text = cards(#""duration": 8"#, #""duration": 20"#, in: text)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#"["Point 1""#, in: text)): cards[3].points: expected at most 6 points (more do not fit on a card at a readable size), found 7"#,
        ])
        let six = (1...6).map { #""Point \#($0)""# }.joined(separator: ", ")
        text = cards(#"["Fund continuity", "Count outcomes", "Ask GPs"]"#, "[\(six)]")
        XCTAssertEqual(check(cards(#""duration": 8"#, #""duration": 20"#, in: text)).project?.card("asks")?.points.count, 6)
        text = cards(#"["Fund continuity", "Count outcomes", "Ask GPs"]"#, "[]")
        XCTAssertEqual(located(check(text)), [
            "\(at("[]", in: text)): cards[3].points: expected 1 to 6 points, found an empty array",
        ])
    }

    func testEmptyTextsAndDurationsAreErrors() {
        var text = cards(#""text": "Increasing access is harmful to health""#, #""text": """#)
        text = cards(#""text": "We cannot keep up""#, #""text": "  ""#, in: text)
        text = cards(#""Ask GPs""#, #""""#, in: text)
        text = cards(#""template": "stat", "duration": 5"#, #""template": "stat", "duration": 0"#, in: text)
        text = cards(#""template": "end", "duration": 5"#, #""template": "end", "duration": -1"#, in: text)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""text": """#, in: text, offset: 8)): cards[1].text: expected a non-empty string, found """#,
            #"\#(at(#""  ""#, in: text)): cards[2].text: expected a non-empty string, found "  ""#,
            #"\#(at(#""""#, in: text, occurrence: 2)): cards[3].points[2]: expected a non-empty string, found """#,
            #"\#(at(#"0, "value""#, in: text)): cards[4].duration: expected a time above 0, found 0"#,
            #"\#(at("-1", in: text)): cards[5].duration: expected a time of 0 or later, found -1"#,
        ])
    }

    func testHostileTextIsKeptVerbatimAsData() throws {
        let hostile = #"{\\b1}Bold{\\r} '); DROP TABLE cards; -- 🩺👩🏽‍⚕️ \"quoted\"\nnext"#
        let decoded = "{\\b1}Bold{\\r} '); DROP TABLE cards; -- 🩺👩🏽‍⚕️ \"quoted\"\nnext"
        var text = cards(#""text": "Increasing access is harmful to health""#, #""text": "\#(hostile)""#)
        text = cards(#""attribution": "GP, London""#, #""attribution": {"icb": "\#(hostile)"}"#, in: text)
        text = cards(#""duration": "00:06""#, #""duration": 20"#, in: text)
        text = cards(#""duration": 5, "text": "\#(hostile)""#, #""duration": 20, "text": "\#(hostile)""#, in: text)
        let result = check(text)
        XCTAssertEqual(located(result), [])
        let project = try XCTUnwrap(result.project)
        XCTAssertEqual(project.card("provocation")?.text, .all(decoded))
        XCTAssertEqual(project.card("voices")?.attribution, .byAudience([.icb: decoded]))
    }

    // MARK: Ids and sequences

    func testCardAndClipIDsShareOneNamespace() {
        // The sequence still names "burden", which is now gone.
        let text = cards(#"{"id": "burden""#, #"{"id": "opening""#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""opening""#, in: text, occurrence: 2)): cards[4].id: duplicate id "opening": the clip at line 6 has it, and clips and cards share one set of ids (a sequence item names either)"#,
            #"\#(at(#""burden""#, in: text)): outputs[0].sequence[5]: unknown clip or card "burden"; known clips and cards: opening, intro, provocation, voices, asks, close"#,
        ])
        let twice = cards(#"{"id": "burden""#, #"{"id": "asks""#)
        XCTAssertEqual(located(check(twice)), [
            #"\#(at(#""asks""#, in: twice, occurrence: 2)): cards[4].id: duplicate card id "asks" (first at line 11)"#,
            #"\#(at(#""burden""#, in: twice)): outputs[0].sequence[5]: unknown clip or card "burden"; known clips and cards: opening, intro, provocation, voices, asks, close"#,
        ])
        XCTAssertEqual(located(check(cards(#"{"id": "burden""#, #"{"id": "Burden""#))).count, 2, "id rules, and unknown in the sequence")
    }

    func testSequencesResolveAgainstClipsAndCardsAndUnusedCardsAreWarnings() {
        var text = sequence(#""intro", "provocaton", "opening", "voices", "asks", "close""#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""provocaton""#, in: text)): outputs[0].sequence[1]: unknown clip or card "provocaton"; did you mean "provocation"? known clips and cards: opening, intro, provocation, voices, asks, burden, close"#,
        ])
        text = sequence(#""intro", "provocation", "opening", "voices", "asks", "close""#)
        let result = check(text)
        XCTAssertNotNil(result.project)
        XCTAssertEqual(located(result), [
            #"\#(at(#""burden""#, in: text)): cards[4].id: warning: card "burden" is not in any output's sequence"#,
        ])
    }

    // MARK: Transitions

    func testTransitionsAreReadWithTheirDefaultDuration() throws {
        let text = sequence(#""intro", {"item": "provocation", "transition": {"type": "fade"}}, {"item": "opening", "transition": {"type": "crossfade", "duration": "00:01.5"}}, {"item": "voices", "transition": {"type": "cut", "duration": 3}}, {"item": "asks"}, "burden", "close""#)
        let result = check(text)
        XCTAssertEqual(located(result), [])
        XCTAssertEqual(try XCTUnwrap(result.project).outputs[0].sequence, [
            SequenceItem(item: "intro"),
            SequenceItem(item: "provocation", transition: Transition(kind: .fade, duration: 500_000)),
            SequenceItem(item: "opening", transition: Transition(kind: .crossfade, duration: 1_500_000)),
            SequenceItem(item: "voices", transition: Transition(kind: .cut, duration: 3_000_000)),
            SequenceItem(item: "asks"), SequenceItem(item: "burden"), SequenceItem(item: "close"),
        ])
    }

    func testTransitionKeysAreChecked() {
        let text = sequence(#""intro", {"item": "provocation", "transition": {"type": "dissolve"}}, {"item": "opening", "transition": {"duration": 0}}, {"item": "voices", "transition": "fade"}, "asks", "burden", "close""#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""dissolve""#, in: text)): outputs[0].sequence[1].transition.type: expected one of cut, fade, crossfade, found "dissolve""#,
            #"\#(at(#"{"duration": 0}"#, in: text)): outputs[0].sequence[2].transition: missing key "type"; required: type"#,
            #"\#(at(#"0}"#, in: text)): outputs[0].sequence[2].transition.duration: expected a time above 0, found 0"#,
            #"\#(at(#""fade"}"#, in: text)): outputs[0].sequence[3].transition: expected a transition (an object with keys type, duration), found "fade""#,
        ])
    }

    func testACrossfadeOnTheFirstItemHasNothingToCrossfadeFrom() {
        let text = sequence(#"{"item": "intro", "transition": {"type": "crossfade"}}, "provocation", "opening", "voices", "asks", "burden", "close""#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""crossfade""#, in: text)): outputs[0].sequence[0].transition.type: "intro" is the first item, so there is nothing to crossfade from; use "fade" to fade it up from the background"#,
        ])
        // A fade on the first item fades up from the background: allowed.
        XCTAssertEqual(located(check(sequence(#"{"item": "intro", "transition": {"type": "fade", "duration": 5}}, "provocation", "opening", "voices", "asks", "burden", "close""#))), [])
    }

    func testTransitionsLongerThanTheirItemsAreErrorsAtTheDuration() {
        // provocation 5 s → opening 4 s: a crossfade fits in 4 s. burden 5 s → close 5 s: each half of a fade in
        // 5 s. The first item (intro, 5 s) fades up over the whole fade. asks 8 s → burden 5 s takes 3 s of
        // burden, so a crossfade from burden to close has only 2 s.
        var text = sequence(#"{"item": "intro", "transition": {"type": "fade", "duration": 6}}, "provocation", {"item": "opening", "transition": {"type": "crossfade", "duration": 4.5}}, "voices", "asks", {"item": "burden", "transition": {"type": "fade", "duration": 11}}, "close""#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at(#""duration": 6}"#, in: text, offset: 12)): outputs[0].sequence[0].transition.duration: expected a fade of at most 5 s, found 6 s (the first item fades up over the whole fade, and "intro" lasts 5 s)"#,
            #"\#(at("4.5", in: text)): outputs[0].sequence[2].transition.duration: expected a crossfade of at most 4 s, found 4.5 s (the two items overlap for the whole crossfade, so it fits in the shorter: "provocation" lasts 5 s, "opening" lasts 4 s)"#,
            #"\#(at("11", in: text)): outputs[0].sequence[5].transition.duration: expected a fade of at most 10 s, found 11 s (the item before fades out over the first half and this one up over the second, so each half fits in its item: "asks" lasts 8 s, "burden" lasts 5 s)"#,
        ])
        text = sequence(#""intro", "provocation", "opening", "voices", "asks", {"item": "burden", "transition": {"type": "crossfade", "duration": 3}}, {"item": "close", "transition": {"type": "crossfade", "duration": 2.5}}"#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at("2.5}", in: text)): outputs[0].sequence[6].transition.duration: expected a crossfade of at most 2 s, found 2.5 s (the two items overlap for the whole crossfade, so it fits in the shorter: "burden" has 2 s left after its own transition in, "close" lasts 5 s)"#,
        ])
        // Exactly as long as the items allow: allowed (fade: 10 s between two 5 s items; crossfade: the 2 s left).
        text = sequence(#""intro", "provocation", "opening", "voices", "asks", {"item": "burden", "transition": {"type": "crossfade", "duration": 3}}, {"item": "close", "transition": {"type": "crossfade", "duration": 2}}"#)
        XCTAssertEqual(located(check(text)), [])
        text = sequence(#""intro", "provocation", "opening", "voices", "asks", "burden", {"item": "close", "transition": {"type": "fade", "duration": 10}}"#)
        XCTAssertEqual(located(check(text)), [])
        // A crossfade the items could hold, but longer than render keeps in memory.
        text = sequence(#""intro", "provocation", {"item": "opening", "transition": {"type": "crossfade", "duration": 3.5}}, "voices", "asks", "burden", "close""#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at("3.5", in: text)): outputs[0].sequence[2].transition.duration: expected a crossfade of at most 3 s, found 3.5 s (render holds the overlapping frames in memory, 1.4 MB each at 720p)"#,
        ])
    }

    // MARK: Style

    func testTheStylesCardKeysAreReadAndFilesResolved() throws {
        let logo = try touch("assets/logo.png"), music = try touch("assets/bed.m4a")
        let text = styled(##"{"font": "DejaVu Serif", "background": "#000000", "text": "#FFFFFF", "accent": "#F2B134", "logo": "assets/logo.png", "music": "assets/bed.m4a"}"##)
        let result = check(text, fonts: FixedFonts())
        XCTAssertEqual(located(result), [])
        let style = try XCTUnwrap(result.project?.style.card)
        XCTAssertEqual(style, CardStyle(font: "DejaVu Serif", fontsDirectory: nil, background: .black, text: .white,
                                        accent: CardStyle.defaultAccent,
                                        logo: ManifestFile(written: "assets/logo.png", url: logo),
                                        music: ManifestFile(written: "assets/bed.m4a", url: music)))
        XCTAssertEqual(check(cards).project?.style.card, CardStyle(), "no style: the defaults")
    }

    func testAnOutputsStyleOverridesOnlyTheKeysItNames() throws {
        let text = styled(##"{"background": "#000000", "accent": "#FF0000"}"##,
                          outputStyle: ##", "style": {"background": "#FFFFFF"}"##)
        let result = check(text)
        XCTAssertEqual(located(result), [])
        let project = try XCTUnwrap(result.project)
        XCTAssertEqual(project.outputs[0].style.card.background, .black)
        XCTAssertEqual(project.outputs[1].style.card.background, .white)
        XCTAssertEqual(project.outputs[1].style.card.accent, RGBAColor(red: 0xFF, green: 0, blue: 0))
    }

    func testStyleValuesAreCheckedWhereWritten() {
        let text = styled(##"{"background": "navy", "logo": "", "fonts": "x"}"##, outputStyle: ##", "style": {"text": "#FFF"}"##)
        XCTAssertEqual(located(check(text)), [
            ##"\##(at(##""#FFF""##, in: text)): outputs[1].style.text: expected a colour "#RRGGBB" or "#RRGGBBAA" (AA is opacity, FF opaque), such as "#FFFFFF" or "#000000CC", found "#FFF""##,
            ##"\##(at(#""navy""#, in: text)): style.background: expected a colour "#RRGGBB" or "#RRGGBBAA" (AA is opacity, FF opaque), such as "#FFFFFF" or "#000000CC", found "navy""##,
            #"\#(at(#""""#, in: text)): style.logo: expected a non-empty string, found """#,
            #"\#(at(#""fonts""#, in: text)): style: unknown key "fonts" in style; did you mean "font"? allowed: font, background, text, accent, logo, music, musicLevel, captions, speaker, presets"#,
        ])
    }

    func testAMissingLogoOrMusicIsAnErrorAtItsKey() throws {
        try FileManager.default.createDirectory(at: projectFolder.appendingPathComponent("assets/music"),
                                                withIntermediateDirectories: true)
        let text = styled(#"{"logo": "assets/logo.png", "music": "assets/music"}"#)
        let result = check(text)
        XCTAssertNil(result.project)
        let base = projectFolder.standardizedFileURL.path
        XCTAssertEqual(located(result), [
            #"\#(at(#""assets/logo.png""#, in: text)): style.logo: file not found: \#(base)/assets/logo.png"#,
            #"\#(at(#""assets/music""#, in: text)): style.music: expected an audio file, found a folder: \#(base)/assets/music"#,
        ])
    }

    func testWithAProbeTheLogoMustBeAPictureAndTheMusicSound() throws {
        let logo = try touch("assets/logo.png"), music = try touch("assets/bed.m4a")
        let media = try touch("media/may1.mp4")
        func info(video: Bool, audio: Bool) -> Result<SourceMediaInfo, FakeProbe.Failure> {
            .success(SourceMediaInfo(duration: µs(60_000_000), hasVideo: video, hasAudio: audio))
        }
        let text = styled(#"{"logo": "assets/logo.png", "music": "assets/bed.m4a"}"#)
        let good = FakeProbe(answers: [media.path: info(video: true, audio: true), logo.path: info(video: true, audio: false),
                                       music.path: info(video: false, audio: true)])
        XCTAssertEqual(located(check(text, probe: good)), [])
        let bad = FakeProbe(answers: [media.path: info(video: true, audio: true), logo.path: info(video: false, audio: true),
                                      music.path: .failure(FakeProbe.Failure(description: "not a media file that FFmpeg can read"))])
        XCTAssertEqual(located(check(text, probe: bad)), [
            #"\#(at(#""assets/logo.png""#, in: text)): style.logo: expected a picture (a video stream), found none in \#(logo.path)"#,
            #"\#(at(#""assets/bed.m4a""#, in: text)): style.music: \#(music.path): not a media file that FFmpeg can read"#,
        ])
    }

    // MARK: Fonts

    func testAFontFamilyMustBeInstalledOrInTheProjectsFontsFolder() throws {
        var text = styled(#"{"font": "Campaign Sans"}"#)
        let fonts = FixedFonts(inProjectFolder: ["Campaign Sans"])
        XCTAssertEqual(located(check(text, fonts: fonts)), [
            #"\#(at(#""Campaign Sans""#, in: text)): style.font: no font family "Campaign Sans" is installed (fontconfig) and assets/fonts/ has none; install it, put its .ttf or .otf file in assets/fonts/, or name a font file ("assets/fonts/Campaign Sans.ttf")"#,
        ])
        XCTAssertEqual(check(text).project?.style.card.font, "Campaign Sans", "no locator: no font check")

        try FileManager.default.createDirectory(at: projectFolder.appendingPathComponent("assets/fonts"),
                                                withIntermediateDirectories: true)
        let result = check(text, fonts: fonts)
        XCTAssertEqual(located(result), [])
        XCTAssertEqual(result.project?.style.card.font, "Campaign Sans")
        XCTAssertEqual(result.project?.style.card.fontsDirectory?.path,
                       projectFolder.appendingPathComponent("assets/fonts").standardizedFileURL.path)

        text = styled(#"{"font": "Sans, Bold"}"#)
        XCTAssertEqual(located(check(text, fonts: fonts)), [
            #"\#(at(#""Sans, Bold""#, in: text)): style.font: expected a font family name without commas, braces, backslashes or line breaks, found "Sans, Bold""#,
        ])
    }

    /// Issue 16: libass reads every file in the fonts folder it is given, so a named pipe there hung `still` and
    /// `render` after `validate` said the manifest was valid.
    func testTheFontsFolderHoldsNoNamedPipe() throws {
        let font = try touch("assets/fonts/Campaign-Bold.ttf")
        let pipe = projectFolder.appendingPathComponent("assets/fonts/evil.ttf").standardizedFileURL
        XCTAssertEqual(mkfifo(pipe.path, 0o600), 0)
        let fonts = FixedFonts(inProjectFolder: ["Campaign Sans"], files: [font.path: ["Campaign"]])
        let folder = font.deletingLastPathComponent().path
        for written in ["Campaign Sans", "assets/fonts/Campaign-Bold.ttf"] {
            let text = styled(#"{"font": "\#(written)"}"#)
            let place = at("\"\(written)\"", in: text)
            XCTAssertEqual(located(check(text, fonts: fonts)), [
                #"\#(place): style.font: expected only font files in \#(folder) (libass reads every file there), found a named pipe: \#(pipe.path)"#,
            ])
        }
    }

    func testAFontFileIsReadForItsFamily() throws {
        let font = try touch("assets/fonts/Campaign-Bold.TTF")
        try touch("assets/not-a-font.otf")
        let fonts = FixedFonts(files: [font.path: ["Campaign", "Campaign Bold"]])
        var text = styled(#"{"font": "assets/fonts/Campaign-Bold.TTF"}"#)
        let result = check(text, fonts: fonts)
        XCTAssertEqual(located(result), [])
        XCTAssertEqual(result.project?.style.card.font, "Campaign")
        XCTAssertEqual(result.project?.style.card.fontsDirectory, font.deletingLastPathComponent())

        text = styled(#"{"font": "assets/not-a-font.otf"}"#, outputStyle: #", "style": {"font": "fonts/missing.ttc"}"#)
        let base = projectFolder.standardizedFileURL.path
        XCTAssertEqual(located(check(text, fonts: fonts)), [
            #"\#(at(#""fonts/missing.ttc""#, in: text)): outputs[1].style.font: file not found: \#(base)/fonts/missing.ttc"#,
            #"\#(at(#""assets/not-a-font.otf""#, in: text)): style.font: \#(base)/assets/not-a-font.otf: not a font file fontconfig can read"#,
        ])
    }

    func testCaptionAndSpeakerFontsMustBeInstalledAndEachIsReportedOnceWhereWritten() {
        // The project's missing caption font is reported once, though both outputs use it; the output's own
        // speaker font is reported at the output.
        let text = styled(#"{"captions": {"font": "Fancy Captions"}, "speaker": {"font": "DejaVu Sans"}}"#,
                          outputStyle: #", "style": {"speaker": {"font": "Fancy Names"}}"#)
        XCTAssertEqual(located(check(text, fonts: FixedFonts())), [
            #"\#(at(#""Fancy Names""#, in: text)): outputs[1].style.speaker.font: no font family "Fancy Names" is installed (fontconfig) and assets/fonts/ has none; install it or put its .ttf or .otf file in assets/fonts/ (captions take a family name, not a file)"#,
            #"\#(at(#""Fancy Captions""#, in: text)): style.captions.font: no font family "Fancy Captions" is installed (fontconfig) and assets/fonts/ has none; install it or put its .ttf or .otf file in assets/fonts/ (captions take a family name, not a file)"#,
        ])
        XCTAssertNotNil(check(text).project, "no locator: no font check")
    }

    // MARK: Reading time

    func testACardTooShortToReadIsAWarning() throws {
        // 6 words: 0.3 s each plus 1 s to animate. The longest audience's text counts, and the url.
        var text = cards(#""template": "statement", "duration": 5"#, #""template": "statement", "duration": 2.7"#)
        // "close" for ICBs is 6 words (2.8 s, which 3 s holds), but for colleges 8 (3.4 s).
        text = cards(#""college": "Back your members""#, #""college": "Back your members and your patients too""#, in: text)
        text = cards(#""template": "end", "duration": 5"#, #""template": "end", "duration": 3"#, in: text)
        let result = check(text)
        XCTAssertNotNil(result.project, "a warning does not stop anything")
        XCTAssertEqual(located(result), [
            #"\#(at("2.7", in: text)): cards[1].duration: warning: card "provocation" is on screen for 2.7 s, too short to read its 6 words; make it at least 2.8 s (0.3 s a word, plus 1 s to animate in and out)"#,
            #"\#(at(#""duration": 3"#, in: text, offset: 12)): cards[5].duration: warning: card "close" is on screen for 3 s, too short to read its 8 words; make it at least 3.4 s (0.3 s a word, plus 1 s to animate in and out)"#,
        ])
        XCTAssertEqual(minimumReadingDuration(words: 0), 1_000_000)
        XCTAssertEqual(minimumReadingDuration(words: 6), 2_800_000)
        // A title card shows the project's title, event and date unless it overrides them: 11 words, 4.3 s.
        text = cards(#"{"id": "intro", "template": "title", "duration": 5}"#, #"{"id": "intro", "template": "title", "duration": 4}"#)
        XCTAssertEqual(located(check(text)), [
            #"\#(at("4}", in: text)): cards[0].duration: warning: card "intro" is on screen for 4 s, too short to read its 11 words; make it at least 4.3 s (0.3 s a word, plus 1 s to animate in and out)"#,
        ])
    }
}
