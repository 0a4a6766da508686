// Manifest format 1: gives the positioned JSON tree its meaning and checks every rule that needs no media.
//
// Decoding never stops at the first problem: each reader records a diagnostic and returns nil, and the drafts
// below hold whatever was readable, so that cross-references (clip.source → sources, sequence → clips) are
// still checked around a broken value. Only a draft without errors becomes a Project (ManifestLoader).
//
// Adding a key to the format: one entry in `ManifestKeys`, one field in the draft, one line in its `decode…`.
// Cards, transitions and the style block's card keys are read in CardKeys.swift, captions in CaptionKeys.swift.

import Foundation
import ProvokeCaptions
import ProvokeSystem

// MARK: - The keys each object may have

struct ManifestKey {
    var name: String
    var isRequired: Bool
    static func required(_ name: String) -> ManifestKey { ManifestKey(name: name, isRequired: true) }
    static func optional(_ name: String) -> ManifestKey { ManifestKey(name: name, isRequired: false) }
}

enum ManifestKeys {
    static let root: [ManifestKey] = [
        .required("provoke"), .required("project"), .required("sources"), .optional("ideas"), .required("clips"),
        .optional("cards"), .required("outputs"), .optional("style"), .optional("speakers"),
    ]
    static let project: [ManifestKey] = [.required("id"), .required("title"), .optional("event"), .optional("date")]
    static let source: [ManifestKey] = [.required("id"), .required("file"), .optional("captions")]
    static let idea: [ManifestKey] = [.required("id"), .required("text")]
    static let clip: [ManifestKey] = [
        .required("id"), .required("source"), .required("in"), .required("out"), .optional("ideas"),
        .optional("captions"), .optional("speaker"), .optional("quote"), .optional("pad"),
    ]
    /// A clip timed by what was said (`quote`) instead of `in` and `out`; `source` only narrows the search.
    static let quoteClip: [ManifestKey] = [
        .required("id"), .required("quote"), .optional("source"), .optional("pad"), .optional("ideas"),
        .optional("captions"), .optional("speaker"),
    ]
    /// A value of the top-level `speakers` map, keyed by the name a transcript gives.
    static let speakerEntry: [ManifestKey] = [.optional("name"), .optional("role")]
    static let output: [ManifestKey] = [
        .required("id"), .required("audience"), .required("title"), .required("sequence"), .optional("captions"),
        .optional("style"), .optional("preset"), .optional("max_mb"), .optional("poster"), .optional("loudness"),
        .optional("personalise"),
    ]
    /// The object form of a `sequence` entry.
    static let sequenceItem: [ManifestKey] = [.required("item"), .optional("transition")]
    /// `sequence[].transition`: how the item comes in after the one before it.
    static let transition: [ManifestKey] = [.required("type"), .optional("duration")]
    /// The keys every card has; the rest depend on its template (`cardFields`).
    static let card: [ManifestKey] = [.required("id"), .required("template"), .required("duration")]
    /// The text keys of each template, in the order the README lists them. A key of another template is an
    /// error on this one (a `statement` card would not show `points`, so writing them is a mistake).
    static func cardFields(_ template: CardTemplate) -> [ManifestKey] {
        switch template {
        case .title: return [.optional("text"), .optional("event"), .optional("date")]
        case .statement: return [.required("text")]
        case .quote: return [.required("text"), .optional("attribution")]
        case .points: return [.required("points")]
        case .stat: return [.required("value"), .optional("label")]
        case .end: return [.required("text"), .optional("url")]
        }
    }
    /// One of a clip's own cues, timed from the clip's `in`.
    static let clipCue: [ManifestKey] = [.required("start"), .required("end"), .required("text")]
    static let speaker: [ManifestKey] = [.required("name"), .optional("role")]
    /// The `style` block (project level and per output): the card keys, then captions' and speakers' blocks
    /// (keys as the README's Captions section lists them).
    static let style: [ManifestKey] = [
        "font", "background", "text", "accent", "logo", "music", "musicLevel", "captions", "speaker", "presets",
    ].map(ManifestKey.optional)
    static let captionStyle: [ManifestKey] = [
        "font", "size", "bold", "color", "outlineColor", "outlineWidth", "box", "position", "safeArea",
        "maxLineLength", "maxLines", "minDuration",
    ].map(ManifestKey.optional)
    static let speakerStyle: [ManifestKey] = [
        "font", "nameSize", "roleSize", "color", "outlineColor", "outlineWidth", "box", "safeArea", "corner",
        "duration", "maxLineLength",
    ].map(ManifestKey.optional)
    static let box: [ManifestKey] = ["color", "padding", "shape"].map(ManifestKey.optional)
}

