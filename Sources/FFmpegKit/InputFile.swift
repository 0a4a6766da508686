import CFFmpeg
import ProvokeSystem

/// What a stream of an input file holds, copied out of FFmpeg's structs so it outlives them.
public struct StreamInfo: Sendable {
    public enum Kind: Sendable { case video, audio, subtitle, other }
    public var index: Int
    public var kind: Kind
    public var codecName: String
    public var timeBase: Rational
    /// Start and duration in the stream's time base; nil when the container does not say.
    public var startTime: Int64?
    public var duration: Int64?
    public var frameCount: Int64?
    // Video
    public var width: Int
    public var height: Int
    public var pixelFormat: String
    public var averageFrameRate: Rational
    public var sampleAspectRatio: Rational
    /// Rotation from the stream's display matrix (degrees counter-clockwise), 0 when none.
    public var rotation: Int
    // Audio
    public var sampleRate: Int
    public var channels: Int
    /// The channel layout as FFmpeg names it ("stereo", "mono", "5.1(side)"); empty for other streams.
    public var channelLayout: String = ""
    /// The stream's metadata tags (`language`, `title`, `handler_name`…).
    public var tags: [String: String] = [:]
}

/// An open media file for reading (demuxer). Closed with avformat_close_input in deinit.
public final class InputFile {
    public let path: String
    let context: UnsafeMutablePointer<AVFormatContext>
    public let streams: [StreamInfo]

    /// Refuses anything but a regular file before FFmpeg opens it: it would wait forever on a named pipe.
    /// - Parameter probing: read some packets to learn what the container does not say (codec details,
    ///   frame rates); without it only the header is read, enough for its index (`keyframeMicroseconds`).
    public init(path: String, probing: Bool = true) throws {
        self.path = path
        do {
            try InputFiles.requireRegularIfPresent(path)
        } catch {
            throw FFmpegError(call: "open", file: path, reason: error.message)
        }
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        try check("avformat_open_input", avformat_open_input(&ctx, path, nil, nil), file: path)
        guard let ctx else { throw FFmpegError(call: "avformat_open_input", file: path, reason: "could not open") }
        context = ctx
        do {
            if probing { try check("avformat_find_stream_info", avformat_find_stream_info(ctx, nil), file: path) }
        } catch {
            var c: UnsafeMutablePointer<AVFormatContext>? = ctx
            avformat_close_input(&c)
            throw error
        }
        var infos: [StreamInfo] = []
        for i in 0..<Int(ctx.pointee.nb_streams) {
            infos.append(InputFile.describe(ctx.pointee.streams[i]!))
        }
        streams = infos
    }

