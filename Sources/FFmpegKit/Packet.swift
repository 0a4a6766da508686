import CFFmpeg

/// An exact rational number, FFmpeg's AVRational as a Swift value.
public struct Rational: Hashable, Sendable, CustomStringConvertible {
    public var num: Int32
    public var den: Int32
    public init(_ num: Int32, _ den: Int32) { self.num = num; self.den = den }
    init(_ r: AVRational) { num = r.num; den = r.den }
    var av: AVRational { AVRational(num: num, den: den) }
    public var description: String { "\(num)/\(den)" }
    public var isValid: Bool { num > 0 && den > 0 }
}

/// `value` from time base `from` to time base `to`, rounded to nearest (av_rescale_q).
public func rescale(_ value: Int64, from: Rational, to: Rational) -> Int64 {
    av_rescale_q(value, from.av, to.av)
}

/// An owned AVPacket.
public final class Packet {
    let pointer: UnsafeMutablePointer<AVPacket>

    public init() {
        guard let p = av_packet_alloc() else { fatalError("av_packet_alloc: out of memory") }
        pointer = p
    }
    deinit {
        var p: UnsafeMutablePointer<AVPacket>? = pointer
        av_packet_free(&p)
    }

    public var streamIndex: Int {
        get { Int(pointer.pointee.stream_index) }
        set { pointer.pointee.stream_index = Int32(newValue) }
    }
    /// Presentation and decoding timestamps in the stream's time base; nil when unknown.
    public var pts: Int64? { pointer.pointee.pts == AV_NOPTS ? nil : pointer.pointee.pts }
    public var dts: Int64? { pointer.pointee.dts == AV_NOPTS ? nil : pointer.pointee.dts }
    public var size: Int { Int(pointer.pointee.size) }
    /// How long the packet lasts, in the stream's time base; 0 when unknown.
    public var duration: Int64 { max(0, pointer.pointee.duration) }
    public var isKeyframe: Bool { pointer.pointee.flags & AV_PKT_FLAG_KEY != 0 }

    public func unref() { av_packet_unref(pointer) }

    func rescaleTimestamps(from: Rational, to: Rational) {
        av_packet_rescale_ts(pointer, from.av, to.av)
    }
}

/// An owned AVFrame (video or audio). Frames are reference-counted inside FFmpeg: `clone()` makes a
/// new reference to the same buffers, not a copy of the pixels.
public final class Frame {
    let pointer: UnsafeMutablePointer<AVFrame>

    public init() {
        guard let p = av_frame_alloc() else { fatalError("av_frame_alloc: out of memory") }
        pointer = p
    }
    init(taking p: UnsafeMutablePointer<AVFrame>) { pointer = p }
    deinit {
        var p: UnsafeMutablePointer<AVFrame>? = pointer
        av_frame_free(&p)
    }

    /// A new frame referencing the same data (av_frame_ref).
    public func clone() throws -> Frame {
        let f = Frame()
        try check("av_frame_ref", av_frame_ref(f.pointer, pointer))
        return f
    }

    public func unref() { av_frame_unref(pointer) }

    /// Moves `other`'s data and properties into this frame (av_frame_move_ref), leaving `other` empty.
    public func take(from other: Frame) {
        av_frame_unref(pointer)
        av_frame_move_ref(pointer, other.pointer)
    }

    public var pts: Int64? {
        get { pointer.pointee.pts == AV_NOPTS ? nil : pointer.pointee.pts }
        set { pointer.pointee.pts = newValue ?? AV_NOPTS }
    }
    /// The decoder's best guess at the presentation time, in the stream's time base.
    public var bestEffortTimestamp: Int64? {
        let t = pointer.pointee.best_effort_timestamp
        return t == AV_NOPTS ? (pts) : t
    }
    /// Clears the picture type a decoder left on the frame (libx264 would otherwise turn every source
    /// I-frame into a keyframe, as FFmpeg 5.1's libx264.c honours pict_type), or asks for a keyframe here.
    public func setEncoderKeyframe(_ forced: Bool) {
        pointer.pointee.pict_type = forced ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
        pointer.pointee.key_frame = forced ? 1 : 0
    }

