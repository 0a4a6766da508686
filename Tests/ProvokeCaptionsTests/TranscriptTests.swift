import Foundation
import XCTest
@testable import ProvokeCaptions

/// Transcripts in the shapes Zoom, Microsoft Teams and transcript services write them (made up, in their style),
/// from the 1 May provocation session.
enum SampleTranscripts {
    /// Teams: GUID-like cue ids (`<speaker-guid>/<n>-<part>`), one voice span per cue.
    static let teams = file(
        "WEBVTT",
        "",
        "8f3c2a1e-4b7d-4c2a-9e1f-2b3c4d5e6f70/12-0",
        "00:00:03.120 --> 00:00:07.480",
        "<v Asha Patel>Thank you all for joining this evening's provocation.</v>",
        "",
        "8f3c2a1e-4b7d-4c2a-9e1f-2b3c4d5e6f70/13-0",
        "00:00:07.480 --> 00:00:12.900",
        "<v Asha Patel>The statement tonight is that increasing access is harmful to health.</v>",
        "",
        "8f3c2a1e-4b7d-4c2a-9e1f-2b3c4d5e6f70/14-1",
        "00:00:13.350 --> 00:00:19.020",
        "<v Asha Patel>When success is measured by how fast anyone can be seen,",
        "continuity of care is the first thing we lose.</v>",
        "",
        "b1d4e6f8-0a2c-4e6a-8c0e-2a4c6e8f0b1d/3-0",
        "00:00:19.800 --> 00:00:24.310",
        "<v Sam Reid>I want to push back, but only a little.</v>",
        "",
        "b1d4e6f8-0a2c-4e6a-8c0e-2a4c6e8f0b1d/4-0",
        "00:00:24.310 --> 00:00:29.700",
        "<v Sam Reid>What we see is that demand rises to meet whatever supply we create.</v>",
        "")

    /// Zoom: numbered cues, `Name: text`.
    static let zoom = file(
        "WEBVTT",
        "",
        "1",
        "00:00:03.120 --> 00:00:07.480",
        "Asha Patel: Thank you all for joining this evening's provocation.",
        "",
        "2",
        "00:00:07.480 --> 00:00:12.900",
        "Asha Patel: The statement tonight is that increasing access is harmful to health.",
        "",
        "3",
        "00:00:13.350 --> 00:00:19.020",
        "Asha Patel: When success is measured by how fast anyone can be seen, continuity of care is the first thing we lose.",
        "",
        "4",
        "00:00:19.800 --> 00:00:24.310",
        "Sam Reid: I want to push back, but only a little.",
        "",
        "5",
        "00:00:24.310 --> 00:00:29.700",
        "Sam Reid: What we see is that demand rises to meet whatever supply we create.",
        "")

    /// SRT as a transcript service exports it: `Name: text` on every cue.
    static let srt = file(
        "1",
        "00:00:03,120 --> 00:00:07,480",
        "Asha Patel: Thank you all for joining this evening's provocation.",
        "",
        "2",
        "00:00:07,480 --> 00:00:12,900",
        "Asha Patel: The statement tonight is that increasing access is harmful to health.",
        "",
        "3",
        "00:00:13,350 --> 00:00:19,020",
        "Asha Patel: When success is measured by how fast anyone can be seen,",
        "continuity of care is the first thing we lose.",
        "",
        "4",
        "00:00:19,800 --> 00:00:24,310",
        "Sam Reid: I want to push back, but only a little.",
        "",
        "5",
        "00:00:24,310 --> 00:00:29,700",
        "Sam Reid: What we see is that demand rises to meet whatever supply we create.",
        "")
}

final class TranscriptTests: XCTestCase {
    let speakers: [String?] = ["Asha Patel", "Asha Patel", "Asha Patel", "Sam Reid", "Sam Reid"]
    let firstTexts = ["Thank you all for joining this evening's provocation.",
                      "The statement tonight is that increasing access is harmful to health."]

    func testTeamsZoomAndSRTTranscriptsGiveEachCueItsSpeakerAndOnlyTheWords() {
        for (name, text) in [("teams.vtt", SampleTranscripts.teams), ("zoom.vtt", SampleTranscripts.zoom),
                             ("transcript.srt", SampleTranscripts.srt)] {
            let parsed = CaptionFile.parse(contents: text, fileName: name)
            XCTAssertEqual(printed(parsed), [], name)
            XCTAssertEqual(parsed.cues.map(\.speaker), speakers, name)
            XCTAssertEqual(Array(parsed.cues.map(\.text).prefix(2)), firstTexts, name)
            XCTAssertEqual(parsed.cues[2].text.replacingOccurrences(of: "\n", with: " "),
                           "When success is measured by how fast anyone can be seen, continuity of care is the first thing we lose.",
                           name)
            XCTAssertEqual(parsed.cues[3].start, 19_800, name)
            XCTAssertEqual(Transcript(cues: parsed.cues).speakers, ["Asha Patel", "Sam Reid"], name)
        }
    }

