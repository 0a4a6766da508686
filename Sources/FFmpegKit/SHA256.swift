import CFFmpeg
import Foundation
import ProvokeSystem

/// SHA-256 over any bytes fed to it, with libavutil's av_sha (already linked; Foundation on Linux has none).
public final class SHA256 {
    private let context: OpaquePointer

    public init() {
        guard let ctx = av_sha_alloc() else { fatalError("av_sha_alloc: out of memory") }
        context = ctx
        // av_sha_init fails only for a bit length it does not know; 256 it knows.
        _ = av_sha_init(ctx, 256)
    }

    deinit { av_free(UnsafeMutableRawPointer(context)) }

    public func update(_ data: Data) {
        data.withUnsafeBytes { raw in
            av_sha_update(context, raw.bindMemory(to: UInt8.self).baseAddress, raw.count)
        }
    }

    public func update(_ text: String) { update(Data(text.utf8)) }

    /// The digest as lowercase hex; the hasher is spent after this.
    public func finalHex() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        av_sha_final(context, &digest)
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// The SHA-256 of `text`'s UTF-8 bytes, as lowercase hex.
    public static func hex(_ text: String) -> String {
        let h = SHA256()
        h.update(text)
        return h.finalHex()
    }
}

/// The SHA-256 of a file's bytes as lowercase hex, read in 1 MiB blocks (memory stays flat for any size).
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
    let hasher = SHA256()
    while true {
        let block = try handle.read(upToCount: 1 << 20) ?? Data()
        if block.isEmpty { break }
        hasher.update(block)
    }
    return hasher.finalHex()
}
