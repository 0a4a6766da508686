// The first stage of the pipeline: manifest file → validated Project, or every reason it is not one.
//
//   bytes ──JSONParser──▶ positioned tree ──ManifestDecoder──▶ drafts + diagnostics ──caption files, media checks──▶ Project?
//
// This module owns reading and validating the manifest. It must not import FFmpeg or render anything: media
// are looked at only through the injected SourceProbe, and without one the media checks are skipped; fonts only
// through the injected FontLocator (fontconfig, in ProvokeCards), and without one the font checks are skipped.
// Caption files are read always (planning needs their cues), and parsed by ProvokeCaptions; the style's logo
// and music must exist always (rendering reads them).

import Foundation
import ProvokeCaptions
import ProvokeSystem

public enum ManifestLoader {
    /// The manifest format this program reads (the root's `"provoke"` value).
    public static let formatVersion = ManifestDecoder.formatVersion

    /// Reads and validates the manifest at `url`. With a probe, also checks that every source file exists, is
    /// media with a video stream, and is long enough for the clips cut from it, and that the style's logo is a
    /// picture and its music sound; with nil, skips those checks (planning needs no media). With a font locator,
    /// checks that every font the style names exists and reads the family of a font file; with nil, skips that.
    public static func load(_ url: URL, probe: (any SourceProbe)?, fonts: (any FontLocator)? = nil) -> ManifestResult {
        // Reading a named pipe would wait for a writer forever.
        let kind = FileKind(path: absolute(url).path)
        guard kind == .regular || kind == .missing else {
            return ManifestResult(project: nil, diagnostics: [Diagnostic(
                file: displayPath(url), path: "", line: 0, column: 0, severity: .error,
                message: "expected a manifest file, found \(kind.phrase): \(absolute(url).path)")])
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path)
                ? "cannot read the manifest: \(error.localizedDescription)"
                : "file not found: \(absolute(url).path)"
            return ManifestResult(project: nil, diagnostics: [Diagnostic(
                file: displayPath(url), path: "", line: 0, column: 0, severity: .error, message: reason)])
        }
        return load(data: data, url: url, probe: probe, fonts: fonts)
    }

    /// Validates manifest bytes as if read from `url`: `url` names the file in diagnostics and its folder is
    /// where relative source, style and font paths are resolved.
    public static func load(data: Data, url: URL, probe: (any SourceProbe)?,
                            fonts: (any FontLocator)? = nil) -> ManifestResult {
        let file = displayPath(url)
        let manifestURL = absolute(url)
        let document: JSONDocument
        do {
            document = try JSONParser.parse(data)
        } catch {
            return ManifestResult(project: nil, diagnostics: [Diagnostic(
                file: file, path: error.path.description, line: error.position.line, column: error.position.column,
                severity: .error, message: error.message)])
        }

        var decoder = ManifestDecoder(file: file, baseURL: manifestURL.deletingLastPathComponent())
        var draft = decoder.decode(document)
        if draft != nil {
            decoder.readCaptionFiles(&draft!)
            decoder.resolveQuotes(&draft!)
            decoder.checkSpeakerMap(draft!)
            decoder.checkCardStyles(&draft!, probe: probe, fonts: fonts)
        }
        if draft != nil, let probe {
            let durations = decoder.checkMedia(draft!, probe: probe)
            decoder.clampQuotedClips(&draft!, durations: durations)
        } else if let draft {
            decoder.checkSourceKinds(draft)
        }
        if let draft { decoder.warnUnused(draft) }
        let project = decoder.hasErrors ? nil : draft.flatMap { decoder.project($0, manifestURL: manifestURL) }

        // Document order: a producer fixes a manifest top to bottom. Ties keep the order found. The manifest's
        // own problems come first, then each caption file's, in the order the files were named.
        var fileRank: [String: Int] = [file: 0]
        for d in decoder.diagnostics where fileRank[d.file] == nil { fileRank[d.file] = fileRank.count }
        let diagnostics = decoder.diagnostics.enumerated().sorted {
            (fileRank[$0.element.file]!, $0.element.line, $0.element.column, $0.offset)
                < (fileRank[$1.element.file]!, $1.element.line, $1.element.column, $1.offset)
        }.map(\.element)
        return ManifestResult(project: project, diagnostics: diagnostics)
    }

    /// A source's `file` resolved against the manifest's folder; absolute paths stay as they are. `..` is
    /// allowed (media often live beside the project folder); `~` is not expanded.
    public static func resolve(_ file: String, against folder: URL) -> URL {
        let url = file.hasPrefix("/") ? URL(fileURLWithPath: file) : folder.appendingPathComponent(file)
        return url.standardizedFileURL
    }

    /// The path as the caller gave it (relative stays relative), for messages.
    /// A problem found after loading (by the planner) as a diagnostic at the value `path` names (`outputs[1].poster`,
    /// as diagnostics write paths), located in the manifest at `url` as it is now; no position when the file no
    /// longer parses or has no such value.
    public static func diagnostic(_ url: URL, path: String?, message: String) -> Diagnostic {
        var line = 0, column = 0
        if let path, let data = try? Data(contentsOf: url), let document = try? JSONParser.parse(data),
           let node = node(at: path, in: document.root) {
            line = node.position.line
            column = node.position.column
        }
        return Diagnostic(file: displayPath(url), path: path ?? "", line: line, column: column, severity: .error,
                          message: message)
    }

    /// The value at a plain path (`outputs[1].sequence[0].transition`: keys and indexes).
    static func node(at path: String, in root: JSONNode) -> JSONNode? {
        var node = root
        var rest = Substring(path)
        while !rest.isEmpty {
            if rest.first == "." { rest = rest.dropFirst() }
            if rest.first == "[" {
                guard let close = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<close]),
                      case let .array(items) = node.value, items.indices.contains(index) else { return nil }
                node = items[index]
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                let key = String(rest[..<end])
                guard case let .object(members) = node.value, let member = members.first(where: { $0.key == key }) else {
                    return nil
                }
                node = member.value
                rest = rest[end...]
            }
        }
        return node
    }

    static func displayPath(_ url: URL) -> String {
        url.isFileURL ? url.relativePath : url.absoluteString
    }

    static func absolute(_ url: URL) -> URL {
        URL(fileURLWithPath: url.absoluteURL.path).standardizedFileURL
    }
}

