import FFmpegKit
import Foundation
import ProvokeManifest
@testable import ProvokeRender
import ProvokeSamples
import ProvokeTimeline
import XCTest

/// Outputs come out at their loudness target, measured as a viewer's meter would (EBU R128 through libavfilter's
/// ebur128, on the decoded MP4), whatever level the recordings had.
final class LoudnessRenderTests: XCTestCase {
    override func setUp() { FFmpegLog.setQuiet() }

    /// A quiet speaker (a 1 kHz tone at about -35 LUFS) and a loud one (440 Hz at about -10 LUFS), 4 s each.
    func sources(_ dir: TempDir) throws {
        for (name, frequency, amplitude) in [("quiet.mp4", 1000.0, Float(0.0178)), ("loud.mp4", 440.0, Float(0.316))] {
            var spec = SampleSpec()
            spec.frames = 120
            spec.sound = .tone(frequency: frequency, amplitude: amplitude)
            try SampleMedia.write(spec, to: dir.path(name))
        }
    }

    func evenProject(_ dir: TempDir, loudness: LoudnessTarget) -> Project {
        var p = project(sources: [("q", "quiet.mp4"), ("l", "loud.mp4")],
                        clips: [("quiet", "q", 0.5, 3.5), ("loud", "l", 0.5, 3.5)],
                        outputs: [("even", .icb, ["quiet", "loud"])], base: dir.url)
        p.outputs[0].loudness = loudness
        p.outputs[0].captions = .none
        return p
    }

    func testAQuietAndALoudSpeakerComeOutEvenAtMinus16() throws {
        let dir = try TempDir()
        try sources(dir)
        XCTAssertEqual(try loudness(of: dir.path("quiet.mp4")).integrated, -35, accuracy: 1, "the witness reads the source")
        XCTAssertEqual(try loudness(of: dir.path("loud.mp4")).integrated, -10, accuracy: 1)

        let plan = try Planner.plan(evenProject(dir, loudness: .standard)).outputs[0]
        let out = try Renderer().render(plan, into: dir.url.appendingPathComponent("out"))
        let whole = try loudness(of: out.mp4.path)
        XCTAssertEqual(whole.integrated, -16, accuracy: 1)
        XCTAssertLessThanOrEqual(try XCTUnwrap(whole.truePeak), -1)
        // The quiet clip is raised to the loud one (each clip measured on its own range of the output).
        let quiet = try loudness(of: out.mp4.path, seconds: 0..<3).integrated
        let loud = try loudness(of: out.mp4.path, seconds: 3..<6).integrated
        XCTAssertLessThanOrEqual(loud - quiet, 3, "quiet \(quiet), loud \(loud)")
        XCTAssertEqual(quiet, -16, accuracy: 1)
        // The sound is still exactly frames × 1600 samples.
        XCTAssertEqual(stream(try ffprobe(out.mp4.path), "audio")?["duration_ts"] as? Int, 180 * 1600)

        // The record says what was measured: each clip's level as recorded and its gain, and the result.
        let record = try RenderRecord.decode(Data(contentsOf: out.record))
        let l = try XCTUnwrap(record.loudness)
        XCTAssertEqual(l.mode, "normalised")
        XCTAssertEqual(l.target, -16)
        XCTAssertEqual(l.clips?.map(\.clip), ["quiet", "loud"])
        XCTAssertEqual(l.clips?[0].input ?? 0, -35, accuracy: 1)
        XCTAssertEqual(l.clips?[0].gain ?? 0, 19, accuracy: 1)
        XCTAssertEqual(l.clips?[1].gain ?? 0, -6, accuracy: 1)
        XCTAssertEqual(try XCTUnwrap(l.integrated), whole.integrated, accuracy: 0.2)
        XCTAssertLessThanOrEqual(try XCTUnwrap(l.truePeak), -1)
    }

    func testMinus23AndOffAreHonoured() throws {
        let dir = try TempDir()
        try sources(dir)
        let broadcast = try Renderer().render(try Planner.plan(evenProject(dir, loudness: .lufs(-23))).outputs[0],
                                              into: dir.url.appendingPathComponent("broadcast"))
        XCTAssertEqual(try loudness(of: broadcast.mp4.path).integrated, -23, accuracy: 1)
        XCTAssertEqual(try loudness(of: broadcast.mp4.path, seconds: 0..<3).integrated, -23, accuracy: 1)

        let off = try Renderer().render(try Planner.plan(evenProject(dir, loudness: .off)).outputs[0],
                                        into: dir.url.appendingPathComponent("off"))
        // As recorded: the quiet speaker stays 25 LU under the loud one.
        XCTAssertEqual(try loudness(of: off.mp4.path, seconds: 0..<3).integrated, -35, accuracy: 1)
        XCTAssertEqual(try loudness(of: off.mp4.path, seconds: 3..<6).integrated, -10, accuracy: 1)
        XCTAssertEqual(try RenderRecord.decode(Data(contentsOf: off.record)).loudness, .off)
    }

