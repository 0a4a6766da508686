// What a delivery preset means for an output's frame, text and bits (pure: no media, no clock).
// Square and portrait frames get the 16:9 picture over a blurred fill of itself and larger text; `email` gets
// the frame size and video bit rate that keep the whole MP4 under its cap, chosen from the output's length.
import ProvokeManifest

extension OutputFormat {
    /// The format of `preset` (the render's own CRF and x264 preset where the preset names none).
    public init(preset: VideoPreset) {
        self.init()
        self.preset = preset.name
        width = preset.width
        height = preset.height
        fps = preset.fps
        crf = preset.crf
        x264Preset = preset.x264Preset
        if let kbps = preset.bitrate {
            videoBitRate = kbps
            // Peaks up to twice the average over a two-second buffer: ABR that stays watchable on motion.
            videoMaxRate = 2 * kbps
            videoBuffer = 4 * kbps
        }
    }

    /// A square or portrait frame shows the 16:9 picture over a blurred, darkened fill of itself, not black bars.
    public var fillsWithBlur: Bool { width <= height }

    /// Rows a 16:9 picture fills on a frame that shows it over a fill (captions and names are set beside it).
    public var pictureBand: Range<Int>? {
        guard fillsWithBlur else { return nil }
        let box = Letterbox.fit(sourceWidth: 16, sourceHeight: 9, into: width, height)
        return box.y..<(box.y + box.height)
    }

    /// The height that text sizes are shares of (caption sizes, card design units): the frame's height on a
    /// landscape frame; on a square or portrait one, the height of a 16:9 frame as wide, 1.4 times over, since
    /// such videos are watched on a phone held upright, where 16:9-sized text would be small.
    public var textHeight: Int {
        let boost = width > height ? 1.0 : 1.4
        return min(height, Int((Double(width) * 9 / 16 * boost).rounded()))
    }
}

/// How a size-capped output (`email`) meets its cap: the audio is fixed (AAC 64 kbit/s), the container's own
/// bytes and the cover picture get an allowance, and the rest goes to the video, encoded at x264's CRF with its
/// rate held under a maximum over a short buffer (VBV). x264 keeps every piece's video within
/// `maxrate × length + buffer` (the buffer starts at most full), so the pieces together stay within
/// `maxrate × (duration + pieces × bufferSeconds)`. The render checks the joined file's size as well.
public enum SizeCap {
    /// Frame sizes email may use, largest first, with the least video bit rate (kbit/s) each is watchable at
    /// for recorded talks. Below 360p would be needed: the output is refused.
    public static let ladder: [(width: Int, height: Int, minimumKbps: Int)] = [
        (1280, 720, 1200), (960, 540, 700), (854, 480, 450), (640, 360, 160),
    ]
    /// Email's sound: speech at 64 kbit/s. The AAC encoder's average may overshoot a little: 10 % is allowed.
    public static let audioBitRate = 64_000
    /// Video bit rate never used above this (kbit/s): more would not look better at 720p.
    public static let maximumKbps = 4000
    /// The VBV buffer, in milliseconds of the maximum rate.
    public static let bufferMilliseconds: Int64 = 500
    /// The embedded cover picture is made to fit in this many bytes.
    public static let coverBytes: Int64 = 200_000

    /// Bytes besides the video and audio samples: the header and index (about 12 bytes a video frame, 8 an
    /// audio frame), captions and tags, and the cover.
    public static func overheadBytes(durationMilliseconds ms: Int64, fps: Int) -> Int64 {
        64_000 + coverBytes + ms * Int64(fps * 12 + 47 * 8 + 100) / 1000
    }

    /// The video's maximum rate (kbit/s) that keeps an output of `ms` milliseconds cut into `pieces` pieces under
    /// `maxBytes`; may be 0 or less when nothing fits.
    public static func videoKbps(maxBytes: Int64, durationMilliseconds ms: Int64, pieces: Int, fps: Int) -> Int {
        let audioBytes = Int64(audioBitRate) * ms / 8000 * 11 / 10
        let videoBytes = maxBytes - overheadBytes(durationMilliseconds: ms, fps: fps) - audioBytes
        // bits per millisecond is kbit/s.
        return Int(videoBytes * 8 / max(1, ms + Int64(pieces) * bufferMilliseconds))
    }

