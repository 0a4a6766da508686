import FFmpegKit
import Foundation
import ProvokeSystem
import ProvokeManifest
import ProvokeTimeline

/// What a recording, logo, music bed or font file is, for cache keys: its size, modification time and a hash of
/// its first and last MiB. Reading two MiB rather than all of a two-hour recording keeps a re-run quick; a file
/// edited in its middle without a change of size or time would not be noticed (touch it to be sure).
final class FileIdentities: @unchecked Sendable {  // `known` is guarded by `lock`
    private let lock = NSLock()
    private var known: [String: String] = [:]

    func of(_ path: String) throws -> String {
        lock.lock()
        if let id = known[path] { lock.unlock(); return id }
        lock.unlock()
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw RenderError(output: path, message: "\(path): \(String(cString: strerror(errno)))", isInputProblem: true)
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw RenderError(output: path, message: "\(path): cannot open for reading", isInputProblem: true)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        let mib: UInt64 = 1 << 20, size = UInt64(st.st_size)
        hasher.update(try handle.read(upToCount: Int(mib)) ?? Data())
        if size > mib {
            try handle.seek(toOffset: max(mib, size - mib))
            hasher.update(try handle.readToEnd() ?? Data())
        }
        let id = "\(size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec):\(hasher.finalHex())"
        lock.lock()
        known[path] = id
        lock.unlock()
        return id
    }
}

/// Where each recording's keyframes are, read once per run from the container's index (pieces are cut there).
final class KeyframeIndex: @unchecked Sendable {  // `known` is guarded by `lock`
    private let lock = NSLock()
    private var known: [String: [Int64]] = [:]

    /// Keyframe times (µs on the recording's clock) of every source the plan cuts clips from, by source id.
    func of(_ plan: OutputPlan) -> [String: [Int64]] {
        var result: [String: [Int64]] = [:]
        for segment in plan.segments {
            guard case let .clip(c) = segment.content, result[c.source] == nil else { continue }
            lock.lock()
            let cached = known[c.path]
            lock.unlock()
            if let cached { result[c.source] = cached; continue }
            // A file that does not open is reported by the render itself; here it only means no alignment.
            let times = (try? InputFile(path: c.path, probing: false)).flatMap { input in
                input.bestStream(.video).map { input.keyframeMicroseconds($0.index) }
            } ?? []
            lock.lock()
            known[c.path] = times
            lock.unlock()
            result[c.source] = times
        }
        return result
    }
}

/// The cache keys of one output's pieces and sound track: a SHA-256 over a text that names everything deciding
/// the pixels or the samples, and nothing else, so that what two outputs share gets the same key and any edit
/// changes exactly the keys of what it changes. The texts are kept for `plan --segments`.
struct CacheKeys {
    /// Bump when provoke draws or mixes differently: every entry made before is then a miss.
    static let version = "provoke-cache 3"  // 3: cards fade in YUV, never converted to RGB

    let plan: OutputPlan
    let video: VideoEncoderSettings
    let audio: AudioEncoderSettings
    let files: FileIdentities

    /// The encoder settings of every piece: one x264 thread, so a piece's bytes are the same whichever machine
    /// or `--jobs` made it (pieces run side by side instead), and an IDR frame first.
    static func pieceEncoder(_ format: OutputFormat, preset: String, crf: Int) -> VideoEncoderSettings {
        var video = VideoEncoderSettings(width: format.width, height: format.height, frameRate: format.fps)
        video.preset = format.x264Preset ?? preset
        video.crf = format.crf ?? crf
        video.threads = 1
        // x264's own option names (kbit/s); an average bit rate replaces the CRF.
        var rate: [String] = []
        if let kbps = format.videoBitRate { rate.append("bitrate=\(kbps)") }
        if let max = format.videoMaxRate, let buffer = format.videoBuffer {
            rate += ["vbv-maxrate=\(max)", "vbv-bufsize=\(buffer)"]
        }
        if !rate.isEmpty { video.options.append(("x264-params", rate.joined(separator: ":"))) }
        return video
    }

