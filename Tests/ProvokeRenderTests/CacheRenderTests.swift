import FFmpegKit
import Foundation
import ProvokeManifest
@testable import ProvokeRender
import ProvokeSamples
import ProvokeTimeline
import XCTest

/// Outputs made of pieces joined by stream copy, watched as a viewer would: every frame where it should be,
/// the sound continuous across the joins, the file clean to decode, and the cache used as promised.
final class CacheRenderTests: XCTestCase {
    override func setUp() { FFmpegLog.setQuiet() }

    /// 20 s of 320x180 indexed frames with a beep at every whole second (or a sustained chord).
    func source(_ dir: TempDir, _ name: String, sound: SampleSpec.Sound = .beeps) throws {
        var spec = SampleSpec()
        spec.frames = 600
        spec.sound = sound
        try SampleMedia.write(spec, to: dir.path(name))
    }

    func testPiecesJoinFrameExactlyWithTheSoundInSyncAcrossEveryJoin() throws {
        let dir = try TempDir()
        try source(dir, "a.mp4")
        // 1.0–18.0 s is 510 frames: two pieces, cut where the source has a keyframe (frame 250, 8.333 s: the
        // clip's frame 220), less the crossfade's 15; then 0.5 s of crossfade into 3.0–6.0 s (its own piece), and
        // that clip's own 75 frames.
        var p = project(sources: [("a", "a.mp4")], clips: [("long", "a", 1.0, 18.0), ("short", "a", 3.0, 6.0)],
                        outputs: [("joined", .icb, ["long", "short"])], base: dir.url)
        p.outputs[0].sequence[1].transition = Transition(kind: .crossfade, duration: 500_000)
        let plan = try Planner.plan(p).outputs[0]
        let job = BatchRenderer.Job(plan: plan, directory: dir.url.appendingPathComponent("out"))
        let pieces = try BatchRenderer().entries([job]).filter { $0.kind == "piece" }
        XCTAssertEqual(pieces.map(\.start), [0, 220, 495, 510])
        XCTAssertEqual(pieces.map(\.count), [220, 275, 15, 75])
        let out = try Renderer().render(plan, into: dir.url.appendingPathComponent("out"))

        // Every frame outside the crossfade shows exactly the source frame the plan says.
        let frames = try decodeLuma(out.mp4.path)
        XCTAssertEqual(frames.count, 585)
        let box = Letterbox.fit(sourceWidth: 320, sourceHeight: 180, into: 1280, 720)
        let indices = frames.map { sourceIndex($0, box: box, sw: 320, sh: 180) }
        XCTAssertEqual(Array(indices[0..<495]), Array(30..<525))
        XCTAssertEqual(Array(indices[510...]), Array(105..<180))
        // The file decodes without a word from FFmpeg, and a viewer can seek to each piece: it starts on a keyframe.
        XCTAssertEqual(try ffmpegComplaints(out.mp4.path), "")
        let keyframes = try keyframeTimes(out.mp4.path)
        for start in [0, 220, 495, 510] {
            XCTAssertTrue(keyframes.contains { abs($0 - Double(start) / 30) < 0.001 }, "a keyframe at frame \(start): \(keyframes)")
        }
        // Sound: exactly frames × 1600 samples, and every beep where its frame is (within 5 ms), across the joins.
        let probe = try ffprobe(out.mp4.path)
        XCTAssertEqual(stream(probe, "audio")?["duration_ts"] as? Int, 585 * 1600)
        // Source second s is output s - 1 up to the crossfade at 16.5 s, across the join at 8.233 s.
        let onsets = beepOnsets(try decodeAudio(out.mp4.path)).filter { $0 < 16.4 }
        XCTAssertEqual(onsets.count, 17, "\(onsets)")
        for (found, expected) in zip(onsets, (0...16).map(Double.init)) { XCTAssertEqual(found, expected, accuracy: 0.005) }
    }

    func testTheSoundRunsOnAcrossAJoinWithNoClick() throws {
        let dir = try TempDir()
        try source(dir, "a.mp4", sound: .chord)
        let p = project(sources: [("a", "a.mp4")], clips: [("long", "a", 1.0, 19.0)],
                        outputs: [("chord", .icb, ["long"])], base: dir.url)
        let plan = try Planner.plan(p).outputs[0]
        let job = BatchRenderer.Job(plan: plan, directory: dir.url.appendingPathComponent("out"))
        let join = try BatchRenderer().entries([job]).filter { $0.kind == "piece" }[1].start
        XCTAssertEqual(join, 220, "on the source's keyframe at 8.333 s")
        let out = try Renderer().render(plan, into: dir.url.appendingPathComponent("out"))
        let rendered = try SampleMedia.decodeMono(out.mp4.path, rate: 48_000)
        let original = try SampleMedia.decodeMono(dir.path("a.mp4"), rate: 48_000)
        // Around the join the output is the source (1 s later in it, at the gain that brought it to the loudness
        // target), sample for sample, to AAC's precision; a gap, a repeated block or a click would be far off.
        let gain = try XCTUnwrap(out.renderRecord.loudness?.clips?.first?.gain)
        let scale = Float(pow(10, gain / 20))
        let at = join * 1600
        var worst: Float = 0
        for n in (at - 4800)..<(at + 4800) { worst = max(worst, abs(rendered[n] - original[n + 48_000] * scale)) }
        let level = rendered[(at - 4800)..<(at + 4800)].map(abs).max()!
        XCTAssertGreaterThan(level, 0.05, "the chord is there")
        XCTAssertLessThan(worst, level * 0.1, "no discontinuity at the join")
    }

