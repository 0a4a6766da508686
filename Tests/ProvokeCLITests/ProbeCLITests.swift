import Foundation
import ProvokeSamples
import XCTest

/// `provoke probe`: what a producer learns of a media file, and a clear word about each file that is not one.
extension CLITests {
    func testProbeReportsStreamsRotationLoudnessTagsAndCaptionTracks() throws {
        var spec = SampleSpec()
        spec.frames = 90
        spec.displayRotation = 90
        spec.tags = [("title", "May session")]
        try SampleMedia.write(spec, to: dir.appendingPathComponent("phone.mp4").path)
        try write("""
        {"provoke": 1, "project": {"id": "p", "title": "T"}, "sources": [{"id": "a", "file": "phone.mp4"}],
         "clips": [{"id": "c", "source": "a", "in": 0.5, "out": 2.5, "captions": [{"start": 0, "end": 1.5, "text": "Hello"}]}],
         "outputs": [{"id": "o", "audience": "icb", "title": "O", "sequence": ["c"], "captions": "soft"}]}
        """, "manifest.json")
        let render = try provoke(["render", "manifest.json", "--no-ledger", "--no-cache", "--quiet"])
        XCTAssertEqual(render.status, 0, render.err)

        let run = try provoke(["probe", "phone.mp4", "out/o.mp4", "--json"])
        XCTAssertEqual(run.status, 0, run.err)
        let reports = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(reports.count, 2)
        let phone = reports[0], output = reports[1]
        XCTAssertEqual(phone["file"] as? String, "phone.mp4")
        XCTAssertEqual(phone["duration"] as? Double ?? 0, 3, accuracy: 0.05)
        XCTAssertTrue((phone["container"] as? String ?? "").contains("mp4"))
        let streams = try XCTUnwrap(phone["streams"] as? [[String: Any]])
        let video = try XCTUnwrap(streams.first { $0["kind"] as? String == "video" })
        XCTAssertEqual(video["codec"] as? String, "h264")
        XCTAssertEqual(video["width"] as? Int, 320)
        XCTAssertEqual(video["height"] as? Int, 180)
        XCTAssertEqual(video["fps"] as? String, "30/1")
        XCTAssertEqual(video["rotation"] as? Int, 90)
        let audio = try XCTUnwrap(streams.first { $0["kind"] as? String == "audio" })
        XCTAssertEqual(audio["sampleRate"] as? Int, 48_000)
        XCTAssertEqual(audio["channelLayout"] as? String, "stereo")
        // A 20 ms half-scale beep each second reads about -19 LUFS, its peak about -6 dBTP.
        let loudness = try XCTUnwrap(phone["loudness"] as? [String: Any])
        XCTAssertEqual(loudness["integrated"] as? Double ?? 0, -19, accuracy: 1.5)
        XCTAssertEqual(loudness["truePeak"] as? Double ?? 0, -6, accuracy: 1)
        XCTAssertEqual((phone["tags"] as? [String: String])?["title"], "May session")
        XCTAssertEqual((phone["captions"] as? [Any])?.count, 0)

        // The rendered output: its caption track and language, its tags, and the loudness render promised.
        let captions = try XCTUnwrap(output["captions"] as? [[String: Any]])
        XCTAssertEqual(captions.count, 1)
        XCTAssertEqual(captions[0]["codec"] as? String, "mov_text")
        XCTAssertEqual(captions[0]["language"] as? String, "eng")
        XCTAssertEqual((output["tags"] as? [String: String])?["audience"], "icb")
        let rendered = try XCTUnwrap(output["loudness"] as? [String: Any])
        XCTAssertEqual(rendered["integrated"] as? Double ?? 0, -16, accuracy: 1)
        XCTAssertLessThanOrEqual(rendered["truePeak"] as? Double ?? 0, -1)

        let text = try provoke(["probe", "phone.mp4"])
        XCTAssertEqual(text.status, 0, text.err)
        XCTAssertTrue(text.out.contains("video h264, 320x180, 30/1 fps, rotation 90°"), text.out)
        XCTAssertTrue(text.out.contains("audio aac, 48000 Hz, stereo"), text.out)
        XCTAssertTrue(text.out.contains("LUFS integrated, true peak"), text.out)
        XCTAssertTrue(text.out.contains("tag title: May session"), text.out)
    }