    func testPeaksStayUnderTheCeilingWhenALoudTargetRaisesThem() throws {
        let dir = try TempDir()
        // Beeps: 20 ms at half scale each second, about -19 LUFS; raised 9 dB to -10 their peaks would reach +3 dBFS.
        var spec = SampleSpec()
        spec.frames = 120
        try SampleMedia.write(spec, to: dir.path("beeps.mp4"))
        var p = project(sources: [("b", "beeps.mp4")], clips: [("beeps", "b", 0.5, 4)], outputs: [("hot", .icb, ["beeps"])],
                        base: dir.url)
        p.outputs[0].loudness = .lufs(-10)
        let out = try Renderer().render(try Planner.plan(p).outputs[0], into: dir.url.appendingPathComponent("out"))
        XCTAssertLessThanOrEqual(try XCTUnwrap(loudness(of: out.mp4.path).truePeak), -1)
        // The beeps are still where they were: the limiter's lookahead is compensated.
        let onsets = beepOnsets(try decodeAudio(out.mp4.path))
        XCTAssertEqual(onsets.count, 3, "\(onsets)")
        for (found, expected) in zip(onsets, [0.5, 1.5, 2.5]) { XCTAssertEqual(found, expected, accuracy: 0.005) }
        // Such peaky sound cannot reach -10 LUFS under a -1 dBTP ceiling: the record says what it reached.
        let record = try XCTUnwrap(try RenderRecord.decode(Data(contentsOf: out.record)).loudness)
        XCTAssertEqual(try XCTUnwrap(record.integrated), try loudness(of: out.mp4.path).integrated, accuracy: 0.2)
    }

    func testANewTargetMakesOnlyTheSoundAgainAndMeasuresNothingAgain() throws {
        let dir = try TempDir()
        try sources(dir)
        var options = RenderOptions()
        options.cache = dir.url.appendingPathComponent("cache")
        let out = dir.url.appendingPathComponent("out")
        func render(_ target: LoudnessTarget) throws -> BatchResult {
            let plan = try Planner.plan(evenProject(dir, loudness: target)).outputs[0]
            return try BatchRenderer(options: options).render([BatchRenderer.Job(plan: plan, directory: out)])
        }
        func measurements() -> Int { (try? RenderCache(directory: options.cache!).entries().filter { $0.kind == .measure }.count) ?? 0 }
        let first = try render(.standard)
        XCTAssertEqual(first.encoded, 2 + 1, "two clip pieces and the sound track")
        XCTAssertEqual(measurements(), 2 + 1, "each clip's range, and the track")
        XCTAssertEqual(try render(.standard).unchanged.count, 1, "a re-run writes nothing")
        let second = try render(.lufs(-23))
        XCTAssertEqual(second.encoded, 1, "only the sound track")
        XCTAssertEqual(second.cached, 2, "the pictures come from the cache")
        XCTAssertEqual(measurements(), 2 + 2, "the clips were not measured again")
        XCTAssertEqual(try loudness(of: out.appendingPathComponent("even.mp4").path).integrated, -23, accuracy: 1)
    }

    /// A clip's measured loudness altered in the cache (same size, one digit changed) is measured again, not
    /// used: the gains come out as from an empty cache.
    func testAnAlteredMeasurementIsMeasuredAgain() throws {
        let dir = try TempDir()
        try sources(dir)
        var options = RenderOptions()
        options.cache = dir.url.appendingPathComponent("cache")
        func render(_ target: LoudnessTarget, into out: String, cache: Bool = true) throws -> RenderRecord.Loudness? {
            var o = options
            if !cache { o.cache = nil }
            let plan = try Planner.plan(evenProject(dir, loudness: target)).outputs[0]
            let result = try BatchRenderer(options: o).render([BatchRenderer.Job(plan: plan, directory: dir.url.appendingPathComponent(out))])
            return try RenderRecord.decode(Data(contentsOf: try XCTUnwrap((result.written + result.unchanged).first).record)).loudness
        }
        _ = try render(.standard, into: "first")
        let cache = try RenderCache(directory: options.cache!)
        var altered = 0
        for entry in cache.entries() where entry.kind == .measure {
            let url = cache.url(.measure, entry.key)
            var text = try String(contentsOf: url, encoding: .utf8)
            guard let digit = text.firstRange(of: /-[0-9]/) else { continue }
            let old = text[digit].last!
            text.replaceSubrange(digit, with: "-" + String(old == "1" ? "2" : "1"))  // same size, another level
            try text.write(to: url, atomically: false, encoding: .utf8)
            altered += 1
        }
        XCTAssertEqual(altered, 3, "two clips' measurements and the track's record")
        // A new target: the sound is made again from the clips' measurements.
        let again = try XCTUnwrap(try render(.lufs(-20), into: "again"))
        let fresh = try XCTUnwrap(try render(.lufs(-20), into: "fresh", cache: false))
        XCTAssertEqual(again.clips?.map(\.gain), fresh.clips?.map(\.gain))
        XCTAssertEqual(again.clips?.map(\.input), fresh.clips?.map(\.input))
    }

