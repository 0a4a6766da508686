import Foundation
import ProvokeSystem
import XCTest

/// The segment cache from the command line: which edits re-encode what (by the keys `plan --segments` lists),
/// re-runs that touch nothing, shards on one cache joined by a last render, several processes at once, a
/// render killed outright, and progress for scripts.
extension CLITests {
    /// Two audiences, a card each (different words), a 16 s clip cut from a 20 s source (two pieces), captions.
    func variantsProject() throws {
        try source("a.mp4", frames: 600)
        try write("1\n00:00:02,000 --> 00:00:04,000\nContinuity of care\n\n2\n00:00:14,000 --> 00:00:16,500\nis the first thing we lose\n", "a.srt")
        try write("""
        {"provoke": 1, "project": {"id": "variants", "title": "Increasing access is harmful to health"},
         "sources": [{"id": "a", "file": "a.mp4", "captions": "a.srt"}],
         "clips": [{"id": "talk", "source": "a", "in": 1, "out": 17}],
         "cards": [{"id": "intro", "template": "statement", "duration": 2,
                    "text": {"icb": "Fund time, not throughput", "college": "Teach continuity"}}],
         "outputs": [{"id": "for-icbs", "audience": "icb", "title": "ICBs", "sequence": ["intro", "talk"]},
                     {"id": "for-colleges", "audience": "college", "title": "Colleges", "sequence": ["intro", "talk"]}]}
        """, "manifest.json")
    }

    struct Entry: Decodable, Equatable { var output: String; var kind: String; var key: String; var start: Int; var count: Int; var parts: [String]; var cached: Bool?; var shard: Int? }

    func segments(_ extra: [String] = []) throws -> [Entry] {
        let r = try provoke(["plan", "manifest.json", "--segments", "--json"] + extra)
        XCTAssertEqual(r.status, 0, r.err)
        return try JSONDecoder().decode([Entry].self, from: Data(r.out.utf8))
    }

    /// The keys that differ between two listings, as "output kind parts".
    func changed(_ a: [Entry], _ b: [Entry]) -> [String] {
        zip(a, b).filter { $0.0.key != $0.1.key }.map { "\($0.0.output) \($0.0.kind) \($0.0.parts.joined(separator: "+"))" }
    }

