import ProvokeTimeline

// What the render record says beyond what the ledger registers: the speakers, the cards' words and every
// idea of the project, so the campaign report can show what a video says without the manifest (which may
// have moved on since the render). Kept apart from `RenderRecord.init(plan:…)` so that initialiser stays
// about the file itself.
extension RenderRecord {
    /// Fills in each clip's speaker, each card's words and the project's ideas from the plan rendered.
    mutating func addReportDetails(from plan: OutputPlan) {
        var speakers: [String: Speaker] = [:]
        var words: [String: [String]] = [:]
        for segment in plan.segments {
            switch segment.content {
            case .clip(let c):
                if let s = c.speaker { speakers[c.clip] = Speaker(name: s.name, role: s.role) }
            case .card(let c):
                words[c.card] = c.words
            }
        }
        for index in clips.indices { clips[index].speaker = speakers[clips[index].clip] }
        if var cards {
            for index in cards.indices { cards[index].words = words[cards[index].card] ?? [] }
            self.cards = cards
        }
        projectIdeas = plan.projectIdeas.map { Idea(id: $0.id, text: $0.text) }
    }
}

extension CardContent {
    /// The card's words in reading order, as the audience sees them.
    var words: [String] {
        [text, attribution].compactMap { $0 } + points + [value, label, url, event, date].compactMap { $0 }
    }
}
