import ProvokeCaptions
import ProvokeManifest
import ProvokeSystem

/// The printable form of a RenderPlan (`provoke plan --json`): every segment with its source range in
/// seconds and frames and its output range, and every caption and speaker name with its output times, exactly
/// as render will execute it.
public struct PlanDocument: Codable, Equatable, Sendable {
    public struct SourceRange: Codable, Equatable, Sendable {
        public var source: String
        public var file: String
        public var clip: String
        /// Seconds from the source's start, [in, out).
        public var inSeconds: Double
        public var outSeconds: Double
        /// "HH:MM:SS.mmm"
        public var inTime: String
        public var outTime: String
        /// Source frames shown, first and last (inclusive), at the source's frame rate when known.
        public var firstFrame: Int?
        public var lastFrame: Int?
        public var frameRate: String?
    }
    public struct SegmentEntry: Codable, Equatable, Sendable {
        public var kind: String
        public var outputStart: Double
        public var outputEnd: Double
        public var outputStartTime: String
        public var outputEndTime: String
        /// Output frames [startFrame, endFrame).
        public var startFrame: Int
        public var endFrame: Int
        public var source: SourceRange?
        /// For cards: the template and the words this output's audience sees.
        public var card: CardEntry?
        /// How the segment comes in (absent: a hard cut).
        public var transition: TransitionEntry?
        public var ideas: [String]
    }
    public struct CardEntry: Codable, Equatable, Sendable {
        public var card: String
        public var template: CardTemplate
        public var text: String?
        public var attribution: String?
        public var points: [String]?
        public var value: String?
        public var label: String?
        public var url: String?
        public var event: String?
        public var date: String?
        /// Where the card's music starts in the bed, seconds (absent: the card is silent).
        public var musicFrom: Double?
    }
    public struct TransitionEntry: Codable, Equatable, Sendable {
        public var type: Transition.Kind
        /// Frames and seconds: for a crossfade, the overlap with the segment before; for a fade, the whole
        /// dip (`outFrames` of it on the segment before).
        public var frames: Int
        public var seconds: Double
        public var outFrames: Int?
        public var color: String?
    }
    /// One caption as the output shows it.
    public struct CaptionEntry: Codable, Equatable, Sendable {
        /// Output time, seconds (millisecond precision) and "HH:MM:SS.mmm"; shown from start to before end.
        public var start: Double
        public var end: Double
        public var startTime: String
        public var endTime: String
        public var text: String
        /// The clip it is shown over, and its segment (0-based, as in `segments`).
        public var clip: String
        public var segment: Int
        /// Where it was written: "source" (the source's caption file; `source` names the source, `cue` counts
        /// the file's cues from 1 and `writtenAt` is `file:line` of its timing line) or "clip" (the clip's own
        /// `captions`; `cue` counts them from 1).
        public var from: String
        public var source: String?
        public var cue: Int
        public var writtenAt: String?
        /// The cue as written, on its own clock: the recording's, or the clip's (from its `in`).
        public var writtenStartTime: String
        public var writtenEndTime: String
        /// Cut at the clip's in- or out-point.
        public var trimmed: Bool
        /// Seconds it was lengthened by to stay up for the style's minimum after a cut: before its start and
        /// after its end (absent when it was not).
        public var extendedBefore: Double?
        public var extendedAfter: Double?
        /// In `dropped` only: why it is not shown, in words.
        public var reason: String?
    }
    public struct SpeakerEntry: Codable, Equatable, Sendable {
        public var name: String
        public var role: String?
        public var start: Double
        public var end: Double
        public var startTime: String
        public var endTime: String
    }
    public struct CaptionsEntry: Codable, Equatable, Sendable {
        /// As the manifest says: burned, soft, both or none.
        public var mode: CaptionMode
        /// Drawn into the picture (libass); a mov_text track and .srt/.vtt sidecars written.
        public var burned: Bool
        public var soft: Bool
        public var cues: [CaptionEntry]
        /// Pieces of captions a cut left too short to read, not shown, each with its `reason`.
        public var dropped: [CaptionEntry]
        public var speakers: [SpeakerEntry]
    }
    public struct OutputEntry: Codable, Equatable, Sendable {
        public var output: String
        public var audience: Audience
        public var title: String
        public var file: String
        public var width: Int
        public var height: Int
        public var fps: Int
        public var frames: Int
        public var duration: Double
        /// "HH:MM:SS.mmm"
        public var durationTime: String
        public var audioSamples: Int
        public var tags: [String: String]
        public var segments: [SegmentEntry]
        public var captions: CaptionsEntry
        /// The delivery preset, the poster beside the MP4 and its frame, and for a size-capped output the cap
        /// (bytes) and the video's maximum rate (kbit/s) chosen for it.
        public var preset: String?
        public var poster: String?
        public var posterFrame: Int?
        public var maxBytes: Int64?
        public var videoMaxKbps: Int?
        /// The loudness target, and what a render measured when the cache holds it (`LoudnessRecord.swift`).
        public var loudness: LoudnessEntry?
    }
    /// A clip timed by a `quote`: where the transcript says it, and the range that gives the clip.
    public struct QuoteEntry: Codable, Equatable, Sendable {
        public var clip: String
        public var quote: String
        public var source: String
        /// The caption file and lines of the cues that say it (`captions/may1.vtt:14-15`).
        public var writtenAt: String
        /// 100: every word as written.
        public var score: Int
        public var speaker: String?
        /// The cues' range, then the clip's (padded, clamped to the recording), "HH:MM:SS.mmm".
        public var saidFromTime: String
        public var saidToTime: String
        public var inTime: String
        public var outTime: String
    }
    public var project: String
    public var title: String
    /// The clips timed by quotes (absent when none is, or the project was not given).
    public var quotes: [QuoteEntry]?
    public var outputs: [OutputEntry]

