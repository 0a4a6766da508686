import FFmpegKit
import ProvokeTimeline

/// The encode + mux end of the pipeline for one output: takes normalised video frames in output
/// order and audio samples as one continuous track, and cuts the audio into the encoder's frame size.
/// Audio is encoded once over the whole timeline: segment lengths are not whole AAC frames, so
/// encoding it per segment would break sample-exact cuts.
final class EncodeSink {
    let file: OutputFile
    let videoStream: Int
    let audioStream: Int
    let format: OutputFormat
    /// Samples waiting for a full AAC frame.
    let audio: AudioFifo
    private(set) var audioSamplesEncoded = 0
    private(set) var videoFramesEncoded = 0
    private let audioFrameSize: Int

    init(file: OutputFile, videoStream: Int, audioStream: Int, format: OutputFormat) {
        self.file = file
        self.videoStream = videoStream
        self.audioStream = audioStream
        self.format = format
        self.audio = AudioFifo(channels: format.channels)
        self.audioFrameSize = max(file.encoder(audioStream).frameSize, 1024)
    }

    /// Encodes a normalised frame; `frame.pts` must be its output frame number.
    func encodeVideo(_ frame: Frame, keyframe: Bool) throws {
        frame.setEncoderKeyframe(keyframe)
        try file.encode(frame, stream: videoStream)
        videoFramesEncoded += 1
    }

    /// Moves `count` samples from a segment's FIFO onto the track and encodes every full AAC frame.
    func appendAudio(from fifo: AudioFifo, count: Int) throws {
        if count > 0 {
            let chunk = try fifo.read(count, sampleRate: format.sampleRate)
            try audio.write(chunk, count: chunk.sampleCount)
        }
        try encodeAudio(flushPartial: false)
    }

    func appendSilence(_ count: Int) throws {
        try audio.writeSilence(count)
        try encodeAudio(flushPartial: false)
    }

    /// Pads or checks the track to exactly `totalSamples` and encodes what is left, including a short last frame.
    func finishAudio(totalSamples: Int) throws {
        let missing = totalSamples - audioSamplesEncoded - audio.count
        if missing > 0 { try audio.writeSilence(missing) }
        try encodeAudio(flushPartial: true)
    }

    private func encodeAudio(flushPartial: Bool) throws {
        while audio.count >= audioFrameSize || (flushPartial && audio.count > 0) {
            let frame = try audio.read(audioFrameSize, sampleRate: format.sampleRate)
            frame.pts = Int64(audioSamplesEncoded)
            audioSamplesEncoded += frame.sampleCount
            try file.encode(frame, stream: audioStream)
        }
    }
}
