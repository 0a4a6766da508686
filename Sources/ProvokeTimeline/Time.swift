// Time's one home. Two clocks are kept apart, as GES keeps `in-point` and `start` apart: `SourceTime` is a time
// in a recording (ProvokeManifest), `OutputTime` a time on an output's timeline. Frames are integers on a
// `FrameClock`; the only way from an output frame of a clip to a time in its recording is a `ClipTiming`, and
// its `isAfter` is the one frame-choice rule that render, `plan`, `still` and `storyboard` share.
//
// Everything here is integer arithmetic on exact fractions (Int128 where products can pass Int64: frame
// 1,000,000 at 30000/1001 × microseconds × a 1/90000 time base does). No Double.
import ProvokeManifest

/// Frames per second as an exact fraction: 30/1, 25/1, 30000/1001 (29.97), 60000/1001 (59.94).
public struct FrameRate: Hashable, Sendable, Codable, CustomStringConvertible {
    public let numerator: Int64
    public let denominator: Int64

    public init(_ numerator: Int64, _ denominator: Int64 = 1) {
        precondition(numerator > 0 && denominator > 0, "a frame rate is a positive fraction")
        self.numerator = numerator
        self.denominator = denominator
    }

    /// `30`, or `30000/1001`.
    public var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }
}

/// Frame numbers and times on one grid of frames, frame 0 at time 0.
public struct FrameClock: Hashable, Sendable {
    public let rate: FrameRate
    public init(_ rate: FrameRate) { self.rate = rate }
    public init(fps: Int) { self.init(FrameRate(Int64(fps))) }

    /// When frame `k` starts, in whole microseconds (floored).
    public func microseconds(ofFrame k: Int) -> Int64 {
        Int64(Int128(k) * 1_000_000 * Int128(rate.denominator) / Int128(rate.numerator))
    }

    /// When frame `k` starts, in whole milliseconds (floored). libavfilter's `ass` filter (FFmpeg 5.1,
    /// `vf_subtitles.c`) asks libass for the picture at `pts × time_base` truncated to milliseconds, so a caption
    /// or card event placed from here is on exactly the frames meant.
    public func milliseconds(ofFrame k: Int) -> Int64 {
        Int64(Int128(k) * 1000 * Int128(rate.denominator) / Int128(rate.numerator))
    }

    /// The first frame whose `milliseconds(ofFrame:)` is at or after `milliseconds`: the first frame an event
    /// starting then is drawn on.
    public func firstFrame(atOrAfterMilliseconds milliseconds: Int64) -> Int {
        // floor(k·1000·d/n) ≥ m  ⇔  k·1000·d/n ≥ m (m is whole)  ⇔  k ≥ m·n/(1000·d)
        let unit = 1000 * Int128(rate.denominator)
        return Int(-floorDivide(-Int128(milliseconds) * Int128(rate.numerator), unit))
    }

    /// The first frame whose `microseconds(ofFrame:)` is at or after `microseconds`.
    public func firstFrame(atOrAfterMicroseconds microseconds: Int64) -> Int {
        let unit = 1_000_000 * Int128(rate.denominator)
        return Int(-floorDivide(-Int128(microseconds) * Int128(rate.numerator), unit))
    }

    /// The output time at which frame `k` starts.
    public func time(ofFrame k: Int) -> OutputTime { OutputTime(microseconds: microseconds(ofFrame: k)) }

    /// The frame on screen at `microseconds`: the latest frame starting at or before it.
    public func frame(at microseconds: Int64) -> Int {
        Int(floorDivide(Int128(microseconds) * Int128(rate.numerator), 1_000_000 * Int128(rate.denominator)))
    }

    /// Whole frames in a length of time, rounded to nearest (a half frame rounds up).
    public func frames(in microseconds: Int64) -> Int {
        let unit = 1_000_000 * Int128(rate.denominator)
        return Int(floorDivide(2 * Int128(microseconds) * Int128(rate.numerator) + unit, 2 * unit))
    }

    /// Audio samples from frame 0 to frame `frames` at `sampleRate` (floored, so consecutive runs of frames add
    /// up exactly: samples(a..<b) = samples(b) - samples(a)). Exact when the rate divides the sample rate, as 25
    /// and 30 do 48 kHz.
    public func samples(forFrames frames: Int, sampleRate: Int) -> Int {
        Int(floorDivide(Int128(frames) * Int128(sampleRate) * Int128(rate.denominator), Int128(rate.numerator)))
    }
}

