#!/usr/bin/env bash
# Makes tests/fixtures/audio: two seconds of a 440 Hz tone at 16 kHz mono in each
# format Hvelv imports, with a recording-date tag where the format carries one.
# Committed output; rerun only to change the fixtures. Needs ffmpeg (Debian: ffmpeg).
set -euo pipefail
out="$(dirname "$0")/../tests/fixtures/audio"
mkdir -p "$out"
src=(-f lavfi -i "sine=frequency=440:sample_rate=16000:duration=2" -ac 1 -map_metadata -1 -fflags +bitexact)
date=(-metadata date=2021-03-15 -metadata creation_time=2021-03-15T10:30:00Z)
ffmpeg -loglevel error -y "${src[@]}" "${date[@]}" -c:a pcm_s16le "$out/tone.wav"
ffmpeg -loglevel error -y "${src[@]}" "${date[@]}" -c:a libmp3lame -b:a 32k "$out/tone.mp3"
ffmpeg -loglevel error -y "${src[@]}" "${date[@]}" -c:a aac -b:a 32k "$out/tone.m4a"
ffmpeg -loglevel error -y "${src[@]}" "${date[@]}" -c:a libopus -b:a 24k "$out/tone.ogg"
ffmpeg -loglevel error -y "${src[@]}" "${date[@]}" -c:a flac "$out/tone.flac"
ffmpeg -loglevel error -y "${src[@]}" "${date[@]}" -c:a libopus -b:a 24k "$out/tone.webm"
ls -l "$out"
