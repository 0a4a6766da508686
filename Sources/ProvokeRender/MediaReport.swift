import FFmpegKit
import Foundation
import ProvokeSystem

/// What `provoke probe` tells a producer about a media file: the container, its length, every stream (codec,
/// size, frame rate, rotation, sample rate, channel layout, language), the sound's integrated loudness and true
/// peak (EBU R128, the whole best audio stream decoded through libavfilter's `ebur128`), the tags and the caption
/// tracks. Read with the same libraries render uses; nothing is written.
public struct MediaReport: Codable, Equatable, Sendable {
    public struct Stream: Codable, Equatable, Sendable {
        public var index: Int
        /// "video", "audio", "subtitle" or "other".
        public var kind: String
        public var codec: String
        public var width: Int?
        public var height: Int?
        /// Average frame rate, as a fraction ("30/1", "30000/1001").
        public var fps: String?
        /// Degrees counter-clockwise a player turns the picture (the display matrix), when not 0.
        public var rotation: Int?
        public var sampleRate: Int?
        public var channels: Int?
        public var channelLayout: String?
        public var language: String?
        /// Seconds, when the container says.
        public var duration: Double?
    }
    public struct Loudness: Codable, Equatable, Sendable {
        /// The audio stream measured.
        public var stream: Int
        /// LUFS (-70: silence) and dBTP.
        public var integrated: Double
        public var truePeak: Double
    }
    public struct CaptionTrack: Codable, Equatable, Sendable {
        public var stream: Int
        public var codec: String
        public var language: String?
    }

    /// The path as given.
    public var file: String
    /// The container (demuxer) name, e.g. "mov,mp4,m4a,3gp,3g2,mj2".
    public var container: String
    /// Seconds.
    public var duration: Double?
    public var streams: [Stream]
    /// Absent when the file has no sound.
    public var loudness: Loudness?
    public var tags: [String: String]
    public var captions: [CaptionTrack]
}

extension MediaProbe {
    /// Reads `path` whole: every packet (so a file cut short is found, not just one whose header is damaged), the
    /// best audio stream decoded and measured. Throws a `ProbeError` saying what is wrong, without the path.
    public static func report(_ path: String) throws(ProbeError) -> MediaReport {
        do {
            return try read(path)
        } catch let e as ProbeError {
            throw e
        } catch let e as FFmpegError {
            throw ProbeError(message: e.isInvalidData
                ? "not a media file that FFmpeg can read, or cut short (\(e.reason))"
                : "cannot read: \(e.reason) (\(e.call))")
        } catch {
            throw ProbeError(message: "\(error)")
        }
    }

    private static func seconds(_ value: Int64?, _ timeBase: Rational) -> Double? {
        value.map { Double(rescale($0, from: timeBase, to: Rational(1, 1_000_000))) / 1_000_000 }
    }

