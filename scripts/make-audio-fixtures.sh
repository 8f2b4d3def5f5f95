#!/usr/bin/env bash
# Makes tests/fixtures/audio (tests/fixtures/audio/README.md says what each file is for).
# Committed output: the tests read these files and need none of the programs here.
# Rerun only to change the fixtures. Needs ffmpeg and espeak-ng (Debian: ffmpeg espeak-ng).
set -euo pipefail
out="$(dirname "$0")/../tests/fixtures/audio"
mkdir -p "$out"

# Two seconds of a 440 Hz tone at 16 kHz mono in each format Hvelv imports, with a
# recording-date tag where the format carries one.
src=(-f lavfi -i "sine=frequency=440:sample_rate=16000:duration=2" -ac 1 -map_metadata -1 -fflags +bitexact)
date=(-metadata date=2021-03-15 -metadata creation_time=2021-03-15T10:30:00Z)
ffmpeg -loglevel error -y "${src[@]}" "${date[@]}" -c:a pcm_s16le "$out/tone.wav"
ffmpeg -loglevel error -y "${src[@]}" "${date[@]}" -c:a libmp3lame -b:a 32k "$out/tone.mp3"
ffmpeg -loglevel error -y "${src[@]}" "${date[@]}" -c:a aac -b:a 32k "$out/tone.m4a"
ffmpeg -loglevel error -y "${src[@]}" "${date[@]}" -c:a libopus -b:a 24k "$out/tone.ogg"
ffmpeg -loglevel error -y "${src[@]}" "${date[@]}" -c:a flac "$out/tone.flac"
ffmpeg -loglevel error -y "${src[@]}" "${date[@]}" -c:a libopus -b:a 24k "$out/tone.webm"

# Three seconds of WebM/Opus as a browser records it: stereo at 48 kHz (440 Hz left, 660 Hz
# right), written to a pipe so the Segment has no size, as MediaRecorder leaves it. The
# core decoder's test (tests/core/audio-webm.test.ts) also takes the Clusters' sizes away.
ffmpeg -loglevel error -y -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=3" -f lavfi -i "sine=frequency=660:sample_rate=48000:duration=3" \
  -filter_complex "[0][1]amerge=inputs=2" -ac 2 -map_metadata -1 -fflags +bitexact -c:a libopus -b:a 48k -live 1 -f webm pipe:1 > "$out/tone-stereo-live.webm"

# Six seconds of AAC as a phone or recorder makes it: stereo at 44.1 kHz, a 180 Hz tone in
# noise (seeded, so the file is the same each time). Web Audio must mix it down and resample.
ffmpeg -loglevel error -y -f lavfi -i "sine=frequency=180:duration=6" -f lavfi -i "anoisesrc=d=6:a=0.05:seed=1" \
  -filter_complex "amix=inputs=2,volume=2" -ac 2 -ar 44100 -map_metadata -1 -fflags +bitexact \
  -c:a aac -b:a 64k "$out/noise-tone-stereo-44k.m4a"

# A Norwegian sentence spoken by espeak-ng (22.05 kHz mono), kept as Ogg Opus at 32 kb/s
# (20 KB; the WAV is 230 KB, FLAC 115 KB): for the speech-recognition test with a real model.
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
espeak-ng -v nb -s 140 -w "$tmp/setning.wav" "Jeg jobber som jobbspesialist i Nav, og jeg liker arbeidet mitt."
ffmpeg -loglevel error -y -i "$tmp/setning.wav" -map_metadata -1 -fflags +bitexact -c:a libopus -b:a 32k -application voip "$out/setning-nb.ogg"
ls -l "$out"
