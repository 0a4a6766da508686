import CFFmpeg
import Foundation
import ProvokeSystem

/// The SHA-256 of a file's bytes as lowercase hex, computed with libavutil's av_sha while streaming
/// the file in 1 MiB blocks (memory stays flat for any size).
public func sha256Hex(ofFileAt path: String) throws -> String {
    do {
        try InputFiles.requireRegularIfPresent(path)
    } catch {
        throw FFmpegError(call: "open", file: path, reason: error.message)
    }
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw FFmpegError(call: "open", file: path, reason: "cannot open for reading")
    }
    defer { try? handle.close() }
    guard let ctx = av_sha_alloc() else { fatalError("av_sha_alloc: out of memory") }
    defer { av_free(UnsafeMutableRawPointer(ctx)) }
    try check("av_sha_init", av_sha_init(ctx, 256))
    while true {
        let block = try handle.read(upToCount: 1 << 20) ?? Data()
        if block.isEmpty { break }
        block.withUnsafeBytes { raw in
            av_sha_update(ctx, raw.bindMemory(to: UInt8.self).baseAddress, raw.count)
        }
    }
    var digest = [UInt8](repeating: 0, count: 32)
    av_sha_final(ctx, &digest)
    return digest.map { String(format: "%02x", $0) }.joined()
}
