// The loudness keys of format 1: `outputs[].loudness` (the integrated loudness an output is normalised to, or
// "off") and the style block's `musicLevel` (how far a card's music bed sits below speech). How the sound is
// measured and normalised is ProvokeRender's (`Loudness.swift`); the README's Keys section lists the keys.

import Foundation

/// `outputs[].loudness`: the output's integrated loudness target (EBU R128 / ITU-R BS.1770), or left as recorded.
public enum LoudnessTarget: Sendable, Hashable {
    /// Every clip evened out to `lufs`, the whole normalised to it, true peaks limited to `truePeakCeiling`.
    case lufs(Double)
    /// The sound as recorded: no measurement, no gain, no limiter.
    case off

    /// -16 LUFS: what podcasts and the web platforms play at; -23 is broadcast (EBU R128).
    public static let standard = LoudnessTarget.lufs(-16)
    /// The targets a manifest may ask for: quieter than -40 is barely audible on a laptop, louder than -10
    /// cannot be reached with a -1 dBTP ceiling without crushing speech.
    public static let allowed: ClosedRange<Double> = -40 ... -10
    /// The highest true peak an output may have, dBTP.
    public static let truePeakCeiling = -1.0

    public var lufs: Double? {
        if case let .lufs(value) = self { return value }
        return nil
    }
}

extension CardStyle {
    /// `style.musicLevel`: LU relative to the speech target (default 18 below), and its allowed range.
    public static let defaultMusicLevel = -18.0
    public static let allowedMusicLevels: ClosedRange<Double> = -40 ... 0
}

extension ManifestDecoder {
    /// `-16`, `-23.5` or `"off"`.
    mutating func loudness(_ node: JSONNode, at path: JSONPath) -> LoudnessTarget? {
        if case .string("off") = node.value { return .off }
        let range = LoudnessTarget.allowed
        if case .number(let literal) = node.value, let value = Double(literal), range.contains(value) {
            return .lufs(value)
        }
        report(path, node.position, "expected a loudness in LUFS from \(Int(range.lowerBound)) to "
               + "\(Int(range.upperBound)) (-16 for the web, -23 for broadcast) or \"off\", found \(node.foundDescription)")
        return nil
    }

    /// `style.musicLevel`: LU relative to speech, from -40 to 0.
    mutating func musicLevel(_ node: JSONNode, at path: JSONPath) -> Double? {
        let range = CardStyle.allowedMusicLevels
        if case .number(let literal) = node.value, let value = Double(literal), range.contains(value) { return value }
        report(path, node.position, "expected the music bed's level in LU relative to speech, from "
               + "\(Int(range.lowerBound)) to \(Int(range.upperBound)) (-18: well under the voices), found \(node.foundDescription)")
        return nil
    }
}

extension ManifestDecoder {
    /// Integrated loudness under which a source is called very quiet: 24 LU below the default target, where
    /// normalising it needs a gain near the renderer's 30 dB limit and lifts the room's hiss with the voice.
    static let quietSource = -40.0

    /// `validate`'s warnings from the probe: a rotation flag (render turns the picture upright; other tools may
    /// not), and sound so quiet that normalising it cannot do much good.
    mutating func warnAboutLevelAndRotation(_ info: SourceMediaInfo, _ file: Located<String>, _ url: URL) {
        if info.rotation != 0 {
            warn(file.path, file.position, "\(url.path) has a rotation flag (\(info.rotation)° for players to turn "
                 + "it); render turns the picture upright, but an editor or a player that ignores the flag shows it on its side")
        }
        if info.hasAudio, let lufs = info.loudness, lufs < ManifestDecoder.quietSource {
            warn(file.path, file.position, "\(url.path) is very quiet (\(String(format: "%.1f", lufs)) LUFS integrated, "
                 + "sampled); render raises its clips by at most 30 dB, and the room's noise comes up with the voices")
        }
    }
}
