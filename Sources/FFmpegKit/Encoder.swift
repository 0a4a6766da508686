import CFFmpeg

/// Settings of the H.264 video encoder (libx264).
public struct VideoEncoderSettings: Sendable {
    public var width: Int
    public var height: Int
    public var frameRate: Int
    public var preset: String = "veryfast"
    public var crf: Int = 23
    public var profile: String = "high"
    /// The encoded pixel format (FFmpeg's name). Profiles other than high suit other formats (high422 for yuv422p).
    public var pixelFormat: String = "yuv420p"
    /// Keyframe interval in frames; nil leaves x264's default (250).
    public var gop: Int? = nil
    /// Encoder threads; 0 lets x264 choose (about 1.5 per core).
    public var threads: Int32 = 0
    /// Extra private options (for example "x264-params"), applied as given.
    public var options: [(String, String)] = []
    public init(width: Int, height: Int, frameRate: Int) {
        self.width = width; self.height = height; self.frameRate = frameRate
    }
}

/// Settings of the AAC-LC audio encoder (FFmpeg's native aac).
public struct AudioEncoderSettings: Sendable {
    public var sampleRate: Int = 48_000
    public var channels: Int = 2
    public var bitRate: Int = 128_000
    public init() {}
}

/// Settings of a soft caption track: MP4's `mov_text` (3GPP timed text), which phones, browsers and
/// PowerPoint offer as captions.
public struct SubtitleEncoderSettings: Sendable {
    /// An ASS script header (`[Script Info]`, `[V4+ Styles]` with at least one style, `[Events]` format line).
    /// The mov_text encoder builds the track's sample description (default font, size, colour) from its first
    /// style, or from one named `Default`.
    public var assHeader: String
    /// ISO 639-2 language of the track ("eng").
    public var language: String
    public init(assHeader: String, language: String = "eng") {
        self.assHeader = assHeader; self.language = language
    }
}

