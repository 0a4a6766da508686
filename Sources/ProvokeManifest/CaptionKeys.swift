// The caption keys of format 1: `sources[].captions` (a caption file), `clips[].captions` (a clip's own cues),
// `clips[].speaker`, `outputs[].captions` (the mode) and the `style` block, project level and per output (its
// card keys too; the files and fonts they name are checked with the cards, in CardKeys.swift).
//
// Reading and checking them follows the rest of the decoder: every problem is reported at its JSON path and the
// drafts keep what was readable. Caption files are read by the loader (`readCaptionFiles`), since the decoder
// itself touches no files; their problems are reported at the caption file's own line (`captions/may1.srt:14`).
// What the keys mean, and the defaults, are ProvokeCaptions' (`CaptionStyle`, `LowerThirdStyle`) and
// the README's Captions section's.

import Foundation
import ProvokeCaptions

// MARK: - Style: a list of edits, applied over the defaults or over the project's style

/// A `style` block as read: one edit per key that was written, in document order. The project's block is
/// applied over the defaults; an output's block over the project's style, so an output changes only the keys it
/// names. The edits keep where each key was written, so a value `CaptionStyle.problems` rejects is reported there.
struct StylePatch {
    struct Edit {
        /// The key within the block, dotted as `CaptionStyle.problems` names it after a `captions.` or `speaker.`
        /// prefix: `captions.size`, `speaker.box.padding`; the card keys are `card.font`, `card.logo`, ….
        var key: String
        var path: JSONPath
        var position: TextPosition
        var apply: (inout Style) -> Void
    }

    var edits: [Edit] = []
    /// The values that name something outside the manifest, by edit key (`card.font`, `card.logo`,
    /// `card.music`, `captions.font`, `speaker.font`): the loader checks that the fonts and files exist.
    var named: [String: Located<String>] = [:]
    /// `presets` (project block only): delivery presets by name (Presets.swift).
    var presets: [Located<VideoPreset>] = []

    func applied(to base: Style) -> Style {
        var style = base
        for edit in edits { edit.apply(&style) }
        return style
    }

    /// The edit that set `key`, or else the one that set the object holding it (`captions.box` for
    /// `captions.box.padding`); nil when this block did not write it (the value came from the base).
    func edit(for key: String) -> Edit? {
        var key = Substring(key)
        while true {
            if let edit = edits.last(where: { $0.key == key }) { return edit }
            guard let dot = key.lastIndex(of: ".") else { return nil }
            key = key[..<dot]
        }
    }
}

extension ManifestDecoder {
    /// `{"font": …, "background": …, "text": …, "accent": …, "logo": …, "music": …, "captions": {…},
    /// "speaker": {…}}`: the card keys, then the captions' and speakers' blocks.
    mutating func decodeStyle(_ node: JSONNode, at path: JSONPath) -> StylePatch? {
        guard let fields = fields(of: node, at: path, keys: ManifestKeys.style, noun: "a style") else { return nil }
        var patch = StylePatch()
        for key in ManifestKeys.style.map(\.name) {
            guard let value = fields[key] else { continue }
            let at = path + key
            switch key {
            case "font": cardFont(value, at: at, into: &patch)
            case "background": set(\.card.background, color(value, at: at), "card.background", value, at, &patch)
            case "text": set(\.card.text, color(value, at: at), "card.text", value, at, &patch)
            case "accent": set(\.card.accent, color(value, at: at), "card.accent", value, at, &patch)
            case "logo": cardFile(\.card.logo, "card.logo", value, at: at, into: &patch)
            case "music": cardFile(\.card.music, "card.music", value, at: at, into: &patch)
            case "musicLevel": set(\.card.musicLevel, musicLevel(value, at: at), "card.musicLevel", value, at, &patch)
            case "captions": captionStyle(value, at: at, into: &patch)
            case "speaker": speakerStyle(value, at: at, into: &patch)
            case "presets":
                if path == JSONPath.root + "style" { patch.presets = customPresets(value, at: at) } else {
                    report(at, value.position, "expected \"presets\" in the project's style block only (outputs choose one with \"preset\")")
                }
            default: preconditionFailure("ManifestKeys.style has a key without a reader: \(key)")
            }
        }
        return patch
    }