// MARK: - Drafts: what was readable, with where it was

struct Located<Value> {
    var value: Value
    var path: JSONPath
    var position: TextPosition
}

struct ProjectDraft {
    var id: Located<String>?
    var title: String?
    var event: String?
    var date: String?
}

struct SourceDraft {
    var path: JSONPath
    var id: Located<String>?
    var file: Located<String>?
    /// `captions` as written, and the file as read (by the loader, which reads files; nil until then).
    var captions: Located<String>?
    var captionFile: CaptionFile?
    var captionURL: URL?
}

struct IdeaDraft {
    var path: JSONPath
    var id: Located<String>?
    var text: String?
}

struct ClipDraft {
    var path: JSONPath
    var id: Located<String>?
    var source: Located<String>?
    var `in`: Located<SourceTime>?
    var out: Located<SourceTime>?
    /// Nil when the list itself is malformed (absent means empty).
    var ideas: [Located<String>]?
    /// The clip's own cues as read (absent means none).
    var captions: [ClipCueDraft] = []
    var speaker: Speaker?
    /// `quote` and `pad` as written; `quoted` once the loader has found the quote in a transcript (then `in`,
    /// `out` and, if it was left out, `source` are set from it, located at the quote).
    var quote: Located<String>?
    var pad: Located<SourceTime>?
    var quoted: QuotedRange?
}

/// One of `clips[].captions`, in milliseconds from the clip's `in`, with where its times were written.
struct ClipCueDraft {
    var cue: Cue
    var path: JSONPath
    var startPosition: TextPosition
    var endPosition: TextPosition
}

struct OutputDraft {
    var path: JSONPath
    var id: Located<String>?
    var audience: Audience?
    var title: String?
    var sequence: [SequenceItemDraft]?
    /// Nil when absent (the default, both) or unreadable (reported).
    var captions: CaptionMode?
    var style: StylePatch?
    /// `preset`, `max_mb`, `poster` (Presets.swift).
    var delivery = DeliveryDraft()
    /// Nil when absent (the default, -16 LUFS) or unreadable (reported).
    var loudness: LoudnessTarget?
    /// `personalise` (Personalise.swift); nil when absent or unreadable.
    var personalise: PersonaliseDraft?
}

struct ManifestDraft {
    var project: ProjectDraft?
    var sources: [SourceDraft] = []
    var ideas: [IdeaDraft] = []
    var clips: [ClipDraft] = []
    var cards: [CardDraft] = []
    var outputs: [OutputDraft] = []
    /// The project-level `style` block, if any.
    var style: StylePatch?
    /// The top-level `speakers` map: how each name a transcript gives is shown, in document order.
    var speakers: [SpeakerMapDraft] = []
    /// Lists that are missing, not arrays, or have an element that is not an object: the ids declared there
    /// are unknown, so a reference into them cannot be called dangling.
    var unreadableLists: Set<String> = []
}

/// An object's members by key, after unknown and missing keys have been reported.
struct ObjectFields {
    var path: JSONPath
    var position: TextPosition
    var members: [String: JSONNode]
    subscript(key: String) -> JSONNode? { members[key] }
}

// MARK: - Decoder

struct ManifestDecoder {
    static let formatVersion = 1
    /// Ids name output files (`<output-id>.mp4`): lowercase ASCII, digits and '-', not
    /// starting with '-' (a command would read it as an option), and short enough for any file system.
    static let maximumIDLength = 100

    let file: String
    let baseURL: URL
    private(set) var diagnostics: [Diagnostic] = []

    init(file: String, baseURL: URL) {
        self.file = file
        self.baseURL = baseURL
    }

    var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    mutating func report(_ path: JSONPath, _ position: TextPosition, _ message: String) {
        record(.error, path, position, message)
    }

    mutating func warn(_ path: JSONPath, _ position: TextPosition, _ message: String) {
        record(.warning, path, position, message)
    }

