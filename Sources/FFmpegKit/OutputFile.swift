import CFFmpeg
import Foundation
import ProvokeSystem

/// A media file being written (encoders + muxer), under a temporary name staged in a `StagedFiles` group
/// (beside the final name; a device, pipe or folder there is refused, a symbolic link followed). On its own
/// it appears under its final name when `finish()` succeeds (atomic rename); given a caller's group, it appears
/// with the group's other files at the group's `commit()`. Unfinished (error, cancellation), the temporary
/// file is deleted.
public final class OutputFile {
    public let finalPath: String
    public let temporaryPath: String
    /// The group the file is staged in; committed by `finish()` only when this file made it.
    private let staged: StagedFiles
    private let ownsStaging: Bool
    let context: UnsafeMutablePointer<AVFormatContext>
    private var encoders: [Int: Encoder] = [:]
    /// Caption tracks: encoded one event at a time and never flushed (subtitle encoders have no delay).
    private var subtitleEncoders: [Int: Encoder] = [:]
    /// Streams written by copy, with the time base their packets come in.
    private var copiedTimeBases: [Int: Rational] = [:]
    private let packet = Packet()
    private var started = false
    private var finished = false
    private var ioOpen = false
    private var muxerOptions: [(String, String)]

    /// - Parameters:
    ///   - format: the muxer's short name ("mp4", "png"/"image2").
    ///   - tags: container metadata (written as MP4 `mdta` keys so that custom keys survive).
    ///   - muxerOptions: options for avformat_write_header, e.g. ("movflags", "+faststart").
    ///   - group: files this one lands with; nil: it lands alone, at `finish()`.
    public init(path: String, format: String, tags: [(String, String)] = [], muxerOptions: [(String, String)] = [],
                stagedWith group: StagedFiles? = nil) throws {
        finalPath = path
        staged = group ?? StagedFiles()
        ownsStaging = group == nil
        temporaryPath = try staged.stage(path)
        self.muxerOptions = muxerOptions
        var ctx: UnsafeMutablePointer<AVFormatContext>?
        // The muxer gets the temporary name: with +faststart, FFmpeg 5.1's mov muxer reopens its own url to
        // move the index to the front.
        try check("avformat_alloc_output_context2", avformat_alloc_output_context2(&ctx, nil, format, temporaryPath), file: path)
        context = ctx!
        for (k, v) in tags { av_dict_set(&context.pointee.metadata, k, v, 0) }
    }