    private static func read(_ path: String) throws -> MediaReport {
        let input = try InputFile(path: path)
        let audio = input.bestStream(.audio)
        let duration = input.durationMicroseconds.map { Double($0) / 1_000_000 }
        var lastTime: [Int: Double] = [:]
        // Every packet is read (to find where the streams really end); only the measured audio stream is decoded.
        let decoder = try audio.map { try Decoder(input, stream: $0.index) }
        let feed = try audio.map { try MeterFeed(channels: $0.channels, truePeak: true) }
        let packet = Packet(), frame = Frame()
        func drainDecoder() throws {
            while let decoder, let feed, try decoder.receive(into: frame) == .frame {
                try feed.add(frame)
                frame.unref()
            }
        }
        while try input.read(into: packet) == .packet {
            // A stream that first appears partway through (joined MPEG-TS) was not there when the file was opened.
            guard packet.streamIndex < input.streams.count else { packet.unref(); continue }
            let info = input.streams[packet.streamIndex]
            if let t = seconds(packet.pts.map { $0 + packet.duration }, info.timeBase) {
                lastTime[info.index] = max(lastTime[info.index] ?? 0, t)
            }
            if let decoder, packet.streamIndex == audio?.index { try decoder.send(packet); try drainDecoder() }
            packet.unref()
        }
        try decoder?.send(nil)
        try drainDecoder()
        let reading = try feed?.finish()
        // A file whose index promises more than its packets hold was cut short (an upload or a copy that stopped).
        // The streams' ends (last packet's end) may fall short of a duration read from an index or timestamps by
        // rounding only; one guessed from the bit rate (MPEG-TS) is looser.
        let reached = lastTime.values.max() ?? 0
        let origin = Double(input.startMicroseconds) / 1_000_000
        let slack = input.durationIsEstimated ? (duration ?? 0) * 0.05 + 0.5 : 0.25
        if let duration, duration > 1, reached - origin < duration - slack {
            throw ProbeError(message: String(format: "cut short: its streams end at %.3f s of the %.3f s its header promises",
                                             max(0, reached - origin), duration))
        }

        let streams = input.streams.map { s -> MediaReport.Stream in
            let kind: String
            switch s.kind {
            case .video: kind = "video"
            case .audio: kind = "audio"
            case .subtitle: kind = "subtitle"
            case .other: kind = "other"
            }
            let video = s.kind == .video, sound = s.kind == .audio
            return MediaReport.Stream(
                index: s.index, kind: kind, codec: s.codecName, width: video ? s.width : nil, height: video ? s.height : nil,
                fps: video && s.averageFrameRate.isValid ? s.averageFrameRate.description : nil,
                rotation: video && s.rotation != 0 ? s.rotation : nil, sampleRate: sound ? s.sampleRate : nil,
                channels: sound ? s.channels : nil, channelLayout: sound && !s.channelLayout.isEmpty ? s.channelLayout : nil,
                language: s.tags["language"].flatMap { $0 == "und" ? nil : $0 }, duration: seconds(s.duration, s.timeBase))
        }
        let captions = input.streams.filter { $0.kind == .subtitle }.map {
            MediaReport.CaptionTrack(stream: $0.index, codec: $0.codecName, language: $0.tags["language"])
        }
        var loudness: MediaReport.Loudness?
        if let audio, let reading {
            loudness = MediaReport.Loudness(stream: audio.index, integrated: Levelling.rounded(reading.integrated),
                                            truePeak: Levelling.rounded(reading.truePeak ?? -200))
        }
        return MediaReport(file: path, container: input.formatName, duration: duration, streams: streams,
                           loudness: loudness, tags: input.tags, captions: captions)
    }
}

extension MediaReport {
    /// For people: one line per stream and a line each for the loudness, the tags and the captions. Tags and
    /// names come from whoever made the file: control characters are shown as escapes.
    public var text: String {
        var lines = ["\(file): \(container), " + (duration.map { String(format: "%.3f s", $0) } ?? "length unknown")]
        for s in streams {
            var parts = ["  stream \(s.index): \(s.kind) \(s.codec)"]
            if let w = s.width, let h = s.height { parts.append("\(w)x\(h)") }
            if let fps = s.fps { parts.append("\(fps) fps") }
            if let r = s.rotation { parts.append("rotation \(r)°") }
            if let rate = s.sampleRate { parts.append("\(rate) Hz") }
            if let layout = s.channelLayout ?? s.channels.map({ "\($0) channel\($0 == 1 ? "" : "s")" }) { parts.append(layout) }
            if let language = s.language { parts.append("language \(language)") }
            lines.append(parts.joined(separator: ", "))
        }
        if let l = loudness {
            lines.append(String(format: "  loudness: %.1f LUFS integrated, true peak %.1f dBTP (stream %d)",
                                l.integrated, l.truePeak, l.stream))
        } else {
            lines.append("  loudness: no sound")
        }
        lines.append("  captions: " + (captions.isEmpty ? "none"
            : captions.map { "stream \($0.stream) \($0.codec)" + ($0.language.map { " (\($0))" } ?? "") }.joined(separator: ", ")))
        for (key, value) in tags.sorted(by: { $0.key < $1.key }) { lines.append("  tag \(key): \(value)") }
        return lines.map(VisibleText.escaped).joined(separator: "\n")
    }
}