    private mutating func record(_ severity: Diagnostic.Severity, _ path: JSONPath, _ position: TextPosition,
                                 _ message: String) {
        diagnostics.append(Diagnostic(file: file, path: path.description, line: position.line,
                                      column: position.column, severity: severity, message: message))
    }

    /// A problem inside a caption file: reported at the caption file's line (no column, no JSON path), so
    /// `provoke validate` prints `captions/may1.srt:14: message`.
    mutating func report(_ caption: CaptionDiagnostic) {
        diagnostics.append(Diagnostic(file: caption.file, path: "", line: caption.line, column: 0,
                                      severity: caption.severity == .error ? .error : .warning,
                                      message: caption.message))
    }

    // MARK: Document

    /// Reads the whole document; nil when nothing sensible can be read (the root is not an object, or the
    /// manifest is for a newer format).
    mutating func decode(_ document: JSONDocument) -> ManifestDraft? {
        let root = document.root
        guard case .object(let rootMembers) = root.value else {
            report(.root, root.position, "expected a manifest object {\"provoke\": 1, …}, found \(root.foundDescription)")
            return nil
        }
        // The version decides how to read everything else, so a newer manifest gets this one error, not a
        // list of "unknown key" errors for features this program has never heard of.
        if let version = rootMembers.first(where: { $0.key == "provoke" })?.value, !checkVersion(version) {
            return nil
        }
        for duplicate in document.duplicateKeys {
            report(duplicate.objectPath + duplicate.key, duplicate.position,
                   "duplicate key \(quoted(duplicate.key)) (first at line \(duplicate.firstPosition.line)); "
                   + "expected each key once per object")
        }
        guard let fields = fields(of: root, at: .root, keys: ManifestKeys.root, noun: "a manifest") else { return nil }

        var draft = ManifestDraft()
        if let project = fields["project"] { draft.project = decodeProject(project, at: JSONPath.root + "project") }
        draft.sources = list(fields, "sources", noun: "sources", unreadable: &draft.unreadableLists) { $0.decodeSource($1, at: $2) }
        draft.ideas = list(fields, "ideas", noun: "ideas", unreadable: &draft.unreadableLists) { $0.decodeIdea($1, at: $2) }
        draft.clips = list(fields, "clips", noun: "clips", unreadable: &draft.unreadableLists) { $0.decodeClip($1, at: $2) }
        draft.cards = list(fields, "cards", noun: "cards", unreadable: &draft.unreadableLists) { $0.decodeCard($1, at: $2) }
        draft.outputs = list(fields, "outputs", noun: "outputs", unreadable: &draft.unreadableLists) { $0.decodeOutput($1, at: $2) }
        if let style = fields["style"] { draft.style = decodeStyle(style, at: JSONPath.root + "style") }
        if let speakers = fields["speakers"] { draft.speakers = speakerMap(speakers, at: JSONPath.root + "speakers") }
        if let outputs = fields["outputs"], case .array(let items) = outputs.value, items.isEmpty {
            report(JSONPath.root + "outputs", outputs.position, "expected at least one output, found an empty array")
        }

        checkReferences(draft)
        checkCards(draft)
        checkPlaceholders(draft)
        checkTransitions(draft)
        checkStyles(draft)
        checkPresets(draft)
        // Unused sources, clips and cards are warned about by the loader, once quotes have named their sources.
        return draft
    }

    /// False when the manifest is for a newer format (reading on would only produce noise).
    private mutating func checkVersion(_ node: JSONNode) -> Bool {
        let path = JSONPath.root + "provoke"
        let current = ManifestDecoder.formatVersion
        guard case .number(let literal) = node.value,
              let decimal = DecimalLiteral(literal), case .value(let version) = decimal.scaled(byPowerOfTen: 0),
              version >= 1
        else {
            report(path, node.position, "expected the format version \(current), found \(node.foundDescription)")
            return true
        }
        if version > current {
            report(path, node.position, "this manifest needs provoke format \(version); this program reads \(current)")
            return false
        }
        return true
    }

    // MARK: Objects

    private mutating func decodeProject(_ node: JSONNode, at path: JSONPath) -> ProjectDraft? {
        guard let fields = fields(of: node, at: path, keys: ManifestKeys.project, noun: "the project") else {
            return nil
        }
        return ProjectDraft(id: id(fields, "id"), title: title(fields, "title"), event: text(fields, "event"),
                            date: text(fields, "date"))
    }

