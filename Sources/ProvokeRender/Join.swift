import FFmpegKit
import Foundation
import ProvokeCaptions
import ProvokeSystem
import ProvokeTimeline

/// Makes an output's MP4 from its cache entries by stream copy: the pieces' H.264 one after another (each
/// moved to its place in the output), the sound track as it is, and the soft captions encoded here (a
/// mov_text track is a few hundred bytes). Nothing is decoded or encoded again.
///
/// Packets go to the muxer in time order across the three streams, so it holds back almost nothing.
struct Joiner {
    let plan: OutputPlan
    let pieces: [(piece: Piece, path: String)]
    let soundPath: String
    /// With a personal edition's plan: the pieces' packet digests, shared by the batch's joins, so what every
    /// edition shows is hashed once (see `PacketFingerprint`).
    var digests: PieceDigests?

    /// Writes the streams; returns the video packets' fingerprint when `digests` is given.
    @discardableResult
    func write(_ file: OutputFile) throws -> String? {
        var fingerprint = PacketFingerprint()
        let inputs = try pieces.map { try InputFile(path: $0.path) }
        guard let first = inputs.first, let videoInfo = first.bestStream(.video) else {
            throw RenderError(output: plan.output, message: "\(plan.output): nothing to join", isInputProblem: false)
        }
        // Pieces join by copy only if their decoder setup is the same (x264's SPS and PPS, from the same settings).
        let setup = first.extradata(videoInfo.index)
        for (input, entry) in zip(inputs, pieces) where input.extradata(input.bestStream(.video)?.index ?? 0) != setup {
            throw RenderError(output: plan.output, message: "\(entry.path): this piece was encoded with other settings "
                              + "and cannot be joined; remove it from the cache", isInputProblem: false)
        }
        let sound = try InputFile(path: soundPath)
        guard let soundInfo = sound.bestStream(.audio) else {
            throw RenderError(output: plan.output, message: "\(soundPath): no sound in the sound track", isInputProblem: false)
        }
        let video = try file.addCopy(of: videoInfo.index, from: first)
        let audio = try file.addCopy(of: soundInfo.index, from: sound)
        let captions = plan.captions
        var subtitles: (stream: Int, cues: ArraySlice<Cue>)?
        if captions.hasSoftCaptions {
            let format = plan.format
            let header = ASSDocument(frameWidth: format.width, frameHeight: format.height, textHeight: format.textHeight, cues: [], style: captions.style).text
            // One sample shows at a time, so overlapping cues are merged into stretches showing every caption on
            // screen; its header's first style (the caption style) becomes the track's default look.
            subtitles = (try file.addSubtitle(SubtitleEncoderSettings(assHeader: header, language: "eng")),
                         sequentialCues(captions.outputCues)[...])
        }
        try file.start()

        let soundPacket = Packet()
        var soundPending = try sound.read(into: soundPacket) == .packet
        /// Sound packets and captions that start at or before `seconds` (a fraction) go in first.
        func catchUp(to time: (Int64, Rational)?) throws {
            while soundPending, time.map({ before(soundPacket.dts ?? 0, soundInfo.timeBase, $0.0, $0.1) }) ?? true {
                if soundPacket.streamIndex == soundInfo.index { try file.write(soundPacket, stream: audio) }
                soundPending = try sound.read(into: soundPacket) == .packet
            }
            while let s = subtitles, let cue = s.cues.first,
                  time.map({ before(cue.start, Rational(1, 1000), $0.0, $0.1) }) ?? true {
                // Every caption gets the header's caption style: FFmpeg 5.1's mov_text encoder compares each
                // caption's style with the track's default, and for one it cannot find writes the first caption
                // with a zeroed style record (font size 0, transparent text).
                try file.writeSubtitle(event: SubtitleText.assEvent(cue.text, style: ASSDocument.captionStyleName),
                                       startMilliseconds: cue.start, durationMilliseconds: cue.end - cue.start,
                                       stream: s.stream)
                subtitles = (s.stream, s.cues.dropFirst())
            }
        }

        let packet = Packet()
        for (input, entry) in zip(inputs, pieces) {
            guard let info = input.bestStream(.video) else { continue }
            input.select(streams: [info.index])
            let offset = rescale(Int64(entry.piece.frames.start), from: Rational(1, Int32(plan.format.fps)), to: info.timeBase)
            var count = 0
            let known = digests?.runs(of: entry.path)
            var own = PacketFingerprint()
            while try input.read(into: packet) == .packet {
                guard packet.streamIndex == info.index else { continue }
                if digests != nil && known == nil { own.add(packet) }
                try catchUp(to: ((packet.dts ?? 0) + offset, info.timeBase))
                try file.write(packet, stream: video, offset: offset)
                count += 1
            }
            guard count == entry.piece.frames.count else {
                throw RenderError(output: plan.output, message: "\(entry.path): \(count) frames where the piece has "
                                  + "\(entry.piece.frames.count); remove it from the cache", isInputProblem: false)
            }
            if let digests {
                let runs = known ?? own.runDigests()
                if known == nil { digests.store(runs, of: entry.path) }
                fingerprint.add(runs: runs)
            }
        }
        try catchUp(to: nil)
        return digests == nil ? nil : fingerprint.finish()
    }

    /// Is `a` in time base `ta` at or before `b` in time base `tb`? Exact.
    private func before(_ a: Int64, _ ta: Rational, _ b: Int64, _ tb: Rational) -> Bool {
        Int128(a) * Int128(ta.num) * Int128(tb.den) <= Int128(b) * Int128(tb.num) * Int128(ta.den)
    }
}

/// Each joined piece's packet-run digests, by the piece's cache path, for the joins of one batch.
final class PieceDigests: @unchecked Sendable {  // `known` is guarded by `lock`
    private let lock = NSLock()
    private var known: [String: [String]] = [:]
    func runs(of path: String) -> [String]? { lock.lock(); defer { lock.unlock() }; return known[path] }
    func store(_ runs: [String], of path: String) { lock.lock(); known[path] = runs; lock.unlock() }
}