    deinit {
        var c: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&c)
    }

    /// The container's duration in microseconds (AV_TIME_BASE), nil when unknown.
    public var durationMicroseconds: Int64? {
        let d = context.pointee.duration
        return d == AV_NOPTS || d <= 0 ? nil : d
    }

    /// True when the container's duration is a guess from its bit rate (MPEG-TS, raw streams), not read from an
    /// index or from timestamps.
    public var durationIsEstimated: Bool {
        context.pointee.duration_estimation_method == AVFMT_DURATION_FROM_BITRATE
    }

    /// The container's start time in microseconds: what players show as 0. 0 when unknown.
    public var startMicroseconds: Int64 {
        let s = context.pointee.start_time
        return s == AV_NOPTS ? 0 : s
    }

    public var formatName: String { String(cString: context.pointee.iformat.pointee.name) }

    /// The container's metadata tags (title, comment, custom keys).
    public var tags: [String: String] { readDictionary(context.pointee.metadata) }

    /// The best stream of a kind, as FFmpeg would choose it.
    public func bestStream(_ kind: StreamInfo.Kind) -> StreamInfo? {
        let type: AVMediaType = kind == .video ? AVMEDIA_TYPE_VIDEO : kind == .audio ? AVMEDIA_TYPE_AUDIO : AVMEDIA_TYPE_SUBTITLE
        let i = av_find_best_stream(context, type, -1, -1, nil, 0)
        return i >= 0 ? streams[Int(i)] : nil
    }

    /// Seeks so that the next packets start at the keyframe at or before `timestamp` (in the stream's
    /// time base) of stream `streamIndex`. Never decodes from the start to reach a late point.
    public func seek(stream streamIndex: Int, toKeyframeAtOrBefore timestamp: Int64) throws {
        try check("avformat_seek_file",
                  avformat_seek_file(context, Int32(streamIndex), Int64.min, timestamp, timestamp, 0), file: path)
    }

    /// Only the listed streams' packets are read; the others are discarded by the demuxer.
    public func select(streams wanted: Set<Int>) {
        for i in 0..<Int(context.pointee.nb_streams) {
            context.pointee.streams[i]!.pointee.discard = wanted.contains(i) ? AVDISCARD_DEFAULT : AVDISCARD_ALL
        }
    }

    public enum ReadResult { case packet, endOfFile }

    /// Reads the next packet into `packet` (which is unreferenced first).
    public func read(into packet: Packet) throws -> ReadResult {
        packet.unref()
        let r = av_read_frame(context, packet.pointer)
        if r == AVERROR_EOF_ { return .endOfFile }
        try check("av_read_frame", r, file: path)
        return .packet
    }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> { context.pointee.streams[index]! }

    /// The times of stream `index`'s keyframes that the container's index lists (MP4's sync samples, read at
    /// open), in microseconds from the file's start time (what players show as 0), in order. Empty when the
    /// container keeps no index (then nothing is known without reading the packets).
    public func keyframeMicroseconds(_ index: Int) -> [Int64] {
        let st = stream(index)
        let tb = Rational(st.pointee.time_base), origin = startMicroseconds
        var times: [Int64] = []
        for i in 0..<avformat_index_get_entries_count(st) {
            guard let entry = avformat_index_get_entry(st, i), entry.pointee.flags & AVINDEX_KEYFRAME != 0 else { continue }
            times.append(rescale(entry.pointee.timestamp, from: tb, to: Rational(1, 1_000_000)) - origin)
        }
        return times.sorted()
    }

    /// Stream `index`'s codec-level setup (for H.264, the SPS and PPS of its `avcC`): two streams whose bytes
    /// here are equal can be joined by stream copy.
    public func extradata(_ index: Int) -> [UInt8] {
        let par = stream(index).pointee.codecpar.pointee
        guard let data = par.extradata, par.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(par.extradata_size)))
    }

    static func describe(_ s: UnsafeMutablePointer<AVStream>) -> StreamInfo {
        let par = s.pointee.codecpar.pointee
        let kind: StreamInfo.Kind
        switch par.codec_type {
        case AVMEDIA_TYPE_VIDEO: kind = .video
        case AVMEDIA_TYPE_AUDIO: kind = .audio
        case AVMEDIA_TYPE_SUBTITLE: kind = .subtitle
        default: kind = .other
        }
        var rotation = 0
        var sdSize: Int = 0
        if let sd = av_stream_get_side_data(s, AV_PKT_DATA_DISPLAYMATRIX, &sdSize), sdSize >= 36 {
            let angle = sd.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
            if !angle.isNaN { rotation = ((Int(angle.rounded()) % 360) + 360) % 360 }
        }
        let pixName = kind == .video ? av_get_pix_fmt_name(AVPixelFormat(rawValue: par.format)).map { String(cString: $0) } ?? "none" : ""
        return StreamInfo(
            index: Int(s.pointee.index), kind: kind,
            codecName: String(cString: avcodec_get_name(par.codec_id)),
            timeBase: Rational(s.pointee.time_base),
            startTime: s.pointee.start_time == AV_NOPTS ? nil : s.pointee.start_time,
            duration: s.pointee.duration == AV_NOPTS ? nil : s.pointee.duration,
            frameCount: s.pointee.nb_frames > 0 ? s.pointee.nb_frames : nil,
            width: Int(par.width), height: Int(par.height), pixelFormat: pixName,
            averageFrameRate: Rational(s.pointee.avg_frame_rate),
            sampleAspectRatio: Rational(par.sample_aspect_ratio),
            rotation: rotation,
            sampleRate: Int(par.sample_rate), channels: Int(par.ch_layout.nb_channels),
            channelLayout: kind == .audio ? layoutName(s.pointee.codecpar) : "",
            tags: readDictionary(s.pointee.metadata))
    }

    private static func layoutName(_ par: UnsafeMutablePointer<AVCodecParameters>) -> String {
        // A stream that only counts its channels ("1 channels") has no layout to name.
        guard par.pointee.ch_layout.order != AV_CHANNEL_ORDER_UNSPEC else { return "" }
        var name = [CChar](repeating: 0, count: 64)
        guard av_channel_layout_describe(&par.pointee.ch_layout, &name, name.count) >= 0 else { return "" }
        return String(cString: name)
    }
}

func readDictionary(_ dict: OpaquePointer?) -> [String: String] {
    var out: [String: String] = [:]
    var entry: UnsafeMutablePointer<AVDictionaryEntry>? = nil
    while let e = av_dict_get(dict, "", entry, AV_DICT_IGNORE_SUFFIX) {
        out[String(cString: e.pointee.key)] = String(cString: e.pointee.value)
        entry = e
    }
    return out
}