    private mutating func decodeSource(_ node: JSONNode, at path: JSONPath) -> SourceDraft? {
        guard let fields = fields(of: node, at: path, keys: ManifestKeys.source, noun: "a source") else { return nil }
        return SourceDraft(path: path, id: id(fields, "id"), file: located(fields, "file", nonEmpty: true),
                           captions: located(fields, "captions", nonEmpty: true))
    }

    private mutating func decodeIdea(_ node: JSONNode, at path: JSONPath) -> IdeaDraft? {
        guard let fields = fields(of: node, at: path, keys: ManifestKeys.idea, noun: "an idea") else { return nil }
        return IdeaDraft(path: path, id: id(fields, "id"), text: text(fields, "text"))
    }

    private mutating func decodeClip(_ node: JSONNode, at path: JSONPath) -> ClipDraft? {
        // A clip with a quote is timed by the transcript, so its in and out would contradict it.
        let quoted = if case .object(let members) = node.value { members.contains { $0.key == "quote" } } else { false }
        guard let fields = fields(of: node, at: path, keys: quoted ? ManifestKeys.quoteClip : ManifestKeys.clip,
                                  noun: "a clip", misplaced: { ManifestDecoder.misplacedClipKey($0, inQuoteClip: quoted) })
        else { return nil }
        var ideas: [Located<String>]? = []
        if let list = fields["ideas"] {
            ideas = array(list, at: path + "ideas", noun: "a list of idea ids")?.enumerated().compactMap {
                located($1, at: path + "ideas" + $0, nonEmpty: false)
            }
        }
        var clip = ClipDraft(path: path, id: id(fields, "id"), source: located(fields, "source", nonEmpty: false),
                             in: time(fields, "in"), out: time(fields, "out"), ideas: ideas)
        if let list = fields["captions"] { clip.captions = clipCues(list, at: path + "captions") }
        if let speaker = fields["speaker"] { clip.speaker = self.speaker(speaker, at: path + "speaker") }
        clip.quote = located(fields, "quote", nonEmpty: true)
        if let pad = fields["pad"] {
            if quoted { clip.pad = time(pad, at: path + "pad") } else {
                report(path + "pad", pad.position, "expected \"pad\" only with a \"quote\" (it widens the range the quote "
                       + "is found at); a clip with in and out is padded by moving them")
            }
        }
        return clip
    }

    private mutating func decodeOutput(_ node: JSONNode, at path: JSONPath) -> OutputDraft? {
        guard let fields = fields(of: node, at: path, keys: ManifestKeys.output, noun: "an output") else {
            return nil
        }
        var sequence: [SequenceItemDraft]?
        if let list = fields["sequence"],
           let items = array(list, at: path + "sequence", noun: "a list of clip and card ids") {
            if items.isEmpty {
                report(path + "sequence", list.position, "expected at least one clip or card id, found an empty array")
            }
            sequence = items.enumerated().compactMap { sequenceItem($1, at: path + "sequence" + $0) }
        }
        return OutputDraft(path: path, id: id(fields, "id"), audience: audience(fields, "audience"),
                           title: title(fields, "title"), sequence: sequence,
                           captions: fields["captions"].flatMap { captionMode($0, at: path + "captions") },
                           style: fields["style"].flatMap { decodeStyle($0, at: path + "style") },
                           delivery: deliveryKeys(fields),
                           loudness: fields["loudness"].flatMap { loudness($0, at: path + "loudness") },
                           personalise: fields["personalise"].flatMap { decodePersonalise($0, at: path + "personalise") })
    }

    /// `"opening"` or `{"item": "opening", "transition": {…}}`. An item whose transition is unreadable is kept
    /// (without it), so its id is still resolved.
    private mutating func sequenceItem(_ node: JSONNode, at path: JSONPath) -> SequenceItemDraft? {
        switch node.value {
        case .string(let id):
            return SequenceItemDraft(item: Located(value: id, path: path, position: node.position))
        case .object:
            guard let fields = fields(of: node, at: path, keys: ManifestKeys.sequenceItem, noun: "a sequence item")
            else { return nil }
            let transition = fields["transition"].flatMap { self.transition($0, at: path + "transition") }
            guard let item = located(fields, "item", nonEmpty: false) else { return nil }
            return SequenceItemDraft(item: item, transition: transition)
        default:
            report(path, node.position, "expected a clip or card id, or an object {\"item\": \"id\", \"transition\": {…}}, "
                   + "found \(node.foundDescription)")
            return nil
        }
    }

