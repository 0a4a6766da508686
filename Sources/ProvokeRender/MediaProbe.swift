import FFmpegKit
import Foundation
import ProvokeManifest

/// The validator's view of a source recording, read with libavformat (headers and stream info only;
/// nothing is decoded beyond what avformat_find_stream_info needs).
public struct FFmpegSourceProbe: SourceProbe {
    public init() {}

    public func probe(_ url: URL) throws -> SourceMediaInfo {
        let input: InputFile
        do {
            input = try InputFile(path: url.path)
        } catch let e as FFmpegError {
            throw ProbeError(message: e.isInvalidData
                ? "not a media file that FFmpeg can read, or cut short (\(e.reason))"
                : "cannot open: \(e.reason)")
        }
        guard let video = input.bestStream(.video) else {
            throw ProbeError(message: "has no video stream (format \(input.formatName))")
        }
        var duration = input.durationMicroseconds
        if duration == nil, let d = video.duration {
            duration = rescale(d, from: video.timeBase, to: Rational(1, 1_000_000))
        }
        guard let duration else { throw ProbeError(message: "its duration is unknown (format \(input.formatName))") }
        return SourceMediaInfo(duration: SourceTime(microseconds: duration), hasVideo: true,
                               hasAudio: input.bestStream(.audio) != nil)
    }
}

public struct ProbeError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