    func testSharedFootageIsEncodedOnceAndAReRunEncodesNothing() throws {
        let dir = try TempDir()
        try source(dir, "a.mp4")
        var p = project(sources: [("a", "a.mp4")], clips: [("one", "a", 1.0, 5.0)],
                        outputs: [("for-icbs", .icb, ["intro", "one"]), ("for-colleges", .college, ["intro", "one"])],
                        base: dir.url)
        p.cards = [Card(id: "intro", template: .statement, duration: 2_000_000,
                        text: .byAudience([.icb: "Fund time", .college: "Teach continuity"]))]
        let jobs = try Planner.plan(p).outputs.map { BatchRenderer.Job(plan: $0, directory: dir.url.appendingPathComponent("out")) }
        var options = RenderOptions()
        options.cache = dir.url.appendingPathComponent("cache")
        let first = try BatchRenderer(options: options).render(jobs)
        // Two cards (one per audience), one clip piece, two sound tracks (the cards' sound differs by nothing,
        // but the key is per output's timeline: equal here, so one).
        XCTAssertEqual(first.written.count, 2)
        XCTAssertEqual(first.encoded, 2 + 1 + 1, "each card once per audience, the clip once, one sound track")
        let again = try BatchRenderer(options: options).render(jobs)
        XCTAssertEqual(again.written.count, 0)
        XCTAssertEqual(again.unchanged.map(\.plan.output), ["for-icbs", "for-colleges"])
        XCTAssertEqual(again.encoded, 0)
        // Another folder: joined again from the cache, without encoding, to the same bytes.
        let elsewhere = try BatchRenderer(options: options).render(jobs.map {
            BatchRenderer.Job(plan: $0.plan, directory: dir.url.appendingPathComponent("elsewhere"))
        })
        XCTAssertEqual(elsewhere.encoded, 0)
        XCTAssertEqual(elsewhere.cached, 3)
        XCTAssertEqual(elsewhere.written.map(\.sha256), first.written.map(\.sha256))
    }

    func testADamagedEntryIsEncodedAgainNeverJoined() throws {
        let dir = try TempDir()
        try source(dir, "a.mp4")
        let p = project(sources: [("a", "a.mp4")], clips: [("one", "a", 1.0, 3.0)],
                        outputs: [("o", .icb, ["one"])], base: dir.url)
        let jobs = try Planner.plan(p).outputs.map { BatchRenderer.Job(plan: $0, directory: dir.url.appendingPathComponent("out")) }
        var options = RenderOptions()
        options.cache = dir.url.appendingPathComponent("cache")
        let first = try BatchRenderer(options: options).render(jobs)
        let entries = try RenderCache(directory: options.cache!).entries().filter { $0.kind == .piece }
        XCTAssertEqual(entries.count, 1)
        let piece = try RenderCache(directory: options.cache!).url(.piece, entries[0].key)
        // Cut short, as a full disk or a killed copy would leave it.
        let bytes = try Data(contentsOf: piece)
        try bytes.prefix(bytes.count / 2).write(to: piece)
        let second = try BatchRenderer(options: options).render(jobs.map {
            BatchRenderer.Job(plan: $0.plan, directory: dir.url.appendingPathComponent("again"))
        })
        XCTAssertEqual(second.encoded, 1, "the damaged piece is encoded again (the sound track is whole)")
        XCTAssertEqual(second.written.first?.sha256, first.written.first?.sha256)
        XCTAssertEqual(try Data(contentsOf: piece), bytes, "the entry is whole again")
    }

    // MARK: Witnesses

    /// What `ffmpeg -v error` says while decoding the whole file: nothing, for a clean file.
    func ffmpegComplaints(_ path: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        p.arguments = ["-v", "error", "-nostdin", "-i", path, "-f", "null", "-"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return text
    }

    /// The times (seconds) of the video's keyframes, as ffprobe reads the packets.
    func keyframeTimes(_ path: String) throws -> [Double] {
        let probe = try ffprobe(path, ["-select_streams", "v", "-show_entries", "packet=pts_time,flags", "-show_packets"])
        return (probe["packets"] as? [[String: Any]] ?? []).compactMap { packet in
            guard (packet["flags"] as? String)?.hasPrefix("K") == true else { return nil }
            return Double(packet["pts_time"] as? String ?? "")
        }
    }
}
