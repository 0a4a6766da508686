// FFmpegKit: the only module that touches FFmpeg's C API (CFFmpeg). Every raw pointer is owned by
// a small final class that frees it in deinit; every negative return code becomes an FFmpegError
// naming the call, the file and av_strerror's text.
import CFFmpeg
