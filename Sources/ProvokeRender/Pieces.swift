import FFmpegKit
import Foundation
import ProvokeTimeline

/// Encodes one piece of an output (`Piece`) into its cache entry: its segments' frames (through the
/// TransitionMixer, so fades and crossfades are in it) into an MP4 of H.264 alone, timestamps from 0.
struct PieceEncoder {
    let plan: OutputPlan
    let piece: Piece
    let settings: VideoEncoderSettings
    /// Where caption and card scripts are written while the piece renders.
    let scratch: URL
    /// Video decoding threads per clip: 1 when other pieces are decoded side by side (they use the cores, and
    /// each frame thread would hold frames of its own), else FFmpeg's choice.
    let decoderThreads: Int32
    let isCancelled: () -> Bool

    func encode(to path: String, advanced: (Int) -> Void) throws {
        let file = try OutputFile(path: path, format: "mp4")
        let stream = try file.addVideo(settings)
        try file.start()
        let sink = PieceSink(file: file, stream: stream, start: piece.frames.start)
        let mixer = TransitionMixer(plan: plan, output: sink)
        let runner = SegmentRunner(plan: plan, scratch: scratch, isCancelled: isCancelled)
        runner.decoderThreads = decoderThreads
        do {
            for part in piece.parts {
                try runner.run(part.segment, into: mixer.lane(part.segment), part: .frames(part.frames), advanced: advanced)
            }
        } catch {
            file.discard()
            throw error
        }
        guard sink.frames == piece.frames.count else {
            file.discard()
            throw RenderError(output: plan.output, message: "piece at frame \(piece.frames.start) made \(sink.frames) frames "
                              + "instead of \(piece.frames.count)", isInputProblem: false)
        }
        try file.finish()
    }
}

/// Encodes the mixed frames of a piece, numbered from the piece's first frame.
final class PieceSink: TimelineOutput {
    let file: OutputFile
    let stream: Int
    let start: Int
    private(set) var frames = 0

    init(file: OutputFile, stream: Int, start: Int) {
        self.file = file; self.stream = stream; self.start = start
    }

    func encodeVideo(_ frame: Frame, keyframe: Bool) throws {
        frame.pts = (frame.pts ?? 0) - Int64(start)
        // x264 makes the first frame an IDR; later keyframe marks (a segment's first frame) are only hints here.
        frame.setEncoderKeyframe(false)
        try file.encode(frame, stream: stream)
        frames += 1
    }

    func appendAudio(_ chunk: Frame) throws {}
}

/// Encodes an output's whole sound track, one continuous AAC stream (its cache entry): every segment's sound
/// through the TransitionMixer, cut into the encoder's frame size here. Made once over the whole timeline
/// because segment lengths are not whole AAC frames: encoded per piece, the joins would click and drift.
struct SoundEncoder {
    let plan: OutputPlan
    let settings: AudioEncoderSettings
    let scratch: URL
    let isCancelled: () -> Bool

    /// - Parameters: levels, the clips' and music bed's gains, and master, the gain and limiter ceiling over the
    ///   mix (dB), for a normalised output (`Loudness.swift`); nil for the sound as recorded.
    func encode(to path: String, levels: SoundLevels? = nil, master: (gain: Double, ceiling: Double)? = nil) throws {
        let file = try OutputFile(path: path, format: "mp4")
        let stream = try file.addAudio(settings)
        try file.start()
        let sink = SoundSink(file: file, stream: stream, sampleRate: plan.format.sampleRate, channels: plan.format.channels)
        let limiter = try master.map {
            try LimiterStage(sink: sink, sampleRate: plan.format.sampleRate, channels: plan.format.channels,
                             gain: $0.gain, ceiling: $0.ceiling)
        }
        let mixer = TransitionMixer(plan: plan, output: limiter ?? sink)
        let runner = SegmentRunner(plan: plan, scratch: scratch, isCancelled: isCancelled)
        do {
            for (index, segment) in plan.segments.enumerated() {
                var lane = mixer.lane(index)
                let gain: Double?
                if case .card = segment.content { gain = levels?.musicGain } else { gain = levels?.clipGains[index] }
                if let gain, gain != 0 { lane = GainLane(lane, gain: gain, sampleRate: plan.format.sampleRate) }
                try runner.run(index, into: lane, part: .sound) { _ in }
            }
            try limiter?.finish()
            try sink.finish(totalSamples: plan.audioSampleCount)
        } catch {
            file.discard()
            throw error
        }
        try file.finish()
    }
}

final class SoundSink: TimelineOutput {
    let file: OutputFile
    let stream: Int
    let sampleRate: Int
    private let fifo: AudioFifo
    private let frameSize: Int
    private var queued = 0

    init(file: OutputFile, stream: Int, sampleRate: Int, channels: Int) {
        self.file = file; self.stream = stream; self.sampleRate = sampleRate
        fifo = AudioFifo(channels: channels)
        frameSize = max(file.encoder(stream).frameSize, 1024)
    }

    func encodeVideo(_ frame: Frame, keyframe: Bool) throws {}

    func appendAudio(_ chunk: Frame) throws {
        if chunk.sampleCount > 0 { try fifo.write(chunk, count: chunk.sampleCount) }
        try drain(partial: false)
    }

    /// Pads the track to exactly `totalSamples` and encodes what is left (a short last frame included).
    func finish(totalSamples: Int) throws {
        let missing = totalSamples - queued - fifo.count
        if missing > 0 { try fifo.writeSilence(missing) }
        try drain(partial: true)
    }

    private func drain(partial: Bool) throws {
        while fifo.count >= frameSize || (partial && fifo.count > 0) {
            let frame = try fifo.read(frameSize, sampleRate: sampleRate)
            frame.pts = Int64(queued)
            queued += frame.sampleCount
            try file.encode(frame, stream: stream)
        }
    }
}
