import FFmpegKit
import Foundation
import ProvokeManifest
import ProvokeTimeline

/// The validator's view of a source recording, read with libavformat (headers and stream info only;
/// nothing is decoded beyond what avformat_find_stream_info needs).
public struct FFmpegSourceProbe: SourceProbe {
    /// Also measure the sound's loudness, from a bounded sample (`validate` asks; render does not, so a re-run
    /// stays quick).
    public var measuresLoudness: Bool
    public init(measuresLoudness: Bool = false) { self.measuresLoudness = measuresLoudness }

    public func probe(_ url: URL) throws -> SourceMediaInfo {
        let input: InputFile
        do {
            input = try InputFile(path: url.path)
        } catch let e as FFmpegError {
            throw ProbeError(message: e.isInvalidData
                ? "not a media file that FFmpeg can read, or cut short (\(e.reason))"
                : "cannot open: \(e.reason)")
        }
        // What the file holds; the validator decides what is missing (a source needs video, a music bed sound).
        let video = input.bestStream(.video), audio = input.bestStream(.audio)
        var duration = input.durationMicroseconds
        for stream in [video, audio].compactMap({ $0 }) where duration == nil {
            if let d = stream.duration { duration = rescale(d, from: stream.timeBase, to: Rational(1, 1_000_000)) }
        }
        // A still image (a logo) has no duration: 0.
        let loudness = measuresLoudness && audio != nil ? (try? Levelling.sampled(input, audio!))?.integrated : nil
        return SourceMediaInfo(duration: SourceTime(microseconds: duration ?? 0), hasVideo: video != nil,
                               hasAudio: audio != nil, rotation: video?.rotation ?? 0, loudness: loudness)
    }
}

public struct ProbeError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public enum MediaProbe {
    /// The video frame rate of each source whose file opens, by source id: `plan` labels the source frames a
    /// clip shows with it. Sources that do not open, or whose rate the container does not say, are left out.
    public static func frameRates(of sources: [Source]) -> [String: FrameRate] {
        var rates: [String: FrameRate] = [:]
        for source in sources {
            guard let input = try? InputFile(path: source.url.path), let video = input.bestStream(.video) else { continue }
            let rate = video.averageFrameRate
            if rate.isValid, rate.num > 0, rate.den > 0 { rates[source.id] = FrameRate(Int64(rate.num), Int64(rate.den)) }
        }
        return rates
    }
}
