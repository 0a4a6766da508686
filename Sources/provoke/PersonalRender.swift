import ArgumentParser
import Foundation
import ProvokeLedger
import ProvokeManifest
import ProvokeRender
import ProvokeSystem
import ProvokeTimeline

/// `provoke render --personal`: the personalised outputs' plans turned into one plan per recipient, each writing
/// `out/<output-id>/<slug>.mp4`. The recipients, codes and file names come from the ledger; a recipient who lacks
/// a detail their card shows, or a listed address that is no contact, is a failure of that edition alone.
enum EditionJobs {
    /// The editions' jobs and the editions that cannot be made. `reserving` records new editions' codes and file
    /// names in the ledger before they are rendered (`render`); without it the ledger is only read (`cache prune`).
    static func make(_ batch: Batch, ledger: Ledger, to emails: [String], reserving: Bool) throws
        -> (jobs: [BatchRenderer.Job], failures: [(output: String, error: RenderError)]) {
        var jobs: [BatchRenderer.Job] = []
        var failures: [(output: String, error: RenderError)] = []
        let asked = Set(emails.map { $0.lowercased() })
        // Who each personalised output is made for (with --to, only those asked for); nothing is recorded until
        // every address asked for is known to get an edition.
        var chosen: [(job: BatchRenderer.Job, personalise: Personalise, contacts: [Contact])] = []
        for job in batch.jobs {
            guard let personalise = batch.personalise(of: job.plan) else { continue }
            let plan = job.plan
            let recipients = try reportingErrors { try ledger.editionRecipients(personalise.contacts, audience: plan.audience) }
            let contacts = asked.isEmpty ? recipients.contacts : recipients.contacts.filter { asked.contains($0.email.lowercased()) }
            let unknown = asked.isEmpty ? recipients.unknown : recipients.unknown.filter { asked.contains($0.lowercased()) }
            for email in unknown {
                failures.append(("\(plan.output)/\(email)", RenderError.badInput(plan.output, "\(plan.output): \(email),"
                    + " listed in its personalise contacts, is not a contact in the ledger (imported? removed?);"
                    + " no edition is made for them")))
            }
            if contacts.isEmpty && asked.isEmpty && unknown.isEmpty {
                failures.append((plan.output, RenderError.badInput(plan.output, "\(plan.output): no contacts of the "
                    + "\(plan.audience.rawValue) audience in the ledger, so no editions (provoke contacts import)")))
            }
            chosen.append((job, personalise, contacts))
        }
        if chosen.isEmpty {
            printStderr("provoke: no output here is personalised (has a \"personalise\" key); --personal renders"
                        + " personal editions only")
            throw ExitCode.usage
        }
        let matched = Set(chosen.flatMap { $0.contacts.map { $0.email.lowercased() } })
        let unmatched = emails.filter { !matched.contains($0.lowercased()) }
        if !unmatched.isEmpty {
            for email in unmatched {
                let known = try reportingErrors { try ledger.contact(email: email) != nil }
                printStderr("provoke: no edition is made for \(email): " + (known
                    ? "not a recipient of the personalised outputs rendered (their personalise contacts)"
                    : "not a contact in the ledger (provoke contacts import)"))
            }
            throw ExitCode.invalidInput
        }
        for (job, personalise, contacts) in chosen where !contacts.isEmpty {
            let plan = job.plan
            let editions = try reportingErrors {
                reserving ? try ledger.reserveEditions(project: plan.project, output: plan.output, for: contacts)
                          : try ledger.editions(project: plan.project, output: plan.output, for: contacts)
            }
            let folder = job.directory.appendingPathComponent(plan.output, isDirectory: true)
            for edition in editions {
                do {
                    jobs.append(BatchRenderer.Job(plan: try plan.personalised(edition, card: personalise.card), directory: folder))
                } catch let e as EditionError {
                    failures.append(("\(plan.output)/\(edition.slug)",
                                     RenderError.badInput(plan.output, e.message)))
                }
            }
        }
        return (jobs, failures)
    }
}

extension Batch {
    /// The output's `personalise`, when the plan is of a personalised output.
    func personalise(of plan: OutputPlan) -> Personalise? {
        projects.first { $0.id == plan.project }?.output(plan.output)?.personalise
    }
}

extension LedgerRegistrationOptions {
    /// Registers the editions written (and those left as they were that the ledger does not know yet), one
    /// transaction per output: every edition of an output, each planned for its recipient, or none.
    func registerEditions(_ outputs: [RenderedOutput], in ledger: Ledger?, say: (String) -> Void) throws {
        guard let ledger else { return }
        var order: [String] = []
        var byOutput: [String: [RenderedOutput]] = [:]
        for output in outputs {
            let key = "\(output.plan.project)/\(output.plan.output)"
            if byOutput[key] == nil { order.append(key) }
            byOutput[key, default: []].append(output)
        }
        for key in order {
            let files = byOutput[key]!
            try reportingErrors {
                let registrations = try ledger.registerVideos(files.map { ($0.renderRecord, $0.mp4.path) })
                let new = registrations.filter(\.isNew).count
                say("  \(key): \(files.count) editions recorded in \(ledger.path) (\(new) new), each planned for its recipient")
            }
        }
    }
}
