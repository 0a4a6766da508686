import ArgumentParser
import Foundation
import ProvokeSamples
import ProvokeSystem

struct Samples: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write two synthetic session recordings for trying provoke out (1280x720, 30 fps, H.264, AAC).",
        discussion: """
        The pictures burn in their own source time and frame number (top left) and a speaker lower third; \
        the sound is the given speech recordings (for example espeak-ng's WAV), looped. Keyframes every \
        250 frames, like a meeting recording.
        """)

    @Argument(help: "Folder to write session-may1.mp4, session-may31.mp4 and music-bed.m4a (30 s) into.")
    var directory: String

    @Option(help: "Speech for the first session (any audio file FFmpeg reads). Default: beeps.")
    var speechA: String?

    @Option(help: "Speech for the second session.")
    var speechB: String?

    @Option(help: "Length of each recording in seconds.")
    var seconds = 120

    @Option(help: "Font file for the burned-in labels.")
    var font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

    func run() throws {
        Interruption.install(.exitAtOnce)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let sessions: [(String, String, String, String?)] = [
            ("session-may1.mp4", "A", "Dr Asha Patel · GP partner, Leeds", speechA),
            ("session-may31.mp4", "B", "Sam Reid · practice manager, Dundee", speechB),
        ]
        for (file, letter, speaker, speech) in sessions {
            var spec = SampleSpec()
            spec.width = 1280
            spec.height = 720
            spec.fps = 30
            spec.frames = seconds * 30
            spec.gop = 250
            spec.preset = "veryfast"
            spec.crf = 26
            spec.picture = .session(letter: letter, speaker: speaker, fontFile: font)
            spec.sound = speech.map { .speech(path: $0) } ?? .beeps
            let path = URL(fileURLWithPath: directory).appendingPathComponent(file).path
            printStderr("writing \(path) (\(seconds) s at 1280x720)…")
            do {
                try SampleMedia.write(spec, to: path)
            } catch {
                printStderr("provoke: \(Self.message(error, path))")
                throw ExitCode.renderFailure
            }
            print("wrote \(path)")
        }
        // A music bed for the cards (a quiet chord), sound only.
        let bed = URL(fileURLWithPath: directory).appendingPathComponent("music-bed.m4a").path
        do {
            try SampleMedia.writeSound(.chord, seconds: 30, to: bed)
        } catch {
            printStderr("provoke: \(Self.message(error, bed))")
            throw ExitCode.renderFailure
        }
        print("wrote \(bed)")
    }

    /// `path: reason`, naming the file once (both error types already name it).
    static func message(_ error: any Error, _ path: String) -> String {
        switch error {
        case let e as FileError: return e.description
        default:
            // FFmpeg's errors name their file already.
            let text = String(describing: error)
            return text.hasPrefix(path) ? text : "\(path): \(text)"
        }
    }
}