    deinit {
        if ioOpen { avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
        if !finished { unlink(temporaryPath) }
    }

    /// Gives up an unfinished file now: closes it and deletes the temporary file (deinit would too, but only
    /// once the last reference goes, which a caller on an error path should not have to reason about).
    public func discard() {
        guard !finished else { return }
        if ioOpen { avio_closep(&context.pointee.pb); ioOpen = false }
        unlink(temporaryPath)
    }

    private var globalHeader: Bool { context.pointee.oformat.pointee.flags & AVFMT_GLOBALHEADER != 0 }

    /// Adds an H.264 stream; returns its index.
    public func addVideo(_ settings: VideoEncoderSettings) throws -> Int {
        try add(Encoder.video(settings, globalHeader: globalHeader))
    }

    /// Adds an AAC stream; returns its index.
    public func addAudio(_ settings: AudioEncoderSettings) throws -> Int {
        try add(Encoder.audio(settings, globalHeader: globalHeader))
    }

    /// Adds a soft caption track (mov_text) tagged with the settings' language; returns its index. Write its
    /// captions with `writeSubtitle` in time order.
    public func addSubtitle(_ settings: SubtitleEncoderSettings) throws -> Int {
        let encoder = try Encoder.subtitle(settings, globalHeader: globalHeader)
        guard let st = avformat_new_stream(context, nil) else { fatalError("avformat_new_stream: out of memory") }
        try check("avcodec_parameters_from_context", avcodec_parameters_from_context(st.pointee.codecpar, encoder.context), file: finalPath)
        st.pointee.time_base = encoder.context.pointee.time_base
        let index = Int(st.pointee.index)
        subtitleEncoders[index] = encoder
        setStreamTag(index, "language", settings.language)
        return index
    }

    /// Encodes one caption on caption track `index` and muxes it: `event` is shown from `startMilliseconds`
    /// for `durationMilliseconds` (output time). `event` is an ASS event line as libavcodec's `ass_split.c` reads
    /// it (`ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text`): build it with ProvokeCaptions'
    /// `SubtitleText.assEvent`, which keeps caption text data. Captions must come in start order, interleaved
    /// with the other streams' frames by time (the muxer orders packets, but holds them back until every stream
    /// has caught up).
    public func writeSubtitle(event: String, startMilliseconds: Int64, durationMilliseconds: Int64,
                              stream index: Int) throws {
        let enc = subtitleEncoders[index]!
        let bytes = try enc.encodeSubtitle(event: event, durationMilliseconds: durationMilliseconds)
        guard !bytes.isEmpty else { return }
        packet.unref()
        try check("av_new_packet", av_new_packet(packet.pointer, Int32(bytes.count)), file: finalPath)
        packet.pointer.pointee.data.update(from: bytes, count: bytes.count)
        packet.pointer.pointee.pts = startMilliseconds
        packet.pointer.pointee.dts = startMilliseconds
        packet.pointer.pointee.duration = durationMilliseconds
        packet.streamIndex = index
        packet.rescaleTimestamps(from: enc.timeBase, to: Rational(context.pointee.streams[index]!.pointee.time_base))
        try check("av_interleaved_write_frame", av_interleaved_write_frame(context, packet.pointer), file: finalPath)
    }

    /// Adds a stream that takes `input`'s stream `index` as it is coded (stream copy: no encoder); returns its
    /// index. Write its packets with `write(_:stream:)`.
    public func addCopy(of index: Int, from input: InputFile) throws -> Int {
        guard let st = avformat_new_stream(context, nil) else { fatalError("avformat_new_stream: out of memory") }
        let source = input.stream(index)
        try check("avcodec_parameters_copy", avcodec_parameters_copy(st.pointee.codecpar, source.pointee.codecpar), file: finalPath)
        // The tag is the source container's; the muxer picks its own for the codec.
        st.pointee.codecpar.pointee.codec_tag = 0
        st.pointee.time_base = source.pointee.time_base
        st.pointee.avg_frame_rate = source.pointee.avg_frame_rate
        st.pointee.sample_aspect_ratio = source.pointee.sample_aspect_ratio
        copiedTimeBases[Int(st.pointee.index)] = Rational(source.pointee.time_base)
        return Int(st.pointee.index)
    }

    /// Muxes a packet read from the input stream that stream `index` copies, its timestamps moved later by
    /// `offset` (in that input stream's time base). The packet is left unreferenced.
    public func write(_ packet: Packet, stream index: Int, offset: Int64 = 0) throws {
        let p = packet.pointer
        if p.pointee.pts != AV_NOPTS { p.pointee.pts += offset }
        if p.pointee.dts != AV_NOPTS { p.pointee.dts += offset }
        p.pointee.pos = -1
        packet.streamIndex = index
        packet.rescaleTimestamps(from: copiedTimeBases[index]!, to: Rational(context.pointee.streams[index]!.pointee.time_base))
        try check("av_interleaved_write_frame", av_interleaved_write_frame(context, p), file: finalPath)
    }

    /// The encoder of stream `index`, for its frame size and time base.
    public func encoder(_ index: Int) -> Encoder { encoders[index]! }

    private func add(_ encoder: Encoder) throws -> Int {
        guard let st = avformat_new_stream(context, nil) else { fatalError("avformat_new_stream: out of memory") }
        try check("avcodec_parameters_from_context", avcodec_parameters_from_context(st.pointee.codecpar, encoder.context), file: finalPath)
        st.pointee.time_base = encoder.context.pointee.time_base
        if encoder.context.pointee.codec_type == AVMEDIA_TYPE_VIDEO {
            st.pointee.avg_frame_rate = encoder.context.pointee.framerate
            st.pointee.sample_aspect_ratio = encoder.context.pointee.sample_aspect_ratio
        }
        let index = Int(st.pointee.index)
        encoders[index] = encoder
        return index
    }

    /// Sets a stream-level tag (for example "language" = "eng").
    public func setStreamTag(_ index: Int, _ key: String, _ value: String) {
        av_dict_set(&context.pointee.streams[index]!.pointee.metadata, key, value, 0)
    }

    /// Marks a video stream to be shown rotated by `degrees` counter-clockwise (a display matrix, as
    /// phones write instead of turning the pixels). Before `start()`.
    public func setDisplayRotation(_ index: Int, degrees: Double) throws {
        let size = 9 * MemoryLayout<Int32>.size
        guard let raw = av_malloc(size) else { fatalError("av_malloc: out of memory") }
        let matrix = raw.bindMemory(to: Int32.self, capacity: 9)
        // av_display_rotation_set takes a clockwise angle; av_display_rotation_get (and so StreamInfo.rotation)
        // answers counter-clockwise. This API speaks counter-clockwise, like the reading side.
        av_display_rotation_set(matrix, -degrees)
        let r = av_stream_add_side_data(context.pointee.streams[index]!, AV_PKT_DATA_DISPLAYMATRIX,
                                        raw.assumingMemoryBound(to: UInt8.self), size)
        if r < 0 { av_free(raw) }
        try check("av_stream_add_side_data", r, file: finalPath)
    }

    /// Opens the temporary file and writes the header.
    public func start() throws {
        try check("avio_open", avio_open(&context.pointee.pb, temporaryPath, AVIO_FLAG_WRITE), file: temporaryPath)
        ioOpen = true
        var opts: OpaquePointer? = nil
        defer { av_dict_free(&opts) }
        for (k, v) in muxerOptions { av_dict_set(&opts, k, v, 0) }
        try check("avformat_write_header", avformat_write_header(context, &opts), file: finalPath)
        started = true
    }

    /// Encodes one frame on stream `index` (pts in the encoder's time base) and muxes what comes out.
    public func encode(_ frame: Frame, stream index: Int) throws {
        let enc = encoders[index]!
        try enc.send(frame)
        try drain(index)
    }

    private func drain(_ index: Int) throws {
        let enc = encoders[index]!
        let tb = Rational(context.pointee.streams[index]!.pointee.time_base)
        while true {
            switch try enc.receive(into: packet) {
            case .needsInput, .endOfStream: return
            case .packet:
                packet.streamIndex = index
                packet.rescaleTimestamps(from: enc.timeBase, to: tb)
                try check("av_interleaved_write_frame", av_interleaved_write_frame(context, packet.pointer), file: finalPath)
            }
        }
    }

    /// Flushes the encoders, writes the trailer (with +faststart: moves the index to the front) and closes
    /// the file; on its own, renames it into place (in a caller's group, the group's `commit()` does).
    /// Throws on any failure, leaving no file under the final name.
    public func finish() throws {
        precondition(started && !finished, "OutputFile.finish() called twice or before start()")
        for index in encoders.keys.sorted() {
            try encoders[index]!.send(nil)
            try drain(index)
        }
        try check("av_write_trailer", av_write_trailer(context), file: finalPath)
        try check("avio_closep", avio_closep(&context.pointee.pb), file: finalPath)
        ioOpen = false
        if ownsStaging {
            do {
                try staged.commit()
            } catch {
                throw FFmpegError(call: "rename", file: finalPath, reason: error.message)
            }
        }
        finished = true
    }
}