    /// The cards' font: a family name, or a font file (`.ttf`, `.otf`, `.ttc`) relative to the manifest. Either
    /// way this edit is provisional: the loader reads the file's family and finds the fonts folder
    /// (`checkCardStyles`), since the decoder touches no files.
    private mutating func cardFont(_ node: JSONNode, at path: JSONPath, into patch: inout StylePatch) {
        guard let written = located(node, at: path, nonEmpty: true) else { return }
        let value = written.value
        if ManifestDecoder.isFontFile(value) {
            let url = ManifestLoader.resolve(value, against: baseURL)
            patch.edits.append(StylePatch.Edit(key: "card.font", path: path, position: node.position) {
                $0.card.font = url.deletingPathExtension().lastPathComponent
                $0.card.fontsDirectory = url.deletingLastPathComponent()
            })
        } else {
            if let problem = ManifestDecoder.fontFamilyProblem(value) {
                report(path, node.position, problem)
                return
            }
            patch.edits.append(StylePatch.Edit(key: "card.font", path: path, position: node.position) {
                $0.card.font = value
                $0.card.fontsDirectory = nil
            })
        }
        patch.named["card.font"] = written
    }

    /// `logo` and `music`: a path like a source's `file`, resolved here; that the file exists (and, with a probe,
    /// holds a picture or sound) is the loader's check.
    private mutating func cardFile(_ keyPath: WritableKeyPath<Style, ManifestFile?>, _ key: String, _ node: JSONNode,
                                   at path: JSONPath, into patch: inout StylePatch) {
        guard let written = located(node, at: path, nonEmpty: true) else { return }
        let file = ManifestFile(written: written.value, url: ManifestLoader.resolve(written.value, against: baseURL))
        patch.edits.append(StylePatch.Edit(key: key, path: path, position: node.position) { $0[keyPath: keyPath] = file })
        patch.named[key] = written
    }

    private mutating func captionStyle(_ node: JSONNode, at path: JSONPath, into patch: inout StylePatch) {
        guard let fields = fields(of: node, at: path, keys: ManifestKeys.captionStyle,
                                  noun: "a caption style") else { return }
        for key in ManifestKeys.captionStyle.map(\.name) {
            guard let value = fields[key] else { continue }
            let at = path + key
            switch key {
            case "font":
                let family = located(value, at: at, nonEmpty: true)
                set(\.captions.fontFamily, family?.value, "captions.font", value, at, &patch)
                patch.named["captions.font"] = family
            case "size": set(\.captions.fontSize, number(value, at: at), "captions.size", value, at, &patch)
            case "bold": set(\.captions.bold, bool(value, at: at), "captions.bold", value, at, &patch)
            case "color": set(\.captions.textColor, color(value, at: at), "captions.color", value, at, &patch)
            case "outlineColor":
                set(\.captions.outlineColor, color(value, at: at), "captions.outlineColor", value, at, &patch)
            case "outlineWidth":
                set(\.captions.outlineWidth, number(value, at: at), "captions.outlineWidth", value, at, &patch)
            case "box": box(\.captions.box, "captions.box", value, at: at, into: &patch)
            case "position":
                set(\.captions.position, choice(value, at: at, as: CaptionStyle.Position.self), "captions.position",
                    value, at, &patch)
            case "safeArea": set(\.captions.safeArea, number(value, at: at), "captions.safeArea", value, at, &patch)
            case "maxLineLength":
                set(\.captions.wrapping.maxLineLength, integer(value, at: at, in: 8...100), "captions.maxLineLength",
                    value, at, &patch)
            case "maxLines":
                set(\.captions.wrapping.maxLines, integer(value, at: at, in: 1...4), "captions.maxLines", value, at,
                    &patch)
            case "minDuration":
                set(\.captions.minimumDuration, milliseconds(value, at: at), "captions.minDuration", value, at, &patch)
            default: preconditionFailure("ManifestKeys.captionStyle has a key without a reader: \(key)")
            }
        }
    }

