// FFmpeg 5.1's C API for FFmpegKit (the only module that imports CFFmpeg).
// Only what Swift cannot import by itself lives here: function-like macros and constants
// built from them. Nothing else.
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersrc.h>
#include <libavfilter/buffersink.h>
#include <libavutil/avutil.h>
#include <libavutil/opt.h>
#include <libavutil/imgutils.h>
#include <libavutil/channel_layout.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/display.h>
#include <libavutil/sha.h>
#include <libavutil/dict.h>
#include <libavutil/samplefmt.h>
#include <libavutil/pixdesc.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>

static inline int provoke_averror_eagain(void) { return AVERROR(EAGAIN); }
static inline int provoke_averror_eof(void) { return AVERROR_EOF; }
static inline int provoke_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }
static inline int provoke_averror_exit(void) { return AVERROR_EXIT; }
static inline int64_t provoke_av_nopts_value(void) { return AV_NOPTS_VALUE; }
static inline AVRational provoke_av_time_base_q(void) { return AV_TIME_BASE_Q; }
static inline AVChannelLayout provoke_channel_layout_stereo(void) {
    AVChannelLayout l = AV_CHANNEL_LAYOUT_STEREO; return l;
}
