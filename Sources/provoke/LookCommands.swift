import ArgumentParser
import Foundation
import ProvokeManifest
import ProvokeRender
import ProvokeSystem
import ProvokeTimeline

// Looking at an output without rendering it: one frame (`still`) or one frame per sequence item (`storyboard`),
// each exactly as the render would show it, written as PNG with `FileOutput.write`: a file by atomic rename, a
// device or pipe (`-o /dev/stdout`) as a stream.

struct Still: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the frame an output shows at a time, as PNG, without rendering the video.")

    @Argument(help: "The project manifest (JSON).")
    var manifest: String

    @Option(name: .customLong("output"), help: "The output to look at.")
    var output: String

    @Option(name: .customLong("at"), help: "Output time: seconds (12.5) or HH:MM:SS.mmm.")
    var at: String

    @Option(name: .customShort("o"),
            help: ArgumentHelp("The PNG to write. Default: <output>-<time>.png in the current folder.", valueName: "file.png"))
    var file: String?

    func run() throws {
        Interruption.install(.exitAtOnce)
        let microseconds: Int64
        do {
            microseconds = at.contains(":") ? try TimeLiteral.microseconds(fromClock: at)
                                            : try TimeLiteral.microseconds(fromSeconds: at)
        } catch {
            printStderr("provoke: --at \(at): \(error)")
            throw ExitCode.usage
        }
        let project = try loadProject(manifest, probeMedia: true, quietWarnings: true)
        guard let plan = try planOrUsageError(project, [output]).outputs.first else { throw ExitCode.usage }
        // The frame on screen at that time: the latest frame starting at or before it.
        let frame = plan.format.clock.frame(at: microseconds)
        guard frame < plan.frameCount else {
            printStderr("provoke: --at \(at): past the end of output \"\(output)\" (\(plan.duration), \(plan.frameCount) frames)")
            throw ExitCode.usage
        }
        let destination = URL(fileURLWithPath: file ?? "\(output)-\(String(format: "%.3f", Double(microseconds) / 1e6)).png")
        try writePicture(destination, output: output) { try Renderer().stillPNG(plan, frame: frame) }
        print("\(output): frame \(frame) (\(plan.format.clock.time(ofFrame: frame))) -> \(destination.path)")
    }
}

struct StoryboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storyboard",
        abstract: "Write a contact sheet of an output as PNG: one labelled frame per sequence item.")

    @Argument(help: "The project manifest (JSON).")
    var manifest: String

    @Option(name: .customLong("output"), help: "The output to look at.")
    var output: String

    @Option(name: .customShort("o"),
            help: ArgumentHelp("The PNG to write. Default: <output>-storyboard.png in the current folder.", valueName: "file.png"))
    var file: String?

    func run() throws {
        Interruption.install(.exitAtOnce)
        let project = try loadProject(manifest, probeMedia: true, quietWarnings: true)
        guard let plan = try planOrUsageError(project, [output]).outputs.first else { throw ExitCode.usage }
        let destination = URL(fileURLWithPath: file ?? "\(output)-storyboard.png")
        try writePicture(destination, output: output) { try Renderer().storyboardPNG(plan) }
        print("\(output): \(plan.segments.count) items -> \(destination.path)")
    }
}

/// Makes a picture and writes it as PNG (see `FileOutput.write`); maps failures to exit codes.
func writePicture(_ destination: URL, output: String, make: () throws -> Data) throws {
    do {
        try FileOutput.write(try make(), to: destination.path)
    } catch let e as RenderError {
        printStderr("provoke: \(output): \(e.message)")
        throw e.isInputProblem ? ExitCode.invalidInput : ExitCode.renderFailure
    } catch let e as FileError {
        printStderr("provoke: \(e)")
        throw e.isInputProblem ? ExitCode.invalidInput : ExitCode.renderFailure
    }
}
