// The card keys of format 1: `cards[]` (animated text cards, each with a template and text that may differ per
// audience), `sequence[].transition`, and the fonts and files the style block's card keys name.
//
// Reading follows the rest of the decoder: each problem is reported at its JSON path and the drafts keep what was
// readable. What needs the whole manifest (an output showing a card that has no text for its audience, a
// transition longer than the items it joins) is checked once everything is read (`checkCards`,
// `checkTransitions`); what needs files or fontconfig is the loader's (`checkCardStyles`). What cards look like
// is ProvokeCards'; the README's manifest section lists the keys.

import Foundation
import ProvokeSystem

// MARK: - Drafts

/// One text a card shows (`text`, `attribution`, `points[2]`, …), with where it was written: the audience check
/// reports a missing audience there.
struct CardTextDraft {
    /// The field as messages name it: `text`, `points[2]`.
    var field: String
    var text: AudienceText
    var path: JSONPath
    var position: TextPosition
}

struct CardDraft {
    var path: JSONPath
    var id: Located<String>?
    var template: CardTemplate?
    /// Above 0 (a zero or unreadable duration is reported and left nil).
    var duration: Located<SourceTime>?
    /// The single-valued text fields, by key (`text`, `attribution`, `value`, `label`, `url`, `event`, `date`).
    var texts: [String: CardTextDraft] = [:]
    var points: [CardTextDraft] = []

    /// Every text the card shows, in document order.
    var allTexts: [CardTextDraft] {
        (texts.values + points).sorted { ($0.position.line, $0.position.column) < ($1.position.line, $1.position.column) }
    }
}

/// `sequence[].transition` as read.
struct TransitionDraft {
    var path: JSONPath
    var kind: Located<Transition.Kind>
    /// Whole microseconds: as written, or `ManifestDecoder.defaultTransitionDuration`.
    var duration: Int64
    /// Where `duration` was written, or the transition's `{` when it was left out (the default is used).
    var durationPosition: TextPosition
}

/// A `sequence` entry: the id of a clip or card, and how it comes in (nil: a hard cut).
struct SequenceItemDraft {
    var item: Located<String>
    var transition: TransitionDraft?
}

// MARK: - Reading cards

extension ManifestDecoder {
    /// A transition without a `duration` lasts half a second: long enough to read as a transition, short
    /// enough not to slow the argument down.
    static let defaultTransitionDuration: Int64 = 500_000
    /// The most `points` a points card shows: more would not fit the title-safe area at a readable size.
    static let maximumPoints = 6

    /// `{"id": …, "template": …, "duration": …}` plus the template's own text keys. The template is read first,
    /// since it decides which other keys are allowed; with no readable template every template's keys are
    /// allowed (and none required), so the one mistake is not reported again key by key.
    mutating func decodeCard(_ node: JSONNode, at path: JSONPath) -> CardDraft? {
        var template: CardTemplate?
        if case .object(let members) = node.value, let written = members.last(where: { $0.key == "template" }) {
            template = choice(written.value, at: path + "template", as: CardTemplate.self)
        }
        var anyTemplatesKeys: [ManifestKey] = []
        for key in CardTemplate.allCases.flatMap(ManifestKeys.cardFields)
        where !anyTemplatesKeys.contains(where: { $0.name == key.name }) {
            anyTemplatesKeys.append(.optional(key.name))
        }
        let keys = ManifestKeys.card + (template.map(ManifestKeys.cardFields) ?? anyTemplatesKeys)
        let misplaced = { (key: String) -> String? in
            guard let template else { return nil }
            let owners = CardTemplate.allCases.filter { ManifestKeys.cardFields($0).contains { $0.name == key } }
            guard !owners.isEmpty else { return nil }
            return "unknown key \(quoted(key)) for a \(template.rawValue) card (\(ManifestDecoder.list(owners.map(\.rawValue))) "
                + "cards have it); a \(template.rawValue) card takes: \(keys.map(\.name).joined(separator: ", "))"
        }
        guard let fields = fields(of: node, at: path, keys: keys, noun: "a card", misplaced: misplaced) else {
            return nil
        }

        var card = CardDraft(path: path, id: id(fields, "id"), template: template)
        if let written = fields["duration"], let duration = time(written, at: path + "duration") {
            if duration.value.microseconds > 0 {
                card.duration = duration
            } else {
                report(duration.path, duration.position, "expected a time above 0, found \(written.foundDescription)")
            }
        }
        for key in keys.map(\.name) where key != "points" && !ManifestKeys.card.contains(where: { $0.name == key }) {
            guard let written = fields[key], let text = audienceText(written, at: path + key) else { continue }
            card.texts[key] = CardTextDraft(field: key, text: text, path: path + key, position: written.position)
        }
        if let written = fields["points"] { card.points = points(written, at: path + "points") }
        return card
    }