    func testEachEditChangesTheKeysOfExactlyWhatItChanges() throws {
        try variantsProject()
        // The clip (source 1–17 s) is cut where the source has a keyframe (every 250 frames: 8.333 s is the clip's
        // frame 220), so no piece decodes frames it does not show.
        let before = try segments()
        XCTAssertEqual(before.map { "\($0.output) \($0.kind) \($0.parts.joined(separator: "+"))" }, [
            "for-icbs piece intro 0..<60", "for-icbs piece talk 0..<220", "for-icbs piece talk 220..<480",
            "for-icbs loudness talk", "for-icbs sound ",
            "for-colleges piece intro 0..<60", "for-colleges piece talk 0..<220", "for-colleges piece talk 220..<480",
            "for-colleges loudness talk", "for-colleges sound ",
        ])
        // The audiences share the clip's pieces and its loudness measurement; their cards differ; their sound is
        // the same timeline.
        XCTAssertEqual(before[1].key, before[6].key)
        XCTAssertEqual(before[2].key, before[7].key)
        XCTAssertEqual(before[3].key, before[8].key)
        XCTAssertNotEqual(before[0].key, before[5].key)
        XCTAssertEqual(before[4].key, before[9].key)

        let manifest = try String(contentsOf: dir.appendingPathComponent("manifest.json"), encoding: .utf8)
        // One card's words: that card alone.
        try write(manifest.replacingOccurrences(of: "Teach continuity", with: "Teach continuity of care"), "manifest.json")
        XCTAssertEqual(changed(before, try segments()), ["for-colleges piece intro 0..<60"])
        // One caption's text: the piece that shows it, in both outputs.
        try write(manifest, "manifest.json")
        try write("1\n00:00:02,000 --> 00:00:04,000\nContinuity of care\n\n2\n00:00:14,000 --> 00:00:16,500\nis the first thing we lost\n", "a.srt")
        XCTAssertEqual(changed(before, try segments()), ["for-icbs piece talk 220..<480", "for-colleges piece talk 220..<480"])
        // The caption style: every piece with captions on it, nothing else.
        try write("1\n00:00:02,000 --> 00:00:04,000\nContinuity of care\n\n2\n00:00:14,000 --> 00:00:16,500\nis the first thing we lose\n", "a.srt")
        XCTAssertEqual(changed(before, try segments()), [], "back as it was, back to the same keys")
        try write(manifest.replacingOccurrences(of: #""provoke": 1,"#, with: ##""provoke": 1, "style": {"captions": {"color": "#FFFF00"}},"##), "manifest.json")
        XCTAssertEqual(changed(before, try segments()), ["for-icbs piece talk 0..<220", "for-icbs piece talk 220..<480",
                                                          "for-colleges piece talk 0..<220", "for-colleges piece talk 220..<480"])
        // The output's loudness target: its sound track alone (the clip's measurement stays).
        try write(manifest.replacingOccurrences(of: #""title": "Colleges","#, with: #""title": "Colleges", "loudness": -23,"#), "manifest.json")
        XCTAssertEqual(changed(before, try segments()), ["for-colleges sound "])
        // The source touched (a new modification time): its pieces and the sound, not the cards.
        try write(manifest, "manifest.json")
        let source = dir.appendingPathComponent("a.mp4").path
        var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, source, &times, 0), 0)
        XCTAssertEqual(changed(before, try segments()), [
            "for-icbs piece talk 0..<220", "for-icbs piece talk 220..<480", "for-icbs loudness talk", "for-icbs sound ",
            "for-colleges piece talk 0..<220", "for-colleges piece talk 220..<480", "for-colleges loudness talk", "for-colleges sound ",
        ])
    }

    func testAReRunRewritesNothingAndLeavesTheLedgerAlone() throws {
        try variantsProject()
        let first = try provoke(["render", "manifest.json", "--ledger", "ledger.sqlite"])
        XCTAssertEqual(first.status, 0, first.err)
        // A card per audience, the clip's two pieces once for both, one sound track for both.
        XCTAssertTrue(first.out.contains("5 pieces and sound tracks encoded, 0 pieces from the cache"), first.out)
        let out = dir.appendingPathComponent("out")
        func state() throws -> [String: Date] {
            var s: [String: Date] = [:]
            for name in files("out") { s[name] = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(name).path)[.modificationDate] as? Date }
            s["ledger"] = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("ledger.sqlite").path)[.modificationDate] as? Date
            return s
        }
        let before = try state()
        let again = try provoke(["render", "manifest.json", "--ledger", "ledger.sqlite"])
        XCTAssertEqual(again.status, 0, again.err)
        XCTAssertTrue(again.out.contains("for-icbs: unchanged"), again.out)
        XCTAssertTrue(again.out.contains("rendered 0 of 2 outputs (2 unchanged); 0 pieces and sound tracks encoded"), again.out)
        XCTAssertFalse(again.out.contains("recorded in"), again.out)
        XCTAssertEqual(try state(), before, "no file rewritten, the ledger untouched")
        // Touched (a copy tool kept the bytes, not the time): read, found the same, still unchanged. Altered: rewritten.
        let mp4 = out.appendingPathComponent("for-icbs.mp4").path
        var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
        XCTAssertEqual(utimensat(AT_FDCWD, mp4, &times, 0), 0)
        XCTAssertTrue(try provoke(["render", "manifest.json", "--no-ledger"]).out.contains("for-icbs: unchanged"))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: mp4))
        try handle.seek(toOffset: 5000)
        try handle.write(contentsOf: Data(repeating: 0x55, count: 16))
        try handle.close()
        let repaired = try provoke(["render", "manifest.json", "--no-ledger"])
        XCTAssertTrue(repaired.out.contains("for-icbs: wrote"), repaired.out)
        XCTAssertTrue(first.out.contains(try XCTUnwrap(repaired.out.split(separator: "\n").first { $0.hasPrefix("for-icbs: wrote") }?
            .components(separatedBy: "sha256 ").last)), "the same bytes as the first render: \(repaired.out)")
        XCTAssertTrue(repaired.out.contains("0 pieces and sound tracks encoded"), "joined again from the cache: \(repaired.out)")
        // After one card's words change, that card alone is encoded, and that output alone written and recorded.
        let manifest = try String(contentsOf: dir.appendingPathComponent("manifest.json"), encoding: .utf8)
        try write(manifest.replacingOccurrences(of: "Teach continuity", with: "Teach continuity of care"), "manifest.json")
        let edited = try provoke(["render", "manifest.json", "--ledger", "ledger.sqlite"])
        XCTAssertEqual(edited.status, 0, edited.err)
        XCTAssertTrue(edited.out.contains("rendered 1 of 2 outputs (1 unchanged); 1 pieces and sound tracks encoded, 2 pieces from the cache"), edited.out)
        XCTAssertFalse(edited.out.contains("for-icbs: wrote"), edited.out)
        // for-icbs, joined again above from the same pieces, has its first bytes, which the ledger knows: only
        // for-colleges is recorded.
        XCTAssertEqual(edited.out.components(separatedBy: "recorded in").count - 1, 1, edited.out)
        XCTAssertTrue(edited.out.contains("for-colleges: wrote"), edited.out)
    }

    func testAnUnchangedOutputTheLedgerDoesNotKnowIsRecordedOnce() throws {
        try variantsProject()
        XCTAssertEqual(try provoke(["render", "manifest.json", "--no-ledger"]).status, 0)
        let first = try provoke(["render", "manifest.json", "--ledger", "ledger.sqlite"])
        XCTAssertTrue(first.out.contains("rendered 0 of 2 outputs (2 unchanged)"), first.out)
        XCTAssertEqual(first.out.components(separatedBy: "recorded in").count - 1, 2, "new to this ledger: \(first.out)")
        let again = try provoke(["render", "manifest.json", "--ledger", "ledger.sqlite"])
        XCTAssertFalse(again.out.contains("recorded in"), again.out)
        XCTAssertEqual(try provoke(["pending", "variants/for-icbs", "--ledger", "ledger.sqlite"]).status, 0)
    }

    func testShardsOnOneCacheThenAJoinEqualASingleRender() throws {
        try variantsProject()
        let single = try provoke(["render", "manifest.json", "--no-ledger", "--out", "single", "--cache", "single-cache"])
        XCTAssertEqual(single.status, 0, single.err)
        // Three machines' shares, side by side on one shared cache.
        let shards = try (0..<3).map { i in
            try start(["render", "manifest.json", "--shard", "\(i)/3", "--cache", "shared", "--progress", "quiet"])
        }
        for p in shards { p.waitUntilExit(); XCTAssertEqual(p.terminationStatus, 0) }
        XCTAssertEqual(files("out"), [], "shards join nothing")
        let listing = try segments(["--cache", "shared", "--shards", "3"])
        XCTAssertTrue(listing.allSatisfy { $0.cached == true }, "every entry was made by some shard")
        XCTAssertTrue(listing.allSatisfy { (0..<3).contains($0.shard ?? -1) })
        XCTAssertGreaterThan(Set(listing.compactMap(\.shard)).count, 1, "the work is split: \(listing.map(\.shard))")
        let join = try provoke(["render", "manifest.json", "--no-ledger", "--out", "joined", "--cache", "shared"])
        XCTAssertEqual(join.status, 0, join.err)
        XCTAssertTrue(join.out.contains("0 pieces and sound tracks encoded, 4 pieces from the cache"), join.out)
        for name in ["for-icbs.mp4", "for-colleges.mp4", "for-icbs.srt"] {
            XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("joined/" + name)),
                           try Data(contentsOf: dir.appendingPathComponent("single/" + name)), "\(name): byte for byte")
        }
    }

    func testTwoRendersOnOneCacheAtOnceAndAKilledOneLeaveItWhole() throws {
        try variantsProject()
        let reference = try provoke(["render", "manifest.json", "--no-ledger", "--out", "reference", "--no-cache"])
        XCTAssertEqual(reference.status, 0, reference.err)
        // Killed outright while encoding: no output, and no entry that is not whole.
        let killed = try start(["render", "manifest.json", "--no-ledger", "--out", "killed", "--cache", "shared", "--progress", "plain"])
        usleep(1_500_000)
        kill(killed.processIdentifier, SIGKILL)
        killed.waitUntilExit()
        XCTAssertFalse(files("killed").contains { $0.hasSuffix(".mp4") || $0.hasSuffix(".json") }, "\(files("killed"))")
        // Two renders at once on the cache the killed one left: both finish, and match a render without a cache.
        let a = try start(["render", "manifest.json", "--no-ledger", "--out", "a", "--cache", "shared"])
        let b = try start(["render", "manifest.json", "--no-ledger", "--out", "b", "--cache", "shared"])
        a.waitUntilExit()
        b.waitUntilExit()
        XCTAssertEqual([a.terminationStatus, b.terminationStatus], [0, 0])
        for folder in ["a", "b"] {
            for name in ["for-icbs.mp4", "for-colleges.mp4"] {
                XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("\(folder)/\(name)")),
                               try Data(contentsOf: dir.appendingPathComponent("reference/\(name)")), "\(folder)/\(name)")
            }
        }
        XCTAssertTrue(try segments(["--cache", "shared"]).allSatisfy { $0.cached == true })
        // The killed render's temporary files are gone once a render has pruned.
        let prune = try provoke(["cache", "prune", "manifest.json", "--cache", "shared"])
        XCTAssertEqual(prune.status, 0, prune.err)
        XCTAssertTrue(prune.out.contains("removed 0 entries"), prune.out)
        let leftovers = FileManager.default.enumerator(atPath: dir.appendingPathComponent("shared").path)?
            .compactMap { $0 as? String }.filter { ($0 as NSString).lastPathComponent.contains(".partial-") } ?? []
        XCTAssertEqual(leftovers, [])
    }

    /// An output folder that cannot take the outputs is found before anything is encoded, not after.
    func testAnOutputFolderInTheWayStopsTheRenderBeforeAnyEncoding() throws {
        try variantsProject()
        try write("a file where the folder should be", "taken")
        let r = try provoke(["render", "manifest.json", "--no-ledger", "--out", "taken/out"])
        XCTAssertEqual(r.status, 3, r.err)
        XCTAssertTrue(r.err.contains("taken/out: cannot hold the outputs:") && r.err.contains("taken is a regular file, not a folder"), r.err)
        let listed = try provoke(["plan", "manifest.json", "--segments"])
        XCTAssertFalse(listed.out.contains(" cached"), "nothing was encoded: \(listed.out)")
        // The same file as the cache: said in words, by render, cache and prune alike.
        for args in [["render", "manifest.json", "--no-ledger", "--cache", "taken"], ["cache", "--cache", "taken"],
                     ["cache", "prune", "manifest.json", "--cache", "taken"]] {
            let run = try provoke(args)
            XCTAssertNotEqual(run.status, 0, "\(args)")
            XCTAssertTrue(run.err.contains("taken") && run.err.contains(" is a regular file, not a") && !run.err.contains("NSCocoaErrorDomain"), "\(args): \(run.err)")
        }
    }

    /// A shard that cannot make one of its entries fails (exit non-zero, a `failure` event), so the batch system
    /// sees it fail, instead of reporting the entry encoded and leaving the join to find it missing.
    func testAShardThatFailsAnEntryExitsNonZero() throws {
        try variantsProject()
        let listed = try provoke(["plan", "manifest.json", "--segments", "--json"])
        let entries = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(listed.out.utf8)) as? [[String: Any]])
        let key = try XCTUnwrap(entries.first { $0["kind"] as? String == "piece" }?["key"] as? String)
        // The folder the piece would be written in is a file: that entry cannot be made.
        let pieces = dir.appendingPathComponent(".provoke-cache/pieces")
        try FileManager.default.createDirectory(at: pieces, withIntermediateDirectories: true)
        try write("in the way", ".provoke-cache/pieces/" + key.prefix(2))
        let shard = try provoke(["render", "manifest.json", "--shard", "0/1", "--no-ledger", "--progress", "json"])
        XCTAssertNotEqual(shard.status, 0, "a shard with a failed entry fails: \(shard.err)")
        XCTAssertTrue(shard.out.split(separator: "\n").contains { $0.contains("\"event\":\"failure\"") }, shard.out)
        XCTAssertEqual(files("out"), [])
    }

    func testProgressForScriptsIsOneJSONEventALine() throws {
        try variantsProject()
        let r = try provoke(["render", "manifest.json", "--no-ledger", "--progress", "json", "--jobs", "1"])
        XCTAssertEqual(r.status, 0, r.err)
        let events = try r.out.split(separator: "\n").map {
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], String($0))
        }
        let kinds = events.compactMap { $0["event"] as? String }
        XCTAssertEqual(kinds.filter { $0 == "planned" }.count, 2)
        XCTAssertEqual(kinds.filter { $0 == "segment started" }.count, 4, "two cards, the clip's two pieces once")
        XCTAssertEqual(kinds.filter { $0 == "segment done" }.count, 4)
        XCTAssertEqual(kinds.filter { $0 == "sound done" }.count, 1)
        XCTAssertEqual(kinds.filter { $0 == "output written" }.count, 2)
        XCTAssertEqual(events.last { $0["event"] as? String == "progress" && $0["output"] as? String == "for-icbs" }?["frames"] as? Int, 540)
        XCTAssertTrue(r.err.contains("rendered 2 of 2 outputs"), "people's lines go to stderr: \(r.err)")
        // With the ledger (the default) too: its lines are for people, not JSON.
        let recorded = try provoke(["render", "manifest.json", "--ledger", "l.sqlite", "--out", "out2", "--progress", "json"])
        XCTAssertEqual(recorded.status, 0, recorded.err)
        for line in recorded.out.split(separator: "\n") {
            XCTAssertNotNil(try? JSONSerialization.jsonObject(with: Data(line.utf8)), "not JSON on standard output: \(line)")
        }
        XCTAssertTrue(recorded.err.contains("recorded in l.sqlite"), recorded.err)
        // Without a terminal and without JSON: plain lines, the last at 100%.
        try FileManager.default.removeItem(at: dir.appendingPathComponent("out"))
        let plain = try provoke(["render", "manifest.json", "--no-ledger", "--no-cache"])
        XCTAssertTrue(plain.err.contains("for-icbs: 100%"), plain.err)
        XCTAssertFalse(plain.err.contains("\u{1B}["), "no terminal codes in a log")
    }

    /// Starts the binary without waiting (its output discarded).
    func start(_ args: [String]) throws -> Process {
        let p = Process()
        p.executableURL = CLITests.executable
        p.arguments = args
        p.currentDirectoryURL = dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }
}