    /// - Parameter sourceFrameRates: the frame rate of each source id, when the files could be read; the
    ///   first and last source frames are given only for those.
    /// - Parameter project: the project planned, to say where its quote clips' ranges were found.
    public init(_ plan: RenderPlan, sourceFrameRates: [String: FrameRate] = [:], project source: Project? = nil) {
        project = plan.project
        title = plan.projectTitle
        let quoted = (source?.clips ?? []).compactMap { clip in
            clip.quote.map { q in
                QuoteEntry(clip: clip.id, quote: q.quote, source: clip.source, writtenAt: q.place.writtenAt,
                           score: q.place.match.score, speaker: q.place.speaker, saidFromTime: q.place.start.description,
                           saidToTime: q.place.end.description, inTime: clip.in.description, outTime: clip.out.description)
            }
        }
        quotes = quoted.isEmpty ? nil : quoted
        outputs = plan.outputs.map { o in
            let clock = o.format.clock
            func time(_ frame: Int) -> OutputTime { clock.time(ofFrame: frame) }
            let segments = o.segments.map { s -> SegmentEntry in
                var source: SourceRange?
                var card: CardEntry?
                var ideas: [String] = []
                switch s.content {
                case let .card(c):
                    card = CardEntry(card: c.card, template: c.template, text: c.text, attribution: c.attribution,
                                     points: c.points.isEmpty ? nil : c.points, value: c.value, label: c.label,
                                     url: c.url, event: c.event, date: c.date,
                                     musicFrom: c.musicOffset.map { Double($0) / Double(o.format.sampleRate) })
                case let .clip(c):
                    ideas = c.ideas
                    var first: Int?, last: Int?, rate: String?
                    if let sourceRate = sourceFrameRates[c.source] {
                        // The renderer's own frame choice, solved for the source frame numbers.
                        let timing = c.timing(clock)
                        first = timing.sourceFrame(shownAt: 0, sourceRate: sourceRate)
                        last = timing.sourceFrame(shownAt: s.frames.count - 1, sourceRate: sourceRate)
                        rate = sourceRate.description
                    }
                    source = SourceRange(source: c.source, file: c.file, clip: c.clip,
                                         inSeconds: c.sourceIn.seconds, outSeconds: c.sourceOut.seconds,
                                         inTime: c.sourceIn.description, outTime: c.sourceOut.description,
                                         firstFrame: first, lastFrame: last, frameRate: rate)
                }
                let transition = s.transition.map {
                    TransitionEntry(type: $0.kind, frames: $0.frames, seconds: clock.time(ofFrame: $0.frames).seconds,
                                    outFrames: $0.kind == .fade ? $0.outFrames : nil,
                                    color: $0.kind == .fade ? String(o.cardStyle.background.hex.prefix(7)) : nil)
                }
                return SegmentEntry(kind: card == nil ? "clip" : "card", outputStart: time(s.frames.start).seconds, outputEnd: time(s.frames.end).seconds,
                                    outputStartTime: time(s.frames.start).description, outputEndTime: time(s.frames.end).description,
                                    startFrame: s.frames.start, endFrame: s.frames.end, source: source, card: card,
                                    transition: transition, ideas: ideas)
            }
            return OutputEntry(output: o.output, audience: o.audience, title: o.title, file: "\(o.output).mp4",
                               width: o.format.width, height: o.format.height, fps: o.format.fps, frames: o.frameCount,
                               duration: o.duration.seconds, durationTime: o.duration.description, audioSamples: o.audioSampleCount,
                               tags: Dictionary(uniqueKeysWithValues: o.tags), segments: segments,
                               captions: CaptionsEntry(o.captions), preset: o.format.preset, poster: "\(o.output).png",
                               posterFrame: o.posterFrame, maxBytes: o.format.maxBytes,
                               videoMaxKbps: o.format.maxBytes == nil ? nil : o.format.videoMaxRate,
                               loudness: LoudnessEntry(o))
        }
    }