    /// 1 to 6 texts. Every element is read (each may have its own problem) even when there are too many.
    private mutating func points(_ node: JSONNode, at path: JSONPath) -> [CardTextDraft] {
        guard let items = array(node, at: path, noun: "a list of points") else { return [] }
        if items.isEmpty {
            report(path, node.position, "expected 1 to \(ManifestDecoder.maximumPoints) points, found an empty array")
        } else if items.count > ManifestDecoder.maximumPoints {
            report(path, node.position, "expected at most \(ManifestDecoder.maximumPoints) points (more do not fit "
                   + "on a card at a readable size), found \(items.count)")
        }
        return items.enumerated().compactMap { index, item in
            audienceText(item, at: path + index).map {
                CardTextDraft(field: "points[\(index)]", text: $0, path: path + index, position: item.position)
            }
        }
    }

    /// `"words"` for every audience, or `{"icb": "…", "college": "…"}` per audience. Text is data: kept exactly
    /// as written (ASS overrides, quotes, emoji included); the card renderer escapes it. Nil when anything in it
    /// is unreadable, so a broken entry is not also reported as a missing audience.
    mutating func audienceText(_ node: JSONNode, at path: JSONPath) -> AudienceText? {
        switch node.value {
        case .string:
            return located(node, at: path, nonEmpty: true).map { .all($0.value) }
        case .object(let members):
            let names = Audience.allCases.map(\.rawValue)
            guard !members.isEmpty else {
                report(path, node.position, "expected a text for at least one audience (\(names.joined(separator: ", "))), "
                       + "found an empty object")
                return nil
            }
            var map: [Audience: String] = [:]
            var readable = true
            for member in members {
                guard let audience = Audience(rawValue: member.key) else {
                    var message = "unknown audience \(quoted(member.key)) in \(path); "
                    if let suggestion = closestMatch(to: member.key, in: names) {
                        message += "did you mean \(quoted(suggestion))? "
                    }
                    report(path, member.keyPosition, message + "audiences: \(names.joined(separator: ", "))")
                    readable = false
                    continue
                }
                guard let text = located(member.value, at: path + member.key, nonEmpty: true) else {
                    readable = false
                    continue
                }
                map[audience] = text.value
            }
            return readable ? .byAudience(map) : nil
        default:
            report(path, node.position, "expected a text (a string, or an object with one per audience "
                   + "{\"icb\": …, \"college\": …, \"government\": …}), found \(node.foundDescription)")
            return nil
        }
    }

    /// `{"type": "fade", "duration": 0.5}`; `duration` defaults to half a second and means nothing for a cut.
    mutating func transition(_ node: JSONNode, at path: JSONPath) -> TransitionDraft? {
        guard let fields = fields(of: node, at: path, keys: ManifestKeys.transition, noun: "a transition") else {
            return nil
        }
        let kind = fields["type"].flatMap { written in
            choice(written, at: path + "type", as: Transition.Kind.self)
                .map { Located(value: $0, path: path + "type", position: written.position) }
        }
        var duration = ManifestDecoder.defaultTransitionDuration, durationPosition = node.position
        if let written = fields["duration"] {
            guard let time = time(written, at: path + "duration") else { return nil }
            guard time.value.microseconds > 0 else {
                report(time.path, time.position, "expected a time above 0, found \(written.foundDescription)")
                return nil
            }
            duration = time.value.microseconds
            durationPosition = written.position
        }
        guard let kind else { return nil }
        return TransitionDraft(path: path, kind: kind, duration: duration, durationPosition: durationPosition)
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ words: [String]) -> String {
        guard words.count > 1 else { return words.first ?? "" }
        return words.dropLast().joined(separator: ", ") + " and " + words.last!
    }
}

// MARK: - Reading time