    func testProbeNamesEachFileItCannotReadAndStillReportsTheOthers() throws {
        try source("good.mp4", frames: 90)
        let bytes = try Data(contentsOf: dir.appendingPathComponent("good.mp4"))
        try bytes.prefix(bytes.count / 2).write(to: dir.appendingPathComponent("cut.mp4"))
        try write("not a video\n", "notes.txt")
        let run = try provoke(["probe", "good.mp4", "cut.mp4", "notes.txt", "gone.mp4", "--json"])
        XCTAssertEqual(run.status, 1, "a file failed")
        let entries = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(entries.map { $0["file"] as? String }, ["good.mp4", "cut.mp4", "notes.txt", "gone.mp4"])
        XCTAssertNotNil(entries[0]["streams"], "the good file is still reported")
        XCTAssertNil(entries[0]["error"])
        XCTAssertTrue((entries[1]["error"] as? String ?? "").hasPrefix("cut short"), "\(entries[1])")
        XCTAssertTrue((entries[2]["error"] as? String ?? "").hasPrefix("not a media file"), "\(entries[2])")
        XCTAssertTrue((entries[3]["error"] as? String ?? "").contains("No such file"), "\(entries[3])")
        let lines = run.err.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, "one line per bad file, no chatter from FFmpeg: \(run.err)")
        XCTAssertTrue(lines[0].hasPrefix("provoke: cut.mp4: cut short: its streams end at"), run.err)
        XCTAssertTrue(lines[1].hasPrefix("provoke: notes.txt: not a media file that FFmpeg can read"), run.err)

        let usage = try provoke(["probe"])
        XCTAssertEqual(usage.status, 2)
    }

    /// 5.1 sound is measured as BS.1770 weighs it (surrounds +1.5 dB, the LFE left out), as the ffmpeg program's
    /// ebur128 (the witness) measures it, not mixed down to stereo first.
    func testProbeMeasuresFivePointOneAsFivePointOne() throws {
        // Three seconds of 48 kHz 16-bit WAVE_FORMAT_EXTENSIBLE, mask FL FR FC LFE BL BR: a 1 kHz tone in both
        // surrounds, a loud 60 Hz hum in the LFE, nothing in front. Mixed down to stereo first, the surrounds
        // would count 4.5 dB less and the hum's peak not at all.
        let rate = 48_000, channels = 6, frames = 3 * rate
        var pcm = Data(capacity: frames * channels * 2)
        for i in 0..<frames {
            let t = Double(i) / Double(rate)
            let tone = Int16(0.1 * 32767 * sin(2 * .pi * 1000 * t)), hum = Int16(0.5 * 32767 * sin(2 * .pi * 60 * t))
            for sample in [0, 0, 0, hum, tone, tone] as [Int16] { withUnsafeBytes(of: sample.littleEndian) { pcm.append(contentsOf: $0) } }
        }
        var wav = Data()
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { wav.append(contentsOf: $0) } }
        wav.append(contentsOf: Array("RIFF".utf8)); put(UInt32(4 + 8 + 40 + 8 + pcm.count)); wav.append(contentsOf: Array("WAVE".utf8))
        wav.append(contentsOf: Array("fmt ".utf8)); put(UInt32(40)); put(UInt16(0xFFFE)); put(UInt16(channels))
        put(UInt32(rate)); put(UInt32(rate * channels * 2)); put(UInt16(channels * 2)); put(UInt16(16))
        put(UInt16(22)); put(UInt16(16)); put(UInt32(0x3F))
        // KSDATAFORMAT_SUBTYPE_PCM: 00000001-0000-0010-8000-00aa00389b71
        wav.append(contentsOf: [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71])
        wav.append(contentsOf: Array("data".utf8)); put(UInt32(pcm.count)); wav.append(pcm)
        try wav.write(to: dir.appendingPathComponent("surround.wav"))

        let run = try provoke(["probe", "surround.wav", "--json"])
        XCTAssertEqual(run.status, 0, run.err)
        let entry = try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [[String: Any]])?.first)
        let measured = try XCTUnwrap((entry["loudness"] as? [String: Any])?["integrated"] as? Double, "\(entry)")

        let log = try tool("/usr/bin/ffmpeg", ["-nostats", "-i", "surround.wav", "-af", "ebur128=peak=true", "-f", "null", "-"]).err
        let summary = try XCTUnwrap(log.range(of: "Integrated loudness:").map { log[$0.upperBound...] }, log)
        let witness = try XCTUnwrap(summary.firstMatch(of: /I:\s+(-?[0-9.]+) LUFS/).flatMap { Double($0.output.1) }, String(summary))
        XCTAssertEqual(measured, witness, accuracy: 0.3, "probe \(measured) LUFS, ffmpeg's ebur128 \(witness) LUFS")
        let peak = try XCTUnwrap((entry["loudness"] as? [String: Any])?["truePeak"] as? Double)
        let witnessPeak = try XCTUnwrap(summary.firstMatch(of: /Peak:\s+(-?[0-9.]+) dBFS/).flatMap { Double($0.output.1) }, String(summary))
        XCTAssertEqual(peak, witnessPeak, accuracy: 0.5, "the LFE's hum is the peak")
    }

    /// A file missing only its last half second is cut short too (an index read from the file promises its
    /// length exactly); a stream that first appears partway through a joined MPEG-TS is reported, not a crash.
    func testProbeFindsASlightlyShortFileAndReadsAStreamThatAppearsLate() throws {
        try source("ten.mp4", frames: 300)
        let bytes = try Data(contentsOf: dir.appendingPathComponent("ten.mp4"))
        try bytes.prefix(bytes.count * 95 / 100).write(to: dir.appendingPathComponent("short.mp4"))
        let short = try provoke(["probe", "short.mp4"])
        XCTAssertEqual(short.status, 1, short.out)
        XCTAssertTrue(short.err.contains("cut short: its streams end at 9."), short.err)
        XCTAssertEqual(try provoke(["probe", "ten.mp4"]).status, 0, "the whole file is whole")

        // Part one has only video, longer than the demuxer looks ahead when opening; part two is another
        // program (video and sound on new PIDs): streams that appear while the packets are read.
        func ffmpeg(_ args: [String]) throws {
            let run = try tool("/usr/bin/ffmpeg", ["-v", "error", "-y"] + args)
            XCTAssertEqual(run.status, 0, "ffmpeg \(args): \(run.err)")
        }
        try source("part.mp4", frames: 60)
        try ffmpeg(["-i", "ten.mp4", "-an", "-c", "copy", "-f", "mpegts", "one.ts"])
        try ffmpeg(["-i", "part.mp4", "-c", "copy", "-mpegts_service_id", "7", "-mpegts_pmt_start_pid", "0x1500",
                    "-mpegts_start_pid", "0x300", "-f", "mpegts", "two.ts"])
        let joined = try Data(contentsOf: dir.appendingPathComponent("one.ts")) + Data(contentsOf: dir.appendingPathComponent("two.ts"))
        try joined.write(to: dir.appendingPathComponent("joined.ts"))
        let late = try provoke(["probe", "joined.ts"])
        XCTAssertEqual(late.status, 0, late.err)
        XCTAssertTrue(late.out.contains("video h264"), late.out)
    }
}

