import CFFmpeg

/// A decoder for one stream of an InputFile. Keeps its input alive (it reads the stream's parameters).
public final class Decoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    public let stream: StreamInfo
    let input: InputFile

    /// - Parameter threads: decoding threads; 0 lets FFmpeg choose (frame threads for H.264, about one per core,
    ///   each holding its own frames). Where several decoders already run side by side, 1 saves their memory.
    public init(_ input: InputFile, stream index: Int, threads: Int32 = 0) throws {
        self.input = input
        self.stream = input.streams[index]
        let s = input.stream(index)
        guard let codec = avcodec_find_decoder(s.pointee.codecpar.pointee.codec_id) else {
            throw FFmpegError(call: "avcodec_find_decoder", file: input.path,
                              reason: "no decoder for \(stream.codecName)")
        }
        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        context = ctx
        try check("avcodec_parameters_to_context", avcodec_parameters_to_context(ctx, s.pointee.codecpar), file: input.path)
        ctx.pointee.pkt_timebase = s.pointee.time_base
        ctx.pointee.thread_count = threads
        try check("avcodec_open2", avcodec_open2(ctx, codec, nil), file: input.path)
    }

    deinit {
        var c: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&c)
    }

    /// Sends one packet; nil sends end-of-stream (flush). Invalid data in one packet is reported, not fatal
    /// to the caller's loop: the caller decides.
    public func send(_ packet: Packet?) throws {
        let r = avcodec_send_packet(context, packet?.pointer)
        if r == AVERROR_EAGAIN_ || r == AVERROR_EOF_ { return }
        try check("avcodec_send_packet", r, file: input.path)
    }

    public enum Output { case frame, needsInput, endOfStream }

    /// Receives the next decoded frame into `frame`.
    public func receive(into frame: Frame) throws -> Output {
        let r = avcodec_receive_frame(context, frame.pointer)
        if r == AVERROR_EAGAIN_ { return .needsInput }
        if r == AVERROR_EOF_ { return .endOfStream }
        try check("avcodec_receive_frame", r, file: input.path)
        return .frame
    }

    /// Forgets buffered frames (after a seek).
    public func flushBuffers() { avcodec_flush_buffers(context) }
}