/// How long a card must stay up for its words to be read, in microseconds: 0.3 s a word (about 200 words a
/// minute, a slow reading pace, since the viewer is also taking in a picture that moves) plus 1 s for the card's
/// animation in and out, while the words are not all readable. The one place this rule lives; a card shorter
/// than this gets a warning, not an error (a producer may mean a card to flash by).
func minimumReadingDuration(words: Int) -> Int64 {
    let perWord: Int64 = 300_000, animation: Int64 = 1_000_000
    return animation + Int64(words) * perWord
}

/// Words as a reader counts them: runs of letters between spaces or line breaks.
func wordCount(_ text: String) -> Int {
    text.split(whereSeparator: { $0.isWhitespace }).count
}

/// A duration for messages: `5 s`, `2.8 s`, `0.000001 s` (no more digits than it has).
func secondsText(_ microseconds: Int64) -> String {
    let whole = microseconds / 1_000_000, fraction = microseconds % 1_000_000
    guard fraction != 0 else { return "\(whole) s" }
    var digits = String(fraction)
    digits = String(repeating: "0", count: 6 - digits.count) + digits
    while digits.hasSuffix("0") { digits.removeLast() }
    return "\(whole).\(digits) s"
}

// MARK: - Checks that need the whole manifest

extension ManifestDecoder {
    /// Cards too short to read (a warning, at `duration`), and cards an output shows without text for its
    /// audience (an error at the field, once per card, field and audience, naming the first output that shows it).
    mutating func checkCards(_ draft: ManifestDraft) {
        for card in draft.cards {
            guard let template = card.template, let duration = card.duration else { continue }
            // What the card shows for each audience; the longest variant is the one that must be readable.
            var fields = card.allTexts.map(\.text)
            if template == .title {
                for (key, fallback) in [("text", draft.project?.title), ("event", draft.project?.event),
                                        ("date", draft.project?.date)] where card.texts[key] == nil {
                    if let fallback { fields.append(.all(fallback)) }
                }
            }
            let words = Audience.allCases.map { audience in
                fields.reduce(0) { $0 + wordCount($1.text(for: audience) ?? "") }
            }.max() ?? 0
            let needed = minimumReadingDuration(words: words)
            if duration.value.microseconds < needed {
                let id = card.id.map { "card \(quoted($0.value))" } ?? "this card"
                warn(duration.path, duration.position,
                     "\(id) is on screen for \(secondsText(duration.value.microseconds)), too short to read its "
                     + "\(words) word\(words == 1 ? "" : "s"); make it at least \(secondsText(needed)) "
                     + "(0.3 s a word, plus 1 s to animate in and out)")
            }
        }

        var cards: [String: CardDraft] = [:]
        for card in draft.cards { if let id = card.id?.value, cards[id] == nil { cards[id] = card } }
        var reported = Set<String>()
        for output in draft.outputs {
            guard let audience = output.audience else { continue }
            for item in output.sequence ?? [] {
                guard let card = cards[item.item.value] else { continue }
                for text in card.allTexts where text.text.text(for: audience) == nil {
                    guard reported.insert("\(text.path) \(audience.rawValue)").inserted else { continue }
                    let shownBy = output.id.map { "output \(quoted($0.value)) shows it" } ?? "an output for it shows it"
                    report(text.path, text.position,
                           "card \(quoted(item.item.value)) has no \(text.field) for audience \(quoted(audience.rawValue)) "
                           + "(\(shownBy)); add \(quoted(audience.rawValue)): \"…\"")
                }
            }
        }
    }

    /// Transitions the items they join cannot hold, judged on the items' own lengths (a clip's out − in, a card's
    /// duration), which need no media: a crossfade on the first item (nothing to mix from); a crossfade longer
    /// than either item; a fade whose halves do not fit (the item before fades out over the first half, this one
    /// up over the second; a first item fades up over the whole). The time an item's own way in already takes
    /// is not free for the way out of it, as the planner counts.
    /// The longest crossfade, in microseconds: render keeps the earlier item's overlapping frames until the later
    /// item's arrive (90 frames at 30 fps, about 125 MB at 720p), so memory stays bounded.
    static let maximumCrossfade: Int64 = 3_000_000