extension CLITests {
    /// What only planning finds (a poster past the end of its output) is reported by validate for every output
    /// at once, each at its line and column like the manifest's own problems.
    func testValidateReportsEveryOutputsPlanningProblemAtItsPlace() throws {
        try source("a.mp4", frames: 90)
        try write("""
        {"provoke": 1, "project": {"id": "v", "title": "V"},
         "sources": [{"id": "a", "file": "a.mp4"}],
         "clips": [{"id": "c", "source": "a", "in": 0, "out": 2}],
         "outputs": [
           {"id": "one", "audience": "icb", "title": "One", "captions": "none", "sequence": ["c"], "poster": 10},
           {"id": "two", "audience": "icb", "title": "Two", "captions": "none", "sequence": ["c"],
            "poster": 2}
         ]}
        """, "manifest.json")
        let run = try provoke(["validate", "manifest.json"])
        XCTAssertEqual(run.status, 1)
        let lines = run.err.split(separator: "\n")
        XCTAssertEqual(lines.count, 3, run.err)
        XCTAssertTrue(lines[0].hasPrefix("manifest.json:5:102: outputs[0].poster: output \"one\": poster 00:00:10.000"), run.err)
        XCTAssertTrue(lines[1].hasPrefix("manifest.json:7:15: outputs[1].poster: output \"two\": poster 00:00:02.000"), run.err)
        XCTAssertEqual(lines[2], "manifest.json: 2 errors")
        let json = try provoke(["validate", "manifest.json", "--json"])
        let diagnostics = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]])
        XCTAssertEqual(diagnostics.compactMap { $0["path"] as? String }, ["outputs[0].poster", "outputs[1].poster"])
    }

    func testValidateWarnsOfARotationFlagAndAVeryQuietSourceButRenderDoesNotMeasure() throws {
        var spec = SampleSpec()
        spec.frames = 90
        spec.displayRotation = 90
        spec.sound = .tone(frequency: 1000, amplitude: 0.005)  // about -46 LUFS
        try SampleMedia.write(spec, to: dir.appendingPathComponent("phone.mp4").path)
        try source("room.mp4", frames: 90)
        try write("""
        {"provoke": 1, "project": {"id": "p", "title": "T"},
         "sources": [{"id": "a", "file": "phone.mp4"}, {"id": "b", "file": "room.mp4"}],
         "clips": [{"id": "c", "source": "a", "in": 0, "out": 2}, {"id": "d", "source": "b", "in": 0, "out": 2}],
         "outputs": [{"id": "o", "audience": "icb", "title": "O", "sequence": ["c", "d"]}]}
        """, "manifest.json")
        let run = try provoke(["validate", "manifest.json"])
        XCTAssertEqual(run.status, 0, "warnings, not errors: \(run.err)")
        let warnings = run.err.split(separator: "\n").filter { $0.contains("warning") }
        XCTAssertEqual(warnings.count, 2, run.err)
        XCTAssertTrue(warnings.allSatisfy { $0.contains("sources[0].file") }, run.err)
        XCTAssertTrue(run.err.contains("phone.mp4 has a rotation flag (90°"), run.err)
        XCTAssertTrue(run.err.contains("phone.mp4 is very quiet (-4"), run.err)
        let render = try provoke(["render", "manifest.json", "--no-ledger", "--no-cache", "--quiet"])
        XCTAssertEqual(render.status, 0, render.err)
        XCTAssertFalse(render.err.contains("very quiet"), "render does not measure the sources: \(render.err)")
    }
}

