import Foundation
import XCTest
@testable import ProvokeCaptions

final class ASSTextTests: XCTestCase {
    /// U+2060 WORD JOINER, as it appears in escaped text after every backslash.
    let wj = "\u{2060}"

    func testHostileStringsEscapeExactly() {
        let cases: [(String, String)] = [
            (#"{\an8}"#, #"\{\"# + wj + #"an8\}"#),
            (#"{\p1}m 0 0 l 100 0"#, #"\{\"# + wj + #"p1\}m 0 0 l 100 0"#),
            (#"\"#, #"\"# + wj),
            (#"\N"#, #"\"# + wj + "N"),
            (#"\n \h"#, #"\"# + wj + #"n \"# + wj + "h"),
            (#"\\"#, #"\"# + wj + #"\"# + wj),
            (#"\\N"#, #"\"# + wj + #"\"# + wj + "N"),
            (#"\{b\}"#, #"\"# + wj + #"\{b\"# + wj + #"\}"#),
            ("}", #"\}"#),
            ("{", #"\{"#),
            (#"{\b1}bold?{\b0}"#, #"\{\"# + wj + #"b1\}bold?\{\"# + wj + #"b0\}"#),
            ("line one\nline two", #"line one\Nline two"#),
            ("crlf\r\ncr\rnel\u{85}ls\u{2028}ps\u{2029}end", #"crlf\Ncr\Nnel\Nls\Nps\Nend"#),
            ("tab\there", "tab here"),
            ("nul\0bell\u{7}esc\u{1B}del\u{7F}c1\u{9B}gone", "nulbellescdelc1gone"),
            ("' : , [ ] ; % \" = cmd| </script> '); DROP TABLE videos;--", "' : , [ ] ; % \" = cmd| </script> '); DROP TABLE videos;--"),
            ("Dialogue: 0,0:00:00.00,9:00:00.00,Caption,,0,0,0,,injected", "Dialogue: 0,0:00:00.00,9:00:00.00,Caption,,0,0,0,,injected"),
            ("Croeso ŵ ŷ · مرحبا · 漢字 · 👩‍👩‍👧 · e\u{301} · 🇬🇧", "Croeso ŵ ŷ · مرحبا · 漢字 · 👩‍👩‍👧 · e\u{301} · 🇬🇧"),
            ("", ""),
        ]
        for (raw, escaped) in cases {
            XCTAssertEqual(ASSText.escape(raw), escaped, raw.debugDescription)
        }
    }

    /// A model of how libass 0.17 reads event text (see ASSText's comment): override blocks, the five
    /// backslash escapes, tab. Returns what it draws and how many override blocks it found.
    func libassReading(_ text: String) -> (drawn: String, overrideBlocks: Int) {
        let s = Array(text.unicodeScalars)
        var drawn = String.UnicodeScalarView()
        var blocks = 0
        var i = 0
        while i < s.count {
            if s[i] == "{", let close = s[(i + 1)...].firstIndex(of: "}") {
                blocks += 1
                i = close + 1
                continue
            }
            if s[i] == "\\", i + 1 < s.count, let meaning: Unicode.Scalar = ["N": "\n", "n": "\n", "h": "\u{A0}", "{": "{", "}": "}"][s[i + 1]] {
                drawn.append(meaning)
                i += 2
                continue
            }
            drawn.append(s[i] == "\t" ? " " : s[i])
            i += 1
        }
        return (String(drawn), blocks)
    }

    /// Random text over an alphabet of everything that matters to libass or to the script's structure: the
    /// escaped form never opens an override block, never contains a line end or NUL, and draws exactly the
    /// input's characters (line ends as line breaks, tab as space, controls dropped, the joiner invisible).
    func testNoTextCanBecomeASSSyntax() {
        let alphabet: [String] = ["{", "}", "\\", "N", "n", "h", "p", "1", "a", " ", ",", "\n", "\r", "\r\n", "\t", "\0",
                                  "\u{2028}", "é", "🇬🇧", "\u{2060}", ":", "'"]
        var seed: UInt64 = 0x5EED
        func next() -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(seed >> 33)
        }
        for _ in 0..<3000 {
            let raw = (0..<(next() % 14)).map { _ in alphabet[next() % alphabet.count] }.joined()
            let escaped = ASSText.escape(raw)
            XCTAssertFalse(escaped.unicodeScalars.contains { $0 == "\n" || $0 == "\r" || $0 == "\0" }, raw.debugDescription)
            let (drawn, blocks) = libassReading(escaped)
            XCTAssertEqual(blocks, 0, raw.debugDescription)
            var expected = String.UnicodeScalarView()
            let scalars = Array(raw.unicodeScalars)
            var i = 0
            while i < scalars.count {
                let c = scalars[i]
                i += 1
                switch c {
                case "\r":
                    if i < scalars.count, scalars[i] == "\n" { i += 1 }
                    expected.append("\n")
                case "\n", "\u{2028}": expected.append("\n")
                case "\t": expected.append(" ")
                case "\0": break
                default: expected.append(c)
                }
            }
            let visible = { (s: String) in String(String.UnicodeScalarView(s.unicodeScalars.filter { $0 != "\u{2060}" })) }
            XCTAssertEqual(visible(drawn), visible(String(expected)), raw.debugDescription)
        }
    }

    /// Escaped text can be followed by our own override tags without changing them: it never ends in a
    /// backslash that would turn `{` into a literal brace.
    func testEscapedTextNeverEndsInABareBackslash() {
        for raw in [#"\"#, #"a\"#, #"\\"#, "{", "}"] {
            let (_, blocks) = libassReading(ASSText.escape(raw) + #"{\b0}"#)
            XCTAssertEqual(blocks, 1, raw)
        }
    }
}

final class ColorTests: XCTestCase {
    func testHexToASS() {
        XCTAssertEqual(RGBAColor(hex: "#FFFFFF")?.assValue, "&H00FFFFFF")
        XCTAssertEqual(RGBAColor(hex: "#12263A")?.assValue, "&H003A2612")
        XCTAssertEqual(RGBAColor(hex: "#ff0000")?.assValue, "&H000000FF")
        // CSS alpha B3 (70% opaque) is ASS alpha 4C: ASS counts transparency.
        XCTAssertEqual(RGBAColor(hex: "#000000B3")?.assValue, "&H4C000000")
        XCTAssertEqual(RGBAColor(hex: "#0000ff00")?.assValue, "&HFFFF0000")
        XCTAssertEqual(RGBAColor(hex: "#12263a")?.hex, "#12263AFF")
        for bad in ["FFFFFF", "#FFF", "#GGGGGG", "#FFFFF", "#FFFFFFF", "#FFFFFFFFF", "", "#", "#ééé", "# FFFFF", "#+1+2+3"] {
            XCTAssertNil(RGBAColor(hex: bad), bad)
        }
    }

    func testCodableAsHexString() throws {
        let data = try JSONEncoder().encode([RGBAColor(red: 1, green: 2, blue: 3, alpha: 4)])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), ##"["#01020304"]"##)
        XCTAssertEqual(try JSONDecoder().decode([RGBAColor].self, from: Data(##"["#FFFFFF"]"##.utf8)), [.white])
        XCTAssertThrowsError(try JSONDecoder().decode([RGBAColor].self, from: Data(#"["white"]"#.utf8)))
    }
}

final class ASSDocumentTests: XCTestCase {
    let wj = "\u{2060}"

    func testWholeScriptForTheDefaultStyle() {
        let document = ASSDocument(
            frameWidth: 1280, frameHeight: 720,
            cues: [cue(4_000, 6_000, "That is the provocation\nwe were asked to argue today."),
                   cue(7_000, 11_500, #"{\an8}50% of GPs, [sic]; 'quoted'"#)],
            lowerThirds: [LowerThird(name: "Dr Asha Patel", role: "GP partner, Leeds",
                                     clip: ClipRange(sourceStart: 10_000, sourceEnd: 40_000, outputStart: 4_000))])
        XCTAssertEqual(document.text, """
            [Script Info]
            ; Written by provoke (ProvokeCaptions). Caption text is escaped: see ASSText.escape.
            ScriptType: v4.00+
            PlayResX: 1280
            PlayResY: 720
            WrapStyle: 2
            ScaledBorderAndShadow: yes
            YCbCr Matrix: None

            [V4+ Styles]
            Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
            Style: Caption,DejaVu Sans,40,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,2,128,128,72,1
            Style: Speaker,DejaVu Sans,32,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,-1,0,0,0,100,100,0,0,1,2,0,7,128,128,72,1

            [Events]
            Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
            Dialogue: 0,0:00:04.00,0:00:06.00,Caption,,0,0,0,,That is the provocation\\Nwe were asked to argue today.
            Dialogue: 0,0:00:04.00,0:00:09.00,Speaker,,0,0,0,,Dr Asha Patel\\N{\\b0\\fs24}GP partner, Leeds
            Dialogue: 0,0:00:07.00,0:00:11.50,Caption,,0,0,0,,\\{\\\(wj)an8\\}50% of GPs, [sic]; 'quoted'

            """)
    }

    func testNoStyleLineForSpeakersWhenThereAreNone() {
        let text = ASSDocument(frameWidth: 640, frameHeight: 360, cues: []).text
        XCTAssertFalse(text.contains("Style: Speaker"))
        XCTAssertTrue(text.hasSuffix("Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n"))
        XCTAssertTrue(text.contains("Style: Caption,DejaVu Sans,20,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,1,0,2,64,64,36,1\n"))
    }

    func testBoxesTopPositionAndColours() {
        var style = CaptionStyle(textColor: RGBAColor(hex: "#FFFF00")!, box: .init(color: RGBAColor(hex: "#000000B3")!, padding: 0.01, shape: .line))
        style.position = .top
        style.bold = true
        style.fontFamily = "  Liberation Sans "
        let perLine = ASSDocument(frameWidth: 1920, frameHeight: 1080, cues: [], style: style)
        XCTAssertTrue(perLine.text.contains("Style: Caption,Liberation Sans,59,&H0000FFFF,&H0000FFFF,&H4C000000,&H4C000000,-1,0,0,0,100,100,0,0,3,10.8,0,8,192,192,108,1\n"),
                      perLine.text)

        style.box?.shape = .block
        let block = ASSDocument(frameWidth: 1920, frameHeight: 1080, cues: [], style: style,
                                lowerThirds: [LowerThird(name: "N", start: 0, end: 1000)],
                                lowerThirdStyle: LowerThirdStyle(corner: .bottomLeft, safeArea: 0.05))
        // BorderStyle 4 draws one box in BackColour; the glyph outline is made invisible (alpha FF).
        XCTAssertTrue(block.text.contains(",&HFF000000,&H4C000000,-1,0,0,0,100,100,0,0,4,10.8,0,8,"), block.text)
        XCTAssertTrue(block.text.contains("Style: Speaker,DejaVu Sans,49,&H00FFFFFF,&H00FFFFFF,&H00000000,&H00000000,-1,0,0,0,100,100,0,0,1,3,0,1,96,96,54,1\n"),
                      block.text)
    }

    func testFontNamesCannotBreakTheStyleLine() {
        var style = CaptionStyle()
        style.fontFamily = "Evil, Font\nStyle: Caption,Comic Sans{\\b1}"
        let text = ASSDocument(frameWidth: 1280, frameHeight: 720, cues: [], style: style).text
        XCTAssertTrue(text.contains("Style: Caption,Evil Font Style: CaptionComic Sansb1,40,"), text)
        XCTAssertEqual(text.components(separatedBy: "\nStyle: ").count, 2)
        XCTAssertEqual(style.problems.map(\.key), ["font"])

        style.fontFamily = " , "
        XCTAssertTrue(ASSDocument(frameWidth: 1280, frameHeight: 720, cues: [], style: style).text.contains("Style: Caption,DejaVu Sans,40,"))
    }

    func testStyleProblems() {
        XCTAssertEqual(CaptionStyle().problems, [])
        let bad = CaptionStyle(fontFamily: "", fontSize: 0, outlineWidth: -1, box: .init(padding: 1), safeArea: 0.5)
        XCTAssertEqual(bad.problems.map(\.key), ["font", "size", "outlineWidth", "box.padding", "safeArea"])
        XCTAssertEqual(bad.problems[1].message,
                       "expected a share of frame height above 0 and at most 0.25 (0.055 is 40 px at 720p), found 0.0")
        XCTAssertEqual(CaptionStyle(fontSize: .nan).problems.map(\.key), ["size"])
        XCTAssertEqual(LowerThirdStyle().problems, [])
        XCTAssertEqual(LowerThirdStyle(fontFamily: "A,B", nameSize: 0, roleSize: 0.5, duration: 0).problems.map(\.key),
                       ["font", "nameSize", "roleSize", "duration"])
    }

    func testEventTimesAreFlooredToCentisecondsAndEmptyEventsLeftOut() {
        let document = ASSDocument(frameWidth: 1280, frameHeight: 720, cues: [
            cue(66, 133, "frames 2 to 3 at 30 fps"),
            cue(1_005, 1_009, "inside one centisecond"),
            cue(3_723_456, 3_723_999, "an hour in"),
        ])
        XCTAssertEqual(document.dialogueLines, [
            "Dialogue: 0,0:00:00.06,0:00:00.13,Caption,,0,0,0,,frames 2 to 3 at 30 fps",
            "Dialogue: 0,1:02:03.45,1:02:03.99,Caption,,0,0,0,,an hour in",
        ])
    }

    func testCaptionsAreWrappedBeforeTheyReachLibass() {
        let document = ASSDocument(frameWidth: 1280, frameHeight: 720, cues: [
            cue(20_000, 25_000, "Measure success by speed, and continuity\nis the first thing we lose."),
        ])
        XCTAssertEqual(document.captions, [
            cue(20_000, 21_865, "Measure success by speed,"),
            cue(21_865, 25_000, "and continuity is\nthe first thing we lose."),
        ])
        XCTAssertEqual(document.dialogueLines, [
            "Dialogue: 0,0:00:20.00,0:00:21.86,Caption,,0,0,0,,Measure success by speed,",
            "Dialogue: 0,0:00:21.86,0:00:25.00,Caption,,0,0,0,,and continuity is\\Nthe first thing we lose.",
        ])
    }

    func testLinesAreShortenedWhenTheFrameIsNarrow() {
        XCTAssertEqual(ASSDocument(frameWidth: 1280, frameHeight: 720, cues: []).effectiveWrapping, .broadcast)
        XCTAssertEqual(ASSDocument(frameWidth: 640, frameHeight: 360, cues: []).effectiveWrapping, .broadcast)
        // Portrait 1080x1920: 106 px text, 864 px of safe width: 864 / (0.6 × 106) = 13 characters.
        XCTAssertEqual(ASSDocument(frameWidth: 1080, frameHeight: 1920, cues: []).effectiveWrapping,
                       LineWrapping(maxLineLength: 13, maxLines: 2))
        // 4:3 SD with a large font: 40 px text, 576 px of safe width: 24 characters.
        XCTAssertEqual(ASSDocument(frameWidth: 720, frameHeight: 576, cues: [], style: CaptionStyle(fontSize: 0.07)).effectiveWrapping,
                       LineWrapping(maxLineLength: 24, maxLines: 2))
    }

    func testLowerThirds() {
        let clip = ClipRange(sourceStart: 55_500, sourceEnd: 85_500, outputStart: 34_000)
        XCTAssertEqual(LowerThird(name: "Sam Reid", role: "practice manager, Dundee", clip: clip),
                       LowerThird(name: "Sam Reid", role: "practice manager, Dundee", start: 34_000, end: 39_000))
        let short = ClipRange(sourceStart: 0, sourceEnd: 3_000, outputStart: 94_000)
        XCTAssertEqual(LowerThird(name: "X", clip: short, duration: 8_000).end, 97_000)

        let document = ASSDocument(frameWidth: 1280, frameHeight: 720, cues: [cue(34_000, 35_000, "Caption first on a tie")], lowerThirds: [
            LowerThird(name: #"Dr {\an5}Evil\N"#, role: "}{ role \\", start: 34_000, end: 39_000),
            LowerThird(name: "No role", start: 40_000, end: 41_000),
            LowerThird(name: "Empty role", role: " ", start: 42_000, end: 43_000),
            LowerThird(name: "", role: "Role only", start: 44_000, end: 45_000),
            LowerThird(name: "A very long name that will not fit on one line of a lower third", start: 46_000, end: 47_000),
        ])
        XCTAssertEqual(document.dialogueLines, [
            "Dialogue: 0,0:00:34.00,0:00:35.00,Caption,,0,0,0,,Caption first on a tie",
            #"Dialogue: 0,0:00:34.00,0:00:39.00,Speaker,,0,0,0,,Dr \{\"# + wj + #"an5\}Evil\"# + wj + #"N\N{\b0\fs24}\}\{ role \"# + wj,
            "Dialogue: 0,0:00:40.00,0:00:41.00,Speaker,,0,0,0,,No role",
            "Dialogue: 0,0:00:42.00,0:00:43.00,Speaker,,0,0,0,,Empty role",
            #"Dialogue: 0,0:00:44.00,0:00:45.00,Speaker,,0,0,0,,{\b0\fs24}Role only"#,
            #"Dialogue: 0,0:00:46.00,0:00:47.00,Speaker,,0,0,0,,A very long name that will not fit\Non one line of a lower third"#,
        ])
    }

    /// The reference job's 18 retimed cues as one script: every cue becomes events inside its time, nothing
    /// on the cards, and the file has exactly the lines it should.
    func testReferenceJobScript() {
        let a = CaptionFile.parse(contents: ReferenceJob.captionsA, fileName: "captions-a.srt").cues
        let b = CaptionFile.parse(contents: ReferenceJob.captionsB, fileName: "captions-b.srt").cues
        let cues = (retime(cues: a, through: ReferenceJob.rangesA) + retime(cues: b, through: ReferenceJob.rangesB))
            .sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        let document = ASSDocument(frameWidth: 1280, frameHeight: 720, cues: cues)
        // Cue 5 of A has a 40-character line and needs three lines, so it becomes two screens; cue 13 of A and
        // cue 7 of B are single lines over 37 characters, so they are broken in two.
        XCTAssertEqual(document.captions.count, 19)
        XCTAssertEqual(document.dialogueLines.count, 19)
        XCTAssertTrue(document.captions.allSatisfy { $0.start >= 4_000 && $0.end <= 94_000 })
        let lines = document.text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.filter { $0.hasPrefix("Dialogue: ") }.count, 19)
        XCTAssertEqual(lines.filter { $0.hasPrefix("Style: ") }.count, 1)
        XCTAssertTrue(document.dialogueLines.contains(#"Dialogue: 0,0:00:59.50,0:01:03.00,Caption,,0,0,0,,Fund time, not throughput:\Nthat's the ask."#))
    }
}