    // MARK: Cross-references

    private mutating func checkReferences(_ draft: ManifestDraft) {
        let unreadable = draft.unreadableLists
        let sources = register(draft.sources.map(\.id), kind: "source", complete: !unreadable.contains("sources"))
        let ideas = register(draft.ideas.map(\.id), kind: "idea", complete: !unreadable.contains("ideas"))
        // Clips and cards share one namespace: a sequence item names either, so the id alone must say which.
        let items = register(draft.clips.map { ($0.id, "clip") } + draft.cards.map { ($0.id, "card") },
                             complete: !unreadable.contains("clips") && !unreadable.contains("cards"))
        _ = register(draft.outputs.map(\.id), kind: "output", complete: true)

        for clip in draft.clips {
            if let source = clip.source { resolve(source, in: sources, kind: "source") }
            for idea in clip.ideas ?? [] { resolve(idea, in: ideas, kind: "idea") }
            if let start = clip.in, let end = clip.out, end.value <= start.value {
                report(end.path, end.position,
                       "expected out after in (\(start.value.exactDescription)), found \(end.value.exactDescription)")
            } else if let start = clip.in, let end = clip.out {
                checkClipCues(clip.captions, clipLength: end.value.microseconds - start.value.microseconds)
            }
        }
        for output in draft.outputs {
            for item in output.sequence ?? [] {
                resolve(item.item, in: items, kind: "clip or card", plural: ("clips and cards", "clips or cards"))
            }
        }
    }

    /// Sources no clip uses, clips and cards no output shows. Only on an otherwise sound manifest: a broken list
    /// or a mistyped reference would make what it meant to name look unused, which is noise next to the real error.
    /// Called by the loader after quotes are resolved (a quote clip may leave its source to the transcript).
    mutating func warnUnused(_ draft: ManifestDraft) {
        guard !hasErrors else { return }
        let usedSources = Set(draft.clips.compactMap(\.source?.value))
        let usedItems = Set(draft.outputs.flatMap { ($0.sequence ?? []).map(\.item.value) })
        for source in draft.sources {
            if let id = source.id, !usedSources.contains(id.value) {
                warn(id.path, id.position, "source \(quoted(id.value)) is not used by any clip")
            }
        }
        for (kind, ids) in [("clip", draft.clips.map(\.id)), ("card", draft.cards.map(\.id))] {
            for case let id? in ids where !usedItems.contains(id.value) {
                warn(id.path, id.position, "\(kind) \(quoted(id.value)) is not in any output's sequence")
            }
        }
    }

    /// The ids of one kind in order, reporting repeats; nil when some declaration could not be read (then no
    /// reference to this kind is called dangling). A malformed id still counts as declared, so a reference to
    /// it is not reported a second time.
    private mutating func register(_ ids: [Located<String>?], kind: String, complete: Bool) -> [String]? {
        register(ids.map { ($0, kind) }, complete: complete)
    }

    /// Ids of kinds that share one namespace (clips and cards), each with its kind for the message.
    private mutating func register(_ ids: [(id: Located<String>?, kind: String)], complete: Bool) -> [String]? {
        var first: [String: (id: Located<String>, kind: String)] = [:]
        var order: [String] = []
        for case let (id?, kind) in ids {
            if let earlier = first[id.value] {
                let line = earlier.id.position.line
                if earlier.kind == kind {
                    report(id.path, id.position, "duplicate \(kind) id \(quoted(id.value)) (first at line \(line))")
                } else {
                    report(id.path, id.position, "duplicate id \(quoted(id.value)): the \(earlier.kind) at line \(line) "
                           + "has it, and clips and cards share one set of ids (a sequence item names either)")
                }
            } else {
                first[id.value] = (id, kind)
                order.append(id.value)
            }
        }
        return complete && !ids.contains(where: { $0.id == nil }) ? order : nil
    }