    func piece(_ piece: Piece) throws -> String {
        var lines = [CacheKeys.version, "piece", "format \(plan.format.width)x\(plan.format.height) \(plan.format.clock.rate)",
                     "x264 \(video.preset) crf \(video.crf) \(video.profile) \(video.pixelFormat) threads \(video.threads)",
                     "fade colour \(plan.cardStyle.background.hex)"]
        // Rate control (email, custom bit rates); absent from the default's key, which stays as it was.
        if !video.options.isEmpty { lines.append("options " + video.options.map { "\($0.0)=\($0.1)" }.joined(separator: " ")) }
        for part in piece.parts {
            let segment = plan.segments[part.segment]
            lines.append("part \(part.frames.lowerBound)..<\(part.frames.upperBound) of \(segment.frames.count)")
            lines += try content(segment)
            // The transitions that touch these frames: a change elsewhere in the segment leaves this key alone.
            let count = segment.frames.count
            if let t = segment.transition, t.kind != .cut, part.frames.lowerBound < t.inFrames {
                lines.append("in \(t.kind.rawValue) \(t.inFrames)")
            }
            if part.segment + 1 < plan.segments.count, let t = plan.segments[part.segment + 1].transition, t.kind != .cut {
                let out = t.kind == .crossfade ? t.frames : t.outFrames
                if part.frames.upperBound > count - out { lines.append("out \(t.kind.rawValue) \(out)") }
            }
            if let script = plan.burnInScript(segment: part.segment, frames: part.frames) {
                lines.append("burned in, fonts \(try fonts(plan.cardStyle.fontsDirectory))")
                lines.append(script)
            }
        }
        return CacheKeys.hash(lines)
    }

    /// The whole output's sound: every segment's source range or music, and the transitions between them.
    func sound() throws -> String {
        var lines = [CacheKeys.version, "sound", "aac \(audio.sampleRate) Hz \(audio.channels) ch \(audio.bitRate) b/s",
                     "frames at \(plan.format.clock.rate)"]
        for segment in plan.segments {
            lines.append("segment \(segment.frames.start)+\(segment.frames.count)")
            if let t = segment.transition { lines.append("transition \(t.kind.rawValue) \(t.frames) \(t.outFrames)") }
            switch segment.content {
            case let .clip(c): lines.append("clip \(try files.of(c.path)) in \(c.sourceIn.microseconds)")
            case let .card(c):
                if let offset = c.musicOffset, let music = c.style.music {
                    lines.append("music \(try files.of(music.url.path)) from \(offset)")
                } else {
                    lines.append("silence")
                }
            }
        }
        return CacheKeys.hash(lines + soundLevelLines())
    }

    /// What a segment shows, before transitions and captions.
    private func content(_ segment: Segment) throws -> [String] {
        switch segment.content {
        case let .clip(c):
            return ["clip \(try files.of(c.path)) in \(c.sourceIn.microseconds)"]
        case let .card(c):
            let s = c.style
            var lines = ["card \(c.template.rawValue)"]
            for (name, value) in [("text", c.text), ("attribution", c.attribution), ("value", c.value), ("label", c.label),
                                  ("url", c.url), ("event", c.event), ("date", c.date)] {
                if let value { lines.append("\(name) \(value.debugDescription)") }
            }
            lines += c.points.map { "point \($0.debugDescription)" }
            if let code = c.edition { lines.append("edition code \(code.debugDescription)") }
            lines.append("font \(s.font.debugDescription) in \(try fonts(s.fontsDirectory))")
            lines.append("colours \(s.background.hex) \(s.text.hex) \(s.accent.hex)")
            if let logo = s.logo { lines.append("logo \(try files.of(logo.url.path))") }
            return lines
        }
    }

    /// A fonts folder by what is in it: each font file's name and identity.
    private func fonts(_ folder: URL?) throws -> String {
        guard let folder else { return "system" }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        return try names.map { "\($0)=\(try files.of(folder.appendingPathComponent($0).path))" }.joined(separator: ",")
    }

    static func hash(_ lines: [String]) -> String {
        SHA256.hex(lines.joined(separator: "\n"))
    }
}