/// The batch-system recipes in deploy/, run for real on this machine: the Slurm script as array tasks and as
/// the join job, the Kubernetes Jobs' container arguments as their pods would run them.
extension CLITests {
    var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func testTheSlurmScriptShardsAsArrayTasksAndJoinsAsAJob() throws {
        try variantsProject()
        let script = repository.appendingPathComponent("deploy/slurm/render.sbatch").path
        func sbatch(_ environment: [String: String]) throws -> Run {
            let (r, timedOut) = try provokeRun([], environment: environment.merging(["PROVOKE": CLITests.executable.path]) { $1 },
                                               shell: ["/bin/bash", script, "manifest.json", "--no-ledger"])
            XCTAssertFalse(timedOut)
            return r
        }
        for task in 1...3 {  // --array=1-3: three shards, numbered from 1
            let r = try sbatch(["SLURM_ARRAY_TASK_ID": "\(task)", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "3"])
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertTrue(r.out.contains("shard \(task - 1)/3:"), r.out)
        }
        XCTAssertEqual(files("out"), [])
        let join = try sbatch([:])
        XCTAssertEqual(join.status, 0, join.err)
        XCTAssertTrue(join.out.contains("rendered 2 of 2 outputs (0 unchanged); 0 pieces and sound tracks encoded"), join.out)
    }

