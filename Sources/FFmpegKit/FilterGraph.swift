import CFFmpeg

/// A libavfilter graph built node by node: every option is set with av_opt_set on its node, so text
/// that reaches a filter (a file name, a colour) is an option value and never filter-graph syntax.
public final class FilterGraph {
    let graph: UnsafeMutablePointer<AVFilterGraph>

    public init() {
        guard let g = avfilter_graph_alloc() else { fatalError("avfilter_graph_alloc: out of memory") }
        graph = g
        graph.pointee.nb_threads = 1  // the graphs are small; the encoder and decoder own the cores
    }

    deinit {
        var g: UnsafeMutablePointer<AVFilterGraph>? = graph
        avfilter_graph_free(&g)
    }

    /// A filter of this graph (a borrowed view: it keeps the graph alive).
    public struct Node {
        let context: UnsafeMutablePointer<AVFilterContext>
        let graph: FilterGraph
        public var name: String { String(cString: context.pointee.name) }
    }

    /// Adds a filter by its registered name, sets its options and initialises it.
    @discardableResult
    public func add(_ filter: String, _ options: [(String, String)] = [], name: String? = nil) throws -> Node {
        guard let f = avfilter_get_by_name(filter) else {
            throw FFmpegError(call: "avfilter_get_by_name", reason: "no filter named \(filter) in this FFmpeg build")
        }
        let nodeName = name ?? "\(filter)\(graph.pointee.nb_filters)"
        guard let ctx = avfilter_graph_alloc_filter(graph, f, nodeName) else {
            fatalError("avfilter_graph_alloc_filter: out of memory")
        }
        for (key, value) in options {
            try check("av_opt_set(\(filter).\(key))", av_opt_set(ctx, key, value, AV_OPT_SEARCH_CHILDREN))
        }
        try check("avfilter_init_str(\(filter))", avfilter_init_str(ctx, nil))
        return Node(context: ctx, graph: self)
    }

    /// Links output pad `outPad` of `a` to input pad `inPad` of `b`.
    public func link(_ a: Node, _ outPad: Int = 0, to b: Node, _ inPad: Int = 0) throws {
        try check("avfilter_link(\(a.name) -> \(b.name))", avfilter_link(a.context, UInt32(outPad), b.context, UInt32(inPad)))
    }

    /// Links the nodes one after another, first pad to first pad.
    public func chain(_ nodes: [Node]) throws {
        for (a, b) in zip(nodes, nodes.dropFirst()) { try link(a, to: b) }
    }

    /// Checks the links and negotiates formats. Call once, after every node is added and linked.
    public func configure() throws {
        try check("avfilter_graph_config", avfilter_graph_config(graph, nil))
    }

    /// A `buffer` source for video frames of this size, pixel format and time base.
    public func videoSource(width: Int, height: Int, pixelFormat: Int32, timeBase: Rational,
                            sampleAspectRatio: Rational = Rational(1, 1)) throws -> Node {
        let sar = sampleAspectRatio.isValid ? sampleAspectRatio : Rational(1, 1)
        return try add("buffer", [
            ("video_size", "\(width)x\(height)"),
            ("pix_fmt", String(pixelFormat)),
            ("time_base", "\(timeBase.num)/\(timeBase.den)"),
            ("pixel_aspect", "\(sar.num)/\(sar.den)"),
        ])
    }

    /// A `buffersink` for video.
    public func videoSink() throws -> Node { try add("buffersink") }

    /// An `abuffer` source for planar float audio (what `Frame.audio` and `AudioFifo` hold) at this rate and
    /// channel count (the default layout for the count).
    public func audioSource(sampleRate: Int, channels: Int) throws -> Node {
        try add("abuffer", [("sample_rate", String(sampleRate)), ("sample_fmt", "fltp"),
                            ("channel_layout", channelLayoutName(channels)), ("time_base", "1/\(sampleRate)")])
    }

    /// An `abuffersink`, after an `aformat` that asks for planar float at `sampleRate` and `channels` (the
    /// graph converts whatever its filters produce): returns the sink.
    public func audioSink(after last: Node, sampleRate: Int, channels: Int) throws -> Node {
        let format = try add("aformat", [("sample_fmts", "fltp"), ("sample_rates", String(sampleRate)),
                                         ("channel_layouts", channelLayoutName(channels))])
        let sink = try add("abuffersink")
        try chain([last, format, sink])
        return sink
    }

    /// Pushes a frame into a source node (nil signals end of stream). The frame keeps its data (a new
    /// reference is taken), so the caller may push the same frame again.
    public func push(_ frame: Frame?, into source: Node) throws {
        if let frame {
            try check("av_buffersrc_add_frame_flags",
                      av_buffersrc_add_frame_flags(source.context, frame.pointer, Int32(AV_BUFFERSRC_FLAG_KEEP_REF)))
        } else {
            try check("av_buffersrc_add_frame_flags(EOF)", av_buffersrc_add_frame_flags(source.context, nil, 0))
        }
    }

    public enum PullResult: Equatable { case frame, needsInput, endOfStream }

    /// Pulls the next filtered frame out of a sink node into `frame`.
    public func pull(from sink: Node, into frame: Frame) throws -> PullResult {
        frame.unref()
        let r = av_buffersink_get_frame(sink.context, frame.pointer)
        if r == AVERROR_EAGAIN_ { return .needsInput }
        if r == AVERROR_EOF_ { return .endOfStream }
        try check("av_buffersink_get_frame", r)
        return .frame
    }
}

/// The name of the default layout for `channels` ("mono", "stereo", "5.1"…), as filter options take it.
func channelLayoutName(_ channels: Int) -> String {
    var layout = AVChannelLayout()
    av_channel_layout_default(&layout, Int32(channels))
    defer { av_channel_layout_uninit(&layout) }
    var name = [CChar](repeating: 0, count: 64)
    _ = av_channel_layout_describe(&layout, &name, name.count)
    return String(cString: name)
}