    /// `involving`: only the transitions into or out of these items (the loader checks those next to a quote clip
    /// again once the quote has given the clip its length); nil for all.
    mutating func checkTransitions(_ draft: ManifestDraft, involving items: Set<String>? = nil) {
        var lengths: [String: Int64] = [:]
        for clip in draft.clips {
            guard let id = clip.id?.value, lengths[id] == nil, let start = clip.in, let end = clip.out,
                  end.value > start.value else { continue }
            lengths[id] = end.value.microseconds - start.value.microseconds
        }
        for card in draft.cards {
            guard let id = card.id?.value, lengths[id] == nil, let duration = card.duration else { continue }
            lengths[id] = duration.value.microseconds
        }

        for output in draft.outputs {
            let sequence = output.sequence ?? []
            // How much of the previous item its own transition in took, and so is not free for this one.
            var previousTaken: Int64 = 0
            for (index, item) in sequence.enumerated() {
                defer {
                    if let t = item.transition {
                        switch t.kind.value {
                        case .cut: previousTaken = 0
                        case .crossfade: previousTaken = t.duration
                        case .fade: previousTaken = index == 0 ? t.duration : t.duration - t.duration / 2
                        }
                    } else {
                        previousTaken = 0
                    }
                }
                guard let transition = item.transition, transition.kind.value != .cut else { continue }
                if let items, !items.contains(item.item.value),
                   index == 0 || !items.contains(sequence[index - 1].item.value) { continue }
                let duration = transition.duration
                let at = transition.path + "duration"
                if index == 0 {
                    if transition.kind.value == .crossfade {
                        report(transition.kind.path, transition.kind.position,
                               "\(quoted(item.item.value)) is the first item, so there is nothing to crossfade from; "
                               + "use \"fade\" to fade it up from the background")
                    } else if let length = lengths[item.item.value], duration > length {
                        report(at, transition.durationPosition,
                               "expected a fade of at most \(secondsText(length)), found \(secondsText(duration)) "
                               + "(the first item fades up over the whole fade, and \(quoted(item.item.value)) lasts "
                               + "\(secondsText(length)))")
                    }
                    continue
                }
                let before = sequence[index - 1].item.value
                guard let length = lengths[item.item.value], let beforeLength = lengths[before] else { continue }
                let free = beforeLength - previousTaken
                let beforeText = previousTaken > 0
                    ? "\(quoted(before)) has \(secondsText(max(0, free))) left after its own transition in"
                    : "\(quoted(before)) lasts \(secondsText(beforeLength))"
                let items = "\(beforeText), \(quoted(item.item.value)) lasts \(secondsText(length))"
                switch transition.kind.value {
                case .cut: break
                case .crossfade:
                    let limit = max(0, min(free, length))
                    if duration > limit {
                        report(at, transition.durationPosition,
                               "expected a crossfade of at most \(secondsText(limit)), found \(secondsText(duration)) "
                               + "(the two items overlap for the whole crossfade, so it fits in the shorter: \(items))")
                    } else if duration > ManifestDecoder.maximumCrossfade {
                        report(at, transition.durationPosition,
                               "expected a crossfade of at most \(secondsText(ManifestDecoder.maximumCrossfade)), found "
                               + "\(secondsText(duration)) (render holds the overlapping frames in memory, 1.4 MB each at 720p)")
                    }
                case .fade:
                    if duration / 2 > free || duration - duration / 2 > length {
                        report(at, transition.durationPosition,
                               "expected a fade of at most \(secondsText(max(0, 2 * min(free, length)))), found "
                               + "\(secondsText(duration)) (the item before fades out over the first half and this "
                               + "one up over the second, so each half fits in its item: \(items))")
                    }
                }
            }
        }
    }
}

// MARK: - Fonts and files the style names (read by the loader)

extension ManifestDecoder {
    /// A font value naming a file rather than a family.
    static func isFontFile(_ value: String) -> Bool {
        let lowered = value.lowercased()
        return [".ttf", ".otf", ".ttc"].contains { lowered.hasSuffix($0) }
    }

    /// What makes a family name unusable in an ASS style line (the caption renderer's rule, worded the same).
    static func fontFamilyProblem(_ family: String) -> String? {
        if family.contains(where: { $0 == "," || $0 == "{" || $0 == "}" || $0 == "\\" || $0.isNewline }) {
            return "expected a font family name without commas, braces, backslashes or line breaks, found \(quoted(family))"
        }
        return nil
    }

