// ProvokeRender: executes a RenderPlan: decode -> filter -> encode -> mux, atomic output.
import FFmpegKit