    private mutating func speakerStyle(_ node: JSONNode, at path: JSONPath, into patch: inout StylePatch) {
        guard let fields = fields(of: node, at: path, keys: ManifestKeys.speakerStyle,
                                  noun: "a speaker style") else { return }
        for key in ManifestKeys.speakerStyle.map(\.name) {
            guard let value = fields[key] else { continue }
            let at = path + key
            switch key {
            case "font":
                let family = located(value, at: at, nonEmpty: true)
                set(\.speaker.fontFamily, family?.value, "speaker.font", value, at, &patch)
                patch.named["speaker.font"] = family
            case "nameSize": set(\.speaker.nameSize, number(value, at: at), "speaker.nameSize", value, at, &patch)
            case "roleSize": set(\.speaker.roleSize, number(value, at: at), "speaker.roleSize", value, at, &patch)
            case "color": set(\.speaker.textColor, color(value, at: at), "speaker.color", value, at, &patch)
            case "outlineColor":
                set(\.speaker.outlineColor, color(value, at: at), "speaker.outlineColor", value, at, &patch)
            case "outlineWidth":
                set(\.speaker.outlineWidth, number(value, at: at), "speaker.outlineWidth", value, at, &patch)
            case "box": box(\.speaker.box, "speaker.box", value, at: at, into: &patch)
            case "safeArea": set(\.speaker.safeArea, number(value, at: at), "speaker.safeArea", value, at, &patch)
            case "corner":
                set(\.speaker.corner, choice(value, at: at, as: LowerThirdStyle.Corner.self), "speaker.corner", value,
                    at, &patch)
            case "duration": set(\.speaker.duration, milliseconds(value, at: at), "speaker.duration", value, at, &patch)
            case "maxLineLength":
                set(\.speaker.maxLineLength, integer(value, at: at, in: 8...100), "speaker.maxLineLength", value, at,
                    &patch)
            default: preconditionFailure("ManifestKeys.speakerStyle has a key without a reader: \(key)")
            }
        }
    }

    /// An edit that sets one value, if it could be read (its reader reported it otherwise).
    private func set<Value>(_ keyPath: WritableKeyPath<Style, Value>, _ value: Value?, _ key: String,
                            _ node: JSONNode, _ path: JSONPath, _ patch: inout StylePatch) {
        guard let value else { return }
        patch.edits.append(StylePatch.Edit(key: key, path: path, position: node.position) { $0[keyPath: keyPath] = value })
    }

    /// `{"color": …, "padding": …, "shape": …}` (each optional, over the box already there or the default box),
    /// or `false` for no box (outlined text), so an output can turn off the project's box.
    private mutating func box(_ keyPath: WritableKeyPath<Style, CaptionStyle.Box?>, _ key: String, _ node: JSONNode,
                              at path: JSONPath, into patch: inout StylePatch) {
        if case .bool(false) = node.value {
            patch.edits.append(StylePatch.Edit(key: key, path: path, position: node.position) { $0[keyPath: keyPath] = nil })
            return
        }
        guard case .object = node.value else {
            report(path, node.position, "expected a box {\"color\", \"padding\", \"shape\"} or false (no box), "
                   + "found \(node.foundDescription)")
            return
        }
        guard let fields = fields(of: node, at: path, keys: ManifestKeys.box, noun: "a box") else { return }
        patch.edits.append(StylePatch.Edit(key: key, path: path, position: node.position) {
            $0[keyPath: keyPath] = $0[keyPath: keyPath] ?? CaptionStyle.Box()
        })
        if let value = fields["color"], let color = color(value, at: path + "color") {
            patch.edits.append(StylePatch.Edit(key: key + ".color", path: path + "color", position: value.position) {
                $0[keyPath: keyPath]?.color = color
            })
        }
        if let value = fields["padding"], let padding = number(value, at: path + "padding") {
            patch.edits.append(StylePatch.Edit(key: key + ".padding", path: path + "padding", position: value.position) {
                $0[keyPath: keyPath]?.padding = padding
            })
        }
        if let value = fields["shape"], let shape = choice(value, at: path + "shape", as: CaptionStyle.Box.Shape.self) {
            patch.edits.append(StylePatch.Edit(key: key + ".shape", path: path + "shape", position: value.position) {
                $0[keyPath: keyPath]?.shape = shape
            })
        }
    }

    // MARK: Style values