extension CLITests {
    func testPlanShowsTheLoudnessTargetAndWhatTheLastRenderMeasured() throws {
        var spec = SampleSpec()
        spec.frames = 90
        spec.sound = .tone(frequency: 1000, amplitude: 0.0178)  // about -35 LUFS
        try SampleMedia.write(spec, to: dir.appendingPathComponent("quiet.mp4").path)
        try write("""
        {"provoke": 1, "project": {"id": "p", "title": "T"}, "sources": [{"id": "a", "file": "quiet.mp4"}],
         "clips": [{"id": "c", "source": "a", "in": 0, "out": 2}],
         "outputs": [{"id": "web", "audience": "icb", "title": "O", "sequence": ["c"]},
                     {"id": "tv", "audience": "icb", "title": "O", "sequence": ["c"], "loudness": -23},
                     {"id": "raw", "audience": "icb", "title": "O", "sequence": ["c"], "loudness": "off"}]}
        """, "manifest.json")
        let before = try provoke(["plan", "manifest.json"])
        XCTAssertTrue(before.out.contains("loudness -16.0 LUFS, true peak at most -1.0 dBTP: clips' gains measured at render"), before.out)
        XCTAssertTrue(before.out.contains("loudness -23.0 LUFS"), before.out)
        XCTAssertTrue(before.out.contains("loudness off: the sound as recorded"), before.out)

        let render = try provoke(["render", "manifest.json", "--no-ledger", "--quiet"])
        XCTAssertEqual(render.status, 0, render.err)
        let after = try provoke(["plan", "manifest.json", "--json"])
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(after.out.utf8)) as? [String: Any])
        let outputs = try XCTUnwrap(doc["outputs"] as? [[String: Any]])
        let web = try XCTUnwrap(outputs[0]["loudness"] as? [String: Any])
        XCTAssertEqual(web["target"] as? Double, -16)
        let measured = try XCTUnwrap(web["measured"] as? [String: Any])
        XCTAssertEqual(measured["integrated"] as? Double ?? 0, -16, accuracy: 1)
        let clips = try XCTUnwrap(measured["clips"] as? [[String: Any]])
        XCTAssertEqual(clips.first?["gain"] as? Double ?? 0, 19, accuracy: 1)
        XCTAssertEqual((outputs[2]["loudness"] as? [String: Any])?["mode"] as? String, "off")
        // The record beside each MP4 says the same.
        let record = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/tv.json"))) as? [String: Any])
        XCTAssertEqual((record["loudness"] as? [String: Any])?["integrated"] as? Double ?? 0, -23, accuracy: 1)
        let text = try provoke(["plan", "manifest.json", "--output", "web"])
        XCTAssertTrue(text.out.contains("clip c at frame 0: -3"), text.out)
    }
}