    /// `plural`: how the list of known ids and the lack of any are worded, when `kind + "s"` will not do.
    private mutating func resolve(_ reference: Located<String>, in known: [String]?, kind: String,
                                  plural: (known: String, none: String)? = nil) {
        guard let known, !known.contains(reference.value) else { return }
        var message = "unknown \(kind) \(quoted(reference.value)); "
        if let suggestion = closestMatch(to: reference.value, in: known) {
            message += "did you mean \(quoted(suggestion))? "
        }
        if known.isEmpty {
            message += "no \(plural?.none ?? kind + "s") are defined"
        } else {
            let shown = known.prefix(20).joined(separator: ", ")
            message += "known \(plural?.known ?? kind + "s"): \(shown)"
                + (known.count > 20 ? ", … (\(known.count - 20) more)" : "")
        }
        report(reference.path, reference.position, message)
    }

    // MARK: Readers (each reports its own problem and returns nil)

    /// The members of an object with exactly the allowed keys: reports unknown keys (at the key) and missing
    /// required ones (at the object's '{'). `misplaced` words the error for a key that belongs to another kind
    /// of the same object (a card of another template); nil for a key that is simply unknown.
    mutating func fields(of node: JSONNode, at path: JSONPath, keys: [ManifestKey], noun: String,
                         misplaced: (String) -> String? = { _ in nil }) -> ObjectFields? {
        let allowed = keys.map(\.name)
        guard case .object(let members) = node.value else {
            report(path, node.position, "expected \(noun) (an object with keys \(allowed.joined(separator: ", "))), "
                + "found \(node.foundDescription)")
            return nil
        }
        var byKey: [String: JSONNode] = [:]
        for member in members {
            guard allowed.contains(member.key) else {
                if let message = misplaced(member.key) {
                    report(path, member.keyPosition, message)
                    continue
                }
                let place = path.components.isEmpty ? "at the top level" : "in \(path)"
                var message = "unknown key \(quoted(member.key)) \(place); "
                if let suggestion = closestMatch(to: member.key, in: allowed) {
                    message += "did you mean \(quoted(suggestion))? "
                }
                report(path, member.keyPosition, message + "allowed: \(allowed.joined(separator: ", "))")
                continue
            }
            byKey[member.key] = member.value
        }
        let required = keys.filter(\.isRequired).map(\.name)
        for key in required where byKey[key] == nil {
            report(path, node.position, "missing key \(quoted(key)); required: \(required.joined(separator: ", "))")
        }
        return ObjectFields(path: path, position: node.position, members: byKey)
    }

    mutating func array(_ node: JSONNode, at path: JSONPath, noun: String) -> [JSONNode]? {
        guard case .array(let items) = node.value else {
            report(path, node.position, "expected \(noun) (an array), found \(node.foundDescription)")
            return nil
        }
        return items
    }

    /// Decodes each element of an array-valued key; elements that are not readable are left out, and the
    /// key is then added to `unreadable`. An absent key is an empty list (a missing required one is reported
    /// by `fields`, and marked unreadable).
    private mutating func list<Draft>(_ fields: ObjectFields, _ key: String, noun: String, unreadable: inout Set<String>,
                                      decode: (inout ManifestDecoder, JSONNode, JSONPath) -> Draft?) -> [Draft] {
        guard let node = fields[key] else {
            if ManifestKeys.root.contains(where: { $0.name == key && $0.isRequired }) { unreadable.insert(key) }
            return []
        }
        guard let items = array(node, at: fields.path + key, noun: "a list of \(noun)") else {
            unreadable.insert(key)
            return []
        }
        var drafts: [Draft] = []
        for (index, item) in items.enumerated() {
            if let draft = decode(&self, item, fields.path + key + index) {
                drafts.append(draft)
            } else {
                unreadable.insert(key)
            }
        }
        return drafts
    }

    mutating func located(_ fields: ObjectFields, _ key: String, nonEmpty: Bool) -> Located<String>? {
        guard let node = fields[key] else { return nil }
        return located(node, at: fields.path + key, nonEmpty: nonEmpty)
    }

