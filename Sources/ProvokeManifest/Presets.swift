// Delivery presets: the shape, size, frame rate and encoder settings an output is made in (`outputs[].preset`),
// the built-in ones and the project's own (`style.presets`), and the keys that go with them (`outputs[].max_mb`,
// `outputs[].poster`). This file reads and checks them; what a preset means for the pixels is ProvokeTimeline's
// (`OutputFormat`) and the renderer's.
import Foundation

/// A delivery preset: `web-720p`, `hd-1080p`, `square`, `vertical`, `email`, or one of `style.presets`.
public struct VideoPreset: Sendable, Hashable {
    public var name: String
    /// The frame in pixels (even, for 4:2:0). For `email`, the largest size it may choose.
    public var width: Int
    public var height: Int
    /// Whole frames per second; divides 48000, so a frame holds whole audio samples.
    public var fps: Int
    /// x264's constant rate factor; nil: the render's (`--crf`, 23).
    public var crf: Int?
    /// Average video bit rate in kbit/s (x264 ABR, peaks held to twice it); nil: constant quality.
    public var bitrate: Int?
    /// x264's speed preset (`veryfast`, `medium`, …); nil: the render's.
    public var x264Preset: String?
    /// Size-capped (`email`): the frame size and video bit rate are chosen from the output's length and `max_mb`.
    public var capsSize: Bool

    public init(name: String, width: Int, height: Int, fps: Int = 30, crf: Int? = nil, bitrate: Int? = nil,
                x264Preset: String? = nil, capsSize: Bool = false) {
        self.name = name; self.width = width; self.height = height; self.fps = fps; self.crf = crf
        self.bitrate = bitrate; self.x264Preset = x264Preset; self.capsSize = capsSize
    }

    /// Today's format and the default.
    public static let web720p = VideoPreset(name: "web-720p", width: 1280, height: 720)
    public static let builtIn: [VideoPreset] = [
        web720p,
        VideoPreset(name: "hd-1080p", width: 1920, height: 1080),
        VideoPreset(name: "square", width: 1080, height: 1080),
        VideoPreset(name: "vertical", width: 1080, height: 1920),
        VideoPreset(name: "email", width: 1280, height: 720, capsSize: true),
    ]
    /// `email`'s cap when `max_mb` is not given: 20 MB (20 000 000 bytes).
    public static let defaultEmailBytes: Int64 = 20_000_000

    /// x264's speed presets, fastest first.
    public static let x264Presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",
                                     "slower", "veryslow"]
}

/// What `outputs[].preset`, `max_mb` and `poster` say, as read.
struct DeliveryDraft {
    var preset: Located<String>?
    /// `max_mb` in bytes (1 MB = 1 000 000 bytes).
    var maxBytes: Located<Int64>?
    /// `poster`, in output time.
    var poster: Located<SourceTime>?
}

extension ManifestKeys {
    /// Keys of one `style.presets` entry.
    static let customPreset: [ManifestKey] = [
        .required("width"), .required("height"), .optional("fps"), .optional("crf"), .optional("bitrate"),
        .optional("x264Preset"),
    ]
}

extension ManifestDecoder {
    /// `outputs[].preset`, `max_mb` and `poster`; whether the preset exists is checked once the project's
    /// presets are read (`checkPresets`).
    mutating func deliveryKeys(_ fields: ObjectFields) -> DeliveryDraft {
        var draft = DeliveryDraft()
        draft.preset = located(fields, "preset", nonEmpty: true)
        if let node = fields["max_mb"] {
            let path = fields.path + "max_mb"
            if case .number(let literal) = node.value, let decimal = DecimalLiteral(literal),
               case .value(let bytes) = decimal.scaled(byPowerOfTen: 6), bytes >= 1_000_000, bytes <= 4_000_000_000 {
                draft.maxBytes = Located(value: bytes, path: path, position: node.position)
            } else {
                report(path, node.position, "expected a size in megabytes from 1 to 4000 (such as 20), found \(node.foundDescription)")
            }
        }
        if let node = fields["poster"] { draft.poster = time(node, at: fields.path + "poster") }
        return draft
    }

