import Foundation
import ProvokeCaptions
import XCTest
@testable import ProvokeManifest

/// Clips timed by a `quote`, speakers from transcripts and the `speakers` map, against real transcript files.
final class QuoteManifestTests: XCTestCase {
    private var folder: URL!
    private var manifest: URL {
        URL(fileURLWithPath: "project/manifest.json", relativeTo: URL(fileURLWithPath: folder.path, isDirectory: true))
    }

    /// Teams' shape: GUID cue ids and voice spans. The provocation is said twice.
    static let may1 = """
        WEBVTT

        8f3c2a1e-4b7d-4c2a-9e1f-2b3c4d5e6f70/1-0
        00:00:01.000 --> 00:00:04.000
        <v Asha Patel>Increasing access is harmful to health.</v>

        8f3c2a1e-4b7d-4c2a-9e1f-2b3c4d5e6f70/2-0
        00:00:04.500 --> 00:00:09.000
        <v Asha Patel>When success is measured by how fast anyone can be seen,</v>

        8f3c2a1e-4b7d-4c2a-9e1f-2b3c4d5e6f70/2-1
        00:00:09.000 --> 00:00:12.500
        <v Asha Patel>continuity of care is the first thing we lose.</v>

        b1d4e6f8-0a2c-4e6a-8c0e-2a4c6e8f0b1d/1-0
        00:00:13.000 --> 00:00:17.000
        <v Sam Reid>I want to push back, but only a little.</v>

        8f3c2a1e-4b7d-4c2a-9e1f-2b3c4d5e6f70/3-0
        00:00:17.000 --> 00:00:21.000
        <v Asha Patel>Increasing access is harmful to health.</v>

        b1d4e6f8-0a2c-4e6a-8c0e-2a4c6e8f0b1d/2-0
        00:00:21.500 --> 00:00:25.000
        <v Sam Reid>Is continuity of care really the first thing we lost?</v>

        """

    /// Zoom's shape: numbered cues, `Name: text`.
    static let may31 = """
        WEBVTT

        1
        00:00:02.000 --> 00:00:06.000
        Sam Reid: What we see is that demand rises to meet whatever supply we create.

        2
        00:00:06.500 --> 00:00:10.000
        Sam Reid: If boards want better outcomes, they should fund time, not throughput.

        3
        00:00:10.500 --> 00:00:13.000
        Asha Patel: Increasing access is harmful to health.

        """