    /// A share of the frame (sizes, widths, margins): any JSON number; ranges are `CaptionStyle.problems`' to judge.
    private mutating func number(_ node: JSONNode, at path: JSONPath) -> Double? {
        guard case .number(let literal) = node.value, let value = Double(literal), value.isFinite else {
            report(path, node.position, "expected a number (a share of the frame, such as 0.055), found \(node.foundDescription)")
            return nil
        }
        return value
    }

    mutating func integer(_ node: JSONNode, at path: JSONPath, in range: ClosedRange<Int>) -> Int? {
        if case .number(let literal) = node.value, let decimal = DecimalLiteral(literal),
           case .value(let value) = decimal.scaled(byPowerOfTen: 0), range.contains(Int(value)) {
            return Int(value)
        }
        report(path, node.position, "expected a whole number from \(range.lowerBound) to \(range.upperBound), "
               + "found \(node.foundDescription)")
        return nil
    }

    private mutating func bool(_ node: JSONNode, at path: JSONPath) -> Bool? {
        guard case .bool(let flag) = node.value else {
            report(path, node.position, "expected true or false, found \(node.foundDescription)")
            return nil
        }
        return flag
    }

    private mutating func color(_ node: JSONNode, at path: JSONPath) -> RGBAColor? {
        if case .string(let text) = node.value, let color = RGBAColor(hex: text) { return color }
        report(path, node.position, "expected a colour \"#RRGGBB\" or \"#RRGGBBAA\" (AA is opacity, FF opaque), "
               + "such as \"#FFFFFF\" or \"#000000CC\", found \(node.foundDescription)")
        return nil
    }

    /// A duration written like any manifest time (seconds or "MM:SS.mmm"), in whole milliseconds (rounded).
    private mutating func milliseconds(_ node: JSONNode, at path: JSONPath) -> Int64? {
        time(node, at: path).map { roundedMilliseconds($0.value.microseconds) }
    }

    /// One of the enumeration's raw values.
    mutating func choice<Choice: RawRepresentable & CaseIterable>(_ node: JSONNode, at path: JSONPath,
                                                                 as type: Choice.Type) -> Choice?
    where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        if case .string(let text) = node.value, let value = Choice(rawValue: text) { return value }
        var message = "expected one of \(names.joined(separator: ", ")), found \(node.foundDescription)"
        if case .string(let text) = node.value, let suggestion = closestMatch(to: text, in: names) {
            message += "; did you mean \(quoted(suggestion))?"
        }
        report(path, node.position, message)
        return nil
    }

    // MARK: Outputs, clips

    /// `"burned"`, `"soft"`, `"both"` or `"none"`.
    mutating func captionMode(_ node: JSONNode, at path: JSONPath) -> CaptionMode? {
        choice(node, at: path, as: CaptionMode.self)
    }

    /// `{"name": "Dr A. Example", "role": "GP partner"}`.
    mutating func speaker(_ node: JSONNode, at path: JSONPath) -> Speaker? {
        guard let fields = fields(of: node, at: path, keys: ManifestKeys.speaker, noun: "a speaker") else { return nil }
        guard let name = text(fields, "name") else { return nil }
        return Speaker(name: name, role: text(fields, "role"))
    }

    /// `[{"start": 0.5, "end": 3.2, "text": "…"}, …]`, times from the clip's `in`.
    mutating func clipCues(_ node: JSONNode, at path: JSONPath) -> [ClipCueDraft] {
        guard let items = array(node, at: path, noun: "a list of captions {\"start\", \"end\", \"text\"}") else {
            return []
        }
        var cues: [ClipCueDraft] = []
        for (index, item) in items.enumerated() {
            let at = path + index
            guard let fields = fields(of: item, at: at, keys: ManifestKeys.clipCue, noun: "a caption") else { continue }
            let start = time(fields, "start"), end = time(fields, "end")
            let text = located(fields, "text", nonEmpty: true)
            guard let start, let end, let text else { continue }
            guard end.value > start.value else {
                report(end.path, end.position,
                       "expected end after start (\(start.value.exactDescription)), found \(end.value.exactDescription)")
                continue
            }
            let cue = Cue(start: roundedMilliseconds(start.value.microseconds),
                          end: roundedMilliseconds(end.value.microseconds), text: text.value)
            if let problem = cue.readingSpeedProblem { warn(text.path, text.position, problem) }
            cues.append(ClipCueDraft(cue: cue, path: at, startPosition: start.position, endPosition: end.position))
        }
        return cues
    }

    /// A clip's own cues that reach past its end are cut there (or never shown): worth a warning.
    mutating func checkClipCues(_ cues: [ClipCueDraft], clipLength microseconds: Int64) {
        let length = roundedMilliseconds(microseconds)
        let lengthText = SourceTime(microseconds: length * 1000).exactDescription
        for draft in cues where draft.cue.end > length {
            if draft.cue.start >= length {
                warn(draft.path + "start", draft.startPosition,
                     "caption starts at \(SourceTime(microseconds: draft.cue.start * 1000).exactDescription) from the clip's in, "
                     + "at or after the clip's end (\(lengthText)); it is never shown")
            } else {
                warn(draft.path + "end", draft.endPosition,
                     "caption ends at \(SourceTime(microseconds: draft.cue.end * 1000).exactDescription) from the clip's in, "
                     + "after the clip's end (\(lengthText)); it is cut there")
            }
        }
    }

    // MARK: Style problems

    /// Values the caption renderer cannot honour (`CaptionStyle.problems`, `LowerThirdStyle.problems`), reported
    /// where they were written: the project's block against the defaults, each output's block against the
    /// project's style (a value the output did not write is the project's problem, reported once, there).
    mutating func checkStyles(_ draft: ManifestDraft) {
        let projectStyle = draft.style?.applied(to: Style()) ?? Style()
        if let patch = draft.style { reportProblems(of: projectStyle, writtenBy: patch) }
        for output in draft.outputs {
            guard let patch = output.style else { continue }
            reportProblems(of: patch.applied(to: projectStyle), writtenBy: patch)
        }
    }

    private mutating func reportProblems(of style: Style, writtenBy patch: StylePatch) {
        let problems = style.captions.problems.map { ("captions." + $0.key, $0.message) }
            + style.speaker.problems.map { ("speaker." + $0.key, $0.message) }
        for (key, message) in problems {
            guard let edit = patch.edit(for: key) else { continue }
            report(edit.path, edit.position, message)
        }
    }
}

