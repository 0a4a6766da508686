import FFmpegKit
import Foundation
import ProvokeTimeline

/// The encode + mux end of the pipeline for one output. Decoding and filtering run on the caller's
/// thread; encoding and muxing run on a worker thread fed through a short bounded queue, so the
/// decoder and x264 overlap (without it x264 waits for every decoded frame, and two cores stay half idle).
///
/// Audio is one continuous track: samples arrive per segment and are cut into the encoder's frame size
/// here. It is encoded once over the whole timeline because segment lengths are not whole AAC frames, so
/// encoding per segment would break sample-exact cuts.
///
/// Soft captions are known before rendering starts (they are in the plan). The worker writes each one just
/// before the first video frame at or after its start, so the muxer, which only this thread touches, gets every
/// stream's packets in time order; whatever is left goes in before the trailer.
final class EncodeSink: TimelineOutput, @unchecked Sendable {  // shared state is guarded by `lock`
    let file: OutputFile
    let videoStream: Int
    let audioStream: Int
    let format: OutputFormat
    /// The caption track and its cues in output time, in start order, never overlapping (touched only by the worker).
    private let subtitleStream: Int?
    private var subtitles: ArraySlice<SubtitleCue>
    /// Samples waiting for a full AAC frame (touched only by the producer's thread).
    private let audio: AudioFifo
    private var audioSamplesQueued = 0
    private let audioFrameSize: Int

    private enum Job {
        case video(Frame, keyframe: Bool)
        case audio(Frame)
        case finish
    }
    private let lock = NSCondition()
    private var jobs: [Job] = []
    private var failure: Error?
    private var workerDone = false
    private static let queueLimit = 8
    private var worker: Thread?

    /// One soft caption: milliseconds of output time, [start, end).
    struct SubtitleCue {
        var start: Int64
        var end: Int64
        /// The caption as an ASS event line (`SubtitleText.assEvent`).
        var event: String
    }

    init(file: OutputFile, videoStream: Int, audioStream: Int, format: OutputFormat,
         subtitles: (stream: Int, cues: [SubtitleCue])? = nil) {
        self.file = file
        self.videoStream = videoStream
        self.audioStream = audioStream
        self.format = format
        self.subtitleStream = subtitles?.stream
        self.subtitles = (subtitles?.cues ?? [])[...]
        self.audio = AudioFifo(channels: format.channels)
        self.audioFrameSize = max(file.encoder(audioStream).frameSize, 1024)
        let thread = Thread { [unowned self] in self.work() }
        thread.name = "provoke-encode"
        worker = thread
        thread.start()
    }


    /// Encodes a normalised frame; `frame.pts` must be its output frame number. Takes the frame's data
    /// (the caller's frame is left empty, ready for reuse).
    func encodeVideo(_ frame: Frame, keyframe: Bool) throws {
        let owned = Frame()
        owned.take(from: frame)
        try enqueue(.video(owned, keyframe: keyframe))
    }

    /// Appends a chunk of planar float samples (any length) to the track.
    func appendAudio(_ chunk: Frame) throws {
        if chunk.sampleCount > 0 { try audio.write(chunk, count: chunk.sampleCount) }
        try queueAudio(flushPartial: false)
    }

    /// Pads the track to exactly `totalSamples`, queues what is left (a short last frame included) and
    /// waits until everything is encoded and muxed.
    func finish(totalSamples: Int) throws {
        let missing = totalSamples - audioSamplesQueued - audio.count
        if missing > 0 { try audio.writeSilence(missing) }
        try queueAudio(flushPartial: true)
        try enqueue(.finish)
        lock.lock()
        while !workerDone { lock.wait() }
        let error = failure
        lock.unlock()
        if let error { throw error }
    }

    private func queueAudio(flushPartial: Bool) throws {
        while audio.count >= audioFrameSize || (flushPartial && audio.count > 0) {
            let frame = try audio.read(audioFrameSize, sampleRate: format.sampleRate)
            frame.pts = Int64(audioSamplesQueued)
            audioSamplesQueued += frame.sampleCount
            try enqueue(.audio(frame))
        }
    }

    private func enqueue(_ job: Job) throws {
        lock.lock()
        defer { lock.unlock() }
        while jobs.count >= EncodeSink.queueLimit && failure == nil && !workerDone { lock.wait() }
        if let failure { throw failure }
        jobs.append(job)
        lock.broadcast()
    }

    /// Stops the worker if it is still running (after an error or Ctrl-C), dropping what is queued; the
    /// unfinished OutputFile then deletes its temporary file when released. The worker holds the sink
    /// while it runs, so the owner must call this: deinit alone would never come.
    func stop() {
        lock.lock()
        if !workerDone {
            jobs = [.finish]
            failure = failure ?? RenderCancelled()
            lock.broadcast()
            while !workerDone { lock.wait() }
        }
        lock.unlock()
        // The worker is done with the file: an unfinished one goes now, not whenever the sink is released.
        file.discard()
    }

    /// Writes the captions that start at or before output frame `frame`'s time (all of them for nil).
    private func writeSubtitles(upToFrame frame: Int64?) throws {
        guard let stream = subtitleStream else { return }
        while let cue = subtitles.first,
              frame.map({ cue.start <= format.clock.milliseconds(ofFrame: Int($0)) }) ?? true {
            try file.writeSubtitle(event: cue.event, startMilliseconds: cue.start, durationMilliseconds: cue.end - cue.start,
                                   stream: stream)
            subtitles.removeFirst()
        }
    }

    private func work() {
        while true {
            lock.lock()
            while jobs.isEmpty { lock.wait() }
            let job = jobs.removeFirst()
            let abandoned = failure != nil
            lock.broadcast()
            lock.unlock()
            var error: Error?
            var last = false
            do {
                switch job {
                case let .video(frame, keyframe):
                    if !abandoned {
                        try writeSubtitles(upToFrame: frame.pts ?? 0)
                        frame.setEncoderKeyframe(keyframe)
                        try file.encode(frame, stream: videoStream)
                    }
                case let .audio(frame):
                    if !abandoned { try file.encode(frame, stream: audioStream) }
                case .finish:
                    last = true
                    if !abandoned {
                        try writeSubtitles(upToFrame: nil)
                        try file.finish()
                    }
                }
            } catch let e {
                error = e
            }
            lock.lock()
            if let error, failure == nil { failure = error }
            if last { workerDone = true }
            lock.broadcast()
            lock.unlock()
            if last { return }
        }
    }
}
