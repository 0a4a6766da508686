import CFFmpeg
import Foundation

/// Still images: a video frame as PNG bytes (for `provoke still` and `provoke storyboard`).
public enum PNGImage {
    /// Converts `frame` (any pixel format FFmpeg knows) to RGB with libswscale and encodes it with FFmpeg's
    /// PNG encoder. Limited-range BT.601 YUV becomes full-range RGB, as a player shows it.
    public static func encode(_ frame: Frame) throws -> Data {
        let rgb = try frame.converted(width: frame.width, height: frame.height, to: AV_PIX_FMT_RGB24)
        let width = frame.width, height = frame.height

        guard let codec = avcodec_find_encoder(AV_CODEC_ID_PNG) else {
            throw FFmpegError(call: "avcodec_find_encoder", reason: "this FFmpeg build has no PNG encoder")
        }
        guard let context = avcodec_alloc_context3(codec) else { fatalError("avcodec_alloc_context3: out of memory") }
        defer { var c: UnsafeMutablePointer<AVCodecContext>? = context; avcodec_free_context(&c) }
        context.pointee.width = Int32(width)
        context.pointee.height = Int32(height)
        context.pointee.pix_fmt = AV_PIX_FMT_RGB24
        context.pointee.time_base = AVRational(num: 1, den: 25)
        try check("avcodec_open2(png)", avcodec_open2(context, codec, nil))
        try check("avcodec_send_frame(png)", avcodec_send_frame(context, rgb.pointer))
        try check("avcodec_send_frame(png, flush)", avcodec_send_frame(context, nil))
        let packet = Packet()
        var data = Data()
        while true {
            let r = avcodec_receive_packet(context, packet.pointer)
            if r == AVERROR_EOF_ || r == AVERROR_EAGAIN_ { break }
            try check("avcodec_receive_packet(png)", r)
            data.append(packet.pointer.pointee.data, count: Int(packet.pointer.pointee.size))
            packet.unref()
        }
        return data
    }
}

extension Frame {
    /// A copy scaled (bicubic) and converted with libswscale, for stills and contact sheets.
    public func scaled(width: Int, height: Int) throws -> Frame {
        try converted(width: width, height: height, to: AVPixelFormat(rawValue: pixelFormat))
    }

    func converted(width: Int, height: Int, to format: AVPixelFormat) throws -> Frame {
        let out = try Frame.video(width: width, height: height, pixelFormat: format)
        guard let sws = sws_getContext(Int32(self.width), Int32(self.height), AVPixelFormat(rawValue: pixelFormat),
                                       Int32(width), Int32(height), format, SWS_BICUBIC, nil, nil, nil)
        else { throw FFmpegError(call: "sws_getContext", reason: "cannot convert \(pixelFormatName)") }
        defer { sws_freeContext(sws) }
        let src = pointer, dst = out.pointer
        let r = withUnsafePointer(to: &src.pointee.data) { sData in
            withUnsafePointer(to: &src.pointee.linesize) { sLines in
                withUnsafePointer(to: &dst.pointee.data) { dData in
                    withUnsafePointer(to: &dst.pointee.linesize) { dLines in
                        sData.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { sd in
                            sLines.withMemoryRebound(to: Int32.self, capacity: 8) { sl in
                                dData.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { dd in
                                    dLines.withMemoryRebound(to: Int32.self, capacity: 8) { dl in
                                        sws_scale(sws, sd, sl, 0, Int32(self.height), dd, dl)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        try check("sws_scale", r)
        return out
    }
}