    public var width: Int { Int(pointer.pointee.width) }
    public var height: Int { Int(pointer.pointee.height) }
    public var pixelFormat: Int32 { pointer.pointee.format }
    public var pixelFormatName: String {
        av_get_pix_fmt_name(AVPixelFormat(rawValue: pointer.pointee.format)).map { String(cString: $0) } ?? "none"
    }
    public var sampleAspectRatio: Rational { Rational(pointer.pointee.sample_aspect_ratio) }
    /// The audio sample format (AVSampleFormat), for audio frames.
    public var sampleFormat: Int32 { pointer.pointee.format }
    public var sampleCount: Int { Int(pointer.pointee.nb_samples) }
    public var sampleRate: Int { Int(pointer.pointee.sample_rate) }
    public var channelCount: Int { Int(pointer.pointee.ch_layout.nb_channels) }

    /// Keeps only the first `count` samples of an audio frame (the rest stay allocated, unused).
    public func keepFirstSamples(_ count: Int) {
        pointer.pointee.nb_samples = Int32(max(0, min(count, sampleCount)))
    }

    /// A value of the frame's metadata (what filters such as `ebur128` attach), or nil.
    public func metadata(_ key: String) -> String? {
        av_dict_get(pointer.pointee.metadata, key, nil, 0).map { String(cString: $0.pointee.value) }
    }

    /// Allocates a video frame's buffers.
    public static func video(width: Int, height: Int, pixelFormat: AVPixelFormat) throws -> Frame {
        let f = Frame()
        f.pointer.pointee.width = Int32(width)
        f.pointer.pointee.height = Int32(height)
        f.pointer.pointee.format = pixelFormat.rawValue
        try check("av_frame_get_buffer", av_frame_get_buffer(f.pointer, 0))
        return f
    }

    /// yuv420p's AVPixelFormat value, for filter sources.
    public static let yuv420pFormat: Int32 = AV_PIX_FMT_YUV420P.rawValue

    /// Allocates a yuv420p video frame (the format every normalised output frame has).
    public static func yuv420p(width: Int, height: Int) throws -> Frame {
        try video(width: width, height: height, pixelFormat: AV_PIX_FMT_YUV420P)
    }

    /// Allocates an audio frame of planar float samples.
    public static func audio(samples: Int, sampleRate: Int, channels: Int) throws -> Frame {
        let f = Frame()
        f.pointer.pointee.nb_samples = Int32(samples)
        f.pointer.pointee.sample_rate = Int32(sampleRate)
        f.pointer.pointee.format = AV_SAMPLE_FMT_FLTP.rawValue
        av_channel_layout_default(&f.pointer.pointee.ch_layout, Int32(channels))
        try check("av_frame_get_buffer", av_frame_get_buffer(f.pointer, 0))
        return f
    }

    /// Makes the frame's buffers writable (copying them if another reference shares them).
    public func makeWritable() throws { try check("av_frame_make_writable", av_frame_make_writable(pointer)) }

    /// Direct access to one plane of pixels or samples: base pointer and bytes per row (linesize).
    public func withPlane<T>(_ plane: Int, _ body: (UnsafeMutablePointer<UInt8>, Int) throws -> T) rethrows -> T {
        let data = withUnsafePointer(to: &pointer.pointee.data) {
            $0.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { $0[plane]! }
        }
        let linesize = withUnsafePointer(to: &pointer.pointee.linesize) {
            $0.withMemoryRebound(to: Int32.self, capacity: 8) { Int($0[plane]) }
        }
        return try body(data, linesize)
    }

    /// The rotation a player must apply (degrees, counter-clockwise, 0/90/180/270) from the frame's
    /// display matrix side data, which phones write instead of rotating the pixels.
    public var displayRotation: Int? {
        guard let sd = av_frame_get_side_data(pointer, AV_FRAME_DATA_DISPLAYMATRIX) else { return nil }
        let angle = sd.pointee.data.withMemoryRebound(to: Int32.self, capacity: 9) { av_display_rotation_get($0) }
        return angle.isNaN ? nil : Int(angle.rounded())
    }
}