/// How the output frames of one clip segment map onto its recording. Output frame k of the segment is meant to
/// show the recording at `sourceIn + k / rate`; the frame chosen is the latest source frame whose time is at or
/// before that, with `tolerance` of slack so that a source frame stamped a hair late (a 29.97 fps grid against a
/// millisecond in-point) still counts as on time.
public struct ClipTiming: Hashable, Sendable {
    /// Slack in the frame choice, in microseconds. Manifest times are microseconds but producers write them
    /// from players that show milliseconds, and container timestamps round: one millisecond covers both
    /// without ever reaching the next frame (a frame lasts at least 8 ms up to 120 fps).
    public static let toleranceMicroseconds: Int64 = 1_000

    /// Where the recording's time 0 is on the file's own clock, in microseconds (`AVFormatContext.start_time`:
    /// players show the first frame as 0 whatever its timestamp). 0 where no file is open (planning).
    public var origin: Int64
    public var sourceIn: SourceTime
    /// The output's frame clock.
    public var clock: FrameClock

    public init(sourceIn: SourceTime, clock: FrameClock, origin: Int64 = 0) {
        self.sourceIn = sourceIn; self.clock = clock; self.origin = origin
    }

    /// The recording time output frame `k` is meant to show, floored to the microsecond (for messages, seeking
    /// and labels; the frame choice itself is exact).
    public func sourceTime(ofFrame k: Int) -> SourceTime {
        SourceTime(microseconds: sourceIn.microseconds + clock.microseconds(ofFrame: k))
    }

    /// On the file's clock, in microseconds: where the demuxer must land at or before (the keyframe that
    /// precedes it) for output frame `k` to be decodable, tolerance included.
    public func seekTarget(forFrame k: Int) -> Int64 {
        origin + sourceTime(ofFrame: k).microseconds + ClipTiming.toleranceMicroseconds
    }

    /// The frame-choice rule: is a source frame stamped `pts` (in a stream time base of `timeBaseNumerator /
    /// timeBaseDenominator` seconds) later than what output frame `k` shows? Every output frame before the first
    /// such frame shows the latest frame that is not.
    ///
    /// pts·tb > (origin + in + tolerance)/10⁶ + k/rate, compared exactly.
    public func isAfter(pts: Int64, timeBaseNumerator: Int, timeBaseDenominator: Int, frame k: Int) -> Bool {
        let r = clock.rate
        let lhs = Int128(pts) * Int128(timeBaseNumerator) * Int128(r.numerator) * 1_000_000
        let rhs = (Int128(origin + sourceIn.microseconds + ClipTiming.toleranceMicroseconds) * Int128(r.numerator)
                   + Int128(k) * 1_000_000 * Int128(r.denominator)) * Int128(timeBaseDenominator)
        return lhs > rhs
    }

    /// The number of the source frame that output frame `k` shows, for a recording whose frames sit on a regular
    /// grid of `sourceRate` from its time 0: the same rule as `isAfter`, solved for the frame number. `plan` uses
    /// it to label source frames without decoding them.
    public func sourceFrame(shownAt k: Int, sourceRate: FrameRate) -> Int {
        let r = clock.rate
        // j/sourceRate ≤ (in + tol)/10⁶ + k/rate  ⇔  j ≤ ((in + tol)·rate.n + k·10⁶·rate.d)·src.n / (rate.n·10⁶·src.d)
        let time = Int128(sourceIn.microseconds + ClipTiming.toleranceMicroseconds) * Int128(r.numerator)
            + Int128(k) * 1_000_000 * Int128(r.denominator)
        return Int(floorDivide(time * Int128(sourceRate.numerator),
                               Int128(r.numerator) * 1_000_000 * Int128(sourceRate.denominator)))
    }

    /// Output audio samples from a point of the file's clock (`fileMicroseconds`) to the in-point: how many decoded
    /// samples to drop before the segment's sound starts (negative: the sound starts late by that many, to be
    /// filled with silence).
    public func samplesBeforeIn(fromFileMicroseconds fileMicroseconds: Int64, sampleRate: Int) -> Int {
        Int(floorDivide(Int128(origin + sourceIn.microseconds - fileMicroseconds) * Int128(sampleRate), 1_000_000))
    }
}

/// Integer division rounding towards negative infinity (Swift's `/` truncates towards zero).
func floorDivide(_ a: Int128, _ b: Int128) -> Int128 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