    override func setUpWithError() throws {
        folder = try temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("project/captions"),
                                                withIntermediateDirectories: true)
        try Data(Self.may1.utf8).write(to: folder.appendingPathComponent("project/captions/may1.vtt"))
        try Data(Self.may31.utf8).write(to: folder.appendingPathComponent("project/captions/may31.vtt"))
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: folder) }

    private func check(_ text: String, probe: (any SourceProbe)? = nil) -> ManifestResult {
        ManifestLoader.load(data: Data(text.utf8), url: manifest, probe: probe)
    }

    /// Two sources with transcripts and one clip whose members are `clip`; `top` is spliced into the root.
    private func manifestText(clip: String, top: String = "", sequence: String = #"["quoted", "other"]"#) -> String {
        """
        {
          "provoke": 1,
          "project": {"id": "demo", "title": "Demo"},
          "sources": [{"id": "may1", "file": "media/may1.mp4", "captions": "captions/may1.vtt"},
                      {"id": "may31", "file": "media/may31.mp4", "captions": "captions/may31.vtt"}],
          "clips": [{"id": "quoted", \(clip)},
                    {"id": "other", "source": "may31", "in": 0, "out": 4}],
          "outputs": [{"id": "for-icbs", "audience": "icb", "title": "For ICBs", "sequence": \(sequence)}]\(top)
        }
        """
    }

    func testAQuoteGivesTheClipTheRangeOfTheCuesThatSayItAndItsSource() throws {
        let text = manifestText(clip: #""quote": "Continuity of care is the FIRST thing we lose""#,
                                sequence: #"["quoted", "other"]"#)
        let result = check(text)
        XCTAssertEqual(result.errors, [])  // Sam nearly says it too: a warning, below
        let clip = try XCTUnwrap(result.project?.clips[0])
        XCTAssertEqual(clip.source, "may1")
        XCTAssertEqual([clip.in, clip.out], [µs(9_000_000), µs(12_500_000)])
        XCTAssertEqual(clip.quote?.place.writtenAt, "project/captions/may1.vtt:12")
        XCTAssertEqual(clip.quote?.place.match.score, 100)
        // No speaker in the manifest: the transcript's, by its own name.
        XCTAssertEqual(clip.speaker, Speaker(name: "Asha Patel"))
    }

    func testAQuoteAcrossCuesIsPaddedAndClampedAtZeroAndNamedByTheSpeakersMap() throws {
        let text = manifestText(
            clip: #""quote": "Increasing access is harmful to health. When success is measured", "source": "may1", "pad": 1.5"#,
            top: #", "speakers": {"Asha Patel": {"name": "Dr Asha Patel", "role": "GP partner, Leeds"}, "Sam Reid": {"role": "Practice manager"}}"#)
        let result = check(text)
        XCTAssertEqual(result.errors, [])
        let clip = try XCTUnwrap(result.project?.clips[0])
        XCTAssertEqual([clip.in, clip.out], [µs(0), µs(10_500_000)])
        XCTAssertEqual(clip.speaker, Speaker(name: "Dr Asha Patel", role: "GP partner, Leeds"))
        // The other clip is Sam's in the Zoom transcript; the map keeps his name and gives his role.
        XCTAssertEqual(result.project?.clips[1].speaker, Speaker(name: "Sam Reid", role: "Practice manager"))
    }

    func testAQuoteWithAWordChangedAndOneMissingIsFound() throws {
        let result = check(manifestText(clip: #""quote": "if boards want good outcomes they should fund time not throughput""#))
        XCTAssertEqual(result.errors, [])
        XCTAssertEqual(result.project?.clips[0].source, "may31")
        XCTAssertEqual(result.project.map { [$0.clips[0].in, $0.clips[0].out] }, [µs(6_500_000), µs(10_000_000)])
    }

    func testAQuoteSaidExactlyOnceAndNearlyElsewhereTakesTheExactPlaceWithAWarning() throws {
        // Asha says it at 9 s; Sam nearly repeats it at 21.5 s ("really" added, "lost" for "lose").
        let text = manifestText(clip: #""quote": "continuity of care is the first thing we lose""#)
        let result = check(text)
        XCTAssertEqual(result.errors, [])
        XCTAssertEqual(result.project.map { [$0.clips[0].in, $0.clips[0].out] }, [µs(9_000_000), µs(12_500_000)])
        XCTAssertEqual(located(result), [
            "\(at(#""continuity"#, in: text)): clips[0].quote: warning: quote is also said, less closely, at "
                + #"may1 00:00:21.500-00:00:25.000 Sam Reid: "Is continuity of care really the first thing we lost?" (project/captions/may1.vtt:24, 83%); "#
                + #"the clip takes the closest: may1 00:00:09.000-00:00:12.500 Asha Patel: "continuity of care is the first thing we lose." (project/captions/may1.vtt:12, 100%)"#,
        ])
    }

    func testAnAmbiguousQuoteIsAnErrorListingEveryPlace() {
        let text = manifestText(clip: #""source": "may1", "quote": "increasing access is harmful to health""#)
        let result = check(text)
        XCTAssertNil(result.project)
        XCTAssertEqual(located(result), [
            "\(at(#""increasing access"#, in: text)): clips[0].quote: quote is said in 2 places: "
                + #"may1 00:00:01.000-00:00:04.000 Asha Patel: "Increasing access is harmful to health." (project/captions/may1.vtt:4, 100%); "#
                + #"may1 00:00:17.000-00:00:21.000 Asha Patel: "Increasing access is harmful to health." (project/captions/may1.vtt:20, 100%); "#
                + "quote more of what was said around it so that one place says it",
        ])
        // Without a source, every transcript is searched, and naming one is suggested.
        let anywhere = check(manifestText(clip: #""quote": "increasing access is harmful to health""#))
        XCTAssertEqual(anywhere.errors.count, 1)
        XCTAssertTrue(anywhere.errors[0].message.hasPrefix("quote is said in 3 places: "), anywhere.errors[0].message)
        XCTAssertTrue(anywhere.errors[0].message.contains("may31 00:00:10.500-00:00:13.000"), anywhere.errors[0].message)
        XCTAssertTrue(anywhere.errors[0].message.hasSuffix(#", or name the clip's "source""#), anywhere.errors[0].message)
    }

    func testAQuoteNotSaidIsAnErrorListingTheNearestPlaces() {
        let text = manifestText(clip: #""quote": "general practice needs a strong united voice""#)
        let result = check(text)
        XCTAssertNil(result.project)
        XCTAssertEqual(located(result), [
            "\(at(#""general practice"#, in: text)): clips[0].quote: quote not found in the transcripts of may1, may31; "
                + "nothing said there comes close",
        ])
        // Half the words in order is near enough to be worth showing.
        let near = manifestText(clip: #""quote": "continuity of care is what we always lose first""#)
        XCTAssertEqual(located(check(near)), [
            "\(at(#""continuity"#, in: near)): clips[0].quote: quote not found in the transcripts of may1, may31; nearest: "
                + #"may1 00:00:09.000-00:00:12.500 Asha Patel: "continuity of care is the first thing we lose." (project/captions/may1.vtt:12, 55%)"#,
        ])
    }

    func testQuoteWithInOrOutAndPadWithoutQuoteAreErrors() {
        let text = manifestText(clip: #""source": "may1", "quote": "continuity of care is the first thing we lose", "in": 1, "out": 2"#)
        XCTAssertEqual(located(check(text)).filter { !$0.contains("warning") }, [
            "\(at(#""in": 1"#, in: text)): clips[0]: unexpected \"in\" in a clip with a \"quote\": the quote's place in the "
                + #"transcript gives its in and out; remove "in", or remove "quote" to time the clip by hand"#,
            "\(at(#""out": 2"#, in: text)): clips[0]: unexpected \"out\" in a clip with a \"quote\": the quote's place in the "
                + #"transcript gives its in and out; remove "out", or remove "quote" to time the clip by hand"#,
        ])
        let padded = manifestText(clip: #""source": "may1", "in": 1, "out": 2, "pad": 0.3"#)
        XCTAssertEqual(located(check(padded)), [
            "\(at("0.3", in: padded)): clips[0].pad: expected \"pad\" only with a \"quote\" (it widens the range the "
                + "quote is found at); a clip with in and out is padded by moving them",
        ])
        // Without a quote, source, in and out are still required, as before.
        let bare = manifestText(clip: #""source": "may1""#)
        XCTAssertEqual(located(check(bare)).first?.hasSuffix(#"missing key "in"; required: id, source, in, out"#), true)
    }

    func testAQuoteFromASourceWithoutTranscriptIsAnError() {
        let text = """
            {"provoke": 1, "project": {"id": "demo", "title": "Demo"},
             "sources": [{"id": "may1", "file": "media/may1.mp4"}],
             "clips": [{"id": "quoted", "quote": "continuity of care is the first thing we lose"}],
             "outputs": [{"id": "for-icbs", "audience": "icb", "title": "For ICBs", "sequence": ["quoted"]}]}
            """
        XCTAssertEqual(located(check(text)), [
            "\(at(#""continuity"#, in: text)): clips[0].quote: no source has a caption file to find the quote in; give "
                + #"the recording its transcript as "captions", or time the clip with source, in and out"#,
        ])
    }

    func testAMisspeltNameInTheSpeakersMapIsAWarning() {
        let text = manifestText(clip: #""source": "may1", "in": 1, "out": 4"#, top: #", "speakers": {"Asha Patal": {"role": "GP"}}"#)
        XCTAssertEqual(located(check(text)), [
            "\(at(#""Asha Patal""#, in: text)): speakers[\"Asha Patal\"]: warning: speaker \"Asha Patal\" is not named in any "
                + #"transcript; did you mean "Asha Patel"? transcripts name: Asha Patel, Sam Reid"#,
        ])
    }

    func testTheManifestsSpeakerWinsOverTheTranscripts() {
        let result = check(manifestText(clip: #""source": "may1", "in": 13, "out": 17, "speaker": {"name": "S. Reid, chair"}"#,
                                        sequence: #"["quoted", "other"]"#))
        XCTAssertEqual(result.project?.clips[0].speaker, Speaker(name: "S. Reid, chair"))
    }

    func testATransitionNextToAQuoteClipMustFitItsQuotedLength() {
        let text = manifestText(clip: #""quote": "continuity of care is the first thing we lose""#,
                                sequence: #"["other", {"item": "quoted", "transition": {"type": "crossfade", "duration": 3.6}}]"#)
        XCTAssertEqual(check(text).errors.map(\.message), [
            #"expected a crossfade of at most 3.5 s, found 3.6 s (the two items overlap for the whole crossfade, so it fits "#
                + #"in the shorter: "other" lasts 4 s, "quoted" lasts 3.5 s)"#,
        ])
    }

    func testPaddingPastTheRecordingsEndIsClampedWhenTheMediaAreOpened() throws {
        let media = folder.appendingPathComponent("project/media")
        let probe = FakeProbe(answers: [
            media.appendingPathComponent("may1.mp4").path: .success(SourceMediaInfo(duration: µs(60_000_000), hasVideo: true, hasAudio: true)),
            media.appendingPathComponent("may31.mp4").path: .success(SourceMediaInfo(duration: µs(13_200_000), hasVideo: true, hasAudio: true)),
        ])
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: true)
        for name in ["may1.mp4", "may31.mp4"] { try Data().write(to: media.appendingPathComponent(name)) }
        let text = manifestText(clip: #""source": "may31", "quote": "Increasing access is harmful to health", "pad": 0.5"#,
                                sequence: #"["quoted", "other"]"#)
        XCTAssertEqual(check(text).errors, [])
        XCTAssertEqual(check(text, probe: probe).errors, [])
        XCTAssertEqual(check(text, probe: probe).project.map { [$0.clips[0].in, $0.clips[0].out] },
                       [µs(10_000_000), µs(13_200_000)])
    }

    func testFindReadsTheTranscriptsOfAManifestWithErrors() {
        let text = manifestText(clip: #""quote": "never said at all, not even once""#)
        let url = folder.appendingPathComponent("project/manifest.json")
        try? Data(text.utf8).write(to: url)
        let transcripts = ManifestLoader.transcripts(url)
        XCTAssertEqual(transcripts.diagnostics, [])
        XCTAssertEqual(transcripts.sources.map(\.source), ["may1", "may31"])
        let places = TranscriptSearch.places(of: "fund time not throughput", in: transcripts.sources)
        XCTAssertEqual(places.map(\.description), [
            "may31 00:00:06.500-00:00:10.000 Sam Reid: \"If boards want better outcomes, they should fund time, not throughput.\" "
                + "(\(folder.path)/project/captions/may31.vtt:8, 100%)",
        ])
        XCTAssertEqual(places.first?.before?.text, "What we see is that demand rises to meet whatever supply we create.")
    }
}