    func testTheMusicBedSitsItsLevelUnderTheSpeech() throws {
        let dir = try TempDir()
        try sources(dir)
        try SampleMedia.writeSound(.chord, seconds: 8, to: dir.path("bed.m4a"))
        var p = evenProject(dir, loudness: .standard)
        p.cards = [Card(id: "intro", template: .statement, duration: 4_000_000, text: .all("Fund time"))]
        p.outputs[0].sequence = [SequenceItem(item: "intro"), SequenceItem(item: "loud")]
        p.outputs[0].style.card.music = ManifestFile(written: "bed.m4a", url: dir.url.appendingPathComponent("bed.m4a"))
        p.outputs[0].style.card.musicLevel = -12
        let out = try Renderer().render(try Planner.plan(p).outputs[0], into: dir.url.appendingPathComponent("out"))
        // The card (its middle, away from its fades) is 12 LU under the clip after it, and the whole is at the
        // target (a bed only 12 LU down counts in the gated loudness, so the speech ends a little above -16).
        let bed = try loudness(of: out.mp4.path, seconds: 1..<3).integrated
        let speech = try loudness(of: out.mp4.path, seconds: 4..<7).integrated
        XCTAssertEqual(try loudness(of: out.mp4.path).integrated, -16, accuracy: 1)
        XCTAssertEqual(speech - bed, 12, accuracy: 1.5, "bed \(bed), speech \(speech)")
        let record = try XCTUnwrap(try RenderRecord.decode(Data(contentsOf: out.record)).loudness)
        let music = try XCTUnwrap(record.music)
        XCTAssertEqual(music.level, -12)
        XCTAssertEqual(music.input + music.gain, -28, accuracy: 0.01)
        // The record adds up to what was played: the bed's gain and the mix's correction give the bed's level.
        XCTAssertEqual(music.input + music.gain + (record.correction ?? 0), bed, accuracy: 1)
    }

    /// Cards only: the bed is all the sound, so the whole (held to its target) brings it to the target; the
    /// record says so with the mix's correction, instead of a bed gain that was not what played.
    func testACardsOnlyOutputRecordsTheCorrectionThatBroughtItsBedToTheTarget() throws {
        let dir = try TempDir()
        try SampleMedia.writeSound(.chord, seconds: 8, to: dir.path("bed.m4a"))
        var p = project(sources: [], clips: [], outputs: [("cards", .icb, ["intro"])], base: dir.url)
        p.cards = [Card(id: "intro", template: .statement, duration: 4_000_000, text: .all("Fund time"))]
        p.outputs[0].captions = .none
        p.outputs[0].style.card.music = ManifestFile(written: "bed.m4a", url: dir.url.appendingPathComponent("bed.m4a"))
        p.outputs[0].style.card.musicLevel = -10
        let out = try Renderer().render(try Planner.plan(p).outputs[0], into: dir.url.appendingPathComponent("out"))
        let measured = try loudness(of: out.mp4.path, seconds: 1..<3).integrated
        XCTAssertEqual(try loudness(of: out.mp4.path).integrated, -16, accuracy: 1)
        let record = try XCTUnwrap(try RenderRecord.decode(Data(contentsOf: out.record)).loudness)
        let music = try XCTUnwrap(record.music)
        let correction = try XCTUnwrap(record.correction, "the bed alone came out 10 LU under the target")
        XCTAssertEqual(correction, 10, accuracy: 1.5)
        XCTAssertEqual(music.input + music.gain + correction, measured, accuracy: 1)
    }

    // MARK: The witness

    /// EBU R128 of a file's decoded sound (stereo, 48 kHz), or of a range of it, through libavfilter's ebur128.
    func loudness(of path: String, seconds range: Range<Double>? = nil) throws -> LoudnessReading {
        let fifo = try SampleMedia.decodeAudio(path, rate: 48_000, channels: 2)
        let meter = try LoudnessMeter(sampleRate: 48_000, channels: 2, truePeak: true)
        let start = range.map { Int($0.lowerBound * 48_000) } ?? 0
        let end = range.map { min(fifo.count, Int($0.upperBound * 48_000)) } ?? fifo.count
        try fifo.drop(start)
        try meter.add(try fifo.read(end - start, sampleRate: 48_000))
        return try meter.finish()
    }
}