    func testTheKubernetesJobsArgumentsRenderAsTheirPodsWould() throws {
        // The project where the Jobs' volume has it, and /data mapped to a folder here.
        try variantsProject()
        let data = dir.appendingPathComponent("data")
        let project = data.appendingPathComponent("projects/increasing-access")
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        for name in ["manifest.json", "a.mp4", "a.srt"] {
            try FileManager.default.moveItem(at: dir.appendingPathComponent(name), to: project.appendingPathComponent(name))
        }
        // The YAML read by a YAML parser (PyYAML), not by eye: each Job's container args and env.
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", """
            import json, sys, yaml
            docs = list(yaml.safe_load_all(open(sys.argv[1])))
            print(json.dumps([{"name": d["metadata"]["name"], "completions": d["spec"].get("completions"),
                               "args": d["spec"]["template"]["spec"]["containers"][0]["args"],
                               "env": {e["name"]: e["value"] for e in d["spec"]["template"]["spec"]["containers"][0].get("env", [])}}
                              for d in docs]))
            """, repository.appendingPathComponent("deploy/kubernetes/render-job.yaml").path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let json = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        struct Job: Decodable { var name: String; var completions: Int?; var args: [String]; var env: [String: String] }
        let jobs = try JSONDecoder().decode([Job].self, from: json)
        XCTAssertEqual(jobs.map(\.name), ["provoke-shards", "provoke-join"])
        let shards = try XCTUnwrap(jobs[0].completions)
        XCTAssertEqual(jobs[0].env["SHARDS"], "\(shards)", "SHARDS and completions agree")
        func podArgs(_ job: Job, index: Int) -> [String] {
            // Kubernetes expands $(VAR) from the container's environment; /data is the shared volume.
            job.args.map {
                $0.replacingOccurrences(of: "$(JOB_COMPLETION_INDEX)", with: "\(index)")
                    .replacingOccurrences(of: "$(SHARDS)", with: job.env["SHARDS"] ?? "")
                    .replacingOccurrences(of: "/data", with: data.path)
            }
        }
        for index in 0..<shards {
            let r = try provoke(podArgs(jobs[0], index: index))
            XCTAssertEqual(r.status, 0, r.err)
        }
        let join = try provoke(podArgs(jobs[1], index: 0))
        XCTAssertEqual(join.status, 0, join.err)
        XCTAssertTrue(join.out.contains("0 pieces and sound tracks encoded"), join.out)
        XCTAssertTrue(FileManager.default.fileExists(atPath: data.appendingPathComponent("out/for-icbs.mp4").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: data.appendingPathComponent("provoke-ledger.sqlite").path))
    }
}