    /// Milliseconds as "HH:MM:SS.mmm".
    static func clock(_ milliseconds: Int64) -> String { OutputTime(microseconds: milliseconds * 1000).description }

    /// A plain-text table for people, with control characters shown as escapes (`\u{1b}`).
    public var text: String {
        var lines: [String] = ["project \(project): \(title)"]
        for q in quotes ?? [] {
            lines.append("clip \(q.clip): \(q.source) \(q.inTime)-\(q.outTime) from the quote \"\(q.quote)\", said "
                         + "\(q.saidFromTime)-\(q.saidToTime)" + (q.speaker.map { " by \($0)" } ?? "")
                         + " (\(q.writtenAt), \(q.score)%)")
        }
        for o in outputs {
            lines.append("")
            lines.append("output \(o.output) (\(o.audience.rawValue)) \"\(o.title)\" -> \(o.file)")
            lines.append("  \(o.preset.map { "\($0): " } ?? "")\(o.width)x\(o.height) \(o.fps) fps, \(o.frames) frames, \(o.durationTime), \(o.audioSamples) audio samples")
            if let cap = o.maxBytes, let kbps = o.videoMaxKbps {
                lines.append("  under \(cap) bytes: video at most \(kbps) kbit/s, sound \(SizeCap.audioBitRate / 1000) kbit/s")
            }
            for (i, s) in o.segments.enumerated() {
                var line = "  \(i + 1). \(s.outputStartTime)-\(s.outputEndTime) frames \(s.startFrame)-\(s.endFrame - 1)"
                if let t = s.transition {
                    line += "  [\(t.type.rawValue) \(t.frames) frames]"
                }
                if let card = s.card {
                    let words = [card.text, card.value, card.label, card.attribution, card.url].compactMap { $0 }
                        + (card.points ?? [])
                    let shown = words.map { $0.replacingOccurrences(of: "\n", with: " / ") }.joined(separator: " | ")
                    line += "  card \(card.card) (\(card.template.rawValue)): \(shown)"
                }
                if let src = s.source {
                    line += "  clip \(src.clip): \(src.source) \(src.inTime)-\(src.outTime)"
                    if let f = src.firstFrame, let l = src.lastFrame, let r = src.frameRate {
                        line += " (source frames \(f)-\(l) at \(r) fps)"
                    }
                }
                lines.append(line)
            }
            let c = o.captions
            let shown = [c.burned ? "burned in" : nil, c.soft ? "soft track and sidecars" : nil].compactMap { $0 }
            lines.append("  captions \(c.mode.rawValue) (\(shown.isEmpty ? "nothing shown" : shown.joined(separator: ", "))): "
                         + "\(c.cues.count) cue\(c.cues.count == 1 ? "" : "s"), \(c.speakers.count) speaker name\(c.speakers.count == 1 ? "" : "s")")
            func written(_ from: String, _ source: String?, _ cue: Int, _ writtenAt: String?, clip: String) -> String {
                from == "source" ? (writtenAt ?? "\(source ?? "?") cue \(cue)") : "clip \(clip) caption \(cue)"
            }
            for cue in c.cues {
                var notes = [written(cue.from, cue.source, cue.cue, cue.writtenAt, clip: cue.clip)]
                if cue.trimmed { notes.append("trimmed") }
                if let s = cue.extendedBefore { notes.append(String(format: "shown %.2f s early", s)) }
                if let s = cue.extendedAfter { notes.append(String(format: "held %.2f s longer", s)) }
                if cue.extendedBefore != nil || cue.extendedAfter != nil { notes.append("to stay up long enough to read") }
                let text = cue.text.replacingOccurrences(of: "\n", with: " / ")
                lines.append("    \(cue.startTime)-\(cue.endTime) \"\(text)\" (\(notes.joined(separator: ", ")))")
            }
            for cue in c.dropped {
                let text = cue.text.replacingOccurrences(of: "\n", with: " / ")
                lines.append("    dropped \(cue.startTime)-\(cue.endTime) \"\(text)\" "
                             + "(\(written(cue.from, cue.source, cue.cue, cue.writtenAt, clip: cue.clip))): \(cue.reason ?? "")")
            }
            for speaker in c.speakers {
                lines.append("    \(speaker.startTime)-\(speaker.endTime) speaker \(speaker.name)"
                             + (speaker.role.map { ", \($0)" } ?? ""))
            }
            if let loudness = o.loudness { lines += loudness.lines }
        }
        // Titles, card words, caption text and names come from files someone else may have written: an ESC or
        // BEL in them must not reach the terminal.
        return lines.map(VisibleText.escaped).joined(separator: "\n")
    }
}