    /// The largest frame of the ladder the rate is watchable at, or nil.
    public static func frame(forKbps kbps: Int) -> (width: Int, height: Int)? {
        ladder.first { kbps >= $0.minimumKbps }.map { ($0.width, $0.height) }
    }

    /// The longest output (milliseconds, to the frame) that fits `maxBytes` at 360p, cut into pieces as often as
    /// `piecesPerSecond` (an output's own: each clip and card starts one), by default pieces of
    /// `Piece.maximumFrames` frames.
    public static func longestMilliseconds(maxBytes: Int64, fps: Int, piecesPerSecond: Double? = nil) -> Int64 {
        var lo: Int64 = 0, hi: Int64 = 100 * 3_600_000
        let floor = ladder.last!.minimumKbps
        let density = piecesPerSecond ?? Double(fps) / Double(Piece.maximumFrames)
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            let pieces = max(1, Int((density * Double(mid) / 1000).rounded(.up)))
            if videoKbps(maxBytes: maxBytes, durationMilliseconds: mid, pieces: pieces, fps: fps) >= floor { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// After a file came out at `bytes`, over the cap: the video's maximum rate lowered by the overshoot and a
    /// tenth more; false when that is below what the frame is watchable at.
    public static func lower(_ format: inout OutputFormat, bytes: Int64) -> Bool {
        guard let cap = format.maxBytes, let rate = format.videoMaxRate, bytes > cap else { return false }
        let lowered = Int(Int64(rate) * cap / bytes * 9 / 10)
        guard lowered >= ladder.last!.minimumKbps else { return false }
        format.videoMaxRate = lowered
        format.videoBuffer = Int(Int64(lowered) * bufferMilliseconds / 1000)
        return true
    }

    /// `plan` with its frame size and video rate chosen for its cap.
    static func apply(to plan: inout OutputPlan, maxBytes: Int64) throws {
        let ms = plan.format.clock.milliseconds(ofFrame: plan.frameCount)
        let pieces = plan.pieces().count
        let kbps = min(maximumKbps, videoKbps(maxBytes: maxBytes, durationMilliseconds: ms, pieces: pieces,
                                              fps: plan.format.fps))
        guard let size = frame(forKbps: kbps) else {
            // As long as this output would be, cut as often as it is (each piece costs a keyframe and a buffer).
            let density = max(Double(plan.format.fps) / Double(Piece.maximumFrames), Double(pieces) * 1000 / Double(max(1, ms)))
            throw PlanError.tooLongForCap(output: plan.output, milliseconds: ms, maxBytes: maxBytes,
                                          longest: longestMilliseconds(maxBytes: maxBytes, fps: plan.format.fps,
                                                                       piecesPerSecond: density))
        }
        plan.format.width = size.width
        plan.format.height = size.height
        plan.format.videoMaxRate = kbps
        plan.format.videoBuffer = Int(Int64(kbps) * bufferMilliseconds / 1000)
        plan.format.audioBitRate = audioBitRate
        plan.format.maxBytes = maxBytes
    }
}

extension Planner {
    /// The output's `poster` frame, and for a size-capped preset its frame size and rates.
    static func applyDelivery(_ output: Output, to plan: inout OutputPlan) throws {
        if let poster = output.poster {
            let frame = plan.format.clock.frame(at: poster.microseconds)  // the frame on screen then
            guard frame < plan.frameCount else {
                throw PlanError.posterOutside(output: output.id, poster: OutputTime(microseconds: poster.microseconds),
                                              duration: plan.duration)
            }
            plan.posterFrame = frame
        }
        if output.preset.capsSize {
            try SizeCap.apply(to: &plan, maxBytes: output.maxBytes ?? VideoPreset.defaultEmailBytes)
        }
    }
}