    func testVoiceSpansWithClassesEntitiesAndNoClosingTag() {
        let parsed = CaptionFile.parse(contents: file(
            "WEBVTT", "",
            "00:01.000 --> 00:02.000", "<v.loud Dr Asha  Patel >Hello</v>", "",
            "00:02.000 --> 00:03.000", "<v Sam &amp; Co>Unclosed voice span", "",
            "00:03.000 --> 00:04.000", "No voice at all", ""), fileName: "x.vtt")
        XCTAssertEqual(parsed.cues.map(\.speaker), ["Dr Asha  Patel", "Sam & Co", nil])
        XCTAssertEqual(parsed.cues.map(\.text), ["Hello", "Unclosed voice span", "No voice at all"])
    }

    func testOrdinaryCaptionsKeepALeadingWordAndColon() {
        // One "Note:" among ordinary captions is words, not a speaker: the file does not use prefixes throughout.
        let parsed = CaptionFile.parse(contents: file(
            "1", "00:00:01,000 --> 00:00:02,000", "Note: the surgery is closed on Friday.", "",
            "2", "00:00:02,000 --> 00:00:03,000", "Ring 111 out of hours.", "",
            "3", "00:00:03,000 --> 00:00:04,000", "Or come back on Monday.", ""), fileName: "plain.srt")
        XCTAssertEqual(parsed.cues.map(\.speaker), [nil, nil, nil])
        XCTAssertEqual(parsed.cues[0].text, "Note: the surgery is closed on Friday.")
    }

    func testWhatIsNotANamePrefix() {
        XCTAssertEqual(Transcript.speakerPrefix(of: "Asha Patel: hello")?.name, "Asha Patel")
        XCTAssertEqual(Transcript.speakerPrefix(of: "Speaker 2: hello")?.name, "Speaker 2")
        XCTAssertNil(Transcript.speakerPrefix(of: "12:30 is when the clinic opens"))
        XCTAssertNil(Transcript.speakerPrefix(of: "However, as I said: access"))  // a comma: a sentence
        XCTAssertNil(Transcript.speakerPrefix(of: "One two three four five: too many words"))
        XCTAssertNil(Transcript.speakerPrefix(of: "https://wisegp.co.uk is our site"))
        XCTAssertNil(Transcript.speakerPrefix(of: "Asha Patel:"))  // nothing said
    }

    func testAFileWithVoiceSpansIsNotAlsoReadForPrefixes() {
        let parsed = CaptionFile.parse(contents: file(
            "WEBVTT", "",
            "00:01.000 --> 00:02.000", "<v Asha>Note: this stays</v>", "",
            "00:02.000 --> 00:03.000", "Sam: and so does this", "",
            "00:03.000 --> 00:04.000", "Sam: and this", ""), fileName: "x.vtt")
        XCTAssertEqual(parsed.cues.map(\.speaker), ["Asha", nil, nil])
        XCTAssertEqual(parsed.cues[1].text, "Sam: and so does this")
    }

    func testHostileTextInATranscriptStaysData() {
        let parsed = CaptionFile.parse(contents: file(
            "WEBVTT", "",
            "1", "00:01.000 --> 00:02.000", "<v Dr &lt;Evil&gt;: the &amp;co>{\\an8}<script>alert(1)</script>", "",
            "2", "00:02.000 --> 00:03.000", "<v Robert'); DROP TABLE contacts;--x>hi", "",
            "3", "00:03.000 --> 00:04.000", "<v Sam>'; DROP TABLE videos; --", ""), fileName: "hostile.vtt")
        XCTAssertEqual(parsed.cues.map(\.speaker), ["Dr <Evil>: the &co", "Robert'); DROP TABLE contacts;--x", "Sam"])
        XCTAssertEqual(parsed.cues[0].text, "{\\an8}<script>alert(1)</script>")
        XCTAssertEqual(parsed.cues[2].text, "'; DROP TABLE videos; --")
        let zoom = CaptionFile.parse(contents: file(
            "WEBVTT", "",
            "1", "00:01.000 --> 00:02.000", "Sam <host>: {\\an8}hello", "",
            "2", "00:02.000 --> 00:03.000", "Sam <host>: '; DROP TABLE contacts; --", ""), fileName: "zoom.vtt")
        XCTAssertEqual(zoom.cues.map(\.speaker), ["Sam <host>", "Sam <host>"])
        XCTAssertEqual(zoom.cues.map(\.text), ["{\\an8}hello", "'; DROP TABLE contacts; --"])
    }