/// An encoder whose packets go to one stream of an OutputFile.
public final class Encoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    let name: String

    /// Owns `context` from here on: freed in deinit, also when configuration below throws.
    init(context: UnsafeMutablePointer<AVCodecContext>, name: String) {
        self.context = context
        self.name = name
    }

    /// The time base of the frames it takes and the packets it makes (read after avcodec_open2,
    /// which may adjust it).
    public var timeBase: Rational { Rational(context.pointee.time_base) }

    deinit {
        var c: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&c)
    }

    /// Samples per audio frame the encoder wants (1024 for AAC); 0 for video.
    public var frameSize: Int { Int(context.pointee.frame_size) }

    static func video(_ s: VideoEncoderSettings, globalHeader: Bool) throws -> Encoder {
        guard let codec = avcodec_find_encoder_by_name("libx264") else {
            throw FFmpegError(call: "avcodec_find_encoder_by_name", reason: "libx264 is not available in this FFmpeg build")
        }
        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        let enc = Encoder(context: ctx, name: "libx264")
        ctx.pointee.width = Int32(s.width)
        ctx.pointee.height = Int32(s.height)
        ctx.pointee.pix_fmt = av_get_pix_fmt(s.pixelFormat)
        if ctx.pointee.pix_fmt == AV_PIX_FMT_NONE {
            throw FFmpegError(call: "av_get_pix_fmt", reason: "unknown pixel format \(s.pixelFormat)")
        }
        ctx.pointee.time_base = AVRational(num: 1, den: Int32(s.frameRate))
        ctx.pointee.framerate = AVRational(num: Int32(s.frameRate), den: 1)
        ctx.pointee.thread_count = s.threads
        ctx.pointee.sample_aspect_ratio = AVRational(num: 1, den: 1)
        if let gop = s.gop { ctx.pointee.gop_size = Int32(gop) }
        if globalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        var opts: OpaquePointer? = nil
        defer { av_dict_free(&opts) }
        av_dict_set(&opts, "preset", s.preset, 0)
        av_dict_set(&opts, "crf", String(s.crf), 0)
        av_dict_set(&opts, "profile", s.profile, 0)
        for (k, v) in s.options { av_dict_set(&opts, k, v, 0) }
        try check("avcodec_open2(libx264)", avcodec_open2(ctx, codec, &opts))
        return enc
    }

    static func audio(_ s: AudioEncoderSettings, globalHeader: Bool) throws -> Encoder {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_AAC) else {
            throw FFmpegError(call: "avcodec_find_encoder", reason: "the AAC encoder is not available")
        }
        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        let enc = Encoder(context: ctx, name: "aac")
        ctx.pointee.sample_fmt = AV_SAMPLE_FMT_FLTP
        ctx.pointee.sample_rate = Int32(s.sampleRate)
        av_channel_layout_default(&ctx.pointee.ch_layout, Int32(s.channels))
        ctx.pointee.bit_rate = Int64(s.bitRate)
        ctx.pointee.time_base = AVRational(num: 1, den: Int32(s.sampleRate))
        if globalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try check("avcodec_open2(aac)", avcodec_open2(ctx, codec, nil))
        return enc
    }

    static func subtitle(_ s: SubtitleEncoderSettings, globalHeader: Bool) throws -> Encoder {
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_MOV_TEXT) else {
            throw FFmpegError(call: "avcodec_find_encoder", reason: "the mov_text encoder is not available")
        }
        guard let ctx = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        let enc = Encoder(context: ctx, name: "mov_text")
        // Milliseconds: caption times are whole milliseconds.
        ctx.pointee.time_base = AVRational(num: 1, den: 1000)
        // FFmpeg 5.1's mov_text encoder refuses to open without an ASS header (movtextenc.c reads it with
        // ff_ass_split in init); ffmpeg's CLI passes the subtitle decoder's header. The context owns the copy:
        // avcodec_free_context frees subtitle_header, so it must come from av_malloc.
        let bytes = Array(s.assHeader.utf8)
        guard let header = av_mallocz(bytes.count + 1)?.assumingMemoryBound(to: UInt8.self) else {
            fatalError("av_mallocz: out of memory")
        }
        header.update(from: bytes, count: bytes.count)
        ctx.pointee.subtitle_header = header
        ctx.pointee.subtitle_header_size = Int32(bytes.count)
        if globalHeader { ctx.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER }
        try check("avcodec_open2(mov_text)", avcodec_open2(ctx, codec, nil))
        return enc
    }

    /// Encodes one caption (`AVSubtitle` with one ASS rect, shown for `durationMilliseconds` from its packet's
    /// pts) into the bytes of one packet; empty when the encoder made nothing (no text).
    /// `event` is an ASS event without its times, as FFmpeg 5.1's text subtitle encoders take them:
    /// `ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text`.
    func encodeSubtitle(event: String, durationMilliseconds: Int64) throws -> [UInt8] {
        var subtitle = AVSubtitle()
        subtitle.format = 1  // text
        // avcodec_encode_subtitle requires start_display_time 0: the packet's pts says when it starts.
        subtitle.start_display_time = 0
        subtitle.end_display_time = UInt32(clamping: durationMilliseconds)
        guard let rects = av_mallocz(MemoryLayout<UnsafeMutablePointer<AVSubtitleRect>?>.stride)?
                .assumingMemoryBound(to: UnsafeMutablePointer<AVSubtitleRect>?.self),
              let rect = av_mallocz(MemoryLayout<AVSubtitleRect>.stride)?.assumingMemoryBound(to: AVSubtitleRect.self)
        else { fatalError("av_mallocz: out of memory") }
        rect.pointee.type = SUBTITLE_ASS
        rect.pointee.ass = av_strdup(event)
        rects[0] = rect
        subtitle.rects = rects
        subtitle.num_rects = 1
        // Frees the rect, its text and the array (all from av_malloc above).
        defer { avsubtitle_free(&subtitle) }
        // A mov_text sample is a 16-bit length, the UTF-8 text and style boxes: the text's size plus a little.
        var buffer = [UInt8](repeating: 0, count: event.utf8.count * 2 + 1024)
        let size = try check("avcodec_encode_subtitle(\(name))",
                             avcodec_encode_subtitle(context, &buffer, Int32(buffer.count), &subtitle))
        return Array(buffer.prefix(Int(size)))
    }

    /// Sends a frame (nil flushes). The frame's pts must be in `timeBase`.
    func send(_ frame: Frame?) throws {
        let r = avcodec_send_frame(context, frame?.pointer)
        if r == AVERROR_EOF_ { return }
        try check("avcodec_send_frame(\(name))", r)
    }

    enum Output { case packet, needsInput, endOfStream }

    func receive(into packet: Packet) throws -> Output {
        let r = avcodec_receive_packet(context, packet.pointer)
        if r == AVERROR_EAGAIN_ { return .needsInput }
        if r == AVERROR_EOF_ { return .endOfStream }
        try check("avcodec_receive_packet(\(name))", r)
        return .packet
    }
}
