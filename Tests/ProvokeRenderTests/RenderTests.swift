import FFmpegKit
import Foundation
import ProvokeManifest
@testable import ProvokeRender
import ProvokeSamples
import ProvokeTimeline
import XCTest

final class RenderTests: XCTestCase {
    override func setUp() { FFmpegLog.setQuiet() }

    /// 10 s of 320x180 at 30 fps, keyframes at 0 and 250 only, beeps every second.
    func makeIndexedSource(_ dir: TempDir, name: String = "a.mp4", configure: (inout SampleSpec) -> Void = { _ in }) throws -> String {
        var spec = SampleSpec()
        spec.frames = 300
        configure(&spec)
        let path = dir.path(name)
        try SampleMedia.write(spec, to: path)
        return path
    }

    func testCutsStartOnTheInPointFrameWhateverTheKeyframes() throws {
        let dir = try TempDir()
        _ = try makeIndexedSource(dir)
        // 9.0 s = source frame 270, 20 frames after the keyframe at 250; 1.1 s = frame 33, far from any keyframe.
        let p = project(sources: [("a", "a.mp4")],
                        clips: [("late", "a", 9.0, 9.5), ("early", "a", 1.1, 2.0)],
                        outputs: [("cut", .icb, ["late", "early"])], base: dir.url)
        let plan = try Planner.plan(p)
        let out = try Renderer().render(plan.outputs[0], into: dir.url.appendingPathComponent("out"))

        let frames = try decodeLuma(out.mp4.path)
        XCTAssertEqual(frames.count, 15 + 27)
        let box = Letterbox.fit(sourceWidth: 320, sourceHeight: 180, into: 1280, 720)
        let indices = frames.map { sourceIndex($0, box: box, sw: 320, sh: 180) }
        XCTAssertEqual(indices, Array(270..<285) + Array(33..<60))
    }
}