    mutating func located(_ node: JSONNode, at path: JSONPath, nonEmpty: Bool) -> Located<String>? {
        guard case .string(let value) = node.value else {
            report(path, node.position, "expected a string, found \(node.foundDescription)")
            return nil
        }
        if nonEmpty && value.allSatisfy(\.isWhitespace) {
            report(path, node.position, "expected a non-empty string, found \(node.foundDescription)")
            return nil
        }
        // Control characters draw nothing: a card point of just "\u0000" would be an empty bullet.
        if nonEmpty && VisibleText.withoutControls(value).allSatisfy(\.isWhitespace) {
            report(path, node.position, "expected a non-empty string, found \(node.foundDescription), which has only"
                   + " control characters (they show nothing)")
            return nil
        }
        return Located(value: value, path: path, position: node.position)
    }

    /// Human text (titles, idea text): a non-empty string.
    mutating func text(_ fields: ObjectFields, _ key: String) -> String? {
        located(fields, key, nonEmpty: true)?.value
    }

    /// A title, which becomes the MP4's `title` (and `comment`) tag: one line of text without control characters.
    /// FFmpeg's metadata values are C strings, so a NUL would silently cut the tag short.
    mutating func title(_ fields: ObjectFields, _ key: String) -> String? {
        guard let title = located(fields, key, nonEmpty: true) else { return nil }
        guard !title.value.unicodeScalars.contains(where: VisibleText.isControl) else {
            report(title.path, title.position, "expected a title without control characters (NUL, line breaks, tabs;"
                   + " the MP4's title tag holds one line, and is cut at a NUL), found \(quoted(title.value))")
            return nil
        }
        return title.value
    }

    /// An id. Returned even when malformed (after reporting it), so references to it are not reported twice.
    mutating func id(_ fields: ObjectFields, _ key: String) -> Located<String>? {
        guard let id = located(fields, key, nonEmpty: false) else { return nil }
        if let problem = ManifestDecoder.idProblem(id.value) {
            var message = "expected \(problem), found \(quoted(id.value))"
            let suggestion = ManifestDecoder.suggestedID(for: id.value)
            if suggestion != id.value, ManifestDecoder.idProblem(suggestion) == nil {
                message += "; did you mean \(quoted(suggestion))?"
            }
            report(id.path, id.position, message)
        }
        return id
    }

    static func idProblem(_ id: String) -> String? {
        let rule = "an id of lowercase letters a-z, digits and '-', not starting with '-'"
        if id.isEmpty || id.hasPrefix("-") { return rule }
        if !id.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) {
            return rule
        }
        if id.count > maximumIDLength { return "an id of at most \(maximumIDLength) characters" }
        return nil
    }

    private static func suggestedID(for id: String) -> String {
        let words = id.lowercased().split { $0 == " " || $0 == "_" || $0 == "-" }
        return words.joined(separator: "-")
    }

    mutating func time(_ fields: ObjectFields, _ key: String) -> Located<SourceTime>? {
        guard let node = fields[key] else { return nil }
        return time(node, at: fields.path + key)
    }

    /// A time (seconds or a clock string), 0 or later.
    mutating func time(_ node: JSONNode, at path: JSONPath) -> Located<SourceTime>? {
        do {
            let microseconds: Int64
            switch node.value {
            case .number(let literal): microseconds = try TimeLiteral.microseconds(fromSeconds: literal)
            case .string(let text): microseconds = try TimeLiteral.microseconds(fromClock: text)
            default:
                report(path, node.position, "expected \(TimeLiteral.expectation), found \(node.foundDescription)")
                return nil
            }
            guard microseconds >= 0 else {
                report(path, node.position, "expected a time of 0 or later, found \(node.foundDescription)")
                return nil
            }
            return Located(value: SourceTime(microseconds: microseconds), path: path, position: node.position)
        } catch {
            report(path, node.position, error.message)
            return nil
        }
    }

    private mutating func audience(_ fields: ObjectFields, _ key: String) -> Audience? {
        guard let name = located(fields, key, nonEmpty: false) else { return nil }
        if let audience = Audience(rawValue: name.value) { return audience }
        let names = Audience.allCases.map(\.rawValue)
        var message = "expected one of \(names.joined(separator: ", ")), found \(quoted(name.value))"
        if let suggestion = closestMatch(to: name.value, in: names) { message += "; did you mean \(quoted(suggestion))?" }
        report(name.path, name.position, message)
        return nil
    }
}