    /// `style.presets`: `{"name": {"width": 1440, "height": 1080, "fps": 25, "crf": 20, "x264Preset": "medium"}}`.
    mutating func customPresets(_ node: JSONNode, at path: JSONPath) -> [Located<VideoPreset>] {
        guard case .object(let members) = node.value else {
            report(path, node.position, "expected an object of presets by name ({\"name\": {\"width\": …, \"height\": …}}), "
                   + "found \(node.foundDescription)")
            return []
        }
        var presets: [Located<VideoPreset>] = []
        for member in members {
            let at = path + member.key
            if let problem = ManifestDecoder.idProblem(member.key) {
                report(at, member.keyPosition, "preset name: \(problem)")
                continue
            }
            if VideoPreset.builtIn.contains(where: { $0.name == member.key }) {
                report(at, member.keyPosition, "\(quoted(member.key)) is a built-in preset; give yours another name")
                continue
            }
            guard let fields = fields(of: member.value, at: at, keys: ManifestKeys.customPreset, noun: "a preset") else { continue }
            func size(_ key: String) -> Int? {
                guard let node = fields[key], let value = integer(node, at: at + key, in: 64...3840) else { return nil }
                if value % 2 != 0 {
                    report(at + key, node.position, "expected an even number of pixels (4:2:0 video halves each side), found \(value)")
                    return nil
                }
                return value
            }
            let width = size("width"), height = size("height")
            var fps: Int? = 30
            if let node = fields["fps"] {
                fps = integer(node, at: at + "fps", in: 1...60)
                if let f = fps, 48_000 % f != 0 {
                    report(at + "fps", node.position, "expected a frame rate that divides 48000 (24, 25, 30, 48, 50 or 60), found \(f)")
                    fps = nil
                }
            }
            let crf = fields["crf"].flatMap { integer($0, at: at + "crf", in: 0...51) }
            let bitrate = fields["bitrate"].flatMap { integer($0, at: at + "bitrate", in: 100...50_000) }
            if let node = fields["crf"], fields["bitrate"] != nil {
                report(at + "crf", node.position, "expected crf or bitrate, not both (crf keeps a quality, bitrate a size)")
            }
            var speed: String?
            if let node = fields["x264Preset"] {
                if case .string(let name) = node.value, VideoPreset.x264Presets.contains(name) {
                    speed = name
                } else {
                    report(at + "x264Preset", node.position, "expected one of \(VideoPreset.x264Presets.joined(separator: ", ")), "
                           + "found \(node.foundDescription)")
                }
            }
            guard let width, let height, let fps else { continue }
            presets.append(Located(value: VideoPreset(name: member.key, width: width, height: height, fps: fps, crf: crf,
                                                      bitrate: bitrate, x264Preset: speed),
                                   path: at, position: member.keyPosition))
        }
        return presets
    }

    /// Every output's preset is a built-in one or the project's; `max_mb` goes with a size-capped preset only.
    mutating func checkPresets(_ draft: ManifestDraft) {
        let known = VideoPreset.builtIn + (draft.style?.presets ?? []).map(\.value)
        for output in draft.outputs {
            let delivery = output.delivery
            var preset: VideoPreset? = .web720p
            if let name = delivery.preset {
                preset = known.first { $0.name == name.value }
                if preset == nil {
                    var message = "unknown preset \(quoted(name.value)); "
                    if let suggestion = closestMatch(to: name.value, in: known.map(\.name)) {
                        message += "did you mean \(quoted(suggestion))? "
                    }
                    report(name.path, name.position, message + "known presets: \(known.map(\.name).joined(separator: ", "))")
                }
            }
            if let cap = delivery.maxBytes, let preset, !preset.capsSize {
                report(cap.path, cap.position, "\"max_mb\" applies to the email preset; this output's preset is "
                       + "\(quoted(preset.name))")
            }
        }
    }

    /// The output's preset, resolved (after `checkPresets` found no problem).
    static func preset(_ delivery: DeliveryDraft, custom: [Located<VideoPreset>]) -> VideoPreset {
        guard let name = delivery.preset?.value else { return .web720p }
        return (VideoPreset.builtIn + custom.map(\.value)).first { $0.name == name } ?? .web720p
    }
}