extension PlanDocument.CaptionsEntry {
    init(_ plan: CaptionPlan) {
        func seconds(_ ms: Int64) -> Double { Double(ms) / 1000 }
        mode = plan.mode
        burned = plan.burnsIn
        soft = plan.hasSoftCaptions
        func origin(_ o: CueOrigin) -> (from: String, source: String?, index: Int) {
            switch o {
            case let .source(id, i): return ("source", id, i)
            case let .clip(_, i): return ("clip", nil, i)
            }
        }
        func entry(_ planned: PlannedCue, reason: String? = nil) -> PlanDocument.CaptionEntry {
            let (from, source, index) = origin(planned.origin)
            return PlanDocument.CaptionEntry(
                start: seconds(planned.cue.start), end: seconds(planned.cue.end),
                startTime: PlanDocument.clock(planned.cue.start), endTime: PlanDocument.clock(planned.cue.end),
                text: planned.cue.text, clip: planned.clip, segment: planned.segment, from: from, source: source,
                cue: index + 1, writtenAt: planned.writtenAt, writtenStartTime: PlanDocument.clock(planned.originalStart),
                writtenEndTime: PlanDocument.clock(planned.originalEnd),
                trimmed: planned.trimmedAtStart || planned.trimmedAtEnd,
                extendedBefore: planned.extendedBefore > 0 ? seconds(planned.extendedBefore) : nil,
                extendedAfter: planned.extendedAfter > 0 ? seconds(planned.extendedAfter) : nil, reason: reason)
        }
        cues = plan.cues.map { entry($0) }
        dropped = plan.dropped.map { entry($0.planned, reason: $0.description) }
        speakers = plan.lowerThirds.map {
            PlanDocument.SpeakerEntry(name: $0.name, role: $0.role, start: seconds($0.start), end: seconds($0.end),
                                      startTime: PlanDocument.clock($0.start), endTime: PlanDocument.clock($0.end))
        }
    }
}
