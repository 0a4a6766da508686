import FFmpegKit
import Foundation
import ProvokeManifest
import ProvokeSamples
import ProvokeTimeline
import XCTest

/// A temporary folder per test, removed afterwards.
final class TempDir {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("provoke-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit {
        // PROVOKE_KEEP_TEST_FILES=1 keeps the media for looking at.
        if ProcessInfo.processInfo.environment["PROVOKE_KEEP_TEST_FILES"] == nil { try? FileManager.default.removeItem(at: url) }
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func files(in sub: String = "") -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: url.appendingPathComponent(sub).path))?.sorted() ?? []
    }
}

/// Decoded luma planes of a file's video, for looking at pixels.
struct LumaFrame {
    let width: Int
    let height: Int
    let pixels: [UInt8]
    subscript(x: Int, y: Int) -> UInt8 { pixels[y * width + x] }
    /// Mean luma of a rectangle.
    func mean(x: Int, y: Int, w: Int, h: Int) -> Double {
        var sum = 0
        for yy in y..<(y + h) { for xx in x..<(x + w) { sum += Int(self[xx, yy]) } }
        return Double(sum) / Double(w * h)
    }
}

/// Every video frame of a file as luma (decoded with FFmpeg's libraries, independently of the renderer's code paths).
func decodeLuma(_ path: String) throws -> [LumaFrame] {
    let input = try InputFile(path: path)
    let info = try XCTUnwrap(input.bestStream(.video))
    input.select(streams: [info.index])
    let decoder = try Decoder(input, stream: info.index)
    let packet = Packet(), frame = Frame(), gray = Frame()
    var out: [LumaFrame] = []
    var graph: (FilterGraph, FilterGraph.Node, FilterGraph.Node)?
    var atEnd = false
    while !atEnd {
        if try input.read(into: packet) == .endOfFile { atEnd = true; try decoder.send(nil) }
        else if packet.streamIndex == info.index { try decoder.send(packet) } else { continue }
        while try decoder.receive(into: frame) == .frame {
            if graph == nil {
                let g = FilterGraph()
                let src = try g.videoSource(width: frame.width, height: frame.height, pixelFormat: frame.pixelFormat,
                                            timeBase: info.timeBase)
                let fmt = try g.add("format", [("pix_fmts", "gray")])
                let sink = try g.videoSink()
                try g.chain([src, fmt, sink])
                try g.configure()
                graph = (g, src, sink)
            }
            try graph!.0.push(frame, into: graph!.1)
            while try graph!.0.pull(from: graph!.2, into: gray) == .frame {
                let w = gray.width, h = gray.height
                var pixels = [UInt8](repeating: 0, count: w * h)
                gray.withPlane(0) { p, stride in
                    for y in 0..<h { for x in 0..<w { pixels[y * w + x] = p[y * stride + x] } }
                }
                out.append(LumaFrame(width: w, height: h, pixels: pixels))
            }
            frame.unref()
        }
    }
    return out
}

/// The frame index an `.indexed` source drew, read from an output frame where that source was
/// letterboxed into `box` (source size `sw`×`sh`).
func sourceIndex(_ f: LumaFrame, box: Letterbox, sw: Int, sh: Int) -> Int {
    FrameIndexCode.read { x, y in f[box.x + x * box.width / sw, box.y + y * box.height / sh] }
}

/// ffprobe's view of a file (the independent witness): JSON of format and streams, with frame counts.
func ffprobe(_ path: String, _ args: [String] = ["-count_frames", "-show_format", "-show_streams"]) throws -> [String: Any] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/ffprobe")
    p.arguments = ["-v", "error", "-of", "json"] + args + [path]
    let pipe = Pipe()
    p.standardOutput = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    XCTAssertEqual(p.terminationStatus, 0, "ffprobe failed on \(path)")
    return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
}

func streams(_ probe: [String: Any]) -> [[String: Any]] { probe["streams"] as? [[String: Any]] ?? [] }
func stream(_ probe: [String: Any], _ type: String) -> [String: Any]? {
    streams(probe).first { $0["codec_type"] as? String == type }
}

/// Decoded audio of a file, mixed to one channel, at its own rate.
func decodeAudio(_ path: String) throws -> (samples: [Float], rate: Int) {
    let rate = try XCTUnwrap(InputFile(path: path).bestStream(.audio)).sampleRate
    return (try SampleMedia.decodeMono(path, rate: rate), rate)
}

/// Times (seconds) where a beep starts: the first loud sample after at least 0.2 s of quiet.
func beepOnsets(_ audio: (samples: [Float], rate: Int)) -> [Double] {
    var onsets: [Double] = []
    var quiet = audio.rate  // treat the start as after a long quiet
    for (i, s) in audio.samples.enumerated() {
        if abs(s) > 0.1 {
            if quiet > audio.rate / 5 { onsets.append(Double(i) / Double(audio.rate)) }
            quiet = 0
        } else {
            quiet += 1
        }
    }
    return onsets
}

/// Builds a validated-looking project directly (the loader has its own tests).
func project(sources: [(String, String)], clips: [(String, String, Double, Double)],
             outputs: [(String, Audience, [String])], base: URL) -> Project {
    func t(_ s: Double) -> SourceTime { SourceTime(microseconds: Int64((s * 1_000_000).rounded())) }
    return Project(
        id: "test-project", title: "Increasing access is harmful to health", event: "Test event",
        manifestURL: base.appendingPathComponent("manifest.json"),
        sources: sources.map { Source(id: $0.0, file: $0.1, url: base.appendingPathComponent($0.1)) },
        ideas: [Idea(id: "demand", text: "More access feeds demand, not health")],
        clips: clips.map { Clip(id: $0.0, source: $0.1, in: t($0.2), out: t($0.3), ideas: ["demand"]) },
        outputs: outputs.map { Output(id: $0.0, audience: $0.1, title: "Title of \($0.0)", sequence: $0.2.map { SequenceItem(item: $0) }) })
}
