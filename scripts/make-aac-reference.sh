#!/usr/bin/env bash
# The reference decodes for tests/core/audio-m4a.test.ts: FFmpeg's own decode (the
# installed ffmpeg program, 5.1) of the two M4A fixtures, mixed to mono as core mixes
# (the channels' mean), 16-bit, at the file's own rate, with the encoder's delay NOT
# trimmed (-ignore_editlist: core does not trim it either). Committed; the tests need no
# ffmpeg. Rerun only if the fixtures change. The noise file's reference is cut to its
# first two seconds to stay small.
set -euo pipefail
dir="$(dirname "$0")/../tests/fixtures/audio"
ffmpeg -loglevel error -y -ignore_editlist 1 -i "$dir/tone.m4a" -af "pan=mono|c0=c0" -map_metadata -1 -fflags +bitexact -c:a pcm_s16le "$dir/tone.m4a.ref.wav"
ffmpeg -loglevel error -y -ignore_editlist 1 -i "$dir/noise-tone-stereo-44k.m4a" -af "pan=mono|c0=0.5*c0+0.5*c1" -t 2 -map_metadata -1 -fflags +bitexact -c:a pcm_s16le "$dir/noise-tone-stereo-44k.m4a.ref.wav"
ls -l "$dir"/*.ref.wav