    /// The logo and music each style block names, and every font it names (cards', captions', speakers'),
    /// checked where they were written, so a value an output inherits is reported once, at the project's
    /// block. Files must exist (always: rendering reads them); with a probe, the logo must open as a picture
    /// and the music as sound. Fonts are checked only with a locator (fontconfig); a card font's family and
    /// folder are settled here either way, since the file must be read for them.
    mutating func checkCardStyles(_ draft: inout ManifestDraft, probe: (any SourceProbe)?, fonts: (any FontLocator)?) {
        let fontsFolder = baseURL.appendingPathComponent("assets/fonts", isDirectory: true).standardizedFileURL
        var isDirectory: ObjCBool = false
        let projectFonts = FileManager.default.fileExists(atPath: fontsFolder.path, isDirectory: &isDirectory)
            && isDirectory.boolValue ? fontsFolder : nil
        var known: [String: Bool] = [:]
        func installed(_ family: String, _ fonts: any FontLocator) -> Bool {
            if let answer = known[family] { return answer }
            let answer = fonts.hasFamily(family, orIn: projectFonts)
            known[family] = answer
            return answer
        }

        func check(_ patch: inout StylePatch) {
            // A still image opens in FFmpeg as a one-frame video stream, so "a picture" is "has video".
            let files: [(key: String, file: String, stream: String, holds: (SourceMediaInfo) -> Bool)] = [
                ("card.logo", "an image file", "a picture (a video stream)", \.hasVideo),
                ("card.music", "an audio file", "an audio stream", \.hasAudio),
            ]
            for file in files {
                guard let written = patch.named[file.key], let url = existingFile(written, expected: file.file),
                      let probe else { continue }
                do {
                    if !file.holds(try probe.probe(url)) {
                        report(written.path, written.position, "expected \(file.stream), found none in \(url.path)")
                    }
                } catch {
                    // The probe says what is wrong ("not media", "cut short"); the path says which file.
                    report(written.path, written.position, "\(url.path): \(error)")
                }
            }

            if let written = patch.named["card.font"], let index = patch.edits.lastIndex(where: { $0.key == "card.font" }) {
                if ManifestDecoder.isFontFile(written.value) {
                    let url = existingFile(written, expected: "a font file (.ttf, .otf or .ttc)")
                    if let url { checkFontsFolder(url.deletingLastPathComponent(), for: written) }
                    if let url, let fonts {
                        if let family = fonts.families(inFile: url)?.first {
                            patch.edits[index].apply = {
                                $0.card.font = family
                                $0.card.fontsDirectory = url.deletingLastPathComponent()
                            }
                        } else {
                            report(written.path, written.position, "\(url.path): not a font file fontconfig can read")
                        }
                    }
                } else {
                    let family = written.value
                    if let projectFonts { checkFontsFolder(projectFonts, for: written) }
                    patch.edits[index].apply = {
                        $0.card.font = family
                        $0.card.fontsDirectory = projectFonts
                    }
                    if let fonts, !installed(family, fonts) {
                        report(written.path, written.position, missingFamily(family) + "; install it, put its .ttf or "
                               + ".otf file in assets/fonts/, or name a font file (\"assets/fonts/\(family).ttf\")")
                    }
                }
            }
            guard let fonts else { return }
            for key in ["captions.font", "speaker.font"] {
                guard let written = patch.named[key], ManifestDecoder.fontFamilyProblem(written.value) == nil,
                      !installed(written.value, fonts) else { continue }
                report(written.path, written.position, missingFamily(written.value)
                       + "; install it or put its .ttf or .otf file in assets/fonts/ (captions take a family name, not a file)")
            }
        }
        func missingFamily(_ family: String) -> String {
            "no font family \(quoted(family)) is installed (fontconfig) and assets/fonts/ has none"
        }

        if draft.style != nil { check(&draft.style!) }
        for index in draft.outputs.indices where draft.outputs[index].style != nil {
            check(&draft.outputs[index].style!)
        }
    }

    /// The card renderer hands the font's folder to libass, which reads every file in it (ass_set_fonts_dir,
    /// libass 0.17): a named pipe there would hang `still` and `render`, a device would be read without end. So
    /// the folder may hold only regular files (and folders, which libass skips).
    mutating func checkFontsFolder(_ folder: URL, for written: Located<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names.sorted() {
            let path = folder.appendingPathComponent(name).path
            let kind = FileKind(path: path)
            guard kind != .regular, kind != .folder, kind != .missing else { continue }
            report(written.path, written.position, "expected only font files in \(folder.path) (libass reads every"
                   + " file there), found \(kind.phrase): \(path)")
        }
    }
}