/// Microseconds to the nearest millisecond (captions are timed in whole milliseconds).
func roundedMilliseconds(_ microseconds: Int64) -> Int64 {
    (microseconds + (microseconds >= 0 ? 500 : -500)) / 1000
}

// MARK: - Caption files (read by the loader)

extension ManifestDecoder {
    /// Reads every source's caption file: it must exist and be a file; then every problem the caption parser
    /// finds is reported at the file's own line. Relative paths resolve against the manifest's folder, like
    /// media; messages name the file as the manifest's folder plus the path written, so that from where the
    /// command ran an editor opens it (`projects/x/captions/may1.srt:14: …`).
    mutating func readCaptionFiles(_ draft: inout ManifestDraft) {
        for index in draft.sources.indices {
            guard let written = draft.sources[index].captions else { continue }
            guard let url = existingFile(written, expected: "a caption file (.srt or .vtt)") else { continue }
            let data: Data
            do {
                data = try Data(contentsOf: url)
            } catch {
                report(written.path, written.position, "cannot read \(url.path): \(error.localizedDescription)")
                continue
            }
            let parsed = CaptionFile.parse(contents: data, fileName: shownPath(of: written.value))
            for problem in parsed.diagnostics + parsed.diagnosticsForReadingSpeed() { report(problem) }
            draft.sources[index].captionFile = parsed
            draft.sources[index].captionURL = url
        }
    }

    /// A file named in the manifest, as messages show it: relative to where the command ran, when the manifest
    /// path was given that way.
    func shownPath(of written: String) -> String {
        if written.hasPrefix("/") { return written }
        guard let slash = file.lastIndex(of: "/") else { return written }
        return String(file[...slash]) + written
    }

    /// Cues that run past the end of their recording: kept (retiming trims them), but probably a mistimed file.
    mutating func checkCaptionTimes(_ source: SourceDraft, recordingMicroseconds: Int64) {
        guard let parsed = source.captionFile else { return }
        // A cue ending within the recording's last (partial) millisecond is not past it.
        let duration = (recordingMicroseconds + 999) / 1000
        for warning in parsed.diagnosticsForCues(pastEnd: duration) { report(warning) }
    }
}
