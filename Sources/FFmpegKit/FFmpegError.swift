// FFmpegKit: the only module that touches FFmpeg's C API (CFFmpeg). Every raw pointer is owned by
// a small final class that frees it in deinit; every negative return code becomes an FFmpegError
// naming the call, the file it concerned and av_strerror's text. EAGAIN and EOF are states that the
// read/receive calls return as enum cases, never errors.
import CFFmpeg

/// A failed FFmpeg call: which call, on which file (if any), the code and FFmpeg's own words for it.
public struct FFmpegError: Error, CustomStringConvertible, Sendable {
    public var call: String
    public var code: Int32
    public var file: String?
    public var reason: String

    public init(call: String, code: Int32, file: String? = nil) {
        self.call = call
        self.code = code
        self.file = file
        self.reason = FFmpegError.text(for: code)
    }

    /// An error that FFmpeg did not return but that we detect around its calls (no stream, bad state).
    public init(call: String, file: String? = nil, reason: String) {
        self.call = call
        self.code = -1
        self.file = file
        self.reason = reason
    }

    public var description: String {
        let place = file.map { "\($0): " } ?? ""
        return "\(place)\(reason) (\(call))"
    }

    /// True for the codes that mean "the data is damaged or cut short", as opposed to a programming or system error.
    public var isInvalidData: Bool { code == provoke_averror_invaliddata() || code == provoke_averror_eof() }

    static func text(for code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        if av_strerror(code, &buffer, buffer.count) < 0 { return "error \(code)" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Checks an FFmpeg return code: negative codes throw, others are returned (some calls return counts).
@discardableResult
@inline(__always)
func check(_ call: String, _ code: Int32, file: String? = nil) throws -> Int32 {
    if code < 0 { throw FFmpegError(call: call, code: code, file: file) }
    return code
}

let AVERROR_EAGAIN_ = provoke_averror_eagain()
let AVERROR_EOF_ = provoke_averror_eof()
let AV_NOPTS = provoke_av_nopts_value()

/// FFmpeg logs to stderr by default; a command-line tool that reports its own errors wants only real
/// warnings from the libraries, not their chatter.
public enum FFmpegLog {
    public static func setQuiet(_ quiet: Bool = true) {
        av_log_set_level(quiet ? AV_LOG_ERROR : AV_LOG_WARNING)
    }

    /// Nothing at all: for `probe`, which reads damaged files on purpose and says itself what is wrong with each
    /// (the demuxer's "partial file" and the parser's complaints would only repeat it, less clearly).
    public static func setSilent() { av_log_set_level(AV_LOG_QUIET) }
}