extension ManifestDecoder {
    /// Resolves a path written in the manifest against its folder and checks that it names a regular file
    /// (symbolic links followed), reporting at the place it was written when it is missing, a folder, or a named
    /// pipe, device or socket: reading those would wait forever or never end.
    mutating func existingFile(_ written: Located<String>, expected: String) -> URL? {
        let url = ManifestLoader.resolve(written.value, against: baseURL)
        switch FileKind(path: url.path) {
        case .regular:
            return url
        case .missing:
            report(written.path, written.position, "file not found: \(url.path)")
        case let kind:
            report(written.path, written.position, "expected \(expected), found \(kind.phrase): \(url.path)")
        }
        return nil
    }

    /// Without media checks (`plan`), sources are still opened for their frame rates: one that is there but is
    /// not a regular file is refused here, before anything waits on it. A missing one is left to `render`.
    mutating func checkSourceKinds(_ draft: ManifestDraft) {
        for source in draft.sources {
            guard let file = source.file,
                  FileKind(path: ManifestLoader.resolve(file.value, against: baseURL).path) != .missing else { continue }
            _ = existingFile(file, expected: "a media file")
        }
    }

    /// Opens every source through the probe: it must exist, be media with a video stream, and last at least
    /// until the latest `out` of the clips cut from it (a quote clip's padding is clamped instead). Returns the
    /// length of each source that could be read.
    @discardableResult
    mutating func checkMedia(_ draft: ManifestDraft, probe: any SourceProbe) -> [String: SourceTime] {
        var durations: [String: SourceTime] = [:]
        for source in draft.sources {
            guard let id = source.id, let file = source.file else { continue }
            guard let url = existingFile(file, expected: "a media file") else { continue }
            let info: SourceMediaInfo
            do {
                info = try probe.probe(url)
            } catch {
                // The probe says what is wrong ("cut short", "not media"); the path says which file.
                report(file.path, file.position, "\(url.path): \(error)")
                continue
            }
            if !info.hasVideo {
                report(file.path, file.position, "expected a video stream, found none in \(url.path)")
            }
            if !info.hasAudio {
                warn(file.path, file.position,
                       "no audio stream in \(url.path); clips from it will be silent")
            }
            warnAboutLevelAndRotation(info, file, url)
            if durations[id.value] == nil { durations[id.value] = info.duration }
            checkCaptionTimes(source, recordingMicroseconds: info.duration.microseconds)
        }
        for clip in draft.clips {
            guard let out = clip.out, let source = clip.source, let duration = durations[source.value],
                  out.value > duration else { continue }
            if let quote = clip.quoted {
                // The words themselves must be in the recording; only the padding may be cut off.
                guard quote.place.match.end * 1000 > duration.microseconds else { continue }
                report(out.path, out.position, "the quote is said until \(quote.place.end), past the end of source "
                       + "\(quoted(source.value)) (\(duration.exactDescription)); is the transcript "
                       + "for this recording?")
                continue
            }
            report(out.path, out.position, "out \(out.value.exactDescription) is past the end of source "
                   + "\(quoted(source.value)) (\(duration.exactDescription))")
        }
        return durations
    }

