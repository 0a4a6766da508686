import CFFmpeg
import Foundation
import ProvokeSystem

/// The identity of a file's picture as coded: the SHA-256 of its video stream's packets, in file order, read with
/// `av_read_frame`. Re-muxing without re-encoding (`ffmpeg -i a.mp4 -c copy b.mp4`, or stripping the tags) keeps
/// every packet's bytes, so the hash survives while the file's own SHA-256 does not. Each packet's size goes in
/// before its bytes, so packets split differently never hash alike.
public enum VideoPackets {
    public static func sha256(ofFileAt path: String) throws -> String {
        let input = try InputFile(path: path)
        guard let video = input.bestStream(.video) else {
            throw FFmpegError(call: "av_find_best_stream", file: path, reason: "no video stream")
        }
        input.select(streams: [video.index])
        var hasher = SHA256()
        let packet = Packet()
        while try input.read(into: packet) == .packet {
            guard packet.streamIndex == video.index else { continue }
            let size = packet.size
            hasher.update("\(size)\n")
            if let data = packet.pointer.pointee.data, size > 0 {
                hasher.update(Data(bytesNoCopy: data, count: size, deallocator: .none))
            }
        }
        return hasher.finalHex()
    }
}
