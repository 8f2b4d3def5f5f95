/*
 * Hvelv's glue over FFmpeg's AAC decoder (libavcodec, LGPL-2.1), built to WebAssembly
 * by scripts/build-aac-wasm.sh. MIT, as Hvelv; the decoder it calls is FFmpeg's (NOTICE).
 *
 * One decoder per recording: opened from the track's AudioSpecificConfig, fed one raw AAC
 * frame (an access unit, as an MP4's sample table gives it) at a time into a fixed input
 * buffer, and each call leaves the frame's samples mixed to mono (the mean of the channels)
 * in an output buffer, with the channel count and rate of that frame. Core wants mono
 * only (drafts and the waveform), so mixing here saves copying every channel out.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libavcodec/avcodec.h>
#include <libavutil/channel_layout.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>

/* The demuxer (shared/mp4.ts) refuses frames over 64 KiB. */
#define IN_MAX 65536
/* AAC gives 1024 (or 960; HE-AAC 2048) samples a frame; room to spare. */
#define OUT_MAX 16384

typedef struct {
  AVCodecContext *ctx;
  AVPacket *pkt;
  AVFrame *frame;
  uint8_t in[IN_MAX + AV_INPUT_BUFFER_PADDING_SIZE];
  float out[OUT_MAX];
  int channels;
  int rate;
} Aac;

void *aac_open(const uint8_t *asc, int len) {
  /* FFmpeg's log goes to the process's stderr: nothing of it is wanted there (a damaged
     frame is told by the return value, and the caller says it in the user's language). */
  av_log_set_level(AV_LOG_QUIET);
  const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_AAC);
  if (!codec || len < 2 || len > 1024) return NULL;
  Aac *a = calloc(1, sizeof(Aac));
  if (!a) return NULL;
  a->ctx = avcodec_alloc_context3(codec);
  a->pkt = av_packet_alloc();
  a->frame = av_frame_alloc();
  if (!a->ctx || !a->pkt || !a->frame) goto fail;
  a->ctx->extradata = av_mallocz(len + AV_INPUT_BUFFER_PADDING_SIZE);
  if (!a->ctx->extradata) goto fail;
  memcpy(a->ctx->extradata, asc, len);
  a->ctx->extradata_size = len;
  if (avcodec_open2(a->ctx, codec, NULL) < 0) goto fail;
  return a;
fail:
  avcodec_free_context(&a->ctx);
  av_packet_free(&a->pkt);
  av_frame_free(&a->frame);
  free(a);
  return NULL;
}

/* Where the caller writes the next frame's bytes (IN_MAX at most). */
uint8_t *aac_input(Aac *a) { return a->in; }
/* The last call's mono samples. */
float *aac_output(Aac *a) { return a->out; }
int aac_channels(Aac *a) { return a->channels; }
int aac_rate(Aac *a) { return a->rate; }

static int drain(Aac *a) {
  int n = 0;
  for (;;) {
    int r = avcodec_receive_frame(a->ctx, a->frame);
    if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) return n;
    if (r < 0) return r;
    AVFrame *f = a->frame;
    int ch = f->ch_layout.nb_channels;
    int count = f->nb_samples;
    if (ch < 1 || count < 0 || f->format != AV_SAMPLE_FMT_FLTP || n + count > OUT_MAX) {
      av_frame_unref(f);
      return -1000;
    }
    if (n > 0 && (ch != a->channels || f->sample_rate != a->rate)) {
      /* A change inside one call cannot be told apart in one buffer: refused. */
      av_frame_unref(f);
      return -1001;
    }
    a->channels = ch;
    a->rate = f->sample_rate;
    float *o = a->out + n;
    const float scale = 1.0f / (float)ch;
    const float *c0 = (const float *)f->extended_data[0];
    for (int i = 0; i < count; i++) o[i] = c0[i];
    for (int c = 1; c < ch; c++) {
      const float *s = (const float *)f->extended_data[c];
      for (int i = 0; i < count; i++) o[i] += s[i];
    }
    if (ch > 1) for (int i = 0; i < count; i++) o[i] *= scale;
    n += count;
    av_frame_unref(f);
  }
}

/*
 * Decodes the `len` bytes at aac_input(): the number of mono samples now at
 * aac_output() (0 is possible), or a negative number for a frame the decoder refused.
 */
int aac_decode(Aac *a, int len) {
  if (len < 0 || len > IN_MAX) return -1002;
  memset(a->in + len, 0, AV_INPUT_BUFFER_PADDING_SIZE);
  a->pkt->data = a->in;
  a->pkt->size = len;
  int r = avcodec_send_packet(a->ctx, a->pkt);
  if (r < 0) return r;
  return drain(a);
}

/* No more frames: what the decoder still holds (AAC's decoder holds none, but the API may). */
int aac_flush(Aac *a) {
  int r = avcodec_send_packet(a->ctx, NULL);
  if (r < 0 && r != AVERROR_EOF) return r;
  return drain(a);
}

void aac_free(Aac *a) {
  if (!a) return;
  avcodec_free_context(&a->ctx);
  av_packet_free(&a->pkt);
  av_frame_free(&a->frame);
  free(a);
}