    /// The validated model. Called only when no error was reported, so every required value is present;
    /// nil otherwise (a decoder bug, never a crash).
    func project(_ draft: ManifestDraft, manifestURL: URL) -> Project? {
        guard let head = draft.project, let id = head.id?.value, let title = head.title else { return nil }
        var sources: [Source] = []
        for source in draft.sources {
            guard let id = source.id?.value, let file = source.file?.value else { return nil }
            var captions: SourceCaptions?
            if let written = source.captions {
                guard let parsed = source.captionFile, let url = source.captionURL else { return nil }
                captions = SourceCaptions(file: written.value, url: url, format: parsed.format, cues: parsed.cues,
                                          lines: parsed.cueLines)
            }
            sources.append(Source(id: id, file: file, url: ManifestLoader.resolve(file, against: baseURL),
                                  captions: captions))
        }
        var ideas: [Idea] = []
        for idea in draft.ideas {
            guard let id = idea.id?.value, let text = idea.text else { return nil }
            ideas.append(Idea(id: id, text: text))
        }
        var clips: [Clip] = []
        let transcripts = Dictionary(transcriptSources(draft).map { ($0.source, $0.transcript) }) { first, _ in first }
        for clip in draft.clips {
            guard let id = clip.id?.value, let source = clip.source?.value, let start = clip.in?.value,
                  let end = clip.out?.value, let clipIdeas = clip.ideas else { return nil }
            // A clip that names no speaker is introduced by the transcript's, when the transcript names one.
            let speaker = clip.speaker ?? transcripts[source].flatMap {
                ManifestDecoder.transcriptSpeaker(from: $0, in: start, out: end, map: draft.speakers)
            }
            clips.append(Clip(id: id, source: source, in: start, out: end, ideas: clipIdeas.map(\.value),
                              captions: clip.captions.map(\.cue), speaker: speaker, quote: clip.quoted))
        }
        var cards: [Card] = []
        for card in draft.cards {
            guard let id = card.id?.value, let template = card.template, let duration = card.duration else { return nil }
            cards.append(Card(id: id, template: template, duration: duration.value.microseconds,
                              text: card.texts["text"]?.text, attribution: card.texts["attribution"]?.text,
                              points: card.points.map(\.text), value: card.texts["value"]?.text,
                              label: card.texts["label"]?.text, url: card.texts["url"]?.text,
                              event: card.texts["event"]?.text, date: card.texts["date"]?.text))
        }
        let projectStyle = draft.style?.applied(to: Style()) ?? Style()
        var outputs: [Output] = []
        for output in draft.outputs {
            guard let id = output.id?.value, let audience = output.audience, let title = output.title,
                  let sequence = output.sequence else { return nil }
            let items = sequence.map { item in
                SequenceItem(item: item.item.value, transition: item.transition.map {
                    Transition(kind: $0.kind.value, duration: $0.duration)
                })
            }
            var made = Output(id: id, audience: audience, title: title, sequence: items,
                              captions: output.captions ?? .both,
                              style: output.style?.applied(to: projectStyle) ?? projectStyle,
                              loudness: output.loudness ?? .standard,
                              personalise: output.personalise.flatMap { p in
                                  p.card.map { Personalise(card: $0.value, contacts: p.contacts) } })
            made.preset = ManifestDecoder.preset(output.delivery, custom: draft.style?.presets ?? [])
            made.maxBytes = output.delivery.maxBytes?.value
            made.poster = output.delivery.poster?.value
            outputs.append(made)
        }
        return Project(id: id, title: title, event: head.event, manifestURL: manifestURL, sources: sources,
                       ideas: ideas, clips: clips, cards: cards, outputs: outputs, style: projectStyle, date: head.date)
    }
}
