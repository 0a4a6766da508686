import FFmpegKit
import Foundation
import ProvokeSystem

/// What a copy of a video says about where it came from, for `provoke trace`: the SHA-256 of its bytes, of its
/// coded video packets (which re-muxing keeps), and its `recipient` and `edition` tags when they survived.
public struct CopyIdentity: Sendable {
    public var sha256: String
    /// Nil when the file has no video stream FFmpeg can read.
    public var videoPacketsSHA256: String?
    public var recipient: String?
    public var edition: String?

    public static func read(_ path: String) throws -> CopyIdentity {
        let sha = try SHA256.hex(ofFileAt: path)
        do {
            let tags = try InputFile(path: path).tags
            return CopyIdentity(sha256: sha, videoPacketsSHA256: try VideoPackets.sha256(ofFileAt: path),
                                recipient: tags["recipient"], edition: tags["edition"])
        } catch let e as FFmpegError {
            throw RenderError(output: path, message: e.description, isInputProblem: true)
        }
    }
}

extension RenderError {
    /// A problem with what was asked for, not with rendering (exit 1): for callers outside this module.
    public static func badInput(_ output: String, _ message: String) -> RenderError {
        RenderError(output: output, message: message, isInputProblem: true)
    }
}
