import CFFmpeg
import Foundation
import ProvokeSystem

/// The identity of a file's picture as coded, from its video stream's packets as `av_read_frame` gives them:
/// re-muxing without re-encoding (`ffmpeg -i a.mp4 -c copy b.mp4`, or stripping the tags) keeps every packet's
/// bytes and keyframe flag, so it survives while the file's own SHA-256 does not.
///
/// It is the SHA-256 of the list of each run's digest, a run being a keyframe and the packets up to the next
/// one (each packet's size, then its bytes). Runs never cross a joined piece (each starts with an IDR frame), so
/// a render hashes the footage every edition shares once and only each edition's own pieces again
/// (`PacketFingerprint.add(runs:)`), while a copy is hashed packet by packet (`sha256(ofFileAt:)`): the same value.
public struct PacketFingerprint {
    private var runs: [String] = []
    private var current: SHA256?

    public init() {}

    /// The next packet of the stream, in file order.
    public mutating func add(_ packet: Packet) {
        if packet.isKeyframe || current == nil { closeRun(); current = SHA256() }
        let size = packet.size
        current!.update("\(size)\n")
        if let data = packet.pointer.pointee.data, size > 0 {
            current!.update(Data(bytesNoCopy: data, count: size, deallocator: .none))
        }
    }

    /// Runs hashed before (a piece's, by `runDigests` of an earlier fingerprint), in place of their packets.
    public mutating func add(runs digests: [String]) {
        closeRun()
        runs += digests
    }

    /// The digests of the runs so far (a piece's, to reuse for the next file that joins it).
    public mutating func runDigests() -> [String] {
        closeRun()
        return runs
    }

    public mutating func finish() -> String {
        closeRun()
        return SHA256.hex(runs.joined(separator: "\n"))
    }

    private mutating func closeRun() {
        if let run = current { runs.append(run.finalHex()) }
        current = nil
    }
}

public enum VideoPackets {
    /// The `PacketFingerprint` of the file's (first) video stream.
    public static func sha256(ofFileAt path: String) throws -> String {
        let input = try InputFile(path: path)
        guard let video = input.bestStream(.video) else {
            throw FFmpegError(call: "av_find_best_stream", file: path, reason: "no video stream")
        }
        input.select(streams: [video.index])
        var fingerprint = PacketFingerprint()
        let packet = Packet()
        while try input.read(into: packet) == .packet {
            if packet.streamIndex == video.index { fingerprint.add(packet) }
        }
        return fingerprint.finish()
    }
}
