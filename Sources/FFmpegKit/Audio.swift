import CFFmpeg

/// Converts decoded audio of any rate, layout and sample format to planar float at one rate and
/// channel count (libswresample). Mono is spread to both channels; surround is downmixed.
public final class Resampler {
    let context: OpaquePointer
    public let outputRate: Int
    public let outputChannels: Int
    private let inputRate: Int

    public init(inputRate: Int, inputChannels: Int, inputFormat: Int32, outputRate: Int, outputChannels: Int) throws {
        var inLayout = AVChannelLayout()
        var outLayout = AVChannelLayout()
        av_channel_layout_default(&inLayout, Int32(inputChannels))
        av_channel_layout_default(&outLayout, Int32(outputChannels))
        defer { av_channel_layout_uninit(&inLayout); av_channel_layout_uninit(&outLayout) }
        var ctx: OpaquePointer? = nil
        try check("swr_alloc_set_opts2", swr_alloc_set_opts2(&ctx, &outLayout, AV_SAMPLE_FMT_FLTP, Int32(outputRate),
                                                           &inLayout, AVSampleFormat(rawValue: inputFormat), Int32(inputRate), 0, nil))
        context = ctx!
        self.outputRate = outputRate
        self.outputChannels = outputChannels
        self.inputRate = inputRate
        try check("swr_init", swr_init(context))
    }

    deinit {
        var c: OpaquePointer? = context
        swr_free(&c)
    }

    /// Converts `frame` (nil flushes what the resampler holds) and appends the result to `fifo`.
    public func convert(_ frame: Frame?, into fifo: AudioFifo) throws {
        let inSamples = frame?.sampleCount ?? 0
        let capacity = Int(swr_get_out_samples(context, Int32(inSamples))) + 32
        if capacity <= 0 { return }
        let out = try Frame.audio(samples: capacity, sampleRate: outputRate, channels: outputChannels)
        let produced: Int32 = try out.pointer.pointee.extended_data.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: outputChannels) { dst in
            if let frame {
                let input = UnsafeMutableRawPointer(frame.pointer.pointee.extended_data!)
                    .assumingMemoryBound(to: UnsafePointer<UInt8>?.self)
                return try check("swr_convert", swr_convert(context, dst, Int32(capacity), input, Int32(inSamples)))
            }
            return try check("swr_convert(flush)", swr_convert(context, dst, Int32(capacity), nil, 0))
        }
        if produced > 0 { try fifo.write(out, count: Int(produced)) }
    }
}

/// A first-in first-out buffer of planar float samples (AVAudioFifo), for cutting audio into the
/// encoder's frame size and trimming to exact sample counts.
public final class AudioFifo {
    let fifo: OpaquePointer
    public let channels: Int

    public init(channels: Int) {
        guard let f = av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, Int32(channels), 4096) else {
            fatalError("av_audio_fifo_alloc: out of memory")
        }
        fifo = f
        self.channels = channels
    }
    deinit { av_audio_fifo_free(fifo) }

    public var count: Int { Int(av_audio_fifo_size(fifo)) }

    public func write(_ frame: Frame, count: Int) throws {
        let r = frame.pointer.pointee.extended_data.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: channels) {
            av_audio_fifo_write(fifo, $0, Int32(count))
        }
        try check("av_audio_fifo_write", r)
    }

    /// Appends `count` samples of silence.
    public func writeSilence(_ count: Int) throws {
        var left = count
        while left > 0 {
            let n = min(left, 4096)
            let f = try Frame.audio(samples: n, sampleRate: 48_000, channels: channels)
            for ch in 0..<channels { f.withPlane(ch) { p, _ in p.update(repeating: 0, count: n * 4) } }
            try write(f, count: n)
            left -= n
        }
    }

    /// Drops up to `count` samples from the front.
    public func drop(_ count: Int) throws {
        try check("av_audio_fifo_drain", av_audio_fifo_drain(fifo, Int32(min(count, self.count))))
    }

    /// Reads `count` samples (or fewer, if fewer are held) into a new frame at `sampleRate`.
    public func read(_ count: Int, sampleRate: Int) throws -> Frame {
        let n = min(count, self.count)
        let f = try Frame.audio(samples: n, sampleRate: sampleRate, channels: channels)
        let r = f.pointer.pointee.extended_data.withMemoryRebound(to: UnsafeMutableRawPointer?.self, capacity: channels) {
            av_audio_fifo_read(fifo, $0, Int32(n))
        }
        try check("av_audio_fifo_read", r)
        return f
    }
}