    func testTheMainSpeakerIsWhoSpeaksLongestInTheRange() {
        let transcript = Transcript(cues: CaptionFile.parse(contents: SampleTranscripts.teams, fileName: "t.vtt").cues)
        // 18 s to 30 s: Asha's last second, then Sam for about ten.
        XCTAssertEqual(transcript.mainSpeaker(from: 18_000, to: 30_000), "Sam Reid")
        XCTAssertEqual(transcript.mainSpeaker(from: 0, to: 21_000), "Asha Patel")
        XCTAssertNil(transcript.mainSpeaker(from: 40_000, to: 50_000))
    }

    func testWordsIgnoreCaseAccentsApostrophesAndPunctuation() {
        XCTAssertEqual(Transcript.words(in: "Don’t say \"whole-person\" CAFÉ,\nit's 46%!"),
                       ["dont", "say", "whole", "person", "cafe", "its", "46"])
    }
}

final class QuoteSearchTests: XCTestCase {
    /// The 1 May session with a phrase said twice (continuity comes up again) and cues split mid-sentence.
    let transcript = Transcript(cues: CaptionFile.parse(contents: file(
        "WEBVTT", "",
        "00:00:03.120 --> 00:00:07.480", "<v Asha Patel>When success is measured by how fast anyone can be seen,</v>", "",
        "00:00:07.480 --> 00:00:10.900", "<v Asha Patel>continuity of care is the first thing we lose.</v>", "",
        "00:00:11.350 --> 00:00:15.020", "<v Sam Reid>I am not sure continuity of care is the first thing we lose.</v>", "",
        "00:00:15.800 --> 00:00:20.310", "<v Sam Reid>Digital triage has helped some practices see the right person first time.</v>", "",
        "00:00:20.310 --> 00:00:25.700", "<v Asha Patel>A practice list is a population, not a queue.</v>", ""),
        fileName: "may1.vtt").cues)

    func testAnExactQuoteAcrossTwoCuesRanksFirst() {
        let matches = QuoteSearch.search("how fast anyone can be seen, continuity of care is the first thing",
                                         in: transcript)
        XCTAssertEqual(matches.first?.cost, 0)
        XCTAssertEqual(matches.first?.score, 100)
        XCTAssertEqual(matches.first.map { [$0.start, $0.end] }, [3120, 10_900])
        XCTAssertEqual(matches.first.map { [$0.firstCue, $0.lastCue] }, [0, 1])
    }

    func testAQuoteSaidTwiceIsFoundInBothPlacesEquallyWell() {
        let matches = QuoteSearch.search("Continuity of care is the first thing we lose", in: transcript)
        XCTAssertEqual(matches.map(\.cost), [0, 0])
        XCTAssertEqual(matches.map(\.start), [7480, 11_350])
    }

    func testAQuoteWithOneWordChangedAndOneMissingIsStillFound() {
        // The notes leave out "some" and have "patient" for "person": two whole words off in eleven.
        let matches = QuoteSearch.search("Digital triage has helped practices see the right patient first time",
                                         in: transcript)
        XCTAssertEqual(matches.count, 1)
        XCTAssertEqual(matches.first?.start, 15_800)
        XCTAssertEqual(matches.first?.cost, 4)
        XCTAssertEqual(matches.first?.score, 81)
    }

    func testAMisheardWordCostsHalf() {
        let matches = QuoteSearch.search("a practise list is a popluation not a queue", in: transcript)
        XCTAssertEqual(matches.first?.start, 20_310)
        XCTAssertEqual(matches.first?.cost, 2)
    }

    func testWordsNeverSaidAreNotFound() {
        XCTAssertEqual(QuoteSearch.search("the contract was imposed without agreement by ministers", in: transcript), [])
        XCTAssertEqual(QuoteSearch.search("", in: transcript), [])
        // A short phrase must be said as written: one word off in three is too loose to mean anything.
        XCTAssertEqual(QuoteSearch.search("a practice queue", in: transcript), [])
        XCTAssertEqual(QuoteSearch.search("a practice list", in: transcript).map(\.start), [20_310])
    }

    func testALongTranscriptIsSearchedInLinearTime() {
        // Two hours of speech, about 20 000 words, against a 12-word quote: well under a second in a debug build.
        var cues: [Cue] = []
        for i in 0..<2400 {
            cues.append(Cue(start: Int64(i) * 3000, end: Int64(i) * 3000 + 2900,
                            text: "patients who see the same doctor over time have fewer admissions \(i)"))
        }
        cues[1700].text = "fund time not throughput and stop counting contacts as if they were care"
        let long = Transcript(cues: cues)
        let clock = ContinuousClock()
        var matches: [QuoteSearch.Match] = []
        let elapsed = clock.measure {
            matches = QuoteSearch.search("fund time, not throughput, and stop counting contacts as if they were care",
                                         in: long)
        }
        XCTAssertEqual(matches.map(\.start), [1700 * 3000])
        XCTAssertLessThan(elapsed, .seconds(5))
        print("QuoteSearch: \(long.words.count) words searched in \(elapsed)")
    }
}
